"""Drop-in for scikit-learn: its full parameter set, its attribute shapes, positive fits, RidgeCV's options."""

import inspect
import warnings

import numpy as np
import pytest
import scipy.optimize
import sklearn
import sklearn.linear_model as sk
from sklearn.metrics import make_scorer, mean_absolute_error
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold

import fastreg.linear_model as fl
from conftest import make_regression
from fastreg.exceptions import RankDeficiencyWarning

NAMES = ["LinearRegression", "Ridge", "RidgeCV", "Lasso", "ElasticNet", "LassoCV", "ElasticNetCV", "BayesianRidge",
         "lasso_path", "enet_path"]
# fastreg's own choice of default, documented in the docstrings; the answer is the same
OWN_DEFAULTS = {("Lasso", "precompute"), ("ElasticNet", "precompute"), ("lasso_path", "alphas"),
                ("enet_path", "alphas"), ("lasso_path", "n_alphas"), ("enet_path", "n_alphas")}


@pytest.mark.parametrize("name", NAMES)
def test_every_scikit_learn_parameter_is_accepted_with_its_default(name):
    ours = inspect.signature(getattr(fl, name)).parameters
    theirs = inspect.signature(getattr(sk, name)).parameters
    for parameter in theirs.values():
        if parameter.kind is parameter.VAR_KEYWORD:
            continue
        assert parameter.name in ours, f"{name} lacks {parameter.name}"
        if (name, parameter.name) not in OWN_DEFAULTS:
            assert ours[parameter.name].default == parameter.default, (name, parameter.name)


