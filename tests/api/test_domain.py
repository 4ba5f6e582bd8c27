"""The applicability domain against explicit NumPy references: leverage, its thresholds, the range excursion.

(test_uncertainty.py checks the leverage against the hat matrix of plain least squares; these tests
cover ridge leverage, the calibrated threshold, the range method and every message.)
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

import naive
from conftest import exactly, points_at
from fastreg import ApplicabilityDomain, sufficient_stats
from fastreg.domain import standardised_residuals


@pytest.fixture
def small_scale(rng):
    # features of magnitude ~0.01: every eigenvalue of X_cᵀX_c is below 1
    return rng.standard_normal((60, 5)) * [0.01, 0.02, 0.005, 0.01, 0.03] + 2.0


@pytest.mark.parametrize("shape", [(60, 5), (12, 40)], ids=["tall", "wide"])
@pytest.mark.parametrize("alpha", [1e-4, 0.3])
def test_ridge_leverage_and_degrees_of_freedom_match_the_explicit_inverse(rng, shape, alpha):
    X = rng.standard_normal(shape) * 0.05 + 1.0
    domain = ApplicabilityDomain(alpha=alpha).fit(X)
    hat, df = naive.ridge_hat(X, alpha)
    np.testing.assert_allclose(domain.score(X), 1.0 / shape[0] + hat, rtol=1e-9)
    assert domain.degrees_of_freedom_ == pytest.approx(df, rel=1e-9)
    assert domain.threshold_ == pytest.approx(3.0 * (df + 1) / shape[0], rel=1e-9)


def test_degrees_of_freedom_when_every_eigenvalue_is_below_one(small_scale):
    domain = ApplicabilityDomain(alpha=1e-3).fit(small_scale)
    _, df = naive.ridge_hat(small_scale, 1e-3)
    assert df < 4.5  # the penalty matters at this scale
    assert domain.degrees_of_freedom_ == pytest.approx(df, rel=1e-9)


@pytest.mark.parametrize("alpha", [0.0, 0.5])
@pytest.mark.parametrize("quantile", [0.5, 0.9])
def test_calibrated_threshold_is_the_quantile_of_held_out_leverage(rng, alpha, quantile):
    n = 50
    X = rng.standard_normal((n, 4)) + 3.0
    domain = ApplicabilityDomain(threshold="loo", alpha=alpha, quantile=quantile).fit(X)
    hat, _ = naive.ridge_hat(X, alpha)
    held_out = 1.0 / (n - 1) + hat / (1.0 - hat)
    assert domain.threshold_ == pytest.approx(np.quantile(held_out, quantile), rel=1e-10)
    # the formula neglects only the O(1/n) move of the centre: brute force agrees to a few per cent
    brute = np.empty(n)
    for i in range(n):
        rest = np.delete(X, i, axis=0)
        brute[i] = ApplicabilityDomain(alpha=alpha).fit(rest).score(X[i:i + 1])[0]
    np.testing.assert_allclose(held_out, brute, rtol=0.05)


def test_leverage_at_as_many_samples_as_features_is_one_with_a_warning(rng):
    # n = p with an intercept: rank n - 1 < p, the n×n form; the p×p Cholesky would fail here
    X = rng.standard_normal((6, 6))
    message = ("With 6 samples and 6 features, every training point has leverage 1 under least squares: the "
               "leverage domain is meaningless. Pass the model's ridge penalty (ApplicabilityDomain(alpha=...)) "
               "or use method='range'.")
    with pytest.warns(UserWarning, match=exactly(message)) as record:
        domain = ApplicabilityDomain().fit(X)
    assert points_at(record, __file__)
    np.testing.assert_allclose(domain.score(X), 1.0, rtol=1e-8)


@pytest.mark.parametrize("n_samples, alpha, warns", [(7, 0.0, True), (8, 0.0, False), (4, 0.1, False)])
def test_the_leverage_one_warning_only_when_it_is_true(rng, n_samples, alpha, warns):
    X = rng.standard_normal((n_samples, 6))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        domain = ApplicabilityDomain(alpha=alpha).fit(X)
    all_one = np.allclose(domain.score(X), 1.0, rtol=1e-8)
    assert all_one == warns
    assert [str(w.message).startswith(f"With {n_samples} samples") for w in record] == ([True] if warns else [])


def test_a_constant_first_feature_is_named(rng):
    X = np.c_[np.full(30, 2.0), rng.standard_normal((30, 2))]
    with pytest.raises(ValueError, match=exactly(
            "Leverage is undefined: feature 0 is constant or a linear combination of earlier features in the "
            "training data; remove it first or pass alpha > 0.")):
        ApplicabilityDomain().fit(X)
    assert ApplicabilityDomain(alpha=0.1).fit(X).score(X).shape == (30,)


@pytest.mark.parametrize("alpha", [-1.0, np.inf, np.nan, [1.0]])
def test_alpha_must_be_one_non_negative_number(rng, alpha):
    with pytest.raises(ValueError, match=exactly(f"alpha must be a non-negative number, got {alpha!r}.")):
        ApplicabilityDomain(alpha=alpha).fit(rng.standard_normal((20, 3)))


def test_a_threshold_of_zero_is_allowed(rng):
    X = rng.standard_normal((20, 3))
    assert ApplicabilityDomain(threshold=0.0).fit(X).threshold_ == 0.0
    assert ApplicabilityDomain(method="range", threshold=0).fit(X).threshold_ == 0.0


def test_range_records_each_feature_and_scores_the_largest_excursion(rng):
    X = np.c_[rng.uniform(0, 1, 40), rng.uniform(-100, 100, 40), np.full(40, 3.0)]
    X[0, 0], X[1, 0], X[0, 1], X[1, 1] = 0.0, 1.0, -100.0, 100.0
    domain = ApplicabilityDomain(method="range").fit(X)
    np.testing.assert_array_equal(domain.feature_min_, [0.0, -100.0, 3.0])
    np.testing.assert_array_equal(domain.feature_max_, [1.0, 100.0, 3.0])
    new = np.array([
        [0.5, 0.0, 3.0],      # inside
        [-0.25, 0.0, 3.0],    # a quarter of the range below feature 0
        [0.5, 300.0, 3.0],    # one range above feature 1
        [1.1, -140.0, 3.0],   # 0.1 above feature 0, 0.2 below feature 1: the larger counts
        [0.5, 0.0, 3.5],      # the constant feature: its excursion is in its own units
    ])
    np.testing.assert_allclose(domain.score(new), [0.0, 0.25, 1.0, 0.2, 0.5], rtol=1e-12)
    assert domain.check(new).tolist() == [True, False, False, False, False]


def test_integer_input_gives_the_same_domain_as_floats(rng):
    X = rng.integers(-5, 6, size=(40, 3))
    new = rng.integers(-8, 9, size=(10, 3))
    for method in ("leverage", "range"):
        from_ints = ApplicabilityDomain(method=method).fit(X)
        from_floats = ApplicabilityDomain(method=method).fit(X.astype(float))
        np.testing.assert_allclose(from_ints.score(new), from_floats.score(new.astype(float)), rtol=1e-12)
        assert from_ints.threshold_ == from_floats.threshold_


def test_score_checks_the_fit_the_width_and_the_values(rng):
    with pytest.raises(NotFittedError):
        ApplicabilityDomain().score(np.ones((2, 3)))
    domain = ApplicabilityDomain().fit(rng.standard_normal((20, 3)))
    with pytest.raises(ValueError, match="X has 4 features, but ApplicabilityDomain is expecting 3 features"):
        domain.score(np.ones((2, 4)))
    assert domain.n_features_in_ == 3
    bad = np.ones((3, 3))
    bad[1, 0] = np.nan
    with pytest.raises(ValueError, match=exactly("Input X contains NaN (row 1, column 0); NaN and inf are not allowed.")):
        domain.score(bad)


def test_domain_from_statistics_has_unknown_ranges(rng):
    X = rng.standard_normal((30, 4))
    domain = ApplicabilityDomain(alpha=0.2).fit_stats(sufficient_stats(X, np.ones((30, 1))))
    assert domain.feature_min_.dtype == np.float64 and domain.feature_min_.shape == (4,)
    assert np.isnan(domain.feature_min_).all() and np.isnan(domain.feature_max_).all()
    with pytest.raises(ValueError, match=exactly("fit_stats gives the leverage domain only (method='leverage').")):
        ApplicabilityDomain(method="range").fit_stats(sufficient_stats(X, np.ones((30, 1))))


def test_standardised_residuals_stay_finite_at_leverage_one():
    residuals = standardised_residuals([1.0, 2.0, 0.0, 1.0], [1.5, 2.0, 0.5, 1.0], [1.0, 0.5, 0.0, 0.25], 1)
    s = np.sqrt(0.5 / 3)
    np.testing.assert_allclose(residuals, [-0.5 / (s * 1e-6), 0.0, -0.5 / s, 0.0], rtol=1e-12)
