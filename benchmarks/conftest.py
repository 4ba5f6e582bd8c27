"""Shared set-up for the benchmarks: warm-up, work figures, peers.

Every benchmark records in ``extra_info`` what it computes (``case``), who
computes it (``impl``), and its work (``bytes`` read and/or ``flops``), so
``benchmarks/report.py`` can print ratios against the peer measured in the
same run, with GB/s and GFLOP/s beside them.
"""

import json
import os
from pathlib import Path

import pytest


@pytest.fixture
def record(benchmark):
    def _record(case, impl, *, bytes_read=0, flops=0):
        benchmark.group = case
        benchmark.extra_info.update(case=case, impl=impl, bytes=bytes_read, flops=flops)

    return _record


def run(benchmark, function, *, rounds=None):
    """Warm up once (compilation, caches) outside the timing, then measure."""
    function()
    if rounds is None:
        return benchmark(function)
    return benchmark.pedantic(function, rounds=rounds, iterations=1, warmup_rounds=0)


PEER_DISTRIBUTIONS = ("fastreg", "numpy", "scipy", "numba", "scikit-learn", "scikit-learn-intelex", "daal",
                      "glum", "skglm", "celer", "dask", "dask-ml", "dscribe", "featomic")


def pytest_benchmark_update_machine_info(config, machine_info):
    """Record the versions of fastreg and of every peer that is installed, and the scale."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in PEER_DISTRIBUTIONS:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            pass
    machine_info["versions"] = versions
    machine_info["scale"] = os.environ.get("FASTREG_BENCH_SCALE", "full")


_SKIPPED = []


def pytest_runtest_logreport(report):
    if report.skipped and report.when in ("setup", "call"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _SKIPPED.append([report.nodeid.split("::", 1)[-1], reason.removeprefix("Skipped: ")])


def pytest_sessionfinish(session):
    """Skipped benchmarks beside the JSON (``RUN.skipped.json``), for the report to list."""
    target = session.config.getoption("benchmark_json", None)
    if target is not None:
        path = Path(target)
        path.with_name(path.stem + ".skipped.json").write_text(json.dumps(_SKIPPED, indent=1))
