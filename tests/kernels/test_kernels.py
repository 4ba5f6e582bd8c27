"""Kernels against plain NumPy/SciPy references, both dtypes and memory orders."""

import numpy as np
import pytest

import naive
from fastreg._kernels.batched import solve_batched_kernel
from fastreg._kernels.cholesky import factor_scaled, solve_factored
from fastreg._kernels.gram import BLOCK, augmented_gram


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_samples", [1, 7, BLOCK, 3 * BLOCK + 5])
def test_augmented_gram_matches_reference(rng, dtype, order, weighted, n_samples):
    X = np.asarray(rng.standard_normal((n_samples, 7)) + 2, dtype=dtype, order=order)
    Y = rng.standard_normal((n_samples, 2))
    w = rng.random(n_samples) if weighted else np.empty(0)
    shift_x, shift_y = rng.standard_normal(7), rng.standard_normal(2)
    expected = naive.augmented_gram(X, Y, w, shift_x, shift_y)
    for n_chunks in (1, 2, 5):
        G = augmented_gram(X, Y, w, shift_x, shift_y, n_chunks)
        tol = 1e-12 if dtype == np.float64 else 1e-6  # float32 values, float64 sums
        np.testing.assert_allclose(G, expected, rtol=tol, atol=tol * np.abs(expected).max())


def test_augmented_gram_does_not_write_inputs(rng):
    X = rng.standard_normal((100, 5))
    Y = rng.standard_normal((100, 1))
    w = rng.random(100)
    copies = [a.copy() for a in (X, Y, w)]
    X.flags.writeable = Y.flags.writeable = w.flags.writeable = False
    augmented_gram(X, Y, w, np.zeros(5), np.zeros(1), 2)
    for before, after in zip(copies, (X, Y, w)):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_scaled_cholesky_solves_like_scipy(rng, alpha):
    M = rng.standard_normal((50, 9)) * np.array([1e-3, 1, 1e3, 1, 1, 1, 5, 1, 1])  # badly scaled columns
    A = M.T @ M
    B = rng.standard_normal((9, 3))
    L = np.zeros((9, 9))
    scale = np.empty(9)
    assert factor_scaled(A, alpha, L, scale) == -1
    out = np.empty_like(B)
    solve_factored(L, scale, B, out)
    np.testing.assert_allclose(out, naive.ridge_solve(A, B, alpha), rtol=1e-10)
    # the factor is that of the unit-diagonal matrix
    D = np.sqrt(np.diag(A) + alpha)
    np.testing.assert_allclose(np.tril(L) @ np.tril(L).T, (A + alpha * np.eye(9)) / np.outer(D, D), atol=1e-12)


def test_cholesky_reports_first_dependent_column(rng):
    M = rng.standard_normal((30, 4))
    M = np.c_[M, M[:, 1] + 2 * M[:, 2], rng.standard_normal(30)]
    A = M.T @ M
    assert factor_scaled(A, 0.0, np.zeros((6, 6)), np.empty(6)) == 4
    constant = A.copy()
    constant[2, :] = constant[:, 2] = 0.0  # a centred constant column
    assert factor_scaled(constant, 0.0, np.zeros((6, 6)), np.empty(6)) == 2
    nan = A.copy()
    nan[3, 3] = np.nan
    assert factor_scaled(nan, 0.0, np.zeros((6, 6)), np.empty(6)) == 3


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_batched_kernel_matches_lstsq(rng, dtype, fit_intercept):
    X = (rng.standard_normal((23, 16, 3)) + 1).astype(dtype)
    y = rng.standard_normal((23, 16)).astype(dtype)
    coef = np.zeros((23, 3))
    intercept = np.zeros(23)
    status = np.empty(23, dtype=np.int64)
    solve_batched_kernel(X, y, np.zeros(23), fit_intercept, 4, coef, intercept, status)
    assert np.all(status == -1)
    for b in range(23):
        ref_coef, ref_intercept = naive.lstsq_fit(X[b], y[b], fit_intercept)
        tol = 1e-10 if dtype == np.float64 else 1e-4
        np.testing.assert_allclose(coef[b], ref_coef, rtol=tol, atol=tol)
        np.testing.assert_allclose(intercept[b], ref_intercept, rtol=tol, atol=tol)



