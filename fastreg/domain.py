"""Applicability domain: is a new compound inside what the model has seen?"""

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, validate_data

from ._solvers.dual import prefer_dual
from ._solvers.leverage import RowSpaceLeverage, centred_quadratic_forms, factor_gram
from ._solvers.statistics import sufficient_stats
from ._validation import check_finite
from .exceptions import warn_at_caller

METHODS = ("leverage", "range")


class ApplicabilityDomain(BaseEstimator):
    """Flag samples outside the training data's domain.

    ``method="leverage"``: the leverage ``hᵢ = 1/n + (xᵢ - x̄)ᵀ (X_cᵀX_c + αI)⁻¹ (xᵢ - x̄)``
    — the hat-matrix diagonal of a linear (α = 0) or ridge model with
    intercept, α in :class:`~fastreg.Ridge`'s units — against the usual warning
    leverage ``h* = 3(df + 1)/n``, with df = p for α = 0 and the ridge's
    effective degrees of freedom ``Σ sₖ/(sₖ + α)`` otherwise. With more samples
    than features it comes from the Cholesky factor of the one-pass statistics,
    with fewer from the n×n kernel (no p×p matrix). ``method="range"``: any
    feature outside the training minimum/maximum.

    Parameters
    ----------
    method : {"leverage", "range"}, default="leverage"
        Leverage in the model's feature space, or each feature's training range.
    threshold : float, "loo" or None, default=None
        Leverage above which a sample is out of domain (default ``h*``), or,
        for ``"range"``, the allowed excursion beyond the training range as a
        fraction of that range (default 0). ``"loo"`` calibrates it on the
        training data: the ``quantile`` of each training point's leverage
        had it been left out (``hᵢ/(1 − hᵢ)``), so that about ``1 − quantile``
        of new samples from the training distribution are flagged. With many
        effective parameters (ridge on wide descriptors) the classic ``h*``
        flags most in-distribution candidates; ``"loo"`` does not.
    alpha : float, default=0.0
        Ridge penalty of the leverage. With α = 0 and n_samples ≤ n_features + 1
        every training point has leverage 1: ``fit`` warns that the domain is
        meaningless (pass the model's α instead).
    quantile : float in (0, 1), default=0.99
        Of ``threshold="loo"``.

    Attributes
    ----------
    threshold_ : float
    degrees_of_freedom_ : float
        Parameters of the model besides the intercept (effective ones for α > 0).
    n_samples_fit_ : int
    feature_min_, feature_max_ : ndarray of shape (n_features,)
    n_features_in_ : int
    """

    def __init__(self, method="leverage", threshold=None, alpha=0.0, quantile=0.99):
        self.method = method
        self.threshold = threshold
        self.alpha = alpha
        self.quantile = quantile

    def fit(self, X, y=None):
        """Learn the domain of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples, in the model's feature space (after any scaling).
        y : None
            Ignored; present for scikit-learn's API.

        Returns
        -------
        self : ApplicabilityDomain
            The fitted domain.
        """
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}.")
        calibrated = isinstance(self.threshold, str)
        if calibrated and (self.threshold != "loo" or self.method != "leverage"):
            raise ValueError(f"threshold must be None, a non-negative number or (for leverage) 'loo', got {self.threshold!r}.")
        if not calibrated and self.threshold is not None and not (np.isfinite(self.threshold) and self.threshold >= 0):
            raise ValueError(f"threshold must be None, a non-negative number or 'loo', got {self.threshold!r}.")
        if not 0 < self.quantile < 1:
            raise ValueError(f"quantile must be in (0, 1), got {self.quantile!r}.")
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        n_samples, n_features = X.shape
        self.n_samples_fit_ = n_samples
        self.feature_min_ = X.min(axis=0)
        self.feature_max_ = X.max(axis=0)
        if self.method == "range":
            self.threshold_ = 0.0 if self.threshold is None else float(self.threshold)
            return self
        if not (np.isscalar(self.alpha) and np.isfinite(self.alpha) and self.alpha >= 0):
            raise ValueError(f"alpha must be a non-negative number, got {self.alpha!r}.")
        alpha = float(self.alpha)
        self._row_space = None
        if alpha == 0 and n_samples <= n_features + 1:
            warn_at_caller(
                f"With {n_samples} samples and {n_features} features, every training point has leverage 1 "
                "under least squares: the leverage domain is meaningless. Pass the model's ridge penalty "
                "(ApplicabilityDomain(alpha=...)) or use method='range'.", UserWarning)
        if prefer_dual(n_samples, n_features, True):
            self._row_space = RowSpaceLeverage(X, alpha)
            self.degrees_of_freedom_ = self._row_space.degrees_of_freedom
        else:
            self._factor_statistics(sufficient_stats(X, np.empty((n_samples, 0))), alpha)
        if calibrated:
            self.threshold_ = float(np.quantile(self._held_out_leverage(X), self.quantile))
        elif self.threshold is None:
            self.threshold_ = 3.0 * (self.degrees_of_freedom_ + 1) / n_samples
        else:
            self.threshold_ = float(self.threshold)
        return self

    def fit_stats(self, stats):
        """The leverage domain from sufficient statistics alone (data read chunk by chunk).

        ``threshold="loo"`` needs the training rows; here it falls back to ``h*``.
        The range bounds are unknown (NaN).

        Parameters
        ----------
        stats : SufficientStats
            Sufficient statistics of the training rows.

        Returns
        -------
        self : ApplicabilityDomain
            The fitted domain.
        """
        if self.method != "leverage":
            raise ValueError("fit_stats gives the leverage domain only (method='leverage').")
        self.n_features_in_ = stats.n_features
        self.n_samples_fit_ = int(round(stats.sum_weights))
        self.feature_min_ = self.feature_max_ = np.full(stats.n_features, np.nan)
        self._row_space = None
        self._factor_statistics(stats, float(self.alpha))
        if self.threshold is None or isinstance(self.threshold, str):
            self.threshold_ = 3.0 * (self.degrees_of_freedom_ + 1) / self.n_samples_fit_
        else:
            self.threshold_ = float(self.threshold)
        return self

    def _factor_statistics(self, stats, alpha):
        """Leverage from the p×p statistics: the Cholesky factor of X_cᵀX_c + αI, and the degrees of freedom."""
        n_features = stats.n_features
        A, _, _, mean_x, _ = stats.normal_equations(fit_intercept=True)
        L, scale, failed = factor_gram(A, alpha)
        if failed >= 0:
            raise ValueError(
                f"Leverage is undefined: feature {failed} is constant or a linear combination of "
                "earlier features in the training data; remove it first or pass alpha > 0."
            )
        self._mean = mean_x
        self._factor = L
        self._scale = scale
        if alpha > 0:
            s = np.clip(np.linalg.eigvalsh(A), 0.0, None)
            self.degrees_of_freedom_ = float(np.sum(s / (s + alpha)))
        else:
            self.degrees_of_freedom_ = float(n_features)

    def _held_out_leverage(self, X):
        """Each training point's leverage as if it were new: ``1/(n-1) + q/(1 - q)``, q = h - 1/n.

        Sherman–Morrison on the model without that point (the O(1/n) shift of
        the centre is neglected).
        """
        n_samples = X.shape[0]
        # q <= 1 - 1/n for a training point, so the denominator is at least 1/n
        quadratic = np.clip(self._leverage(X) - 1.0 / n_samples, 0.0, None)
        return 1.0 / (n_samples - 1) + quadratic / (1.0 - quadratic)

    def score(self, X):
        """Score each sample: its leverage, or its excursion beyond the training range.

        For ``"range"`` the score is the largest excursion beyond the training
        range as a fraction of that range (0 inside).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Leverage (``"leverage"``) or range excursion (``"range"``); compare with ``threshold_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32], ensure_all_finite=False)
        check_finite(X, "X")
        if self.method == "range":
            span = np.where(self.feature_max_ > self.feature_min_, self.feature_max_ - self.feature_min_, 1.0)
            below = (self.feature_min_ - X) / span
            above = (X - self.feature_max_) / span
            return np.maximum(np.maximum(below, above).max(axis=1), 0.0)
        return self._leverage(X)

    def _leverage(self, X):
        if self._row_space is not None:
            return self._row_space(X) + 1.0 / self.n_samples_fit_
        leverage = centred_quadratic_forms(X, self._mean, self._factor, self._scale)
        return leverage + 1.0 / self.n_samples_fit_

    def check(self, X):
        """Say which samples are inside the domain.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to check.

        Returns
        -------
        inside : ndarray of shape (n_samples,), bool
            True where ``score(X) <= threshold_``.
        """
        return self.score(X) <= self.threshold_


def standardised_residuals(y_true, y_pred, leverage, n_parameters):
    """Internally studentised residuals ``rᵢ / (s·sqrt(1 - hᵢ))`` for a Williams plot.

    ``s² = Σ rᵢ² / (n - n_parameters)``; ``n_parameters`` counts the intercept.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Reference values.
    y_pred : array-like of shape (n_samples,)
        The model's predictions.
    leverage : array-like of shape (n_samples,)
        Leverage h of each sample.
    n_parameters : int
        Parameters of the model, the intercept included.

    Returns
    -------
    residuals : ndarray of shape (n_samples,)
        Standardised residuals.
    """
    residual = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    dof = residual.size - n_parameters
    if dof <= 0:
        raise ValueError(f"Need more samples ({residual.size}) than parameters ({n_parameters}).")
    s = np.sqrt(np.sum(residual**2) / dof)
    return residual / (s * np.sqrt(np.clip(1.0 - np.asarray(leverage, dtype=float), 1e-12, None)))
