"""Every shape: fewer samples than features (dual form), square, and one more sample than features.

Each estimator agrees with scikit-learn at n < p, n = p and n = p + 1, with and
without intercept and sample weights, in float64 and float32; the dual and primal
paths agree where both apply.
"""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk

import naive
from fastreg import LinearRegression, RankDeficiencyWarning, Ridge, RidgeCV

SHAPES = {"wide": (30, 80), "square": (40, 40), "tall by one": (41, 40)}
ALPHAS = np.logspace(-2, 3, 11)


def data(rng, shape, dtype=np.float64, n_targets=None):
    n, p = shape
    X = rng.standard_normal((n, p)) + 4.0
    coef = rng.standard_normal(p if n_targets is None else (p, n_targets))
    noise = rng.standard_normal(n if n_targets is None else (n, n_targets))
    return X.astype(dtype), (X @ coef + 2.0 + 0.5 * noise).astype(dtype)


def pairs(alpha_per_target):
    return {
        "ols": (lambda: LinearRegression(), lambda: sk.LinearRegression()),
        "ridge": (lambda: Ridge(alpha=alpha_per_target), lambda: sk.Ridge(alpha=alpha_per_target, solver="svd")),
        "ridgecv": (lambda: RidgeCV(alphas=ALPHAS), lambda: sk.RidgeCV(alphas=ALPHAS)),
        "ridgecv k-fold": (lambda: RidgeCV(alphas=ALPHAS, cv=4), lambda: sk.RidgeCV(alphas=ALPHAS, cv=4)),
    }


def normal_equations_rtol(X, fit_intercept, factor=100):
    """Full-rank least squares from the normal equations (or the kernel) loses cond(X)²
    (a random square X has cond ~1e5); scikit-learn's lstsq loses cond(X)."""
    design = X - X.mean(axis=0) if fit_intercept else X
    return max(1e-8, factor * np.linalg.cond(design) ** 2 * np.finfo(np.float64).eps)


def fit_both(name, rng, shape, fit_intercept, weighted, dtype=np.float64, n_targets=None):
    X, y = data(rng, shape, dtype, n_targets)
    w = rng.uniform(0.2, 3.0, X.shape[0]) if weighted else None
    alpha = 0.8 if n_targets is None else np.linspace(0.5, 5.0, n_targets)
    make_ours, make_ref = pairs(alpha)[name]
    ours, ref = make_ours(), make_ref()
    ours.set_params(fit_intercept=fit_intercept)
    ref.set_params(fit_intercept=fit_intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RankDeficiencyWarning)
        ours.fit(X, y, sample_weight=w)
    ref.fit(X.astype(np.float64), y.astype(np.float64), sample_weight=w)
    return X, y, ours, ref


@pytest.mark.parametrize("name", ["ols", "ridge", "ridgecv", "ridgecv k-fold"])
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_scikit_learn_at_every_shape(rng, name, shape, fit_intercept, weighted):
    X, y, ours, ref = fit_both(name, rng, shape, fit_intercept, weighted)
    n, p = shape
    assert ours.form_ == ("dual" if n - fit_intercept < p else "primal")
    if name.startswith("ridgecv"):
        assert ours.alpha_ == ref.alpha_
        assert ours.best_score_ == pytest.approx(ref.best_score_, rel=1e-8, abs=1e-12)
    scale = np.abs(ref.coef_).max()
    rtol = normal_equations_rtol(X, fit_intercept) if name == "ols" and n - fit_intercept >= p else 1e-8
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=rtol, atol=rtol * max(1.0, abs(ref.intercept_)))
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=rtol, atol=rtol * np.abs(y).max())


