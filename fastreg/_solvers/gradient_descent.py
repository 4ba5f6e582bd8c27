"""Driver: set up, run and police gradient descent on the kernels of :mod:`fastreg._kernels.gd`."""

from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._kernels import gd
from .._kernels.jit import n_threads
from ..exceptions import DivergenceError, warn_at_caller
from .dual import weighted_column_means

POWER_ITERATIONS = 500


@dataclass
class Problem:
    """The least-squares problem in the centred parametrisation, from statistics."""

    A: np.ndarray  # (p, p) Gram, centred when fitting an intercept; None for data-only problems
    B: np.ndarray  # (p,); None for data-only problems
    yy: float
    y_mean: float  # 0 without intercept
    mean_x: np.ndarray  # (p,), zeros without intercept
    sum_w: float
    alpha: float
    fit_intercept: bool
    X: np.ndarray = None  # data-only problems: the Hessian is applied through X
    w: np.ndarray = None

    @classmethod
    def from_stats(cls, stats, alpha, fit_intercept):
        A, B, yy, x_offset, y_offset = stats.normal_equations(fit_intercept)
        return cls(np.ascontiguousarray(A), np.ascontiguousarray(B[:, 0]), float(yy[0, 0]),
                   float(y_offset[0]), np.ascontiguousarray(x_offset), float(stats.sum_weights),
                   float(alpha), bool(fit_intercept))

    @classmethod
    def from_data(cls, X, y, weights, alpha, fit_intercept):
        """The problem without its p×p statistics, for data-mode iterations on wide X."""
        w = np.ones(X.shape[0]) if weights is None else weights
        sum_w = float(w.sum())
        mean_x = weighted_column_means(X, weights) if fit_intercept else np.zeros(X.shape[1])
        y_mean = float(w @ y) / sum_w if fit_intercept else 0.0
        yy = float(w @ (y - y_mean) ** 2)
        return cls(None, None, yy, y_mean, np.ascontiguousarray(mean_x, dtype=np.float64), sum_w,
                   float(alpha), bool(fit_intercept), X=X, w=weights)

    def _gram_times(self, v):
        """(X - x̄)ᵀ W (X - x̄) v, from the statistics or, data-only, by two passes over X.

        The data-only products run in X's dtype, so float32 X is never copied to float64.
        """
        if self.A is not None:
            return self.A @ v
        dtype = self.X.dtype
        centred = self.X @ v.astype(dtype) - dtype.type(self.mean_x @ v)
        weighted = centred if self.w is None else centred * self.w.astype(dtype)
        return (self.X.T @ weighted).astype(np.float64) - self.mean_x * float(weighted.sum())

    @property
    def initial_loss(self):
        """J(θ = 0): predicting zero everywhere."""
        return self.yy / self.sum_w + self.y_mean**2

    def lipschitz(self):
        """Largest eigenvalue of the loss Hessian, by power iteration on the Gram."""
        p = self.mean_x.shape[0]
        v = np.random.default_rng(0).standard_normal(p)
        v /= np.linalg.norm(v)
        top = 0.0
        for _ in range(POWER_ITERATIONS):
            Av = self._gram_times(v)
            estimate = float(v @ Av)
            norm = np.linalg.norm(Av)
            if norm == 0.0:
                break
            v = Av / norm
            if abs(estimate - top) <= 1e-10 * abs(estimate):
                top = estimate
                break
            top = estimate
        hessian_top = 2.0 * max(top, 0.0) / self.sum_w + 2.0 * self.alpha
        return max(hessian_top, 2.0 if self.fit_intercept else 0.0, 1e-300)

    def coef_intercept(self, theta):
        w = theta[:-1].copy()
        intercept = theta[-1] - self.mean_x @ w if self.fit_intercept else 0.0
        return w, float(intercept)


