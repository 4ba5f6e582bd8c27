"""A CSV of computed properties, joined to structures on an id column."""

import csv
import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Targets:
    """One target (and optionally a group label) per id, from a CSV file."""

    ids: list
    values: np.ndarray
    groups: list | None
    name: str
    path: str


def read_targets(path, target, *, id_column="id", groups=None):
    """Read ``target`` (and a ``groups`` column) per id from a CSV file.

    Parameters
    ----------
    path : str or Path
        File path.
    target : str
        Column of the property to fit.
    id_column : str, default="id"
        Column matching the structures' ids (file stem, ``file:index``, or ``atoms.info["id"]``).
    groups : str, optional
        Column of group labels for grouped cross-validation (composition, prototype, …).

    Returns
    -------
    targets : Targets
        ``ids``, ``values`` (float64), ``groups`` (or None), the target's ``name`` and the file's ``path``.

    Raises
    ------
    ValueError
        A missing column (the message lists those present), a duplicate id, or a
        value that is not a finite number; each names the file and the line.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            for name, role in ((id_column, "id column"), (target, "target"), (groups, "groups column")):
                if name is not None and name not in columns:
                    raise ValueError(f"{path}: no {role} {name!r}; the columns are {', '.join(columns) or 'none'}.")
            ids, values, labels, seen = [], [], [], {}
            for line, row in enumerate(reader, start=2):
                key = (row[id_column] or "").strip()
                if not key:
                    raise ValueError(f"{path}, line {line}: the id is empty.")
                if key in seen:
                    raise ValueError(f"{path}, line {line}: duplicate id {key!r} (first on line {seen[key]}).")
                seen[key] = line
                values.append(_number(row[target], path, line, target))
                ids.append(key)
                if groups is not None:
                    labels.append((row[groups] or "").strip())
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ValueError(f"cannot read targets from {path}: {type(error).__name__}: {error}") from None
    if not ids:
        raise ValueError(f"{path}: the file holds no rows.")
    return Targets(ids, np.asarray(values), labels if groups is not None else None, target, str(path))


def _number(text, path, line, column):
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(f"{path}, line {line}: {column} is {text!r}, not a finite number.")
    return value


@dataclass(frozen=True)
class Joined:
    """Which structures have a target: their rows, the targets, and what did not match."""

    rows: np.ndarray
    y: np.ndarray
    groups: np.ndarray | None
    without_target: list
    without_structure: list


def join_targets(structure_ids, targets):
    """Match structures to targets by id; ids on one side only are reported, not guessed.

    Parameters
    ----------
    structure_ids : sequence of str
        The structures' ids, in feature-row order.
    targets : Targets
        From :func:`read_targets`.

    Returns
    -------
    joined : Joined
        ``rows`` (feature rows with a target), ``y`` and ``groups`` in that order,
        ``without_target`` and ``without_structure`` (the unmatched ids).

    Raises
    ------
    ValueError
        A duplicate structure id, or no id in common (the message shows a few of each side).
    """
    where = {}
    for row, key in enumerate(map(str, structure_ids)):
        if key in where:
            raise ValueError(f"duplicate structure id {key!r} (structures {where[key]} and {row}); "
                             "ids must be unique to join targets.")
        where[key] = row
    index = {key: k for k, key in enumerate(targets.ids)}
    rows = np.array([row for key, row in where.items() if key in index], dtype=np.intp)
    picked = [index[key] for key, row in where.items() if key in index]
    if rows.size == 0:
        raise ValueError(f"no structure id matches an id in {targets.path} (structures: {_few(list(where))}; "
                         f"targets: {_few(targets.ids)}).")
    groups = None if targets.groups is None else np.asarray([targets.groups[k] for k in picked])
    return Joined(rows, targets.values[picked], groups,
                  [key for key in where if key not in index], [key for key in targets.ids if key not in where])


def _few(keys, shown=3):
    head = ", ".join(repr(k) for k in keys[:shown])
    return head + (f" and {len(keys) - shown} more" if len(keys) > shown else "")
