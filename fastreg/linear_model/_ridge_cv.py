"""Ridge regression with the penalty chosen by exact leave-one-out or k-fold CV."""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv

from .._solvers import dual
from .._solvers.normal_equations import solve_normal_equations
from .._solvers.ridge_scores import kfold_r2, loo_residuals
from .._solvers.sparse import is_sparse
from .._solvers.statistics import fold_statistics
from .._validation import check_alpha_grid, check_routed_params
from ..exceptions import warn_at_caller
from ._base import LinearModel, check_statistics
from ._intervals import JACKKNIFE_ATTRIBUTES, LOOIntervalMixin
from ._least_squares import Ridge


GCV_MODES = (None, "auto", "svd", "eigen")


class _Predictions(RegressorMixin, BaseEstimator):
    """Stands in for an estimator whose predictions are already known, so a scorer can score them."""

    def predict(self, predictions):
        return predictions


class RidgeCV(LOOIntervalMixin, LinearModel):
    """Ridge regression with built-in selection of ``alpha``.

    The objective is that of :class:`Ridge`. With ``cv=None`` every α is scored
    by its exact (weighted) mean squared leave-one-out error, computed from one
    eigendecomposition of the Gram matrix (or of the n×n kernel when there are
    fewer samples than features) — no refit per α or per sample — exactly as
    scikit-learn's ``RidgeCV`` scores it. With an integer or a splitter, each α
    is scored by the mean held-out R² over the folds, where a fold's training
    statistics are the total minus its held-out statistics.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Candidate penalties, strictly positive.
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False, X and y are used uncentred.
    scoring : str, callable or None, default=None
        ``None``: negative mean squared error (leave-one-out) or R² (k-fold).
        Otherwise a scikit-learn scorer, given the leave-one-out (or held-out)
        predictions.
    cv : int, cross-validation generator, iterable or None, default=None
        ``None`` for efficient leave-one-out; an integer for (unshuffled) KFold.
    gcv_mode : {None, "auto", "svd", "eigen"}, default=None
        Accepted for compatibility with scikit-learn; fastreg picks the
        decomposition from the shape (Gram or kernel eigendecomposition, with an
        SVD of X where the Gram is ill-conditioned), and every mode gives the
        same leave-one-out errors.
    store_cv_results : bool, default=False
        Keep every sample's leave-one-out squared error (or prediction, with
        ``scoring``) for every α in ``cv_results_`` (``cv=None`` only).
    alpha_per_target : bool, default=False
        Choose α separately for each target (``cv=None`` only).
    intervals : {"loo", "jackknife+"}, default="loo"
        With ``cv=None`` the leave-one-out residuals at ``alpha_`` are always
        kept (``predict_interval``); ``"jackknife+"`` also keeps the
        (n_features × n_samples) basis of the leave-one-out fits, for
        ``predict_interval(X, method="jackknife+")``.

    Attributes
    ----------
    alpha_ : float or ndarray of shape (n_targets,)
        The chosen penalty (one per target with ``alpha_per_target``).
    best_score_ : float or ndarray of shape (n_targets,)
        Its score: negative mean squared LOO error (``cv=None``), mean R², or
        the ``scoring`` value.
    alpha_scores_ : ndarray of shape (n_alphas,) or (n_alphas, n_targets)
        The score of every candidate α (per target with ``alpha_per_target``).
    cv_results_ : ndarray of shape (n_samples, n_alphas) or (n_samples, n_targets, n_alphas)
        Leave-one-out squared errors, or predictions with ``scoring``
        (``store_cv_results=True`` only), as scikit-learn's.
    loo_residuals_ : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Exact leave-one-out residuals at ``alpha_`` (``cv=None`` only); they
        give :meth:`predict_interval`.
    coef_, intercept_, n_features_in_
        As for :class:`Ridge`, refitted on all rows with ``alpha_``.
    """

    _accepts_sparse = True

    def __init__(self, alphas=(0.1, 1.0, 10.0), *, fit_intercept=True, scoring=None, cv=None, gcv_mode=None,
                 store_cv_results=False, alpha_per_target=False, intervals="loo"):
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.scoring = scoring
        self.cv = cv
        self.gcv_mode = gcv_mode
        self.store_cv_results = store_cv_results
        self.alpha_per_target = alpha_per_target
        self.intervals = intervals

    def fit(self, X, y, sample_weight=None, **params):
        """Score every α, keep the best, refit on all rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples, one row per sample.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values, one column per target when 2-D.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; None weighs every sample 1.
        **params : dict
            ``groups`` goes to the splitter of ``cv``; the rest to ``scoring``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        alphas = self._checked_alphas()
        self._check_options()
        X, Y, weights, y_is_1d = self._validate_training_data(X, y, sample_weight, reset=True)
        if self.gcv_mode == "svd" and is_sparse(X) and self.cv is None:  # scikit-learn's warning, for the same call
            warn_at_caller("The 'svd' mode is not supported for sparse X; fastreg uses the eigendecomposition of the "
                           "Gram or kernel (the same leave-one-out errors).", FutureWarning)
        for name in ("loo_residuals_", "cv_results_"):
            self.__dict__.pop(name, None)
        check_routed_params(params, ("groups",) if self.scoring is None else params)  # the scorer takes the rest
        groups = params.pop("groups", None)
        scorer = None if self.scoring is None else check_scoring(self, scoring=self.scoring)
        y_true = Y[:, 0] if y_is_1d else Y
        per_target = bool(self.alpha_per_target) and Y.shape[1] > 1
        self.form_ = "dual" if dual.prefer_dual(*X.shape, self.fit_intercept) else "primal"
        if self.cv is None:
            self._check_loo_samples(X.shape[0])
            residuals, refit = (self._loo_dual if self.form_ == "dual" else self._loo_primal)(X, Y, weights, alphas)
            if scorer is None:
                values = residuals * residuals * (1.0 if weights is None else weights[:, None, None])
                scores = -values.mean(axis=0)  # (n_alphas, n_targets)
            else:
                values = Y[:, None, :] - residuals  # leave-one-out predictions
                scores = np.array([self._score_predictions(scorer, values[:, a], y_true, y_is_1d, per_target, params)
                                   for a in range(len(alphas))])
            if self.store_cv_results:
                stored = values.transpose(0, 2, 1).astype(X.dtype)  # (n_samples, n_targets, n_alphas)
                self.cv_results_ = stored[:, 0, :] if y_is_1d else stored
        else:
            residuals = None
            folds = list(check_cv(self.cv).split(X, Y, groups))
            if scorer is None:
                scores, refit = (self._kfold_dual if self.form_ == "dual" else self._kfold_primal)(
                    X, Y, weights, alphas, folds)
            else:
                scores, refit = self._kfold_scored(X, Y, weights, alphas, folds, scorer, y_is_1d, params)
        scores = np.asarray(scores, dtype=np.float64).reshape(len(alphas), -1)
        if not per_target:
            scores = scores.mean(axis=1, keepdims=True)
        best = np.argmax(scores, axis=0)  # first of equals, as scikit-learn
        if per_target:
            self.alpha_, self.best_score_ = alphas[best], scores[best, np.arange(scores.shape[1])]
        else:
            self.alpha_, self.best_score_ = float(alphas[best[0]]), float(scores[best[0], 0])
        self.alpha_scores_ = scores if per_target else scores[:, 0]
        penalties = np.broadcast_to(np.asarray(self.alpha_, dtype=np.float64), (Y.shape[1],)).copy()
        if residuals is not None:
            chosen = residuals[:, np.broadcast_to(best, (Y.shape[1],)), np.arange(Y.shape[1])]
            self.loo_residuals_ = chosen[:, 0] if y_is_1d else chosen
        coef, x_offset, y_offset = refit(penalties)
        self._set_solution(coef, x_offset, y_offset, X.dtype, y_is_1d)
        self._keep_jackknife(X, weights, penalties)
        return self

    def _check_options(self):
        self._check_intervals(("loo", "jackknife+"))
        if self.gcv_mode not in GCV_MODES:
            raise ValueError(f"gcv_mode must be one of {GCV_MODES}, got {self.gcv_mode!r}.")
        if self.cv is not None:
            for name in ("store_cv_results", "alpha_per_target"):
                if getattr(self, name):
                    raise ValueError(f"cv!=None and {name}=True are incompatible: {name} needs leave-one-out.")
            if self.intervals == "jackknife+":
                raise ValueError("intervals='jackknife+' needs the leave-one-out fits of cv=None.")

    @staticmethod
    def _score_predictions(scorer, predictions, y_true, y_is_1d, per_target, params):
        """The scorer on (n_samples, n_targets) predictions: one score, or one per target."""
        if per_target:
            return [scorer(_Predictions(), predictions[:, t], y_true[:, t], **params) for t in range(y_true.shape[1])]
        return scorer(_Predictions(), predictions[:, 0] if y_is_1d else predictions, y_true, **params)

    def _checked_alphas(self):
        """Strictly positive for leave-one-out; k-fold also takes α = 0 (the minimum-norm fit), as scikit-learn."""
        return check_alpha_grid(self.alphas, strictly_positive=self.cv is None)

    def fit_stats(self, stats, helds, *, y_is_1d=True, dtype=np.float64):
        """Select α by k-fold and refit, from statistics alone (data read chunk by chunk).

        ``helds`` are the held-out statistics of each fold, all about the shift of
        ``stats`` (the total), as :func:`fastreg.sufficient_stats` of each fold's
        rows; a fold's training statistics are ``stats - held``. Equals ``fit``
        with ``cv`` set to the same folds. Leave-one-out needs the rows: no
        ``loo_residuals_`` here, so ``intervals`` must stay ``"loo"``.

        Parameters
        ----------
        stats : SufficientStats
            Sufficient statistics of the training rows (:class:`fastreg.SufficientStats`).
        helds : list of SufficientStats
            Statistics of each fold's held-out rows, in fold order.
        y_is_1d : bool, default=True
            Whether y was 1-D (shapes ``coef_`` and ``intercept_`` as scikit-learn does).
        dtype : float32 or float64, default=float64
            Floating-point type of the result (float32 or float64).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        alphas = self._checked_alphas()
        check_statistics(stats, helds)
        if self.intervals != "loo":
            raise ValueError("intervals='jackknife+' needs the rows; fit_stats has only their statistics.")
        if self.scoring is not None or self.store_cv_results or self.alpha_per_target:
            raise ValueError("fit_stats scores by R² alone: scoring, store_cv_results and alpha_per_target "
                             "need the rows.")
        for name in ("loo_residuals_", "cv_results_", *JACKKNIFE_ATTRIBUTES):
            self.__dict__.pop(name, None)
        scores = kfold_r2(stats, helds, alphas, self.fit_intercept).mean(axis=0)
        best = int(np.argmax(scores))
        self.alpha_, self.best_score_, self.alpha_scores_ = float(alphas[best]), float(scores[best]), scores
        self.n_features_in_ = stats.n_features
        A, B, _, x_offset, y_offset = stats.normal_equations(self.fit_intercept)
        coef = solve_normal_equations(A, B, np.full(stats.n_targets, self.alpha_))
        self._set_solution(coef, x_offset, y_offset, np.dtype(dtype), bool(y_is_1d) and stats.n_targets == 1)
        self.form_ = "primal"
        return self

    def _loo_primal(self, X, Y, weights, alphas):
        """Leave-one-out residuals (n_samples, n_alphas, n_targets) from the p×p statistics, and the refit."""
        stats = self._statistics(X, Y, weights)
        return loo_residuals(X, Y, weights, stats, alphas, self.fit_intercept), self._primal_refit(stats)

    def _kfold_primal(self, X, Y, weights, alphas, folds):
        """Mean held-out R² per α from the fold statistics (X read once), and the refit."""
        stats, helds = fold_statistics(X, Y, weights, folds)
        self._require_finite(stats, X, Y)
        return kfold_r2(stats, helds, alphas, self.fit_intercept).mean(axis=0), self._primal_refit(stats)

    def _primal_refit(self, stats):
        def refit(penalties):
            A, B, _, x_offset, y_offset = stats.normal_equations(self.fit_intercept)
            return solve_normal_equations(A, B, penalties), x_offset, y_offset

        return refit

    def _loo_dual(self, X, Y, weights, alphas):
        """Leave-one-out residuals from the n×n kernel (fewer samples than features), decomposed once."""
        problem = self._dual_problem(X, Y, weights)
        return problem.loo_residuals_grid(alphas), self._dual_refit(X, problem)

    def _kfold_dual(self, X, Y, weights, alphas, folds):
        centred = self._centred_gram(X, Y, weights)
        tests = [np.asarray(test) for _, test in folds]
        scores = dual.kfold_r2(centred.gram, Y, weights, tests, alphas, self.fit_intercept).mean(axis=0)
        return scores, self._dual_refit(X, self._dual_problem(X, Y, weights, centred))

    @staticmethod
    def _dual_refit(X, problem):
        def refit(penalties):
            return dual.primal_coef(X, problem, problem.dual_coef(penalties)), problem.x_offset, problem.y_offset

        return refit

    def _kfold_scored(self, X, Y, weights, alphas, folds, scorer, y_is_1d, params):
        """A user's scorer on each fold's held-out predictions.

        One Ridge fit per fold serves every α: the targets are repeated once per
        α with one penalty per copy, so each fold reads its rows once.
        """
        n_targets = Y.shape[1]
        scores = np.zeros(len(alphas))
        for train, test in folds:
            w_train = None if weights is None else weights[train]
            every_alpha = Ridge(alpha=np.repeat(alphas, n_targets), fit_intercept=self.fit_intercept)
            every_alpha.fit(X[train], np.tile(Y[train], len(alphas)), w_train)
            predictions = every_alpha.predict(X[test]).reshape(len(test), len(alphas), n_targets)
            for a in range(len(alphas)):
                scores[a] += self._score_predictions(scorer, predictions[:, a], Y[test, 0] if y_is_1d else Y[test],
                                                     y_is_1d, False, params) / len(folds)
        if self.form_ == "dual":
            return scores, self._dual_refit(X, self._dual_problem(X, Y, weights))
        return scores, self._primal_refit(self._statistics(X, Y, weights))
