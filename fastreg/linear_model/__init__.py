"""Linear estimators with the scikit-learn interface."""

from ._least_squares import LinearRegression, Ridge
from ._ridge_cv import RidgeCV

__all__ = ["LinearRegression", "Ridge", "RidgeCV"]
