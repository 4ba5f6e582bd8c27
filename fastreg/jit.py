"""Solvers you can call from your own Numba code (``@numba.njit``, ``prange``) — and from Python.

Every function here works in both places. Inside nopython code it is the
compiled solve itself (the estimators' own kernels, cached on disk, serial and
thread-safe: parallelise over your problems with ``prange``); failure comes back
as an ``info`` code, LAPACK-style. Called from Python, the arguments are checked
and a non-zero ``info`` raises or warns as the estimators do.

``info`` codes (stable: code compiled against them keeps working):

====  =============================================================================
0     success
1     rank-deficient statistics (collinear or constant columns, n ≤ p without a
      penalty): the minimum-norm least-squares solution was returned
2     NaN or inf in the input: coef and intercept are NaN
3     coordinate descent did not converge within ``max_iter``: the last iterate
      is returned and ``dual_gap`` says how far it is
====  =============================================================================

Arrays are float64; ``X`` may be C- or Fortran-ordered (Fortran is faster for
:func:`fit_lasso`). ``examples/bandgap_bootstrap.py`` shows the pattern: a
``prange`` loop of bootstrap refits, each a call to :func:`fit_ridge`.
"""

import numpy as np
from numba.extending import overload

from ._kernels import entry
from .exceptions import RankDeficiencyWarning, warn_at_caller

__all__ = ["INFO_NOT_CONVERGED", "INFO_NOT_FINITE", "INFO_OK", "INFO_RANK_DEFICIENT", "fit_lasso", "fit_ridge",
           "predict", "solve_stats", "sufficient_stats"]

INFO_OK = entry.INFO_OK
INFO_RANK_DEFICIENT = entry.INFO_RANK_DEFICIENT
INFO_NOT_FINITE = entry.INFO_NOT_FINITE
INFO_NOT_CONVERGED = entry.INFO_NOT_CONVERGED


def fit_ridge(X, y, alpha, fit_intercept):
    """Ridge regression (``alpha = 0``: ordinary least squares) of one target.

    Minimises ``‖y - Xw - b‖² + α‖w‖²`` (``b`` unpenalised), as
    :class:`fastreg.Ridge` does: from the p×p Gram when n_samples > n_features,
    from the n×n kernel otherwise.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64
        Input samples, one row per sample.
    y : ndarray of shape (n_samples,), float64
        Target values.
    alpha : float, ≥ 0
        Regularisation strength, non-negative, in scikit-learn's units.
    fit_intercept : bool
        Whether to fit an intercept; if False, X and y are used uncentred.

    Returns
    -------
    coef : ndarray of shape (n_features,)
        Coefficients.
    intercept : float
        Intercept (0 without one).
    info : int
        0, 1 (rank deficient: minimum-norm solution) or 2 (non-finite input).
    """
    X, y = _matrix(X, "X"), _vector(y, "y")
    coef, intercept, info = entry.ridge_fit(X, y, float(alpha), bool(fit_intercept))
    _raise_or_warn(info, "fit_ridge")
    return coef, intercept, info


def fit_lasso(X, y, alpha, l1_ratio, fit_intercept, max_iter, tol):
    """Elastic net (``l1_ratio = 1``: Lasso) of one target by cyclic coordinate descent.

    scikit-learn's objective ``(1/2n)‖y - Xw - b‖² + αρ‖w‖₁ + ½α(1-ρ)‖w‖²``, and
    its ``tol``: stop when the duality gap is at most ``tol · ‖y - ȳ‖²``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64
        Input samples, one row per sample.
    y : ndarray of shape (n_samples,), float64
        Target values.
    alpha : float, ≥ 0
        Regularisation strength, in scikit-learn's units.
    l1_ratio : float in (0, 1]
        Mix of the L1 and L2 penalties: 1 is the Lasso.
    fit_intercept : bool
        Whether to fit an unpenalised intercept.
    max_iter : int
        Maximum number of epochs.
    tol : float
        Duality-gap tolerance, relative to ‖y - ȳ‖².

    Returns
    -------
    coef : ndarray of shape (n_features,)
        Coefficients.
    intercept : float
        Intercept (0 without one).
    n_iter : int
        Epochs run.
    dual_gap : float
        Duality gap at the end, divided by n_samples (scikit-learn's ``dual_gap_``).
    info : int
        0, 2 (non-finite input) or 3 (not converged within ``max_iter``).
    """
    X, y = _matrix(X, "X"), _vector(y, "y")
    coef, intercept, n_iter, dual_gap, info = entry.lasso_fit(X, y, float(alpha), float(l1_ratio),
                                                              bool(fit_intercept), int(max_iter), float(tol))
    _raise_or_warn(info, "fit_lasso", dual_gap=dual_gap, max_iter=max_iter)
    return coef, intercept, n_iter, dual_gap, info


