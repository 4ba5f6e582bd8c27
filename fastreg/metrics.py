"""Regression metrics with scikit-learn's definitions and edge cases."""

import numpy as np

from ._docstrings import with_parameters
from ._validation import check_finite


def _prepare(y_true, y_pred, sample_weight):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.ndim == 1:
        y_true = y_true[:, None]
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    if y_true.ndim != 2 or y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}.")
    if y_true.shape[0] == 0:
        raise ValueError("y_true is empty.")
    check_finite(y_true, "y_true")
    check_finite(y_pred, "y_pred")
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        if sample_weight.shape != (y_true.shape[0],):
            raise ValueError(f"sample_weight must have shape ({y_true.shape[0]},), got {sample_weight.shape}.")
    return y_true, y_pred, sample_weight


def _aggregate(values, multioutput):
    if multioutput == "raw_values":
        return values
    if multioutput == "uniform_average":
        return float(np.mean(values))
    raise ValueError(f"multioutput must be 'raw_values' or 'uniform_average', got {multioutput!r}.")


def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean absolute error, ``Σ wᵢ|yᵢ - ŷᵢ| / Σ wᵢ``, in the units of y.

    Parameters
    ----------
    {parameters}

    Returns
    -------
    error : float or ndarray of shape (n_targets,)
        The error, averaged over targets unless ``multioutput="raw_values"``.
    """
    y_true, y_pred, w = _prepare(y_true, y_pred, sample_weight)
    return _aggregate(np.average(np.abs(y_true - y_pred), axis=0, weights=w), multioutput)


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Root mean squared error per target (averaged after the square root).

    Parameters
    ----------
    {parameters}

    Returns
    -------
    error : float or ndarray of shape (n_targets,)
        The error, averaged over targets unless ``multioutput="raw_values"``.
    """
    y_true, y_pred, w = _prepare(y_true, y_pred, sample_weight)
    return _aggregate(np.sqrt(np.average((y_true - y_pred) ** 2, axis=0, weights=w)), multioutput)


def r2_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Coefficient of determination ``1 - SSE/SST``.

    A constant ``y_true`` scores 1.0 when predicted exactly and 0.0 otherwise,
    as in scikit-learn (``force_finite=True``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_targets)
        Reference values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_targets)
        Predicted values.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample; None weighs every sample 1.
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
        Average the targets' scores, or return one per target.

    Returns
    -------
    score : float or ndarray of shape (n_targets,)
        R², averaged over targets unless ``multioutput="raw_values"``.
    """
    y_true, y_pred, w = _prepare(y_true, y_pred, sample_weight)
    weights = np.ones(y_true.shape[0]) if w is None else w
    sse = np.einsum("i,it->t", weights, (y_true - y_pred) ** 2)
    mean = np.average(y_true, axis=0, weights=weights)
    sst = np.einsum("i,it->t", weights, (y_true - mean) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(sst > 0, 1.0 - sse / sst, np.where(sse == 0, 1.0, 0.0))
    return _aggregate(r2, multioutput)


with_parameters(mean_absolute_error, r2_score)
with_parameters(root_mean_squared_error, r2_score)
