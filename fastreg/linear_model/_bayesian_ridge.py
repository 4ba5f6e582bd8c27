"""Bayesian ridge regression from one pass of sufficient statistics."""

import numbers

import numpy as np

from .._solvers.evidence import maximise_evidence
from ._base import StatsRegressor


class BayesianRidge(StatsRegressor):
    """Bayesian ridge regression, scikit-learn's model from one-pass statistics.

    Model: ``y ~ N(Xw + b, 1/α)``, prior ``w ~ N(0, I/λ)``, Gamma hyperpriors
    ``α ~ Γ(alpha_1, alpha_2)``, ``λ ~ Γ(lambda_1, lambda_2)``. α and λ are
    chosen by maximising the evidence (MacKay's fixed-point updates), with the
    same initialisation, update order and stopping rule as scikit-learn's
    ``BayesianRidge``, so coefficients, ``alpha_``, ``lambda_`` and the
    predictive standard deviation agree with it. Instead of an SVD of X, one
    eigendecomposition of the (n_features × n_features) Gram is used, so the
    fit streams with ``partial_fit``.

    Parameters
    ----------
    max_iter : int, default=300
    tol : float, default=1e-3
        Stop when the coefficients change by less than ``tol`` (L1 norm).
    alpha_1, alpha_2, lambda_1, lambda_2 : float, default=1e-6
        Shape and rate of the Gamma hyperpriors.
    alpha_init, lambda_init : float or None, default=None
        Initial α (default 1/Var(y)) and λ (default 1).
    compute_score : bool, default=False
        Record the log evidence at each iteration in ``scores_``.
    fit_intercept : bool, default=True
    copy_X : bool, default=True
        Accepted for scikit-learn compatibility; X is never modified either way.
    verbose : bool, default=False

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    alpha_ : float
        Estimated noise precision.
    lambda_ : float
        Estimated weight precision.
    sigma_ : ndarray of shape (n_features, n_features)
        Posterior covariance of the coefficients.
    scores_ : ndarray
        Log evidence per iteration (``compute_score=True``).
    n_iter_ : int
    X_offset_, X_scale_ : ndarray of shape (n_features,)
    stats_ : SufficientStats
    """

    _multi_output = False

    def __init__(self, *, max_iter=300, tol=1e-3, alpha_1=1e-6, alpha_2=1e-6, lambda_1=1e-6,
                 lambda_2=1e-6, alpha_init=None, lambda_init=None, compute_score=False,
                 fit_intercept=True, copy_X=True, verbose=False):
        self.max_iter = max_iter
        self.tol = tol
        self.alpha_1 = alpha_1
        self.alpha_2 = alpha_2
        self.lambda_1 = lambda_1
        self.lambda_2 = lambda_2
        self.alpha_init = alpha_init
        self.lambda_init = lambda_init
        self.compute_score = compute_score
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.verbose = verbose

    def _check_params(self, n_targets):
        if not isinstance(self.max_iter, numbers.Integral) or self.max_iter < 1:
            raise ValueError(f"max_iter must be a positive integer, got {self.max_iter!r}.")
        for name in ("tol", "alpha_1", "alpha_2", "lambda_1", "lambda_2"):
            value = getattr(self, name)
            if not (isinstance(value, numbers.Real) and np.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a non-negative number, got {value!r}.")
        for name in ("alpha_init", "lambda_init"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, numbers.Real) and value > 0):
                raise ValueError(f"{name} must be None or a positive number, got {value!r}.")

    def _solve_from_stats(self, stats, dtype):
        A, B, yy, x_offset, y_offset = stats.normal_equations(self.fit_intercept)
        sw = stats.sum_weights
        y_variance = float(stats.yty[0, 0] - stats.y_sum[0] ** 2 / sw) / sw
        fit = maximise_evidence(
            A, B[:, 0], float(yy[0, 0]), sw, y_variance, max_iter=self.max_iter, tol=self.tol,
            alpha_1=self.alpha_1, alpha_2=self.alpha_2, lambda_1=self.lambda_1, lambda_2=self.lambda_2,
            alpha_init=self.alpha_init, lambda_init=self.lambda_init,
            compute_score=self.compute_score, verbose=self.verbose)
        self._set_solution(fit.coef[:, None], x_offset, y_offset, dtype, y_is_1d=True)
        self.alpha_ = dtype.type(fit.alpha)
        self.lambda_ = dtype.type(fit.lambda_)
        self.sigma_ = fit.sigma.astype(dtype)
        self.scores_ = fit.scores
        self.n_iter_ = fit.n_iter
        self.X_offset_ = x_offset.astype(dtype)
        self.X_scale_ = np.ones(len(x_offset), dtype=dtype)

    def predict(self, X, return_std=False):
        """Predictive mean and, with ``return_std=True``, standard deviation.

        The standard deviation combines the noise (1/α) and the posterior
        uncertainty of the coefficients: ``sqrt(1/α + (x - x̄)ᵀ Σ (x - x̄))``.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,)
        y_std : ndarray of shape (n_samples,), only with ``return_std=True``
        """
        X = self._validated_prediction_input(X)
        y_mean = self._linear_prediction(X)
        if not return_std:
            return y_mean
        centred = X - self.X_offset_
        variance = np.einsum("ij,jk,ik->i", centred, self.sigma_, centred) + 1.0 / self.alpha_
        return y_mean, np.sqrt(variance)
