"""BayesianRidge, leave-one-out intervals, applicability domain, sign checks."""

import math
import warnings

import matplotlib
import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.datasets import load_diabetes
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split

import naive
from conftest import make_regression
from fastreg import ApplicabilityDomain, BayesianRidge, LinearRegression, Ridge, RidgeCV, check_signs
from fastreg.domain import standardised_residuals
from fastreg.linear_model._intervals import loo_quantile

matplotlib.use("Agg")


# --- BayesianRidge -------------------------------------------------------------------------

@pytest.mark.parametrize("params", [{}, {"fit_intercept": False}, {"compute_score": True}, {"alpha_init": 2.0, "lambda_init": 0.1}])
@pytest.mark.parametrize("weighted", [False, True])
def test_bayesian_ridge_matches_scikit_learn(params, weighted):
    X, y = load_diabetes(return_X_y=True)
    w = np.random.default_rng(0).random(len(y)) + 0.1 if weighted else None
    ours = BayesianRidge(**params).fit(X, y, sample_weight=w)
    ref = sk.BayesianRidge(**params).fit(X, y, sample_weight=w)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-6)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-6)
    assert ours.lambda_ == pytest.approx(ref.lambda_, rel=1e-6)
    np.testing.assert_allclose(ours.sigma_, ref.sigma_, rtol=1e-6, atol=1e-12)
    mean, std = ours.predict(X, return_std=True)
    ref_mean, ref_std = ref.predict(X, return_std=True)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-6)
    np.testing.assert_allclose(std, ref_std, rtol=1e-6)
    if params.get("compute_score"):
        np.testing.assert_allclose(ours.scores_, ref.scores_, rtol=1e-9)


def test_bayesian_ridge_more_features_than_samples(rng):
    X = rng.standard_normal((30, 60))
    y = X[:, :3].sum(axis=1) + 0.1 * rng.standard_normal(30)
    ours, ref = BayesianRidge().fit(X, y), sk.BayesianRidge().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-9)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-6)
    np.testing.assert_allclose(ours.predict(X, return_std=True)[1], ref.predict(X, return_std=True)[1], rtol=1e-6)


def test_bayesian_ridge_streams_and_keeps_float32(rng):
    X, y = make_regression(rng, n_samples=400, n_features=5, noise=0.5)
    whole = BayesianRidge().fit(X, y)
    chunked = BayesianRidge()
    for part in np.array_split(np.arange(400), 7):
        chunked.partial_fit(X[part], y[part])
    np.testing.assert_allclose(chunked.coef_, whole.coef_, rtol=1e-10)
    assert chunked.alpha_ == pytest.approx(whole.alpha_, rel=1e-10)
    single = BayesianRidge().fit(X.astype(np.float32), y.astype(np.float32))
    assert single.coef_.dtype == np.float32
    np.testing.assert_allclose(single.coef_, whole.coef_, rtol=1e-4)


# --- leave-one-out residuals and intervals -------------------------------------------------

@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_loo_residuals_equal_bruteforce_refits(rng, fit_intercept):
    X, y = make_regression(rng, n_samples=35, n_features=4, noise=1.0)
    model = Ridge(alpha=0.7, fit_intercept=fit_intercept, intervals=True).fit(X, y)
    np.testing.assert_allclose(model.loo_residuals_, naive.loo_residuals_bruteforce(X, y, 0.7, fit_intercept), rtol=1e-9)
    ols = LinearRegression(intervals=True).fit(X, y)
    np.testing.assert_allclose(ols.loo_residuals_, naive.loo_residuals_bruteforce(X, y, 0.0), rtol=1e-9)


def test_ridgecv_keeps_loo_residuals_of_chosen_alpha(rng):
    X, y = make_regression(rng, n_samples=60, n_features=4, noise=2.0)
    model = RidgeCV(alphas=np.logspace(-2, 2, 9)).fit(X, y)
    np.testing.assert_allclose(model.loo_residuals_, naive.loo_residuals_bruteforce(X, y, model.alpha_), rtol=1e-9)


def _coverage(model, X_train, y_train, X_test, y_test, coverage):
    lower, upper = model.fit(X_train, y_train).predict_interval(X_test, coverage=coverage)
    return np.mean((lower <= y_test) & (y_test <= upper))


