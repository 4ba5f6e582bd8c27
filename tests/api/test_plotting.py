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


def _texts_inside_figure(figure):
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    texts = [t for ax in figure.axes for t in (ax.xaxis.label, ax.yaxis.label, ax.title, *ax.texts) if t.get_text()]
    legends = [ax.get_legend() for ax in figure.axes if ax.get_legend() is not None]
    boxes = [t.get_window_extent(renderer) for t in texts] + [legend.get_window_extent(renderer) for legend in legends]
    return all(frame.x0 - 1 <= b.x0 and b.x1 <= frame.x1 + 1 and frame.y0 - 1 <= b.y0 and b.y1 <= frame.y1 + 1
               for b in boxes)


def test_labels_do_not_overlap_and_nothing_is_cut_off(rc_unchanged):
    from fastreg.datasets import load_bandgap

    data = load_bandgap()
    X = data.data[:, [data.feature_names.index("lattice_constant"), data.feature_names.index("delta_en")]]
    from fastreg import LinearRegression

    model = LinearRegression(intervals=True).fit(X, data.target)
    ax = parity_plot(data.target, data.target - model.loo_residuals_, labels=data.compounds, units="eV",
                     prediction_kind="leave-one-out prediction", title="a long title that must still fit the figure")
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert len(boxes) == 12
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (ax.texts[i].get_text(), ax.texts[j].get_text())
    assert ax.get_ylabel() == "leave-one-out prediction (eV)" and _texts_inside_figure(figure)


def test_a_diverged_run_is_drawn_marked_and_named(rc_unchanged):
    fine = np.exp(-np.arange(30.0))
    blown = np.r_[np.geomspace(1, 1e6, 12), np.inf, np.full(17, np.nan)]
    gone = np.full(30, np.nan)
    ax = plot_loss_curve([fine, blown, gone], labels=["η = 0.1", "η = 2", "η = 9"], diverged=[False, True, True])
    names = [t.get_text() for t in ax.get_legend().get_texts()]
    assert names == ["η = 0.1", "η = 2 (diverged)", "η = 9 (diverged)"]
    crosses = [line for line in ax.lines if line.get_marker() == "x"]
    assert len(crosses) == 2 and crosses[0].get_xdata()[0] == 12 and crosses[0].get_ydata()[0] == pytest.approx(1e6)
    assert _texts_inside_figure(ax.figure)  # the legend sits beside the axes, inside the figure


def test_cv_band_stops_at_zero(rng, rc_unchanged):
    X = rng.standard_normal((40, 4))
    y = X[:, 0] + rng.standard_normal(40) * 3
    model = LassoCV(cv=4, alphas=10).fit(X, y)
    ax = plot_cv(model, units="eV")
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() >= 0.0 and ax.get_ylim()[0] == 0.0 and ax.get_ylabel().endswith("(eV²)")


def test_plots_draw_what_they_are_given(rng, rc_unchanged):
    y = rng.standard_normal(30)
    prediction = y + 0.1 * rng.standard_normal(30)
    ax = parity_plot(y, prediction, units="eV")
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), np.column_stack([y, prediction]))
    diagonal = ax.lines[0]
    np.testing.assert_array_equal(diagonal.get_xdata(), diagonal.get_ydata())  # y = x
    assert ax.get_xlabel() == "reference (eV)" and ax.get_ylabel() == "predicted (eV)"
    curves = [np.geomspace(1, 1e-3, 20), np.geomspace(1, 1e-2, 20)]
    ax = plot_loss_curve(curves, labels=["a", "b"])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), curves[0])
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert not legend.overlaps(ax.get_window_extent(renderer))  # beside the axes, never over the curves
