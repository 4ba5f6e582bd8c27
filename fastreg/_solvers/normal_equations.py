"""Driver: solve the (ridge) normal equations, loudly falling back when singular."""

import numpy as np

from .._kernels.cholesky import factor_scaled, solve_factored
from ..exceptions import RankDeficiencyWarning, warn_at_caller
from .sparse import centred_product, centred_rows, centred_transpose_product

EIGEN_RCOND = 10 * np.finfo(np.float64).eps  # per feature, relative to the largest eigenvalue


def solve_normal_equations(A, B, alpha, *, with_condition=False):
    """Return ``coef`` of shape (n_features, n_targets) with ``(A + α_t I) coef_t = B_t``.

    Parameters
    ----------
    A : ndarray of shape (n_features, n_features), symmetric positive semi-definite
    B : ndarray of shape (n_features, n_targets)
    alpha : ndarray of shape (n_targets,)
        One penalty per target; targets sharing a penalty share a factorisation.

    Singular or ill-conditioned systems are solved by :func:`minimum_norm_solve`
    with a :class:`~fastreg.exceptions.RankDeficiencyWarning`. With
    ``with_condition``, also return the largest :func:`scaled_condition` over
    the penalties, estimated from the factors just computed (``inf`` if one failed).
    """
    n_features, n_targets = B.shape
    coef = np.empty((n_features, n_targets))
    L = np.zeros((n_features, n_features))
    scale = np.empty(n_features)
    condition = 0.0
    for value in np.unique(alpha):
        columns = np.flatnonzero(alpha == value)
        rhs = np.ascontiguousarray(B[:, columns])
        failed = factor_scaled(A, value, L, scale)
        if failed < 0:
            out = np.empty_like(rhs)
            solve_factored(L, scale, rhs, out)
            if with_condition:
                condition = max(condition, scaled_condition(A, value, L, scale))
        else:
            out = minimum_norm_solve(A, rhs, value, failed_pivot=failed)
            condition = np.inf
        coef[:, columns] = out
    return (coef, condition) if with_condition else coef


def minimum_norm_solve(A, B, alpha, *, failed_pivot=None, warn=True):
    """Minimum-norm solution of ``(A + αI) X = B`` from an eigendecomposition.

    Eigenvalues below ``n_features · 10 · eps · λ_max`` are treated as zero, so
    the result equals the least-squares minimum-norm solution (what
    ``scipy.linalg.lstsq`` returns) for singular designs.
    """
    n_features = A.shape[0]
    eigenvalues, vectors = np.linalg.eigh(A + alpha * np.eye(n_features))
    largest = max(eigenvalues[-1], 0.0)
    keep = eigenvalues > largest * EIGEN_RCOND * max(n_features, 1)
    rank = int(keep.sum())
    if warn:
        warn_at_caller(_rank_message(A, alpha, failed_pivot, rank, eigenvalues), RankDeficiencyWarning)
    if rank == 0:
        return np.zeros_like(B)
    V = vectors[:, keep]
    return V @ ((V.T @ B) / eigenvalues[keep, None])


def _rank_message(A, alpha, failed_pivot, rank, eigenvalues):
    n_features = A.shape[0]
    if failed_pivot is not None and not A[failed_pivot, failed_pivot] + alpha > 0:
        why = f"feature {failed_pivot} is constant (zero variance)"
    elif failed_pivot is not None:
        why = f"feature {failed_pivot} is (numerically) a linear combination of features 0..{failed_pivot - 1}"
    else:
        why = "the Gram matrix is singular"
    condition = eigenvalues[-1] / eigenvalues[0] if rank == n_features else None
    return rank_message(n_features, rank, why, condition)


def rank_message(n_features, rank, why, condition=None):
    """The one wording of :class:`RankDeficiencyWarning`, primal and dual paths alike."""
    if condition is not None:
        state = f"ill-conditioned (condition number of the normal equations ~{condition:.1e})"
    else:
        state = f"rank deficient (numerical rank {rank} of {n_features} features)"
    return (
        f"The design is {state}: {why}. Returned the minimum-norm least-squares "
        "solution; consider removing redundant features or adding a ridge penalty."
    )


REFINE_FROM_CONDITION = 1e8  # beyond this cond(A) the normal equations may lose more than ~1e-8
ESTIMATE_ITERATIONS = 8


def scaled_condition(A, alpha, L, scale):
    """Estimate cond(D⁻¹(A + αI)D⁻¹), D² = diag(A + αI): the conditioning Cholesky's accuracy depends on.

    Power iteration for the largest eigenvalue and inverse iteration with the
    factor ``L, scale`` of :func:`factor_scaled` for the smallest: a few p² steps.
    """
    p = A.shape[0]
    rng = np.random.default_rng(0)
    v = rng.standard_normal(p)
    w = rng.standard_normal(p)
    largest = smallest_inverse = 0.0
    solved = np.empty((p, 1))
    for _ in range(ESTIMATE_ITERATIONS):
        v /= np.linalg.norm(v)
        v = (A @ (v / scale) + alpha * (v / scale)) / scale  # D⁻¹(A + αI)D⁻¹ v
        largest = np.linalg.norm(v)
        w /= np.linalg.norm(w)
        solve_factored(L, scale, np.ascontiguousarray((w * scale)[:, None]), solved)
        w = solved[:, 0] * scale  # D (A + αI)⁻¹ D w
        smallest_inverse = np.linalg.norm(w)
    return float(largest * smallest_inverse)


def refine_with_data(X, Y, weights, coef, x_offset, y_offset, alphas, A, *, steps=3, row_block=4096):
    """Newton steps on the data itself: coef += (A + αI)⁻¹ [X̃ᵀW(ỹ - X̃ coef) - α coef].

    The residual is computed from X (in centred row blocks), not from the
    statistics, so the result approaches what an orthogonal (QR) solve gives
    while cond(X)² · eps < 1. Returns the refined coef (n_features, n_targets).
    """
    coef = coef.copy()
    for _ in range(steps):
        gradient = -alphas[None, :] * coef
        for start in range(0, X.shape[0], row_block):
            rows = slice(start, start + row_block)
            block, offset = centred_rows(X[rows], x_offset)
            residual = (Y[rows] - y_offset) - centred_product(block, offset, coef)
            if weights is not None:
                residual *= weights[rows, None]
            gradient += centred_transpose_product(block, offset, residual)
        step = solve_normal_equations(A, gradient, alphas)
        coef += step
        if np.max(np.abs(step)) <= 4 * np.finfo(np.float64).eps * max(np.max(np.abs(coef)), 1e-300):
            break
    return coef
