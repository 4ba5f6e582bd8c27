"""BayesianRidge against scikit-learn's on the issue's problem size."""

import numpy as np
import pytest
import sklearn.linear_model as sk

import fastreg
from conftest import run

N, P = 200_000, 100


@pytest.mark.parametrize("impl", ["fastreg.BayesianRidge", "sklearn.BayesianRidge"])
def test_bayesian_ridge_200k_by_100(benchmark, record, impl):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((N, P))
    y = X @ (rng.standard_normal(P) * (rng.random(P) < 0.3)) + rng.standard_normal(N)
    model = {"fastreg.BayesianRidge": fastreg.BayesianRidge, "sklearn.BayesianRidge": sk.BayesianRidge}[impl]
    # work: the Gram (n p², fastreg) or the thin SVD (~ 6 n p², scikit-learn); same data read
    record("BayesianRidge 200,000x100", impl, bytes_read=X.nbytes)
    fitted = run(benchmark, lambda: model().fit(X, y), rounds=3)
    benchmark.extra_info["alpha_"] = float(fitted.alpha_)
