"""The normal-equations driver against explicit NumPy/SciPy solutions: Cholesky, the minimum-norm
fallback and its rank cutoff, every wording of the rank warning, the condition estimate and the
refinement on the data."""

import re
import warnings

import numpy as np
import pytest
import scipy.linalg

from conftest import rank_warning
from fastreg._solvers.leverage import factor_gram
from fastreg._solvers.normal_equations import (EIGEN_RCOND, minimum_norm_solve, refine_with_data, scaled_condition,
                                               solve_normal_equations)
from fastreg.exceptions import RankDeficiencyWarning


def test_each_penalty_is_solved_with_its_own_factor(rng):
    Z = rng.standard_normal((50, 4))
    A, B = Z.T @ Z, rng.standard_normal((4, 5))
    alpha = np.array([0.0, 2.0, 0.0, 0.5, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        coef, condition = solve_normal_equations(A, B, alpha, with_condition=True)
    for t in range(5):
        np.testing.assert_allclose(coef[:, t], np.linalg.solve(A + alpha[t] * np.eye(4), B[:, t]), rtol=1e-12)
    worst = max(np.linalg.cond(_scaled(A, value)) for value in np.unique(alpha))
    assert 0.5 * worst <= condition <= worst * (1 + 1e-9)
    np.testing.assert_array_equal(solve_normal_equations(A, B, alpha), coef)


def _scaled(A, alpha):
    M = A + alpha * np.eye(A.shape[0])
    d = np.sqrt(np.diag(M))
    return M / np.outer(d, d)


@pytest.mark.parametrize("p, alpha", [(6, 0.0), (6, 0.3), (20, 1e-3)])
def test_scaled_condition_estimates_the_condition_of_the_scaled_system(rng, p, alpha):
    Z = rng.standard_normal((200, p)) * np.logspace(0, 3, p)
    Z[:, 1] = Z[:, 0] + 1e-3 * Z[:, 1]
    A = Z.T @ Z
    L, scale, failed = factor_gram(A, alpha)
    assert failed < 0
    exact = np.linalg.cond(_scaled(A, alpha))
    assert 0.5 * exact <= scaled_condition(A, alpha, L, scale) <= exact * (1 + 1e-9)


def test_a_constant_first_feature_goes_to_the_minimum_norm_solution(rng):
    Z = np.c_[np.zeros(30), rng.standard_normal((30, 2))]
    A, B = Z.T @ Z, Z.T @ rng.standard_normal((30, 1))
    message = rank_warning("rank deficient (numerical rank 2 of 3 features)", "feature 0 is constant (zero variance)")
    with pytest.warns(RankDeficiencyWarning, match=message):
        coef, condition = solve_normal_equations(A, B, np.array([0.0]), with_condition=True)
    np.testing.assert_allclose(coef, np.linalg.pinv(A) @ B, rtol=1e-10, atol=1e-14)
    assert condition == np.inf


def test_minimum_norm_solution_equals_lstsq_on_the_design(rng):
    Z = rng.standard_normal((40, 3))
    Z = np.c_[Z, Z[:, 0] - 2 * Z[:, 2], Z[:, 1]]  # rank 3 of 5
    y = rng.standard_normal(40)
    want = scipy.linalg.lstsq(Z, y)[0]
    message = rank_warning("rank deficient (numerical rank 3 of 5 features)", "the Gram matrix is singular")
    with pytest.warns(RankDeficiencyWarning, match=message):
        got = minimum_norm_solve(Z.T @ Z, (Z.T @ y)[:, None], 0.0)
    assert got.shape == (5, 1)
    np.testing.assert_allclose(got[:, 0], want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("scale", [1.0, 1e-20, 1e20])
def test_the_rank_cutoff_is_relative_to_the_largest_eigenvalue(scale):
    # diagonal: its eigenvalues are exact. The cutoff is 3 · 10 eps · λmax = 6.7e-15 λmax
    eigenvalues = np.array([1.0, 2e-15, 1e-16, 4e-14]) * scale
    assert 2e-15 < 4 * EIGEN_RCOND < 4e-14
    B = np.ones((4, 2)) * scale
    got = minimum_norm_solve(np.diag(eigenvalues), B, 0.0, warn=False)
    np.testing.assert_allclose(got, [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0], [2.5e13, 2.5e13]], rtol=1e-12)


def test_the_cutoff_applies_to_the_penalised_matrix(rng):
    Z = rng.standard_normal((30, 3))
    A, B = Z.T @ Z, rng.standard_normal((3, 2))
    got = minimum_norm_solve(A, B, 0.5, warn=False)
    np.testing.assert_allclose(got, np.linalg.solve(A + 0.5 * np.eye(3), B), rtol=1e-12)


def test_a_zero_gram_gives_zero_coefficients_and_rank_one_keeps_its_direction():
    with pytest.warns(RankDeficiencyWarning, match=re.escape("numerical rank 0 of 3 features")):
        zero = minimum_norm_solve(np.zeros((3, 3)), np.ones((3, 2)), 0.0)
    assert zero.shape == (3, 2) and not zero.any()
    u = np.array([1.0, 2.0, 2.0])
    one = minimum_norm_solve(np.outer(u, u), u[:, None], 0.0, warn=False)
    np.testing.assert_allclose(one[:, 0], u / 9.0, rtol=1e-12)


@pytest.mark.parametrize("diagonal, alpha, pivot, why, state", [
    ([4.0, 0.5, 1.0], 0.0, 1, "feature 1 is (numerically) a linear combination of features 0..0", None),
    ([4.0, 0.3, 1.0], 0.5, 1, "feature 1 is (numerically) a linear combination of features 0..0", None),
    ([4.0, 1.0, 0.0], 0.0, 2, "feature 2 is constant (zero variance)", "rank deficient (numerical rank 2 of 3 features)"),
    ([4.0, 1.0, 1e-10], 0.0, 2, "feature 2 is (numerically) a linear combination of features 0..1",
     "ill-conditioned (condition number of the normal equations ~4.0e+10)"),
])
def test_each_wording_of_the_rank_warning(diagonal, alpha, pivot, why, state):
    A = np.diag(diagonal)
    if state is None:
        shifted = np.array(diagonal) + alpha
        state = f"ill-conditioned (condition number of the normal equations ~{shifted.max() / shifted.min():.1e})"
    with pytest.warns(RankDeficiencyWarning, match=rank_warning(state, why)):
        minimum_norm_solve(A, np.ones((3, 1)), alpha, failed_pivot=pivot)


@pytest.mark.parametrize("weighted", [False, True])
def test_refinement_on_the_data_reaches_the_least_squares_solution(rng, weighted):
    n, p = 50, 3
    X = rng.standard_normal((n, p)) + 100.0
    Y = X @ rng.standard_normal((p, 2)) + rng.standard_normal((n, 2))
    w = rng.random(n) + 0.5 if weighted else np.ones(n)
    x_offset, y_offset = w @ X / w.sum(), w @ Y / w.sum()
    Xc, Yc = X - x_offset, Y - y_offset
    alphas = np.array([0.0, 3.0])
    A = Xc.T @ (w[:, None] * Xc)
    want = np.stack([np.linalg.solve(A + a * np.eye(p), Xc.T @ (w * Yc[:, t])) for t, a in enumerate(alphas)], axis=1)
    start = want * (1 + 1e-3 * rng.standard_normal(want.shape))
    refined = refine_with_data(X, Y, w if weighted else None, start, x_offset, y_offset, alphas, A, row_block=7)
    np.testing.assert_allclose(refined, want, rtol=1e-10)
    assert not np.shares_memory(refined, start)
    # already at the solution: one step, which changes nothing
    again = refine_with_data(X, Y, w if weighted else None, refined, x_offset, y_offset, alphas, A, row_block=7)
    np.testing.assert_allclose(again, want, rtol=1e-10)


def test_scaled_condition_with_a_penalty_as_large_as_the_gram(rng):
    Z = rng.standard_normal((40, 5))
    A = Z.T @ Z
    alpha = float(np.mean(np.diag(A)))  # the penalty carries half of every diagonal entry
    L, scale, failed = factor_gram(A, alpha)
    exact = np.linalg.cond(_scaled(A, alpha))
    assert 0.5 * exact <= scaled_condition(A, alpha, L, scale) <= exact * (1 + 1e-9)
