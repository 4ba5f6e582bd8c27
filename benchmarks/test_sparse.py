"""Sparse X (CSR) against scikit-learn, same run: a random 100,000 × 20,000 matrix at 0.5 %
density and the shipped alloys' SOAP pooled by species (1,200 × 11,368, 3.4 % non-zero).

Work model: bytes of X's non-zeros (values and column indices) read once per fit. Peak memory
(tracemalloc, one extra fit outside the timing) is recorded beside each time, against the
bytes of the non-zeros.

scikit-learn's default sparse Ridge stops its conjugate gradients at ``tol=1e-4`` (coefficients
~5e-5 off); fastreg solves to a relative residual of 1e-12. The "sparse_cg tol=1e-10" peer is
scikit-learn at the same accuracy.
"""

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sk

import fastreg
from conftest import run


def nonzero_bytes(X):
    return X.data.nbytes + X.indices.nbytes


def peak_bytes(fit):
    tracemalloc.start()
    fit()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@pytest.fixture(scope="module")
def random_sparse():
    rng = np.random.default_rng(0)
    X = sp.random(100_000, 20_000, density=0.005, format="csr", random_state=np.random.RandomState(0))
    coef = np.zeros(20_000)
    coef[:200] = rng.standard_normal(200)
    return X, X @ coef + 0.1 * rng.standard_normal(100_000)


@pytest.fixture(scope="module")
def alloys_by_species():
    from fastreg.datasets import load_alloys
    from fastreg.descriptors import PooledDescriptor

    structures = load_alloys()
    y = np.array([atoms.info["formation_energy_per_atom"] for atoms in structures])
    X = PooledDescriptor(by_species=True).fit_transform(structures)
    X = sp.csr_matrix((X - X.mean(axis=0)) / np.maximum(X.std(axis=0), 1e-12) * (X != 0))  # scaled, zeros kept
    return X, y


RIDGE = {"fastreg.Ridge": lambda: fastreg.Ridge(alpha=1.0), "sklearn.Ridge": lambda: sk.Ridge(alpha=1.0),
         "sklearn.Ridge sparse_cg tol=1e-10": lambda: sk.Ridge(alpha=1.0, solver="sparse_cg", tol=1e-10)}
LASSO = {"fastreg.Lasso": lambda alpha: fastreg.Lasso(alpha=alpha), "sklearn.Lasso": lambda alpha: sk.Lasso(alpha=alpha)}


@pytest.mark.parametrize("impl", list(RIDGE))
def test_sparse_ridge_100k_by_20k(benchmark, record, random_sparse, impl):
    X, y = random_sparse
    record("sparse Ridge 100,000x20,000 (0.5 %)", impl, bytes_read=nonzero_bytes(X))
    benchmark.extra_info["peak_over_nonzeros"] = peak_bytes(lambda: RIDGE[impl]().fit(X, y)) / nonzero_bytes(X)
    run(benchmark, lambda: RIDGE[impl]().fit(X, y), rounds=3)


@pytest.mark.parametrize("impl", list(LASSO))
def test_sparse_lasso_100k_by_20k(benchmark, record, random_sparse, impl):
    X, y = random_sparse
    record("sparse Lasso 100,000x20,000 (0.5 %), alpha=1e-3", impl, bytes_read=nonzero_bytes(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        benchmark.extra_info["peak_over_nonzeros"] = peak_bytes(lambda: LASSO[impl](1e-3).fit(X, y)) / nonzero_bytes(X)
        run(benchmark, lambda: LASSO[impl](1e-3).fit(X, y), rounds=3)


@pytest.mark.parametrize("impl", ["fastreg.Ridge", "sklearn.Ridge"])
def test_sparse_ridge_alloys_by_species(benchmark, record, alloys_by_species, impl):
    X, y = alloys_by_species
    record("sparse Ridge, alloys SOAP by species 1,200x11,368", impl, bytes_read=nonzero_bytes(X))
    benchmark.extra_info["peak_over_nonzeros"] = peak_bytes(lambda: RIDGE[impl]().fit(X, y)) / nonzero_bytes(X)
    run(benchmark, lambda: RIDGE[impl]().fit(X, y), rounds=5)


@pytest.mark.parametrize("impl", list(LASSO))
def test_sparse_lasso_alloys_by_species(benchmark, record, alloys_by_species, impl):
    X, y = alloys_by_species
    record("sparse Lasso, alloys SOAP by species 1,200x11,368, alpha=1e-2", impl, bytes_read=nonzero_bytes(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        benchmark.extra_info["peak_over_nonzeros"] = peak_bytes(lambda: LASSO[impl](1e-2).fit(X, y)) / nonzero_bytes(X)
        run(benchmark, lambda: LASSO[impl](1e-2).fit(X, y), rounds=3)
