"""Kernel: the Gram ZᵀWZ of a CSR matrix Z, without densifying Z.

Row i adds ``wᵢ zᵢzᵢᵀ``: only pairs of its nonzeros, so the work is Σᵢ nnzᵢ²
and not n·m². Applied to the CSR arrays of X it gives XᵀWX (p×p); applied to
those of Xᵀ (X's CSC arrays) it gives XXᵀ (the n×n kernel). Threads own
disjoint bands of the output's rows (by the first index of a pair), so no
thread writes another's entries and no partial sums need adding.
"""

import numpy as np

from .jit import kernel, prange


@kernel(parallel=True)
def sparse_gram(indptr, indices, data, weights, n_bands, out):
    """``out`` (m, m) float64, zero on entry: the upper triangle of ZᵀWZ, mirrored at the end.

    ``indices`` must be sorted within each row with no duplicates (canonical
    CSR); ``weights`` of length 0 means unit weights.
    """
    n_rows = indptr.shape[0] - 1
    m = out.shape[0]
    for band in prange(n_bands):
        low = band * m // n_bands
        high = (band + 1) * m // n_bands
        for i in range(n_rows):
            w = 1.0 if weights.shape[0] == 0 else weights[i]
            stop = indptr[i + 1]
            for a in range(indptr[i], stop):
                j = indices[a]
                if j < low:
                    continue
                if j >= high:
                    break
                v = w * np.float64(data[a])
                for b in range(a, stop):
                    out[j, indices[b]] += v * np.float64(data[b])
    for j in prange(m):
        for k in range(j + 1, m):
            out[k, j] = out[j, k]
