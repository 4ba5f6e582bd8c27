"""LinearRegression and Ridge against scikit-learn and SciPy."""

import warnings

import numpy as np
import pytest
import scipy.linalg
import sklearn.linear_model as sk
from hypothesis import given, settings
from hypothesis import strategies as st

import naive
from conftest import make_regression
from fastreg import LinearRegression, RankDeficiencyWarning, Ridge, sufficient_stats

PAIRS = [
    (lambda: LinearRegression(), lambda: sk.LinearRegression()),
    (lambda: Ridge(alpha=0.7), lambda: sk.Ridge(alpha=0.7, solver="cholesky")),
    (lambda: LinearRegression(fit_intercept=False), lambda: sk.LinearRegression(fit_intercept=False)),
    (lambda: Ridge(alpha=3.0, fit_intercept=False), lambda: sk.Ridge(alpha=3.0, fit_intercept=False, solver="cholesky")),
]


@pytest.mark.parametrize("make", PAIRS)
@pytest.mark.parametrize("n_targets", [None, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_scikit_learn_float64(rng, make, n_targets, weighted):
    X, y = make_regression(rng, n_targets=n_targets)
    w = rng.random(len(X)) * 2 if weighted else None
    ours, ref = make[0]().fit(X, y, sample_weight=w), make[1]().fit(X, y, sample_weight=w)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-7, atol=1e-10)
    assert ours.score(X, y) == pytest.approx(ref.score(X, y), rel=1e-10)


@pytest.mark.parametrize("make", PAIRS[:2])
def test_float32_stays_float32_and_agrees(rng, make):
    X, y = make_regression(rng, dtype=np.float32)
    ours, ref = make[0]().fit(X, y), make[1]().fit(X, y)
    assert ours.coef_.dtype == np.float32 and ours.predict(X).dtype == np.float32
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=2e-4, atol=2e-4)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=2e-4, atol=2e-3)


def test_ridge_alpha_per_target(rng):
    X, Y = make_regression(rng, n_targets=3)
    alphas = np.array([0.1, 10.0, 0.1])
    ours = Ridge(alpha=alphas).fit(X, Y)
    ref = sk.Ridge(alpha=alphas, solver="cholesky").fit(X, Y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8)


def test_fortran_order_input(rng):
    X, y = make_regression(rng)
    np.testing.assert_allclose(
        LinearRegression().fit(np.asfortranarray(X), y).coef_, LinearRegression().fit(X, y).coef_, rtol=1e-12
    )


def test_large_mean_keeps_digits(rng):
    X, y = make_regression(rng, offset=1e6)
    ours = LinearRegression().fit(X, y)
    ref_coef, ref_intercept = naive.lstsq_fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref_coef, rtol=1e-7)


@pytest.mark.parametrize("condition", [1e2, 1e4, 1e5])
def test_ill_conditioned_full_rank_agrees_with_lstsq(rng, condition):
    U, _ = np.linalg.qr(rng.standard_normal((400, 8)))
    V, _ = np.linalg.qr(rng.standard_normal((8, 8)))
    X = U @ np.diag(np.logspace(0, -np.log10(condition), 8)) @ V.T
    y = X @ rng.standard_normal(8) + 1e-3 * rng.standard_normal(400)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RankDeficiencyWarning)  # full rank: no fallback
        ours = LinearRegression(fit_intercept=False).fit(X, y)
    ref = scipy.linalg.lstsq(X, y)[0]
    assert np.linalg.norm(ours.coef_ - ref) <= 1e-4 * np.linalg.norm(ref)


