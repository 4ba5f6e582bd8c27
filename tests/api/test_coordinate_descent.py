"""Lasso / ElasticNet / paths / CV against scikit-learn at tight tolerance."""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold

from fastreg import ElasticNet, ElasticNetCV, Lasso, LassoCV, enet_path, lasso_path

TOL = 1e-10


def make_sparse(rng, n_samples=200, n_features=40, n_informative=5, noise=0.5, offset=1.0):
    X = rng.standard_normal((n_samples, n_features)) + offset
    coef = np.zeros(n_features)
    coef[:n_informative] = rng.uniform(1, 3, n_informative) * rng.choice([-1, 1], n_informative)
    return X, X @ coef + 2.0 + noise * rng.standard_normal(n_samples), coef


def objective(model, X, y, alpha, l1_ratio, sample_weight=None):
    w = np.ones(len(y)) if sample_weight is None else sample_weight * len(y) / sample_weight.sum()
    r = y - model.predict(X)
    c = np.ravel(model.coef_)
    return 0.5 * np.mean(w * r**2) + alpha * l1_ratio * np.abs(c).sum() + 0.5 * alpha * (1 - l1_ratio) * c @ c


@pytest.mark.parametrize("precompute", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7, 0.2])
@pytest.mark.parametrize("alpha", [0.01, 0.1, 1.0])
def test_matches_scikit_learn(rng, precompute, l1_ratio, alpha):
    X, y, _ = make_sparse(rng)
    ours = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=TOL, precompute=precompute).fit(X, y)
    ref = sk.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=TOL, precompute=precompute).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-5, abs=1e-7)
    np.testing.assert_array_equal(ours.coef_ != 0, ref.coef_ != 0)  # same active set
    assert objective(ours, X, y, alpha, l1_ratio) <= objective(ref, X, y, alpha, l1_ratio) + 1e-12
    assert 0 <= ours.dual_gap_ <= TOL * np.sum((y - y.mean()) ** 2) / len(y)


@pytest.mark.parametrize("precompute", [True, False])
def test_weighted_positive_and_no_intercept(rng, precompute):
    X, y, _ = make_sparse(rng)
    w = rng.random(len(y)) + 0.1
    for params in ({"positive": True}, {"fit_intercept": False}, {}):
        ours = Lasso(alpha=0.05, tol=TOL, precompute=precompute, **params).fit(X, y, sample_weight=w)
        ref = sk.Lasso(alpha=0.05, tol=TOL, precompute=precompute, **params).fit(X, y, sample_weight=w)
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7)
        assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-5, abs=1e-7)
        if params.get("positive"):
            assert np.all(ours.coef_ >= 0)


def test_multi_target_float32_random_selection_and_warm_start(rng):
    X, y, _ = make_sparse(rng)
    Y = np.c_[y, -0.5 * y + rng.standard_normal(len(y))]
    ours = Lasso(alpha=0.1, tol=TOL).fit(X, Y)
    ref = sk.Lasso(alpha=0.1, tol=TOL).fit(X, Y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7)
    assert ours.coef_.shape == (2, 40) and ours.dual_gap_.shape == (2,) and len(ours.n_iter_) == 2
    single = Lasso(alpha=0.1, tol=1e-8).fit(X.astype(np.float32), y.astype(np.float32))
    assert single.coef_.dtype == np.float32
    np.testing.assert_allclose(single.coef_, Lasso(alpha=0.1, tol=TOL).fit(X, y).coef_, rtol=1e-3, atol=1e-4)
    shuffled = Lasso(alpha=0.1, tol=TOL, selection="random", random_state=0).fit(X, y)
    np.testing.assert_allclose(shuffled.coef_, ref.coef_[0], rtol=1e-5, atol=1e-7)
    again = Lasso(alpha=0.1, tol=TOL, selection="random", random_state=0).fit(X, y)
    np.testing.assert_array_equal(shuffled.coef_, again.coef_)
    warm = Lasso(alpha=0.1, tol=TOL, warm_start=True).fit(X, y)
    first = warm.n_iter_
    warm.fit(X, y)
    assert warm.n_iter_ <= 1 < first


def test_sparse_recovery_when_features_outnumber_samples(rng):
    X = rng.standard_normal((80, 1000))
    truth = np.zeros(1000)
    truth[[3, 100, 500, 999]] = [2.0, -3.0, 1.5, 2.5]
    y = X @ truth + 0.01 * rng.standard_normal(80)
    ours = Lasso(alpha=0.05, tol=TOL).fit(X, y)
    ref = sk.Lasso(alpha=0.05, tol=TOL).fit(X, y)
    assert set(np.flatnonzero(np.abs(ours.coef_) > 0.5)) == {3, 100, 500, 999}
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("shape", [(300, 30), (60, 400)])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_paths_equal_scikit_learn(rng, shape, l1_ratio):
    X, y, _ = make_sparse(rng, *shape, offset=0.0)
    # p >> n: stop at eps = 1e-2, where both solvers reach 1e-10 (below, the fit interpolates)
    settings = {"eps": 1e-3} if shape[0] > shape[1] else {"eps": 1e-2, "max_iter": 20_000}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        alphas, coefs, gaps = enet_path(X, y, l1_ratio=l1_ratio, tol=TOL, **settings)
        ref_alphas, ref_coefs, ref_gaps = sk.enet_path(X, y, l1_ratio=l1_ratio, tol=TOL, alphas=100, **settings)
    np.testing.assert_allclose(alphas, ref_alphas, rtol=1e-12)
    scale = np.abs(ref_coefs).max()
    np.testing.assert_allclose(coefs, ref_coefs, rtol=1e-5, atol=1e-6 * scale)
    assert np.all(gaps <= TOL * (y @ y) / len(y))
    own_alphas, own_coefs, _ = lasso_path(X, y, alphas=[0.5, 0.1, 1.0], tol=TOL)
    np.testing.assert_array_equal(own_alphas, [1.0, 0.5, 0.1])
    _, _, _, n_iters = lasso_path(X, y, alphas=5, return_n_iter=True)
    assert n_iters.shape == (5,)


