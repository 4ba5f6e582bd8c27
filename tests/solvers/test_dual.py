"""The n×n (dual) driver against textbook NumPy references; safe products; the memory check."""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import naive
from conftest import exactly, rank_warning
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


# --- column blocks, centring routes, sparse X, the memory check, every rank warning -----------------------------

def test_column_blocks_cover_every_column_once_within_the_budget(monkeypatch):
    monkeypatch.setattr(dual, "COLUMN_BLOCK_BYTES", 8 * 10 * 3)  # 3 columns of 10 samples
    assert dual.column_blocks(10, 8) == [slice(0, 3), slice(3, 6), slice(6, 8)]
    assert dual.column_blocks(10, 3) == [slice(0, 3)]
    assert dual.column_blocks(1000, 2) == [slice(0, 1), slice(1, 2)]  # below one column: one at a time
    assert dual.column_blocks(0, 2) == [slice(0, 2)]  # no samples: 30 columns' budget


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_the_kernel_and_coefficients_in_many_column_blocks(rng, monkeypatch, dtype, weighted):
    X = (rng.standard_normal((12, 50)) + 1e4).astype(dtype)  # a large offset: the centred-block route
    w = rng.uniform(0.5, 2.0, 12) if weighted else None
    whole = dual.centred_gram(X, w, True)
    monkeypatch.setattr(dual, "COLUMN_BLOCK_BYTES", 8 * 12 * 7)  # 7 columns per block
    gram, mean, by_correction = dual.centred_gram(X, w, True)
    X64 = X.astype(np.float64)
    want_mean = np.average(X64, axis=0, weights=w)
    np.testing.assert_allclose(mean, want_mean, rtol=1e-13)
    centred = X64 - want_mean
    np.testing.assert_allclose(gram, centred @ centred.T, rtol=1e-10, atol=1e-10 * np.abs(centred @ centred.T).max())
    assert by_correction is False and whole.by_correction is False
    np.testing.assert_allclose(gram, whole.gram, rtol=1e-12, atol=1e-12 * np.abs(gram).max())
    problem = dual.dual_problem(X, rng.standard_normal((12, 1)), w, True, centred=(gram, mean, by_correction))
    a = rng.standard_normal((12, 2))
    want = centred.T @ (np.sqrt(np.ones(12) if w is None else w)[:, None] * a)
    np.testing.assert_allclose(dual.primal_coef(X, problem, a), want, rtol=1e-9, atol=1e-9 * np.abs(want).max())


@pytest.mark.parametrize("offset, dtype, fit_intercept, route", [
    (0.0, np.float64, True, True), (1e4, np.float64, True, False), (0.0, np.float32, True, False),
    (1e4, np.float64, False, True),
])
def test_which_centring_route(rng, offset, dtype, fit_intercept, route):
    X = (rng.standard_normal((10, 30)) + offset).astype(dtype)
    assert dual.centred_gram(X, None, fit_intercept).by_correction is route


def test_the_correction_route_is_taken_up_to_a_quarter_of_the_energy():
    X = np.full((2, 1), 2.0)  # energy per row 4
    assert dual.centres_by_correction(X, np.array([1.0]))  # 1 = 0.25 · 4
    assert not dual.centres_by_correction(X, np.array([1.01]))
    pilot = np.zeros((65, 1))
    pilot[64] = 1e3  # past the 64 pilot rows: not looked at
    assert not dual.centres_by_correction(pilot, np.array([1e-3]))


