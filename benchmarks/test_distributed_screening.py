"""Screening throughput: fastreg.screen here against fastreg.distributed.screen on 2 workers, same run."""

import numpy as np
import pytest

distributed = pytest.importorskip("dask.distributed")
pytest.importorskip("dscribe")
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import fastreg  # noqa: E402
from fastreg import distributed as fd  # noqa: E402
from fastreg.datasets import generate_alloys, load_alloys  # noqa: E402
from fastreg.descriptors import PooledDescriptor  # noqa: E402

from conftest import run  # noqa: E402

N_CANDIDATES = 2000
CASE = f"screen {N_CANDIDATES} alloys (32 sites), pooled SOAP mean+std"


@pytest.fixture(scope="module")
def model():
    train = load_alloys()[:400]
    y = np.array([a.info["formation_energy_per_atom"] for a in train])
    pipeline = make_pipeline(PooledDescriptor(stats=("mean", "std")), StandardScaler(),
                             fastreg.RidgeCV(alphas=np.logspace(-2, 3, 6))).fit(train, y)
    domain = fastreg.ApplicabilityDomain(alpha=pipeline[-1].alpha_, threshold="loo").fit(pipeline[:-1].transform(train))
    return fastreg.ScreeningModel(pipeline, domain=domain), list(generate_alloys(N_CANDIDATES, energies=False, random_state=5))


def test_here(benchmark, record, model):
    screening, candidates = model
    record(CASE, "fastreg.screen, 1 process")
    run(benchmark, lambda: sum(len(t["id"]) for t in fastreg.screen(screening, candidates)), rounds=3)


def test_two_workers(benchmark, record, model):
    screening, candidates = model
    record(CASE, "fastreg.distributed.screen, 2 workers")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with distributed.Client(cluster) as client:
        def screen():
            return sum(len(t["id"]) for t in fd.screen(screening, candidates, npartitions=8, client=client))

        assert run(benchmark, screen, rounds=3) == N_CANDIDATES
    cluster.close()
