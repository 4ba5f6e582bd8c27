"""Exact fits on row-chunked dask arrays: statistics per chunk on the workers, one solve on the client."""

import numpy as np

PILOT_ROWS = 64  # rows whose mean is the common shift of every chunk's statistics
SUPPORTED = ("LinearRegression", "Ridge", "RidgeCV", "BayesianRidge", "GradientDescentRegressor (Gram mode)",
             "Lasso", "ElasticNet", "LassoCV", "ElasticNetCV (covariance mode)")


def fit(estimator, X, y, sample_weight=None, *, cv=None, return_stats=False):
    """Fit ``estimator`` on dask arrays without bringing rows to the client.

    Each row chunk's sufficient statistics are computed on the workers (the same
    numba kernel as a local fit), about one shift (the mean of the first rows),
    and summed pairwise in a tree; the client solves once. Results equal the
    in-memory fit to rounding.

    Parameters
    ----------
    estimator : fastreg estimator
        LinearRegression, Ridge, RidgeCV, BayesianRidge, GradientDescentRegressor,
        Lasso, ElasticNet, LassoCV or ElasticNetCV. Gradient descent runs in Gram mode and coordinate descent in covariance
        mode, both from the summed statistics. RidgeCV, LassoCV and ElasticNetCV
        are scored by k-fold cross-validation from per-fold statistics (``cv``
        folds, or the estimator's integer ``cv``, else 5; contiguous and unshuffled
        like scikit-learn's ``KFold``), in the same single pass.
    X : dask array of shape (n_samples, n_features), chunked by rows
        Input samples, one row per sample.
    y : dask array of shape (n_samples,) or (n_samples, n_targets)
        Target values, one column per target when 2-D.
    sample_weight : dask array of shape (n_samples,), optional
        Non-negative weight of each sample; None weighs every sample 1.
    cv : int, optional
        Folds for RidgeCV, LassoCV and ElasticNetCV.
    return_stats : bool, default=False
        Also return the summed :class:`~fastreg.SufficientStats` (e.g. for an
        ``ApplicabilityDomain.fit_stats``), without a second pass over X.

    Returns
    -------
    estimator : object
        The fitted estimator (its ``predict`` takes NumPy arrays; see :func:`predict`).
    stats : SufficientStats
        The summed statistics (returned only with ``return_stats=True``).
    """
    import inspect

    from ..linear_model import ElasticNetCV, RidgeCV

    X, y, w = _aligned(X, y, sample_weight)
    n_samples = X.shape[0]
    folds = None
    if not hasattr(estimator, "fit_stats"):
        raise ValueError(f"{type(estimator).__name__} cannot be fitted from statistics; use {', '.join(SUPPORTED)}.")
    if isinstance(estimator, (RidgeCV, ElasticNetCV)):
        own = getattr(estimator, "cv", None)
        n_folds = int(cv if cv is not None else own if isinstance(own, int) else 5)
        if n_folds < 2 or n_folds > n_samples:
            raise ValueError(f"cv must be between 2 and n_samples = {n_samples}, got {n_folds!r}.")
        folds = np.cumsum([0] + [len(part) for part in np.array_split(np.arange(n_samples), n_folds)])
    total, helds = _statistics(X, y, w, folds)
    options = {"dtype": X.dtype}
    if "y_is_1d" in inspect.signature(estimator.fit_stats).parameters:
        options["y_is_1d"] = y.ndim == 1
    fitted = estimator.fit_stats(total, helds, **options) if folds is not None else estimator.fit_stats(total, **options)
    return (fitted, total) if return_stats else fitted


def sufficient_stats(X, y, sample_weight=None):
    """Compute the :class:`~fastreg.SufficientStats` of dask arrays, summed over row chunks on the workers.

    Parameters
    ----------
    X : dask array of shape (n_samples, n_features)
        Row-chunked samples (any column chunking is merged).
    y : dask array of shape (n_samples,) or (n_samples, n_targets)
        Targets, chunked like X's rows.
    sample_weight : dask array of shape (n_samples,), optional
        Non-negative weight of each sample.

    Returns
    -------
    stats : SufficientStats
        The statistics of all rows, on the client.
    """
    X, y, w = _aligned(X, y, sample_weight)
    return _statistics(X, y, w, None)[0]


