"""LassoCV and ElasticNetCV: the penalty chosen by k-fold cross-validation of the path."""

import numpy as np
from sklearn.model_selection import check_cv

from .._solvers.coordinate_descent import data_problems, gram_problems, solve_path
from .._docstrings import with_parameters
from .._solvers.ridge_scores import held_out_sse
from .._validation import check_finite, check_magnitudes, check_routed_params
from .._solvers.sparse import centred_product, centred_rows
from .._solvers.statistics import fold_statistics
from ._base import LinearModel, check_statistics
from ._coordinate_descent import (ElasticNet, check_enet_params, check_grid_for_ridge_limit, generates_grid,
                                  resolve_alphas, selection_seed, use_gram)


class ElasticNetCV(LinearModel):
    """Elastic net with α (and ρ) chosen by cross-validated mean squared error.

    For every ``l1_ratio`` a grid of α is built on all data (as scikit-learn
    does); each fold fits the warm-started path on its training rows and
    scores the held-out rows. In Gram mode (n_samples > n_features, or
    ``precompute=True``) nothing but statistics is used: one pass over X gives
    the total and every fold's held-out statistics, a fold's training Gram is
    their difference, and the held-out errors are quadratic forms in the
    held-out statistics. The best (l1_ratio, α) is refitted on all rows.

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        Mix of the L1 and L2 penalties, in [0, 1]: 1 is the Lasso, 0 a pure L2 penalty.
    eps : float, default=1e-3
        Length of a generated path: alpha_min / alpha_max, in (0, 1].
    alphas : int or array-like, default=100
        Penalties to try; None or an integer generates that many on a log grid.
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False, X and y are used uncentred.
    precompute : "auto" or bool, default="auto"
        Whether to work on the p×p Gram (covariance mode); "auto" picks the cheaper mode.
    max_iter : int, default=1000
        Maximum number of iterations (epochs for coordinate descent).
    tol : float, default=1e-4
        Stopping tolerance, with scikit-learn's meaning for the counterpart.
    cv : int, cross-validation generator or iterable, default=None (5-fold)
        Cross-validation splitter, number of folds, or iterable of (train, test) index arrays.
    copy_X : bool, default=True
        Accepted for scikit-learn compatibility: fastreg never writes into X.
    verbose : bool or int, default=0
        Accepted for scikit-learn compatibility; nothing is printed.
    n_jobs : int or None, default=None
        Accepted for scikit-learn compatibility: the folds run in one process
        (in Gram mode they share one pass over X, which parallel folds would repeat).
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState or None, default=None
        Seed for ``selection="random"``; unused otherwise.
    selection : {"cyclic", "random"}, default="cyclic"
        "cyclic" visits features in order, "random" in a random order each epoch.

    Attributes
    ----------
    alpha_, l1_ratio_ : float
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
    mse_path_ : ndarray of shape (n_alphas, n_folds) or (n_l1_ratio, n_alphas, n_folds)
    coef_, intercept_, dual_gap_, n_iter_
        Of the refitted model.
    """

    _multi_output = False
    _accepts_sparse = True  # CSC columns in residual mode, or fold statistics from the sparse kernel

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True, precompute="auto", max_iter=1000,
                 tol=1e-4, cv=None, copy_X=True, verbose=0, n_jobs=None, positive=False, random_state=None,
                 selection="cyclic"):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    def _l1_ratios(self):
        return np.atleast_1d(np.asarray(self.l1_ratio, dtype=float))

    def fit(self, X, y, sample_weight=None, **params):
        """Cross-validate the path(s), then refit the best model on all rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples, one row per sample.
        y : array-like of shape (n_samples,)
            Target values, one column per target when 2-D.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; None weighs every sample 1.
        **params : dict
            ``groups``, passed to the splitter of ``cv``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        check_enet_params(l1_ratio=self.l1_ratio, max_iter=self.max_iter, tol=self.tol, selection=self.selection,
                          precompute=self.precompute)
        ratios = self._l1_ratios()
        check_grid_for_ridge_limit(ratios, self.alphas)
        X, Y, weights, _ = self._validate_training_data(X, y, sample_weight, reset=True)
        check_routed_params(params, ("groups",))
        folds = list(check_cv(self.cv).split(X, Y, params.get("groups")))
        if use_gram(self.precompute, X):
            total, helds = fold_statistics(X, Y, weights, folds)
            self._require_finite(total, X, Y)
            return self._fit_fold_statistics(total, helds, X.dtype)
        check_finite(X, "X")
        whole, x_offset_all, y_offset_all = data_problems(X, Y, weights, self.fit_intercept)
        check_magnitudes(np.maximum(np.abs(x_offset_all), whole[0].norms / np.sqrt(X.shape[0])))
        grids = self._grids(whole[0])
        seed = selection_seed(self.selection, self.random_state)
        mse = np.empty((len(ratios), len(grids[0]), len(folds)))
        for f, (train, test) in enumerate(folds):
            w_train = None if weights is None else weights[train]
            w_test = None if weights is None else weights[test]
            problems, x_offset, y_offset = data_problems(X[train], Y[train], w_train, self.fit_intercept)
            for r, (ratio, alphas) in enumerate(zip(ratios, grids)):
                coefs, _, _ = solve_path(problems[0], alphas, float(ratio), positive=bool(self.positive),
                                         max_iter=self.max_iter, tol=float(self.tol), seed=seed)
                residual = centred_product(*centred_rows(X[test], x_offset), coefs) + y_offset[0] - Y[test]
                mse[r, :, f] = np.average(residual**2, axis=0, weights=w_test)
        return self._select_and_refit(mse, grids, whole, x_offset_all, y_offset_all, X.dtype)

    def fit_stats(self, stats, helds, *, dtype=np.float64):
        """Cross-validate the path(s) and refit from statistics alone (data read chunk by chunk).

        ``helds`` are each fold's held-out statistics about the shift of the
        total ``stats``; a fold's training statistics are ``stats - held``
        (covariance mode, one target). Equals ``fit`` in Gram mode with the same folds.

        Parameters
        ----------
        stats : SufficientStats
            Sufficient statistics of all training rows.
        helds : list of SufficientStats
            Statistics of each fold's held-out rows, about the shift of ``stats``.
        dtype : float32 or float64, default=float64
            Floating-point type of the coefficients.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        check_enet_params(l1_ratio=self.l1_ratio, max_iter=self.max_iter, tol=self.tol, selection=self.selection,
                          precompute=self.precompute)
        check_grid_for_ridge_limit(self._l1_ratios(), self.alphas)
        check_statistics(stats, helds)
        self.n_features_in_ = stats.n_features
        return self._fit_fold_statistics(stats, helds, np.dtype(dtype))

    def _grids(self, problem):
        return [resolve_alphas(self.alphas, problem, ratio, self.eps, self.positive) for ratio in self._l1_ratios()]

    def _fit_fold_statistics(self, total, helds, dtype):
        """Covariance mode: every fold's path from ``total - held``, scored on the held-out statistics."""
        ratios = self._l1_ratios()
        whole, x_offset_all, y_offset_all = gram_problems(total, self.fit_intercept)
        grids = self._grids(whole[0])
        seed = selection_seed(self.selection, self.random_state)
        mse = np.empty((len(ratios), len(grids[0]), len(helds)))
        for f, held in enumerate(helds):
            problems, x_offset, y_offset = gram_problems(total - held, self.fit_intercept)
            for r, (ratio, alphas) in enumerate(zip(ratios, grids)):
                coefs, _, _ = solve_path(problems[0], alphas, float(ratio), positive=bool(self.positive),
                                         max_iter=self.max_iter, tol=float(self.tol), seed=seed)
                mse[r, :, f] = held_out_sse(held, coefs, x_offset, y_offset, target=0) / held.sum_weights
        return self._select_and_refit(mse, grids, whole, x_offset_all, y_offset_all, dtype)

    def _select_and_refit(self, mse, grids, whole, x_offset_all, y_offset_all, dtype):
        ratios = self._l1_ratios()
        mean = mse.mean(axis=2)
        best_ratio, best_alpha, best = 0, 0, np.inf
        for r in range(len(ratios)):
            k = int(np.argmin(mean[r]))
            if mean[r, k] < best:
                best_ratio, best_alpha, best = r, k, mean[r, k]
        self.l1_ratio_ = float(ratios[best_ratio])
        self.alpha_ = float(grids[best_ratio][best_alpha])
        # as scikit-learn: one row per l1_ratio for generated grids, the given grid once otherwise
        self.alphas_ = np.asarray(grids)[0] if len(ratios) == 1 or not generates_grid(self.alphas) else np.asarray(grids)
        self.mse_path_ = np.squeeze(mse) if len(ratios) == 1 else mse
        refit = ElasticNet(alpha=self.alpha_, l1_ratio=self.l1_ratio_, fit_intercept=self.fit_intercept,
                           precompute=self.precompute, max_iter=self.max_iter, tol=self.tol, positive=self.positive,
                           selection=self.selection, random_state=self.random_state)
        refit._solve_problems(whole, x_offset_all, y_offset_all, dtype, y_is_1d=True)  # no second pass over X
        self.coef_ = refit.coef_
        self.intercept_ = refit.intercept_
        self.dual_gap_ = refit.dual_gap_
        self.n_iter_ = refit.n_iter_
        return self


class LassoCV(ElasticNetCV):
    """Lasso with α chosen by cross-validation: :class:`ElasticNetCV` with ``l1_ratio=1``.

    Parameters
    ----------
    {parameters}
    """

    def __init__(self, *, eps=1e-3, alphas=100, fit_intercept=True, precompute="auto", max_iter=1000, tol=1e-4,
                 copy_X=True, cv=None, verbose=False, n_jobs=None, positive=False, random_state=None,
                 selection="cyclic"):
        super().__init__(l1_ratio=1.0, eps=eps, alphas=alphas, fit_intercept=fit_intercept, precompute=precompute,
                         max_iter=max_iter, tol=tol, cv=cv, copy_X=copy_X, verbose=verbose, n_jobs=n_jobs,
                         positive=positive, random_state=random_state, selection=selection)


with_parameters(LassoCV, ElasticNetCV)
