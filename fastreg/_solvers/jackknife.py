"""Jackknife+ intervals (Barber, Candès, Ramdas & Tibshirani, 2021) from closed-form leave-one-out fits.

For a (ridge) least-squares fit the model without sample i predicts at x

    μ₋ᵢ(x) = μ(x) − [cᵢ + (x − x̄)ᵀ G[:, i]] · rᵢ,

with rᵢ = yᵢ − μ₋ᵢ(xᵢ) the leave-one-out residual, G = (X̃ᵀWX̃ + αI)⁻¹ X̃ᵀW
(X̃ centred) and cᵢ = wᵢ/Σw with an intercept (0 without). That is
Sherman–Morrison on the penalised normal equations with the unpenalised
intercept folded in. So the n leave-one-out predictions at a candidate cost
one row of a (n_candidates × n_features) · (n_features × n_samples) product,
and no model is refitted.
"""

import math
import warnings

import numpy as np

from .memory import require_memory

BLOCK_BYTES = 64 << 20  # candidates per block: the (block × n_samples) scratch stays below this


def influence_basis(X, weights, x_offset, alpha, fit_intercept):
    """``(G, c)`` of the module docstring: G of shape (n_features, n_samples), c of shape (n_samples,).

    Uses the n×n form (G = X̃ᵀS(SX̃X̃ᵀS + αI)⁻¹S, S = W^½) when n_samples < n_features,
    else the p×p normal equations; neither forms the other's square matrix.
    """
    n_samples, n_features = X.shape
    require_memory(8 * n_samples * n_features * 2, f"the jackknife+ basis ({n_features} × {n_samples})",
                   "Use intervals=True (leave-one-out intervals), which keep n_samples numbers only.")
    w = np.ones(n_samples) if weights is None else np.asarray(weights, dtype=np.float64)
    centred = np.asarray(X, dtype=np.float64) - np.asarray(x_offset, dtype=np.float64)
    if n_samples < n_features:
        if not alpha > 0:
            raise ValueError("jackknife+ needs alpha > 0 with fewer samples than features: every leave-one-out "
                             "fit of the minimum-norm solution interpolates its left-out sample.")
        root = np.sqrt(w)
        scaled = centred * root[:, None]
        kernel = scaled @ scaled.T
        kernel[np.diag_indices_from(kernel)] += alpha
        G = scaled.T @ (np.linalg.solve(kernel, np.diag(root)))
    else:
        gram = centred.T @ (centred * w[:, None])
        gram[np.diag_indices_from(gram)] += alpha
        G = np.linalg.solve(gram, (centred * w[:, None]).T)
    c = w / w.sum() if fit_intercept else np.zeros(n_samples)
    if not np.all(np.isfinite(G)):
        raise ValueError("the jackknife+ basis is not finite: the design is singular; add a ridge penalty.")
    return G, c


def jackknife_plus(prediction, X, x_offset, G, c, residuals, coverage):
    """Lower and upper jackknife+ bounds at each candidate.

    Parameters
    ----------
    prediction : ndarray of shape (n_candidates, n_targets)
    X : ndarray of shape (n_candidates, n_features)
        Input samples, one row per sample.
    G, c : from :func:`influence_basis`
    residuals : ndarray of shape (n_samples, n_targets)
        Leave-one-out residuals rᵢ.
    coverage : float in (0, 1)

    Returns
    -------
    lower, upper : ndarrays of shape (n_candidates, n_targets)
        The ⌊α(n+1)⌋-th smallest of μ₋ᵢ(x) − |rᵢ| and the ⌈(1−α)(n+1)⌉-th
        smallest of μ₋ᵢ(x) + |rᵢ|, α = 1 − coverage. Where n is too small for
        the rank, the extreme value is used and a warning says so.
    """
    n_samples = residuals.shape[0]
    low_rank, high_rank = _ranks(n_samples, coverage)
    lower = np.empty(prediction.shape)
    upper = np.empty(prediction.shape)
    block = max(1, BLOCK_BYTES // (8 * 3 * n_samples))
    for start in range(0, X.shape[0], block):
        rows = slice(start, start + block)
        influence = (np.asarray(X[rows], dtype=np.float64) - x_offset) @ G + c  # (block, n_samples)
        for t in range(residuals.shape[1]):
            r = residuals[:, t]
            left_out = prediction[rows, t, None] - influence * r  # μ₋ᵢ(x) for every i
            lower[rows, t] = np.partition(left_out - np.abs(r), low_rank - 1, axis=1)[:, low_rank - 1]
            upper[rows, t] = np.partition(left_out + np.abs(r), high_rank - 1, axis=1)[:, high_rank - 1]
    return lower, upper


def _ranks(n_samples, coverage):
    miscoverage = 1.0 - coverage
    low = math.floor(miscoverage * (n_samples + 1))
    high = math.ceil(coverage * (n_samples + 1))
    if low < 1 or high > n_samples:
        warnings.warn(
            f"{n_samples} samples are too few for {coverage:.0%} jackknife+ coverage (needs at least "
            f"{math.ceil(1 / miscoverage) - 1}); using the extreme leave-one-out predictions, so the coverage "
            "is not assured.", UserWarning, stacklevel=4)
    return max(low, 1), min(high, n_samples)


