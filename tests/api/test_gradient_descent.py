"""Gradient descent: exact against the closed form, loud on failure."""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import naive
from conftest import make_regression
from fastreg import DivergenceError, GradientDescentRegressor, gradient_descent_batched


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("mode", ["gram", "data"])
def test_converges_to_closed_form_on_diabetes(diabetes, mode):
    X, y = diabetes
    model = GradientDescentRegressor(max_iter=100_000, tol=1e-12, mode=mode).fit(X, y)
    ref = sk.LinearRegression().fit(X, y)
    assert model.converged_
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-6 * np.abs(ref.coef_).max())
    assert model.intercept_ == pytest.approx(ref.intercept_, rel=1e-6)
    # the curve ends at the MSE of the returned model and never rises with the auto rate
    assert model.loss_curve_[-1] == pytest.approx(np.mean((model.predict(X) - y) ** 2), rel=1e-12)
    assert np.all(np.diff(model.loss_curve_) <= 1e-12 * model.loss_curve_[0])


@pytest.mark.parametrize("weighted", [False, True])
def test_penalised_and_weighted_minimiser_is_ridge(rng, weighted):
    X, y = make_regression(rng, n_samples=120, n_features=5, noise=0.5)
    w = rng.random(120) + 0.5 if weighted else None
    model = GradientDescentRegressor(alpha=0.05, max_iter=100_000, tol=1e-13).fit(X, y, sample_weight=w)
    total = 120 if w is None else w.sum()
    ref = sk.Ridge(alpha=0.05 * total, solver="cholesky").fit(X, y, sample_weight=w)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-7, atol=1e-9)
    assert model.intercept_ == pytest.approx(ref.intercept_, rel=1e-7)


@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.8, False), (0.8, True)])
def test_iterates_match_the_plain_numpy_loop_in_both_modes(rng, momentum, nesterov):
    X, y = make_regression(rng, n_samples=90, n_features=4, noise=0.3)
    rate = 0.02
    w, b, losses = naive.gradient_descent(X, y, rate, 60, alpha=0.01, momentum=momentum, nesterov=nesterov)
    for mode in ("gram", "data"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = GradientDescentRegressor(learning_rate=rate, max_iter=60, tol=0, alpha=0.01, momentum=momentum,
                                             nesterov=nesterov, mode=mode).fit(X, y)
        np.testing.assert_allclose(model.coef_, w, rtol=1e-9)
        assert model.intercept_ == pytest.approx(b, rel=1e-9)
        np.testing.assert_allclose(model.loss_curve_, losses, rtol=1e-9)


def test_no_intercept(rng):
    X, y = make_regression(rng, n_samples=100, n_features=3, offset=0.0)
    for mode in ("gram", "data"):
        model = GradientDescentRegressor(fit_intercept=False, max_iter=50_000, tol=1e-13, mode=mode).fit(X, y)
        ref = sk.LinearRegression(fit_intercept=False).fit(X, y)
        np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-8)
        assert model.intercept_ == 0.0


def test_minibatch_is_reproducible_and_close(diabetes):
    X, y = diabetes
    make = lambda seed: GradientDescentRegressor(batch_size=32, learning_rate=0.005, max_iter=200, tol=1e-7,
                                                 random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a, b, c = make(0).fit(X, y), make(0).fit(X, y), make(1).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.loss_curve_, b.loss_curve_)
    assert not np.array_equal(a.coef_, c.coef_)
    best = np.mean((sk.LinearRegression().fit(X, y).predict(X) - y) ** 2)
    assert a.loss_curve_[-1] < 1.01 * best  # SGD noise floor, near the optimum


