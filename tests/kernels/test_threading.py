"""Fork after a fit and fits from several threads, under each threading layer fastreg may select."""

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import sys
    if sys.argv[1] == "no-tbb":
        sys.modules["numba.np.ufunc.tbbpool"] = None  # as on a machine without TBB
    import multiprocessing, threading
    import numpy as np, numba, fastreg
    from fastreg._kernels import jit
    X = np.random.default_rng(0).random((20_000, 20)); y = X @ np.arange(20.0)
    expected = fastreg.LinearRegression().fit(X, y).coef_
    print(jit.THREADING_LAYER, numba.threading_layer(), flush=True)

    def child(queue):
        queue.put(fastreg.LinearRegression().fit(X, y).coef_.tolist())

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=child, args=(queue,))
    process.start()
    got = queue.get(timeout=60)
    process.join(60)
    assert process.exitcode == 0 and np.allclose(got, expected), process.exitcode
    results = []
    def fits():
        for _ in range(10):
            results.append(np.allclose(fastreg.LinearRegression().fit(X, y).coef_, expected))
    threads = [threading.Thread(target=fits) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert results == [True] * 40
    print("ok")
""")


@pytest.mark.parametrize("case, layer", [("default", "tbb"), ("no-tbb", "workqueue")])
def test_fork_after_fit_and_concurrent_fits(case, layer):
    import numba

    if numba.config.DISABLE_JIT:
        pytest.skip("no threads without compilation")
    if case == "default":
        from fastreg._kernels import jit

        if jit.THREADING_LAYER != "tbb":
            pytest.skip("TBB is not installed on this platform")
    result = subprocess.run([sys.executable, "-c", SCRIPT, case], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == [layer, layer, "ok"]
