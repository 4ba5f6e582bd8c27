"""Ordinary least squares and ridge regression from one pass of statistics."""

import numpy as np

from .._validation import check_alpha
from ._base import PenalisedLeastSquares


class LinearRegression(PenalisedLeastSquares):
    """Ordinary least squares, solved by Cholesky from one-pass statistics.

    Minimises ``Σᵢ wᵢ (yᵢ - xᵢ·w - b)²``. Singular designs (constant or
    collinear columns, fewer samples than features) give the minimum-norm
    solution, as ``scipy.linalg.lstsq`` would, with a
    :class:`~fastreg.exceptions.RankDeficiencyWarning`.

    Parameters
    ----------
    fit_intercept : bool, default=True
        Fit ``b``; the data are centred implicitly (never copied).
    intervals : bool or {"loo", "jackknife+"}, default=False
        Also compute the exact leave-one-out residuals during ``fit`` (one more
        pass over X), enabling :meth:`predict_interval` (``True`` = ``"loo"``).
        ``"jackknife+"`` also keeps the (n_features × n_samples) basis that
        rebuilds every leave-one-out fit at a new sample, for
        ``predict_interval(X, method="jackknife+")``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_features_in_ : int
    stats_ : SufficientStats
        The accumulated statistics (what ``partial_fit`` adds to).
    loo_residuals_ : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Exact leave-one-out residuals (``intervals=True`` only).
    """

    def __init__(self, *, fit_intercept=True, intervals=False):
        self.fit_intercept = fit_intercept
        self.intervals = intervals

    def _penalty(self, n_targets):
        return np.zeros(n_targets)


class Ridge(PenalisedLeastSquares):
    """Ridge regression, solved by Cholesky from one-pass statistics.

    Minimises ``Σᵢ wᵢ (yᵢ - xᵢ·w - b)² + α‖w‖²`` (the intercept is not
    penalised), like scikit-learn's ``Ridge(solver="cholesky")``.

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default=1.0
        Penalty, non-negative; one value per target is allowed.
    fit_intercept : bool, default=True
    intervals : bool or {"loo", "jackknife+"}, default=False
        Also compute the exact leave-one-out residuals during ``fit`` (one more
        pass over X), enabling :meth:`predict_interval` (``True`` = ``"loo"``).
        ``"jackknife+"`` also keeps the (n_features × n_samples) basis that
        rebuilds every leave-one-out fit at a new sample, for
        ``predict_interval(X, method="jackknife+")``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_features_in_ : int
    stats_ : SufficientStats
    loo_residuals_ : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Exact leave-one-out residuals (``intervals=True`` only).
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, intervals=False):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.intervals = intervals

    def _penalty(self, n_targets):
        return check_alpha(self.alpha, n_targets)
