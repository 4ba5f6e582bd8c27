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


def row_magnitudes(X, rows=64):
    """max |x| per feature over the first rows (dense array), for the underflow check."""
    return np.asarray(abs(X[:rows]).max(axis=0).todense(), dtype=np.float64).ravel()


def centred_product(X, x_offset, M):
    """(X - 1x̄ᵀ) M for sparse or dense X; dense X is centred directly (it keeps more digits)."""
    if is_sparse(X):
        return np.asarray(X @ M) - x_offset @ M
    return (X - x_offset) @ M


def centred_transpose_product(X, x_offset, R):
    """(X - 1x̄ᵀ)ᵀ R for sparse or dense X."""
    if is_sparse(X):
        return np.asarray(X.T @ R) - np.outer(x_offset, R.sum(axis=0))
    return (X - x_offset).T @ R
