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

    _, ax = plt.subplots(figsize=(4.5, 4.5))
    return ax


def parity_plot(y_true, y_pred, ax=None, *, labels=None, units=None, title=None):
    """Predicted against reference values with the y = x diagonal.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    ax : matplotlib Axes, default=None
        Drawn on a new figure when None.
    labels : sequence of str, optional
        Per-point annotations (e.g. compound names).
    units : str, optional
        Appended to the axis labels.
    title : str, optional

    Returns
    -------
    ax : matplotlib Axes
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
    ax.scatter(y_true, y_pred, s=28, zorder=2)
    if labels is not None:
        for x, y, text in zip(y_true, y_pred, labels):
            ax.annotate(text, (x, y), textcoords="offset points", xytext=(4, 3), fontsize=8)
    suffix = f" ({units})" if units else ""
    ax.set_xlabel(f"reference{suffix}")
    ax.set_ylabel(f"predicted{suffix}")
    ax.set_xlim(low - pad, high + pad)
    ax.set_ylim(low - pad, high + pad)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return ax


def plot_loss_curve(curves, labels=None, ax=None, *, log=True):
    """Loss against iteration for one or several runs.

    Parameters
    ----------
    curves : array-like of shape (n_iter,) or (n_curves, n_iter), or a list of 1-D arrays
        NaN entries (a run that stopped early) are not drawn.
    labels : sequence of str, optional
        One per curve (e.g. ``f"η = {rate}"``); a legend is drawn when given.
    ax : matplotlib Axes, default=None
    log : bool, default=True
        Logarithmic loss axis.

    Returns
    -------
    ax : matplotlib Axes
    """
    if isinstance(curves, np.ndarray) and curves.ndim == 1:
        curves = [curves]
    elif isinstance(curves, (list, tuple)) and curves and np.ndim(curves[0]) == 0:
        curves = [np.asarray(curves, dtype=float)]
    ax = _axes(ax)
    for index, curve in enumerate(curves):
        curve = np.asarray(curve, dtype=float)
        shown = np.isfinite(curve)
        label = None if labels is None else labels[index]
        ax.plot(np.arange(1, curve.size + 1)[shown], curve[shown], label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss J(θ)")
    if labels is not None:
        ax.legend(fontsize=8)
    return ax


def williams_plot(leverage, residuals, *, threshold=None, residual_limit=3.0, labels=None, ax=None):
    """Standardised residual against leverage, with the usual warning lines.

    Points right of ``threshold`` (h*) are outside the applicability domain;
    points beyond ``±residual_limit`` are response outliers.

    Parameters
    ----------
    leverage : array-like of shape (n_samples,)
    residuals : array-like of shape (n_samples,)
        Standardised residuals (see :func:`fastreg.domain.standardised_residuals`).
    threshold : float, optional
        Warning leverage h*, e.g. ``ApplicabilityDomain().fit(X).threshold_``.
    residual_limit : float, default=3.0
    labels : sequence of str, optional
    ax : matplotlib Axes, default=None

    Returns
    -------
    ax : matplotlib Axes
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
        ax.legend(fontsize=8)
    if labels is not None:
        for x, y, text in zip(leverage, residuals, labels):
            ax.annotate(text, (x, y), textcoords="offset points", xytext=(4, 3), fontsize=8)
    ax.set_xlabel("leverage h")
    ax.set_ylabel("standardised residual")
    return ax


def plot_path(alphas, coefs, feature_names=None, ax=None, *, top=10):
    """Coefficients along a regularisation path (log α, decreasing to the right).

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,)
    coefs : array-like of shape (n_features, n_alphas)
        As returned by :func:`fastreg.lasso_path` / :func:`fastreg.enet_path`.
    feature_names : sequence of str, optional
        The ``top`` features with the largest final |coefficient| are labelled.
    ax : matplotlib Axes, default=None
    top : int, default=10

    Returns
    -------
    ax : matplotlib Axes
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
        ax.legend(fontsize=7)
    return ax


def plot_cv(model, ax=None):
    """Cross-validated MSE against α for a fitted LassoCV/ElasticNetCV (mean ± std over folds).

    Returns
    -------
    ax : matplotlib Axes
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
        ax.fill_between(grid, mean - std, mean + std, color=line.get_color(), alpha=0.2)
    ax.axvline(model.alpha_, color="C3", ls="--", lw=1, label=f"α = {model.alpha_:.3g}")
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlabel("α")
    ax.set_ylabel("cross-validated MSE")
    ax.legend(fontsize=8)
    return ax


def save_parity_plot(path, y_true, y_pred, *, labels=None, units=None, title=None):
    """Write :func:`parity_plot` to ``path`` (PNG, PDF, SVG) on its own figure.

    A bare ``Figure`` needs no pyplot state and no GUI backend.
    """
    _matplotlib()
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5, 5))
    parity_plot(y_true, y_pred, ax=figure.add_subplot(), labels=labels, units=units, title=title)
    figure.tight_layout()
    from .io.safe_files import atomic_write

    with atomic_write(path) as handle:  # complete or untouched
        figure.savefig(handle, format=Path(path).suffix.lstrip(".").lower() or "png", dpi=150)
