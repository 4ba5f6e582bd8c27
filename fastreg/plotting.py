"""A thin matplotlib layer: each function draws on ``ax`` (or a new one) and returns it.

matplotlib is imported on first use (the ``plot`` extra); global rcParams are
never touched.
"""

from pathlib import Path

import numpy as np


def _matplotlib():
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("fastreg.plotting needs matplotlib: pip install 'fastreg[plot]'") from None
    return matplotlib


def _axes(ax):
    if ax is not None:
        return ax
    _matplotlib()
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(4.5, 4.5), layout="constrained")  # labels and outside legends fit
    return ax


def _legend_outside(ax):
    """A legend right of the axes, off the data (constrained layout makes room for it)."""
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, frameon=False)


def _place_labels(ax, xs, ys, labels, *, fontsize=8):
    """Annotate points so that no two labels overlap (nor a label its neighbours' markers).

    Each label tries a few offsets around its point, in display space, and
    keeps the first that collides with nothing placed so far (else the one
    that overlaps least).
    """
    from matplotlib.transforms import Bbox

    renderer = ax.figure.canvas.get_renderer()

    points = ax.transData.transform(np.column_stack([xs, ys]))
    taken = [Bbox.from_extents(x - 4, y - 4, x + 4, y + 4) for x, y in points]  # the markers themselves
    offsets = [(5, 3, "left", "bottom"), (5, -3, "left", "top"), (-5, 3, "right", "bottom"),
               (-5, -3, "right", "top"), (0, 7, "center", "bottom"), (0, -7, "center", "top"),
               (12, 0, "left", "center"), (-12, 0, "right", "center")]
    placed = []
    for k, (x, y, text) in enumerate(zip(xs, ys, labels)):
        best, best_overlap = None, np.inf
        for dx, dy, ha, va in offsets:
            annotation = ax.annotate(text, (x, y), textcoords="offset points", xytext=(dx, dy), ha=ha, va=va,
                                     fontsize=fontsize)
            box = annotation.get_window_extent(renderer).padded(1)
            overlap = sum(_overlap_area(box, other) for j, other in enumerate(taken) if j != k)
            if overlap < best_overlap:
                if best is not None:
                    best[0].remove()
                best, best_overlap = (annotation, box), overlap
            else:
                annotation.remove()
            if overlap == 0:
                break
        taken.append(best[1])
        placed.append(best[0])
    return placed


def _overlap_area(a, b):
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


def parity_plot(y_true, y_pred, ax=None, *, labels=None, units=None, title=None, prediction_kind="predicted",
                label=None):
    """Plot predicted against reference values, with the y = x diagonal.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Reference values (e.g. DFT).
    y_pred : array-like of shape (n_samples,)
        The model's predictions.
    ax : matplotlib Axes, default=None
        Drawn on a new figure when None.
    labels : sequence of str, optional
        Per-point annotations (e.g. compound names), placed so that they do not overlap.
    units : str, optional
        Appended to the axis labels.
    title : str, optional
        Axes title; None leaves it empty.
    prediction_kind : str, default="predicted"
        The y-axis label, e.g. ``"leave-one-out prediction"``.
    label : str, optional
        Legend entry of the points.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.
    """
    y_true = np.asarray(y_true, dtype=float).ravel()
    y_pred = np.asarray(y_pred, dtype=float).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in length: {y_true.size} and {y_pred.size}.")
    ax = _axes(ax)
    low = min(y_true.min(), y_pred.min())
    high = max(y_true.max(), y_pred.max())
    pad = 0.05 * (high - low or 1.0)
    ax.plot([low - pad, high + pad], [low - pad, high + pad], color="0.6", lw=1, ls="--", zorder=1)
    ax.scatter(y_true, y_pred, s=28, zorder=2, label=label)
    suffix = f" ({units})" if units else ""
    ax.set_xlabel(f"reference{suffix}")
    ax.set_ylabel(f"{prediction_kind}{suffix}")
    ax.set_xlim(low - pad, high + pad)
    ax.set_ylim(low - pad, high + pad)
    ax.set_aspect("equal")
    if labels is not None:
        ax.figure.draw_without_rendering()  # settle the layout: placement is in display space
        _place_labels(ax, y_true, y_pred, labels)
    if title:
        ax.set_title(title)
    return ax