def _statistics(X, y, w, folds):
    """``(total, helds)``: every chunk's statistics about one shift (the first rows' mean), tree-summed."""
    import dask

    pilot = dask.compute(X[:PILOT_ROWS], y[:PILOT_ROWS])
    shift = (np.asarray(pilot[0], dtype=np.float64).mean(axis=0),
             np.atleast_1d(np.asarray(pilot[1], dtype=np.float64).mean(axis=0)))
    starts = np.cumsum((0,) + X.chunks[0])
    x_blocks, y_blocks = X.to_delayed().ravel(), y.to_delayed().ravel()
    w_blocks = [None] * len(x_blocks) if w is None else list(w.to_delayed().ravel())
    parts = [dask.delayed(_chunk_statistics)(xb, yb, wb, shift, int(start), folds)
             for xb, yb, wb, start in zip(x_blocks, y_blocks, w_blocks, starts[:-1])]
    return dask.compute(_tree_sum(parts))[0]


def predict(estimator, X):
    """Run ``estimator.predict`` chunk by chunk on the workers.

    Parameters
    ----------
    estimator : fitted linear model
        Any fastreg estimator with ``coef_`` (shipped to the workers).
    X : dask array of shape (n_samples, n_features)
        Row-chunked samples.

    Returns
    -------
    y_pred : dask array of shape (n_samples,) or (n_samples, n_targets)
        Lazy predictions, chunked like X's rows.
    """
    X = _row_chunked(X)
    single = np.ndim(estimator.coef_) == 1
    if single:
        return X.map_blocks(estimator.predict, drop_axis=1, dtype=X.dtype)
    return X.map_blocks(estimator.predict, chunks=(X.chunks[0], (estimator.coef_.shape[0],)), dtype=X.dtype)


def _chunk_statistics(X, y, w, shift, start, folds):
    """``(total, helds)`` of one chunk: its statistics, and with ``folds`` those of each fold's rows in it."""
    from ..stats import sufficient_stats

    X = np.ascontiguousarray(X)
    Y = np.asarray(y, dtype=np.float64).reshape(len(X), -1)
    w = None if w is None else np.asarray(w, dtype=np.float64)
    total = sufficient_stats(X, Y, w, shift=shift)
    if not total.is_finite():
        bad = np.flatnonzero(~(np.isfinite(X).all(axis=1) & np.isfinite(Y).all(axis=1)))
        where = f"row {start + bad[0]}" if bad.size else f"rows {start}–{start + len(X) - 1} (values too large)"
        raise ValueError(f"the chunk of rows {start}–{start + len(X) - 1} holds NaN or inf: first at {where}.")
    if folds is None:
        return total, None
    helds = []
    for k in range(len(folds) - 1):
        low, high = max(folds[k] - start, 0), min(folds[k + 1] - start, len(X))
        rows = slice(low, max(low, high))
        helds.append(sufficient_stats(X[rows], Y[rows], None if w is None else w[rows], shift=shift))
    return total, helds


def _add(a, b):
    total = a[0] + b[0]
    helds = None if a[1] is None else [x + z for x, z in zip(a[1], b[1])]
    return total, helds


def _tree_sum(parts):
    import dask

    while len(parts) > 1:
        parts = [dask.delayed(_add)(parts[k], parts[k + 1]) if k + 1 < len(parts) else parts[k]
                 for k in range(0, len(parts), 2)]
    return parts[0]


def _row_chunked(X):
    import dask.array as da

    if not isinstance(X, da.Array):
        raise ValueError(f"X must be a dask array, got {type(X).__name__}; use the estimator's own fit for NumPy arrays.")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}.")
    return X if len(X.chunks[1]) == 1 else X.rechunk({1: -1})  # whole rows per chunk


def _aligned(X, y, w):
    import dask.array as da

    X = _row_chunked(X)
    y = da.asarray(y)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]}.")
    y = y.rechunk({0: X.chunks[0]} if y.ndim == 1 else {0: X.chunks[0], 1: -1})
    if w is not None:
        w = da.asarray(w).rechunk({0: X.chunks[0]})
    return X, y, w
