"""Shared estimator plumbing: validation at the boundary, statistics, prediction."""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from .._solvers.dual import centred_gram, dual_problem, prefer_dual, primal_coef, weighted_column_means
from .._solvers.nonnegative import nonnegative_normal_equations
from .._solvers.normal_equations import REFINE_FROM_CONDITION, refine_with_data, solve_normal_equations
from .._solvers.ridge_scores import loo_residuals
from .._solvers.sparse import CG_RTOL, prefer_iterative, ridge_conjugate_gradient, row_magnitudes
from .._solvers.statistics import sufficient_stats
from .._validation import check_finite, check_magnitudes, check_sample_weight
from ..exceptions import RankDeficiencyWarning, warn_at_caller
from ._intervals import JACKKNIFE_ATTRIBUTES, LOOIntervalMixin

INTERVAL_SETTINGS = (False, True, "loo", "jackknife+")


def check_statistics(stats, helds=None):
    """What every ``fit_stats`` checks: finite statistics and, for CV, at least two folds."""
    if helds is not None and len(helds) < 2:
        raise ValueError(f"fit_stats needs the held-out statistics of at least 2 folds, got {len(helds)}.")
    if not stats.is_finite():
        raise ValueError("the statistics hold NaN or inf: some chunk had non-finite values.")


class LinearModel(RegressorMixin, BaseEstimator):
    """Prediction, validation and tags shared by fastreg's linear estimators."""

    _multi_output = True  # single-target estimators set False
    _accepts_sparse = False  # estimators that take CSR/CSC X set True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = self._multi_output
        tags.input_tags.sparse = self._accepts_sparse
        return tags

    def _validate_training_data(self, X, y, sample_weight, *, reset, multi_output=None):
        """Return ``(X, Y, weights, y_is_1d)``; X keeps float32, Y is 2-D."""
        if y is not None and np.asarray(y).dtype.kind in "fc":
            check_finite(np.asarray(y), "y")  # before scikit-learn's check, to name the row
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse=["csr", "csc"] if self._accepts_sparse else False,
            dtype=[np.float64, np.float32],
            multi_output=self._multi_output if multi_output is None else multi_output,
            y_numeric=True,
            ensure_all_finite=False,  # checked for free from the statistics
        )
        y_is_1d = y.ndim == 1
        Y = y.reshape(-1, 1) if y_is_1d else y
        weights = check_sample_weight(sample_weight, X.shape[0])
        return X, Y, weights, y_is_1d

    def _statistics(self, X, Y, weights, shift=None):
        """One pass over X; non-finite input is reported with its first row, underflowing features by name."""
        return self._require_finite(sufficient_stats(X, Y, weights, shift=shift), X, Y)

    def _centred_gram(self, X, Y, weights):
        """The n×n form's :class:`CentredGram`; non-finite input is reported with its first row."""
        centred = centred_gram(X, weights, self.fit_intercept)
        if not np.isfinite(centred.gram).all():
            self._require_finite(None, X, Y)
        check_magnitudes(row_magnitudes(X))
        return centred

    def _dual_problem(self, X, Y, weights, centred=None):
        """The n×n (kernel) form of the problem, decomposed once for every α."""
        return dual_problem(X, Y, weights, self.fit_intercept, centred or self._centred_gram(X, Y, weights))

    @staticmethod
    def _require_finite(stats, X, Y):
        """NaN/inf reach the sums for free; only then are X and y searched for the row.

        Features whose squares near underflow are named too (from the statistics' diagonal).
        """
        if stats is None or not stats.is_finite():
            check_finite(X, "X")
            check_finite(Y, "y")
            raise ValueError(
                "The sums of squares overflowed although X and y are finite: "
                f"values are too large (max |X| = {np.abs(X).max():.3g}, "
                f"max |y| = {np.abs(Y).max():.3g}); rescale the data."
            )
        spread = np.sqrt(np.clip(np.diag(stats.xtx), 0.0, None) / max(stats.sum_weights, 1e-300))
        check_magnitudes(np.maximum(np.abs(stats.shift_x), spread))  # squares near underflow
        return stats

    _ravel_single_target = True  # scikit-learn's Ridge/Lasso give coef_ (n_features,) for y of shape (n, 1)

    def _set_solution(self, coef, x_offset, y_offset, dtype, y_is_1d):
        """Store ``coef_`` (from shape (n_features, n_targets)) and ``intercept_`` with scikit-learn's shapes.

        Without an intercept ``intercept_`` is the float ``0.0``; a 1-D y gives 1-D
        ``coef_`` and a scalar intercept; y of shape (n, 1) gives 1-D ``coef_`` and
        an intercept of shape (1,) where the scikit-learn counterpart does so.
        """
        intercept = (y_offset - x_offset @ coef).astype(dtype, copy=False)
        coef = coef.T.astype(dtype, copy=False)
        if y_is_1d:
            self.coef_, intercept = coef[0], intercept[0]
        elif coef.shape[0] == 1 and self._ravel_single_target:
            self.coef_ = coef[0]
        else:
            self.coef_ = coef
        self.intercept_ = intercept if self.fit_intercept else 0.0

    def predict(self, X):
        """Predict with the fitted linear model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples, one row per sample.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictions.
        """
        return self._linear_prediction(self._validated_prediction_input(X))

    def _validated_prediction_input(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, accept_sparse=["csr", "csc"] if self._accepts_sparse else False,
                          dtype=[np.float64, np.float32], ensure_all_finite=False)
        check_finite(X, "X")
        return X

    def _linear_prediction(self, X):
        return np.asarray(X @ self.coef_.T) + self.intercept_