def test_divergence_raises_with_the_stable_rate(diabetes):
    X, y = diabetes
    model = GradientDescentRegressor().fit(X, y)
    with pytest.raises(DivergenceError, match=r"learning rate 1 .*2/L = 0\.24"):
        GradientDescentRegressor(learning_rate=1.0).fit(X, y)
    assert 2 / model.lipschitz_ == pytest.approx(0.2485, abs=1e-3)
    just_above = 2 / model.lipschitz_ * 1.05  # diverges slowly; the first rise is caught
    with pytest.raises(DivergenceError):
        GradientDescentRegressor(learning_rate=just_above, max_iter=5000).fit(X, y)
    with pytest.raises(DivergenceError):
        GradientDescentRegressor(learning_rate=0.5, momentum=0.5, mode="data").fit(X, y)
    assert issubclass(DivergenceError, RuntimeError)


def test_max_iter_warns_with_last_change(diabetes):
    X, y = diabetes
    with pytest.warns(ConvergenceWarning, match=r"max_iter=5 .*last relative change"):
        model = GradientDescentRegressor(max_iter=5).fit(X, y)
    assert not model.converged_ and model.n_iter_ == 5


@pytest.mark.parametrize("mode", ["gram", "data"])
def test_tol_zero_runs_max_iter_without_warning(diabetes, mode):
    X, y = diabetes
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = GradientDescentRegressor(max_iter=7, tol=0.0, mode=mode).fit(X, y)
    assert model.n_iter_ == 7 and len(model.loss_curve_) == 7 and not model.converged_


def test_callback_and_verbose(diabetes, capsys):
    X, y = diabetes
    seen = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = GradientDescentRegressor(max_iter=30, tol=0, callback=lambda i, loss, coef: seen.append((i, loss))).fit(X, y)
        GradientDescentRegressor(max_iter=30, tol=0, verbose=1).fit(X, y)
    assert [i for i, _ in seen] == list(range(1, 31))
    np.testing.assert_allclose([loss for _, loss in seen], model.loss_curve_)
    assert capsys.readouterr().out.count("iteration") == 10


def test_float32(diabetes):
    X, y = diabetes
    model = GradientDescentRegressor(max_iter=100_000, tol=1e-10).fit(X.astype(np.float32), y.astype(np.float32))
    ref = sk.LinearRegression().fit(X, y)
    assert model.coef_.dtype == np.float32
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize(
    "params, name",
    [({"learning_rate": 0}, "learning_rate"), ({"learning_rate": -0.1}, "learning_rate"), ({"learning_rate": "fast"}, "learning_rate"),
     ({"momentum": 1.0}, "momentum"), ({"momentum": -0.1}, "momentum"), ({"batch_size": 0}, "batch_size"),
     ({"max_iter": 0}, "max_iter"), ({"tol": -1}, "tol"), ({"alpha": -1}, "alpha"), ({"mode": "fast"}, "mode"),
     ({"mode": "gram", "batch_size": 8}, "batch_size")],
)
def test_bad_hyperparameters_name_the_parameter(diabetes, params, name):
    X, y = diabetes
    with pytest.raises(ValueError, match=name):
        GradientDescentRegressor(**params).fit(X, y)


def test_batched_rates_match_single_runs_and_mark_divergence(diabetes):
    X, y = diabetes
    rates = [0.01, 0.1, 0.3, 1.0]
    path = gradient_descent_batched(X, y, learning_rates=rates, max_iter=200)
    assert path.loss_curves.shape == (4, 200)
    np.testing.assert_array_equal(path.diverged, [False, False, True, True])
    assert path.max_stable_rate == pytest.approx(0.2485, abs=1e-3)
    for k in (0, 1):
        w, b, losses = naive.gradient_descent(X, y, rates[k], 200)
        np.testing.assert_allclose(path.coefs[k], w, rtol=1e-9)
        np.testing.assert_allclose(path.loss_curves[k], losses, rtol=1e-9)
    assert np.isnan(path.loss_curves[3, -1])
    with pytest.raises(ValueError, match="learning_rates"):
        gradient_descent_batched(X, y, learning_rates=[0.1, -1])


def test_inputs_not_modified(diabetes):
    X, y = diabetes
    X, y = X.copy(), y.copy()
    X.flags.writeable = y.flags.writeable = False
    GradientDescentRegressor(max_iter=10, tol=0, mode="data").fit(X, y)
