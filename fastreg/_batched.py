"""Kernel: thousands of small independent least-squares problems in one call.

Each thread owns a contiguous range of problems and one workspace; per
problem it forms the (centred) Gram in registers/L1 and factors it with
:func:`fastreg._cholesky.factor_scaled` — no LAPACK call per problem.
"""

import numpy as np

from ._cholesky import factor_scaled, solve_factored
from ._jit import kernel, prange


@kernel
def _solve_one(X, y, alpha, fit_intercept, A, rhs, L, scale, mean_x, out):
    n_samples, n_features = X.shape
    mean_y = 0.0
    mean_x[:] = 0.0
    if fit_intercept:
        for i in range(n_samples):
            for j in range(n_features):
                mean_x[j] += X[i, j]
            mean_y += y[i]
        mean_x /= n_samples
        mean_y /= n_samples
    A[:, :] = 0.0
    rhs[:, 0] = 0.0
    for i in range(n_samples):
        yi = y[i] - mean_y
        for j in range(n_features):
            xj = X[i, j] - mean_x[j]
            rhs[j, 0] += xj * yi
            for k in range(j + 1):
                A[j, k] += xj * (X[i, k] - mean_x[k])
    for j in range(n_features):
        for k in range(j):
            A[k, j] = A[j, k]
    failed = factor_scaled(A, alpha, L, scale)
    if failed < 0:
        solve_factored(L, scale, rhs, out)
    return failed, mean_y


@kernel(parallel=True)
def solve_batched_kernel(X, y, alpha, fit_intercept, n_chunks, coef, intercept, status):
    """Fill ``coef`` (n_problems, n_features), ``intercept`` and ``status``.

    ``status[b]`` is -1 where problem ``b`` was solved, else the failing pivot.
    """
    n_problems, _, n_features = X.shape
    n_chunks = max(1, min(n_chunks, n_problems))
    for c in prange(n_chunks):
        A = np.empty((n_features, n_features))
        L = np.zeros((n_features, n_features))
        rhs = np.empty((n_features, 1))
        out = np.empty((n_features, 1))
        scale = np.empty(n_features)
        mean_x = np.empty(n_features)
        for b in range(c * n_problems // n_chunks, (c + 1) * n_problems // n_chunks):
            failed, mean_y = _solve_one(
                X[b], y[b], alpha[b], fit_intercept, A, rhs, L, scale, mean_x, out
            )
            status[b] = failed
            if failed < 0:
                shift = 0.0
                for j in range(n_features):
                    coef[b, j] = out[j, 0]
                    shift += mean_x[j] * out[j, 0]
                intercept[b] = mean_y - shift