@pytest.mark.parametrize(
    "case",
    ["duplicate", "collinear", "constant", "wide"],
)
def test_singular_designs_warn_and_return_minimum_norm(rng, case):
    X = rng.standard_normal((40, 5))
    if case == "duplicate":
        X = np.c_[X, X[:, 1]]
    elif case == "collinear":
        X = np.c_[X, X[:, 0] - 2 * X[:, 3]]
    elif case == "constant":
        X[:, 2] = 4.2
    else:
        X = rng.standard_normal((6, 10))
    y = X @ rng.standard_normal(X.shape[1]) + 0.1 * rng.standard_normal(X.shape[0])
    with pytest.warns(RankDeficiencyWarning, match="minimum-norm"):
        ours = LinearRegression().fit(X, y)
    ref_coef, ref_intercept = naive.lstsq_fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref_coef, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref_intercept, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.coef_, sk.LinearRegression().fit(X, y).coef_, rtol=1e-6, atol=1e-8)


def test_constant_column_named_in_warning(rng):
    X = rng.standard_normal((30, 3))
    X[:, 1] = 1.0
    with pytest.warns(RankDeficiencyWarning, match="feature 1 is constant"):
        LinearRegression().fit(X, rng.standard_normal(30))


def test_singular_without_intercept_but_ridge_is_fine(rng):
    X = rng.standard_normal((40, 3))
    X = np.c_[X, X[:, 0]]
    y = rng.standard_normal(40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = Ridge(alpha=1.0).fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.Ridge(alpha=1.0, solver="cholesky").fit(X, y).coef_, rtol=1e-8)


@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.integers(1, 149), max_size=5).map(lambda c: sorted(set(c))), seed=st.integers(0, 2**16), weighted=st.booleans())
def test_partial_fit_in_chunks_equals_fit(cuts, seed, weighted):
    rng = np.random.default_rng(seed)
    X, y = make_regression(rng, n_samples=150, n_features=4, n_targets=2)
    w = rng.random(150) if weighted else None
    whole = Ridge(alpha=0.3).fit(X, y, sample_weight=w)
    chunked = Ridge(alpha=0.3)
    bounds = [0, *cuts, 150]
    for a, b in zip(bounds, bounds[1:]):
        chunked.partial_fit(X[a:b], y[a:b], sample_weight=None if w is None else w[a:b])
    np.testing.assert_allclose(chunked.coef_, whole.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(chunked.intercept_, whole.intercept_, rtol=1e-9, atol=1e-12)
    assert chunked.stats_.n_samples == 150


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_row_permutation_gives_same_model(seed):
    rng = np.random.default_rng(seed)
    X, y = make_regression(rng, n_samples=60, n_features=3)
    order = rng.permutation(60)
    a, b = LinearRegression().fit(X, y), LinearRegression().fit(X[order], y[order])
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10, atol=1e-12)


def test_partial_fit_rejects_changed_shape(rng):
    X, y = make_regression(rng)
    model = LinearRegression().partial_fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, :3], y)
    with pytest.raises(ValueError, match="target"):
        model.partial_fit(X, np.c_[y, y])


def test_fit_resets_partial_state(rng):
    X, y = make_regression(rng)
    model = LinearRegression().partial_fit(X[:50], y[:50]).fit(X, y)
    assert model.stats_.n_samples == len(X)


@pytest.mark.parametrize("Estimator", [lambda: LinearRegression(), lambda: Ridge(alpha=2.0)], ids=["ols", "ridge"])
def test_fit_stats_of_summed_chunks_equals_fit(rng, Estimator):
    X, y = make_regression(rng, n_samples=300, n_features=7)
    stats = None
    for rows in np.array_split(np.arange(300), 4):
        part = sufficient_stats(X[rows], y[rows, None], shift=None if stats is None else (stats.shift_x, stats.shift_y))
        stats = part if stats is None else stats + part
    from_stats = Estimator().fit_stats(stats)
    direct = Estimator().fit(X, y)
    np.testing.assert_allclose(from_stats.coef_, direct.coef_, rtol=1e-10)
    assert from_stats.coef_.shape == (7,) and from_stats.n_features_in_ == 7
    np.testing.assert_allclose(from_stats.predict(X[:5]), direct.predict(X[:5]), rtol=1e-10)
    with pytest.raises(ValueError, match="NaN or inf"):
        Estimator().fit_stats(sufficient_stats(np.full((3, 7), np.nan), np.ones((3, 1))))
