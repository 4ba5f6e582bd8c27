"""Driver for many small independent least-squares problems (kernel: :mod:`fastreg._kernels.batched`)."""

import numpy as np

from .._kernels.batched import solve_batched_kernel
from .._kernels.jit import n_threads
from .normal_equations import minimum_norm_solve


def solve_problems(X, y, alphas, fit_intercept):
    """One parallel kernel call over all problems.

    Returns ``(coef, intercept, status)`` in float64; ``status[b] >= 0`` marks a
    problem whose factorisation failed (singular, ill-conditioned or non-finite).
    """
    n_problems, _, n_features = X.shape
    coef = np.zeros((n_problems, n_features))
    intercept = np.zeros(n_problems)
    status = np.empty(n_problems, dtype=np.int64)
    solve_batched_kernel(X, y, alphas, bool(fit_intercept), n_threads(), coef, intercept, status)
    return coef, intercept, status


def minimum_norm_problem(X, y, alpha, fit_intercept):
    """The minimum-norm (ridge) solution of one problem, for those the kernel could not factor."""
    X = X.astype(np.float64)
    y = y.astype(np.float64)
    mean_x = X.mean(axis=0) if fit_intercept else np.zeros(X.shape[1])
    mean_y = y.mean() if fit_intercept else 0.0
    Xc = X - mean_x
    coef = minimum_norm_solve(Xc.T @ Xc, (Xc.T @ (y - mean_y))[:, None], alpha, warn=False)[:, 0]
    return coef, mean_y - mean_x @ coef
