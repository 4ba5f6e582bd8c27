"""Input checks at the public boundary: clear messages, no writes to caller data."""

import numbers

import numpy as np


def first_nonfinite(array):
    """Return ``(row, column)`` of the first NaN/inf entry, or ``None``."""
    array = np.asarray(array)
    if array.ndim == 0:
        return None if np.isfinite(array) else (0, 0)
    rows = array.reshape(array.shape[0], -1)
    bad = ~np.isfinite(rows)
    if not bad.any():
        return None
    row = int(np.flatnonzero(bad.any(axis=1))[0])
    column = int(np.flatnonzero(bad[row])[0])
    return row, column


def check_finite(array, name, where=""):
    """Raise ``ValueError`` naming ``name`` and the first row holding NaN or inf.

    ``where`` prefixes the location, e.g. ``"problem 2, "``.

    The fast path is one vectorised sum; only on failure is the row located.
    A sparse matrix is checked on its stored values.
    """
    if hasattr(array, "tocsr") and hasattr(array, "nnz"):  # scipy.sparse, without importing it here
        _check_finite_sparse(array, name, where)
        return
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(array)
    if np.isfinite(total):
        return
    located = first_nonfinite(array)
    if located is None:  # the sum overflowed but every entry is finite
        return
    row, column = located
    value = np.asarray(array).reshape(np.shape(array)[0], -1)[row, column]
    kind = "NaN" if np.isnan(value) else "infinity"
    place = where + (f"row {row}" if np.ndim(array) == 1 else f"row {row}, column {column}")
    raise ValueError(f"Input {name} contains {kind} ({place}); NaN and inf are not allowed.")


def _check_finite_sparse(matrix, name, where):
    csr = matrix.tocsr()
    bad = np.flatnonzero(~np.isfinite(csr.data))
    if bad.size:
        row = int(np.searchsorted(csr.indptr, bad[0], side="right") - 1)
        kind = "NaN" if np.isnan(csr.data[bad[0]]) else "infinity"
        raise ValueError(f"Input {name} contains {kind} ({where}row {row}, column {int(csr.indices[bad[0]])}); "
                         "NaN and inf are not allowed.")


def check_sample_weight(sample_weight, n_samples):
    """Return sample weights as a new float64 array, or ``None`` for unit weights."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        sample_weight = np.full(n_samples, sample_weight, dtype=np.float64)
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"sample_weight must be numeric: {error}") from None
    if weights.ndim != 1:
        raise ValueError(
            f"Sample weights must be 1D array or scalar: sample_weight must have shape ({n_samples},), "
            f"got shape {weights.shape}."
        )
    if weights.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has {weights.shape[0]} entries but X has {n_samples} samples."
        )
    check_finite(weights, "sample_weight")
    negative = np.flatnonzero(weights < 0)
    if negative.size:
        raise ValueError(
            f"sample_weight must be non-negative; row {negative[0]} is {weights[negative[0]]}."
        )
    if n_samples and not weights.any():
        raise ValueError("sample_weight sums to zero: no sample carries any weight.")
    return weights


def check_alpha(alpha, n_targets, name="alpha"):
    """Return ``alpha`` as a float64 array of shape (n_targets,), all >= 0."""
    values = np.asarray(alpha, dtype=np.float64)
    if values.ndim > 1:
        raise ValueError(f"{name} must be a scalar or 1-D, got shape {values.shape}.")
    if values.ndim == 1 and values.shape[0] not in (1, n_targets):
        raise ValueError(
            f"Number of targets and number of penalties do not correspond: {values.shape[0]} != {n_targets} "
            f"({name} has {values.shape[0]} values but y has {n_targets} targets; give one value or one per target)."
        )
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} must be finite, got {alpha!r}.")
    if np.any(values < 0):
        raise ValueError(f"{name} must be non-negative, got {alpha!r}.")
    return np.broadcast_to(values, (n_targets,)).copy()


TINY_FEATURE = 1e-140  # squares below ~1e-280 approach float64's underflow (2.2e-308) and lose bits


def check_magnitudes(magnitudes):
    """Raise ``ValueError`` for features whose typical magnitude is so small that their squares underflow.

    ``magnitudes`` holds one typical |value| per feature (0 for an all-zero feature).
    """
    magnitudes = np.asarray(magnitudes)
    bad = np.flatnonzero((magnitudes > 0) & (magnitudes < TINY_FEATURE))
    if bad.size:
        more = f" (and {bad.size - 1} more)" if bad.size > 1 else ""
        raise ValueError(
            f"Feature {bad[0]}{more} has values of magnitude ~{magnitudes[bad[0]]:.1e}: their squares "
            "underflow float64 and the fit would lose its digits. Rescale the features (e.g. StandardScaler).")


def check_alpha_grid(alphas, *, strictly_positive):
    """Return candidate penalties as a float64 array, with scikit-learn's messages for a bad entry."""
    values = np.atleast_1d(np.asarray(alphas, dtype=object)).ravel()
    if values.size == 0:
        raise ValueError(f"alphas must not be empty, got {alphas!r}.")
    for index, value in enumerate(values):
        if not isinstance(value, numbers.Real):
            raise TypeError(f"alphas[{index}] must be an instance of float, not {type(value).__name__}.")
        if not np.isfinite(value) or value < 0 or (strictly_positive and value == 0):
            raise ValueError(f"alphas[{index}] == {value}, must be {'>' if strictly_positive else '>='} 0.0.")
    return values.astype(np.float64)


def check_routed_params(params, allowed):
    """``fit(**params)`` as scikit-learn: only with metadata routing enabled, and only the names routed."""
    if not params:
        return
    import sklearn

    if not sklearn.get_config()["enable_metadata_routing"]:
        raise ValueError(f"Passing extra keyword arguments {sorted(params)} to fit is only supported if "
                         "enable_metadata_routing=True, which you can set using `sklearn.set_config`.")
    unknown = set(params) - set(allowed)
    if unknown:
        raise TypeError(f"fit() got unexpected keyword argument(s) {sorted(unknown)}; routed here: {sorted(allowed)}.")
