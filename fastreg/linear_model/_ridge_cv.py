"""Ridge regression with the penalty chosen by exact leave-one-out or k-fold CV."""

import numpy as np
from sklearn.model_selection import check_cv

from .._solvers import dual
from .._solvers.normal_equations import solve_normal_equations
from .._solvers.ridge_scores import kfold_r2, loo_mean_squared_errors, loo_residuals
from .._solvers.statistics import fold_statistics
from ._base import LinearModel, check_statistics
from ._intervals import JACKKNIFE_ATTRIBUTES, LOOIntervalMixin


class RidgeCV(LOOIntervalMixin, LinearModel):
    """Ridge regression with built-in selection of ``alpha``.

    The objective is that of :class:`Ridge`. With ``cv=None`` every α is scored
    by its exact (weighted) mean squared leave-one-out error, computed from one
    eigendecomposition of the Gram matrix — no refit per α or per sample —
    exactly as scikit-learn's ``RidgeCV`` scores it. With an integer or a
    splitter, each α is scored by the mean held-out R² over the folds, where a
    fold's training statistics are the total minus its held-out statistics.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Candidate penalties, strictly positive.
    fit_intercept : bool, default=True
    cv : int, cross-validation generator, iterable or None, default=None
        ``None`` for efficient leave-one-out; an integer for (unshuffled) KFold.
    intervals : {"loo", "jackknife+"}, default="loo"
        With ``cv=None`` the leave-one-out residuals at ``alpha_`` are always
        kept (``predict_interval``); ``"jackknife+"`` also keeps the
        (n_features × n_samples) basis of the leave-one-out fits, for
        ``predict_interval(X, method="jackknife+")``.

    Attributes
    ----------
    alpha_ : float
        The chosen penalty.
    best_score_ : float
        Its score: negative mean squared LOO error (``cv=None``) or mean R².
    cv_results_ : ndarray of shape (n_alphas,)
        The score of every candidate α.
    loo_residuals_ : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Exact leave-one-out residuals at ``alpha_`` (``cv=None`` only); they
        give :meth:`predict_interval`.
    coef_, intercept_, n_features_in_
        As for :class:`Ridge`, refitted on all rows with ``alpha_``.
    """

    def __init__(self, alphas=(0.1, 1.0, 10.0), *, fit_intercept=True, cv=None, intervals="loo"):
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.intervals = intervals

    def fit(self, X, y, sample_weight=None):
        """Score every α, keep the best, refit on all rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        alphas = self._checked_alphas()
        self._check_intervals(("loo", "jackknife+"))
        if self.intervals == "jackknife+" and self.cv is not None:
            raise ValueError("intervals='jackknife+' needs the leave-one-out fits of cv=None.")
        X, Y, weights, y_is_1d = self._validate_training_data(X, y, sample_weight, reset=True)
        self.__dict__.pop("loo_residuals_", None)
        if dual.prefer_dual(*X.shape, self.fit_intercept):
            scores, residuals, refit = self._score_dual(X, Y, weights, alphas)
            self.solver_ = "dual"
        else:
            scores, residuals, refit = self._score_primal(X, Y, weights, alphas)
            self.solver_ = "primal"
        best = int(np.argmax(scores))  # first of equals, as scikit-learn
        self.alpha_ = float(alphas[best])
        self.best_score_ = float(scores[best])
        self.cv_results_ = scores
        if residuals is not None:
            chosen = residuals[:, best, :]
            self.loo_residuals_ = chosen[:, 0] if y_is_1d else chosen
        coef, x_offset, y_offset = refit(np.full(Y.shape[1], self.alpha_))
        self._set_solution(coef, x_offset, y_offset, X.dtype, y_is_1d)
        self._keep_jackknife(X, weights, [self.alpha_])
        return self

    def _checked_alphas(self):
        alphas = np.asarray(self.alphas, dtype=np.float64).ravel()
        if alphas.size == 0 or not np.all(np.isfinite(alphas)) or np.any(alphas <= 0):
            raise ValueError(f"alphas must be non-empty, finite and strictly positive, got {self.alphas!r}.")
        return alphas

    def fit_stats(self, stats, helds, *, y_is_1d=True, dtype=np.float64):
        """k-fold selection of α and the refit from statistics alone (data read chunk by chunk).

        ``helds`` are the held-out statistics of each fold, all about the shift of
        ``stats`` (the total), as :func:`fastreg.sufficient_stats` of each fold's
        rows; a fold's training statistics are ``stats - held``. Equals ``fit``
        with ``cv`` set to the same folds. Leave-one-out needs the rows: no
        ``loo_residuals_`` here, so ``intervals`` must stay ``"loo"``.
        """
        alphas = self._checked_alphas()
        check_statistics(stats, helds)
        if self.intervals != "loo":
            raise ValueError("intervals='jackknife+' needs the rows; fit_stats has only their statistics.")
        for name in ("loo_residuals_", *JACKKNIFE_ATTRIBUTES):
            self.__dict__.pop(name, None)
        scores = kfold_r2(stats, helds, alphas, self.fit_intercept).mean(axis=0)
        best = int(np.argmax(scores))
        self.alpha_, self.best_score_, self.cv_results_ = float(alphas[best]), float(scores[best]), scores
        self.n_features_in_ = stats.n_features
        A, B, _, x_offset, y_offset = stats.normal_equations(self.fit_intercept)
        coef = solve_normal_equations(A, B, np.full(stats.n_targets, self.alpha_))
        self._set_solution(coef, x_offset, y_offset, np.dtype(dtype), bool(y_is_1d) and stats.n_targets == 1)
        self.solver_ = "primal"
        return self

    def _score_primal(self, X, Y, weights, alphas):
        """Scores from the p×p statistics; returns (scores, LOO residuals or None, refit)."""
        residuals = None
        if self.cv is None:
            stats = self._statistics(X, Y, weights)
            residuals = loo_residuals(X, Y, weights, stats, alphas, self.fit_intercept)
            scores = -loo_mean_squared_errors(residuals, weights).mean(axis=1)
        else:
            stats, helds = fold_statistics(X, Y, weights, list(check_cv(self.cv).split(X, Y)))
            self._require_finite(stats, X, Y)
            scores = kfold_r2(stats, helds, alphas, self.fit_intercept).mean(axis=0)

        def refit(penalties):
            A, B, _, x_offset, y_offset = stats.normal_equations(self.fit_intercept)
            return solve_normal_equations(A, B, penalties), x_offset, y_offset

        return scores, residuals, refit

    def _score_dual(self, X, Y, weights, alphas):
        """Scores from the n×n kernel (fewer samples than features), decomposed once."""
        residuals = None
        centred = self._centred_gram(X, Y, weights)
        if self.cv is None:
            problem = self._dual_problem(X, Y, weights, centred)
            residuals = problem.loo_residuals_grid(alphas)
            scores = -loo_mean_squared_errors(residuals, weights).mean(axis=1)
        else:
            tests = [np.asarray(test) for _, test in check_cv(self.cv).split(X, Y)]
            scores = dual.kfold_r2(centred.gram, Y, weights, tests, alphas, self.fit_intercept).mean(axis=0)
            problem = self._dual_problem(X, Y, weights, centred)

        def refit(penalties):
            return dual.primal_coef(X, problem, problem.dual_coef(penalties)), problem.x_offset, problem.y_offset

        return scores, residuals, refit
