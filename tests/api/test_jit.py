"""fastreg.jit: the same solves from the user's own nopython code and from Python, against scikit-learn."""

import inspect
import warnings

import numba
import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.exceptions import ConvergenceWarning

import naive
from fastreg import RankDeficiencyWarning, jit
from fastreg import sufficient_stats as stats_object


@numba.njit(parallel=True, cache=False)
def bootstrap_ridge(X, y, alpha, draws):
    coefs = np.empty((draws.shape[0], X.shape[1]))
    intercepts = np.empty(draws.shape[0])
    infos = np.empty(draws.shape[0], dtype=np.int64)
    for b in numba.prange(draws.shape[0]):
        coef, intercept, info = jit.fit_ridge(X[draws[b]], y[draws[b]], alpha, True)
        coefs[b] = coef
        intercepts[b] = intercept
        infos[b] = info
    return coefs, intercepts, infos


@numba.njit(parallel=True, cache=False)
def bootstrap_lasso(X, y, alpha, draws):
    coefs = np.empty((draws.shape[0], X.shape[1]))
    intercepts = np.empty(draws.shape[0])
    infos = np.empty(draws.shape[0], dtype=np.int64)
    for b in numba.prange(draws.shape[0]):
        Xb = np.asfortranarray(X[draws[b]])
        coef, intercept, n_iter, gap, info = jit.fit_lasso(Xb, y[draws[b]], alpha, 1.0, True, 10_000, 1e-12)
        coefs[b] = coef
        intercepts[b] = intercept
        infos[b] = info
    return coefs, intercepts, infos


@pytest.fixture
def problem(rng):
    X = rng.standard_normal((80, 6)) + 2.0
    y = X @ np.array([1.5, -2.0, 0.0, 0.5, 0.0, 1.0]) + 0.3 * rng.standard_normal(80)
    return X, y, rng.integers(0, 80, (200, 80))


def test_bootstrap_ridge_in_prange_equals_scikit_learn(problem):
    X, y, draws = problem
    coefs, intercepts, infos = bootstrap_ridge(X, y, 0.7, draws)
    assert np.all(infos == jit.INFO_OK)
    for b in range(0, 200, 7):
        reference = sk.Ridge(alpha=0.7).fit(X[draws[b]], y[draws[b]])
        np.testing.assert_allclose(coefs[b], reference.coef_, rtol=1e-8, atol=1e-10)
        assert intercepts[b] == pytest.approx(reference.intercept_, rel=1e-8)
        from_python = jit.fit_ridge(X[draws[b]], y[draws[b]], 0.7, True)
        np.testing.assert_allclose(from_python[0], coefs[b], rtol=1e-12, atol=1e-14)


def test_bootstrap_lasso_in_prange_equals_scikit_learn(problem):
    X, y, draws = problem
    coefs, intercepts, infos = bootstrap_lasso(X, y, 0.05, draws)
    assert np.all(infos == jit.INFO_OK)
    for b in range(0, 200, 11):
        reference = sk.Lasso(alpha=0.05, tol=1e-12, max_iter=10_000).fit(X[draws[b]], y[draws[b]])
        np.testing.assert_allclose(coefs[b], reference.coef_, rtol=1e-8, atol=1e-9)
        assert intercepts[b] == pytest.approx(reference.intercept_, rel=1e-8)


