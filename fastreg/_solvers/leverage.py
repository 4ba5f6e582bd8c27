"""Hat-matrix leverage from the Cholesky factor of the centred statistics."""

import numpy as np

from .._kernels.cholesky import factor_scaled, quadratic_forms
from .._kernels.jit import n_threads
from .dual import dual_problem


def factor_gram(A, alpha):
    """Scaled Cholesky factor of ``A + αI`` (A the centred XᵀX).

    Returns ``(L, scale, failed)``; ``failed >= 0`` is the first column that is
    constant or a linear combination of earlier ones (the factor is then unusable).
    """
    L = np.zeros_like(A)
    scale = np.empty(A.shape[0])
    failed = factor_scaled(A, alpha, L, scale)
    return L, scale, failed


def centred_quadratic_forms(X, mean, L, scale):
    """``(xᵢ - mean)ᵀ A⁻¹ (xᵢ - mean)`` for every row of X, in parallel over rows."""
    out = np.empty(X.shape[0])
    quadratic_forms(X, mean, L, scale, n_threads(), out)
    return out


class RowSpaceLeverage:
    """Ridge leverage ``x̃ᵀ(X̃ᵀX̃ + αI)⁻¹x̃`` from the n×n kernel, for fewer samples than features.

    With X̃ = X - x̄, K = X̃X̃ᵀ = U S Uᵀ and the row-space basis V = X̃ᵀU/√s,
    ``(X̃ᵀX̃ + αI)⁻¹ = V diag(1/(s + α)) Vᵀ + (I - VVᵀ)/α``: the part of x̃ in
    the row space and the part off it are computed apart (no cancellation).
    With α = 0 the off part is dropped (pseudo-inverse).
    """

    def __init__(self, X, alpha):
        problem = dual_problem(X, np.empty((X.shape[0], 0)), None, True)
        s, _, self.basis = problem.row_space(X)
        self.mean = problem.x_offset
        self.inverse = 1.0 / (s + alpha)
        self.alpha = float(alpha)
        self.degrees_of_freedom = float(np.sum(s * self.inverse))

    def __call__(self, X):
        centred = X - self.mean
        inside = centred @ self.basis
        leverage = (inside * inside) @ self.inverse
        if self.alpha > 0:
            off = centred - inside @ self.basis.T
            leverage += np.sum(off * off, axis=1) / self.alpha
        return leverage
