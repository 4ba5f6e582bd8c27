"""Sufficient statistics: centring by rank-one correction, additivity, invariances."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import naive
from fastreg._solvers.statistics import BLAS_MIN_FEATURES, sufficient_stats


def test_centred_normal_equations_match_explicit_centring(rng):
    X = rng.standard_normal((500, 5)) * 3 + 1e4  # large mean: naive sums would lose digits
    Y = rng.standard_normal((500, 2))
    w = rng.random(500)
    A, B, _, mean_x, mean_y = sufficient_stats(X, Y, w).normal_equations(fit_intercept=True)
    A_ref, B_ref, mx_ref, my_ref = naive.centered_normal_equations(X, Y, w)
    np.testing.assert_allclose(A, A_ref, rtol=1e-10)
    np.testing.assert_allclose(B, B_ref, rtol=1e-9, atol=1e-9 * np.abs(B_ref).max())
    np.testing.assert_allclose(mean_x, mx_ref, rtol=1e-13)
    np.testing.assert_allclose(mean_y, my_ref, rtol=1e-12, atol=1e-12)


def test_uncentred_equations_are_about_zero(rng):
    X = rng.standard_normal((50, 3)) + 2
    Y = rng.standard_normal((50, 1))
    A, B, yy, x_offset, y_offset = sufficient_stats(X, Y).normal_equations(fit_intercept=False)
    np.testing.assert_allclose(A, X.T @ X, rtol=1e-12)
    np.testing.assert_allclose(B, X.T @ Y, rtol=1e-12)
    np.testing.assert_allclose(yy, Y.T @ Y, rtol=1e-12)
    assert not x_offset.any() and not y_offset.any()


chunk_cuts = st.lists(st.integers(1, 119), max_size=4).map(lambda c: sorted(set(c)))


@settings(max_examples=30, deadline=None)
@given(cuts=chunk_cuts, seed=st.integers(0, 2**16))
def test_chunked_statistics_add_up_to_one_shot(cuts, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((120, 4)) + 5
    Y = rng.standard_normal((120, 2))
    w = rng.random(120)
    whole = sufficient_stats(X, Y, w)
    bounds = [0, *cuts, 120]
    parts = [sufficient_stats(X[a:b], Y[a:b], w[a:b]) for a, b in zip(bounds, bounds[1:])]  # own shifts
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    for fit_intercept in (True, False):
        for got, want in zip(total.normal_equations(fit_intercept), whole.normal_equations(fit_intercept)):
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
    assert total.n_samples == 120


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_row_permutation_invariance_and_subtraction(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((90, 3))
    Y = rng.standard_normal((90, 1))
    order = rng.permutation(90)
    a = sufficient_stats(X, Y).normal_equations(True)
    b = sufficient_stats(X[order], Y[order]).normal_equations(True)
    for got, want in zip(a, b):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    whole = sufficient_stats(X, Y)
    held = sufficient_stats(X[:30], Y[:30], shift=(whole.shift_x, whole.shift_y))
    rest = sufficient_stats(X[30:], Y[30:])
    for got, want in zip((whole - held).normal_equations(True), rest.normal_equations(True)):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


def test_parallel_equals_serial(rng):
    X = rng.standard_normal((10_000, 8))
    Y = rng.standard_normal((10_000, 1))
    one = sufficient_stats(X, Y, n_chunks=1)
    many = sufficient_stats(X, Y, n_chunks=7, shift=(one.shift_x, one.shift_y))
    np.testing.assert_allclose(many.xtx, one.xtx, rtol=1e-12)
    np.testing.assert_allclose(many.xty, one.xty, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("n_features", [BLAS_MIN_FEATURES - 1, BLAS_MIN_FEATURES + 3])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_both_gram_engines_match_the_reference(rng, n_features, weighted, dtype):
    X = (rng.standard_normal((300, n_features)) + 4).astype(dtype)
    Y = rng.standard_normal((300, 2))
    w = rng.random(300) if weighted else None
    stats = sufficient_stats(X, Y, w)
    G = naive.augmented_gram(X, Y, w, stats.shift_x, stats.shift_y)
    p = n_features
    np.testing.assert_allclose(stats.xtx, G[:p, :p], rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(stats.xty, G[:p, p:p + 2], rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(stats.x_sum, G[:p, -1], rtol=1e-10, atol=1e-9)
    assert stats.sum_weights == pytest.approx(G[-1, -1], rel=1e-12)


def test_fold_statistics_sum_to_the_total_or_fall_back(rng):
    from sklearn.model_selection import KFold, ShuffleSplit

    from fastreg._solvers.statistics import fold_statistics

    X = rng.standard_normal((90, 4)) + 7
    Y = rng.standard_normal((90, 2))
    w = rng.random(90)
    one_shot = sufficient_stats(X, Y, w)
    for splitter in (KFold(4, shuffle=True, random_state=0), ShuffleSplit(5, test_size=0.3, random_state=0)):
        splits = list(splitter.split(X))
        total, helds = fold_statistics(X, Y, w, splits)
        for got, want in zip(total.normal_equations(True), one_shot.normal_equations(True)):
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
        for held, (_, test) in zip(helds, splits):
            direct = sufficient_stats(X[test], Y[test], w[test])
            for got, want in zip(held.normal_equations(True), direct.normal_equations(True)):
                np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
