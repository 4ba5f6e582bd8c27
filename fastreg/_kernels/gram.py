"""Kernel: one-pass augmented Gram matrix, the source of all sufficient statistics.

Each block of rows is packed, shifted and transposed, into a small buffer
``Z`` of shape ``(m, block)`` whose rows are ``x - shift_x``, ``y - shift_y``
and a row of ones. One tiled product ``(w * Z) @ Z.T`` then yields XᵀWX, XᵀWy,
ΣWx, ΣWy, yᵀWy and ΣW together, in a single read of X. Threads own disjoint
row ranges and their own partial sums; the partials are added serially.
"""

import numpy as np

from .jit import kernel, prange

TILE = 4  # 4x4 register tile: 16 accumulators + 8 streams fit AVX-512's 32 registers
BLOCK = 64  # rows per packed block: the buffer (m x 64 doubles) stays in L1


@kernel
def _pack_block(X, Y, w, shift_x, shift_y, start, stop, Z, Zw):
    """Fill the transposed buffers for rows ``start:stop``; pad with zeros."""
    n_features = X.shape[1]
    n_targets = Y.shape[1]
    ones_row = n_features + n_targets
    Z[:, :] = 0.0
    for r in range(stop - start):
        i = start + r
        for j in range(n_features):
            Z[j, r] = X[i, j] - shift_x[j]
        for t in range(n_targets):
            Z[n_features + t, r] = Y[i, t] - shift_y[t]
        Z[ones_row, r] = 1.0
    if w.shape[0] > 0:
        for j in range(Z.shape[0]):
            for r in range(stop - start):
                Zw[j, r] = Z[j, r] * w[start + r]
            for r in range(stop - start, Z.shape[1]):
                Zw[j, r] = 0.0  # the buffer is reused: stale values could be NaN


@kernel
def _accumulate_tiles(Zw, Z, G):
    """G[upper tiles] += Zw @ Z.T, with 4x4 register tiles over the block."""
    m = Z.shape[0]
    block = Z.shape[1]
    for j in range(0, m, TILE):
        for k in range(j, m, TILE):
            a00 = a01 = a02 = a03 = 0.0
            a10 = a11 = a12 = a13 = 0.0
            a20 = a21 = a22 = a23 = 0.0
            a30 = a31 = a32 = a33 = 0.0
            for r in range(block):
                u0 = Zw[j, r]
                u1 = Zw[j + 1, r]
                u2 = Zw[j + 2, r]
                u3 = Zw[j + 3, r]
                v0 = Z[k, r]
                v1 = Z[k + 1, r]
                v2 = Z[k + 2, r]
                v3 = Z[k + 3, r]
                a00 += u0 * v0
                a01 += u0 * v1
                a02 += u0 * v2
                a03 += u0 * v3
                a10 += u1 * v0
                a11 += u1 * v1
                a12 += u1 * v2
                a13 += u1 * v3
                a20 += u2 * v0
                a21 += u2 * v1
                a22 += u2 * v2
                a23 += u2 * v3
                a30 += u3 * v0
                a31 += u3 * v1
                a32 += u3 * v2
                a33 += u3 * v3
            G[j, k] += a00
            G[j, k + 1] += a01
            G[j, k + 2] += a02
            G[j, k + 3] += a03
            G[j + 1, k] += a10
            G[j + 1, k + 1] += a11
            G[j + 1, k + 2] += a12
            G[j + 1, k + 3] += a13
            G[j + 2, k] += a20
            G[j + 2, k + 1] += a21
            G[j + 2, k + 2] += a22
            G[j + 2, k + 3] += a23
            G[j + 3, k] += a30
            G[j + 3, k + 1] += a31
            G[j + 3, k + 2] += a32
            G[j + 3, k + 3] += a33


@kernel(parallel=True)
def augmented_gram(X, Y, w, shift_x, shift_y, n_chunks):
    """Return the symmetric augmented Gram ``[X-sx | Y-sy | 1]ᵀ W [X-sx | Y-sy | 1]``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float32 or float64
        Input samples, one row per sample.
    Y : ndarray of shape (n_samples, n_targets)
        Target values, one column per target.
    w : ndarray of shape (n_samples,) or (0,) for unit weights, float64
        Sample weights, or an empty array for unit weights.
    shift_x : ndarray of shape (n_features,), float64
        Shift subtracted from each feature before accumulating (e.g. a pilot mean).
    shift_y : ndarray of shape (n_targets,), float64
        Shift subtracted from each target before accumulating.
    n_chunks : int
        Number of row ranges processed in parallel, each with its own partial.

    Returns
    -------
    G : ndarray of shape (m, m), float64, with m = n_features + n_targets + 1
    """
    n_samples = X.shape[0]
    m = X.shape[1] + Y.shape[1] + 1
    m_pad = (m + TILE - 1) // TILE * TILE
    n_blocks = (n_samples + BLOCK - 1) // BLOCK
    n_chunks = max(1, min(n_chunks, n_blocks))
    partials = np.zeros((n_chunks, m_pad, m_pad))
    for c in prange(n_chunks):
        _accumulate_blocks(X, Y, w, shift_x, shift_y, c * n_blocks // n_chunks, (c + 1) * n_blocks // n_chunks,
                           partials[c])
    return _symmetric_sum(partials, m)


@kernel
def augmented_gram_serial(X, Y, w, shift_x, shift_y):
    """:func:`augmented_gram` on the calling thread (for callers that are threads themselves)."""
    m = X.shape[1] + Y.shape[1] + 1
    m_pad = (m + TILE - 1) // TILE * TILE
    partials = np.zeros((1, m_pad, m_pad))
    _accumulate_blocks(X, Y, w, shift_x, shift_y, 0, (X.shape[0] + BLOCK - 1) // BLOCK, partials[0])
    return _symmetric_sum(partials, m)


@kernel
def _accumulate_blocks(X, Y, w, shift_x, shift_y, first, last, partial):
    """Add the packed row blocks ``first:last`` into ``partial`` (upper tiles)."""
    n_samples = X.shape[0]
    m_pad = partial.shape[0]
    Z = np.empty((m_pad, BLOCK))
    Zw = np.empty((m_pad, BLOCK)) if w.shape[0] > 0 else Z
    for b in range(first, last):
        start = b * BLOCK
        stop = min(start + BLOCK, n_samples)
        _pack_block(X, Y, w, shift_x, shift_y, start, stop, Z, Zw)
        _accumulate_tiles(Zw, Z, partial)


@kernel
def _symmetric_sum(partials, m):
    n_chunks = partials.shape[0]
    G = np.zeros((m, m))
    for c in range(n_chunks):
        for j in range(m):
            for k in range(j, m):
                G[j, k] += partials[c, j, k]
    for j in range(m):
        for k in range(j):
            G[j, k] = G[k, j]
    return G
