"""Hat-matrix leverage from the Cholesky factor of the centred statistics."""

import numpy as np

from .._kernels.cholesky import factor_scaled, quadratic_forms
from .._kernels.jit import n_threads


def factor_gram(A):
    """Scaled Cholesky factor of ``A`` (the centred XᵀX).

    Returns ``(L, scale, failed)``; ``failed >= 0`` is the first column that is
    constant or a linear combination of earlier ones (the factor is then unusable).
    """
    L = np.zeros_like(A)
    scale = np.empty(A.shape[0])
    failed = factor_scaled(A, 0.0, L, scale)
    return L, scale, failed


def centred_quadratic_forms(X, mean, L, scale):
    """``(xᵢ - mean)ᵀ A⁻¹ (xᵢ - mean)`` for every row of X, in parallel over rows."""
    out = np.empty(X.shape[0])
    quadratic_forms(X, mean, L, scale, n_threads(), out)
    return out
