"""Warnings and errors that fastreg raises about numerical trouble."""


class RankDeficiencyWarning(UserWarning):
    """The normal equations were singular or too ill-conditioned for Cholesky.

    fastreg then returns the minimum-norm least-squares solution, computed
    from an eigendecomposition of the Gram matrix, as ``scipy.linalg.lstsq``
    and scikit-learn's ``LinearRegression`` would.
    """


class DivergenceError(RuntimeError):
    """An iterative solver's loss rose or became non-finite."""
