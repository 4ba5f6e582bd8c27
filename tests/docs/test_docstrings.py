"""numpydoc's validation over the public API: the same checks the documentation build runs."""

import sys
from pathlib import Path

import pytest

pytest.importorskip("numpydoc", reason="numpydoc is in the test extra")
sys.path.insert(0, str(Path(__file__).parents[2] / "docs"))

from public_api import public_objects, validation_errors  # noqa: E402

PUBLIC = sorted(public_objects())


def test_the_public_api_is_found():
    for name in ("fastreg.Ridge", "fastreg.Ridge.fit", "fastreg.descriptors.featurize", "fastreg.jit.fit_ridge",
                 "fastreg.plotting.parity_plot", "fastreg.io.read_structures"):
        assert name in PUBLIC


@pytest.mark.parametrize("name", PUBLIC)
def test_docstring_is_valid_numpydoc(name):
    errors = validation_errors(name)
    assert not errors, "\n".join(f"{name}: {code} {message}" for code, message in errors)