@pytest.mark.parametrize("shape", [(80, 6), (15, 40)], ids=["tall", "wide"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_positive_least_squares_is_nnls_on_the_centred_data(rng, shape, fit_intercept):
    X, y = make_regression(rng, *shape)
    ours = fl.LinearRegression(positive=True, fit_intercept=fit_intercept).fit(X, y)
    Xc, yc = (X - X.mean(axis=0), y - y.mean()) if fit_intercept else (X, y)
    expected, _ = scipy.optimize.nnls(Xc, yc)
    np.testing.assert_allclose(ours.coef_, expected, rtol=1e-9, atol=1e-11)
    assert np.all(ours.coef_ >= 0) and (ours.coef_ == 0).any()


@pytest.mark.parametrize("alpha", [0.5, 20.0])
def test_positive_ridge_meets_the_optimality_conditions(rng, alpha):
    X, y = make_regression(rng, 60, 8)
    model = fl.Ridge(alpha=alpha, positive=True).fit(X, y)
    w = model.coef_
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    gradient = Xc.T @ (Xc @ w - yc) + alpha * w  # KKT: zero where w > 0, non-negative where w = 0
    assert np.all(w >= 0) and (w == 0).any()
    np.testing.assert_allclose(gradient[w > 0], 0.0, atol=1e-9 * np.abs(Xc.T @ yc).max())
    assert np.all(gradient[w == 0] >= -1e-9)
    assert model.solver_ == "nnls"
    with pytest.raises(ValueError, match="does not support positive fitting"):
        fl.Ridge(positive=True, solver="svd").fit(X, y)
    with pytest.raises(ValueError, match="'lbfgs' solver can be used only when positive=True"):
        fl.Ridge(solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="closed-form leave-one-out"):
        fl.Ridge(positive=True, intervals=True).fit(X, y)


@pytest.mark.parametrize("name", ["LinearRegression", "Ridge", "RidgeCV", "Lasso", "ElasticNet"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("y_shape", ["1d", "column", "two"])
def test_attribute_shapes_and_types_are_scikit_learns(rng, name, fit_intercept, y_shape):
    X, y = make_regression(rng, 40, 5)
    Y = {"1d": y, "column": y[:, None], "two": np.column_stack([y, -y])}[y_shape]
    kwargs = {"alpha": 0.01} if name in ("Lasso", "ElasticNet") else {}
    ours = getattr(fl, name)(fit_intercept=fit_intercept, **kwargs).fit(X, Y)
    theirs = getattr(sk, name)(fit_intercept=fit_intercept, **kwargs).fit(X, Y)
    assert ours.coef_.shape == theirs.coef_.shape
    assert np.shape(ours.intercept_) == np.shape(theirs.intercept_)
    assert isinstance(ours.intercept_, float) == isinstance(theirs.intercept_, float)
    assert ours.predict(X).shape == theirs.predict(X).shape


def test_elastic_net_cv_keeps_a_given_grid_once(rng):
    X, y = make_regression(rng, 60, 5)
    ours = fl.ElasticNetCV(alphas=[0.01, 0.1, 1.0], l1_ratio=[0.5, 0.9], cv=3).fit(X, y)
    assert ours.alphas_.shape == (3,)
    assert fl.ElasticNetCV(alphas=5, l1_ratio=[0.5, 0.9], cv=3).fit(X, y).alphas_.shape == (2, 5)


def test_ridge_cv_stores_leave_one_out_errors_and_predictions(rng):
    X, y = make_regression(rng, 30, 4, noise=1.0)
    w = rng.random(30) + 0.5
    alphas = [0.1, 1.0, 10.0]
    errors = fl.RidgeCV(alphas=alphas, store_cv_results=True).fit(X, y, w)
    predictions = fl.RidgeCV(alphas=alphas, store_cv_results=True, scoring="neg_mean_absolute_error").fit(X, y, w)
    refits = np.empty((30, 3))
    for i in range(30):
        keep = np.arange(30) != i
        for a, alpha in enumerate(alphas):
            refits[i, a] = fl.Ridge(alpha=alpha).fit(X[keep], y[keep], w[keep]).predict(X[i:i + 1])[0]
    np.testing.assert_allclose(predictions.cv_results_, refits, rtol=1e-10)
    np.testing.assert_allclose(errors.cv_results_, w[:, None] * (y[:, None] - refits) ** 2, rtol=1e-9)
    mae = [-mean_absolute_error(y, refits[:, a]) for a in range(3)]
    np.testing.assert_allclose(predictions.alpha_scores_, mae, rtol=1e-10)
    assert predictions.alpha_ == alphas[int(np.argmax(mae))]
    with pytest.raises(ValueError, match="store_cv_results=True are incompatible"):
        fl.RidgeCV(cv=3, store_cv_results=True).fit(X, y)


def test_ridge_cv_alpha_per_target_picks_each_targets_best(rng):
    X, y = make_regression(rng, 40, 6, noise=0.2)
    noisy = y + 5 * rng.standard_normal(40)
    Y = np.column_stack([y, noisy])
    alphas = np.logspace(-3, 3, 7)
    ours = fl.RidgeCV(alphas=alphas, alpha_per_target=True).fit(X, Y)
    for t in range(2):
        alone = fl.RidgeCV(alphas=alphas).fit(X, Y[:, t])
        assert ours.alpha_[t] == alone.alpha_
        assert ours.best_score_[t] == pytest.approx(alone.best_score_, rel=1e-12)
        np.testing.assert_allclose(ours.coef_[t], alone.coef_, rtol=1e-10)
    theirs = sk.RidgeCV(alphas=alphas, alpha_per_target=True).fit(X, Y)
    np.testing.assert_array_equal(ours.alpha_, theirs.alpha_)


@pytest.mark.parametrize("shape", [(60, 5), (20, 40)], ids=["tall", "wide"])
def test_ridge_cv_kfold_with_a_scorer_equals_a_grid_search(rng, shape):
    X, y = make_regression(rng, *shape, noise=1.0)
    alphas = [0.01, 1.0, 100.0]
    scorer = make_scorer(mean_absolute_error, greater_is_better=False)
    ours = fl.RidgeCV(alphas=alphas, cv=KFold(4), scoring=scorer).fit(X, y)
    grid = GridSearchCV(sk.Ridge(), {"alpha": alphas}, cv=KFold(4), scoring=scorer).fit(X, y)
    assert ours.alpha_ == grid.best_params_["alpha"]
    assert ours.best_score_ == pytest.approx(grid.best_score_, rel=1e-8)


def test_fit_params_are_routed_only_with_metadata_routing(rng):
    X, y = make_regression(rng, 60, 4)
    groups = np.repeat(np.arange(6), 10)
    for model in (fl.RidgeCV(cv=GroupKFold(3)), fl.LassoCV(cv=GroupKFold(3))):
        with pytest.raises(ValueError, match="enable_metadata_routing=True"):
            model.fit(X, y, groups=groups)
        with sklearn.config_context(enable_metadata_routing=True):
            routed = model.fit(X, y, groups=groups)
        folds = list(GroupKFold(3).split(X, y, groups))
        if isinstance(model, fl.RidgeCV):
            assert routed.alpha_ == fl.RidgeCV(cv=folds).fit(X, y).alpha_
        else:
            np.testing.assert_allclose(routed.mse_path_, fl.LassoCV(cv=folds).fit(X, y).mse_path_, rtol=1e-12)


def test_a_given_gram_is_used_checked_or_recomputed(rng):
    X, y = make_regression(rng, 80, 5, offset=0.0)
    Xc = X - X.mean(axis=0)
    reference = fl.ElasticNet(alpha=0.01, precompute=False, tol=1e-12).fit(Xc, y)
    given = fl.ElasticNet(alpha=0.01, precompute=Xc.T @ Xc, tol=1e-12).fit(Xc, y)
    np.testing.assert_allclose(given.coef_, reference.coef_, rtol=1e-10)
    with pytest.raises(ValueError, match="did not pass validation"):
        fl.ElasticNet(alpha=0.01, precompute=np.eye(5)).fit(Xc, y)
    with pytest.warns(UserWarning, match="recomputing Gram matrix"):
        fl.ElasticNet(alpha=0.01, precompute=X.T @ X).fit(X + 5.0, y)
    alphas, coefs, _ = fl.lasso_path(Xc, y, precompute=Xc.T @ Xc, Xy=Xc.T @ y, alphas=[0.1, 0.01])
    np.testing.assert_allclose(coefs, fl.lasso_path(Xc, y, precompute=False, alphas=[0.1, 0.01])[1], rtol=1e-8)
    with pytest.raises(ValueError, match="Unexpected parameters"):
        fl.lasso_path(Xc, y, normalize=True)
    with pytest.raises(NotImplementedError, match="multi-task"):
        fl.enet_path(Xc, np.column_stack([y, y]))


def test_compatibility_parameters_change_nothing(rng):
    X, y = make_regression(rng, 50, 4)
    plain = fl.Ridge(alpha=2.0).fit(X, y)
    for solver in ("auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga"):
        other = fl.Ridge(alpha=2.0, solver=solver, tol=1e-1, max_iter=1, random_state=0, copy_X=False).fit(X, y)
        np.testing.assert_array_equal(other.coef_, plain.coef_)
        assert other.solver_ == "cholesky" and other.n_iter_ is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tol, n_jobs and copy_X neither warn nor change the fit
        ols = fl.LinearRegression(tol=1.0, n_jobs=4, copy_X=False).fit(X, y)
    np.testing.assert_array_equal(ols.coef_, fl.LinearRegression().fit(X, y).coef_)
    with pytest.raises(ValueError, match="solver must be one of"):
        fl.Ridge(solver="qr").fit(X, y)
    with pytest.warns(UserWarning, match="With alpha=0"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RankDeficiencyWarning)
        fl.Lasso(alpha=0.0).fit(X, y)