@pytest.mark.parametrize("name", ["ridge", "ridgecv"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_several_targets_and_per_target_alpha_in_the_dual_form(rng, name, fit_intercept):
    X, Y, ours, ref = fit_both(name, rng, SHAPES["wide"], fit_intercept, True, n_targets=3)
    assert ours.form_ == "dual" and ours.coef_.shape == (3, 80)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", ["ols", "ridge", "ridgecv"])
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_float32_stays_float32_at_every_shape(rng, name, shape):
    X, y, ours, ref = fit_both(name, rng, shape, True, False, dtype=np.float32)
    assert ours.coef_.dtype == np.float32 and ours.predict(X).dtype == np.float32
    np.testing.assert_allclose(ours.predict(X), ref.predict(X.astype(np.float64)), rtol=1e-4, atol=1e-4 * np.abs(y).max())


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ols_with_fewer_samples_than_features_warns_and_is_minimum_norm(rng, fit_intercept):
    X, y = data(rng, SHAPES["wide"])
    with pytest.warns(RankDeficiencyWarning, match=r"rank deficient \(numerical rank \d+ of 80 features\): there are 30 samples"):
        model = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    coef, intercept = naive.kernel_ridge(X, y, 0.0, None, fit_intercept)
    np.testing.assert_allclose(model.coef_, coef[:, 0], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(model.predict(X), y, rtol=1e-8)  # interpolates


def test_square_design_with_intercept_is_reported_not_garbage(rng):
    # centred, n = p has rank n - 1: Cholesky on the primal statistics could return garbage silently
    for seed in range(20):
        X, y = data(np.random.default_rng(seed), (30, 30))
        w = np.random.default_rng(seed).uniform(0.5, 2.0, 30)
        with pytest.warns(RankDeficiencyWarning):
            model = LinearRegression().fit(X, y, sample_weight=w)
        ref = sk.LinearRegression().fit(X, y, sample_weight=w)
        np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-7, atol=1e-9)


def test_dual_and_primal_agree_where_both_apply(rng):
    X, y = data(rng, (60, 50))
    primal = Ridge(alpha=2.0).fit(X, y)
    from fastreg._solvers import dual

    problem = dual.dual_problem(X, y[:, None], None, True)
    coef = dual.primal_coef(X, problem, problem.dual_coef(np.array([2.0])))[:, 0]
    assert primal.form_ == "primal"
    np.testing.assert_allclose(coef, primal.coef_, rtol=1e-10)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_dual_intervals_use_exact_leave_one_out_residuals(rng, fit_intercept):
    X, y = data(rng, (20, 60))
    model = Ridge(alpha=5.0, fit_intercept=fit_intercept, intervals=True).fit(X, y)
    assert model.form_ == "dual"
    brute = naive.loo_residuals_bruteforce(X, y, 5.0, fit_intercept)
    np.testing.assert_allclose(model.loo_residuals_, brute, rtol=1e-7, atol=1e-8 * np.abs(brute).max())
    cv = RidgeCV(alphas=ALPHAS, fit_intercept=fit_intercept).fit(X, y)
    brute = naive.loo_residuals_bruteforce(X, y, cv.alpha_, fit_intercept)
    np.testing.assert_allclose(cv.loo_residuals_, brute, rtol=1e-7, atol=1e-8 * np.abs(brute).max())
    lower, upper = model.predict_interval(X[:3], coverage=0.8)
    assert np.all(lower < model.predict(X[:3])) and np.all(model.predict(X[:3]) < upper)


def test_partial_fit_after_a_dual_fit_is_refused(rng):
    X, y = data(rng, SHAPES["wide"])
    model = Ridge().fit(X, y)
    with pytest.raises(ValueError, match="dual"):
        model.partial_fit(X, y)
    chunked = Ridge().partial_fit(X[:15], y[:15]).partial_fit(X[15:], y[15:])
    assert chunked.form_ == "primal"
    np.testing.assert_allclose(chunked.coef_, model.coef_, rtol=1e-8)


def test_nan_in_wide_input_is_named(rng):
    X, y = data(rng, SHAPES["wide"])
    X[7, 3] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN \(row 7, column 3\)"):
        Ridge().fit(X, y)
    X[7, 3] = 1e300
    X[8, 3] = 1e300
    with pytest.raises(ValueError, match="overflowed"):
        RidgeCV().fit(X, y)


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_bayesian_ridge_matches_scikit_learn_at_every_shape(rng, shape, fit_intercept, weighted):
    from fastreg import BayesianRidge

    X, y = data(rng, shape)
    w = rng.uniform(0.2, 3.0, X.shape[0]) if weighted else None
    ours = BayesianRidge(fit_intercept=fit_intercept).fit(X, y, sample_weight=w)
    ref = sk.BayesianRidge(fit_intercept=fit_intercept).fit(X, y, sample_weight=w)
    n, p = shape
    assert ours.form_ == ("dual" if n - fit_intercept < p else "primal")
    assert ours.n_iter_ == ref.n_iter_
    rtol = normal_equations_rtol(X, fit_intercept, factor=1) if n == p else 1e-8
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=rtol, atol=rtol * np.abs(ref.coef_).max())
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=rtol)
    assert ours.lambda_ == pytest.approx(ref.lambda_, rel=rtol)
    mean, std = ours.predict(X[:7], return_std=True)
    ref_mean, ref_std = ref.predict(X[:7], return_std=True)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-8)
    np.testing.assert_allclose(std, ref_std, rtol=1e-6)  # near interpolation, std² ≈ 1/α is tiny
    np.testing.assert_allclose(ours.sigma_, ref.sigma_, rtol=1e-7, atol=1e-10 * np.abs(ref.sigma_).max())


