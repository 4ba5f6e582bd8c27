"""Sparse (CSR/CSC) X: the same fits as dense X, never densified, the caller's matrix untouched."""

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import sklearn.linear_model as sk
from sklearn.exceptions import ConvergenceWarning
from fastreg import (ElasticNet, ElasticNetCV, Lasso, LassoCV, LinearRegression, Ridge, RidgeCV, enet_path,
                     lasso_path)
from fastreg.exceptions import RankDeficiencyWarning

SHAPES = {"tall": (200, 30), "square": (40, 40), "wide": (30, 120)}


def sparse_problem(rng, shape, density=0.15, dtype=np.float64, layout="csr"):
    n, p = shape
    X = sp.random(n, p, density=density, random_state=np.random.RandomState(int(rng.integers(1 << 30))),
                  format=layout, dtype=np.float64) * 3.0
    X = X.astype(dtype)
    coef = rng.standard_normal(p)
    y = X @ coef + 0.5 + 0.1 * rng.standard_normal(n)
    return X, y.astype(dtype), rng.random(n) + 0.5


def exact_estimators():
    return [LinearRegression(), Ridge(alpha=0.7), Ridge(alpha=[0.5, 2.0]), RidgeCV(alphas=[0.1, 1.0, 10.0]),
            RidgeCV(alphas=[0.1, 1.0, 10.0], cv=3)]


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
@pytest.mark.parametrize("layout", ["csr", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_exact_solvers_on_sparse_x_equal_the_dense_fit(rng, shape, layout, fit_intercept, weighted, dtype):
    X, y, w = sparse_problem(rng, SHAPES[shape], dtype=dtype, layout=layout)
    w = w if weighted else None
    rtol = 1e-9 if dtype == np.float64 else 2e-4
    for estimator in exact_estimators():
        estimator.set_params(fit_intercept=fit_intercept)
        Y = np.column_stack([y, 2 * y]) if isinstance(getattr(estimator, "alpha", None), list) else y
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RankDeficiencyWarning)
            on_sparse = estimator.fit(X, Y, w)
            coef, intercept, prediction = on_sparse.coef_, on_sparse.intercept_, on_sparse.predict(X)
            on_dense = estimator.fit(X.toarray(), Y, w)
        scale = np.abs(on_dense.coef_).max()
        np.testing.assert_allclose(coef, on_dense.coef_, rtol=rtol, atol=rtol * scale, err_msg=repr(estimator))
        np.testing.assert_allclose(intercept, on_dense.intercept_, rtol=rtol, atol=rtol * scale)
        np.testing.assert_allclose(prediction, on_dense.predict(X.toarray()), rtol=rtol, atol=rtol * np.abs(y).max())
        assert coef.dtype == dtype


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_coordinate_descent_on_sparse_x_equals_scikit_learn(rng, shape, precompute, fit_intercept, weighted):
    X, y, w = sparse_problem(rng, SHAPES[shape], layout="csc")
    w = w if weighted else None
    for ours, theirs in [(Lasso(alpha=0.05), sk.Lasso(alpha=0.05)),
                         (ElasticNet(alpha=0.05, l1_ratio=0.4), sk.ElasticNet(alpha=0.05, l1_ratio=0.4))]:
        settings = dict(fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000)
        a = ours.set_params(precompute=precompute, **settings).fit(X, y, w)
        b = theirs.set_params(**settings).fit(X, y, w)
        np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-8, atol=1e-10)
        assert a.intercept_ == pytest.approx(b.intercept_, rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("precompute", [False, True])
def test_cv_and_paths_on_sparse_x_equal_the_dense_ones(rng, precompute):
    X, y, _ = sparse_problem(rng, (120, 25))
    dense = X.toarray()
    for make in (lambda: LassoCV(cv=3, precompute=precompute),
                 lambda: ElasticNetCV(l1_ratio=[0.3, 0.9], cv=3, precompute=precompute)):
        a, b = make().fit(X, y), make().fit(dense, y)
        assert a.alpha_ == b.alpha_ and a.l1_ratio_ == b.l1_ratio_
        np.testing.assert_allclose(a.mse_path_, b.mse_path_, rtol=1e-8)
        np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-8, atol=1e-12)
    for path in (lasso_path, lambda X, y, **kw: enet_path(X, y, l1_ratio=0.5, **kw)):
        alphas, coefs, _ = path(X, y, precompute=precompute, tol=1e-12)
        dense_alphas, dense_coefs, _ = path(dense, y, precompute=precompute, tol=1e-12)
        np.testing.assert_allclose(alphas, dense_alphas, rtol=1e-12)
        np.testing.assert_allclose(coefs, dense_coefs, rtol=1e-8, atol=1e-10)


