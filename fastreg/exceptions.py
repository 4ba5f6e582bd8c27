"""Warnings and errors that fastreg raises about numerical trouble."""


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