def test_huge_values_are_left_to_the_callers_finite_check():
    X = np.full((4, 6), 1e200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dual.centres_by_correction(X, np.full(6, 1e200))
        gram = dual.centred_gram(X, None, False).gram
    assert not np.isfinite(gram).all()


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_kernels_equal_the_dense_ones(rng, fit_intercept):
    import scipy.sparse as sp

    dense = np.where(rng.random((15, 40)) < 0.2, rng.standard_normal((15, 40)), 0.0)
    w = rng.uniform(0.5, 2.0, 15)
    gram, mean, by_correction = dual.centred_gram(sp.csr_matrix(dense), w, fit_intercept)
    want_mean = np.average(dense, axis=0, weights=w) if fit_intercept else np.zeros(40)
    centred = dense - want_mean
    np.testing.assert_allclose(mean, want_mean, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(gram, centred @ centred.T, rtol=1e-10, atol=1e-12)
    assert by_correction is True
    np.testing.assert_allclose(dual.weighted_column_means(sp.csc_matrix(dense), w), np.average(dense, axis=0, weights=w),
                               rtol=1e-13, atol=1e-15)


def test_the_kernel_memory_check_names_its_size(rng, monkeypatch):
    monkeypatch.setattr(memory, "CHECK_FROM_BYTES", 0)
    monkeypatch.setattr(memory, "available_memory", lambda: 3 * 8 * 12**2 - 1)
    with pytest.raises(InsufficientMemoryError, match=exactly(
            "the 12 × 12 kernel and its eigenvectors need 3,456 bytes but only 3,455 bytes of memory is available. "
            "Use fewer samples per fit, or an iterative solver (Lasso, GradientDescentRegressor).")):
        dual.centred_gram(rng.standard_normal((12, 30)), None, True)
    monkeypatch.setattr(memory, "available_memory", lambda: 3 * 8 * 12**2)
    dual.centred_gram(rng.standard_normal((12, 30)), None, True)


@pytest.mark.parametrize("fit_intercept, duplicated, why, rank", [
    (True, False, "there are 10 samples for 30 features and an intercept", 9),
    (False, False, "there are 10 samples for 30 features", 10),
    (True, True, "there are 10 samples for 30 features and an intercept, and the samples span only 6 directions "
                 "(duplicated or collinear rows)", 6),
])
def test_each_dual_rank_warning(rng, fit_intercept, duplicated, why, rank):
    X = rng.standard_normal((10, 30))
    if duplicated:
        X[7:] = X[:3]
    problem = dual.dual_problem(X, rng.standard_normal((10, 1)), None, fit_intercept)
    with pytest.warns(RankDeficiencyWarning, match=rank_warning(f"rank deficient (numerical rank {rank} of 30 features)", why)):
        problem.inverse_spectrum(0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        problem.inverse_spectrum(0.0, warn=False)
        problem.inverse_spectrum(0.5)  # a penalty keeps every direction


def test_a_penalty_below_the_kernels_precision_warns(rng):
    X = rng.standard_normal((10, 30)) * 1e10
    X[9] = X[8]  # a zero eigenvalue that 1e-30 cannot lift
    problem = dual.dual_problem(X, rng.standard_normal((10, 1)), None, False)
    largest = problem.eigenvalues.max() + 1e-30
    why = f"alpha = 1e-30 is below the numerical precision of the kernel (largest eigenvalue {largest:.3g})"
    with pytest.warns(RankDeficiencyWarning, match=rank_warning("rank deficient (numerical rank 9 of 30 features)", why)):
        inverse = problem.inverse_spectrum(1e-30)
    assert (inverse == 0).sum() == 1


def test_a_tall_full_rank_kernel_needs_no_warning(rng):
    X = rng.standard_normal((40, 5))
    problem = dual.dual_problem(X, rng.standard_normal((40, 1)), None, True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inverse = problem.inverse_spectrum(0.0)
    assert (inverse > 0).sum() == 5  # the kernel has rank p = 5: the other 35 directions are dropped, silently


def test_zero_weight_samples_leave_out_nothing_at_every_penalty_and_target(rng):
    X, Y = wide(rng, n_samples=14, n_features=40, n_targets=2, offset=1.0)
    w = rng.uniform(0.5, 2.0, 14)
    w[[3, 9]] = 0.0
    alphas = [0.5, 3.0, 20.0]
    grid = dual.dual_problem(X, Y, w, True).loo_residuals_grid(alphas)
    assert grid.shape == (14, 3, 2)
    for j, alpha in enumerate(alphas):
        coef, intercept = naive.kernel_ridge(X, Y, alpha, w, True)
        residual = Y - (intercept + X @ coef)
        np.testing.assert_allclose(grid[[3, 9], j, :], residual[[3, 9]], rtol=1e-9, atol=1e-10)


def test_loo_residuals_with_one_penalty_per_target(rng):
    X, Y = wide(rng, n_samples=12, n_features=30, n_targets=3, offset=2.0)
    got = dual.dual_problem(X, Y, None, True).loo_residuals(np.array([0.3, 10.0, 0.3]))
    for t, alpha in enumerate([0.3, 10.0, 0.3]):
        np.testing.assert_allclose(got[:, t], naive.loo_residuals_bruteforce(X, Y[:, t], alpha), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("scale", [1e-10, 1e10])
def test_the_dual_cutoffs_are_relative_to_the_kernel(rng, scale):
    # OLS and its leave-one-out residuals are unchanged when X is rescaled (coef by 1/scale)
    X, Y = wide(rng, n_samples=12, n_features=30, n_targets=1, offset=0.0)
    X[11] = X[10]  # a repeated row: the α → 0 leave-one-out limit takes its null-space branch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RankDeficiencyWarning)
        plain = dual.dual_problem(X, Y, None, True)
        scaled = dual.dual_problem(X * scale, Y, None, True)
        coef = dual.primal_coef(X, plain, plain.dual_coef(np.zeros(1)))
        coef_scaled = dual.primal_coef(X * scale, scaled, scaled.dual_coef(np.zeros(1)))
    np.testing.assert_allclose(coef_scaled * scale, coef, rtol=1e-7, atol=1e-9 * np.abs(coef).max())
    np.testing.assert_allclose(scaled.loo_residuals(np.zeros(1)), plain.loo_residuals(np.zeros(1)), rtol=1e-6, atol=1e-9)


def test_quiet_requests_stay_quiet(rng):
    X, Y = wide(rng, n_samples=10, n_features=30, n_targets=1, offset=0.0)
    X[9] = X[8]  # a repeated row: exact zeros in the leave-one-out spectrum
    problem = dual.dual_problem(X, Y, None, True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        problem.dual_coef(np.zeros(1), warn=False)
        problem.hat_diagonals([0.0, 1.0])
        grid = problem.loo_residuals_grid([0.0, 1.0])  # 1/(s + 0) on the null directions is masked, not warned
    assert np.isfinite(grid).all()


def test_a_pilot_that_misleads_still_keeps_digits(rng):
    # the first 64 rows are centred, the rest sit at 1e6: the trace check must send X to centred blocks
    X = rng.standard_normal((100, 300))
    X[64:] += 1e6
    gram, mean, by_correction = dual.centred_gram(X, None, True)
    centred = X - X.mean(axis=0)
    assert by_correction is False
    np.testing.assert_allclose(gram, centred @ centred.T, rtol=1e-9, atol=1e-9 * np.abs(centred @ centred.T).max())


def test_a_sparse_kernel_dominated_by_its_mean_is_still_corrected_in_place(rng):
    import scipy.sparse as sp

    dense = np.where(rng.random((15, 40)) < 0.9, 1e3 + rng.standard_normal((15, 40)), 0.0)
    gram, mean, by_correction = dual.centred_gram(sp.csr_matrix(dense), None, True)
    centred = dense - dense.mean(axis=0)
    assert by_correction is True  # as scikit-learn: sparse X is never densified for centring
    np.testing.assert_allclose(gram, centred @ centred.T, rtol=1e-7, atol=1e-7 * np.abs(centred @ centred.T).max())


def test_huge_values_with_an_intercept_raise_no_floating_point_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gram = dual.centred_gram(np.full((4, 6), 1e200), None, True).gram
    assert not np.isfinite(gram).all()  # left for the caller's finite check
