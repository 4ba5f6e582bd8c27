"""fastreg estimators are scikit-learn estimators."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import sklearn.linear_model as sk
from conftest import make_regression
from fastreg import (
    BayesianRidge,
    ElasticNet,
    ElasticNetCV,
    GradientDescentRegressor,
    Lasso,
    LassoCV,
    LinearRegression,
    Ridge,
    RidgeCV,
)


def kfold_cv_caveats(estimator):
    """K-fold CV estimators: repeating a row (the check's stand-in for its weight) changes
    which fold it lands in, so weights cannot equal repetition; scikit-learn's own
    LassoCV fails this check identically and scikit-learn lists it as an expected failure."""
    if isinstance(estimator, (LassoCV, ElasticNetCV)) or (isinstance(estimator, RidgeCV) and estimator.cv is not None):
        return {name: "folds of repeated rows differ from weighted rows"
                for name in ("check_sample_weight_equivalence_on_dense_data",
                             "check_sample_weight_equivalence_on_sparse_data")}
    if isinstance(estimator, Ridge):  # max_iter is for scikit-learn's iterative solvers; a direct solve has n_iter_ None
        return {"check_non_transformer_estimators_n_iter": "n_iter_ is None after a direct solve, as scikit-learn's"}
    return {}


@parametrize_with_checks(
    [
        LinearRegression(),
        Ridge(),
        Ridge(intervals=True),
        RidgeCV(),
        RidgeCV(cv=3),
        GradientDescentRegressor(),
        GradientDescentRegressor(mode="data"),
        BayesianRidge(),
        Lasso(alpha=0.01),
        Lasso(alpha=0.01, precompute=False),
        ElasticNet(alpha=0.01),
        LassoCV(cv=3),
        ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3),
    ],
    expected_failed_checks=kfold_cv_caveats,
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
    expected = {**sk.Ridge(alpha=3.0, fit_intercept=False).get_params(), "intervals": False}
    assert model.get_params() == expected
    assert Ridge(**model.get_params()).get_params() == model.get_params()


def test_polynomial_features_and_scaler_compose_with_fastreg(rng):
    """Non-linearity by reuse: scikit-learn's transformers in front of fastreg estimators."""
    X = rng.uniform(-2, 2, size=(200, 2))
    y = 1.0 + X[:, 0] ** 2 - 0.5 * X[:, 0] * X[:, 1] + 0.05 * rng.standard_normal(200)
    for ours, ref in [(LinearRegression(), sk.LinearRegression()), (BayesianRidge(), sk.BayesianRidge())]:
        a = make_pipeline(PolynomialFeatures(2), StandardScaler(), ours).fit(X, y)
        b = make_pipeline(PolynomialFeatures(2), StandardScaler(), ref).fit(X, y)
        np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-7)
        assert a.score(X, y) > 0.99  # the quadratic is captured; a straight line is not
    assert make_pipeline(StandardScaler(), LinearRegression()).fit(X, y).score(X, y) < 0.2
