"""The plotting layer: each function returns its Axes and leaves rcParams alone."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from fastreg import LassoCV, lasso_path  # noqa: E402
from fastreg.plotting import parity_plot, plot_cv, plot_loss_curve, plot_path, williams_plot  # noqa: E402


@pytest.fixture
def rc_unchanged():
    before = dict(matplotlib.rcParams)
    yield
    assert dict(matplotlib.rcParams) == before
    plt.close("all")


def test_every_plot_returns_its_axes(rng, rc_unchanged):
    X = rng.standard_normal((60, 5))
    y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.standard_normal(60)
    alphas, coefs, _ = lasso_path(X, y, alphas=20)
    model = LassoCV(cv=3, alphas=15).fit(X, y)
    _, ax = plt.subplots()
    calls = [
        lambda ax: parity_plot(y, y + 0.1, ax=ax, labels=[str(i) for i in range(60)], units="eV"),
        lambda ax: plot_loss_curve(np.exp(-np.arange(50.0)), ax=ax),
        lambda ax: plot_loss_curve([np.ones(10), np.r_[np.ones(5), np.full(5, np.nan)]], labels=["a", "b"], ax=ax, log=False),
        lambda ax: plot_path(alphas, coefs, feature_names=list("abcde"), ax=ax),
        lambda ax: plot_cv(model, ax=ax),
        lambda ax: williams_plot(rng.random(60) * 0.3, rng.standard_normal(60), threshold=0.25, ax=ax),
    ]
    for call in calls:
        ax.clear()
        assert call(ax) is ax
    assert parity_plot(y, y) is not None  # a new figure when ax is None


def test_plot_input_errors(rng):
    with pytest.raises(ValueError, match="differ"):
        parity_plot([1, 2], [1])
    with pytest.raises(ValueError, match="shape"):
        plot_path([1.0, 0.1], np.ones((3, 4)))
