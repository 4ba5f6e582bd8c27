"""``fastreg bench``: a quick speed check against the peers, on this machine, in one process.

The full benchmark suite (pytest-benchmark) lives in the repository's
``benchmarks/``; this command needs only the installed package. Each case is
warmed up once (compilation excluded), then timed ``repeats`` times; the
median is reported with the peer's median from the same run.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CASES = ("ols", "batched", "lasso", "pool")


def _median_time(function, repeats):
    function()  # warm-up: compilation, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _cases(scale):
    import sklearn.linear_model as sk

    import fastreg
    from fastreg.descriptors import pool

    rng = np.random.default_rng(0)
    n = max(1000, int(1_000_000 * scale))
    X = rng.standard_normal((n, 50))
    y = X @ rng.standard_normal(50) + rng.standard_normal(n)
    yield (f"OLS {n:,}x50", X.nbytes,
           ("fastreg.LinearRegression", lambda: fastreg.LinearRegression().fit(X, y)),
           [("sklearn.LinearRegression", lambda: sk.LinearRegression().fit(X, y)),
            ("sklearn.Ridge(cholesky)", lambda: sk.Ridge(solver="cholesky").fit(X, y)),
            ("read X once", lambda: np.add.reduce(X, axis=None))])
    problems = max(100, int(10_000 * scale))
    Xb = rng.standard_normal((problems, 64, 8))
    yb = rng.standard_normal((problems, 64))

    def stacked():
        Xt = Xb.transpose(0, 2, 1)
        return np.linalg.solve(Xt @ Xb, Xt @ yb[:, :, None])

    yield (f"{problems:,} problems of 64x8", Xb.nbytes,
           ("fastreg.solve_batched", lambda: fastreg.solve_batched(Xb, yb, fit_intercept=False)),
           [("numpy stacked solve", stacked)])
    m = max(1000, int(100_000 * scale))
    Xl = rng.standard_normal((m, 100))
    yl = Xl[:, :10] @ rng.standard_normal(10) + rng.standard_normal(m)
    yield (f"Lasso one alpha {m:,}x100", Xl.nbytes,
           ("fastreg.Lasso", lambda: fastreg.Lasso(alpha=0.02, fit_intercept=False).fit(Xl, yl)),
           [("sklearn.Lasso", lambda: sk.Lasso(alpha=0.02, fit_intercept=False).fit(Xl, yl))])
    structures = max(50, int(2000 * scale))
    offsets = np.concatenate([[0], np.cumsum(rng.integers(8, 56, structures))])
    values = rng.random((offsets[-1], 1500), dtype=np.float32)

    def reduceat():
        mean = np.add.reduceat(values, offsets[:-1], axis=0) / np.diff(offsets)[:, None]
        return mean, np.maximum.reduceat(values, offsets[:-1], axis=0)

    yield (f"pool mean+max {structures:,} structures x 1500", values.nbytes,
           ("fastreg pool", lambda: pool(values, offsets, ("mean", "max"))),
           [("numpy reduceat", reduceat)])


def run_bench(*, scale=1.0, repeats=5, out=print):
    if not 0 < scale <= 1:
        raise ValueError(f"--scale must be in (0, 1], got {scale}.")
    out(f"fastreg bench (scale {scale:g}, median of {repeats}, warm-up excluded); speed-up = peer / fastreg")
    for title, nbytes, (name, ours), peers in _cases(scale):
        ours_time = _median_time(ours, repeats)
        out(f"\n{title}\n  {name:<26} {ours_time * 1e3:9.2f} ms  {nbytes / ours_time / 1e9:6.1f} GB/s")
        for peer_name, peer in peers:
            peer_time = _median_time(peer, repeats)
            out(f"  {peer_name:<26} {peer_time * 1e3:9.2f} ms  speed-up {peer_time / ours_time:6.2f}x")
    return 0


def find_suite():
    """The checkout's ``benchmarks/`` folder (from here or beside the package), or None."""
    import fastreg

    for folder in (Path.cwd() / "benchmarks", Path(fastreg.__file__).resolve().parents[1] / "benchmarks"):
        if (folder / "test_peers.py").is_file() and (folder / "report.py").is_file():
            return folder
    return None


def run_suite(*, full, out, compare=None, force=False):
    """``fastreg bench --quick/--full``: the pytest-benchmark suite, then ``results.md`` and ``speedups.png``.

    ``--quick`` runs the peer comparison (``benchmarks/test_peers.py``) at small sizes (under 2
    minutes); ``--full`` runs every benchmark at the issue sizes (tens of minutes). The
    pytest-benchmark JSON is kept beside the two files (``results.json``) for ``--compare``.
    """
    suite = find_suite()
    if suite is None:
        raise ValueError("fastreg bench --quick/--full runs the benchmark suite of a source checkout, and no "
                         "benchmarks/ folder was found here or beside the package; plain 'fastreg bench' checks "
                         "an installed package.")
    if compare is not None and not Path(compare).is_file():
        raise ValueError(f"--compare: no such benchmark JSON: {compare}")
    out = Path(out)
    targets = [out / "results.md", out / "speedups.png", out / "results.json"]
    existing = [str(path) for path in targets if path.exists()]
    if existing and not force:
        raise ValueError(f"{existing[0]} exists; pass --force to replace the previous results.")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as scratch:
        run_json = Path(scratch) / "run.json"
        tests = [str(suite)] if full else [str(suite / "test_peers.py")]
        command = [sys.executable, "-m", "pytest", "-q", *tests, "-p", "no:randomly", "-p", "no:cacheprovider",
                   "--benchmark-columns=median,iqr,rounds", "--benchmark-sort=name", f"--benchmark-json={run_json}"]
        environment = {**os.environ, "FASTREG_BENCH_SCALE": "full" if full else "quick"}
        _run_child("pytest", command, environment, cwd=suite.parent, allowed=(0, 1))  # 1: a benchmark failed
        if not run_json.is_file():
            raise RuntimeError("the benchmark run wrote no results (see the pytest output above)")
        skipped = out / "results.skipped.json"
        run_json.with_name("run.skipped.json").replace(skipped)
        run_json.replace(out / "results.json")  # kept even if the report below fails
        report = [sys.executable, str(suite / "report.py"), str(out / "results.json"), "--out", scratch,
                  "--skipped", str(skipped)]
        if compare is not None:
            report += ["--compare", str(compare)]
        if full and out.resolve() == suite.resolve():  # the checkout's own results: its README shows them
            report += ["--readme", str(suite.parent / "README.md")]
        _run_child("the report", report, environment, cwd=suite.parent)
        Path(scratch, "results.md").replace(out / "results.md")  # each file whole, by rename
        Path(scratch, "speedups.png").replace(out / "speedups.png")
    print(f"wrote {out / 'results.md'}, {out / 'speedups.png'} and {out / 'results.json'}")
    return 0


def _run_child(name, command, environment, cwd, allowed=(0,)):
    """Run a child process in the foreground; it is stopped if this process is interrupted or terminated."""
    child = subprocess.Popen(command, env=environment, cwd=cwd)
    try:
        code = child.wait()
    except BaseException:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
        raise
    if code not in allowed:
        raise RuntimeError(f"{name} exited with code {code}")
