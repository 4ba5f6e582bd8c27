"""Linear estimators with the scikit-learn interface."""

from ._bayesian_ridge import BayesianRidge
from ._coordinate_descent import ElasticNet, Lasso, enet_path, lasso_path
from ._coordinate_descent_cv import ElasticNetCV, LassoCV
from ._gradient_descent import GradientDescentPath, GradientDescentRegressor, gradient_descent_batched
from ._least_squares import LinearRegression, Ridge
from ._ridge_cv import RidgeCV

__all__ = [
    "BayesianRidge",
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "enet_path",
    "lasso_path",
    "GradientDescentPath",
    "GradientDescentRegressor",
    "LinearRegression",
    "Ridge",
    "RidgeCV",
    "gradient_descent_batched",
]
