"""Driver: non-negative least squares on the normal equations (``positive=True``).

Lawson–Hanson's active-set method, written on the statistics instead of on
X: minimise ``½ wᵀ(A + αI)w - Bᵀw`` subject to ``w ≥ 0``. Each step solves
the unconstrained system on the free (passive) coefficients; it ends after
finitely many steps at the exact constrained optimum (the KKT conditions hold
to rounding), so the result is the one ``scipy.optimize.nnls`` gives on the
centred data, without copying X.
"""

import numpy as np

from .normal_equations import minimum_norm_solve


def nonnegative_normal_equations(A, B, alpha, *, max_iter=None):
    """Return ``coef`` (n_features, n_targets) with ``coef ≥ 0`` minimising each target's quadratic.

    Parameters
    ----------
    A : ndarray of shape (n_features, n_features), symmetric positive semi-definite
    B : ndarray of shape (n_features, n_targets)
    alpha : ndarray of shape (n_targets,)
        Regularisation strength, non-negative, in scikit-learn's units.
    max_iter : int, optional
        Outer steps (features entering); default ``3 · n_features``.
    """
    n_features, n_targets = B.shape
    coef = np.empty((n_features, n_targets))
    for t in range(n_targets):
        coef[:, t] = _active_set(A + alpha[t] * np.eye(n_features), B[:, t], max_iter or 3 * max(n_features, 1))
    return coef


def _active_set(H, b, max_iter):
    n_features = b.shape[0]
    scale = max(np.abs(H).max(initial=0.0), np.abs(b).max(initial=0.0), np.finfo(np.float64).tiny)
    tol = 10 * np.finfo(np.float64).eps * n_features * scale
    w = np.zeros(n_features)
    free = np.zeros(n_features, dtype=bool)
    for _ in range(max_iter):
        gradient = b - H @ w  # the negative gradient: a bound coefficient with a positive entry wants to grow
        candidates = np.where(free, -np.inf, gradient)
        entering = int(np.argmax(candidates))
        if candidates[entering] <= tol:
            return w
        free[entering] = True
        while True:
            trial = np.zeros(n_features)
            trial[free] = _solve_free(H, b, free)
            blocked = free & (trial <= 0)
            if not blocked.any():
                w = trial
                break
            # step from w towards trial until the first free coefficient reaches zero; it leaves the free set
            indices = np.flatnonzero(blocked)
            ratios = w[indices] / (w[indices] - trial[indices])
            first = int(np.argmin(ratios))
            w = w + ratios[first] * (trial - w)
            w[indices[first]] = 0.0
            free &= w > 0
            w[~free] = 0.0
    raise RuntimeError(f"non-negative least squares did not finish in {max_iter} steps; the design is "
                       "probably too ill-conditioned: standardise X or add a ridge penalty.")


def _solve_free(H, b, free):
    """The unconstrained optimum on the free coefficients; minimum norm if that block is singular."""
    block = H[np.ix_(free, free)]
    try:
        L = np.linalg.cholesky(block)
    except np.linalg.LinAlgError:
        return minimum_norm_solve(block, b[free][:, None], 0.0, warn=False)[:, 0]
    return np.linalg.solve(L.T, np.linalg.solve(L, b[free]))
