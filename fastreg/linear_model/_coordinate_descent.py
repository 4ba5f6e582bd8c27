"""Lasso and elastic net by coordinate descent, and their regularisation paths."""

import numbers

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array

from .._solvers.coordinate_descent import (DEFAULT_N_ALPHAS, alpha_grid, data_problems, given_gram_problems,
                                          gram_problems, solve_path, warn_not_converged)
from .._docstrings import with_parameters
from .._solvers.sparse import is_sparse
from .._validation import check_alpha_grid, check_finite, check_magnitudes
from .._solvers.statistics import sufficient_stats
from ..exceptions import warn_at_caller
from ._base import LinearModel, check_statistics

SELECTIONS = ("cyclic", "random")


def check_enet_params(*, alpha=None, l1_ratio=1.0, max_iter=1000, tol=1e-4, selection="cyclic", precompute="auto"):
    """``ValueError`` naming the first invalid hyperparameter."""
    if alpha is not None and not (isinstance(alpha, numbers.Real) and np.isfinite(alpha) and alpha >= 0):
        raise ValueError(f"alpha must be a non-negative number, got {alpha!r}.")
    ratios = np.atleast_1d(np.asarray(l1_ratio, dtype=float)) if not isinstance(l1_ratio, str) else None
    if ratios is None or ratios.size == 0 or np.any(~np.isfinite(ratios)) or np.any((ratios < 0) | (ratios > 1)):
        raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio!r}.")
    if not isinstance(max_iter, numbers.Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}.")
    if not (isinstance(tol, numbers.Real) and np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a non-negative number, got {tol!r}.")
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}.")
    if not (isinstance(precompute, (bool, np.bool_, np.ndarray)) or (isinstance(precompute, str) and precompute == "auto")):
        raise ValueError(f"precompute must be 'auto', True, False or a Gram matrix, got {precompute!r}.")


GRAM_AUTO_MAX_FEATURES = 8192  # "auto" never builds a Gram larger than 512 MB


def use_gram(precompute, X):
    """Gram (covariance) mode pays when a coordinate update costs more from the data than from the Gram.

    An update costs a column's non-zeros from the data and p from the Gram: dense X
    goes to the Gram when n > p, sparse X only when its non-zeros outnumber p²
    (scikit-learn never precomputes for sparse X). The p×p matrix stays moderate.
    """
    if isinstance(precompute, np.ndarray):
        return True
    if precompute == "auto":
        n_samples, n_features = X.shape
        per_column = X.nnz / n_features if is_sparse(X) else n_samples
        return n_features < per_column and n_features <= GRAM_AUTO_MAX_FEATURES
    return bool(precompute)


def generates_grid(alphas):
    """Whether ``alphas`` asks for a generated grid (None or a count) rather than giving the values."""
    return alphas is None or isinstance(alphas, numbers.Integral)


def check_grid_for_ridge_limit(l1_ratios, alphas):
    """l1_ratio = 0 has an infinite α_max: a generated grid needs a positive ratio."""
    if np.any(np.asarray(l1_ratios) == 0) and generates_grid(alphas):
        raise ValueError("Automatic alpha grid generation is not supported for l1_ratio=0. Please supply a grid "
                         "by providing your estimator with the appropriate `alphas=` argument (α_max is infinite "
                         "there).")


def selection_seed(selection, random_state):
    """-1 for cyclic sweeps; a seed for the kernel's generator otherwise."""
    return -1 if selection == "cyclic" else int(check_random_state(random_state).randint(0, 2**31 - 1))


