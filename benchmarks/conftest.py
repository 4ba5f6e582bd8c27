"""Shared set-up for the benchmarks: warm-up, work figures, peers.

Every benchmark records in ``extra_info`` what it computes (``case``), who
computes it (``impl``), and its work (``bytes`` read and/or ``flops``), so
``benchmarks/report.py`` can print ratios against the peer measured in the
same run, with GB/s and GFLOP/s beside them.
"""

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