def run_gradient_descent(problem, X, y, weights, *, learning_rate, max_iter, tol, mode,
                         batch_size, momentum, nesterov, rng, verbose, callback):
    """Run the iterations; return ``(theta, losses, converged, learning_rate, L)``.

    Raises :class:`DivergenceError` on divergence; warns ``ConvergenceWarning``
    when ``max_iter`` is reached before a positive ``tol``.
    """
    L = problem.lipschitz()
    rate = 1.0 / L if learning_rate == "auto" else float(learning_rate)
    p = problem.mean_x.shape[0]
    theta = np.zeros(p + 1)
    velocity = np.zeros(p + 1)
    losses = np.empty(max_iter)
    initial = previous = problem.initial_loss
    strict = momentum == 0.0 and batch_size is None
    # a callback sees every step; verbose prints about ten times; otherwise one kernel call
    chunk = 1 if callback is not None else (max(1, max_iter // 10) if verbose else max_iter)
    w_arr = np.empty(0) if weights is None else weights
    done = 0
    status = gd.RUNNING
    change = np.inf
    while done < max_iter and status == gd.RUNNING:
        out = losses[done:done + chunk]
        if batch_size is not None:
            permutations = np.stack([rng.permutation(X.shape[0]) for _ in range(len(out))])
            steps, status, change, previous = gd.minibatch_epochs(
                X, y, w_arr, problem.mean_x, problem.A, problem.B, problem.yy, problem.y_mean,
                problem.sum_w, problem.alpha, problem.fit_intercept, rate, momentum, nesterov,
                tol, initial, previous, permutations, batch_size, theta, velocity, out)
        elif mode == "data":
            steps, status, change, previous = gd.data_steps(
                X, y, w_arr, problem.mean_x, problem.alpha, problem.fit_intercept, rate, momentum,
                nesterov, tol, initial, previous, strict, n_threads(), theta, velocity, out)
        else:
            steps, status, change, previous = gd.gram_steps(
                problem.A, problem.B, problem.yy, problem.y_mean, problem.sum_w, problem.alpha,
                problem.fit_intercept, rate, momentum, nesterov, tol, initial, previous, strict,
                theta, velocity, out)
        done += steps
        if callback is not None:
            callback(done, float(previous), problem.coef_intercept(theta)[0])
        if verbose:
            print(f"iteration {done:>7}/{max_iter}  loss {previous:.6e}  relative change {change:.2e}")
    losses = losses[:done]
    if status == gd.DIVERGED:
        raise DivergenceError(
            f"Gradient descent diverged at iteration {done} with learning rate {rate:.4g} "
            f"(loss {losses[-1]:.4g} from {initial:.4g}). The largest stable rate for these data "
            f"is 2/L = {2.0 / L:.4g} (L = {L:.4g}); use learning_rate='auto' (1/L)."
        )
    if status != gd.CONVERGED and tol > 0:  # tol=0 asks for max_iter iterations
        warn_at_caller(
            f"Gradient descent stopped at max_iter={max_iter} before reaching tol={tol:g}: "
            f"last relative change {change:.3e}. Increase max_iter or the learning rate "
            f"(largest stable 2/L = {2.0 / L:.4g}).",
            ConvergenceWarning)
    return theta, losses, status == gd.CONVERGED, rate, L


def run_learning_rates(problem, rates, *, max_iter, momentum, nesterov, tol):
    """Gram-mode descent at many learning rates at once (one kernel, parallel over rates).

    Returns ``(thetas, losses, n_iter, diverged)``: thetas of shape
    (n_rates, n_features + 1), losses of shape (n_rates, max_iter).
    """
    p = problem.A.shape[0]
    thetas = np.zeros((rates.size, p + 1))
    losses = np.empty((rates.size, max_iter))
    n_iter = np.zeros(rates.size, dtype=np.int64)
    status = np.zeros(rates.size, dtype=np.int64)
    gd.gram_rates(problem.A, problem.B, problem.yy, problem.y_mean, problem.sum_w, problem.alpha,
                  problem.fit_intercept, rates, float(momentum), bool(nesterov), float(tol),
                  problem.initial_loss, thetas, losses, n_iter, status)
    return thetas, losses, n_iter, status == gd.DIVERGED