def plot_loss_curve(curves, labels=None, ax=None, *, log=True, diverged=None):
    """Loss against iteration for one or several runs; diverged runs are drawn and marked.

    Parameters
    ----------
    curves : array-like of shape (n_iter,) or (n_curves, n_iter), or a list of 1-D arrays
        Trailing NaN entries (a run that stopped early) are not drawn.
    labels : sequence of str, optional
        One per curve (e.g. ``f"η = {rate}"``); a legend is drawn beside the axes when given.
    ax : matplotlib Axes, default=None
        Axes to draw on; None draws on a new figure's axes.
    log : bool, default=True
        Logarithmic loss axis.
    diverged : sequence of bool, optional
        Which runs diverged (``gradient_descent_batched(...).diverged``); a run
        whose loss reaches inf is taken as diverged too. Each is drawn up to
        its last finite loss and marked there with a red ×, and its legend
        entry says "diverged" — even when no finite loss is left to draw.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.
    """
    if isinstance(curves, np.ndarray) and curves.ndim == 1:
        curves = [curves]
    elif isinstance(curves, (list, tuple)) and curves and np.ndim(curves[0]) == 0:
        curves = [np.asarray(curves, dtype=float)]
    ax = _axes(ax)
    any_diverged = False
    for index, curve in enumerate(curves):
        curve = np.asarray(curve, dtype=float)
        shown = np.isfinite(curve)
        broke = bool(np.any(np.isinf(curve))) or (diverged is not None and bool(diverged[index]))
        label = None if labels is None else labels[index]
        if broke:
            label = "diverged" if label is None else f"{label} (diverged)"
            any_diverged = True
        iterations = np.arange(1, curve.size + 1)
        line, = ax.plot(iterations[shown], curve[shown], label=label)
        if broke:
            last = int(np.flatnonzero(shown)[-1]) if shown.any() else None
            x, y = (iterations[last], curve[last]) if last is not None else (1, np.nan)
            if last is None:  # nothing finite to draw: mark the start on the top edge
                ax.plot([1], [1.0], marker="x", color="C3", ms=9, mew=2, transform=ax.get_xaxis_transform(),
                        clip_on=False)
            else:
                ax.plot([x], [y], marker="x", color="C3", ms=9, mew=2, zorder=3)
            line.set_linestyle("--")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss J(θ)")
    if labels is not None or any_diverged:
        _legend_outside(ax)
    return ax


def williams_plot(leverage, residuals, *, threshold=None, residual_limit=3.0, labels=None, ax=None):
    """Standardised residual against leverage, with the usual warning lines.

    Points right of ``threshold`` (h*) are outside the applicability domain;
    points beyond ``±residual_limit`` are response outliers.

    Parameters
    ----------
    leverage : array-like of shape (n_samples,)
        Leverage h of each sample (hat-matrix diagonal).
    residuals : array-like of shape (n_samples,)
        Standardised residuals (see :func:`fastreg.domain.standardised_residuals`).
    threshold : float, optional
        Warning leverage h*, e.g. ``ApplicabilityDomain().fit(X).threshold_``.
    residual_limit : float, default=3.0
        Standardised-residual bound drawn as horizontal lines (±).
    labels : sequence of str, optional
        Text label per point; None draws none.
    ax : matplotlib Axes, default=None
        Axes to draw on; None draws on a new figure's axes.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.
    """
    leverage = np.asarray(leverage, dtype=float)
    residuals = np.asarray(residuals, dtype=float)
    if leverage.shape != residuals.shape:
        raise ValueError(f"leverage and residuals differ in shape: {leverage.shape} and {residuals.shape}.")
    ax = _axes(ax)
    ax.scatter(leverage, residuals, s=28, zorder=2)
    for limit in (-residual_limit, residual_limit):
        ax.axhline(limit, color="0.6", lw=1, ls="--")
    if threshold is not None:
        ax.axvline(threshold, color="C3", lw=1, ls="--", label=f"h* = {threshold:.3g}")
        _legend_outside(ax)
    ax.set_xlabel("leverage h")
    ax.set_ylabel("standardised residual")
    if labels is not None:
        ax.figure.draw_without_rendering()
        _place_labels(ax, leverage, residuals, labels)
    return ax


