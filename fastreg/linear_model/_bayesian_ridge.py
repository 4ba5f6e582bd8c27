"""Bayesian ridge regression from one pass of sufficient statistics."""

import numbers

import numpy as np

from .._solvers.evidence import maximise_evidence, maximise_evidence_spectrum
from .._solvers.memory import require_memory
from .._solvers.sparse import centred_product
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
    fit streams with ``partial_fit``; with fewer samples than features, the
    n×n kernel's (``form_ = "dual"``), and the posterior covariance is kept
    in low-rank form (``sigma_`` is built only when read).

    Parameters
    ----------
    max_iter : int, default=300
        Maximum number of iterations (epochs for coordinate descent).
    tol : float, default=1e-3
        Stop when the coefficients change by less than ``tol`` (L1 norm).
    alpha_1, alpha_2, lambda_1, lambda_2 : float, default=1e-6
        Shape and rate of the Gamma hyperpriors.
    alpha_init, lambda_init : float or None, default=None
        Initial α (default 1/Var(y)) and λ (default 1).
    compute_score : bool, default=False
        Record the log evidence at each iteration in ``scores_``.
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False, X and y are used uncentred.
    copy_X : bool, default=True
        Accepted for scikit-learn compatibility; X is never modified either way.
    verbose : bool, default=False
        Accepted for scikit-learn compatibility; fastreg prints nothing.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    alpha_ : float
        Estimated noise precision.
    lambda_ : float
        Estimated weight precision.
    sigma_ : ndarray of shape (n_features, n_features)
        Posterior covariance of the coefficients (after a dual fit it is
        assembled on first access, after checking that it fits in memory).
    form_ : {"primal", "dual"}
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
            if value is not None and not (isinstance(value, numbers.Real) and np.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be None or a positive finite number, got {value!r}.")

    def _solve_from_stats(self, stats, dtype, refine_on=None):
        A, B, yy, x_offset, y_offset = stats.normal_equations(self.fit_intercept)
        sw = stats.sum_weights
        y_variance = float(stats.yty[0, 0] - stats.y_sum[0] ** 2 / sw) / sw
        residual_sse = None
        if refine_on is not None:  # fit() has the rows: a near-exact fit's residual is summed from them
            X, Y, weights = refine_on

            def residual_sse(coef):
                residual = Y[:, 0] - y_offset[0] - centred_product(X, x_offset, coef)  # no centred copy of X
                return residual @ (residual if weights is None else weights * residual)

        fit = maximise_evidence(A, B[:, 0], float(yy[0, 0]), sw, y_variance, residual_sse, **self._options())
        self._set_solution(fit.coef[:, None], x_offset, y_offset, dtype, y_is_1d=True)
        self._store_posterior(fit.alpha, fit.lambda_, fit.scores, fit.n_iter, x_offset, dtype)
        self.sigma_ = fit.sigma.astype(dtype)

    def _options(self):
        return dict(max_iter=self.max_iter, tol=self.tol, alpha_1=self.alpha_1, alpha_2=self.alpha_2,
                    lambda_1=self.lambda_1, lambda_2=self.lambda_2, alpha_init=self.alpha_init,
                    lambda_init=self.lambda_init, compute_score=self.compute_score, verbose=self.verbose)

    def _fit_dual(self, X, Y, weights):
        """The same evidence iterations on the n×n kernel's non-zero spectrum (thin SVD of X̃)."""
        problem = self._dual_problem(X, Y, weights)
        s, U, basis = problem.row_space(X)  # basis V_r = X̃ᵀU_r/√s, (p, r)
        ytilde = problem.sqrt_w * problem.Yc[:, 0]
        u = U.T @ ytilde
        z = np.sqrt(s) * u
        floor = float(np.sum((ytilde - U @ u) ** 2))  # ‖ỹ off the row space‖²
        w = problem.sqrt_w**2
        y_variance = float(w @ (Y[:, 0] - (w @ Y[:, 0]) / w.sum()) ** 2) / w.sum()
        alpha_, lambda_, coef_eig, n_iter, scores = maximise_evidence_spectrum(
            s, z, lambda c: basis @ c, X.shape[1], floor, problem.sum_weights, y_variance,
            **self._options())
        dtype = X.dtype
        self._set_solution((basis @ coef_eig)[:, None], problem.x_offset, problem.y_offset, dtype, y_is_1d=True)
        self._store_posterior(alpha_, lambda_, scores, n_iter, problem.x_offset, dtype)
        # Σ = (I - V_rV_rᵀ)/λ + V_r diag(1/(αs + λ)) V_rᵀ, kept factored
        self._posterior_basis = basis
        self._posterior_variances = 1.0 / (alpha_ * s + lambda_)
        self._sigma = None

    def _store_posterior(self, alpha_, lambda_, scores, n_iter, x_offset, dtype):
        self.alpha_ = dtype.type(alpha_)
        self.lambda_ = dtype.type(lambda_)
        self.scores_ = scores
        self.n_iter_ = n_iter
        self.X_offset_ = x_offset.astype(dtype)
        self.X_scale_ = np.ones(len(x_offset), dtype=dtype)
        self._posterior_basis = None

    @property
    def sigma_(self):
        """Posterior covariance of the coefficients, (n_features, n_features); built when first read."""
        if self._sigma is None and self._posterior_basis is not None:
            basis, p = self._posterior_basis, self._posterior_basis.shape[0]
            require_memory(8 * p * p, f"the {p:,} × {p:,} posterior covariance sigma_",
                           "predict(X, return_std=True) needs no such matrix.")
            sigma = (basis * (self._posterior_variances - 1.0 / float(self.lambda_))) @ basis.T
            sigma[np.diag_indices(p)] += 1.0 / float(self.lambda_)
            self._sigma = sigma.astype(self.X_offset_.dtype)
        return self._sigma

    @sigma_.setter
    def sigma_(self, value):
        self._sigma = value

    def predict(self, X, return_std=False):
        """Predict the mean and, with ``return_std=True``, its standard deviation.

        The standard deviation combines the noise (1/α) and the posterior
        uncertainty of the coefficients: ``sqrt(1/α + (x - x̄)ᵀ Σ (x - x̄))``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to predict.
        return_std : bool, default=False
            Also return the predictive standard deviation.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,)
            Predictive mean.
        y_std : ndarray of shape (n_samples,), only with ``return_std=True``
            Standard deviation of each prediction (``return_std=True`` only).
        """
        X = self._validated_prediction_input(X)
        y_mean = self._linear_prediction(X)
        if not return_std:
            return y_mean
        centred = X - self.X_offset_
        if self._posterior_basis is not None:  # dual fit: Σ in low-rank form
            projected = centred @ self._posterior_basis  # row-space part, and the rest, apart: no cancellation
            off = centred - projected @ self._posterior_basis.T
            variance = (np.sum(off * off, axis=1) / self.lambda_ + (projected * projected) @ self._posterior_variances
                        + 1.0 / self.alpha_)
        else:
            variance = np.einsum("ij,jk,ik->i", centred, self.sigma_, centred) + 1.0 / self.alpha_
        return y_mean, np.sqrt(variance)
