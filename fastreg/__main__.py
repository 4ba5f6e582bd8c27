"""``python -m fastreg`` is the ``fastreg`` command."""

from .cli import main

raise SystemExit(main())