def plot_path(alphas, coefs, feature_names=None, ax=None, *, top=10):
    """Plot the coefficients along a regularisation path (log α, decreasing to the right).

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,)
        Penalties to try; None or an integer generates that many on a log grid.
    coefs : array-like of shape (n_features, n_alphas)
        As returned by :func:`fastreg.lasso_path` / :func:`fastreg.enet_path`.
    feature_names : sequence of str, optional
        The ``top`` features with the largest final ``|coefficient|`` are labelled.
    ax : matplotlib Axes, default=None
        Axes to draw on; None draws on a new figure's axes.
    top : int, default=10
        Label only this many features, those with the largest coefficients.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.
    """
    alphas = np.asarray(alphas, dtype=float)
    coefs = np.asarray(coefs, dtype=float)
    if coefs.ndim != 2 or coefs.shape[1] != alphas.size:
        raise ValueError(f"coefs must have shape (n_features, {alphas.size}), got {coefs.shape}.")
    ax = _axes(ax)
    labelled = set(np.argsort(-np.abs(coefs[:, -1]))[:top]) if feature_names is not None else set()
    for j, path in enumerate(coefs):
        ax.plot(alphas, path, lw=1, label=str(feature_names[j]) if j in labelled else None)
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_xlabel("α")
    ax.set_ylabel("coefficient")
    if labelled:
        _legend_outside(ax)
    return ax


def plot_cv(model, ax=None, *, units=None):
    """Plot the cross-validated MSE against α of a fitted LassoCV/ElasticNetCV (mean ± std over folds).

    Parameters
    ----------
    model : fitted LassoCV or ElasticNetCV
        Its ``mse_path_``, ``alphas_`` and ``alpha_`` are drawn.
    ax : matplotlib Axes, default=None
        Drawn on a new figure when None.
    units : str, optional
        The target's unit (the MSE is in its square).

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.
    """
    mse = np.asarray(model.mse_path_)
    alphas = np.asarray(model.alphas_)
    if mse.ndim == 2:
        mse, alphas = mse[None], alphas[None]
    ax = _axes(ax)
    ratios = np.atleast_1d(getattr(model, "l1_ratio", 1.0))
    for path, grid, ratio in zip(mse, alphas, ratios):
        mean, std = path.mean(axis=1), path.std(axis=1)
        line, = ax.plot(grid, mean, label=f"l1_ratio = {ratio:g}" if len(ratios) > 1 else "mean over folds")
        # an MSE cannot be negative: the ±std band stops at zero
        ax.fill_between(grid, np.clip(mean - std, 0.0, None), mean + std, color=line.get_color(), alpha=0.2)
    ax.axvline(model.alpha_, color="C3", ls="--", lw=1, label=f"α = {model.alpha_:.3g}")
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlabel("α")
    ax.set_ylabel("cross-validated MSE" + (f" ({units}²)" if units else ""))
    ax.set_ylim(bottom=0.0)
    _legend_outside(ax)
    return ax


def save_parity_plot(path, y_true, y_pred, *, labels=None, units=None, title=None, prediction_kind="predicted"):
    """Write :func:`parity_plot` to ``path`` (PNG, PDF, SVG) on its own figure.

    A bare ``Figure`` (constrained layout) needs no pyplot state and no GUI backend;
    the file is complete or untouched.

    Parameters
    ----------
    path : str or Path
        Destination; the extension picks the format.
    y_true : array-like of shape (n_samples,)
        Reference values.
    y_pred : array-like of shape (n_samples,)
        The model's predictions.
    labels : sequence of str, optional
        Per-point annotations.
    units : str, optional
        Appended to the axis labels.
    title : str, optional
        Axes title.
    prediction_kind : str, default="predicted"
        The y-axis label.
    """
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5, 5), layout="constrained")
    FigureCanvasAgg(figure)  # a renderer, for label placement
    parity_plot(y_true, y_pred, ax=figure.add_subplot(), labels=labels, units=units, title=title,
                prediction_kind=prediction_kind)
    from .io.safe_files import atomic_write

    with atomic_write(path) as handle:  # complete or untouched
        figure.savefig(handle, format=Path(path).suffix.lstrip(".").lower() or "png", dpi=150)