class ElasticNet(LinearModel):
    """Linear regression with combined L1 and L2 penalties, by coordinate descent.

    Minimises, as scikit-learn's ``ElasticNet``::

        (1 / (2 n_samples)) ‖y - Xw - b‖² + α·ρ‖w‖₁ + ½·α·(1 - ρ)‖w‖²

    with ``ρ = l1_ratio``. Stops on the duality gap with scikit-learn's
    semantics (gap ≤ ``tol``·‖y - ȳ‖²/n after the coefficient-change test), so
    equal ``tol`` means equal certified accuracy. With ``precompute`` (default
    "auto": when n_samples > n_features) the descent runs on the one-pass
    statistics; otherwise on Fortran-ordered X with residual updates. Both use
    working sets, so work scales with the active features.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularisation strength, non-negative, in scikit-learn's units.
    l1_ratio : float in [0, 1], default=0.5
        Mix of the L1 and L2 penalties, in [0, 1]: 1 is the Lasso, 0 a pure L2 penalty.
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False, X and y are used uncentred.
    precompute : "auto", bool or ndarray of shape (n_features, n_features), default="auto"
        ``"auto"``: Gram mode where a coordinate update costs less on the Gram
        (dense X with n_samples > n_features, sparse X whose columns hold more
        than n_features non-zeros; up to 8,192 features), residual mode on
        Fortran X or CSC columns otherwise (scikit-learn's default is False;
        both modes give the same solution). An array is the Gram of the
        centred X, used as given (checked on one entry; recomputed with a
        warning if X is not centred), as in scikit-learn.
    max_iter : int, default=1000
        Epochs over the working set.
    copy_X : bool, default=True
        Accepted for scikit-learn compatibility: fastreg never writes into X.
    tol : float, default=1e-4
        Stopping tolerance, with scikit-learn's meaning for the counterpart.
    warm_start : bool, default=False
        Start from the previous ``coef_``.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState or None, default=None
        Seeds ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
        "cyclic" visits features in order, "random" in a random order each epoch.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int or list of int
    dual_gap_ : float or ndarray of shape (n_targets,)
    n_features_in_ : int
    """

    _accepts_sparse = True  # CSC columns in residual mode, or the Gram from sparse statistics

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, precompute="auto", max_iter=1000,
                 copy_X=True, tol=1e-4, warm_start=False, positive=False, random_state=None, selection="cyclic"):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.selection = selection
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None, check_input=True):
        """Fit by coordinate descent (one problem per target).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples, one row per sample.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values, one column per target when 2-D.
        sample_weight : array-like of shape (n_samples,), default=None
            Rescaled internally to sum to n_samples, as in scikit-learn.
        check_input : bool, default=True
            Accepted for scikit-learn compatibility; fastreg always validates
            (the checks cost little next to the fit).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        check_enet_params(alpha=self.alpha, l1_ratio=self.l1_ratio, max_iter=self.max_iter, tol=self.tol,
                          selection=self.selection, precompute=self.precompute)
        if self.alpha == 0:
            warn_at_caller("With alpha=0, this algorithm does not converge well. You are advised to use the "
                           "LinearRegression estimator (fastreg's solves the same problem exactly).", UserWarning)
        previous = getattr(self, "coef_", None) if self.warm_start else None
        X, Y, weights, y_is_1d = self._validate_training_data(X, y, sample_weight, reset=True)
        given = None
        if isinstance(self.precompute, np.ndarray):
            check_finite(X, "X")
            given = given_gram_problems(X, Y, weights, self.fit_intercept, self.precompute)
        if given is not None:
            problems, x_offset, y_offset = given
        elif use_gram(self.precompute, X):
            problems, x_offset, y_offset = gram_problems(self._statistics(X, Y, weights), self.fit_intercept)
        else:
            check_finite(X, "X")  # y was checked at the boundary
            problems, x_offset, y_offset = data_problems(X, Y, weights, self.fit_intercept)
            check_magnitudes(np.maximum(np.abs(x_offset), problems[0].norms / np.sqrt(X.shape[0])))
        return self._solve_problems(problems, x_offset, y_offset, X.dtype, y_is_1d, previous)

    def fit_stats(self, stats, *, y_is_1d=True, dtype=np.float64):
        """Covariance-mode coordinate descent from sufficient statistics alone (data read chunk by chunk).

        Equals ``fit`` with ``precompute=True`` on the rows behind ``stats``.

        Parameters
        ----------
        stats : SufficientStats
            Sufficient statistics of the training rows.
        y_is_1d : bool, default=True
            Whether y was 1-D (shapes ``coef_`` and ``intercept_`` as scikit-learn does).
        dtype : float32 or float64, default=float64
            Floating-point type of the coefficients.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        check_enet_params(alpha=self.alpha, l1_ratio=self.l1_ratio, max_iter=self.max_iter, tol=self.tol,
                          selection=self.selection, precompute=self.precompute)
        check_statistics(stats)
        previous = getattr(self, "coef_", None) if self.warm_start else None
        self.n_features_in_ = stats.n_features
        problems, x_offset, y_offset = gram_problems(stats, self.fit_intercept)
        return self._solve_problems(problems, x_offset, y_offset, np.dtype(dtype),
                                    bool(y_is_1d) and stats.n_targets == 1, previous)

    @property
    def sparse_coef_(self):
        """``coef_`` as a scipy CSR matrix, as scikit-learn's."""
        from scipy import sparse

        return sparse.csr_matrix(np.atleast_2d(self.coef_))

    def _solve_problems(self, problems, x_offset, y_offset, dtype, y_is_1d, previous=None):
        """Solve one prepared problem per target and store the fitted attributes."""
        p, n_targets = problems[0].n_features, len(problems)
        coef = np.zeros((p, n_targets))
        if previous is not None and np.size(previous) == p * n_targets:
            coef[:] = np.reshape(previous, (n_targets, p)).T
        gaps = np.empty(n_targets)
        n_iter = []
        seed = selection_seed(self.selection, self.random_state)
        for t, problem in enumerate(problems):
            w = np.ascontiguousarray(coef[:, t])
            gaps[t], iterations, converged = problem.solve(
                float(self.alpha), float(self.l1_ratio), w, np.zeros(p, dtype=bool), np.empty(p),
                positive=bool(self.positive), max_iter=self.max_iter, tol=float(self.tol), seed=seed)
            if not converged:
                warn_not_converged(self.alpha, gaps[t], self.tol * problem.y_norm_squared() / problem.n, self.max_iter)
            coef[:, t] = w
            n_iter.append(int(iterations))
        if not np.isfinite(coef).all():
            raise ValueError("Coordinate descent produced non-finite coefficients: the data are too badly "
                             "scaled for float64; standardise X and y first.")
        self._set_solution(coef, x_offset, y_offset, dtype, y_is_1d)
        self.dual_gap_ = gaps[0] if y_is_1d else gaps
        self.n_iter_ = n_iter[0] if y_is_1d else n_iter
        return self


