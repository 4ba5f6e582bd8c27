"""Sphinx configuration for fastreg's documentation site (``make docs``).

Sphinx with numpydoc and the PyData theme, as NumPy, SciPy and scikit-learn use: fastreg's
docstrings are numpydoc already, and ``numpydoc_validation_checks`` holds the same checks the
test suite runs (``tests/docs/test_docstrings.py``). The API and CLI pages are generated here
from the code (``public_api.py`` and the argparse parser), so they cannot drift from it; the
notebooks are executed by myst-nb at every build.
"""

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from public_api import MODULES, VALIDATION_CHECKS, public_objects  # noqa: E402

import fastreg  # noqa: E402

project = "fastreg"
author = "the fastreg developers"
copyright = "2026, the fastreg developers"
release = version = fastreg.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.mathjax", "numpydoc", "myst_nb"]
templates_path = ["_templates"]
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "generated/results.md"]  # results.md is included, not a page
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

html_theme = "pydata_sphinx_theme"
html_title = f"fastreg {release}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}

autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set(VALIDATION_CHECKS)
numpydoc_xref_param_type = False

myst_enable_extensions = ["dollarmath", "colon_fence"]
nb_execution_mode = "force"  # every build runs every notebook
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:  # untouched files keep Sphinx's incremental build
        path.write_text(text)


def _api_page():
    """reStructuredText: autosummary's toctree is only registered from an .rst page."""
    objects = public_objects()
    lines = ["API reference", "=============", "",
             "Every public function and class, by module, generated from the docstrings.", ""]
    for module in MODULES:
        names = [name for name, value in objects.items()
                 if name.rsplit(".", 1)[0] == module and not isinstance(value, property)]
        if not names:
            continue
        title = f"``{module}``"
        lines += [title, "-" * len(title), "", f".. currentmodule:: {module}", "", ".. autosummary::",
                  "   :toctree: api", "   :template: fastreg_object.rst", ""]
        lines += [f"   {name.rsplit('.', 1)[1]}" for name in names]
        lines += [""]
    return "\n".join(lines)


def _cli_page():
    from fastreg.cli import build_parser

    parser = build_parser()
    parser.prog = "fastreg"
    lines = ["# The `fastreg` command", "",
             "Generated from the command's own `--help`. A failure is one line on stderr and an exit code "
             "(2 bad arguments, 1 bad input or failed job, 130 Ctrl-C, 143 SIGTERM); `--debug` shows the "
             "traceback. Outputs are replaced only with `--force`.", "", "```text", parser.format_help(), "```"]
    commands = next(action for action in parser._actions if action.__class__.__name__ == "_SubParsersAction")
    for name, sub in commands.choices.items():
        sub.prog = f"fastreg {name}"
        lines += ["", f"## `fastreg {name}`", "", "```text", sub.format_help().rstrip(), "```"]
    return "\n".join(lines) + "\n"


def _generate():
    generated = HERE / "generated"
    _write(generated / "api.rst", _api_page())
    _write(generated / "cli.md", _cli_page())
    notebooks = generated / "notebooks"
    notebooks.mkdir(parents=True, exist_ok=True)
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        target = notebooks / notebook.name
        if not target.exists() or target.read_bytes() != notebook.read_bytes():
            shutil.copyfile(notebook, target)
    for name in ("results.md", "speedups.png"):
        source = ROOT / "benchmarks" / name
        if source.exists():
            shutil.copyfile(source, generated / name)


_generate()  # at configuration time, before autosummary looks for the pages it should stub