def explicit_ridge_leverage(X, Z, alpha):
    mean = X.mean(axis=0)
    Xc = X - mean
    inverse = np.linalg.pinv(Xc.T @ Xc + alpha * np.eye(X.shape[1]))
    return 1.0 / X.shape[0] + np.einsum("ij,jk,ik->i", Z - mean, inverse, Z - mean)


@pytest.mark.parametrize("shape", [(20, 60), (60, 20)], ids=["wide", "tall"])
@pytest.mark.parametrize("alpha", [0.5, 30.0])
def test_ridge_leverage_equals_the_explicit_hat_matrix(rng, shape, alpha):
    from fastreg import ApplicabilityDomain

    X, _ = data(rng, shape)
    new = rng.standard_normal((9, shape[1])) * 2 + 4.0
    domain = ApplicabilityDomain(alpha=alpha).fit(X)
    np.testing.assert_allclose(domain.score(X), explicit_ridge_leverage(X, X, alpha), rtol=1e-8)
    np.testing.assert_allclose(domain.score(new), explicit_ridge_leverage(X, new, alpha), rtol=1e-8)
    Xc = X - X.mean(axis=0)
    H = Xc @ np.linalg.solve(Xc.T @ Xc + alpha * np.eye(shape[1]), Xc.T)
    assert domain.degrees_of_freedom_ == pytest.approx(np.trace(H), rel=1e-9)
    assert domain.threshold_ == pytest.approx(3 * (np.trace(H) + 1) / shape[0], rel=1e-9)


def test_wide_least_squares_leverage_warns_it_is_meaningless(rng):
    from fastreg import ApplicabilityDomain

    X, _ = data(rng, SHAPES["wide"])
    with pytest.warns(UserWarning, match="leverage domain is meaningless"):
        domain = ApplicabilityDomain().fit(X)
    np.testing.assert_allclose(domain.score(X), 1.0, rtol=1e-8)


def test_wide_gradient_descent_and_lasso_form_no_p_by_p(rng):
    import tracemalloc

    from fastreg import GradientDescentRegressor, Lasso
    from fastreg.linear_model._coordinate_descent import use_gram

    X = rng.standard_normal((40, 20_000))
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + 0.01 * rng.standard_normal(40)
    GradientDescentRegressor(max_iter=50, tol=1e-2).fit(X[:, :50], y)  # compile outside the measurement
    Lasso(alpha=0.1).fit(X[:, :50], y)
    tracemalloc.start()
    gd = GradientDescentRegressor(alpha=5.0, max_iter=5000, tol=1e-9).fit(X, y)
    lasso = Lasso(alpha=0.05).fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * X.nbytes  # a 20,000 × 20,000 Gram is 3.2 GB
    ridge = Ridge(alpha=5.0 * 40).fit(X, y)  # GD's mean loss + α‖w‖² is Ridge's with α·n
    np.testing.assert_allclose(gd.coef_, ridge.coef_, rtol=1e-6, atol=1e-9)
    ref = sk.Lasso(alpha=0.05).fit(X, y)
    np.testing.assert_allclose(lasso.coef_, ref.coef_, atol=1e-4)
    assert not use_gram("auto", np.broadcast_to(0.0, (50_000, 10_000))) and use_gram("auto", np.broadcast_to(0.0, (50_000, 500)))


def test_what_reads_a_fit_works_after_a_dual_fit(rng):
    import matplotlib

    matplotlib.use("Agg")
    from fastreg import check_signs
    from fastreg.plotting import parity_plot

    X, y = data(rng, SHAPES["wide"])
    model = Ridge(alpha=1.0, intervals=True).fit(X, y)
    assert model.form_ == "dual"
    signs = {"x0": int(np.sign(model.coef_[0])), "x1": -int(np.sign(model.coef_[1]))}
    report = check_signs(model, signs)
    assert not report.ok and report.violations == ["x1"]
    lower, upper = model.predict_interval(X[:4], coverage=0.8)
    ax = parity_plot(y, model.predict(X))
    assert ax.get_xlabel() and np.all(lower < upper)


@pytest.mark.parametrize("cv", [None, 5])
def test_wide_ridge_cv_never_copies_x_per_alpha_or_fold(rng, cv):
    import tracemalloc

    X = rng.standard_normal((150, 40_000))
    y = rng.standard_normal(150)
    RidgeCV(alphas=ALPHAS, cv=cv).fit(X[:30, :100], y[:30])  # compile outside the measurement
    tracemalloc.start()
    RidgeCV(alphas=ALPHAS, cv=cv).fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 0.6 * X.nbytes  # X itself is 48 MB; 11 α × 5 folds of copies would be 2.6 GB
