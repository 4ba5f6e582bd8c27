"""solve_batched against per-problem scikit-learn fits."""

import numpy as np
import pytest
import sklearn.linear_model as sk
from hypothesis import given, settings
from hypothesis import strategies as st

from fastreg import RankDeficiencyWarning, solve_batched


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 2.5])
def test_matches_loop_of_scikit_learn_fits(rng, fit_intercept, alpha):
    X = rng.standard_normal((50, 30, 5)) + 2
    y = rng.standard_normal((50, 30))
    coef, intercept = solve_batched(X, y, alpha=alpha, fit_intercept=fit_intercept)
    for b in range(50):
        ref = sk.Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky").fit(X[b], y[b])
        np.testing.assert_allclose(coef[b], ref.coef_, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(intercept[b], ref.intercept_, rtol=1e-9, atol=1e-12)


def test_alpha_per_problem_and_float32(rng):
    X = rng.standard_normal((8, 20, 3)).astype(np.float32)
    y = rng.standard_normal((8, 20)).astype(np.float32)
    alphas = np.linspace(0, 5, 8)
    coef, intercept = solve_batched(X, y, alpha=alphas)
    assert coef.dtype == np.float32 and intercept.dtype == np.float32
    for b in range(8):
        ref = sk.Ridge(alpha=alphas[b], solver="cholesky").fit(X[b].astype(float), y[b].astype(float))
        np.testing.assert_allclose(coef[b], ref.coef_, rtol=1e-4, atol=1e-5)


def test_singular_problems_are_listed_and_get_minimum_norm(rng):
    X = rng.standard_normal((6, 12, 3))
    X[2, :, 2] = X[2, :, 0]  # duplicate column
    X[4, :, 1] = 7.0  # constant column
    y = rng.standard_normal((6, 12))
    with pytest.warns(RankDeficiencyWarning, match=r"2 of 6 problems .*problems 2, 4"):
        coef, intercept = solve_batched(X, y)
    for b in (2, 4):
        ref = sk.LinearRegression().fit(X[b], y[b])
        np.testing.assert_allclose(coef[b], ref.coef_, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(intercept[b], ref.intercept_, rtol=1e-6, atol=1e-9)


@settings(max_examples=20, deadline=None)
@given(n_problems=st.integers(1, 40), n_samples=st.integers(4, 20), n_features=st.integers(1, 4), seed=st.integers(0, 999))
def test_batched_equals_per_problem_solve(n_problems, n_samples, n_features, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_problems, n_samples, n_features))
    y = rng.standard_normal((n_problems, n_samples))
    coef, intercept = solve_batched(X, y, alpha=0.1)
    for b in range(n_problems):
        one_coef, one_intercept = solve_batched(X[b : b + 1], y[b : b + 1], alpha=0.1)
        np.testing.assert_allclose(coef[b], one_coef[0], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(intercept[b], one_intercept[0], rtol=1e-12, atol=1e-14)
