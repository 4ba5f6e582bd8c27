"""The folder tree is the architecture: every import points down a layer.

kernels (``fastreg._kernels``: numba only) ← solvers (``fastreg._solvers``:
drivers) ← the public API (every other module) ← the commands (``fastreg.cli``).
``fastreg.exceptions`` is a leaf any layer above the kernels may use.
``fastreg.jit`` is the one public module that faces kernels directly: its
functions are compiled solves for the user's own nopython code, so it may import
``fastreg._kernels.entry`` (and nothing else from the kernels).
"""

import ast
from pathlib import Path

import pytest

import fastreg

PACKAGE = Path(fastreg.__file__).parent
KERNELS, SOLVERS, API, COMMANDS = range(4)
JIT_FACE = ("fastreg.jit", "fastreg._kernels.entry")  # the documented exception
LAYER_NAMES = ("kernel", "solver", "API", "command")


def layer(module):
    parts = module.split(".")
    if parts[1:2] == ["_kernels"]:
        return KERNELS
    if parts[1:2] == ["_solvers"]:
        return SOLVERS
    if parts[1:2] in (["cli"], ["__main__"]):
        return COMMANDS
    return API


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name):
    path = PACKAGE.parent / name.replace(".", "/")
    return path.is_dir() or path.with_suffix(".py").exists()


def fastreg_imports(text, name, is_package=False):
    """Every fastreg module the source ``text`` of module ``name`` imports, lazy imports included."""
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] == "fastreg"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                target = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                target = node.module
            if target.split(".")[0] != "fastreg":
                continue
            # ``from fastreg._kernels import gd`` imports the module ``fastreg._kernels.gd``
            found += [f"{target}.{a.name}" if is_module(f"{target}.{a.name}") else target for a in node.names]
    return found


def violations(source, targets):
    """The imports of ``source`` that point up a layer, or from the API straight to a kernel."""
    wrong = []
    for target in targets:
        if layer(source) == KERNELS:
            if layer(target) != KERNELS:
                wrong.append(f"kernel {source} imports {target}: kernels import no other fastreg code")
        elif target in ("fastreg", "fastreg.exceptions"):
            continue  # the version string and the shared exception types
        elif layer(target) > layer(source):
            wrong.append(f"{source} ({LAYER_NAMES[layer(source)]}) imports {target} "
                         f"({LAYER_NAMES[layer(target)]}), which points up a layer")
        elif layer(source) == API and layer(target) == KERNELS and (source, target) != JIT_FACE:
            wrong.append(f"API module {source} imports kernel {target}: go through a solver")
    return wrong


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_sits_in_a_known_layer():
    names = [module_name(path) for path in MODULES]
    assert "fastreg._kernels.gram" in names and "fastreg._solvers.statistics" in names
    loose = [n for n in names if n.count(".") == 1 and n.split(".")[1].startswith("_")
             and n not in ("fastreg.__main__", "fastreg._validation", "fastreg._docstrings")]  # API-layer helpers
    assert not loose, f"private modules {loose} belong in _kernels/ or _solvers/, not at the package root"


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_imports_point_down_a_layer(path):
    name = module_name(path)
    assert violations(name, fastreg_imports(path.read_text(), name, path.name == "__init__.py")) == []


def test_the_layer_test_sees_wrong_imports():
    # negative controls: each kind of wrong arrow is caught, relative and lazy imports resolved
    kernel = "import numpy\ndef f():\n    from ..linear_model import Ridge\n"
    assert fastreg_imports(kernel, "fastreg._kernels.gram") == ["fastreg.linear_model"]
    assert violations("fastreg._kernels.gram", ["fastreg.linear_model"])
    assert violations("fastreg._kernels.gram", ["fastreg.exceptions"])
    assert violations("fastreg._solvers.statistics", ["fastreg.linear_model._base"])
    assert violations("fastreg.linear_model._base", ["fastreg.cli.fit"])
    api = "from .._kernels import gd\nfrom fastreg._solvers.statistics import sufficient_stats\n"
    targets = fastreg_imports(api, "fastreg.linear_model._base")
    assert targets == ["fastreg._kernels.gd", "fastreg._solvers.statistics"]
    assert len(violations("fastreg.linear_model._base", targets)) == 1
    assert violations("fastreg.cli.fit", ["fastreg._kernels.gram", "fastreg.linear_model"]) == []
    # the jit exception is exactly one arrow: fastreg.jit → fastreg._kernels.entry
    assert violations("fastreg.jit", ["fastreg._kernels.entry"]) == []
    assert violations("fastreg.jit", ["fastreg._kernels.gram"])
    assert violations("fastreg.domain", ["fastreg._kernels.entry"])
