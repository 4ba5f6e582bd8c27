"""Driver for pooling ragged per-atom rows (kernel: :mod:`fastreg._kernels.pool`)."""

import numpy as np

from .._kernels.jit import n_threads
from .._kernels.pool import MAX, MEAN, MIN, POWER, RANGE, STD, SUM, pool_kernel

STAT_CODES = {"mean": MEAN, "sum": SUM, "min": MIN, "max": MAX, "std": STD, "range": RANGE}
"""Kernel code of each named statistic; power means use :data:`POWER_CODE` with an exponent."""
POWER_CODE = POWER


def pool_structures(values, offsets, weights, groups, n_groups, codes, exponents):
    """One parallel pass over structures; returns (n_structures, n_groups·n_stats·n_features).

    Inputs are already validated: ``weights`` empty for unweighted pooling,
    ``groups`` empty for one block, else the species block of each atom.
    """
    n_structures = offsets.size - 1
    out = np.empty((n_structures, n_groups * codes.size * values.shape[1]), dtype=values.dtype)
    pool_kernel(values, offsets, weights, groups, n_groups, codes, exponents, n_threads(), out)
    return out
