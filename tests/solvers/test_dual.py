"""The n×n (dual) driver against textbook NumPy references; safe products; the memory check."""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import naive
from fastreg._solvers import dual, memory, products
from fastreg import LinearRegression, Ridge
from fastreg.exceptions import InsufficientMemoryError, RankDeficiencyWarning


def wide(rng, n_samples=25, n_features=120, n_targets=2, offset=50.0):
    X = rng.standard_normal((n_samples, n_features)) + offset  # a large offset: centring must keep digits
    Y = rng.standard_normal((n_samples, n_targets))
    return X, Y


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dual_ridge_matches_the_textbook_kernel_solve(rng, fit_intercept, weighted, order, dtype):
    X, Y = wide(rng)
    X = np.asarray(X, dtype=dtype, order=order)
    w = rng.uniform(0.2, 3.0, X.shape[0]) if weighted else None
    problem = dual.dual_problem(X, Y, w, fit_intercept)
    alphas = np.array([0.5, 20.0])  # one penalty per target
    coef = dual.primal_coef(X, problem, problem.dual_coef(alphas))
    for t, alpha in enumerate(alphas):
        want, intercept = naive.kernel_ridge(X, Y[:, t], alpha, w, fit_intercept)
        np.testing.assert_allclose(coef[:, t], want[:, 0], rtol=1e-9, atol=1e-12)
        got_intercept = problem.y_offset[t] - problem.x_offset @ coef[:, t]
        assert got_intercept == pytest.approx(intercept[0], rel=1e-9, abs=1e-10)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_dual_ols_is_the_minimum_norm_lstsq_solution_and_warns(rng, fit_intercept):
    from fastreg import RankDeficiencyWarning

    X, Y = wide(rng, offset=0.0)
    problem = dual.dual_problem(X, Y, None, fit_intercept)
    with pytest.warns(RankDeficiencyWarning, match=r"rank deficient \(numerical rank \d+ of 120 features\)"):
        coef = dual.primal_coef(X, problem, problem.dual_coef(np.zeros(2)))
    want, _ = naive.kernel_ridge(X, Y, 0.0, None, fit_intercept)
    np.testing.assert_allclose(coef, want, rtol=1e-8, atol=1e-11)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.3, 10.0])
def test_dual_loo_residuals_equal_bruteforce_refits(rng, fit_intercept, alpha):
    X, Y = wide(rng, n_samples=15, n_features=40, n_targets=1, offset=2.0)
    problem = dual.dual_problem(X, Y, None, fit_intercept)
    got = problem.loo_residuals(np.array([alpha]))[:, 0]
    np.testing.assert_allclose(got, naive.loo_residuals_bruteforce(X, Y[:, 0], alpha, fit_intercept),
                               rtol=1e-8, atol=1e-10)
    grid = problem.loo_residuals_grid(np.array([alpha, 2 * alpha]))
    np.testing.assert_allclose(grid[:, 0, 0], got, rtol=1e-9)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 1e-6, 0.5])
@pytest.mark.parametrize("case", ["plain", "zero weight", "repeated row"])
def test_dual_loo_residuals_near_interpolation_equal_refits(rng, fit_intercept, alpha, case):
    """Found by scikit-learn's own suite: at tiny α the fit nearly interpolates and eᵢ/(1 - hᵢᵢ)
    lost its digits (1e-3 off); zero weights and repeated rows make K's null space degenerate."""
    X = rng.standard_normal((12, 30)) + 1.0
    y = rng.standard_normal(12)
    w = rng.random(12) + 0.5
    if case == "zero weight":
        w[3] = 0.0
    if case == "repeated row":
        X[5] = X[4]
    model = (Ridge(alpha=alpha, fit_intercept=fit_intercept) if alpha else LinearRegression(fit_intercept=fit_intercept))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RankDeficiencyWarning)
        fitted = model.set_params(intervals=True).fit(X, y, w)
    assert fitted.form_ == "dual"
    expected = naive.loo_residuals_lstsq(X, y, w, alpha, fit_intercept)
    tolerance = 1e-7 if (alpha == 1e-6 and case == "repeated row") else 1e-12  # κ ≈ 1e7 there
    np.testing.assert_allclose(fitted.loo_residuals_, expected, rtol=tolerance, atol=tolerance * np.abs(expected).max())


