"""Kernel: thousands of small independent least-squares problems in one call.

Each thread owns a contiguous range of problems and one workspace. A problem
is packed, centred and transposed into ``Z = [X - x̄ | y - ȳ]ᵀ`` (so every
row of ``Z`` is contiguous) and its Gram is formed by the same register-tiled
product as the large-data kernel, then factored by
:func:`fastreg._kernels.cholesky.factor_scaled` — no LAPACK call per problem.
"""

import numpy as np

from .cholesky import factor_scaled, solve_factored
from .gram import TILE, _accumulate_tiles
from .jit import kernel, prange


@kernel
def _pack_problem(X, y, fit_intercept, Z, mean_x):
    """Fill ``Z`` (rows: centred features, then centred y; zero padding); return ȳ."""
    n_samples, n_features = X.shape
    mean_y = 0.0
    for j in range(n_features):
        mean_x[j] = 0.0
    if fit_intercept:
        for i in range(n_samples):
            for j in range(n_features):
                mean_x[j] += X[i, j]
            mean_y += y[i]
        for j in range(n_features):
            mean_x[j] /= n_samples
        mean_y /= n_samples
    for j in range(n_features):  # column by column: contiguous writes (2x faster than row order)
        centre = mean_x[j]
        row = Z[j]
        for i in range(n_samples):
            row[i] = X[i, j] - centre
    row = Z[n_features]
    for i in range(n_samples):
        row[i] = y[i] - mean_y
    return mean_y


@kernel(parallel=True)
def solve_batched_kernel(X, y, alpha, fit_intercept, n_chunks, coef, intercept, status):
    """Fill ``coef`` (n_problems, n_features), ``intercept`` and ``status``.

    ``status[b]`` is -1 where problem ``b`` was solved, else the failing pivot.
    """
    n_problems, n_samples, n_features = X.shape
    m_pad = (n_features + 1 + TILE - 1) // TILE * TILE
    n_chunks = max(1, min(n_chunks, n_problems))
    for c in prange(n_chunks):
        Z = np.zeros((m_pad, n_samples))  # padding rows stay zero
        G = np.empty((m_pad, m_pad))
        A = np.empty((n_features, n_features))
        L = np.zeros((n_features, n_features))
        rhs = np.empty((n_features, 1))
        out = np.empty((n_features, 1))
        scale = np.empty(n_features)
        mean_x = np.empty(n_features)
        for b in range(c * n_problems // n_chunks, (c + 1) * n_problems // n_chunks):
            intercept[b], status[b] = solve_packed(X[b], y[b], alpha[b], fit_intercept, Z, G, A, L, rhs, out, scale,
                                                   mean_x, coef[b])


@kernel
def solve_packed(X, y, alpha, fit_intercept, Z, G, A, L, rhs, out, scale, mean_x, coef):
    """One small problem in the caller's workspace: ``coef`` filled; returns ``(intercept, failed)``.

    ``failed`` is -1 on success, else the failing pivot (``coef`` is then left as it was).
    """
    n_features = X.shape[1]
    mean_y = _pack_problem(X, y, fit_intercept, Z, mean_x)
    G[:, :] = 0.0
    _accumulate_tiles(Z, Z, G)  # upper block triangle of Z Zᵀ
    for j in range(n_features):
        rhs[j, 0] = G[j, n_features]
        for k in range(j, n_features):
            A[j, k] = G[j, k]
            A[k, j] = G[j, k]
    failed = factor_scaled(A, alpha, L, scale)
    if failed >= 0:
        return 0.0, failed
    solve_factored(L, scale, rhs, out)
    shift = 0.0
    for j in range(n_features):
        coef[j] = out[j, 0]
        shift += mean_x[j] * out[j, 0]
    return mean_y - shift, -1
