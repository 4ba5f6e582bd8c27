"""Distribution-free prediction intervals from exact leave-one-out residuals."""

import math
import warnings

import numpy as np
from sklearn.exceptions import NotFittedError

INTERVAL_METHODS = ("loo",)


def loo_quantile(residuals, coverage):
    """Half-width: the ⌈coverage·(n+1)⌉-th smallest |LOO residual| (per target).

    This is the jackknife interval with the conformal finite-sample rank; when
    the rank exceeds n (too few samples for the requested coverage) the
    largest residual is used and a warning says that coverage is not assured.
    """
    absolute = np.sort(np.abs(residuals), axis=0)
    n_samples = absolute.shape[0]
    rank = math.ceil(coverage * (n_samples + 1))
    if rank > n_samples:
        warnings.warn(
            f"{n_samples} samples are too few for {coverage:.0%} coverage "
            f"(needs at least {math.ceil(coverage / (1 - coverage))}); using the largest "
            "leave-one-out residual, so the coverage is not assured.",
            UserWarning,
            stacklevel=3,
        )
        rank = n_samples
    return absolute[rank - 1]


class LOOIntervalMixin:
    """Adds :meth:`predict_interval` to estimators that store ``loo_residuals_``."""

    def predict_interval(self, X, coverage=0.9, method="loo"):
        """Prediction interval ``ŷ ± q`` from the exact leave-one-out residuals.

        ``q`` is the ⌈coverage·(n+1)⌉-th smallest absolute leave-one-out
        residual of the training data (jackknife with the conformal rank). No
        distributional assumption is made; on exchangeable data the held-out
        coverage is close to ``coverage``. Sample weights do not enter ``q``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        coverage : float in (0, 1), default=0.9
        method : {"loo"}, default="loo"

        Returns
        -------
        lower, upper : ndarrays shaped like ``predict(X)``
        """
        if not isinstance(coverage, (int, float, np.floating)) or not 0 < coverage < 1:
            raise ValueError(f"coverage must be a number in (0, 1), got {coverage!r}.")
        if method not in INTERVAL_METHODS:
            raise ValueError(f"method must be one of {', '.join(INTERVAL_METHODS)}, got {method!r}.")
        if not hasattr(self, "loo_residuals_"):
            raise NotFittedError(
                f"{type(self).__name__} has no leave-one-out residuals: "
                + ("fit it with cv=None." if hasattr(self, "cv") else "fit it with intervals=True (partial_fit cannot).")
            )
        prediction = self.predict(X)
        half_width = loo_quantile(self.loo_residuals_, coverage).astype(prediction.dtype)
        return prediction - half_width, prediction + half_width
