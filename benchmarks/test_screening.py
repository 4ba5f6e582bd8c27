"""Screening throughput and memory: a saved-model workflow over thousands of new structures.

Peer: the plain way — dscribe's SOAP with ``average="outer"`` (the same mean
pooling) and scikit-learn's Ridge predicting from it, with the same number of
processes. fastreg also computes the interval and the leverage of every
candidate, so it does more work per structure.
"""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("dscribe")
from dscribe.descriptors import SOAP  # noqa: E402
from sklearn.linear_model import Ridge as SkRidge  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import fastreg  # noqa: E402
from fastreg.datasets import generate_alloys, load_alloys  # noqa: E402
from fastreg.descriptors import PooledDescriptor  # noqa: E402
from fastreg.descriptors._featurize import DEFAULT_SOAP  # noqa: E402

from conftest import run  # noqa: E402

N_CANDIDATES = 2000
TARGET = "formation_energy_per_atom"


@pytest.fixture(scope="module")
def fitted():
    train = load_alloys()[:400]
    y = np.array([a.info[TARGET] for a in train])
    descriptor = PooledDescriptor().fit(train)
    pipeline = make_pipeline(descriptor, StandardScaler(), fastreg.Ridge(alpha=1.0, intervals=True)).fit(train, y)
    features = pipeline[:-1].transform(train)
    domain = fastreg.ApplicabilityDomain(alpha=1.0, threshold="loo").fit(features)
    model = fastreg.ScreeningModel(pipeline, domain=domain, target=TARGET, unit="eV/atom")
    soap = SOAP(species=descriptor.species_, periodic=True, average="outer", **DEFAULT_SOAP)
    peer = make_pipeline(StandardScaler(), SkRidge(alpha=1.0)).fit(np.array([soap.create(a) for a in train]), y)
    candidates = list(generate_alloys(N_CANDIDATES, energies=False, random_state=7))
    return model, soap, peer, candidates


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_screen(benchmark, record, fitted, n_jobs):
    model, _, _, candidates = fitted
    record(f"screen {N_CANDIDATES} alloys (32 sites), pooled SOAP, {n_jobs} process(es)", "fastreg screen")
    benchmark.extra_info["structures"] = N_CANDIDATES

    def screen():
        return sum(len(c["id"]) for c in fastreg.screen(model, candidates, n_jobs=n_jobs))

    assert run(benchmark, screen, rounds=3) == N_CANDIDATES


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_screen_peer(benchmark, record, fitted, n_jobs):
    _, soap, peer, candidates = fitted
    record(f"screen {N_CANDIDATES} alloys (32 sites), pooled SOAP, {n_jobs} process(es)", "dscribe outer + sklearn")

    def predict():
        return peer.predict(soap.create(candidates, n_jobs=n_jobs))

    assert run(benchmark, predict, rounds=3).shape == (N_CANDIDATES,)


MEMORY_PROBE = textwrap.dedent("""
    import json, resource, sys
    import fastreg
    from fastreg.datasets import generate_alloys
    model = fastreg.load(sys.argv[1])
    n = int(sys.argv[2])
    done = sum(len(c["id"]) for c in fastreg.screen(model, generate_alloys(n, energies=False, random_state=3)))
    print(json.dumps({"structures": done, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")


def test_screening_memory_is_flat(benchmark, record, fitted, tmp_path):
    """Peak RSS screening 10,000 streamed structures within 10 % of screening 1,000."""
    model = fitted[0]
    path = fastreg.save(model, tmp_path / "model.skops")
    record("peak RSS: screen 10,000 vs 1,000 streamed structures", "fastreg screen")

    def probe(n):
        result = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(path), str(n)], capture_output=True,
                                text=True, check=True)
        return json.loads(result.stdout)

    small = probe(1000)
    large = benchmark.pedantic(lambda: probe(10_000), rounds=1, iterations=1)
    benchmark.extra_info.update(rss_1000_mb=small["peak_rss_mb"], rss_10000_mb=large["peak_rss_mb"])
    assert large["structures"] == 10_000
    assert large["peak_rss_mb"] <= 1.10 * small["peak_rss_mb"], (small, large)
