"""Ordinary least squares and ridge regression from one pass of statistics."""

import numpy as np

from .._validation import check_alpha
from ._base import PenalisedLeastSquares

RIDGE_SOLVERS = ("auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga", "lbfgs")


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
    copy_X : bool, default=True
        Accepted for scikit-learn compatibility: fastreg never writes into X.
    tol : float, default=1e-6
        Accepted for scikit-learn compatibility (its sparse LSQR solver uses
        it); the exact Cholesky solve here needs no tolerance.
    n_jobs : int or None, default=None
        Accepted for scikit-learn compatibility; the statistics kernel uses
        numba's threads (``NUMBA_NUM_THREADS``).
    positive : bool, default=False
        Constrain the coefficients to be non-negative: non-negative least
        squares by an active-set method on the normal equations (the same
        optimum as ``scipy.optimize.nnls``). Solved from the
        (n_features × n_features) statistics, also when n_samples < n_features.
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

    _ravel_single_target = False  # as scikit-learn's LinearRegression: coef_ (1, n_features) for y (n, 1)
    _accepts_sparse = True

    def __init__(self, *, fit_intercept=True, copy_X=True, tol=1e-6, n_jobs=None, positive=False, intervals=False):
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.tol = tol
        self.n_jobs = n_jobs
        self.positive = positive
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
        Whether to fit an intercept; if False, X and y are used uncentred.
    copy_X : bool, default=True
        Accepted for scikit-learn compatibility: fastreg never writes into X.
    max_iter : int or None, default=None
        Accepted for scikit-learn compatibility (its iterative solvers use it);
        the exact solves here need none.
    tol : float, default=1e-4
        Accepted for scikit-learn compatibility, like ``max_iter``.
    solver : {"auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga", "lbfgs"}, default="auto"
        Accepted with scikit-learn's checks ("lbfgs" only with ``positive=True``,
        ``positive=True`` only with "auto" or "lbfgs"). Every choice gives the
        same exact answer, computed by Cholesky on the p×p statistics or on the
        n×n kernel, whichever is smaller (``form_``); ``solver_`` says "cholesky"
        ("nnls" with ``positive=True``).
    positive : bool, default=False
        Constrain the coefficients to be non-negative (active-set method on the
        normal equations, solved exactly rather than by L-BFGS-B).
    random_state : int, RandomState or None, default=None
        Accepted for scikit-learn compatibility, like ``max_iter``.
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

    _accepts_sparse = True

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=None, tol=1e-4, solver="auto",
                 positive=False, random_state=None, intervals=False):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state
        self.intervals = intervals

    def _penalty(self, n_targets):
        return check_alpha(self.alpha, n_targets)

    def _check_params(self, n_targets):
        if self.solver not in RIDGE_SOLVERS:
            raise ValueError(f"solver must be one of {RIDGE_SOLVERS}, got {self.solver!r}.")
        if self.solver == "lbfgs" and not self.positive:
            raise ValueError("'lbfgs' solver can be used only when positive=True. Please use another solver.")
        if self.positive and self.solver not in ("auto", "lbfgs"):
            raise ValueError(f"solver='{self.solver}' does not support positive fitting. Please set the solver "
                             "to 'auto' or 'lbfgs', or set `positive=False`")
        super()._check_params(n_targets)

    @property
    def solver_(self):
        """What solved the fit: "sparse_cg" (large sparse X), "nnls" (``positive=True``) or "cholesky"."""
        if self.form_ == "iterative":
            return "sparse_cg"
        return "nnls" if self.positive else "cholesky"

    @property
    def n_iter_(self):
        """Conjugate-gradient iterations; None after a direct solve, as scikit-learn's Cholesky."""
        return self._cg_iterations if self.form_ == "iterative" else None
