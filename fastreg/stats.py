"""Sufficient statistics, the spine of fastreg's exact solvers (public API).

``sufficient_stats(X, y)`` reads X once into ``XᵀWX, XᵀWy, ΣWx, ΣWy, yᵀWy, ΣW``;
:class:`SufficientStats` adds (``+``) and subtracts (``-``) across chunks and
folds, and :func:`fold_statistics` gives each cross-validation fold's share.
The implementation lives in the driver layer, :mod:`fastreg._solvers.statistics`.
"""

from ._solvers.statistics import SufficientStats, fold_statistics, sufficient_stats

__all__ = ["SufficientStats", "fold_statistics", "sufficient_stats"]
