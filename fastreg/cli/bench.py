"""``fastreg bench``: a quick speed check against the peers, on this machine, in one process.

The full benchmark suite (pytest-benchmark) lives in the repository's
``benchmarks/``; this command needs only the installed package. Each case is
warmed up once (compilation excluded), then timed ``repeats`` times; the
median is reported with the peer's median from the same run.
"""

import time

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
