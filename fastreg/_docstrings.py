"""Docstrings built from others, so a subclass documents its parameters without copying them."""

import inspect


def parameter_entries(docstring):
    """``{name: text}`` of a numpydoc ``Parameters`` section (each entry with its description)."""
    lines = docstring.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == "Parameters") + 2
    indent = len(lines[start]) - len(lines[start].lstrip())
    entries, name = {}, None
    for line in lines[start:]:
        if not line.strip():
            break
        if len(line) - len(line.lstrip()) == indent:  # a new "name : type" entry
            name = line.strip().split(" : ")[0]
            entries[name] = []
        entries[name].append(line)
    return {name: "\n".join(text) for name, text in entries.items()}


def with_parameters(target, source):
    """Fill ``target``'s ``{parameters}`` placeholder with ``source``'s entries for ``target``'s own parameters.

    ``target`` is a class (its ``__init__``'s parameters) or a function. The
    entries follow its signature's order; each must be documented in ``source``.
    """
    if target.__doc__ is None or source.__doc__ is None:  # python -OO strips docstrings
        return target
    entries = parameter_entries(source.__doc__)
    signature = inspect.signature(target.__init__ if isinstance(target, type) else target)
    names = [("**" if p.kind is p.VAR_KEYWORD else "") + name for name, p in signature.parameters.items()
             if name != "self"]
    text = "\n".join(entries[name] for name in names).lstrip()
    target.__doc__ = target.__doc__.replace("{parameters}", text)
    return target
