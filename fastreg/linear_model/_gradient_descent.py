"""Gradient descent on the mean squared error, exact against the closed form."""

import numbers
from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state

from .._solvers.gradient_descent import Problem, run_gradient_descent, run_learning_rates
from .._validation import check_finite
from ._base import LinearModel

MODES = ("auto", "gram", "data")


class GradientDescentRegressor(LinearModel):
    """Linear regression by (mini-batch, momentum) gradient descent.

    Minimises ``J(θ) = (1/n) Σᵢ (ŷᵢ - yᵢ)² + α‖w‖²`` (weighted mean with
    ``sample_weight``) from θ = 0, so its minimiser is ``Ridge(alpha=α·n)``.
    The intercept is parametrised about the feature means, which leaves the
    loss unchanged but decouples the intercept's curvature from the features.

    Parameters
    ----------
    learning_rate : "auto" or float, default="auto"
        Step size η. ``"auto"`` uses 1/L, with L the largest eigenvalue of the
        loss Hessian (power iteration on the statistics): the loss then never
        increases. Rates above 2/L diverge.
    max_iter : int, default=1000
        Iterations (full batch) or epochs (mini-batch).
    tol : float, default=1e-6
        Stop when the relative step ``‖θₖ - θₖ₋₁‖ / ‖θₖ‖`` (per epoch for
        mini-batches) falls to ``tol``; 0 runs exactly ``max_iter`` iterations
        (no ``ConvergenceWarning``).
    batch_size : int or None, default=None
        None for full batch; an integer for shuffled mini-batch epochs.
    momentum : float in [0, 1), default=0.0
        Heavy-ball momentum.
    nesterov : bool, default=False
        Evaluate the gradient at the look-ahead point (needs momentum > 0).
    alpha : float, default=0.0
        L2 penalty on the coefficients (not the intercept).
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False, X and y are used uncentred.
    mode : {"auto", "gram", "data"}, default="auto"
        ``"gram"`` iterates on the (n_features × n_features) statistics with the
        whole loop compiled; ``"data"`` makes one fused pass over X per
        iteration (residual, gradient and loss from one read). ``"auto"``
        chooses ``"gram"`` unless n_features > n_samples; mini-batches use data.
    random_state : int, RandomState or None, default=None
        Seeds the mini-batch shuffles.
    verbose : int, default=0
        Print the loss about ten times during the run.
    callback : callable or None, default=None
        ``callback(iteration, loss, coef)`` after every iteration (runs the
        compiled loop one step at a time).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_iter_ : int
    loss_curve_ : ndarray of shape ``(n_iter_,)``
        J after each iteration (or epoch); the last value is the loss of the
        returned model.
    converged_ : bool
    learning_rate_ : float
        The rate used.
    lipschitz_ : float
        L; the largest stable full-batch rate is 2/L.
    n_features_in_ : int
    """

    _multi_output = False

    def __init__(self, *, learning_rate="auto", max_iter=1000, tol=1e-6, batch_size=None,
                 momentum=0.0, nesterov=False, alpha=0.0, fit_intercept=True, mode="auto",
                 random_state=None, verbose=0, callback=None):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.batch_size = batch_size
        self.momentum = momentum
        self.nesterov = nesterov
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.mode = mode
        self.random_state = random_state
        self.verbose = verbose
        self.callback = callback

    def _check_params(self):
        rate = self.learning_rate
        if not (rate == "auto" or (isinstance(rate, numbers.Real) and np.isfinite(rate) and rate > 0)):
            raise ValueError(f"learning_rate must be 'auto' or a positive number, got {rate!r}.")
        if not isinstance(self.max_iter, numbers.Integral) or self.max_iter < 1:
            raise ValueError(f"max_iter must be a positive integer, got {self.max_iter!r}.")
        if not (isinstance(self.tol, numbers.Real) and self.tol >= 0):
            raise ValueError(f"tol must be a non-negative number, got {self.tol!r}.")
        if self.batch_size is not None and (not isinstance(self.batch_size, numbers.Integral) or self.batch_size < 1):
            raise ValueError(f"batch_size must be None or an integer >= 1, got {self.batch_size!r}.")
        if not (isinstance(self.momentum, numbers.Real) and 0 <= self.momentum < 1):
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum!r}.")
        if not (isinstance(self.alpha, numbers.Real) and np.isfinite(self.alpha) and self.alpha >= 0):
            raise ValueError(f"alpha must be a non-negative number, got {self.alpha!r}.")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}.")
        if self.mode == "gram" and self.batch_size is not None:
            raise ValueError("mode='gram' is full batch; mini-batches (batch_size) need mode='data' or 'auto'.")

    def fit(self, X, y, sample_weight=None):
        """Run gradient descent from θ = 0.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples, one row per sample.
        y : array-like of shape (n_samples,)
            Target values, one column per target when 2-D.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; None weighs every sample 1.

        Returns
        -------
        self : object
            The fitted estimator.

        Raises
        ------
        DivergenceError
            If the loss rises (full batch) or exceeds its starting value
            (momentum, mini-batch), or becomes non-finite.
        """
        self._check_params()
        X, Y, weights, _ = self._validate_training_data(X, y, sample_weight, reset=True)
        mode = self.mode
        if mode == "auto":
            mode = "data" if self.batch_size is not None or X.shape[1] > X.shape[0] else "gram"
        y64 = np.ascontiguousarray(Y[:, 0], dtype=np.float64)
        if mode == "data" and self.batch_size is None and X.shape[1] > X.shape[0]:
            # p×p statistics would not pay (nor might they fit): the iterations need only X
            check_finite(X, "X")
            problem = Problem.from_data(X, y64, weights, self.alpha, self.fit_intercept)
        else:
            problem = Problem.from_stats(self._statistics(X, Y, weights), self.alpha, self.fit_intercept)
        theta, losses, converged, rate, L = run_gradient_descent(
            problem, X, y64, weights, learning_rate=self.learning_rate, max_iter=self.max_iter,
            tol=self.tol, mode=mode, batch_size=self.batch_size, momentum=float(self.momentum),
            nesterov=bool(self.nesterov), rng=check_random_state(self.random_state),
            verbose=self.verbose, callback=self.callback)
        return self._store(problem, theta, losses, converged, rate, L, X.dtype)

    def fit_stats(self, stats, *, dtype=np.float64):
        """Full-batch gradient descent in Gram mode from sufficient statistics alone (one target).

        Equals ``fit`` with ``mode="gram"`` on the rows behind ``stats``.

        Parameters
        ----------
        stats : SufficientStats
            Sufficient statistics of the training rows.
        dtype : float32 or float64, default=float64
            Floating-point type of the coefficients.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._check_params()
        if self.mode == "data" or self.batch_size is not None:
            raise ValueError("fit_stats runs in Gram mode: mode='data' and mini-batches need the rows.")
        if stats.n_targets != 1 or not stats.is_finite():
            raise ValueError("fit_stats needs finite statistics of one target.")
        self.n_features_in_ = stats.n_features
        problem = Problem.from_stats(stats, self.alpha, self.fit_intercept)
        theta, losses, converged, rate, L = run_gradient_descent(
            problem, None, None, None, learning_rate=self.learning_rate, max_iter=self.max_iter, tol=self.tol,
            mode="gram", batch_size=None, momentum=float(self.momentum), nesterov=bool(self.nesterov),
            rng=check_random_state(self.random_state), verbose=self.verbose, callback=self.callback)
        return self._store(problem, theta, losses, converged, rate, L, np.dtype(dtype))

    def _store(self, problem, theta, losses, converged, rate, L, dtype):
        coef, intercept = problem.coef_intercept(theta)
        self.coef_ = coef.astype(dtype)
        self.intercept_ = dtype.type(intercept)
        self.n_iter_ = len(losses)
        self.loss_curve_ = losses
        self.converged_ = converged
        self.learning_rate_ = rate
        self.lipschitz_ = L
        return self


@dataclass
class GradientDescentPath:
    """Result of :func:`gradient_descent_batched`, one row per learning rate.

    Parameters
    ----------
    learning_rates : ndarray of shape (n_rates,)
        The step sizes run.
    coefs : ndarray of shape (n_rates, n_features)
        Final coefficients of each run.
    intercepts : ndarray of shape (n_rates,)
        Final intercept of each run.
    loss_curves : ndarray of shape (n_rates, max_iter)
        J after each iteration; NaN after a run stopped (diverged or converged).
    n_iter : ndarray of shape (n_rates,)
        Iterations each run took.
    diverged : ndarray of shape (n_rates,), bool
        Whether each run diverged (its loss grew without bound).
    max_stable_rate : float
        2/L: full-batch rates above it diverge.
    """

    learning_rates: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    loss_curves: np.ndarray
    n_iter: np.ndarray
    diverged: np.ndarray
    max_stable_rate: float


def gradient_descent_batched(X, y, *, learning_rates, max_iter=1000, tol=0.0, alpha=0.0,
                             momentum=0.0, nesterov=False, fit_intercept=True):
    """Full-batch gradient descent for many learning rates at once.

    The statistics of ``(X, y)`` are computed once; each rate then runs its
    own compiled loop on them, in parallel over rates. Diverging rates are not
    an error here — they are the point of the picture: they are marked in
    ``diverged`` and their curves stop.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Input samples, one row per sample.
    y : array-like of shape (n_samples,)
        Target values (one target).
    learning_rates : array-like of shape (n_rates,)
        Step sizes to run, one descent each.
    max_iter : int, default=1000
        Iterations per rate (each curve's length).
    tol : float, default=0.0
        Relative-step tolerance; 0 runs every rate for ``max_iter`` iterations.
    alpha : float, default=0.0
        L2 penalty on the coefficients (not the intercept).
    momentum : float in [0, 1), default=0.0
        Heavy-ball momentum.
    nesterov : bool, default=False
        Evaluate the gradient at the look-ahead point (needs momentum > 0).
    fit_intercept : bool, default=True
        Whether to fit an intercept; if False, X and y are used uncentred.

    Returns
    -------
    path : GradientDescentPath
        Coefficients, loss curves and divergence flags, one row per rate.
    """
    rates = np.asarray(learning_rates, dtype=np.float64).ravel()
    if rates.size == 0 or not np.all(np.isfinite(rates)) or np.any(rates <= 0):
        raise ValueError(f"learning_rates must be non-empty, finite and positive, got {learning_rates!r}.")
    params = GradientDescentRegressor(max_iter=max_iter, tol=tol, alpha=alpha, momentum=momentum,
                                      nesterov=nesterov, fit_intercept=fit_intercept)
    params._check_params()
    X, Y, _, _ = params._validate_training_data(X, y, None, reset=True)
    problem = Problem.from_stats(params._statistics(X, Y, None), alpha, fit_intercept)
    thetas, losses, n_iter, diverged = run_learning_rates(
        problem, rates, max_iter=max_iter, momentum=momentum, nesterov=nesterov, tol=tol)
    pairs = [problem.coef_intercept(theta) for theta in thetas]
    return GradientDescentPath(
        learning_rates=rates,
        coefs=np.array([c for c, _ in pairs]),
        intercepts=np.array([b for _, b in pairs]),
        loss_curves=losses,
        n_iter=n_iter,
        diverged=diverged,
        max_stable_rate=2.0 / problem.lipschitz(),
    )
