"""Leave-one-out and jackknife+ intervals: ranks, dtypes, targets, messages and warnings, in full.

(test_uncertainty.py checks the intervals against brute-force refits and their coverage; these tests
pin down every rank, branch and message around them.)
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

import fastreg._solvers.memory as memory
import naive
from conftest import exactly, points_at
from fastreg import LinearRegression, Ridge, RidgeCV
from fastreg._solvers.jackknife import _ranks, conformal_rank, influence_basis, minimum_samples
from fastreg.exceptions import InsufficientMemoryError
from fastreg.linear_model._intervals import loo_quantile


@pytest.mark.parametrize("coverage", [0.5, 0.68, 0.7, 0.8, 0.9, 0.95, 0.99])
def test_conformal_rank_is_the_decimal_rank_the_user_asked_for(coverage):
    for n_samples in range(1, 400):
        assert conformal_rank(coverage, n_samples) == naive.conformal_rank(coverage, n_samples)
    assert minimum_samples(coverage) == min(n for n in range(1, 1000) if naive.conformal_rank(coverage, n) <= n)


@pytest.mark.parametrize("n_samples, coverage, low, high", [
    (9, 0.9, 1, 9),      # α(n+1) = 1 exactly: the smallest n without clipping
    (19, 0.9, 2, 18),    # 0.1·20 is 1.9999999999999996 in floating point
    (39, 0.8, 8, 32),
    (99, 0.95, 5, 95),
    (300, 0.9, 30, 271),
])
def test_jackknife_ranks(n_samples, coverage, low, high):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _ranks(n_samples, coverage) == (low, high)


def test_too_few_samples_for_the_jackknife_ranks_warns_at_the_caller(rng):
    X = rng.standard_normal((8, 2))
    model = Ridge(alpha=0.5, intervals="jackknife+").fit(X, rng.standard_normal(8))
    message = ("8 samples are too few for 90% jackknife+ coverage (needs at least 9); using the extreme "
               "leave-one-out predictions, so the coverage is not assured.")
    with pytest.warns(UserWarning, match=exactly(message)) as record:
        model.predict_interval(X, coverage=0.9, method="jackknife+")
    assert points_at(record, __file__)


def test_loo_quantile_rank_boundary_and_warning(rng):
    residuals = rng.standard_normal(9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rank 9 of 9: enough samples, no warning
        assert loo_quantile(residuals, 0.9) == np.abs(residuals).max()
    model = Ridge(intervals=True).fit(rng.standard_normal((8, 2)), rng.standard_normal(8))
    message = ("8 samples are too few for 90% coverage (needs at least 9); using the largest leave-one-out "
               "residual, so the coverage is not assured.")
    with pytest.warns(UserWarning, match=exactly(message)) as record:
        lower, upper = model.predict_interval(np.zeros((1, 2)), coverage=0.9)
    assert points_at(record, __file__)
    assert (upper - lower)[0] == pytest.approx(2 * np.abs(model.loo_residuals_).max(), rel=1e-12)


def test_loo_quantile_is_per_target(rng):
    residuals = rng.standard_normal((40, 3)) * [1.0, 10.0, 0.1]
    got = loo_quantile(residuals, 0.8)
    rank = conformal_rank(0.8, 40)
    want = [np.sort(np.abs(residuals[:, t]))[rank - 1] for t in range(3)]
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("method", ["loo", "jackknife+"])
def test_intervals_have_the_prediction_dtype_and_shape(rng, method):
    X = rng.standard_normal((30, 3)).astype(np.float32)
    Y = rng.standard_normal((30, 2)).astype(np.float32)
    for y in (Y[:, 0], Y):
        model = Ridge(alpha=0.5, intervals="jackknife+").fit(X, y)
        lower, upper = model.predict_interval(X[:5], coverage=0.8, method=method)
        assert lower.dtype == upper.dtype == np.float32
        assert lower.shape == upper.shape == model.predict(X[:5]).shape


@pytest.mark.parametrize("coverage", [0, 0.0, 1, 1.0, -0.1, "0.9", None])
def test_coverage_must_be_a_number_strictly_between_zero_and_one(rng, coverage):
    model = Ridge(intervals=True).fit(rng.standard_normal((20, 2)), rng.standard_normal(20))
    with pytest.raises(ValueError, match=exactly(f"coverage must be a number in (0, 1), got {coverage!r}.")):
        model.predict_interval(np.zeros((1, 2)), coverage=coverage)


@pytest.mark.filterwarnings("ignore:The design is rank deficient")
def test_interval_messages_name_the_estimator_and_the_remedy(rng):
    X, y = rng.standard_normal((20, 2)), rng.standard_normal(20)
    with pytest.raises(ValueError, match=exactly("method must be one of loo, jackknife+, got 'cv+'.")):
        Ridge(intervals=True).fit(X, y).predict_interval(X, method="cv+")
    with pytest.raises(NotFittedError, match=exactly(
            "Ridge has no leave-one-out residuals: fit it with intervals=True (partial_fit cannot).")):
        Ridge().fit(X, y).predict_interval(X)
    with pytest.raises(NotFittedError, match=exactly(
            "RidgeCV has no leave-one-out residuals: fit it with cv=None.")):
        RidgeCV(cv=3).fit(X, y).predict_interval(X)
    with pytest.raises(NotFittedError, match=exactly(
            "LinearRegression keeps no leave-one-out fits: fit it with intervals='jackknife+' (it stores "
            "n_features × n_samples numbers).")):
        LinearRegression(intervals=True).fit(X, y).predict_interval(X, method="jackknife+")
    with pytest.raises(ValueError, match=exactly(
            "intervals must be one of False, True, 'loo', 'jackknife+', got 'bootstrap'.")):
        Ridge(intervals="bootstrap").fit(X, y)
    with pytest.raises(ValueError, match=exactly(
            "intervals='jackknife+' needs one alpha for every target; fit the targets separately.")):
        Ridge(alpha=[1.0, 2.0], intervals="jackknife+").fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match=exactly(
            "jackknife+ needs alpha > 0 with fewer samples than features: every leave-one-out fit of the "
            "minimum-norm solution interpolates its left-out sample.")):
        LinearRegression(intervals="jackknife+").fit(rng.standard_normal((5, 8)), rng.standard_normal(5))


def test_leave_one_out_needs_two_samples():
    Ridge(intervals=True).fit(np.array([[0.0], [1.0]]), np.array([0.0, 2.0]))  # two are enough
    with pytest.raises(ValueError, match=exactly(
            "Leave-one-out needs at least 2 samples, got n_samples=1: use intervals=False (or RidgeCV with "
            "cv=None) only with more samples.")):
        Ridge(intervals=True).fit(np.array([[1.0]]), np.array([1.0]))


def test_jackknife_needs_dense_x(rng):
    X = sp.random(30, 5, density=0.5, format="csr", random_state=0)
    with pytest.raises(NotImplementedError, match=exactly(
            "intervals='jackknife+' needs dense X (its basis is a dense n_features × n_samples matrix); use "
            "intervals='loo', or X.toarray().")):
        Ridge(intervals="jackknife+").fit(X, rng.standard_normal(30))


@pytest.mark.parametrize("estimator", [Ridge, RidgeCV])
def test_refitting_without_jackknife_drops_the_old_basis(rng, estimator):
    X, y = rng.standard_normal((30, 3)), rng.standard_normal(30)
    model = estimator(intervals="jackknife+").fit(X, y)
    assert model.jackknife_basis_.shape == (3, 30)
    model.set_params(intervals="loo").fit(X[:20], y[:20])
    assert not hasattr(model, "jackknife_basis_")
    with pytest.raises(NotFittedError, match="keeps no leave-one-out fits"):
        model.predict_interval(X, method="jackknife+")


def test_the_jackknife_basis_checks_memory_first(rng, monkeypatch):
    n_samples, n_features = 100, 50
    needed = 8 * n_samples * n_features * 2
    monkeypatch.setattr(memory, "CHECK_FROM_BYTES", 0)
    X = rng.standard_normal((n_samples, n_features))
    monkeypatch.setattr(memory, "available_memory", lambda: needed)
    influence_basis(X, None, X.mean(axis=0), 1.0, True)  # exactly enough
    monkeypatch.setattr(memory, "available_memory", lambda: needed - 1)
    with pytest.raises(InsufficientMemoryError, match=exactly(
            "the jackknife+ basis (50 × 100) need 80,000 bytes but only 79,999 bytes of memory is available. "
            "Use intervals=True (leave-one-out intervals), which keep n_samples numbers only.")):
        influence_basis(X, None, X.mean(axis=0), 1.0, True)


@pytest.mark.parametrize("X", [
    np.c_[np.ones(10), np.zeros(10)],          # a zero column: exactly singular
    np.c_[np.arange(10.0), np.ones(10)] * 1e160,  # its Gram overflows to inf
], ids=["singular", "overflowing"])
@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_a_singular_jackknife_basis_is_reported(X):
    with pytest.raises(ValueError, match=exactly(
            "the jackknife+ basis is not finite: the design is singular; add a ridge penalty.")):
        influence_basis(X, None, np.zeros(2), 0.0, False)


def test_jackknife_bounds_at_many_samples_are_the_sorted_ranks(rng):
    # n = 301: np.partition's selection no longer sorts everything, so a wrong partition index shows
    n_samples = 301
    X = rng.standard_normal((n_samples, 4)) + 1.0
    y = X @ rng.standard_normal(4) + rng.standard_normal(n_samples)
    candidates = rng.standard_normal((50, 4))
    model = Ridge(alpha=0.3, intervals="jackknife+").fit(X, y)
    lower, upper = model.predict_interval(candidates, coverage=0.9, method="jackknife+")
    centre = X.mean(axis=0)
    G, c = influence_basis(X, None, centre, 0.3, True)
    r = model.loo_residuals_
    left_out = model.predict(candidates)[:, None] - ((candidates - centre) @ G + c) * r
    low, high = _ranks(n_samples, 0.9)
    np.testing.assert_allclose(lower, np.sort(left_out - np.abs(r), axis=1)[:, low - 1], rtol=1e-12)
    np.testing.assert_allclose(upper, np.sort(left_out + np.abs(r), axis=1)[:, high - 1], rtol=1e-12)
