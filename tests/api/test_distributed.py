"""fastreg.distributed on a LocalCluster of 2 worker processes: equal to the local path."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("dask.distributed")

import fastreg  # noqa: E402
from sklearn.linear_model import HuberRegressor  # noqa: E402
from fastreg import distributed as fd  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((3000, 30)) * 2 + 5.0
    coef = rng.standard_normal(30) * (rng.random(30) < 0.3)
    y = X @ coef + 3.0 * rng.standard_normal(3000)
    Y = np.column_stack([y, X[:, 0] - y])
    w = rng.random(3000) + 0.5
    return X, y, Y, w


def chunked(array, sizes=(700, 300, 1100, 900)):
    """Unequal row chunks, whole rows per chunk."""
    chunks = (sizes,) + tuple((n,) for n in array.shape[1:])
    return da.from_array(array, chunks=chunks)


@pytest.mark.parametrize("make", [lambda: fastreg.LinearRegression(), lambda: fastreg.Ridge(alpha=30.0),
                                  lambda: fastreg.BayesianRidge(), lambda: fastreg.Ridge(alpha=[1.0, 100.0])],
                         ids=["ols", "ridge", "bayesian", "ridge-per-target"])
def test_fits_equal_the_local_fit(client, data, make):
    X, y, Y, w = data
    target = Y if isinstance(make(), fastreg.Ridge) and np.ndim(make().alpha) else y
    remote = fd.fit(make(), chunked(X), chunked(target), chunked(w))
    local = make().fit(X, target, sample_weight=w)
    np.testing.assert_allclose(remote.coef_, local.coef_, rtol=1e-10, atol=1e-12 * np.abs(local.coef_).max())
    np.testing.assert_allclose(remote.intercept_, local.intercept_, rtol=1e-10)
    prediction = fd.predict(remote, chunked(X))
    assert isinstance(prediction, da.Array)
    np.testing.assert_allclose(prediction.compute(), local.predict(X), rtol=1e-10)


@pytest.mark.parametrize("make", [lambda: fastreg.Lasso(alpha=0.05, precompute=True, tol=1e-10),
                                  lambda: fastreg.ElasticNet(alpha=0.05, l1_ratio=0.3, precompute=True, tol=1e-10),
                                  lambda: fastreg.GradientDescentRegressor(mode="gram", max_iter=3000, tol=1e-12)],
                         ids=["lasso", "enet", "gd"])
def test_iterative_fits_from_statistics_equal_the_local_gram_mode(client, data, make):
    X, y, _, _ = data
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)  # gradient descent needs a reasonable condition number
    remote = fd.fit(make(), chunked(Xs), chunked(y))
    local = make().fit(Xs, y)
    np.testing.assert_allclose(remote.coef_, local.coef_, rtol=1e-8, atol=1e-10)


def test_lasso_cv_folds_from_statistics_equal_kfold_gram_mode(client, data):
    X, y, _, _ = data
    remote = fd.fit(fastreg.LassoCV(cv=3, alphas=12, precompute=True, tol=1e-8), chunked(X), chunked(y))
    local = fastreg.LassoCV(cv=3, alphas=12, precompute=True, tol=1e-8).fit(X, y)
    np.testing.assert_allclose(remote.mse_path_, local.mse_path_, rtol=1e-7)
    assert remote.alpha_ == local.alpha_
    np.testing.assert_allclose(remote.coef_, local.coef_, rtol=1e-7, atol=1e-9)


def test_ridge_cv_folds_from_statistics_equal_kfold(client, data):
    X, y, _, _ = data
    alphas = np.logspace(-1, 4, 11)
    remote = fd.fit(fastreg.RidgeCV(alphas=alphas), chunked(X[:400], (150, 100, 150)), chunked(y[:400], (150, 100, 150)), cv=4)
    local = fastreg.RidgeCV(alphas=alphas, cv=4).fit(X[:400], y[:400])
    np.testing.assert_allclose(remote.alpha_scores_, local.alpha_scores_, rtol=1e-9)
    assert remote.alpha_ == local.alpha_ and 0.1 < remote.alpha_ < 1e4  # an interior optimum
    np.testing.assert_allclose(remote.coef_, local.coef_, rtol=1e-9)


def test_a_chunk_with_nan_is_named(client, data):
    X = data[0].copy()
    X[1234, 5] = np.nan
    with pytest.raises(ValueError, match=r"rows 1000–2099 holds NaN or inf: first at row 1234"):
        fd.fit(fastreg.Ridge(), chunked(X), chunked(data[1]))
    with pytest.raises(ValueError, match="cannot be fitted from statistics"):
        fd.fit(HuberRegressor(), chunked(data[0]), chunked(data[1]))


def test_unreachable_scheduler_is_a_one_line_error():
    with pytest.raises(ValueError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 2 s"):
        fd.get_client("tcp://127.0.0.1:9", timeout=2)


def test_featurize_and_screen_on_workers_equal_local(client, tmp_path):
    pytest.importorskip("dscribe")
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from fastreg.datasets import load_alloys
    from fastreg.descriptors import PooledDescriptor

    structures = load_alloys()[:90]
    descriptor = PooledDescriptor(n_max=3, l_max=2, stats=("mean", "std")).fit(structures)
    rows = fd.featurize(structures, descriptor, npartitions=4)
    assert isinstance(rows, da.Array)
    np.testing.assert_array_equal(rows.compute(), descriptor.transform(structures))
    y = np.array([a.info["formation_energy_per_atom"] for a in structures[:60]])
    pipeline = make_pipeline(descriptor, StandardScaler(), fastreg.RidgeCV(alphas=np.logspace(-2, 3, 6))).fit(structures[:60], y)
    domain = fastreg.ApplicabilityDomain(alpha=pipeline[-1].alpha_, threshold="loo").fit(pipeline[:-1].transform(structures[:60]))
    model = fastreg.ScreeningModel(pipeline, domain=domain, target="formation_energy_per_atom", unit="eV/atom")
    tables = list(fd.screen(model, structures[60:], npartitions=3, client=client))
    assert len(tables) == 3
    remote = {name: np.concatenate([t[name] for t in tables]) for name in tables[0]}
    local = next(fastreg.screen(model, structures[60:], chunk_size=1000))
    assert remote["id"].tolist() == local["id"].tolist()
    for name in ("prediction", "lower", "upper", "leverage"):
        np.testing.assert_allclose(remote[name], local[name], rtol=1e-12)


def test_a_zarr_feature_file_opens_as_a_dask_array_and_fits_the_same(client, data, tmp_path):
    pytest.importorskip("zarr")
    from fastreg.io.features import save_features

    X, y, _, _ = data
    save_features(tmp_path / "f.zarr", X, [f"x{j}" for j in range(30)], [str(k) for k in range(3000)], {"y": y})
    lazy = da.from_zarr(str(tmp_path / "f.zarr"), component="X")
    assert lazy.chunks[0][0] == 1024  # the file's own row chunks, not a copy
    remote = fd.fit(fastreg.Ridge(alpha=5.0), lazy, chunked(y, lazy.chunks[0]))
    np.testing.assert_allclose(remote.coef_, fastreg.Ridge(alpha=5.0).fit(X, y).coef_, rtol=1e-10)


def test_a_worker_killed_mid_fit_leaves_the_result_exact(client):
    """Dask recomputes the lost worker's chunks (the nanny restarts it); the statistics are the same."""
    import os
    import signal
    import threading
    import time

    rng = da.random.default_rng(3)
    X = rng.standard_normal((1_200_000, 12), chunks=(30_000, 12)) + 2.0
    y = X @ np.arange(12.0) + rng.standard_normal(1_200_000, chunks=30_000)
    undisturbed = fd.fit(fastreg.Ridge(alpha=1.0), X, y)
    result = {}
    fitting = threading.Thread(target=lambda: result.update(model=fd.fit(fastreg.Ridge(alpha=1.0), X, y)))
    fitting.start()
    pids = client.run(os.getpid)
    time.sleep(0.3)
    os.kill(pids[sorted(pids)[0]], signal.SIGKILL)  # no clean shutdown: the process dies mid-task
    fitting.join(timeout=120)
    assert not fitting.is_alive() and "model" in result
    np.testing.assert_allclose(result["model"].coef_, undisturbed.coef_, rtol=1e-12)
    client.wait_for_workers(2, timeout=60)
    assert set(client.run(os.getpid).values()) != set(pids.values())  # the killed worker was replaced


def test_partitions_balance_atoms_not_structures():
    from fastreg.distributed.structures import balanced_groups

    sizes = [100, 1, 1, 1, 1, 1, 100, 1, 1, 1]
    groups = balanced_groups(sizes, 2)
    assert [k for group in groups for k in group] == list(range(10))  # input order kept
    totals = [sum(sizes[k] for k in group) for group in groups]
    assert max(totals) <= 110 and len(groups) == 2
    assert balanced_groups([5], 4) == [[0]]
