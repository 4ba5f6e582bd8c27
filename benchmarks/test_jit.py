"""fastreg.jit from a user's own compiled loop: 1,000 bootstrap Ridge refits of a 500×50 problem.

Peers: a Python loop over scikit-learn's Ridge, and over fastreg.Ridge (the estimator).
"""

import numba
import numpy as np
import pytest
from sklearn.linear_model import Ridge as SkRidge

import fastreg
from fastreg import jit

from conftest import run

N_SAMPLES, N_FEATURES, N_REFITS = 500, 50, 1000
CASE = f"{N_REFITS} bootstrap Ridge refits, {N_SAMPLES}×{N_FEATURES}"
FLOPS = N_REFITS * (N_SAMPLES * (N_FEATURES + 1) ** 2 + N_FEATURES ** 3 / 3)  # Gram + Cholesky per refit


@numba.njit(parallel=True)
def bootstrap(X, y, alpha, draws):
    coefs = np.empty((draws.shape[0], X.shape[1]))
    for b in numba.prange(draws.shape[0]):
        coef, intercept, info = jit.fit_ridge(X[draws[b]], y[draws[b]], alpha, True)
        coefs[b] = coef
    return coefs


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES))
    y = X @ rng.standard_normal(N_FEATURES) + rng.standard_normal(N_SAMPLES)
    return X, y, rng.integers(0, N_SAMPLES, (N_REFITS, N_SAMPLES))


def test_jit_prange(benchmark, record, data):
    X, y, draws = data
    record(CASE, "fastreg.jit in a user's njit prange loop", flops=FLOPS)
    coefs = run(benchmark, lambda: bootstrap(X, y, 1.0, draws))
    np.testing.assert_allclose(coefs[3], SkRidge(alpha=1.0).fit(X[draws[3]], y[draws[3]]).coef_, rtol=1e-8)


def test_sklearn_loop(benchmark, record, data):
    X, y, draws = data
    record(CASE, "Python loop over sklearn Ridge", flops=FLOPS)
    run(benchmark, lambda: [SkRidge(alpha=1.0).fit(X[d], y[d]).coef_ for d in draws], rounds=3)


def test_fastreg_estimator_loop(benchmark, record, data):
    X, y, draws = data
    record(CASE, "Python loop over fastreg.Ridge", flops=FLOPS)
    run(benchmark, lambda: [fastreg.Ridge(alpha=1.0).fit(X[d], y[d]).coef_ for d in draws], rounds=3)
