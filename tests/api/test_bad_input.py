"""Bad input: clear errors naming the argument and row; caller data never modified."""

import numpy as np
import pytest

from conftest import make_regression
from fastreg import LinearRegression, Ridge, RidgeCV, solve_batched


@pytest.mark.parametrize("value, word", [(np.nan, "NaN"), (np.inf, "infinity"), (-np.inf, "infinity")])
@pytest.mark.parametrize("where", ["X", "y", "sample_weight"])
def test_non_finite_named_with_row(rng, value, word, where):
    X, y = make_regression(rng, n_samples=30)
    w = np.ones(30)
    {"X": X, "y": y, "sample_weight": w}[where][17, ...] = value
    with pytest.raises(ValueError, match=rf"{where} contains {word} \(row 17"):
        LinearRegression().fit(X, y, sample_weight=w)


def test_overflowing_values_are_reported(rng):
    X, y = make_regression(rng, n_samples=30)
    X[3, 0] = 1e200
    with pytest.raises(ValueError, match="overflowed"):
        LinearRegression().fit(X, y)


def test_nan_in_predict(rng):
    X, y = make_regression(rng)
    model = LinearRegression().fit(X, y)
    X[5, 2] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN \(row 5, column 2\)"):
        model.predict(X)


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.ones((5, 2)), np.ones(4), "inconsistent numbers of samples"),
        (np.ones((0, 2)), np.ones(0), "0 sample"),
        (np.ones(5), np.ones(5), "Expected 2D array"),
        (np.ones((5, 2, 2)), np.ones(5), "dim"),
        (np.array([["a", "b"]] * 5), np.ones(5), "convert|numeric|string"),
    ],
)
def test_shape_and_type_errors(X, y, match):
    with pytest.raises((ValueError, TypeError), match=match):
        LinearRegression().fit(X, y)


@pytest.mark.parametrize(
    "weights, match",
    [([1.0, -1.0, 1.0, 1.0], "non-negative; row 1"), ([1.0, 1.0], "2 entries"), ([0.0] * 4, "sums to zero")],
)
def test_bad_sample_weight(weights, match):
    with pytest.raises(ValueError, match=match):
        LinearRegression().fit(np.eye(4), np.arange(4.0), sample_weight=weights)


@pytest.mark.parametrize("alpha", [-1.0, np.nan, [1.0, 2.0, 3.0], [[1.0]]])
def test_bad_alpha(rng, alpha):
    X, y = make_regression(rng, n_targets=2)
    with pytest.raises(ValueError, match="alpha"):
        Ridge(alpha=alpha).fit(X, y)


@pytest.mark.parametrize("alphas", [(), (0.0, 1.0), (-1.0,), (np.inf,)])
def test_bad_ridgecv_alphas(rng, alphas):
    X, y = make_regression(rng)
    with pytest.raises(ValueError, match="alphas"):
        RidgeCV(alphas=alphas).fit(X, y)


@pytest.mark.parametrize("estimator", [LinearRegression(), Ridge(alpha=0.5), RidgeCV(), RidgeCV(cv=3)])
def test_inputs_are_never_modified(rng, estimator):
    X, y = make_regression(rng, n_targets=2)
    X = np.asfortranarray(X)
    w = rng.random(len(X))
    copies = X.copy(), y.copy(), w.copy()
    for array in (X, y, w):
        array.flags.writeable = False  # any write raises
    estimator.fit(X, y, sample_weight=w)
    estimator.predict(X)
    for before, after in zip(copies, (X, y, w)):
        np.testing.assert_array_equal(before, after)


def test_batched_bad_input(rng):
    X = rng.standard_normal((4, 10, 2))
    y = rng.standard_normal((4, 10))
    with pytest.raises(ValueError, match="3-D"):
        solve_batched(X[0], y)
    with pytest.raises(ValueError, match="shape"):
        solve_batched(X, y[:, :5])
    with pytest.raises(ValueError, match="non-negative"):
        solve_batched(X, y, alpha=-1.0)
    with pytest.raises(TypeError, match="numeric"):
        solve_batched(X.astype(str), y)
    X[2, 3, 1] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN \(problem 2, row 3, column 1\)"):
        solve_batched(X, y)
    X[2, 3, 1] = 0.0
    y[1, 7] = np.inf
    with pytest.raises(ValueError, match=r"y contains infinity \(problem 1, row 7\)"):
        solve_batched(X, y)
