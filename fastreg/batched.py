"""Many small independent least-squares problems solved in one call."""

import numpy as np

from ._solvers.batched import minimum_norm_problem, solve_problems
from ._validation import check_finite
from .exceptions import RankDeficiencyWarning, warn_at_caller


def solve_batched(X, y, *, alpha=0.0, fit_intercept=True):
    """Fit one (ridge) least-squares model per problem, all problems at once.

    Solves, for every problem ``b``, ``min ‖y_b - X_b w - c‖² + α_b ‖w‖²``
    in parallel over problems, with an in-register Cholesky per problem (no
    LAPACK call per problem, so small problems are fast).

    Parameters
    ----------
    X : array-like of shape (n_problems, n_samples, n_features)
        Input samples, one row per sample.
    y : array-like of shape (n_problems, n_samples)
        Target values, one column per target when 2-D.
    alpha : float or array-like of shape (n_problems,), default=0.0
        Non-negative penalty, shared or one per problem.
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False, X and y are used uncentred.

    Returns
    -------
    coef : ndarray of shape (n_problems, n_features)
        Coefficients.
    intercept : ndarray of shape (n_problems,)
        Zeros when ``fit_intercept=False``. float32 input gives float32 output.

    Warns
    -----
    RankDeficiencyWarning
        Problems whose normal equations are singular get the minimum-norm
        solution; the warning lists them.
    """
    X = _as_float_array(X, "X", ndim=3)
    y = _as_float_array(y, "y", ndim=2)
    n_problems, n_samples, n_features = X.shape
    if y.shape != (n_problems, n_samples):
        raise ValueError(
            f"y must have shape (n_problems, n_samples) = {(n_problems, n_samples)} "
            f"to match X, got {y.shape}."
        )
    if n_problems == 0 or n_samples == 0 or n_features == 0:
        raise ValueError(f"X has an empty dimension: shape {X.shape}.")
    alphas = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (n_problems,))
    if not np.all(np.isfinite(alphas)) or np.any(alphas < 0):
        raise ValueError("alpha must be finite and non-negative.")
    alphas = np.ascontiguousarray(alphas)
    coef, intercept, status = solve_problems(X, y, alphas, fit_intercept)
    # NaN/inf in X fails the factorisation and in y gives non-finite coefficients:
    # only those problems are searched, so clean input pays no extra pass.
    suspect = (status >= 0) | ~np.isfinite(intercept) | ~np.isfinite(coef).all(axis=1)
    for b in np.flatnonzero(suspect):
        check_finite(X[b], "X", where=f"problem {b}, ")
        check_finite(y[b], "y", where=f"problem {b}, ")
    failed = np.flatnonzero(status >= 0)
    if failed.size:
        for b in failed:
            coef[b], intercept[b] = minimum_norm_problem(X[b], y[b], alphas[b], fit_intercept)
        shown = ", ".join(map(str, failed[:10])) + (", ..." if failed.size > 10 else "")
        warn_at_caller(
            f"{failed.size} of {n_problems} problems are singular or ill-conditioned "
            f"(problems {shown}); they got the minimum-norm least-squares solution.",
            RankDeficiencyWarning)
    dtype = X.dtype
    return coef.astype(dtype, copy=False), intercept.astype(dtype, copy=False)


def _as_float_array(array, name, ndim):
    try:
        array = np.asarray(array)
    except (TypeError, ValueError) as error:  # ragged nesting
        raise ValueError(f"{name} could not be made an array: {error}") from None
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got {array.ndim}-D of shape {array.shape}.")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {array.dtype}.")
    if array.dtype != np.float32:
        array = array.astype(np.float64, copy=False)
    return array
