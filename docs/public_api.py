"""The public API, as dotted names: what the documentation site lists and numpydoc validates.

A name is public when a public module exports it (``__all__``, else every function and class
defined there whose name has no leading underscore); a class contributes the public methods
and properties defined by it or by a fastreg base class, not those inherited from scikit-learn.
"""

import functools
import importlib
import inspect

MODULES = ("fastreg", "fastreg.linear_model", "fastreg.stats", "fastreg.batched", "fastreg.domain", "fastreg.signs",
           "fastreg.metrics", "fastreg.screening", "fastreg.exceptions", "fastreg.plotting", "fastreg.descriptors",
           "fastreg.io", "fastreg.datasets", "fastreg.jit", "fastreg.distributed")


def _exported(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name, value in vars(module).items()
                 if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
                 and value.__module__ == module.__name__]
    return [name for name in names if not inspect.ismodule(getattr(module, name))]


@functools.cache
def public_objects():
    """``{dotted name: object}``, each object once, under its first (shortest) public name."""
    found, seen = {}, set()
    for module_name in MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # an optional extra (dask) is missing
            continue
        for name in _exported(module):
            value = getattr(module, name)
            if not callable(value) or id(value) in seen:
                continue
            seen.add(id(value))
            found[f"{module_name}.{name}"] = value
            if inspect.isclass(value):
                for attribute, member in _own_members(value):
                    found[f"{module_name}.{name}.{attribute}"] = member
    return found


def _own_members(cls):
    """Public methods and properties from ``cls`` and its fastreg bases (nearest definition wins)."""
    members = {}
    for base in reversed(cls.__mro__):
        if not base.__module__.startswith("fastreg"):
            continue
        for attribute, member in vars(base).items():
            if not attribute.startswith("_") and (
                    inspect.isfunction(member) or isinstance(member, (property, classmethod, staticmethod))):
                members[attribute] = member
    return sorted(members.items())


# numpydoc checks for every public docstring ("all" but these): See Also, Examples and an
# extended summary are welcome, not required, and a single return value may carry a name
# (RT02). The Sphinx build and the tests use this one set.
VALIDATION_CHECKS = ("all", "SA01", "EX01", "ES01", "RT02")


def validation_errors(name):
    """numpydoc's ``(code, message)`` errors for one dotted public name, after :data:`VALIDATION_CHECKS`.

    The object is validated where it is defined (a package attribute can shadow a submodule of
    the same name, ``fastreg.distributed.fit``, which numpydoc would resolve to the module).
    """
    from numpydoc.validate import validate

    skipped = set(VALIDATION_CHECKS[1:])
    return [(code, message) for code, message in validate(_defined_at(name))["errors"] if code not in skipped]


def _defined_at(name):
    obj = public_objects()[name]
    defined = obj.fget if isinstance(obj, property) else getattr(obj, "__func__", obj)
    return f"{defined.__module__}.{defined.__qualname__}"