class StatsRegressor(LinearModel):
    """Least-squares estimators solved from sufficient statistics alone.

    ``fit`` is ``partial_fit`` on a fresh state, so a chunked fit gives the same
    answer as one fit on all rows. Subclasses define :meth:`_check_params`
    and :meth:`_solve_from_stats`; those with :meth:`_fit_dual` solve in the
    n×n form when there are fewer samples than features (``form_ = "dual"``).
    """

    _fit_dual = None  # (X, Y, weights, y_is_1d) -> None, where the n×n form exists
    _fit_iterative = None  # (X, Y, weights) -> None, where large sparse X is solved by conjugate gradients

    @property
    def _positive(self):
        return bool(getattr(self, "positive", False))

    def _check_params(self, n_targets):  # pragma: no cover - abstract
        raise NotImplementedError

    def _solve_from_stats(self, stats, dtype, refine_on=None):  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(self, X, y, sample_weight=None):
        """Fit on all rows at once.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples, one row per sample.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values, one column per target when 2-D.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; None weighs every sample 1.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        for name in ("stats_", "_y_is_1d", "loo_residuals_", "form_", "condition_number_", *JACKKNIFE_ATTRIBUTES):
            self.__dict__.pop(name, None)
        X, Y, weights, y_is_1d = self._validate_training_data(X, y, sample_weight, reset=True)
        if hasattr(self, "intervals"):
            self._check_intervals(INTERVAL_SETTINGS)
            if self.intervals and self._positive:
                raise ValueError("intervals need the closed-form leave-one-out fits, which a positive "
                                 "(constrained) fit does not have; set intervals=False or positive=False.")
        self._check_params(Y.shape[1])  # bad hyperparameters fail before any work
        if (self._fit_iterative is not None and not getattr(self, "intervals", False) and not self._positive
                and prefer_iterative(X, self._penalty(Y.shape[1]))):
            self._y_is_1d = y_is_1d
            self._fit_iterative(X, Y, weights)
            self.form_ = "iterative"
            return self
        if self._fit_dual is not None and prefer_dual(*X.shape, self.fit_intercept) and not self._positive:
            self._y_is_1d = y_is_1d
            self._fit_dual(X, Y, weights)
            self.form_ = "dual"
            return self
        self._add_chunk(X, Y, weights, y_is_1d, refine_on=(X, Y, weights))
        if getattr(self, "intervals", False):
            self._store_loo_residuals(X, Y, weights)
            self._keep_jackknife(X, weights, self._penalty(Y.shape[1]))
        return self

    def fit_stats(self, stats, *, y_is_1d=True, dtype=np.float64):
        """Fit from sufficient statistics alone (:func:`fastreg.sufficient_stats`, summed over chunks).

        For data read chunk by chunk from disk: the statistics of each chunk
        add (``+``), and this solves once at the end. Equals ``fit`` on the
        rows behind ``stats``; ``partial_fit`` can go on from it. Leave-one-out
        residuals need the rows, so none are kept.

        Parameters
        ----------
        stats : SufficientStats
            Sufficient statistics of the training rows (:class:`fastreg.SufficientStats`).
        y_is_1d : bool, default=True
            Give 1-D ``coef_`` for a single target, as ``fit`` with a 1-D y would.
        dtype : float32 or float64, default=float64
            Of ``coef_`` and predictions.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        for name in ("stats_", "_y_is_1d", "loo_residuals_", "form_", "condition_number_", *JACKKNIFE_ATTRIBUTES):
            self.__dict__.pop(name, None)
        check_statistics(stats)
        self._check_params(stats.n_targets)
        self.n_features_in_ = stats.n_features
        self._y_is_1d = bool(y_is_1d) and stats.n_targets == 1
        self.stats_ = stats
        self._solve_from_stats(stats, np.dtype(dtype))
        self.form_ = "primal"
        return self

    def partial_fit(self, X, y, sample_weight=None):
        """Add a chunk of rows and refit; all chunks together equal one ``fit``.

        The cost of a call is one pass over the chunk plus a
        (n_features × n_features) solve; memory does not grow with the rows seen.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The chunk's rows (any number, the same features each call).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            The chunk's targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each of the chunk's samples.

        Returns
        -------
        self : object
            The estimator, fitted on every chunk so far.
        """
        if getattr(self, "form_", None) == "dual":
            raise ValueError(
                "This model was fitted in the n×n (dual) form, which keeps no (n_features × n_features) "
                "statistics to add a chunk to; fit it with partial_fit from the first chunk, or refit "
                "with fit on all rows.")
        first = not hasattr(self, "stats_")
        for name in ("loo_residuals_", *JACKKNIFE_ATTRIBUTES):  # they need all rows at once: only fit keeps them
            self.__dict__.pop(name, None)
        X, Y, weights, y_is_1d = self._validate_training_data(X, y, sample_weight, reset=first)
        return self._add_chunk(X, Y, weights, y_is_1d)

    def _add_chunk(self, X, Y, weights, y_is_1d, refine_on=None):
        self._check_params(Y.shape[1])  # bad hyperparameters fail before any work
        if not hasattr(self, "stats_"):
            stats = self._statistics(X, Y, weights)
            self._y_is_1d = y_is_1d
        else:
            if Y.shape[1] != self.stats_.n_targets or y_is_1d != self._y_is_1d:
                raise ValueError(
                    f"y has {Y.shape[1]} target(s) but earlier chunks had "
                    f"{self.stats_.n_targets}; every chunk needs the same targets."
                )
            shift = (self.stats_.shift_x, self.stats_.shift_y)
            stats = self.stats_ + self._statistics(X, Y, weights, shift=shift)
        self.stats_ = stats
        self._solve_from_stats(stats, X.dtype, refine_on)
        self.form_ = "primal"
        return self


