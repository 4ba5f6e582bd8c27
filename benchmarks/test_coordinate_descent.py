"""Coordinate descent against scikit-learn (and skglm, where it installs), same tolerance.

Every solution's duality gap is recomputed here, relative to ‖y‖²/n, so the
accuracy reached by each implementation stands next to its time.
"""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.exceptions import ConvergenceWarning

import fastreg
from conftest import run

TOL = 1e-4
# skglm's own kernels raise numba performance warnings, which this project's settings make errors
pytestmark = pytest.mark.filterwarnings("ignore::numba.NumbaPerformanceWarning")


def sparse_problem(seed, n, p, informative, noise=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    coef = np.zeros(p)
    coef[rng.choice(p, informative, replace=False)] = rng.uniform(0.5, 2.0, informative) * rng.choice([-1, 1], informative)
    return X, X @ coef + noise * rng.standard_normal(n)


def relative_gap(X, y, coef, alpha):
    """scikit-learn's Lasso duality gap (no intercept), divided by ‖y‖²/n."""
    n = len(y)
    r = y - X @ coef
    dual_norm = np.abs(X.T @ r).max()
    scale = min(1.0, alpha * n / dual_norm)
    primal = 0.5 * r @ r + alpha * n * np.abs(coef).sum()
    dual = -0.5 * scale**2 * (r @ r) + scale * (r @ y)
    return (primal - dual) / (y @ y)


def skglm_path(X, y, alphas, tol):
    skglm = pytest.importorskip("skglm")
    from skglm.datafits import Quadratic
    from skglm.penalties import L1
    from skglm.solvers import AndersonCD

    solver = AndersonCD(tol=tol, fit_intercept=False)
    coefs = []
    w = None
    for alpha in alphas:  # warm-started sequence, as the others do (skglm needs Xw with w)
        w = solver.solve(X, y, Quadratic(), L1(alpha), w_init=w, Xw_init=None if w is None else X @ w)[0]
        coefs.append(w.copy())
    del skglm
    return alphas, np.array(coefs).T, None


PATH_IMPLS = ["fastreg.lasso_path", "sklearn.lasso_path", "skglm AndersonCD (warm-started)", "celer.celer_path"]


def _path(impl, X, y, alphas):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if impl == "fastreg.lasso_path":
            return fastreg.lasso_path(X, y, alphas=alphas, tol=TOL, return_n_iter=True)
        if impl == "sklearn.lasso_path":
            return sk.lasso_path(X, y, alphas=alphas, tol=TOL, return_n_iter=True)
        if impl == "celer.celer_path":
            found, coefs, gaps = pytest.importorskip("celer").celer_path(X, y, pb="lasso", alphas=alphas, tol=TOL)
            return found, coefs, gaps, None
        return skglm_path(X, y, alphas, TOL) + (None,)


@pytest.mark.parametrize("impl", PATH_IMPLS)
@pytest.mark.parametrize("shape", [(10_000, 1000), (100, 5000)], ids=["10000x1000", "100x5000"])
def test_lasso_path_100_alphas(benchmark, record, impl, shape):
    if impl.startswith("skglm") and shape[0] > shape[1]:
        pytest.skip("skglm takes ~43 s per path here (measured once, see benchmarks/README.md)")
    X, y = sparse_problem(6, *shape, informative=min(50, shape[0] // 4))
    alphas = fastreg.lasso_path(X, y, alphas=100)[0]  # the same grid for everyone
    record(f"lasso_path, 100 alphas, {shape[0]:,}x{shape[1]}", impl, bytes_read=X.nbytes)
    result = run(benchmark, lambda: _path(impl, X, y, alphas), rounds=3)
    coefs = result[1]
    gaps = [relative_gap(X, y, coefs[:, k], a) for k, a in enumerate(alphas)]
    benchmark.extra_info["max_relative_gap"] = float(np.max(gaps))
    if result[-1] is not None:
        benchmark.extra_info["epochs"] = int(np.sum(result[-1]))


@pytest.mark.parametrize("impl", ["fastreg.Lasso", "sklearn.Lasso", "skglm.Lasso", "celer.Lasso"])
def test_lasso_one_alpha_100k_by_100(benchmark, record, impl):
    X, y = sparse_problem(7, 100_000, 100, informative=20)
    alpha = 0.02
    if impl == "skglm.Lasso":
        model = pytest.importorskip("skglm").Lasso(alpha=alpha, tol=TOL, fit_intercept=False)
    elif impl == "celer.Lasso":
        model = pytest.importorskip("celer").Lasso(alpha=alpha, tol=TOL, fit_intercept=False)
    else:
        model = {"fastreg.Lasso": fastreg.Lasso, "sklearn.Lasso": sk.Lasso}[impl](alpha=alpha, tol=TOL, fit_intercept=False)
    record("Lasso, one alpha, 100,000x100", impl, bytes_read=X.nbytes)
    fitted = run(benchmark, lambda: model.fit(X, y), rounds=3)
    benchmark.extra_info["max_relative_gap"] = float(relative_gap(X, y, fitted.coef_, alpha))
    benchmark.extra_info["epochs"] = int(np.max(fitted.n_iter_))


@pytest.mark.parametrize("impl", ["fastreg.LassoCV", "sklearn.LassoCV", "celer.LassoCV"])
def test_lasso_cv_5_folds(benchmark, record, impl):
    X, y = sparse_problem(8, 10_000, 300, informative=30, noise=2.0)
    if impl == "celer.LassoCV":
        celer = pytest.importorskip("celer")
        try:
            model = celer.LassoCV(cv=5, tol=TOL)
            model.fit(X[:200], y[:200])
        except TypeError as error:  # celer 0.7 passes scikit-learn arguments that 1.9 removed
            pytest.skip(f"celer.LassoCV fails on this scikit-learn: {error}")
    else:
        model = {"fastreg.LassoCV": fastreg.LassoCV, "sklearn.LassoCV": sk.LassoCV}[impl](cv=5, tol=TOL)
    record("LassoCV, 5 folds, 100 alphas, 10,000x300", impl, bytes_read=X.nbytes)
    fitted = run(benchmark, lambda: model.fit(X, y), rounds=3)
    benchmark.extra_info["alpha_"] = float(fitted.alpha_)