class Lasso(ElasticNet):
    """Linear regression with an L1 penalty, by coordinate descent.

    Minimises ``(1 / (2 n_samples)) ‖y - Xw - b‖² + α‖w‖₁`` — :class:`ElasticNet`
    with ``l1_ratio=1``; see it for the attributes.

    Parameters
    ----------
    {parameters}
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute="auto", copy_X=True, max_iter=1000, tol=1e-4,
                 warm_start=False, positive=False, random_state=None, selection="cyclic"):
        super().__init__(alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept, precompute=precompute,
                         max_iter=max_iter, copy_X=copy_X, tol=tol, warm_start=warm_start, positive=positive,
                         selection=selection, random_state=random_state)


with_parameters(Lasso, ElasticNet)


def resolve_alphas(alphas, problem, l1_ratio, eps, positive):
    """None/int → a grid from α_max down; an array → sorted in decreasing order."""
    if generates_grid(alphas):
        n_alphas = DEFAULT_N_ALPHAS if alphas is None else int(alphas)
        if n_alphas < 1:
            raise ValueError(f"alphas as a count must be >= 1, got {alphas!r}.")
        if not (isinstance(eps, numbers.Real) and 0 < eps <= 1):
            raise ValueError(f"eps must be in (0, 1], got {eps!r}.")
        return alpha_grid(problem, l1_ratio, eps, n_alphas, positive)
    return np.sort(check_alpha_grid(alphas, strictly_positive=False))[::-1]


def enet_path(X, y, *, l1_ratio=0.5, eps=1e-3, n_alphas=None, alphas=None, precompute="auto", Xy=None, copy_X=True,
              coef_init=None, verbose=False, return_n_iter=False, positive=False, check_input=True, max_iter=1000,
              tol=1e-4, selection="cyclic", random_state=None, **params):
    """Elastic-net solutions along a decreasing sequence of α, warm-started.

    Like scikit-learn's ``enet_path``, the data are used as given (no
    intercept: centre X and y first, as the estimators do), and each solution
    meets the duality-gap tolerance ``tol``. Along the path, the sequential
    strong rule picks each α's starting working set.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Input samples, one row per sample.
    y : array-like of shape (n_samples,)
        One target: scikit-learn's multi-task objective for 2-D y is not
        implemented (``NotImplementedError``).
    l1_ratio : float in (0, 1], default=0.5
        Mix of the L1 and L2 penalties, in [0, 1]: 1 is the Lasso, 0 a pure L2 penalty.
    eps : float, default=1e-3
        ``α_min / α_max`` of the generated grid.
    n_alphas : int, optional
        The grid's length when ``alphas`` is None (scikit-learn's deprecated spelling).
    alphas : None, int or array-like, default=None
        None: 100 values from α_max (or ``n_alphas``); an int: that many; an array: these values.
    precompute : "auto", bool or ndarray of shape (n_features, n_features), default="auto"
        Gram mode when True (auto: n_samples > n_features); an array is XᵀX, used as given.
    Xy : ndarray of shape (n_features,), optional
        Xᵀy, used with a given Gram.
    copy_X : bool, default=True
        Accepted for scikit-learn compatibility: X is never written.
    coef_init : array-like of shape (n_features,), optional
        Starting coefficients for the first penalty; zeros when None.
    verbose : bool, default=False
        Accepted for scikit-learn compatibility: nothing is printed.
    return_n_iter : bool, default=False
        Also return the number of epochs at each penalty.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    check_input : bool, default=True
        Accepted for scikit-learn compatibility: the input is always checked.
    max_iter : int, default=1000
        Epochs over the working set, per α.
    tol : float, default=1e-4
        Duality-gap tolerance, relative to ‖y‖²/n as in scikit-learn.
    selection : {"cyclic", "random"}, default="cyclic"
        "cyclic" visits features in order, "random" in a random order each epoch.
    random_state : int, RandomState or None, default=None
        Seeds ``selection="random"``.
    **params : dict
        Must be empty: scikit-learn forwards solver options here; an unknown one is an error.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The penalties, in decreasing order.
    coefs : ndarray of shape (n_features, n_alphas)
        The solution at each penalty.
    dual_gaps : ndarray of shape (n_alphas,)
        The duality gap reached at each penalty.
    n_iters : ndarray of shape (n_alphas,)
        Epochs at each penalty (returned only with ``return_n_iter=True``).
    """
    if params:
        raise ValueError(f"Unexpected parameters in params: {sorted(params)}; the path takes max_iter, tol, "
                         "selection and random_state besides its own.")
    check_enet_params(l1_ratio=l1_ratio, max_iter=max_iter, tol=tol, selection=selection, precompute=precompute)
    if alphas is None and n_alphas is not None:
        alphas = int(n_alphas)
    check_grid_for_ridge_limit(l1_ratio, alphas)
    X = check_array(X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32])
    y = np.asarray(y)
    if y.ndim != 1:
        raise NotImplementedError(
            f"y must be 1-D for a path, got shape {y.shape}: scikit-learn switches to the multi-task objective "
            "(MultiTaskElasticNet) for 2-D y, which fastreg does not implement; loop over targets instead.")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but y has {y.shape[0]}.")
    check_finite(X, "X")
    check_finite(y, "y")
    Y = y.reshape(-1, 1).astype(np.float64)
    if isinstance(precompute, np.ndarray):
        problems, _, _ = given_gram_problems(X, Y, None, False, precompute, xy=Xy)
    elif use_gram(precompute, X):
        problems, _, _ = gram_problems(sufficient_stats(X, Y), fit_intercept=False)
    else:
        problems, _, _ = data_problems(X, Y, None, fit_intercept=False)
    problem = problems[0]
    alphas = resolve_alphas(alphas, problem, l1_ratio, eps, positive)
    coefs, gaps, n_iters = solve_path(problem, alphas, float(l1_ratio), positive=bool(positive), max_iter=max_iter,
                                      tol=float(tol), seed=selection_seed(selection, random_state),
                                      coef_init=coef_init)
    coefs = coefs.astype(X.dtype, copy=False)
    return (alphas, coefs, gaps, n_iters) if return_n_iter else (alphas, coefs, gaps)


def lasso_path(X, y, *, eps=1e-3, n_alphas=None, alphas=None, precompute="auto", Xy=None, copy_X=True, coef_init=None,
               verbose=False, return_n_iter=False, positive=False, max_iter=1000, tol=1e-4, selection="cyclic",
               random_state=None, **params):
    """Lasso solutions along a decreasing sequence of α: :func:`enet_path` with ``l1_ratio=1``.

    Parameters
    ----------
    {parameters}

    Returns
    -------
    alphas, coefs, dual_gaps : ndarray
        As :func:`enet_path` returns them (and ``n_iters`` with ``return_n_iter=True``).
    """
    return enet_path(X, y, l1_ratio=1.0, eps=eps, n_alphas=n_alphas, alphas=alphas, precompute=precompute, Xy=Xy,
                     copy_X=copy_X, coef_init=coef_init, verbose=verbose, return_n_iter=return_n_iter,
                     positive=positive, max_iter=max_iter, tol=tol, selection=selection, random_state=random_state,
                     **params)


with_parameters(lasso_path, enet_path)
