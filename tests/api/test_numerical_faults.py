"""Numerical trouble is detected and reported, or answered correctly; never NaN/inf returned silently."""

import numpy as np
import pytest
import scipy.special
import sklearn.linear_model as sk

from fastreg import BayesianRidge, ElasticNet, Lasso, lasso_path
from fastreg.descriptors import pool


@pytest.mark.parametrize("make", [lambda: Lasso(alpha=1e190, precompute=False), lambda: ElasticNet(alpha=1e190)])
def test_huge_values_in_coordinate_descent_are_an_error_not_nan(rng, make):
    X = rng.standard_normal((50, 3)) * 1e200
    y = rng.standard_normal(50) * 1e200
    with pytest.raises(ValueError, match=r"overflowed .*max \|X\| = .*e\+200.*rescale"):
        make().fit(X, y)
    with pytest.raises(ValueError, match="overflowed"):
        lasso_path(X, y, precompute=False)


@pytest.mark.parametrize("name", ["alpha_init", "lambda_init"])
@pytest.mark.parametrize("value", [np.inf, np.nan, 0.0, -1.0])
def test_bayesian_ridge_refuses_non_finite_initial_precisions(rng, name, value):
    with pytest.raises(ValueError, match=f"{name} must be None or a positive finite number"):
        BayesianRidge(**{name: value}).fit(rng.standard_normal((20, 2)), rng.standard_normal(20))


@pytest.mark.parametrize("shape", [(100, 5), (30, 80)], ids=["tall", "wide"])
def test_bayesian_ridge_on_noiseless_data_matches_scikit_learn(rng, shape):
    X = rng.standard_normal(shape)
    y = X[:, :5] @ np.arange(1.0, 6.0)  # no noise: α (the noise precision) is huge, the residual tiny
    ours, ref = BayesianRidge().fit(X, y), sk.BayesianRidge().fit(X, y)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-6)
    assert ours.lambda_ == pytest.approx(ref.lambda_, rel=1e-6)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("exponent", [3.0, 200.0, 1000.0])
def test_high_power_means_do_not_overflow(rng, exponent):
    values = rng.uniform(0.0, 1e3, (7, 3))  # 1000**200 overflows float64
    values[4, 1] = 0.0
    got = pool(values, [0, 3, 7], (f"power:{exponent:g}",))
    for s, rows in enumerate((slice(0, 3), slice(3, 7))):
        with np.errstate(divide="ignore"):
            logs = exponent * np.log(values[rows])
        reference = np.exp((scipy.special.logsumexp(logs, axis=0) - np.log(logs.shape[0])) / exponent)
        np.testing.assert_allclose(got[s], reference, rtol=1e-12)
    assert np.all(got <= np.array([values[:3].max(0), values[3:].max(0)]) * (1 + 1e-12))


def test_float32_sums_that_overflow_are_an_error(rng):
    values = np.full((4, 2), 3e38, dtype=np.float32)
    with pytest.raises(ValueError, match=r"structure 0, column 0 overflows float32 .* pass float64"):
        pool(values, [0, 4], ("sum",))
    assert np.isfinite(pool(values, [0, 4], ("mean",))).all()  # the mean fits: no error
    assert pool(values.astype(np.float64), [0, 4], ("sum",))[0, 0] == pytest.approx(1.2e39, rel=1e-6)


def conditioned(rng, condition, n=500, p=10, offset=3.0):
    U, _ = np.linalg.qr(rng.standard_normal((n, p)))
    V, _ = np.linalg.qr(rng.standard_normal((p, p)))
    X = U @ np.diag(np.logspace(0, -np.log10(condition), p)) @ V.T + offset
    return X, X @ rng.standard_normal(p) + 1e-3 * rng.standard_normal(n)


