"""fastreg estimators are scikit-learn estimators."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import sklearn.linear_model as sk
from conftest import make_regression
from fastreg import GradientDescentRegressor, LinearRegression, Ridge, RidgeCV


@parametrize_with_checks(
    [LinearRegression(), Ridge(), RidgeCV(), RidgeCV(cv=3), GradientDescentRegressor(), GradientDescentRegressor(mode="data")]
)
def test_check_estimator(estimator, check):
    check(estimator)


def test_pipeline_cross_val_and_grid_search(rng):
    X, y = make_regression(rng, n_samples=120, n_features=3, noise=0.5)
    ours = make_pipeline(StandardScaler(), PolynomialFeatures(2), Ridge(alpha=1.0))
    ref = make_pipeline(StandardScaler(), PolynomialFeatures(2), sk.Ridge(alpha=1.0, solver="cholesky"))
    np.testing.assert_allclose(cross_val_score(ours, X, y, cv=4), cross_val_score(ref, X, y, cv=4), rtol=1e-8)
    grid = {"ridge__alpha": [0.01, 1.0, 100.0]}
    a = GridSearchCV(ours, grid, cv=3).fit(X, y)
    b = GridSearchCV(ref, grid, cv=3).fit(X, y)
    assert a.best_params_ == b.best_params_
    assert a.best_score_ == pytest.approx(b.best_score_, rel=1e-8)


def test_get_params_round_trip():
    model = Ridge(alpha=3.0, fit_intercept=False)
    assert model.get_params() == {"alpha": 3.0, "fit_intercept": False}
    assert Ridge(**model.get_params()).get_params() == model.get_params()
