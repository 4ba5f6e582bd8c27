"""Kernels behind ``fastreg.jit``: whole solves, callable from the user's own nopython code.

Each is serial (the caller parallelises over its problems, e.g. with ``prange``),
allocates its own workspace (so concurrent calls share nothing), and reports
trouble through an ``info`` code instead of an exception, LAPACK-style; only a
call that cannot be meaningful (mismatched shapes, a negative penalty) raises.
The solves are the estimators' own kernels: the packed Gram and scaled
Cholesky of the batched solver, the one-pass statistics, coordinate descent.
"""

import math

import numpy as np

from .batched import solve_packed
from .cd import column_norms, enet_data
from .cholesky import factor_scaled, solve_factored
from .gram import TILE, _accumulate_tiles, augmented_gram_serial
from .jit import kernel

INFO_OK = 0
INFO_RANK_DEFICIENT = 1  # singular statistics: the minimum-norm least-squares solution was returned
INFO_NOT_FINITE = 2  # NaN or inf in the input: coef and intercept are NaN
INFO_NOT_CONVERGED = 3  # coordinate descent hit max_iter: the last iterate, dual_gap says how far


@kernel
def _all_finite(X, y):
    for i in range(X.shape[0]):
        if not math.isfinite(y[i]):
            return False
        for j in range(X.shape[1]):
            if not math.isfinite(X[i, j]):
                return False
    return True


@kernel
def _means(X, y, fit_intercept):
    n, p = X.shape
    mean_x = np.zeros(p)
    mean_y = 0.0
    if fit_intercept:
        for i in range(n):
            for j in range(p):
                mean_x[j] += X[i, j]
            mean_y += y[i]
        mean_x /= n
        mean_y /= n
    return mean_x, mean_y


@kernel
def _check_problem(X, y, alpha):
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError("fastreg.jit: X must be 2-D and y 1-D with one value per row of X")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError("fastreg.jit: X needs at least one row and one column")
    if not alpha >= 0.0:
        raise ValueError("fastreg.jit: alpha must be a non-negative number")


@kernel
def _minimum_norm(X, y, alpha, mean_x, mean_y):
    """The ridge (α > 0) or minimum-norm least-squares (α = 0) solution by SVD-based lstsq.

    The cutoff ``max(n, p)·eps`` is scikit-learn's (and the estimators').
    """
    n, p = X.shape
    rows = n + p if alpha > 0 else n
    A = np.zeros((rows, p))
    b = np.zeros(rows)
    for i in range(n):
        for j in range(p):
            A[i, j] = X[i, j] - mean_x[j]
        b[i] = y[i] - mean_y
    if alpha > 0:  # ridge as least squares on [X̃; √α I]
        root = math.sqrt(alpha)
        for j in range(p):
            A[n + j, j] = root
    solution = np.linalg.lstsq(A, b, rcond=max(n, p) * 2.220446049250313e-16)[0]
    return solution


@kernel
def ridge_fit(X, y, alpha, fit_intercept):
    """``(coef, intercept, info)`` of ``min ‖y - Xw - b‖² + α‖w‖²``; the n×n form when n < p."""
    _check_problem(X, y, alpha)
    n, p = X.shape
    coef = np.full(p, np.nan)
    if not _all_finite(X, y):
        return coef, np.nan, INFO_NOT_FINITE
    mean_x, mean_y = _means(X, y, fit_intercept)
    if n - (1 if fit_intercept else 0) >= p:  # primal: the packed p×p Gram of the batched solver
        m_pad = (p + 1 + TILE - 1) // TILE * TILE
        Z = np.zeros((m_pad, n))
        G = np.empty((m_pad, m_pad))
        intercept, failed = solve_packed(X, y, alpha, fit_intercept, Z, G, np.empty((p, p)), np.zeros((p, p)),
                                         np.empty((p, 1)), np.empty((p, 1)), np.empty(p), np.empty(p), coef)
        if failed < 0:
            return coef, intercept, INFO_OK
    else:  # dual: K = X̃X̃ᵀ (n×n), coef = X̃ᵀ (K + αI)⁻¹ ỹ
        n_pad = (n + TILE - 1) // TILE * TILE
        Z = np.zeros((n_pad, p))
        for i in range(n):
            for j in range(p):
                Z[i, j] = X[i, j] - mean_x[j]
        G = np.zeros((n_pad, n_pad))
        _accumulate_tiles(Z, Z, G)
        K = np.empty((n, n))
        for i in range(n):
            for k in range(i, n):
                K[i, k] = G[i, k]
                K[k, i] = G[i, k]
        L = np.zeros((n, n))
        scale = np.empty(n)
        if alpha > 0 and factor_scaled(K, alpha, L, scale) < 0:
            rhs = np.empty((n, 1))
            for i in range(n):
                rhs[i, 0] = y[i] - mean_y
            a = np.empty((n, 1))
            solve_factored(L, scale, rhs, a)
            shift = 0.0
            for j in range(p):
                total = 0.0
                for i in range(n):
                    total += Z[i, j] * a[i, 0]
                coef[j] = total
                shift += mean_x[j] * total
            return coef, (mean_y - shift) if fit_intercept else 0.0, INFO_OK
    coef = _minimum_norm(X, y, alpha, mean_x, mean_y)
    shift = 0.0
    for j in range(p):
        shift += mean_x[j] * coef[j]
    return coef, (mean_y - shift) if fit_intercept else 0.0, INFO_RANK_DEFICIENT


