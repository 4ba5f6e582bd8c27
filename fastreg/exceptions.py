"""Warnings and errors that fastreg raises about numerical trouble, and where its warnings point."""

import os
import sys
import warnings

__all__ = ["RankDeficiencyWarning", "DivergenceError", "InsufficientMemoryError"]

PACKAGE_DIR = os.path.dirname(__file__) + os.sep  # with the separator: fastreg_scripts/ is not fastreg/


class RankDeficiencyWarning(UserWarning):
    """The normal equations were singular or too ill-conditioned for Cholesky.

    fastreg then returns the minimum-norm least-squares solution, computed
    from an eigendecomposition of the Gram matrix, as ``scipy.linalg.lstsq``
    and scikit-learn's ``LinearRegression`` would.
    """


class DivergenceError(RuntimeError):
    """An iterative solver's loss rose or became non-finite."""


class InsufficientMemoryError(MemoryError):
    """A dense matrix fastreg would allocate does not fit in the memory available.

    Raised *before* the allocation, with the bytes needed, the bytes available
    and what to do instead.

    Parameters
    ----------
    message : str
        What was to be allocated, the two figures and the alternative.
    needed : int
        Bytes the allocation needs (kept as ``needed``).
    available : int
        Bytes available (kept as ``available``).
    """

    def __init__(self, message, *, needed, available):
        super().__init__(message)
        self.needed = needed
        self.available = available


def warn_at_caller(message, category):
    """``warnings.warn`` attributed to the first frame outside fastreg: the user's line, however deep the call.

    A fixed ``stacklevel`` is right for one call path only; fastreg reaches the same warning from
    ``fit``, ``partial_fit``, cross-validation and the command line.
    """
    frame, level = sys._getframe(1), 2  # level 1 is this function, 2 its caller
    while frame is not None and frame.f_code.co_filename.startswith(PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