def sufficient_stats(X, y, w, shift_x, shift_y):
    """One-pass sums about a shift: ``(xtx, xty, x_sum, y_sum, yty, sum_w)``.

    ``xtx = Σ wᵢ (xᵢ - s)(xᵢ - s)ᵀ``, ``xty = Σ wᵢ (xᵢ - s)(yᵢ - t)``,
    ``x_sum = Σ wᵢ (xᵢ - s)``, ``y_sum = Σ wᵢ (yᵢ - t)``, ``yty = Σ wᵢ (yᵢ - t)²``,
    ``sum_w = Σ wᵢ``, with ``s = shift_x`` and ``t = shift_y`` — the statistics
    of :func:`fastreg.sufficient_stats`. Chunks with the same shift add
    elementwise; a shift near the data's mean (e.g. the first chunk's) keeps
    the digits.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Input samples, one row per sample.
    y : ndarray of shape (n_samples,)
        Target values.
    w : ndarray of shape (n_samples,), or of shape (0,) for unit weights
        Sample weights, or an empty array for unit weights.
    shift_x : ndarray of shape (n_features,)
        Shift subtracted from each feature before accumulating (e.g. a pilot mean).
    shift_y : float
        Shift subtracted from each target before accumulating.

    Returns
    -------
    xtx, xty, x_sum, y_sum, yty, sum_w : ndarray or float
        The sums above: (p, p), (p,), (p,), scalar, scalar, scalar.
    """
    X, y, w = _matrix(X, "X"), _vector(y, "y"), _vector(w, "w")
    return entry.statistics(X, y, w, _vector(shift_x, "shift_x"), float(shift_y))


def solve_stats(xtx, xty, x_sum, y_sum, sum_w, shift_x, shift_y, alpha, fit_intercept):
    """Solve Ridge (or OLS) from :func:`sufficient_stats` (summed over chunks).

    A singular system gives the minimum-norm solution from the eigendecomposition
    of the statistics (eigenvalues below ``p·eps·λ_max`` dropped) and ``info = 1``.

    Parameters
    ----------
    xtx, xty, x_sum, y_sum, sum_w : ndarray or float
        The sums of :func:`sufficient_stats`.
    shift_x : ndarray of shape (n_features,)
        The feature shift the sums were taken about.
    shift_y : float
        The target shift the sums were taken about.
    alpha : float, ≥ 0
        Ridge penalty (0: ordinary least squares).
    fit_intercept : bool
        Whether to fit an unpenalised intercept.

    Returns
    -------
    coef : ndarray of shape (n_features,)
        Coefficients.
    intercept : float
        Intercept (0 without one).
    info : int
        0, 1 (rank deficient: minimum-norm solution) or 2 (non-finite input).
    """
    coef, intercept, info = entry.solve_statistics(_matrix(xtx, "xtx"), _vector(xty, "xty"), _vector(x_sum, "x_sum"),
                                                   float(y_sum), float(sum_w), _vector(shift_x, "shift_x"),
                                                   float(shift_y), float(alpha), bool(fit_intercept))
    _raise_or_warn(info, "solve_stats")
    return coef, intercept, info


def predict(X, coef, intercept):
    """Predict ``X @ coef + intercept``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Samples.
    coef : ndarray of shape (n_features,)
        Coefficients.
    intercept : float
        Intercept.

    Returns
    -------
    y_pred : ndarray of shape (n_samples,)
        Predictions.
    """
    return entry.linear_predict(_matrix(X, "X"), _vector(coef, "coef"), float(intercept))


# In nopython code the same names are the kernels themselves.
@overload(fit_ridge, jit_options={"cache": True})
def _fit_ridge_compiled(X, y, alpha, fit_intercept):
    return lambda X, y, alpha, fit_intercept: entry.ridge_fit(X, y, alpha, fit_intercept)


@overload(fit_lasso, jit_options={"cache": True})
def _fit_lasso_compiled(X, y, alpha, l1_ratio, fit_intercept, max_iter, tol):
    return lambda X, y, alpha, l1_ratio, fit_intercept, max_iter, tol: entry.lasso_fit(
        X, y, alpha, l1_ratio, fit_intercept, max_iter, tol)


@overload(sufficient_stats, jit_options={"cache": True})
def _sufficient_stats_compiled(X, y, w, shift_x, shift_y):
    return lambda X, y, w, shift_x, shift_y: entry.statistics(X, y, w, shift_x, shift_y)


@overload(solve_stats, jit_options={"cache": True})
def _solve_stats_compiled(xtx, xty, x_sum, y_sum, sum_w, shift_x, shift_y, alpha, fit_intercept):
    return lambda xtx, xty, x_sum, y_sum, sum_w, shift_x, shift_y, alpha, fit_intercept: entry.solve_statistics(
        xtx, xty, x_sum, y_sum, sum_w, shift_x, shift_y, alpha, fit_intercept)


@overload(predict, jit_options={"cache": True})
def _predict_compiled(X, coef, intercept):
    return lambda X, coef, intercept: entry.linear_predict(X, coef, intercept)


def _matrix(value, name):
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {array.shape}.")
    return array


def _vector(value, name):
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}.")
    return array


def _raise_or_warn(info, where, *, dual_gap=None, max_iter=None):
    if info == INFO_NOT_FINITE:
        raise ValueError(f"fastreg.jit.{where}: the input holds NaN or inf (info = 2).")
    if info == INFO_RANK_DEFICIENT:
        warn_at_caller(f"fastreg.jit.{where}: the design is rank deficient (info = 1); returned the minimum-norm "
                       "least-squares solution. Remove collinear or constant columns, or add a ridge penalty.",
                       RankDeficiencyWarning)
    if info == INFO_NOT_CONVERGED:
        from sklearn.exceptions import ConvergenceWarning

        warn_at_caller(f"fastreg.jit.{where}: coordinate descent did not converge within max_iter={max_iter} "
                       f"(duality gap {dual_gap:.3e}, info = 3). Increase max_iter or tol, or use a larger alpha.",
                       ConvergenceWarning)
