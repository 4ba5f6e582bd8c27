"""Exact solvers against scikit-learn and NumPy on the issue's problem sizes."""

import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest
import sklearn.linear_model as sk

import fastreg
from conftest import run

N_OLS, P_OLS = 1_000_000, 50
N_CV, P_CV, N_ALPHAS = 20_000, 500, 20
N_PROBLEMS, N_SMALL, P_SMALL = 10_000, 64, 8


def gram_flops(n, p, t=1):
    m = p + t + 1
    return n * m * m  # multiply-adds of the symmetric augmented Gram, counted as 2 flops / 2


@pytest.fixture(scope="module")
def ols_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_OLS, P_OLS))
    y = X @ rng.standard_normal(P_OLS) + rng.standard_normal(N_OLS)
    return X, y


@pytest.mark.parametrize(
    "impl",
    ["fastreg.LinearRegression", "fastreg.Ridge", "sklearn.LinearRegression", "sklearn.Ridge(cholesky)", "read X once (numpy sum)"],
)
def test_ols_1m_by_50(benchmark, record, ols_data, impl):
    X, y = ols_data
    fits = {
        "fastreg.LinearRegression": lambda: fastreg.LinearRegression().fit(X, y),
        "fastreg.Ridge": lambda: fastreg.Ridge(alpha=1.0).fit(X, y),
        "sklearn.LinearRegression": lambda: sk.LinearRegression().fit(X, y),
        "sklearn.Ridge(cholesky)": lambda: sk.Ridge(alpha=1.0, solver="cholesky").fit(X, y),
        "read X once (numpy sum)": lambda: np.add.reduce(X, axis=None),
    }
    flops = 0 if impl.startswith("read") else gram_flops(N_OLS, P_OLS)
    record("OLS/Ridge 1,000,000x50 float64", impl, bytes_read=X.nbytes, flops=flops)
    slow = impl.startswith("sklearn")
    run(benchmark, fits[impl], rounds=3 if slow else None)


@pytest.mark.parametrize("impl", ["fastreg.RidgeCV", "sklearn.RidgeCV"])
def test_ridge_cv_20k_by_500(benchmark, record, impl):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((N_CV, P_CV))
    y = X @ rng.standard_normal(P_CV) + 5 * rng.standard_normal(N_CV)
    alphas = np.logspace(-2, 4, N_ALPHAS)
    model = {"fastreg.RidgeCV": fastreg.RidgeCV, "sklearn.RidgeCV": sk.RidgeCV}[impl]
    # work model: Gram (n p²) + projection Q = X V (2 n p²); eigh and per-α sums are lower order
    record(f"RidgeCV LOO 20,000x500, {N_ALPHAS} alphas", impl, bytes_read=X.nbytes, flops=3 * N_CV * P_CV**2)
    result = run(benchmark, lambda: model(alphas=alphas).fit(X, y), rounds=3)
    benchmark.extra_info["alpha_"] = float(result.alpha_)


def _stacked_numpy(X, y):
    Xt = X.transpose(0, 2, 1)
    return np.linalg.solve(Xt @ X, (Xt @ y[:, :, None]))[:, :, 0]


def _sklearn_loop(X, y):
    return [sk.LinearRegression(fit_intercept=False).fit(X[b], y[b]).coef_ for b in range(len(X))]


@pytest.mark.parametrize(
    "impl",
    ["fastreg.solve_batched", "fastreg.solve_batched(intercept)", "numpy stacked solve", "sklearn loop"],
)
def test_batched_10k_problems(benchmark, record, impl):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((N_PROBLEMS, N_SMALL, P_SMALL))
    y = rng.standard_normal((N_PROBLEMS, N_SMALL))
    solvers = {
        "fastreg.solve_batched": lambda: fastreg.solve_batched(X, y, fit_intercept=False),
        "fastreg.solve_batched(intercept)": lambda: fastreg.solve_batched(X, y, fit_intercept=True),
        "numpy stacked solve": lambda: _stacked_numpy(X, y),
        "sklearn loop": lambda: _sklearn_loop(X, y),
    }
    record("batched 10,000 problems of 64x8 (no intercept)", impl, bytes_read=X.nbytes + y.nbytes,
           flops=2 * N_PROBLEMS * N_SMALL * P_SMALL * (P_SMALL + 1))
    run(benchmark, solvers[impl], rounds=2 if impl == "sklearn loop" else None)


FIRST_CALL = (
    "import time; t0 = time.perf_counter(); import numpy as np, fastreg; "
    "X = np.random.rand(1000, 5); y = np.random.rand(1000); "
    "fastreg.LinearRegression().fit(X, y); fastreg.solve_batched(X[None], y[None]); "
    "print(time.perf_counter() - t0)"
)


def test_first_call_latency(benchmark, record):
    """Cold compile (empty numba cache) against a new process loading the cache."""
    record("first call in a new process (import + fit)", "fastreg, warm on-disk cache")
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        call = lambda: float(subprocess.run([sys.executable, "-c", FIRST_CALL], env=env, capture_output=True, text=True, check=True).stdout)
        benchmark.extra_info["cold_compile_seconds"] = round(call(), 3)
        benchmark.pedantic(call, rounds=3, iterations=1)