@pytest.mark.parametrize("noise", ["gaussian", "student-t"])
@pytest.mark.parametrize("coverage", [0.8, 0.9, 0.95])
def test_interval_coverage_on_synthetic_data(noise, coverage):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((22_000, 8))
    draw = rng.standard_normal if noise == "gaussian" else lambda n: rng.standard_t(3, n)
    y = X @ rng.standard_normal(8) + draw(22_000)
    got = _coverage(RidgeCV(alphas=(0.1, 1.0, 10.0)), X[:2000], y[:2000], X[2000:], y[2000:], coverage)
    assert abs(got - coverage) < 0.025


def test_coverage_holds_where_in_sample_residuals_would_fail():
    """n = 60, p = 20: in-sample residuals are too small, leave-one-out ones are not.

    300 repetitions × 200 test points: the standard error of the mean coverage is 0.003, so
    3 standard errors is 0.01. The negative control (the same rank on in-sample residuals)
    covers 0.73 and must fail the same check.
    """
    rng = np.random.default_rng(11)
    loo, in_sample = [], []
    for _ in range(300):
        X = rng.standard_normal((260, 20))
        y = X @ rng.standard_normal(20) + rng.standard_normal(260)
        model = Ridge(alpha=1.0, intervals=True).fit(X[:60], y[:60])
        lower, upper = model.predict_interval(X[60:], coverage=0.9)
        loo.append(np.mean((lower <= y[60:]) & (y[60:] <= upper)))
        half = np.sort(np.abs(y[:60] - model.predict(X[:60])))[math.ceil(0.9 * 61) - 1]
        prediction = model.predict(X[60:])
        in_sample.append(np.mean(np.abs(y[60:] - prediction) <= half))
    tolerance = 3 * np.std(loo) / np.sqrt(len(loo))
    assert abs(np.mean(loo) - 0.9) < max(tolerance, 0.01)
    assert not abs(np.mean(in_sample) - 0.9) < max(tolerance, 0.01)  # the negative control fails