@pytest.mark.parametrize("shape", [(50, 5), (12, 12), (15, 40)], ids=["tall", "square", "wide"])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_and_enet_every_shape_and_order(rng, shape, order, fit_intercept):
    X = np.asarray(rng.standard_normal(shape) + 1.0, order=order)
    y = rng.standard_normal(shape[0])
    coef, intercept, info = jit.fit_ridge(X, y, 0.3, fit_intercept)
    reference = sk.Ridge(alpha=0.3, fit_intercept=fit_intercept, solver="svd").fit(X, y)
    assert info == 0
    np.testing.assert_allclose(coef, reference.coef_, rtol=1e-8, atol=1e-10)
    assert intercept == pytest.approx(reference.intercept_, rel=1e-8, abs=1e-10)
    coef, intercept, _, _, info = jit.fit_lasso(X, y, 0.02, 0.6, fit_intercept, 20_000, 1e-12)
    reference = sk.ElasticNet(alpha=0.02, l1_ratio=0.6, fit_intercept=fit_intercept, tol=1e-12, max_iter=20_000).fit(X, y)
    np.testing.assert_allclose(coef, reference.coef_, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(jit.predict(X, coef, intercept), reference.predict(X), rtol=1e-7, atol=1e-8)


def test_chunked_statistics_solve_like_one_fit(rng):
    X = rng.standard_normal((300, 7)) * 3 + 1e4  # a large offset: the shift keeps the digits
    y = X @ rng.standard_normal(7) + rng.standard_normal(300)
    w = rng.random(300) + 0.5
    shift_x, shift_y = X[:10].mean(axis=0), float(y[:10].mean())
    total = None
    for rows in np.array_split(np.arange(300), 5):
        part = jit.sufficient_stats(X[rows], y[rows], w[rows], shift_x, shift_y)
        total = part if total is None else tuple(a + b for a, b in zip(total, part))
    xtx, xty, x_sum, y_sum, yty, sum_w = total
    reference = stats_object(X, y[:, None], w, shift=(shift_x, np.array([shift_y])))
    np.testing.assert_allclose(xtx, reference.xtx, rtol=1e-10)
    np.testing.assert_allclose(xty, reference.xty[:, 0], rtol=1e-10)
    assert sum_w == pytest.approx(w.sum(), rel=1e-12) and yty == pytest.approx(reference.yty[0, 0], rel=1e-10)
    for fit_intercept in (True, False):
        coef, intercept, info = jit.solve_stats(xtx, xty, x_sum, y_sum, sum_w, shift_x, shift_y, 2.0, fit_intercept)
        want = sk.Ridge(alpha=2.0, fit_intercept=fit_intercept).fit(X, y, sample_weight=w)
        assert info == 0
        # without an intercept the 1e4 offset stays in the normal equations: cond ~1e9, so ~1e-7 of both solvers
        tol = 1e-8 if fit_intercept else 1e-5
        np.testing.assert_allclose(coef, want.coef_, rtol=tol)
        assert intercept == pytest.approx(want.intercept_, rel=tol, abs=1e-9)


def test_info_codes_report_trouble_never_a_silent_nan(rng):
    X = rng.standard_normal((30, 4))
    X[:, 3] = X[:, 1]  # collinear: singular OLS
    y = rng.standard_normal(30)
    with pytest.warns(RankDeficiencyWarning, match="info = 1"):
        coef, intercept, info = jit.fit_ridge(X, y, 0.0, True)
    want, want_intercept = naive.lstsq_fit(X, y[:, None])
    assert info == jit.INFO_RANK_DEFICIENT
    np.testing.assert_allclose(coef, want[:, 0], rtol=1e-9, atol=1e-12)
    assert coef[1] == pytest.approx(coef[3])  # minimum norm splits the weight
    s = jit.sufficient_stats(X, y, np.empty(0), np.zeros(4), 0.0)
    with pytest.warns(RankDeficiencyWarning):
        assert jit.solve_stats(*s[:4], s[5], np.zeros(4), 0.0, 0.0, True)[2] == jit.INFO_RANK_DEFICIENT
    with pytest.warns(ConvergenceWarning, match="did not converge within max_iter=2"):
        result = jit.fit_lasso(rng.standard_normal((40, 30)), rng.standard_normal(40), 1e-4, 1.0, True, 2, 1e-12)
    assert result[4] == jit.INFO_NOT_CONVERGED and result[3] > 0 and np.all(np.isfinite(result[0]))
    bad = X.copy()
    bad[5, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or inf"):
        jit.fit_ridge(bad, y, 1.0, True)

    @numba.njit(cache=False)
    def silent(X, y):
        return jit.fit_ridge(X, y, 1.0, True)

    if not numba.config.DISABLE_JIT:  # uncompiled, silent() is Python and gets Python's error
        coef, intercept, info = silent(bad, y)  # in compiled code: the code, not an exception
        assert info == jit.INFO_NOT_FINITE and np.isnan(coef).all()


def test_bad_shapes_raise_inside_compiled_code(rng):
    @numba.njit(cache=False)
    def call(X, y):
        return jit.fit_ridge(X, y, 1.0, True)

    with pytest.raises(ValueError, match="one value per row of X"):
        call(np.ones((5, 2)), np.ones(4))
    with pytest.raises(ValueError, match="alpha must be a non-negative"):
        jit.fit_ridge(np.ones((5, 2)), np.ones(5), -1.0, True)
    with pytest.raises(ValueError, match="y must be 1-D"):
        jit.fit_ridge(np.ones((5, 2)), np.ones((5, 1)), 1.0, True)


def test_signatures_and_info_codes_are_stable():
    """Users compile against these: a change here breaks their code."""
    expected = {
        "fit_ridge": ["X", "y", "alpha", "fit_intercept"],
        "fit_lasso": ["X", "y", "alpha", "l1_ratio", "fit_intercept", "max_iter", "tol"],
        "sufficient_stats": ["X", "y", "w", "shift_x", "shift_y"],
        "solve_stats": ["xtx", "xty", "x_sum", "y_sum", "sum_w", "shift_x", "shift_y", "alpha", "fit_intercept"],
        "predict": ["X", "coef", "intercept"],
    }
    for name, parameters in expected.items():
        assert list(inspect.signature(getattr(jit, name)).parameters) == parameters, name
    assert (jit.INFO_OK, jit.INFO_RANK_DEFICIENT, jit.INFO_NOT_FINITE, jit.INFO_NOT_CONVERGED) == (0, 1, 2, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert jit.predict(np.ones((2, 1)), np.ones(1), 0.5).tolist() == [1.5, 1.5]


def test_the_readme_bootstrap_figures_are_what_the_example_computes():
    import re
    import runpy
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    example = runpy.run_path(str(root / "examples" / "bandgap_bootstrap.py"))
    y = example["y"]
    draws = np.random.default_rng(0).integers(0, len(y), (10_000, len(y)))
    coefs, infos = example["bootstrap"](example["X"], y, draws)
    low, high = np.percentile(coefs[infos == jit.INFO_OK], [2.5, 97.5], axis=0)
    readme = (root / "README.md").read_text()
    quoted = re.findall(r"\| θ[₀₁₂] [^|]*\| \[([−+][\d.]+), ([−+][\d.]+)\] \|", readme)
    assert len(quoted) == 3
    for (lo, hi), want_lo, want_hi in zip(quoted, low, high):
        assert float(lo.replace("−", "-")) == pytest.approx(want_lo, abs=6e-4)
        assert float(hi.replace("−", "-")) == pytest.approx(want_hi, abs=6e-4)
