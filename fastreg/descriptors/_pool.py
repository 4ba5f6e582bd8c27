"""Public pooling of ragged per-atom descriptors into per-structure rows."""

import numpy as np

from .._solvers.pooling import POWER_CODE, STAT_CODES, pool_structures
from .._validation import check_finite


def parse_stats(stats):
    """``("mean", "power:3", ...)`` → (codes, exponents, names); power means need p > 0."""
    if isinstance(stats, str):
        stats = (stats,)
    stats = tuple(stats)
    if not stats:
        raise ValueError("stats must name at least one statistic.")
    codes, exponents = [], []
    for stat in stats:
        if stat in STAT_CODES:
            codes.append(STAT_CODES[stat])
            exponents.append(1.0)
        elif isinstance(stat, str) and stat.startswith("power:"):
            try:
                p = float(stat.split(":", 1)[1])
            except ValueError:
                p = np.nan
            if not (np.isfinite(p) and p > 0):
                raise ValueError(f"power mean {stat!r} needs a positive exponent, e.g. 'power:3'.")
            codes.append(POWER_CODE)
            exponents.append(p)
        else:
            raise ValueError(f"unknown statistic {stat!r}; use {sorted(STAT_CODES)} or 'power:p'.")
    return np.array(codes, dtype=np.int64), np.array(exponents), list(stats)


def pool(values, offsets, stats=("mean",), *, weights=None, species=None):
    """Pool per-atom rows into one fixed-size row per structure.

    Parameters
    ----------
    values : array-like of shape (n_atoms, n_features)
        Per-atom descriptors of all structures, stacked (float32 stays float32;
        sums are accumulated in float64).
    offsets : array-like of int, shape (n_structures + 1,)
        Structure ``s`` owns rows ``offsets[s]:offsets[s + 1]``; ``offsets[0] = 0``
        and ``offsets[-1] = n_atoms``.
    stats : sequence of str, default=("mean",)
        Any of ``"mean"``, ``"sum"``, ``"min"``, ``"max"``, ``"std"``
        (population), ``"range"`` and ``"power:p"`` — the Hölder mean
        ``(Σ w|x|^p / Σ w)^(1/p)``. All are computed in one pass.
    weights : array-like of shape (n_atoms,), optional
        Non-negative site weights (site-weighted aggregation); they enter
        mean, sum, std and power means, not min/max/range.
    species : array-like of shape (n_atoms,), optional
        Per-atom labels (atomic numbers or symbols). Each species is pooled
        separately and the blocks are concatenated in sorted label order. A
        species absent from a structure gives zeros for all of its statistics.

    Returns
    -------
    pooled : ndarray of shape (n_structures, n_species · n_stats · n_features)
        Column ``(g·n_stats + k)·n_features + f``: statistic ``k`` of feature
        ``f`` over species ``g`` (one block when ``species`` is None).
    """
    return _pool(values, offsets, stats, weights, species)[0]


def _pool(values, offsets, stats, weights, species, labels=None):
    """:func:`pool` that also returns the species labels (the column blocks).

    ``labels`` fixes the blocks (e.g. a descriptor's species) instead of the
    species present, so that chunks of a stream get the same columns.
    """
    values = np.asarray(values)
    if values.ndim != 2:
        raise ValueError(f"values must be 2-D (n_atoms, n_features), got shape {values.shape}.")
    if values.dtype.kind not in "biuf":
        raise TypeError(f"values must be numeric, got dtype {values.dtype}.")
    if values.dtype != np.float32:
        values = values.astype(np.float64, copy=False)
    offsets = np.asarray(offsets)
    if offsets.ndim != 1 or offsets.size < 2 or offsets.dtype.kind not in "iu":
        raise ValueError("offsets must be a 1-D integer array of n_structures + 1 boundaries.")
    offsets = offsets.astype(np.int64, copy=False)
    if offsets[0] != 0 or offsets[-1] != values.shape[0]:
        raise ValueError(f"offsets must start at 0 and end at n_atoms = {values.shape[0]}; got {offsets[0]} and {offsets[-1]}.")
    sizes = np.diff(offsets)
    if np.any(sizes < 0):
        raise ValueError(f"offsets must be non-decreasing; structure {int(np.argmax(sizes < 0))} has a negative size.")
    if np.any(sizes == 0):
        raise ValueError(f"structure {int(np.argmax(sizes == 0))} has no atoms.")
    check_finite(values, "values")
    codes, exponents, _ = parse_stats(stats)
    if weights is None:
        w = np.empty(0)
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (values.shape[0],):
            raise ValueError(f"weights must have shape ({values.shape[0]},), got {w.shape}.")
        check_finite(w, "weights")
        if np.any(w < 0):
            raise ValueError(f"weights must be non-negative; atom {int(np.argmax(w < 0))} is {w[np.argmax(w < 0)]}.")
        per_structure = np.add.reduceat(w, offsets[:-1])
        if np.any(per_structure <= 0):
            raise ValueError(f"structure {int(np.argmax(per_structure <= 0))} has zero total weight.")
    if species is None:
        labels, groups = np.array([None], dtype=object), np.empty(0, dtype=np.int64)
    else:
        species = np.asarray(species)
        if species.shape != (values.shape[0],):
            raise ValueError(f"species must have shape ({values.shape[0]},), got {species.shape}.")
        if labels is None:
            labels, groups = np.unique(species, return_inverse=True)
        else:
            labels = np.asarray(labels)
            order = np.argsort(labels)
            position = np.searchsorted(labels[order], species)
            position = np.clip(position, 0, len(labels) - 1)
            if np.any(labels[order][position] != species):
                bad = int(np.argmax(labels[order][position] != species))
                raise ValueError(f"species {species[bad]!r} of atom {bad} is not among {list(labels)}.")
            groups = order[position]
        groups = groups.astype(np.int64)
    out = pool_structures(values, offsets, w, groups, len(labels), codes, exponents)
    if not np.isfinite(out).all():  # finite input: only a float32 output can overflow (sums)
        structure, column = map(int, np.argwhere(~np.isfinite(out))[0])
        raise ValueError(f"pooled value of structure {structure}, column {column} overflows {out.dtype} "
                         f"(a sum beyond {np.finfo(out.dtype).max:.3g}); pass float64 values.")
    return out, labels
