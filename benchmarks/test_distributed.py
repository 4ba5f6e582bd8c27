"""fastreg.distributed against dask-ml and dask's own least squares, on a LocalCluster, same run.

A 20,000,000 × 20 float64 array (3.4 GB with y) is generated chunk by chunk on the
workers and persisted there (never materialised on the client); each fit then reads it
from the workers' memory. Scaling: 1 against 2 workers.
"""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("dask.distributed")

import fastreg  # noqa: E402
from fastreg import distributed as fd  # noqa: E402

from conftest import run  # noqa: E402

N_SAMPLES, N_FEATURES, CHUNK = 20_000_000, 20, 500_000
BYTES = N_SAMPLES * (N_FEATURES + 1) * 8
CASE = f"fit OLS on a {N_SAMPLES:,} × {N_FEATURES} dask array"


@pytest.fixture(scope="module", params=[2, 1], ids=["2 workers", "1 worker"])
def cluster(request):
    cluster = distributed.LocalCluster(n_workers=request.param, threads_per_worker=1, processes=True,
                                       dashboard_address=None, memory_limit="10GiB")
    with distributed.Client(cluster) as client:
        rng = da.random.default_rng(0)
        X = rng.standard_normal((N_SAMPLES, N_FEATURES), chunks=(CHUNK, N_FEATURES)) + 1.0
        coef = np.arange(1.0, N_FEATURES + 1)
        y = X @ coef + 0.5 + rng.standard_normal(N_SAMPLES, chunks=CHUNK)
        X, y = client.persist([X, y])
        distributed.wait([X, y])
        yield request.param, (X, y, coef)
    cluster.close()


def test_fastreg(benchmark, record, cluster):
    workers, (X, y, coef) = cluster
    record(f"{CASE}, {workers} worker(s)", "fastreg.distributed.fit", bytes_read=BYTES,
           flops=N_SAMPLES * (N_FEATURES + 2) ** 2)
    model = run(benchmark, lambda: fd.fit(fastreg.LinearRegression(), X, y), rounds=3)
    np.testing.assert_allclose(model.coef_, coef, atol=1e-3)


def test_dask_lstsq(benchmark, record, cluster):
    workers, (X, y, coef) = cluster
    record(f"{CASE}, {workers} worker(s)", "dask.array.linalg.lstsq (TSQR)", bytes_read=BYTES)
    Z = da.concatenate([X, da.ones((N_SAMPLES, 1), chunks=(CHUNK, 1))], axis=1).rechunk({1: -1})
    solution = run(benchmark, lambda: da.linalg.lstsq(Z, y)[0].compute(), rounds=1)
    np.testing.assert_allclose(solution[:-1], coef, atol=1e-3)


def test_dask_ml(benchmark, record, cluster):
    dask_ml = pytest.importorskip("dask_ml.linear_model")
    workers, (X, y, coef) = cluster
    record(f"{CASE}, {workers} worker(s)", "dask-ml LinearRegression (newton)", bytes_read=BYTES)
    model = run(benchmark, lambda: dask_ml.LinearRegression(solver="newton").fit(X, y), rounds=1)
    np.testing.assert_allclose(model.coef_, coef, atol=1e-2)
