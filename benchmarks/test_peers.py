"""fastreg against every peer that installs here, on named problem shapes, same run.

Peers: scikit-learn, Intel's extension (``sklearnex``, oneDAL; ``daal4py`` for Lasso, which
sklearnex lacks), glum, skglm and celer. A peer that does not install, or has no solver for a
problem, is skipped with the reason, and the report lists it. Each peer's answer is compared
with fastreg's (``agreement``: max |Δcoef| / max |coef|), so no row times a different problem.

``FASTREG_BENCH_SCALE=quick`` shrinks every shape (``fastreg bench --quick``, under 2 minutes).

Penalties are given in scikit-learn's units; glum minimises ½ mean((y - Xβ)²) + α·penalty, so
its Ridge α is scikit-learn's divided by n_samples, its Lasso α the same.
"""

import importlib
import os
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as sk

import fastreg
from conftest import run

QUICK = os.environ.get("FASTREG_BENCH_SCALE", "full") == "quick"
TOL = 1e-6  # coordinate-descent tolerance for every solver that takes one


def size(full, quick):
    return quick if QUICK else full


def peer(module):
    """Import a peer's module, or skip the benchmark saying it is not installed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return importlib.import_module(module)
    except ImportError as error:
        pytest.skip(f"{module.split('.')[0]} is not installed ({error})")


def agreement(coef, reference):
    coef, reference = np.ravel(coef), np.ravel(reference)
    return float(np.max(np.abs(coef - reference)) / max(np.max(np.abs(reference)), 1e-300))


def measure(benchmark, record, case, impl, fit, reference, *, bytes_read=0, flops=0, rounds=None):
    """Warm up (compile, check the answer against fastreg's), then time ``fit``."""
    record(case, impl, bytes_read=bytes_read, flops=flops)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of the peers
        if rounds == 1:  # a slow peer: its one timed run gives the answer (it compiles nothing)
            coef = benchmark.pedantic(fit, rounds=1, iterations=1, warmup_rounds=0)
        else:
            coef = fit()
            benchmark.pedantic(fit, rounds=rounds or 5, iterations=1, warmup_rounds=0)
        benchmark.extra_info["agreement"] = agreement(coef, reference)


def gram_flops(n, p):
    return n * (p + 2) ** 2


def regression(n, p, seed, *, informative=None, noise=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    k = informative or p
    y = X[:, :k] @ rng.standard_normal(k) + noise * rng.standard_normal(n)
    return X, y


# --- least squares and Ridge: tall, square-ish, wide ------------------------------------------

TALL = size((1_000_000, 50), (100_000, 50))
SQUARE = size((20_000, 500), (5_000, 200))
WIDE = size((500, 20_000), (100, 5_000))
SHAPES = {f"tall {TALL[0]:,}x{TALL[1]}": TALL, f"square-ish {SQUARE[0]:,}x{SQUARE[1]}": SQUARE,
          f"wide {WIDE[0]:,}x{WIDE[1]:,}": WIDE}
LS_IMPLS = ["fastreg", "scikit-learn", "sklearnex", "glum"]


@pytest.fixture(scope="module", params=list(SHAPES))
def shaped(request):
    n, p = SHAPES[request.param]
    X, y = regression(n, p, seed=0, informative=min(p, 20))
    return request.param, X, y


def ridge_fit(impl, X, y, alpha):
    """A callable fitting Ridge(alpha) (alpha=0: least squares) and returning its coefficients."""
    n, p = X.shape
    if impl == "fastreg":
        model = fastreg.Ridge(alpha=alpha) if alpha else fastreg.LinearRegression()
    elif impl == "scikit-learn":
        model = sk.Ridge(alpha=alpha, solver="cholesky") if alpha else sk.LinearRegression()
    elif impl == "sklearnex":
        linear = peer("sklearnex.linear_model")
        if QUICK and n < p:
            pytest.skip("sklearnex solves the p×p system at n < p: over 15 s even at the quick size")
        if not alpha and n < p:  # measured 2026-12-06: one fit at 500 × 20,000 still running after 13 min
            pytest.skip("sklearnex LinearRegression at n < p forms and factors the p×p XᵀX: one fit at "
                        "500 × 20,000 did not finish in 13 minutes")
        model = linear.Ridge(alpha=alpha) if alpha else linear.LinearRegression()
    else:
        glum = peer("glum")
        if p > 5_000:
            pytest.skip(f"glum forms the p×p Hessian ({8 * p * p / 1e9:.1f} GB at p = {p:,})")
        model = glum.GeneralizedLinearRegressor(family="normal", alpha=alpha / n, l1_ratio=0.0, gradient_tol=1e-10)
    return lambda: model.fit(X, y).coef_


@pytest.mark.parametrize("impl", LS_IMPLS)
def test_least_squares(benchmark, record, shaped, impl):
    name, X, y = shaped
    n, p = X.shape
    if impl == "glum" and n < p:
        pytest.skip("glum's unpenalised fit needs n ≥ p")
    reference = ridge_fit("fastreg", X, y, 0.0)()  # n < p: the minimum-norm solution, as lstsq gives
    slow = impl == "sklearnex" and n < p
    measure(benchmark, record, f"LinearRegression {name}", impl, ridge_fit(impl, X, y, 0.0), reference,
            bytes_read=X.nbytes, flops=gram_flops(*sorted(X.shape, reverse=True)), rounds=1 if slow else None)


@pytest.mark.parametrize("impl", LS_IMPLS)
def test_ridge(benchmark, record, shaped, impl):
    name, X, y = shaped
    reference = ridge_fit("fastreg", X, y, 1.0)()
    slow = impl == "sklearnex" and X.shape[0] < X.shape[1]  # oneDAL solves the p×p system
    measure(benchmark, record, f"Ridge {name}", impl, ridge_fit(impl, X, y, 1.0), reference,
            bytes_read=X.nbytes, flops=gram_flops(*sorted(X.shape, reverse=True)), rounds=1 if slow else None)


# --- Lasso: one α, dense, sparse and the shipped alloys --------------------------------------

LASSO_IMPLS = ["fastreg", "scikit-learn", "daal4py", "skglm", "celer", "glum"]


def lasso_fit(impl, X, y, alpha):
    if impl == "fastreg":
        model = fastreg.Lasso(alpha=alpha, tol=TOL)
    elif impl == "scikit-learn":
        model = sk.Lasso(alpha=alpha, tol=TOL)
    elif impl == "daal4py":
        if sp.issparse(X):
            pytest.skip("daal4py's Lasso takes dense X only")
        model = peer("daal4py.sklearn.linear_model").Lasso(alpha=alpha, tol=TOL)
    elif impl == "skglm":
        model = peer("skglm").Lasso(alpha=alpha, tol=TOL)
    elif impl == "celer":
        model = peer("celer").Lasso(alpha=alpha, tol=TOL)
    else:
        model = peer("glum").GeneralizedLinearRegressor(family="normal", alpha=alpha, l1_ratio=1.0, gradient_tol=TOL)
    return lambda: model.fit(X, y).coef_


def lasso_case(X, y, fraction):
    """α as a fraction of the smallest α that zeroes every coefficient."""
    Xc = X - np.asarray(X.mean(axis=0)) if not sp.issparse(X) else X
    return fraction * float(np.max(np.abs(Xc.T @ (y - y.mean())))) / X.shape[0]


@pytest.fixture(scope="module")
def lasso_dense():
    X, y = regression(*size((100_000, 100), (20_000, 100)), seed=1, informative=10)
    return f"Lasso one alpha {X.shape[0]:,}x{X.shape[1]}", X, y, lasso_case(X, y, 0.05)


@pytest.fixture(scope="module")
def lasso_sparse():
    n, p = size((20_000, 5_000), (5_000, 2_000))
    X = sp.random(n, p, density=0.01, format="csc", random_state=np.random.RandomState(2))
    rng = np.random.default_rng(2)
    y = X[:, :20] @ rng.standard_normal(20) + 0.1 * rng.standard_normal(n)
    return f"Lasso one alpha, sparse CSC {n:,}x{p:,} (1 % non-zero)", X, y, lasso_case(X, y, 0.05)


@pytest.fixture(scope="module")
def alloys():
    pytest.importorskip("dscribe", reason="the shipped alloys need the materials extra for SOAP")
    from fastreg.datasets import load_alloys
    from fastreg.descriptors import featurize

    structures = load_alloys()
    X, _ = featurize(structures, stats=("mean",))
    X = (X - X.mean(axis=0)) / np.maximum(X.std(axis=0), 1e-12)
    return X, np.array([a.info["formation_energy_per_atom"] for a in structures])


@pytest.mark.parametrize("impl", LASSO_IMPLS)
@pytest.mark.parametrize("problem", ["dense", "sparse", "alloys"])
def test_lasso(benchmark, record, request, problem, impl):
    if problem == "alloys":
        X, y = request.getfixturevalue("alloys")
        name, alpha = f"Lasso one alpha, shipped alloys' SOAP {X.shape[0]:,}x{X.shape[1]:,}", lasso_case(X, y, 0.01)
    else:
        name, X, y, alpha = request.getfixturevalue(f"lasso_{problem}")
    reference = lasso_fit("fastreg", X, y, alpha)()
    nbytes = X.data.nbytes + X.indices.nbytes if sp.issparse(X) else X.nbytes
    measure(benchmark, record, name, impl, lasso_fit(impl, X, y, alpha), reference, bytes_read=nbytes,
            rounds=3 if impl == "glum" else None)


@pytest.mark.parametrize("impl", ["fastreg", "scikit-learn", "sklearnex"])
def test_ridge_alloys(benchmark, record, alloys, impl):
    X, y = alloys
    reference = ridge_fit("fastreg", X, y, 1.0)()
    measure(benchmark, record, f"Ridge, shipped alloys' SOAP {X.shape[0]:,}x{X.shape[1]:,}", impl,
            ridge_fit(impl, X, y, 1.0), reference, bytes_read=X.nbytes, flops=gram_flops(*X.shape))


# --- many small problems ----------------------------------------------------------------------

N_PROBLEMS = size(10_000, 2_000)


@pytest.mark.parametrize("impl", ["fastreg", "numpy stacked solve", "scikit-learn loop"])
def test_batched(benchmark, record, impl):
    rng = np.random.default_rng(3)
    Xb = rng.standard_normal((N_PROBLEMS, 64, 8))
    yb = rng.standard_normal((N_PROBLEMS, 64))

    def stacked():
        Xt = Xb.transpose(0, 2, 1)
        return np.linalg.solve(Xt @ Xb, (Xt @ yb[:, :, None]))[:, :, 0]

    fits = {"fastreg": lambda: fastreg.solve_batched(Xb, yb, fit_intercept=False)[0],
            "numpy stacked solve": stacked,
            "scikit-learn loop": lambda: np.array([sk.LinearRegression(fit_intercept=False).fit(a, b).coef_
                                                   for a, b in zip(Xb, yb)])}
    measure(benchmark, record, f"batched {N_PROBLEMS:,} problems of 64x8", impl, fits[impl], stacked(),
            bytes_read=Xb.nbytes, rounds=3 if impl == "scikit-learn loop" else None)