@pytest.mark.parametrize("precompute", ["auto", False])
@pytest.mark.parametrize("weighted", [False, True])
def test_lasso_cv_matches_scikit_learn(rng, precompute, weighted):
    X, y, _ = make_sparse(rng, noise=3.0)
    w = rng.random(len(y)) + 0.2 if weighted else None
    ours = LassoCV(tol=TOL, precompute=precompute).fit(X, y, sample_weight=w)
    ref = sk.LassoCV(tol=TOL, precompute=precompute).fit(X, y, sample_weight=w)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-12)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7)


def test_enet_cv_with_l1_ratio_list_and_splitter(rng):
    X, y, _ = make_sparse(rng, noise=3.0)
    cv = KFold(4, shuffle=True, random_state=1)
    ours = ElasticNetCV(l1_ratio=[0.2, 0.6, 1.0], cv=cv, tol=TOL, alphas=30).fit(X, y)
    ref = sk.ElasticNetCV(l1_ratio=[0.2, 0.6, 1.0], cv=cv, tol=TOL, alphas=30).fit(X, y)
    assert (ours.alpha_, ours.l1_ratio_) == pytest.approx((ref.alpha_, ref.l1_ratio_), rel=1e-12)
    assert ours.mse_path_.shape == ref.mse_path_.shape == (3, 30, 4)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)


def test_non_convergence_warns_with_gap(rng):
    X, y, _ = make_sparse(rng)
    with pytest.warns(ConvergenceWarning, match=r"did not converge .*duality gap"):
        Lasso(alpha=1e-4, max_iter=2, tol=1e-12).fit(X, y)


@pytest.mark.parametrize(
    "params, name",
    [({"alpha": -1.0}, "alpha"), ({"l1_ratio": 1.5}, "l1_ratio"), ({"max_iter": 0}, "max_iter"),
     ({"tol": -1.0}, "tol"), ({"selection": "greedy"}, "selection"), ({"precompute": "yes"}, "precompute")],
)
def test_bad_hyperparameters(rng, params, name):
    X, y, _ = make_sparse(rng)
    with pytest.raises(ValueError, match=name):
        ElasticNet(**params).fit(X, y)


def test_inputs_never_modified_and_bad_paths(rng):
    X, y, _ = make_sparse(rng)
    X, y = np.ascontiguousarray(X), y.copy()
    X.flags.writeable = y.flags.writeable = False
    for precompute in (True, False):
        Lasso(alpha=0.1, precompute=precompute).fit(X, y)
    LassoCV(cv=3).fit(X, y)
    with pytest.raises(NotImplementedError, match="1-D"):
        lasso_path(X, np.c_[y, y])
    with pytest.raises(ValueError, match="alphas"):
        lasso_path(X, y, alphas=[-1.0])
    with pytest.raises(ValueError, match="l1_ratio=0"):
        enet_path(X, y, l1_ratio=0.0)


def test_a_slowly_converging_working_set_still_takes_in_new_violators():
    """The alloys' by-species SOAP at a small α: the working set converged so slowly that the
    full gradient was never looked at, and features that began to violate optimality stayed out
    for hundreds of epochs (duality gap 100× scikit-learn's after the same 200 epochs)."""
    pytest.importorskip("dscribe")
    import scipy.sparse as sparse

    from fastreg.datasets import load_alloys
    from fastreg.descriptors import PooledDescriptor

    structures = load_alloys()[:300]
    y = np.array([atoms.info["formation_energy_per_atom"] for atoms in structures])
    X = PooledDescriptor(by_species=True).fit_transform(structures)
    X = (X - X.mean(axis=0)) / np.maximum(X.std(axis=0), 1e-12) * (X != 0)  # scaled, zeros kept
    for design in (X, sparse.csc_matrix(X)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ours = Lasso(alpha=1e-3, max_iter=200).fit(design, y)
            theirs = sk.Lasso(alpha=1e-3, max_iter=200).fit(design, y)
        assert ours.dual_gap_ <= 2 * theirs.dual_gap_, (ours.dual_gap_, theirs.dual_gap_)


def test_auto_mode_follows_the_cost_of_an_update():
    """Gram mode only where a coordinate update costs more from the data (column non-zeros) than p."""
    import scipy.sparse as sp

    from fastreg.linear_model._coordinate_descent import use_gram

    rng = np.random.default_rng(0)
    assert use_gram("auto", np.zeros((500, 50)))  # dense, tall
    assert not use_gram("auto", np.zeros((50, 500)))  # dense, wide
    sparse_thin = sp.random(5000, 2000, density=0.01, format="csc", random_state=rng)  # 50 non-zeros a column
    assert not use_gram("auto", sparse_thin)
    sparse_full = sp.random(5000, 50, density=0.5, format="csc", random_state=rng)  # 2,500 a column > 50
    assert use_gram("auto", sparse_full)
    assert use_gram(True, sparse_thin) and not use_gram(False, np.zeros((500, 50)))
    # either mode gives the same fit
    y = rng.standard_normal(5000)
    gram = Lasso(alpha=1e-3, precompute=True, tol=1e-10).fit(sparse_thin, y)
    data = Lasso(alpha=1e-3, tol=1e-10).fit(sparse_thin, y)
    np.testing.assert_allclose(data.coef_, gram.coef_, rtol=1e-7, atol=1e-9)
