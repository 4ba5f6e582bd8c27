"""fastreg: fast, trustworthy linear regression for materials descriptors.

Heavy submodules (numba kernels, scikit-learn) load on first use, so
``import fastreg`` stays quick.
"""

import importlib

__version__ = "0.1.0"

_LAZY = {
    "LinearRegression": "fastreg.linear_model",
    "Ridge": "fastreg.linear_model",
    "RidgeCV": "fastreg.linear_model",
    "BayesianRidge": "fastreg.linear_model",
    "Lasso": "fastreg.linear_model",
    "ElasticNet": "fastreg.linear_model",
    "LassoCV": "fastreg.linear_model",
    "ElasticNetCV": "fastreg.linear_model",
    "lasso_path": "fastreg.linear_model",
    "enet_path": "fastreg.linear_model",
    "GradientDescentRegressor": "fastreg.linear_model",
    "gradient_descent_batched": "fastreg.linear_model",
    "solve_batched": "fastreg.batched",
    "sufficient_stats": "fastreg.stats",
    "SufficientStats": "fastreg.stats",
    "ApplicabilityDomain": "fastreg.domain",
    "check_signs": "fastreg.signs",
    "RankDeficiencyWarning": "fastreg.exceptions",
    "DivergenceError": "fastreg.exceptions",
    "ScreeningModel": "fastreg.screening",
    "screen": "fastreg.screening",
    "save": "fastreg.io.models",
    "load": "fastreg.io.models",
}
_SUBMODULES = {"metrics", "datasets", "plotting", "linear_model", "stats", "batched", "exceptions", "domain", "signs", "io",
               "descriptors", "screening"}

__all__ = sorted(_LAZY) + sorted(_SUBMODULES)


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"fastreg.{name}")
    raise AttributeError(f"module 'fastreg' has no attribute {name!r}")


def __dir__():
    return __all__
