"""Driver: elastic-net problems in Gram or data mode, and warm-started paths.

Scaling follows scikit-learn exactly: sample weights are rescaled to sum to
``n_samples``; the kernels see ``l1 = α·ρ·n`` and ``l2 = α·(1-ρ)·n``; the
reported duality gap is divided by ``n``.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._kernels.cd import column_norms, enet_data, enet_gram, enet_sparse
from ..exceptions import warn_at_caller
from .dual import weighted_column_means
from .sparse import canonical, centred_column_norms, centred_transpose_product, column_means, is_sparse

DEFAULT_N_ALPHAS = 100


@dataclass
class EnetProblem:
    """One target of ``(1/2n)‖y - Xw‖² + αρ‖w‖₁ + ½α(1-ρ)‖w‖²``, data already centred."""

    n: float
    Q: np.ndarray = None  # Gram mode
    q: np.ndarray = None
    y_norm2: float = 0.0
    X: np.ndarray = None  # data mode (Fortran ndarray, or a canonical CSC matrix)
    y: np.ndarray = None
    s: np.ndarray = None
    mean_x: np.ndarray = None
    norms: np.ndarray = None

    @property
    def n_features(self):
        return self.Q.shape[0] if self.Q is not None else self.X.shape[1]

    def y_norm_squared(self):
        return self.y_norm2 if self.Q is not None else float(self.y @ self.y)

    def gradient_at_zero(self):
        """Xᵀy of the centred, weighted problem (for α_max)."""
        if self.Q is not None:
            return self.q
        weighted_y = self.y * self.s if self.s.shape[0] > 0 else self.y
        return np.asarray(self.X.T @ weighted_y) - self.mean_x * weighted_y.sum()  # (X - x̄)ᵀ v without the copy

    def alpha_max(self, l1_ratio, positive):
        grad = self.gradient_at_zero()
        top = max(0.0, grad.max()) if positive else np.abs(grad).max()
        return top / (self.n * l1_ratio)

    def solve(self, alpha, l1_ratio, w, in_ws, XtA, *, positive, max_iter, tol, seed):
        """Minimise from warm start ``w`` (in place); return ``(gap / n, n_iter, converged)``."""
        l1 = alpha * l1_ratio * self.n
        l2 = alpha * (1.0 - l1_ratio) * self.n
        shuffle = seed >= 0
        if self.Q is not None:
            gap, n_iter, converged = enet_gram(self.Q, self.q, self.y_norm2, l1, l2, positive, shuffle, seed,
                                               max_iter, tol, w, in_ws, XtA)
        elif is_sparse(self.X):
            gap, n_iter, converged = enet_sparse(self.X.indptr, self.X.indices, self.X.data, self.y, self.s,
                                                 self.mean_x, self.norms, l1, l2, positive, shuffle, seed, max_iter,
                                                 tol, w, in_ws, XtA)
        else:
            gap, n_iter, converged = enet_data(self.X, self.y, self.s, self.mean_x, self.norms, l1, l2, positive,
                                               shuffle, seed, max_iter, tol, w, in_ws, XtA)
        return gap / self.n, n_iter, converged


def gram_problems(stats, fit_intercept):
    """One :class:`EnetProblem` per target from sufficient statistics; and the offsets."""
    A, B, yy, x_offset, y_offset = stats.normal_equations(fit_intercept)
    factor = stats.n_samples / stats.sum_weights  # weights rescaled to sum to n
    Q = np.ascontiguousarray(A * factor)
    problems = [EnetProblem(n=float(stats.n_samples), Q=Q, q=np.ascontiguousarray(B[:, t] * factor),
                            y_norm2=float(yy[t, t] * factor)) for t in range(B.shape[1])]
    return problems, x_offset, y_offset


def given_gram_problems(X, Y, sample_weight, fit_intercept, gram, xy=None):
    """Gram-mode problems on the user's own Gram (``precompute=array``), in one O(n·p) pass: no p×p product.

    As scikit-learn: the Gram is of X centred and weighted with weights rescaled
    to sum to n. If X had to be centred, the given Gram is stale: ``None`` with
    a warning (the caller computes its own). Otherwise one entry is checked
    against X. ``xy`` (n_features,) is Xᵀy, for a single target without an
    intercept (the paths); by default it is computed.
    """
    n, n_features = X.shape
    if gram.shape != (n_features, n_features):
        raise ValueError(f"precompute must be a Gram matrix of shape ({n_features}, {n_features}), got {gram.shape}.")
    w = np.ones(n) if sample_weight is None else sample_weight * (n / sample_weight.sum())
    x_offset = weighted_column_means(X, w) if fit_intercept else np.zeros(n_features)
    if fit_intercept and not np.allclose(x_offset, 0.0):
        warn_at_caller("Gram matrix was provided but X was centered to fit intercept: recomputing Gram matrix.",
                       UserWarning)
        return None
    f1 = n_features // 2
    f2 = min(f1 + 1, n_features - 1)
    pair = X[:, [f1, f2]]
    pair = np.asarray(pair.todense() if is_sparse(pair) else pair, dtype=np.float64) - x_offset[[f1, f2]]
    expected = w @ (pair[:, 0] * pair[:, 1])
    rtol = 1e-4 if np.float32 in (gram.dtype, X.dtype) else 1e-7
    if not np.isclose(gram[f1, f2], expected, rtol=rtol, atol=1e-5):
        raise ValueError(f"Gram matrix passed in via 'precompute' parameter did not pass validation when a single "
                         f"element was checked: entry ({f1}, {f2}) is {gram[f1, f2]!r}, X gives {expected!r}.")
    y_offset = (w @ Y) / n if fit_intercept else np.zeros(Y.shape[1])
    weighted = w[:, None] * (Y - y_offset)
    q = centred_transpose_product(X, x_offset, weighted) if xy is None else np.reshape(xy, (n_features, 1))
    Q = np.ascontiguousarray(gram, dtype=np.float64)
    problems = [EnetProblem(n=float(n), Q=Q, q=np.ascontiguousarray(q[:, t], dtype=np.float64),
                            y_norm2=float(weighted[:, t] @ (Y[:, t] - y_offset[t]))) for t in range(Y.shape[1])]
    return problems, x_offset, y_offset


def data_problems(X, Y, sample_weight, fit_intercept):
    """One data-mode :class:`EnetProblem` per target (X as a Fortran array or a CSC matrix, never written)."""
    n = X.shape[0]
    if is_sparse(X):
        Xf = canonical(X, "csc")
        rescaled = np.ones(n) if sample_weight is None else sample_weight * (n / sample_weight.sum())
        s = np.empty(0) if sample_weight is None else np.sqrt(rescaled)
        mean_x = column_means(Xf, rescaled) if fit_intercept else np.zeros(X.shape[1])
        y_offset = np.average(Y, axis=0, weights=rescaled) if fit_intercept else np.zeros(Y.shape[1])
        norms = centred_column_norms(Xf, rescaled, mean_x)
    else:
        Xf = np.asfortranarray(X)
        if sample_weight is None:
            s = np.empty(0)
            mean_x = Xf.mean(axis=0, dtype=np.float64) if fit_intercept else np.zeros(X.shape[1])
            y_offset = Y.mean(axis=0) if fit_intercept else np.zeros(Y.shape[1])
        else:
            rescaled = sample_weight * (n / sample_weight.sum())
            s = np.sqrt(rescaled)
            mean_x = np.average(Xf, axis=0, weights=rescaled) if fit_intercept else np.zeros(X.shape[1])
            y_offset = np.average(Y, axis=0, weights=rescaled) if fit_intercept else np.zeros(Y.shape[1])
        norms = np.empty(X.shape[1])
        column_norms(Xf, mean_x, s, norms)
    problems = []
    for t in range(Y.shape[1]):
        y = (Y[:, t] - y_offset[t]).astype(np.float64)
        if s.shape[0]:
            y = y * s
        problems.append(EnetProblem(n=float(n), X=Xf, y=np.ascontiguousarray(y), s=s, mean_x=mean_x, norms=norms))
    with np.errstate(over="ignore"):
        overflow = not (np.isfinite(norms).all() and all(np.isfinite(p.y_norm_squared()) for p in problems))
    if overflow:
        raise ValueError(
            "The sums of squares overflowed although X and y are finite: values are too large "
            f"(max |X| = {np.abs(X).max():.3g}, max |y| = {np.abs(Y).max():.3g}); rescale the data.")
    return problems, mean_x, y_offset


def alpha_grid(problem, l1_ratio, eps, n_alphas, positive):
    """``n_alphas`` values from α_max (all coefficients zero) down to ``eps·α_max``."""
    top = problem.alpha_max(l1_ratio, positive)
    if top <= np.finfo(float).resolution:
        return np.full(n_alphas, np.finfo(float).resolution)
    return np.geomspace(top, top * eps, num=n_alphas)


def solve_path(problem, alphas, l1_ratio, *, positive, max_iter, tol, seed, coef_init=None):
    """Warm-started path over decreasing ``alphas`` with the sequential strong rule.

    Returns ``coefs`` (n_features, n_alphas), ``gaps`` and ``n_iters`` (n_alphas,).
    """
    p = problem.n_features
    w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)
    coefs = np.empty((p, len(alphas)))
    gaps = np.empty(len(alphas))
    n_iters = np.empty(len(alphas), dtype=np.int64)
    XtA = np.empty(p)
    previous_l1 = None
    for k, alpha in enumerate(alphas):
        l1 = alpha * l1_ratio * problem.n
        if previous_l1 is None:
            in_ws = w != 0  # the kernel adds the KKT violators at the start
        else:
            gradient = XtA if not positive else np.maximum(XtA, 0.0)
            in_ws = (np.abs(gradient) >= 2.0 * l1 - previous_l1) | (w != 0)
        gaps[k], n_iters[k], converged = problem.solve(alpha, l1_ratio, w, in_ws, XtA, positive=positive,
                                                       max_iter=max_iter, tol=tol, seed=seed)
        if not converged:
            warn_not_converged(alpha, gaps[k], tol * problem.y_norm_squared() / problem.n, max_iter)
        coefs[:, k] = w
        previous_l1 = l1
    return coefs, gaps, n_iters


def warn_not_converged(alpha, gap, tolerance, max_iter):
    warn_at_caller(
        "Objective did not converge. You might want to increase the number of iterations. "
        f"Coordinate descent did not converge for alpha={alpha:.4g} within max_iter={max_iter} "
        f"epochs: duality gap {gap:.3e} > tolerance {tolerance:.3e}. Increase max_iter or tol, "
        "or use a larger alpha.",
        ConvergenceWarning)