@pytest.mark.parametrize("condition", [1e5, 1e6, 1e7])
@pytest.mark.parametrize("alpha", [0.0, 1e-12])
def test_ill_conditioned_fit_is_refined_to_the_lstsq_answer(rng, condition, alpha):
    import warnings

    import scipy.linalg

    from fastreg import RankDeficiencyWarning, Ridge

    X, y = conditioned(rng, condition)
    Xa = np.vstack([X - X.mean(0), np.sqrt(alpha) * np.eye(10)])  # ridge as an augmented lstsq
    ya = np.r_[y - y.mean(), np.zeros(10)]
    reference = scipy.linalg.lstsq(Xa, ya)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RankDeficiencyWarning)  # fit refines: nothing to warn about
        model = Ridge(alpha=alpha).fit(X, y)
    assert model.condition_number_ > 1e8
    np.testing.assert_allclose(model.coef_, reference, rtol=0, atol=1e-8 * np.abs(reference).max())
    # chunk by chunk the rows are gone: the same design is reported instead
    with pytest.warns(RankDeficiencyWarning, match="ill-conditioned .* partial_fit cannot"):
        Ridge(alpha=alpha).partial_fit(X, y)


def test_well_conditioned_fits_take_no_extra_pass(rng, monkeypatch):
    import fastreg.linear_model._base as base
    from fastreg import LinearRegression

    calls = []
    monkeypatch.setattr(base, "refine_with_data", lambda *a, **k: calls.append(1))
    X, y = conditioned(rng, 10.0)
    LinearRegression().fit(X, y)
    assert calls == []


@pytest.mark.parametrize("shape", [(200, 5), (40, 100)], ids=["tall", "wide"])
@pytest.mark.parametrize("name", ["LinearRegression", "Ridge", "RidgeCV", "RidgeCV k-fold", "Lasso", "LassoCV",
                                  "BayesianRidge"])
def test_features_whose_squares_underflow_are_named(rng, shape, name):
    import fastreg

    X = rng.standard_normal(shape)
    X[:, 1:] *= 1e-160  # once gave coefficients off by 1e160, silently
    y = rng.standard_normal(shape[0])
    make = {"RidgeCV k-fold": lambda: fastreg.RidgeCV(cv=3), "LassoCV": lambda: fastreg.LassoCV(cv=3)}
    model = make.get(name, getattr(fastreg, name.split()[0]))()
    with pytest.raises(ValueError, match=r"Feature 1 \(and \d+ more\) has values of magnitude ~.*e-16\d"):
        model.fit(X, y)


@pytest.mark.parametrize("offset", [1e4, 1e6])
def test_ridge_cv_scores_without_intercept_on_offset_data_equal_bruteforce(rng, offset):
    import scipy.linalg

    from fastreg import RidgeCV

    X = rng.standard_normal((120, 5)) + offset  # uncentred Gram: cond ~1e13 at 1e6
    y = X @ rng.standard_normal(5) + 0.1 * rng.standard_normal(120)
    alphas = np.logspace(-3, 3, 7)

    def bruteforce(alpha):  # n refits, each an orthogonal least-squares solve
        errors = []
        for i in range(len(y)):
            keep = np.arange(len(y)) != i
            A = np.vstack([X[keep], np.sqrt(alpha) * np.eye(5)])
            coef = scipy.linalg.lstsq(A, np.r_[y[keep], np.zeros(5)])[0]
            errors.append(y[i] - X[i] @ coef)
        return -np.mean(np.square(errors))

    model = RidgeCV(alphas=alphas, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(model.alpha_scores_, [bruteforce(a) for a in alphas], rtol=1e-6)


@pytest.mark.parametrize("offset", [1e3, 1e5, 1e6])
def test_no_intercept_with_large_offsets_matches_lstsq(rng, offset):
    import scipy.linalg

    from fastreg import LinearRegression

    X = rng.standard_normal((300, 6)) + offset  # the uncentred Gram: cond ~1e13 at 1e6
    y = X @ rng.standard_normal(6) + 0.1 * rng.standard_normal(300)
    reference = scipy.linalg.lstsq(X, y)[0]
    model = LinearRegression(fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference, rtol=0, atol=1e-8 * np.abs(reference).max())
