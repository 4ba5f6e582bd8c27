"""Driver: sparse (CSR/CSC) designs, never densified.

The statistics are taken about zero in X (a shift would fill in every zero)
and re-expressed about any other shift exactly, on the p×p statistics; the
estimators then centre them by the usual rank-one correction, as
scikit-learn does for sparse input. Products with the centred X use the same
correction: ``(X - 1x̄ᵀ)M = XM - 1(x̄ᵀM)``.
"""

import numpy as np
import scipy.sparse as sp

from .._kernels.jit import n_threads
from .._kernels.sparse import sparse_gram
from .memory import require_memory


def is_sparse(X):
    return sp.issparse(X)


def canonical(X, layout):
    """X in ``layout`` ("csr" or "csc") with sorted, summed indices; a copy whenever X is changed."""
    converted = X.tocsr() if layout == "csr" else X.tocsc()
    if converted is X and not X.has_canonical_format:
        converted = X.copy()
    if not converted.has_canonical_format:
        converted.sum_duplicates()  # also sorts the indices
    return converted


def gram_of_rows(Z, weights=None):
    """ZᵀWZ (float64, dense) of a CSR matrix Z: XᵀWX from X's CSR arrays."""
    m = Z.shape[1]
    require_memory(8 * m * m, f"the {m:,} × {m:,} Gram of a sparse matrix",
                   "Reduce the number of features, or use the n×n form (fewer samples than features).")
    out = np.zeros((m, m))
    w = np.empty(0) if weights is None else np.ascontiguousarray(weights, dtype=np.float64)
    sparse_gram(Z.indptr, Z.indices, Z.data, w, max(1, min(n_threads(), m)), out)
    return out


def sparse_statistics(X, Y, sample_weight, shift_y):
    """``(n_samples, sum_weights, xtx, xty, x_sum, y_sum, yty)`` about ``(0, shift_y)``."""
    X = canonical(X, "csr")
    w = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    Yc = Y - shift_y
    WYc = w[:, None] * Yc
    xtx = gram_of_rows(X, sample_weight)
    xty = np.asarray(X.T @ WYc, dtype=np.float64)
    x_sum = np.asarray(X.T @ w, dtype=np.float64).ravel()
    return X.shape[0], float(w.sum()), xtx, xty, x_sum, WYc.sum(axis=0), Yc.T @ WYc


def row_kernel(X):
    """XXᵀ (n×n, float64) from X's CSC arrays (the CSR arrays of Xᵀ)."""
    Xt = canonical(X, "csc")
    return gram_of_rows(sp.csr_matrix((Xt.data, Xt.indices, Xt.indptr), shape=(X.shape[1], X.shape[0])))


def column_means(X, weights=None):
    """Σ wᵢ xᵢ / Σ wᵢ (float64) of a sparse X."""
    w = np.ones(X.shape[0]) if weights is None else weights
    return np.asarray(X.T @ w, dtype=np.float64).ravel() / w.sum()


def centred_column_norms(X, weights, x_offset):
    """Σᵢ wᵢ (xᵢⱼ - x̄ⱼ)² of a sparse X from sums over its non-zeros (no centred copy)."""
    squares = np.asarray(X.multiply(X).T @ weights, dtype=np.float64).ravel()
    sums = np.asarray(X.T @ weights, dtype=np.float64).ravel()
    return np.maximum(squares - 2 * x_offset * sums + x_offset**2 * weights.sum(), 0.0)


def row_magnitudes(X, rows=64):
    """max |x| per feature over the first rows (a dense array), for the underflow check."""
    if is_sparse(X):
        return np.asarray(abs(X[:rows]).max(axis=0).todense(), dtype=np.float64).ravel()
    return np.abs(X[:rows]).max(axis=0)


def centred_rows(X, x_offset):
    """``(block, offset)`` with X - 1x̄ᵀ = block - 1 offsetᵀ, for the two products below.

    Dense rows are centred once, here (subtracting first keeps the digits of
    data with a large mean); sparse rows stay sparse and keep x̄ as the
    rank-one correction.
    """
    if is_sparse(X):
        return X, x_offset
    return X - x_offset, np.zeros_like(x_offset)


def centred_product(block, offset, M):
    """(block - 1 offsetᵀ) M."""
    return np.asarray(block @ M) - offset @ M


def centred_transpose_product(block, offset, R):
    """(block - 1 offsetᵀ)ᵀ R."""
    return np.asarray(block.T @ R) - np.outer(offset, R.sum(axis=0))


SPARSE_DIRECT_MAX = 2048  # beyond this min(n, p) a direct p×p or n×n solve costs more than CG's sparse products
CG_RTOL = 1e-12  # relative residual of the normal equations: the fit then equals the direct solve to ~1e-10


def prefer_iterative(X, alphas):
    """Conjugate gradients for penalised fits on sparse X whose p×p and n×n forms are both large."""
    return is_sparse(X) and min(X.shape) > SPARSE_DIRECT_MAX and bool(np.all(np.asarray(alphas) > 0))


def ridge_conjugate_gradient(X, Y, weights, x_offset, y_offset, alphas, *, rtol=None, max_iter=None):
    """Ridge by preconditioned conjugate gradients on the implicitly centred normal equations.

    Solves ``(X̃ᵀWX̃ + α_t I) w_t = X̃ᵀW ỹ_t`` for every target at once, with
    X̃ = X - 1x̄ᵀ never formed: each step is one product with X and one with
    Xᵀ (sparse), so memory is X plus a few vectors. Jacobi preconditioning
    (the diagonal of X̃ᵀWX̃ + αI) removes the features' scales.

    Returns ``(coef, n_iter, converged)`` with coef of shape (n_features, n_targets).
    """
    n_samples, n_features = X.shape
    w = np.ones(n_samples) if weights is None else weights
    Xr = canonical(X, "csr")

    def normal_operator(V):  # X̃ᵀ W X̃ V + α V, column by column
        return centred_transpose_product(Xr, x_offset, w[:, None] * centred_product(Xr, x_offset, V)) + alphas * V

    B = centred_transpose_product(Xr, x_offset, w[:, None] * (Y - y_offset))
    diagonal = centred_column_norms(Xr, w, x_offset)
    inverse_diagonal = 1.0 / np.maximum(diagonal[:, None] + alphas[None, :], np.finfo(np.float64).tiny)
    coef = np.zeros_like(B)
    residual = B.copy()
    z = inverse_diagonal * residual
    direction = z.copy()
    rz = np.einsum("ij,ij->j", residual, z)
    target = (CG_RTOL if rtol is None else rtol) * np.linalg.norm(B, axis=0)
    limit = max_iter or 10 * n_features
    for n_iter in range(1, limit + 1):
        Ad = normal_operator(direction)
        step = rz / np.where(rz > 0, np.einsum("ij,ij->j", direction, Ad), 1.0)
        coef += step * direction
        residual -= step * Ad
        if np.all(np.linalg.norm(residual, axis=0) <= target):
            return coef, n_iter, True
        z = inverse_diagonal * residual
        rz_new = np.einsum("ij,ij->j", residual, z)
        direction = z + (rz_new / np.where(rz > 0, rz, 1.0)) * direction
        rz = rz_new
    return coef, limit, False
