"""Few samples, many features (n ≪ p): the dual (n×n) forms against scikit-learn, same run.

Work model: the kernel K = X̃X̃ᵀ is n²p flops (symmetric, multiply-adds counted as
2 flops / 2, as for the Gram elsewhere); coefficients X̃ᵀa add 2np per target.
"""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk

import fastreg
from conftest import run

ALPHAS = np.logspace(-2, 4, 20)
SHAPES = {"60x16,640": (60, 16_640), "500x20,000": (500, 20_000)}


def wide(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, :20] @ rng.standard_normal(20) + rng.standard_normal(n)
    return X, y


def kernel_flops(n, p):
    return n * n * p + 2 * n * p


@pytest.fixture(scope="module", params=list(SHAPES), ids=list(SHAPES))
def wide_data(request):
    return request.param, wide(*SHAPES[request.param])


@pytest.mark.parametrize("impl", ["fastreg.Ridge", "sklearn.Ridge", "fastreg.LinearRegression", "sklearn.LinearRegression"])
def test_ridge_and_ols_wide(benchmark, record, wide_data, impl):
    name, (X, y) = wide_data
    model = {"fastreg.Ridge": lambda: fastreg.Ridge(), "sklearn.Ridge": lambda: sk.Ridge(),
             "fastreg.LinearRegression": lambda: fastreg.LinearRegression(),
             "sklearn.LinearRegression": lambda: sk.LinearRegression()}[impl]
    kind = "Ridge" if impl.endswith("Ridge") else "LinearRegression"
    record(f"{kind} {name} (n < p)", impl, bytes_read=X.nbytes, flops=kernel_flops(*X.shape))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fastreg.RankDeficiencyWarning)  # OLS with n < p says so
        run(benchmark, lambda: model().fit(X, y), rounds=5)


@pytest.mark.parametrize("shape", ["500x20,000", "2,000x50,000"])
@pytest.mark.parametrize("impl", ["fastreg.RidgeCV", "sklearn.RidgeCV"])
def test_ridge_cv_wide(benchmark, record, shape, impl):
    n, p = (500, 20_000) if shape.startswith("500") else (2_000, 50_000)
    X, y = wide(n, p, seed=1)
    model = {"fastreg.RidgeCV": fastreg.RidgeCV, "sklearn.RidgeCV": sk.RidgeCV}[impl]
    # plus the n×n eigendecomposition (~9n³ flops) and per-α LOO (2n² per α)
    record(f"RidgeCV LOO {shape}, {len(ALPHAS)} alphas", impl, bytes_read=X.nbytes,
           flops=kernel_flops(n, p) + 9 * n**3)
    result = run(benchmark, lambda: model(alphas=ALPHAS).fit(X, y), rounds=3 if n == 500 else 1)
    benchmark.extra_info["alpha_"] = float(result.alpha_)


@pytest.mark.parametrize("impl", ["fastreg.BayesianRidge", "sklearn.BayesianRidge"])
def test_bayesian_ridge_wide(benchmark, record, impl):
    X, y = wide(500, 20_000, seed=2)
    model = {"fastreg.BayesianRidge": fastreg.BayesianRidge, "sklearn.BayesianRidge": sk.BayesianRidge}[impl]
    record("BayesianRidge 500x20,000", impl, bytes_read=X.nbytes, flops=kernel_flops(500, 20_000))
    # scikit-learn takes a full SVD (a 20,000 × 20,000 Vh): about 3 minutes here, so one round
    rounds = 1 if impl.startswith("sklearn") else 3
    fit = (lambda: model().fit(X, y))
    if rounds == 1:
        benchmark.pedantic(fit, rounds=1, iterations=1, warmup_rounds=0)
    else:
        run(benchmark, fit, rounds=rounds)


@pytest.mark.parametrize("impl", ["fastreg.LassoCV", "sklearn.LassoCV"])
def test_lasso_cv_wide(benchmark, record, impl):
    X, y = wide(200, 20_000, seed=3)
    model = {"fastreg.LassoCV": fastreg.LassoCV, "sklearn.LassoCV": sk.LassoCV}[impl]
    record("LassoCV 200x20,000, 5 folds, 100 alphas", impl, bytes_read=X.nbytes)
    result = run(benchmark, lambda: model(cv=5).fit(X, y), rounds=2)
    benchmark.extra_info["alpha_"] = float(result.alpha_)
