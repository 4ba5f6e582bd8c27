"""Gradient descent against the tutorial's NumPy loop and scikit-learn's SGDRegressor."""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.exceptions import ConvergenceWarning

import fastreg
from conftest import run
from fastreg._kernels import gd as _gd
from fastreg._kernels.jit import n_threads

N, P, ITERATIONS, RATE = 100_000, 100, 1000, 0.05


@pytest.fixture(scope="module")
def standardised():
    rng = np.random.default_rng(3)
    mixing = np.eye(P) + 0.3 * rng.standard_normal((P, P)) / np.sqrt(P)  # correlated features
    X = rng.standard_normal((N, P)) @ mixing
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = X @ rng.standard_normal(P) + 0.5 * rng.standard_normal(N)
    return X, y


def numpy_loop(X, y, rate, n_iter):
    """The tutorial's loop: θ ← θ - η·(2/n)·Xᵀ(Xθ - y), bias column included."""
    Xb = np.hstack([np.ones((len(X), 1)), X])
    theta = np.zeros(Xb.shape[1])
    for _ in range(n_iter):
        theta -= rate * (2 / len(y)) * (Xb.T @ (Xb @ theta - y))
    return theta


@pytest.mark.parametrize("impl", ["fastreg gram mode", "fastreg data mode", "numpy loop (tutorial)"])
def test_fixed_rate_1000_iterations(benchmark, record, standardised, impl):
    X, y = standardised
    fits = {
        "fastreg gram mode": lambda: fastreg.GradientDescentRegressor(learning_rate=RATE, max_iter=ITERATIONS, tol=0, mode="gram").fit(X, y),
        "fastreg data mode": lambda: fastreg.GradientDescentRegressor(learning_rate=RATE, max_iter=ITERATIONS, tol=0, mode="data").fit(X, y),
        "numpy loop (tutorial)": lambda: numpy_loop(X, y, RATE, ITERATIONS),
    }
    reads = 1 if impl.endswith("gram mode") else ITERATIONS
    record(f"GD 100,000x100, {ITERATIONS} iterations at eta={RATE}", impl, bytes_read=reads * X.nbytes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        run(benchmark, fits[impl], rounds=None if impl.endswith("gram mode") else 2)


@pytest.mark.parametrize("impl", ["fastreg GD (auto rate, to 1e-6 of closed form)", "sklearn SGDRegressor (defaults)"])
def test_time_to_solution(benchmark, record, standardised, impl):
    X, y = standardised
    exact = sk.LinearRegression().fit(X, y).coef_
    fits = {
        "fastreg GD (auto rate, to 1e-6 of closed form)": lambda: fastreg.GradientDescentRegressor(max_iter=100_000, tol=1e-8).fit(X, y),
        "sklearn SGDRegressor (defaults)": lambda: sk.SGDRegressor(random_state=0).fit(X, y),
    }
    record("time to solution, 100,000x100", impl, bytes_read=X.nbytes)
    model = run(benchmark, fits[impl], rounds=3)
    error = np.linalg.norm(model.coef_ - exact) / np.linalg.norm(exact)
    benchmark.extra_info["relative_error_vs_closed_form"] = float(error)
    benchmark.extra_info["n_iter"] = int(np.max(model.n_iter_))
    if impl.startswith("fastreg"):
        assert error <= 1e-6


@pytest.mark.parametrize("impl", ["fastreg data-mode iteration (fused pass)", "read X once (numpy sum)"])
def test_one_data_iteration(benchmark, record, impl):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((1_000_000, 50))
    y = rng.standard_normal(1_000_000)
    mean_x = X[:64].mean(axis=0)
    point = rng.standard_normal(51)
    grad = np.empty(51)
    rows, weights = np.empty(0, dtype=np.int64), np.empty(0)
    calls = {
        "fastreg data-mode iteration (fused pass)": lambda: _gd.data_pass(X, y, weights, rows, mean_x, point, 0.0, n_threads(), grad),
        "read X once (numpy sum)": lambda: np.add.reduce(X, axis=None),
    }
    record("one data-mode iteration, 1,000,000x50", impl, bytes_read=X.nbytes + y.nbytes,
           flops=0 if impl.startswith("read") else 4 * X.size)
    run(benchmark, calls[impl])