@pytest.mark.parametrize("l1_ratio", [1.0, 0.4])
@pytest.mark.parametrize("positive", [False, True])
def test_cd_kernels_match_scikit_learn(rng, l1_ratio, positive):
    """Both coordinate-descent kernels on a small problem (small enough to run uncompiled)."""
    import sklearn.linear_model as sk

    from fastreg._kernels.cd import column_norms, enet_data, enet_gram

    X = rng.standard_normal((40, 6))
    y = X @ np.array([2.0, -1.0, 0.0, 0.5, 0.0, 0.0]) + 0.1 * rng.standard_normal(40)
    alpha, n = 0.05, 40
    ref = sk.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=False, positive=positive, tol=1e-12).fit(X, y)
    l1, l2 = alpha * l1_ratio * n, alpha * (1 - l1_ratio) * n
    w, XtA = np.zeros(6), np.empty(6)
    gap, _, converged = enet_gram(X.T @ X, X.T @ y, y @ y, l1, l2, positive, False, -1, 1000, 1e-12, w,
                                  np.zeros(6, dtype=bool), XtA)
    assert converged and gap <= 1e-12 * (y @ y)
    np.testing.assert_allclose(w, ref.coef_, rtol=1e-7, atol=1e-9)
    Xf, norms, w = np.asfortranarray(X), np.empty(6), np.zeros(6)
    column_norms(Xf, np.zeros(6), np.empty(0), norms)
    np.testing.assert_allclose(norms, (X * X).sum(axis=0), rtol=1e-12)
    _, _, converged = enet_data(Xf, y, np.empty(0), np.zeros(6), norms, l1, l2, positive, False, -1, 1000, 1e-12,
                                w, np.zeros(6, dtype=bool), XtA)
    assert converged
    np.testing.assert_allclose(w, ref.coef_, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_bands", [1, 3])
def test_sparse_gram_equals_the_dense_weighted_product(rng, dtype, index_dtype, weighted, n_bands):
    import scipy.sparse as sp

    from fastreg._kernels.sparse import sparse_gram

    Z = sp.random(40, 9, density=0.3, format="csr", random_state=np.random.RandomState(3)).astype(dtype)
    w = rng.random(40) if weighted else np.empty(0)
    out = np.zeros((9, 9))
    sparse_gram(Z.indptr.astype(index_dtype), Z.indices.astype(index_dtype), Z.data, w, n_bands, out)
    dense = Z.toarray().astype(np.float64)
    expected = dense.T @ ((w[:, None] if weighted else 1.0) * dense)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("centred", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_sparse_coordinate_descent_equals_the_dense_kernel(rng, weighted, centred, l1_ratio):
    import scipy.sparse as sp

    from fastreg._kernels.cd import column_norms, enet_data, enet_sparse

    n, p = 30, 8
    X = sp.random(n, p, density=0.4, format="csc", random_state=np.random.RandomState(5))
    dense = np.asfortranarray(X.toarray())
    s = np.sqrt(rng.random(n) + 0.5) if weighted else np.empty(0)
    mean_x = rng.random(p) * 0.3 if centred else np.zeros(p)
    y = rng.standard_normal(n)
    norms = np.empty(p)
    column_norms(dense, mean_x, s, norms)
    l1, l2 = 0.3 * l1_ratio * n, 0.3 * (1 - l1_ratio) * n
    results = []
    for solve, data in ((enet_data, (dense,)), (enet_sparse, (X.indptr, X.indices, X.data))):
        w, XtA = np.zeros(p), np.empty(p)
        w[1] = 0.5  # a warm start: the residual starts from a non-zero coefficient
        gap, n_iter, converged = solve(*data, y, s, mean_x, norms, l1, l2, False, False, -1, 10_000, 1e-14, w,
                                       np.zeros(p, dtype=np.bool_), XtA)
        assert converged
        results.append((w, XtA))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-8, atol=1e-10)