def test_the_callers_matrix_is_never_changed(rng):
    """Unsorted indices with duplicates: fastreg works on a canonical copy, never on the caller's arrays."""
    X, y, _ = sparse_problem(rng, (60, 15))
    rows, columns = X.nonzero()
    values = X.data.copy()
    order = rng.permutation(values.size)
    messy = sp.csr_matrix((np.concatenate([values[order], [1.0]]),
                           (np.concatenate([rows[order], [0]]), np.concatenate([columns[order], [0]]))),
                          shape=X.shape)
    messy.has_sorted_indices = False
    before = (messy.data.copy(), messy.indices.copy(), messy.indptr.copy())
    expected = Ridge().fit(messy.toarray(), y)
    for estimator in (Ridge(), Lasso(alpha=0.01, precompute=False), LassoCV(cv=3)):
        fitted = estimator.fit(messy, y)
        if isinstance(estimator, Ridge):
            np.testing.assert_allclose(fitted.coef_, expected.coef_, rtol=1e-10)
        for array, kept in zip((messy.data, messy.indices, messy.indptr), before):
            np.testing.assert_array_equal(array, kept)


def test_non_finite_sparse_values_are_named(rng):
    X, y, _ = sparse_problem(rng, (50, 10))
    X = X.tocsr()
    X.data[7] = np.nan
    row = int(np.searchsorted(X.indptr, 7, side="right") - 1)
    for estimator in (Ridge(), Lasso(precompute=False), RidgeCV()):
        with pytest.raises(ValueError, match=f"NaN \\(row {row}, column {X.indices[7]}\\)"):
            estimator.fit(X, y)


@pytest.mark.parametrize("make", [lambda: Lasso(alpha=0.5, precompute=False), lambda: Ridge(alpha=1.0)],
                         ids=["lasso", "ridge-wide"])
def test_a_large_sparse_fit_never_densifies(make):
    """Peak memory: a small multiple of the non-zeros, plus the n×n kernel of the dual form; far below dense X."""
    shape = (3_000, 40_000) if "Ridge" in repr(make()) else (40_000, 3_000)
    X = sp.random(*shape, density=0.002, format="csr", random_state=np.random.RandomState(0))
    y = np.asarray(X.sum(axis=1)).ravel()
    make().fit(X[:50], y[:50])  # compile outside the measurement
    tracemalloc.start()
    make().fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    dense_bytes = 8 * shape[0] * shape[1]
    nonzero_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    kernel_bytes = 3 * 8 * min(shape) ** 2 if min(shape) == shape[0] else 8 * (shape[0] + shape[1]) * 4
    assert peak < dense_bytes / 5, f"peak {peak / 1e6:.0f} MB against {dense_bytes / 1e6:.0f} MB dense"
    assert peak < 20 * nonzero_bytes + kernel_bytes, (
        f"peak {peak / 1e6:.0f} MB, non-zeros {nonzero_bytes / 1e6:.0f} MB, kernel {kernel_bytes / 1e6:.0f} MB")


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_large_sparse_ridge_by_conjugate_gradients_equals_the_direct_solve(rng, monkeypatch, fit_intercept, weighted):
    from fastreg._solvers import sparse

    monkeypatch.setattr(sparse, "SPARSE_DIRECT_MAX", 50)  # the CG route without a large problem
    X, y, w = sparse_problem(rng, (300, 80), density=0.05)
    Y = np.column_stack([y, rng.standard_normal(300)])
    w = w if weighted else None
    model = Ridge(alpha=[0.3, 3.0], fit_intercept=fit_intercept).fit(X, Y, w)
    assert model.form_ == "iterative" and model.solver_ == "sparse_cg" and model.n_iter_ > 0
    direct = Ridge(alpha=[0.3, 3.0], fit_intercept=fit_intercept).fit(X.toarray(), Y, w)
    np.testing.assert_allclose(model.coef_, direct.coef_, rtol=1e-9, atol=1e-10 * np.abs(direct.coef_).max())
    np.testing.assert_allclose(model.intercept_, direct.intercept_, rtol=1e-9, atol=1e-10)
    assert LinearRegression().fit(X, y).form_ == "primal"  # the minimum-norm answer stays direct
    assert Ridge(intervals=True).fit(X, y).form_ == "primal"  # leave-one-out needs the direct form


def test_conjugate_gradients_that_stop_early_say_so(rng, monkeypatch):
    from fastreg._solvers import sparse

    X, y, _ = sparse_problem(rng, (300, 80), density=0.05)
    offsets = np.zeros(80), np.zeros(1)
    coef, n_iter, converged = sparse.ridge_conjugate_gradient(X, y[:, None], None, *offsets, np.array([1e-3]),
                                                              max_iter=2)
    assert (n_iter, converged) == (2, False)
    monkeypatch.setattr(sparse, "SPARSE_DIRECT_MAX", 50)
    monkeypatch.setattr(sparse, "CG_RTOL", 0.0)  # unreachable: the estimator must warn, not pretend
    with pytest.warns(ConvergenceWarning, match="Conjugate gradients did not reach"):
        Ridge(alpha=1e-3).fit(X, y)
