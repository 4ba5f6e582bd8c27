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

import numpy as np

from ..exceptions import warn_at_caller
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
        G = scaled.T @ _solve(kernel, np.diag(root))
    else:
        gram = centred.T @ (centred * w[:, None])
        gram[np.diag_indices_from(gram)] += alpha
        G = _solve(gram, (centred * w[:, None]).T)
    c = w / w.sum() if fit_intercept else np.zeros(n_samples)
    return G, c


def _solve(matrix, right):
    try:
        solution = np.linalg.solve(matrix, right)
    except np.linalg.LinAlgError:
        solution = None
    if solution is None or not np.all(np.isfinite(solution)):
        raise ValueError("the jackknife+ basis is not finite: the design is singular; add a ridge penalty.")
    return solution


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
    """⌊α(n+1)⌋ and ⌈(1−α)(n+1)⌉ (α = 1 − coverage), clipped to [1, n] with a warning."""
    high = clipped_rank(coverage, n_samples, method="jackknife+ ", fallback="the extreme leave-one-out predictions")
    return n_samples + 1 - high, high  # ⌊α(n+1)⌋ = n + 1 − ⌈(1−α)(n+1)⌉


def conformal_rank(coverage, n_samples):
    """⌈coverage·(n+1)⌉: the finite-sample conformal rank among n leave-one-out scores."""
    return _ceil(coverage * (n_samples + 1))


def clipped_rank(coverage, n_samples, *, method, fallback):
    """:func:`conformal_rank`, at most n: with fewer samples than the rank needs, a warning says what is used."""
    rank = conformal_rank(coverage, n_samples)
    if rank > n_samples:
        warn_at_caller(f"{n_samples} samples are too few for {coverage:.0%} {method}coverage (needs at least "
                       f"{minimum_samples(coverage)}); using {fallback}, so the coverage is not assured.", UserWarning)
    return min(rank, n_samples)


def minimum_samples(coverage):
    """The fewest samples whose conformal rank is at most n: ⌈coverage/(1 − coverage)⌉."""
    return _ceil(coverage / (1.0 - coverage))


def _ceil(value):
    # 0.1·20 is 1.9999999999999996 in floating point and 0.9/0.1 is 9.000000000000002: snap to the
    # integer the user meant, else the rank moves by one
    nearest = round(value)
    return nearest if abs(value - nearest) <= 1e-9 * max(1.0, abs(value)) else math.ceil(value)
