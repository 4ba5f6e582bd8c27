"""Large symmetric products on numpy's BLAS, by a route known not to crash.

NumPy sends ``A.T @ A`` to OpenBLAS's SYRK. The bundled OpenBLAS segfaults there
when the output is large (a 20,000 × 20,000 product from a 300 × 20,000 A kills
the process; numpy/numpy#19685), while SYRK up to 10,000 × 10,000 was measured
safe and is twice as fast as GEMM. Larger outputs are built from GEMM panels.
"""

import numpy as np

SYRK_MAX_SIZE = 8192  # output side up to which SYRK is used
PANEL_COLUMNS = 1024  # GEMM panel width beyond it


def add_gram(A, out):
    """``out += Aᵀ A`` for A of shape (n_rows, m): out is (m, m), float64."""
    m = A.shape[1]
    if m <= SYRK_MAX_SIZE:
        if not out.any():
            np.matmul(A.T, A, out=out)
        else:
            out += A.T @ A
        return out
    for start in range(0, m, PANEL_COLUMNS):
        columns = slice(start, start + PANEL_COLUMNS)
        # a contiguous copy of the panel: a different buffer, so GEMM, never SYRK
        out[:, columns] += A.T @ np.ascontiguousarray(A[:, columns])
    return out