class PenalisedLeastSquares(LOOIntervalMixin, StatsRegressor):
    """Ridge-type solve ``(A + αI) w = B`` with optional leave-one-out intervals."""

    def _penalty(self, n_targets):  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_params(self, n_targets):
        self._penalty(n_targets)

    def _solve_from_stats(self, stats, dtype, refine_on=None):
        """Cholesky on the statistics; an ill-conditioned design is refined on the data (``fit``)
        or reported (``partial_fit``, which no longer has the earlier chunks)."""
        A, B, _, x_offset, y_offset = stats.normal_equations(self.fit_intercept)
        alphas = self._penalty(stats.n_targets)
        if self._positive:
            self.condition_number_ = np.nan  # an active-set solve: no single factorisation to measure
            coef = nonnegative_normal_equations(A, B, alphas)
            self._set_solution(coef, x_offset, y_offset, dtype, self._y_is_1d)
            return
        coef, condition = solve_normal_equations(A, B, alphas, with_condition=True)
        self.condition_number_ = condition
        if REFINE_FROM_CONDITION < condition < np.inf:
            if refine_on is not None:
                coef = refine_with_data(*refine_on, coef, x_offset, y_offset, alphas, A)
            else:
                warn_at_caller(
                    f"The design is ill-conditioned (condition number of the scaled normal equations "
                    f"~{condition:.1e}): coefficients from the accumulated statistics may lose "
                    f"{np.log10(condition * np.finfo(np.float64).eps) + 16:.0f} digits. fit() on all rows "
                    "refines them on the data; partial_fit cannot.", RankDeficiencyWarning)
        self._set_solution(coef, x_offset, y_offset, dtype, self._y_is_1d)

    def _fit_dual(self, X, Y, weights):
        """coef = X̃ᵀ(K + αI)⁻¹ D(Y - ȳ) from one eigendecomposition of the n×n kernel."""
        problem = self._dual_problem(X, Y, weights)
        alphas = self._penalty(Y.shape[1])
        coef = primal_coef(X, problem, problem.dual_coef(alphas))
        self._set_solution(coef, problem.x_offset, problem.y_offset, X.dtype, self._y_is_1d)
        if getattr(self, "intervals", False):
            self._check_loo_samples(X.shape[0])
            own = problem.loo_residuals(alphas)
            self.loo_residuals_ = own[:, 0] if self._y_is_1d else own
            self._keep_jackknife(X, weights, alphas)

    def _fit_iterative(self, X, Y, weights):
        """Large sparse X: conjugate gradients on the implicitly centred normal equations (no p×p, no n×n)."""
        alphas = self._penalty(Y.shape[1])
        x_offset = weighted_column_means(X, weights) if self.fit_intercept else np.zeros(X.shape[1])
        w = np.ones(X.shape[0]) if weights is None else weights
        y_offset = (w @ Y) / w.sum() if self.fit_intercept else np.zeros(Y.shape[1])
        coef, n_iter, converged = ridge_conjugate_gradient(X, Y, weights, x_offset, y_offset, alphas)
        if not converged:
            warn_at_caller(f"Conjugate gradients did not reach a relative residual of {CG_RTOL:g} in {n_iter} "
                           "iterations: the design is ill-conditioned for this alpha; the coefficients are "
                           "approximate. Increase alpha or standardise the features.", ConvergenceWarning)
        self._cg_iterations = n_iter
        self._set_solution(coef, x_offset, y_offset, X.dtype, self._y_is_1d)

    def _store_loo_residuals(self, X, Y, weights):
        """One more pass over X: the exact LOO residuals, each target with its own penalty."""
        self._check_loo_samples(X.shape[0])
        values, target_alpha = np.unique(self._penalty(Y.shape[1]), return_inverse=True)
        own = loo_residuals(X, Y, weights, self.stats_, values, self.fit_intercept, target_alpha=target_alpha)
        self.loo_residuals_ = own[:, 0] if self._y_is_1d else own
