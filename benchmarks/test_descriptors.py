"""Pooling and featurization against NumPy and dscribe, same run."""

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import run
from fastreg.descriptors import pool

N_STRUCTURES, N_FEATURES = 2000, 1500


@pytest.fixture(scope="module")
def ragged_float32():
    rng = np.random.default_rng(9)
    sizes = rng.integers(8, 56, N_STRUCTURES)  # ~31 atoms per structure, like the alloys
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    return rng.random((offsets[-1], N_FEATURES), dtype=np.float32), offsets


def numpy_reduceat(values, offsets):
    starts = offsets[:-1]
    mean = np.add.reduceat(values, starts, axis=0, dtype=np.float64) / np.diff(offsets)[:, None]
    return np.hstack([mean.astype(np.float32), np.maximum.reduceat(values, starts, axis=0)])


@pytest.mark.parametrize("impl", ["fastreg.pool(mean, max)", "numpy reduceat", "read values once (numpy sum)"])
def test_pool_mean_max(benchmark, record, ragged_float32, impl):
    values, offsets = ragged_float32
    calls = {
        "fastreg.pool(mean, max)": lambda: pool(values, offsets, ("mean", "max")),
        "numpy reduceat": lambda: numpy_reduceat(values, offsets),
        "read values once (numpy sum)": lambda: np.add.reduce(values, axis=None),
    }
    record(f"pool mean+max, {N_STRUCTURES} structures x {N_FEATURES} float32", impl, bytes_read=values.nbytes)
    run(benchmark, calls[impl])


dscribe = pytest.importorskip("dscribe")

from fastreg.datasets import load_alloys  # noqa: E402
from fastreg.descriptors import featurize  # noqa: E402
from fastreg.descriptors._featurize import default_descriptor  # noqa: E402


@pytest.fixture(scope="module")
def alloys():
    structures = load_alloys()
    return structures, default_descriptor({s for a in structures for s in a.get_chemical_symbols()})


def dscribe_then_numpy(structures, descriptor):
    return np.array([v.mean(axis=0) for v in descriptor.create(structures)])


@pytest.mark.parametrize("impl", ["fastreg.featurize, 1 process", "fastreg.featurize, 2 processes",
                                  "dscribe create + numpy mean, 1 process"])
def test_featurize_1200_alloys(benchmark, record, alloys, impl):
    structures, descriptor = alloys
    calls = {
        "fastreg.featurize, 1 process": lambda: featurize(structures, descriptor),
        "fastreg.featurize, 2 processes": lambda: featurize(structures, descriptor, n_jobs=2),
        "dscribe create + numpy mean, 1 process": lambda: dscribe_then_numpy(structures, descriptor),
    }
    record(f"featurize {len(structures)} alloys (SOAP mean), {sum(map(len, structures))} atoms", impl)
    run(benchmark, calls[impl], rounds=5)  # the warm-up call also starts the reusable workers


@pytest.mark.parametrize("impl", ["fastreg.pool of the SOAP rows", "dscribe create (the descriptor itself)"])
def test_pooling_share_of_descriptor_time(benchmark, record, alloys, impl):
    structures, descriptor = alloys
    described = descriptor.create(structures)
    values = np.concatenate(described)
    offsets = np.concatenate([[0], np.cumsum([len(v) for v in described])])
    calls = {
        "fastreg.pool of the SOAP rows": lambda: pool(values, offsets, ("mean",)),
        "dscribe create (the descriptor itself)": lambda: descriptor.create(structures),
    }
    record("pooling vs descriptor time, 1200 alloys", impl, bytes_read=values.nbytes)
    run(benchmark, calls[impl], rounds=3)


# VmHWM belongs to the new address space (ru_maxrss would carry the parent's peak across exec)
PEAK_RSS = """
import json, sys
from fastreg.datasets import generate_alloys
from fastreg.descriptors import featurize
n = int(sys.argv[1])
X, _ = featurize(generate_alloys(n, energies=False, random_state=1))
peak = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print(json.dumps({"n": n, "rows": X.shape[0], "peak_rss_mb": peak / 1024, "output_mb": X.nbytes / 2**20}))
"""


def test_peak_memory_is_bounded(benchmark, record):
    """Peak RSS of a fresh process featurizing a stream of n and of 10·n structures."""
    record("peak RSS, streaming featurize of 300 vs 3000 structures", "fastreg.featurize (generator input)")
    measure = lambda n: json.loads(subprocess.run([sys.executable, "-c", PEAK_RSS, str(n)], capture_output=True,
                                                  text=True, check=True).stdout)
    small = measure(300)
    large = benchmark.pedantic(lambda: measure(3000), rounds=1, iterations=1)
    growth = large["peak_rss_mb"] / small["peak_rss_mb"] - 1
    benchmark.extra_info.update(peak_rss_mb_300=small["peak_rss_mb"], peak_rss_mb_3000=large["peak_rss_mb"],
                                growth=growth, output_mb_3000=large["output_mb"])
    assert large["rows"] == 3000