@pytest.mark.parametrize("n_samples", [9, 10, 19, 20, 57])
@pytest.mark.parametrize("coverage", [0.5, 0.8, 0.9, 0.95])
def test_loo_quantile_rank_equals_the_conformal_definition(rng, n_samples, coverage):
    """The half-width is the smallest |r| with at least coverage·(n+1) residuals at or below it."""
    residuals = rng.standard_normal(n_samples)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # too few samples for the rank: the largest, with a warning
        got = loo_quantile(residuals, coverage)
    sizes = np.sort(np.abs(residuals))
    enough = [q for q in sizes if np.sum(np.abs(residuals) <= q) >= coverage * (n_samples + 1) - 1e-12]
    want = enough[0] if enough else sizes[-1]
    assert got == want
    model = Ridge(intervals=True).fit(rng.standard_normal((n_samples, 2)), rng.standard_normal(n_samples))
    X = rng.standard_normal((4, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lower, upper = model.predict_interval(X, coverage=coverage)
        half = loo_quantile(model.loo_residuals_, coverage)
    np.testing.assert_array_equal(lower, model.predict(X) - half)
    np.testing.assert_array_equal(upper, model.predict(X) + half)


def test_interval_coverage_on_real_data():
    X, y = load_diabetes(return_X_y=True)
    hits = []
    for seed in range(10):
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=seed)
        hits.append(_coverage(Ridge(alpha=0.01, intervals=True), X_train, y_train, X_test, y_test, 0.9))
    assert abs(np.mean(hits) - 0.9) < 0.04


def test_interval_multi_target_and_shapes(rng):
    X, Y = make_regression(rng, n_samples=100, n_targets=2, noise=0.3)
    lower, upper = Ridge(alpha=[0.1, 5.0], intervals=True).fit(X, Y).predict_interval(X[:7])
    assert lower.shape == upper.shape == (7, 2)
    assert np.all(upper > lower)


def test_interval_errors(rng):
    X, y = make_regression(rng, n_samples=50)
    with pytest.raises(ValueError, match="coverage"):
        Ridge(intervals=True).fit(X, y).predict_interval(X, coverage=1.0)
    with pytest.raises(NotFittedError, match="intervals=True"):
        Ridge().fit(X, y).predict_interval(X)
    with pytest.raises(NotFittedError, match="cv=None"):
        RidgeCV(cv=3).fit(X, y).predict_interval(X)
    with pytest.raises(NotFittedError, match="partial_fit cannot"):
        Ridge(intervals=True).fit(X, y).partial_fit(X, y).predict_interval(X)
    with pytest.warns(UserWarning, match="too few"):
        LinearRegression(intervals=True).fit(X[:12], y[:12]).predict_interval(X, coverage=0.95)


# --- applicability domain ------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_leverage_equals_hat_matrix_diagonal(rng, dtype):
    X = (rng.standard_normal((80, 4)) * [1, 10, 0.1, 3] + 5).astype(dtype)
    domain = ApplicabilityDomain().fit(X)
    Z = np.c_[np.ones(80), X.astype(np.float64)]
    hat = np.diag(Z @ np.linalg.solve(Z.T @ Z, Z.T))
    np.testing.assert_allclose(domain.score(X), hat, rtol=1e-10 if dtype == np.float64 else 1e-4)
    assert domain.threshold_ == pytest.approx(3 * 5 / 80)
    assert domain.score(X).sum() == pytest.approx(5, rel=1e-8)  # trace of the hat matrix = p + 1


def test_domain_checks_new_points(rng):
    X = rng.standard_normal((100, 2))
    leverage = ApplicabilityDomain().fit(X)
    assert list(leverage.check(np.array([[0.0, 0.0], [8.0, -8.0]]))) == [True, False]
    by_range = ApplicabilityDomain(method="range").fit(X)
    inside, outside = X.min(axis=0) + 0.1, X.max(axis=0) + 0.1
    assert list(by_range.check(np.array([inside, outside]))) == [True, False]
    assert ApplicabilityDomain(method="range", threshold=0.5).fit(X).check(outside[None])[0]


def test_domain_bad_input(rng):
    few_X = rng.standard_normal((4, 3))
    with pytest.warns(UserWarning, match="every training point has leverage 1"):
        few = ApplicabilityDomain().fit(few_X)
    np.testing.assert_allclose(few.score(few_X), 1.0, rtol=1e-8)  # the warning is true
    with pytest.raises(ValueError, match="alpha"):
        ApplicabilityDomain(alpha=-1.0).fit(rng.standard_normal((4, 3)))
    X = rng.standard_normal((30, 3))
    with pytest.raises(ValueError, match="feature 2 is constant or a linear combination"):
        ApplicabilityDomain().fit(np.c_[X[:, :2], X[:, 0] + X[:, 1]])
    with pytest.raises(ValueError, match="method"):
        ApplicabilityDomain(method="kde").fit(X)
    domain = ApplicabilityDomain().fit(X)
    with pytest.raises(ValueError, match=r"X contains NaN \(row 0"):
        domain.score(np.full((1, 3), np.nan))


def test_standardised_residuals_and_williams_plot(rng):
    X, y = make_regression(rng, n_samples=40, n_features=2, noise=1.0)
    model = LinearRegression().fit(X, y)
    leverage = ApplicabilityDomain().fit(X).score(X)
    residuals = standardised_residuals(y, model.predict(X), leverage, n_parameters=3)
    expected = naive.internally_studentised(X, y)
    np.testing.assert_allclose(residuals, expected, rtol=1e-8)
    from fastreg.plotting import williams_plot

    ax = williams_plot(leverage, residuals, threshold=0.225, labels=[str(i) for i in range(40)])
    assert ax.get_xlabel() == "leverage h"


# --- signs ---------------------------------------------------------------------------------

def test_check_signs_report(rng):
    X = rng.standard_normal((50, 3))
    model = LinearRegression().fit(X, X @ np.array([1.0, -2.0, 3.0]))
    report = check_signs(model, {"a": "+", "b": +1}, feature_names=["a", "b", "c"])
    assert not report.ok and report.violations == ["b"]
    assert [row.ok for row in report.rows] == [True, False, None]
    assert "VIOLATED" in str(report) and "not checked" in str(report)
    assert check_signs(model, {"x1": -1}).ok
    with pytest.raises(ValueError, match="does not have"):
        check_signs(model, {"lattice": -1})
    with pytest.raises(ValueError, match="one target"):
        check_signs(LinearRegression().fit(X, np.c_[X[:, 0], X[:, 1]]), {})
    with pytest.raises(ValueError, match="fit it first"):
        check_signs(LinearRegression(), {})


def test_loo_residuals_with_one_penalty_per_target(rng):
    X, Y = make_regression(rng, n_samples=30, n_features=3, n_targets=3, noise=1.0)
    alphas = np.array([0.1, 5.0, 0.1])
    model = Ridge(alpha=alphas, intervals=True).fit(X, Y)
    for t in range(3):
        np.testing.assert_allclose(model.loo_residuals_[:, t], naive.loo_residuals_bruteforce(X, Y[:, t], alphas[t]),
                                   rtol=1e-9)


@pytest.mark.parametrize("shape", [(40, 5), (30, 30), (25, 60)], ids=["tall", "square", "wide"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted, fit_intercept", [(False, True), (True, True), (False, False)])
def test_jackknife_plus_equals_n_explicit_refits(rng, shape, dtype, weighted, fit_intercept):
    n, p = shape
    X = (rng.standard_normal((n, p)) + 2.0).astype(dtype)
    y = (X @ rng.standard_normal(p) + rng.standard_normal(n)).astype(dtype)
    X_new = (rng.standard_normal((15, p)) * 2 + 2.0).astype(dtype)
    w = rng.random(n) + 0.5 if weighted else None
    model = Ridge(alpha=0.7, fit_intercept=fit_intercept, intervals="jackknife+").fit(X, y, sample_weight=w)
    assert model.form_ == ("dual" if p > n - fit_intercept else "primal")
    lower, upper = model.predict_interval(X_new, coverage=0.8, method="jackknife+")
    want_lower, want_upper = naive.jackknife_plus_bruteforce(X, y, X_new, 0.7, 0.8, w, fit_intercept)
    tol = 1e-9 if dtype == np.float64 else 2e-4
    assert lower.dtype == dtype
    np.testing.assert_allclose(lower, want_lower, rtol=tol, atol=tol * np.abs(want_lower).max())
    np.testing.assert_allclose(upper, want_upper, rtol=tol, atol=tol * np.abs(want_upper).max())


def test_jackknife_plus_widens_away_from_the_data_and_covers_held_out_alloys():
    pytest.importorskip("dscribe")
    from fastreg import RidgeCV
    from fastreg.datasets import load_alloys
    from fastreg.descriptors import PooledDescriptor

    structures = load_alloys()[:600]
    X = PooledDescriptor(n_max=3, l_max=2).fit(structures).transform(structures)
    X = (X - X[:400].mean(axis=0)) / (X[:400].std(axis=0) + 1e-12)
    y = np.array([a.info["formation_energy_per_atom"] for a in structures])
    model = RidgeCV(alphas=np.logspace(-2, 3, 11), intervals="jackknife+").fit(X[:400], y[:400])
    lower, upper = model.predict_interval(X[400:], coverage=0.9, method="jackknife+")
    inside = np.mean((lower <= y[400:]) & (y[400:] <= upper))
    # 200 held-out alloys: the binomial standard error of a 90 % coverage is 2.1 %
    assert inside >= 0.9 - 3 * np.sqrt(0.9 * 0.1 / 200)
    width = upper - lower
    leverage = ApplicabilityDomain(alpha=model.alpha_).fit(X[:400]).score(X[400:])
    rank_correlation = np.corrcoef(np.argsort(np.argsort(leverage)), np.argsort(np.argsort(width)))[0, 1]
    assert rank_correlation > 0.3  # wider where the candidate is unlike the training data (0.45 measured)
    loo_lower, loo_upper = model.predict_interval(X[400:], coverage=0.9)
    assert np.ptp(loo_upper - loo_lower) < 1e-12 and np.ptp(upper - lower) > 0  # one width vs per candidate


def test_jackknife_plus_needs_its_fit_and_one_alpha(rng):
    X, y = rng.standard_normal((30, 4)), rng.standard_normal((30, 2))
    with pytest.raises(NotFittedError, match="intervals='jackknife\\+'"):
        Ridge(intervals=True).fit(X, y[:, 0]).predict_interval(X, method="jackknife+")
    with pytest.raises(ValueError, match="one alpha for every target"):
        Ridge(alpha=[1.0, 2.0], intervals="jackknife+").fit(X, y)
    with pytest.raises(ValueError, match="intervals must be one of"):
        Ridge(intervals="bootstrap").fit(X, y)
    with pytest.raises(ValueError, match="needs alpha > 0 with fewer samples"):
        LinearRegression(intervals="jackknife+").fit(rng.standard_normal((5, 8)), rng.standard_normal(5))
    with pytest.raises(ValueError, match="method must be one of"):
        Ridge(intervals=True).fit(X, y).predict_interval(X, method="cv+")
    two = Ridge(alpha=1.0, intervals="jackknife+").fit(X, y)
    lower, upper = two.predict_interval(X, coverage=0.8, method="jackknife+")
    for t in range(2):
        one = Ridge(alpha=1.0, intervals="jackknife+").fit(X, y[:, t]).predict_interval(X, coverage=0.8, method="jackknife+")
        np.testing.assert_allclose(lower[:, t], one[0], rtol=1e-12)
        np.testing.assert_allclose(upper[:, t], one[1], rtol=1e-12)


def test_leverage_domain_from_statistics_equals_the_one_from_rows(rng):
    from fastreg import sufficient_stats

    X = rng.standard_normal((200, 6)) + 3.0
    from_rows = ApplicabilityDomain(alpha=0.5).fit(X)
    from_stats = ApplicabilityDomain(alpha=0.5).fit_stats(sufficient_stats(X, np.ones((200, 1))))
    new = rng.standard_normal((20, 6)) * 2 + 3.0
    np.testing.assert_allclose(from_stats.score(new), from_rows.score(new), rtol=1e-10)
    assert from_stats.threshold_ == pytest.approx(from_rows.threshold_, rel=1e-10)
    with pytest.raises(ValueError, match="leverage domain only"):
        ApplicabilityDomain(method="range").fit_stats(sufficient_stats(X, np.ones((200, 1))))


def test_jackknife_plus_in_small_blocks_and_with_too_few_samples(rng, monkeypatch):
    import fastreg._solvers.jackknife as jackknife

    X = rng.standard_normal((40, 5)) + 1.0
    y = X @ rng.standard_normal(5) + rng.standard_normal(40)
    candidates = rng.standard_normal((23, 5))
    model = Ridge(alpha=0.5, intervals="jackknife+").fit(X, y)
    whole = model.predict_interval(candidates, coverage=0.8, method="jackknife+")
    monkeypatch.setattr(jackknife, "BLOCK_BYTES", 8 * 3 * 40 * 4)  # blocks of 4 candidates: 6 blocks
    blocked = model.predict_interval(candidates, coverage=0.8, method="jackknife+")
    np.testing.assert_array_equal(blocked[0], whole[0])
    np.testing.assert_array_equal(blocked[1], whole[1])
    want = naive.jackknife_plus_bruteforce(X, y, candidates, 0.5, 0.8)
    np.testing.assert_allclose(blocked[0], want[0], rtol=1e-9)
    few = Ridge(alpha=0.5, intervals="jackknife+").fit(X[:6], y[:6])
    with pytest.warns(UserWarning, match="6 samples are too few for 90% jackknife"):
        lower, upper = few.predict_interval(candidates, coverage=0.9, method="jackknife+")
    G, c = jackknife.influence_basis(X[:6], None, X[:6].mean(axis=0), 0.5, True)
    left_out = few.predict(candidates)[:, None] - ((candidates - X[:6].mean(axis=0)) @ G + c) * few.loo_residuals_
    np.testing.assert_allclose(lower, (left_out - np.abs(few.loo_residuals_)).min(axis=1), rtol=1e-12)
    np.testing.assert_allclose(upper, (left_out + np.abs(few.loo_residuals_)).max(axis=1), rtol=1e-12)