@kernel
def lasso_fit(X, y, alpha, l1_ratio, fit_intercept, max_iter, tol):
    """``(coef, intercept, n_iter, dual_gap, info)`` of scikit-learn's ElasticNet objective
    ``(1/2n)‖y - Xw - b‖² + αρ‖w‖₁ + ½α(1-ρ)‖w‖²``, by cyclic coordinate descent on the data."""
    _check_problem(X, y, alpha)
    if not (l1_ratio >= 0.0 and l1_ratio <= 1.0):
        raise ValueError("fastreg.jit: l1_ratio must be in [0, 1]")
    if max_iter < 1 or not tol >= 0.0:
        raise ValueError("fastreg.jit: max_iter must be positive and tol non-negative")
    n, p = X.shape
    coef = np.zeros(p)
    if not _all_finite(X, y):
        coef[:] = np.nan
        return coef, np.nan, 0, np.nan, INFO_NOT_FINITE
    mean_x, mean_y = _means(X, y, fit_intercept)
    centred_y = np.empty(n)
    for i in range(n):
        centred_y[i] = y[i] - mean_y
    unit = np.empty(0)
    norms = np.empty(p)
    column_norms(X, mean_x, unit, norms)
    gap, n_iter, converged = enet_data(X, centred_y, unit, mean_x, norms, alpha * l1_ratio * n,
                                       alpha * (1.0 - l1_ratio) * n, False, False, -1, max_iter, tol, coef,
                                       np.zeros(p, dtype=np.bool_), np.empty(p))
    shift = 0.0
    for j in range(p):
        shift += mean_x[j] * coef[j]
    return coef, (mean_y - shift) if fit_intercept else 0.0, n_iter, gap / n, INFO_OK if converged else INFO_NOT_CONVERGED


@kernel
def statistics(X, y, w, shift_x, shift_y):
    """``(xtx, xty, x_sum, y_sum, yty, sum_w)`` about the shifts: the same one-pass sums as
    :func:`fastreg.sufficient_stats`; statistics of chunks with one shift add elementwise."""
    n, p = X.shape
    if y.shape[0] != n or shift_x.shape[0] != p or (w.shape[0] != 0 and w.shape[0] != n):
        raise ValueError("fastreg.jit.sufficient_stats: X, y, w and shift_x disagree in shape")
    Y = np.empty((n, 1))
    for i in range(n):
        Y[i, 0] = y[i]
    shift = np.full(1, shift_y)
    G = augmented_gram_serial(X, Y, w, shift_x, shift)
    return G[:p, :p].copy(), G[:p, p].copy(), G[:p, p + 1].copy(), G[p, p + 1], G[p, p], G[p + 1, p + 1]


@kernel
def solve_statistics(xtx, xty, x_sum, y_sum, sum_w, shift_x, shift_y, alpha, fit_intercept):
    """``(coef, intercept, info)`` from :func:`statistics` (summed over chunks)."""
    p = xtx.shape[0]
    if xtx.shape[1] != p or xty.shape[0] != p or x_sum.shape[0] != p or shift_x.shape[0] != p:
        raise ValueError("fastreg.jit.solve_stats: the statistics disagree in shape")
    if not alpha >= 0.0:
        raise ValueError("fastreg.jit: alpha must be a non-negative number")
    coef = np.full(p, np.nan)
    if not (sum_w > 0 and math.isfinite(sum_w) and math.isfinite(y_sum)):
        return coef, np.nan, INFO_NOT_FINITE
    A = np.empty((p, p))
    b = np.empty((p, 1))
    mean_x = np.empty(p)
    for j in range(p):
        mean_x[j] = shift_x[j] + x_sum[j] / sum_w
    mean_y = shift_y + y_sum / sum_w
    for j in range(p):  # centred (about the mean) or raw (about zero) normal equations
        if fit_intercept:
            b[j, 0] = xty[j] - x_sum[j] * y_sum / sum_w
        else:
            b[j, 0] = xty[j] + shift_x[j] * y_sum + x_sum[j] * shift_y + sum_w * shift_x[j] * shift_y
        for k in range(p):
            if fit_intercept:
                A[j, k] = xtx[j, k] - x_sum[j] * x_sum[k] / sum_w
            else:
                A[j, k] = (xtx[j, k] + shift_x[j] * x_sum[k] + x_sum[j] * shift_x[k]
                           + sum_w * shift_x[j] * shift_x[k])
            if not math.isfinite(A[j, k]):
                return coef, np.nan, INFO_NOT_FINITE
    L = np.zeros((p, p))
    scale = np.empty(p)
    info = INFO_OK
    if factor_scaled(A, alpha, L, scale) < 0:
        out = np.empty((p, 1))
        solve_factored(L, scale, b, out)
        for j in range(p):
            coef[j] = out[j, 0]
    else:  # minimum norm from the eigendecomposition, with the estimators' cutoff
        values, vectors = np.linalg.eigh(A)
        cutoff = max(values[-1], 0.0) * p * 2.220446049250313e-16
        for j in range(p):
            coef[j] = 0.0
        for k in range(p):
            if values[k] + alpha > cutoff and values[k] + alpha > 0:
                projection = 0.0
                for j in range(p):
                    projection += vectors[j, k] * b[j, 0]
                for j in range(p):
                    coef[j] += vectors[j, k] * projection / (values[k] + alpha)
        info = INFO_RANK_DEFICIENT
    if not fit_intercept:
        return coef, 0.0, info
    shift = 0.0
    for j in range(p):
        shift += mean_x[j] * coef[j]
    return coef, mean_y - shift, info


@kernel
def linear_predict(X, coef, intercept):
    n, p = X.shape
    if coef.shape[0] != p:
        raise ValueError("fastreg.jit.predict: coef needs one value per column of X")
    out = np.empty(n)
    for i in range(n):
        total = intercept
        for j in range(p):
            total += X[i, j] * coef[j]
        out[i] = total
    return out
