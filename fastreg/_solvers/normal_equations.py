"""Driver: solve the (ridge) normal equations, loudly falling back when singular."""

import warnings

import numpy as np

from .._kernels.cholesky import factor_scaled, solve_factored
from ..exceptions import RankDeficiencyWarning

EIGEN_RCOND = 10 * np.finfo(np.float64).eps  # per feature, relative to the largest eigenvalue


def solve_normal_equations(A, B, alpha):
    """Return ``coef`` of shape (n_features, n_targets) with ``(A + α_t I) coef_t = B_t``.

    Parameters
    ----------
    A : ndarray of shape (n_features, n_features), symmetric positive semi-definite
    B : ndarray of shape (n_features, n_targets)
    alpha : ndarray of shape (n_targets,)
        One penalty per target; targets sharing a penalty share a factorisation.

    Singular or ill-conditioned systems are solved by :func:`minimum_norm_solve`
    with a :class:`~fastreg.exceptions.RankDeficiencyWarning`.
    """
    n_features, n_targets = B.shape
    coef = np.empty((n_features, n_targets))
    L = np.zeros((n_features, n_features))
    scale = np.empty(n_features)
    for value in np.unique(alpha):
        columns = np.flatnonzero(alpha == value)
        rhs = np.ascontiguousarray(B[:, columns])
        failed = factor_scaled(A, value, L, scale)
        if failed < 0:
            out = np.empty_like(rhs)
            solve_factored(L, scale, rhs, out)
        else:
            out = minimum_norm_solve(A, rhs, value, failed_pivot=failed)
        coef[:, columns] = out
    return coef


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
        warnings.warn(_rank_message(A, alpha, failed_pivot, rank, eigenvalues, keep), RankDeficiencyWarning, stacklevel=4)
    if rank == 0:
        return np.zeros_like(B)
    V = vectors[:, keep]
    return V @ ((V.T @ B) / eigenvalues[keep, None])


def _rank_message(A, alpha, failed_pivot, rank, eigenvalues, keep):
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
