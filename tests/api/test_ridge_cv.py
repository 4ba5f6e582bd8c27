"""RidgeCV against scikit-learn's RidgeCV and brute-force leave-one-out refits."""

import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.datasets import load_diabetes
from sklearn.model_selection import KFold

import naive
from conftest import make_regression
from fastreg import RidgeCV
from fastreg._solvers.ridge_scores import ROW_BLOCK, loo_mean_squared_errors, loo_residuals
from fastreg._solvers.statistics import sufficient_stats

ALPHAS = np.logspace(-3, 3, 13)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_loo_errors_equal_bruteforce_refits(rng, fit_intercept):
    X, y = make_regression(rng, n_samples=40, n_features=4, noise=1.0)
    stats = sufficient_stats(X, y[:, None])
    residuals = loo_residuals(X, y[:, None], None, stats, np.array([0.01, 1.0, 30.0]), fit_intercept)
    errors = loo_mean_squared_errors(residuals, None)
    for k, alpha in enumerate((0.01, 1.0, 30.0)):
        brute = naive.loo_residuals_bruteforce(X, y, alpha, fit_intercept)
        np.testing.assert_allclose(residuals[:, k, 0], brute, rtol=1e-9, atol=1e-12)
        assert errors[k, 0] == pytest.approx(np.mean(brute**2), rel=1e-9)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("n_targets", [None, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_loo_matches_scikit_learn(rng, fit_intercept, n_targets, weighted):
    X, y = make_regression(rng, n_samples=80, n_targets=n_targets, noise=2.0)
    w = rng.random(80) + 0.1 if weighted else None
    ours = RidgeCV(alphas=ALPHAS, fit_intercept=fit_intercept).fit(X, y, sample_weight=w)
    ref = sk.RidgeCV(alphas=ALPHAS, fit_intercept=fit_intercept).fit(X, y, sample_weight=w)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-8)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-7, atol=1e-10)


def test_loo_on_real_data_more_rows_than_a_block():
    X, y = load_diabetes(return_X_y=True)
    X = np.tile(X, (ROW_BLOCK // len(X) + 2, 1))  # several row blocks
    y = np.tile(y, ROW_BLOCK // len(y) + 2) + np.random.default_rng(0).standard_normal(len(X))
    ours = RidgeCV(alphas=ALPHAS).fit(X, y)
    ref = sk.RidgeCV(alphas=ALPHAS).fit(X, y)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-8)


@pytest.mark.parametrize("cv", [5, KFold(4, shuffle=True, random_state=0)])
@pytest.mark.parametrize("n_targets", [None, 2])
def test_kfold_matches_scikit_learn(rng, cv, n_targets):
    X, y = make_regression(rng, n_samples=90, n_targets=n_targets, noise=3.0)
    ours = RidgeCV(alphas=ALPHAS, cv=cv).fit(X, y)
    ref = sk.RidgeCV(alphas=ALPHAS, cv=cv).fit(X, y)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-8)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-7)


def test_kfold_weighted_matches_scikit_learn(rng):
    X, y = make_regression(rng, n_samples=90, noise=3.0)
    w = rng.random(90) + 0.2
    ours = RidgeCV(alphas=ALPHAS, cv=3).fit(X, y, sample_weight=w)
    ref = sk.RidgeCV(alphas=ALPHAS, cv=3).fit(X, y, sample_weight=w)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-8)


def test_float32(rng):
    X, y = make_regression(rng, n_samples=80, noise=2.0, dtype=np.float32)
    ours = RidgeCV(alphas=ALPHAS).fit(X, y)
    ref = sk.RidgeCV(alphas=ALPHAS).fit(X, y)
    assert ours.coef_.dtype == np.float32
    assert ours.alpha_ == ref.alpha_
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-4, atol=1e-4)


def test_overlapping_splits_match_scikit_learn(rng):
    from sklearn.model_selection import ShuffleSplit

    X, y = make_regression(rng, n_samples=90, noise=3.0)
    cv = ShuffleSplit(4, test_size=0.25, random_state=2)  # test sets overlap: totals need their own pass
    ours = RidgeCV(alphas=ALPHAS, cv=cv).fit(X, y)
    ref = sk.RidgeCV(alphas=ALPHAS, cv=cv).fit(X, y)
    assert ours.alpha_ == ref.alpha_
    assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-8)