def test_weighted_hat_diagonal_equals_the_explicit_hat_matrix(rng):
    X, Y = wide(rng, n_samples=12, n_features=30, n_targets=1, offset=1.0)
    w = rng.uniform(0.5, 2.0, 12)
    w[3] = 0.0  # a zero weight has leverage 0 and its residual stays defined
    problem = dual.dual_problem(X, Y, w, True)
    mx = w @ X / w.sum()
    Xt = np.sqrt(w)[:, None] * (X - mx)
    H = Xt @ np.linalg.solve(Xt.T @ Xt + 2.0 * np.eye(30), Xt.T) + np.outer(np.sqrt(w), np.sqrt(w)) / w.sum()
    np.testing.assert_allclose(problem.hat_diagonal(2.0), np.diag(H), rtol=1e-9, atol=1e-12)
    assert np.isfinite(problem.loo_residuals(np.array([2.0]))).all()


def test_add_gram_panels_equal_syrk(rng, monkeypatch):
    A = rng.standard_normal((40, 70))
    direct = products.add_gram(A, np.zeros((70, 70)))
    monkeypatch.setattr(products, "SYRK_MAX_SIZE", 16)
    monkeypatch.setattr(products, "PANEL_COLUMNS", 32)
    paneled = products.add_gram(A.T.T, np.zeros((70, 70)))
    np.testing.assert_allclose(paneled, A.T @ A, rtol=1e-12)
    np.testing.assert_allclose(direct, paneled, rtol=1e-12)
    np.testing.assert_allclose(products.add_gram(A.T, np.zeros((40, 40))), A @ A.T, rtol=1e-12)


def test_memory_check_raises_before_allocating(monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 100 << 20)
    with pytest.raises(InsufficientMemoryError, match=r"need 1\.1 GB but only 104\.9 MB .* Use fewer") as info:
        memory.require_memory(1 << 30, "the 11,585 × 11,585 kernel", "Use fewer samples.")
    assert isinstance(info.value, MemoryError) and info.value.needed == 1 << 30
    memory.require_memory(50 << 20, "small", "")  # fits: no error


def test_partial_fit_with_too_many_features_says_what_to_do_instead(rng, monkeypatch):
    from fastreg import Ridge

    monkeypatch.setattr(memory, "available_memory", lambda: 1 << 30)
    X = rng.standard_normal((5, 10_000))
    with pytest.raises(InsufficientMemoryError, match=r"10,000 × 10,000 sufficient statistics need 2\.4 GB.*dual"):
        Ridge().partial_fit(X, rng.standard_normal(5))
    assert Ridge().fit(X, rng.standard_normal(5)).form_ == "dual"  # fit needs only 5 × 5


@pytest.mark.parametrize("shape", [(300, 20_000), (500, 20_000)])
def test_wide_fits_exit_normally_in_a_subprocess(shape):
    # numpy's Z.T @ Z at this width segfaults in the bundled OpenBLAS: no fit may reach it
    code = textwrap.dedent(f"""
        import numpy as np, warnings, fastreg
        rng = np.random.default_rng(0)
        X = rng.standard_normal({shape}); y = rng.standard_normal({shape[0]})
        warnings.simplefilter("ignore", fastreg.RankDeficiencyWarning)
        for model in (fastreg.LinearRegression(), fastreg.Ridge(), fastreg.RidgeCV(alphas=[0.1, 1, 10])):
            model.fit(X, y)
            assert model.form_ == "dual" and np.isfinite(model.coef_).all()
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


def test_a_wide_fit_never_allocates_p_by_p(rng):
    import tracemalloc

    from fastreg import Ridge

    X = rng.standard_normal((200, 100_000))
    y = rng.standard_normal(200)
    Ridge().fit(X[:20, :200], y[:20])  # compile and import outside the measurement
    tracemalloc.start()
    Ridge().fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 0.5 * X.nbytes  # p×p would be 80 GB; a centred copy of X 160 MB


@pytest.mark.parametrize("offset", [0.0, 0.1, 1e6])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_both_centring_routes_keep_digits(rng, offset, fit_intercept):
    # small means: one SYRK of X and a rank-one correction; large: centred float64 blocks
    X = rng.standard_normal((20, 90)) + offset
    gram, mean, _ = dual.centred_gram(X, None, fit_intercept)
    centred = X - X.mean(axis=0) if fit_intercept else X
    assert dual.centres_by_correction(X, mean) == (offset < 1 or not fit_intercept)
    np.testing.assert_allclose(gram, centred @ centred.T, rtol=1e-9, atol=1e-9 * np.abs(centred @ centred.T).max())
    problem = dual.dual_problem(X, rng.standard_normal((20, 1)), None, fit_intercept)
    a = rng.standard_normal((20, 1))
    np.testing.assert_allclose(dual.primal_coef(X, problem, a), centred.T @ a, rtol=1e-8,
                               atol=1e-9 * np.abs(centred.T @ a).max())
