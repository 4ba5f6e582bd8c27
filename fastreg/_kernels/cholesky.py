"""Kernels: Cholesky factor and solve of ``A + αI`` scaled to unit diagonal.

Scaling by ``D = sqrt(diag(A) + α)`` makes the pivot test scale-free: a pivot
below :data:`PIVOT_TOL` means the column is (numerically) a combination of
earlier ones, and the caller falls back to a minimum-norm solution.
"""

import math

import numpy as np

from .jit import kernel, prange

# Smallest acceptable squared pivot of the unit-diagonal matrix. Pivots are
# bounded below by its smallest eigenvalue, so designs with cond(X) up to
# ~3e6 factor; duplicate or collinear columns give pivots of ~1e-16 and fail.
PIVOT_TOL = 1e-13


@kernel
def factor_scaled(A, alpha, L, scale):
    """Factor ``D⁻¹(A + αI)D⁻¹ = L Lᵀ`` into the lower triangle of ``L``.

    Parameters
    ----------
    A : ndarray of shape (p, p), symmetric; only read.
    alpha : float
        Regularisation strength, non-negative, in scikit-learn's units.
    L : ndarray of shape (p, p), written (lower triangle).
    scale : ndarray of shape (p,), written with ``D``.

    Returns
    -------
    failed : int
        -1 on success, else the index of the first non-positive (or NaN) pivot.
    """
    p = A.shape[0]
    for j in range(p):
        d = A[j, j] + alpha
        if not d > 0.0:
            return j
        scale[j] = math.sqrt(d)
    for j in range(p):
        for k in range(j + 1):
            s = A[j, k] / (scale[j] * scale[k])
            if j == k:
                s += alpha / (scale[j] * scale[j])
            for i in range(k):
                s -= L[j, i] * L[k, i]
            if j == k:
                if not s > PIVOT_TOL:
                    return j
                L[j, j] = math.sqrt(s)
            else:
                L[j, k] = s / L[k, k]
    return -1


@kernel
def solve_factored(L, scale, B, out):
    """Solve ``(A + αI) X = B`` given :func:`factor_scaled`'s ``L`` and ``scale``.

    ``B`` has shape (p, n_rhs) and is only read; ``out`` (same shape) receives X.
    """
    p = L.shape[0]
    n_rhs = B.shape[1]
    for t in range(n_rhs):
        for j in range(p):  # forward: L z = D⁻¹ b
            s = B[j, t] / scale[j]
            for i in range(j):
                s -= L[j, i] * out[i, t]
            out[j, t] = s / L[j, j]
        for j in range(p - 1, -1, -1):  # backward: Lᵀ u = z
            s = out[j, t]
            for i in range(j + 1, p):
                s -= L[i, j] * out[i, t]
            out[j, t] = s / L[j, j]
        for j in range(p):  # x = D⁻¹ u
            out[j, t] /= scale[j]


@kernel(parallel=True)
def quadratic_forms(X, mean_x, L, scale, n_chunks, out):
    """``out[i] = (xᵢ - x̄)ᵀ A⁻¹ (xᵢ - x̄)`` from :func:`factor_scaled`'s factor of A.

    Each row is one forward substitution, ``‖L⁻¹ D⁻¹ (xᵢ - x̄)‖²``; threads own
    contiguous row ranges and one buffer each.
    """
    n_samples, n_features = X.shape
    n_chunks = max(1, min(n_chunks, n_samples))
    for c in prange(n_chunks):
        z = np.empty(n_features)
        for i in range(c * n_samples // n_chunks, (c + 1) * n_samples // n_chunks):
            total = 0.0
            for j in range(n_features):
                s = (X[i, j] - mean_x[j]) / scale[j]
                for k in range(j):
                    s -= L[j, k] * z[k]
                z[j] = s / L[j, j]
                total += z[j] * z[j]
            out[i] = total
