"""Driver: validation scores of many ridge penalties from one factorisation.

Leave-one-out uses the eigendecomposition ``A = V Λ Vᵀ`` of the (centred)
Gram: with ``Q = (X - x̄) V`` the hat-matrix diagonal and the fitted values of
every penalty α are cheap sums over ``Q``, and the exact leave-one-out
residual is ``eᵢ / (1 - hᵢᵢ)`` — no refit per α. K-fold scores come from the
statistics alone: each fold's training statistics are the total minus the
held-out ones, and held-out errors are quadratic forms in the held-out ones.
"""

import numpy as np

from .memory import require_memory
from .sparse import centred_product, centred_rows, is_sparse

ROW_BLOCK = 4096  # rows of Q held at once: memory stays bounded for large n


def loo_residuals(X, Y, sample_weight, stats, alphas, fit_intercept, target_alpha=None):
    """Exact leave-one-out residuals ``yᵢ - ŷ₋ᵢ``, in one pass over X.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Input samples, one row per sample.
    Y : ndarray of shape (n_samples, n_targets)
        Target values, one column per target.
    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative weight of each sample; None weighs every sample 1.
    stats : SufficientStats of (X, Y, sample_weight)
        Sufficient statistics of the training rows (:class:`fastreg.SufficientStats`).
    alphas : ndarray of shape (n_alphas,)
        Penalties to try; None or an integer generates that many on a log grid.
    target_alpha : ndarray of int, shape (n_targets,), optional
        Pair target ``t`` with ``alphas[target_alpha[t]]`` only (a fitted
        model's own penalties) instead of crossing every α with every target.

    Returns
    -------
    residuals : ndarray of shape (n_samples, n_alphas, n_targets), or
        (n_samples, n_targets) with ``target_alpha``
    """
    A, B, _, x_offset, y_offset = stats.normal_equations(fit_intercept)
    eigenvalues, V = np.linalg.eigh(A)
    if eigenvalues[-1] > SVD_FROM_CONDITION * max(eigenvalues[0], 0.0):
        # the Gram's small eigenvalues carry an error of eps·λ_max: take them from X itself
        return _loo_residuals_svd(X, Y, sample_weight, x_offset, y_offset, alphas, fit_intercept,
                                  stats.sum_weights, target_alpha)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    with np.errstate(divide="ignore"):
        inverse = 1.0 / (eigenvalues[:, None] + alphas[None, :])  # (p, n_alphas)
    inverse[~np.isfinite(inverse)] = 0.0  # α = 0 on a null direction: minimum norm
    VtB = V.T @ B  # (p, n_targets)
    n_samples, n_targets = Y.shape
    if target_alpha is None:  # every (α, target) pair, in the eigenbasis: (p, n_alphas * n_targets)
        pairs = (np.repeat(np.arange(len(alphas)), n_targets), np.tile(np.arange(n_targets), len(alphas)))
        shape = (n_samples, len(alphas), n_targets)
    else:
        pairs = (np.asarray(target_alpha), np.arange(n_targets))
        shape = (n_samples, n_targets)
    C = inverse[:, pairs[0]] * VtB[:, pairs[1]]
    out = np.empty(shape)
    for start in range(0, n_samples, ROW_BLOCK):
        rows = slice(start, start + ROW_BLOCK)
        Q = centred_product(*centred_rows(X[rows], x_offset), V)
        weight = 1.0 if sample_weight is None else sample_weight[rows, None]
        leverage = (Q * Q) @ inverse * weight  # (rows, n_alphas)
        if fit_intercept:
            leverage += weight / stats.sum_weights
        residual = (Y[rows] - y_offset)[:, pairs[1]] - Q @ C
        out[rows] = (residual / (1.0 - leverage[:, pairs[0]])).reshape((-1,) + shape[1:])
    return out


SVD_FROM_CONDITION = 1e8  # cond(A) beyond which leave-one-out residuals come from a thin SVD of X


def _loo_residuals_svd(X, Y, sample_weight, x_offset, y_offset, alphas, fit_intercept, sum_weights, target_alpha):
    """:func:`loo_residuals` from the thin SVD of the centred, weighted X (ill-conditioned designs).

    Singular values are accurate to eps·σ_max, not eps·σ_max², so the hat
    diagonal keeps its digits where the Gram's eigenvalues would not.
    """
    n_samples, n_targets = Y.shape
    require_memory(3 * 8 * X.shape[0] * X.shape[1], "a thin SVD of X for exact leave-one-out residuals of an "
                   "ill-conditioned design", "Standardise or decorrelate the features, or use RidgeCV(cv=k).")
    root = np.ones(n_samples) if sample_weight is None else np.sqrt(sample_weight)
    dense = X.toarray() if is_sparse(X) else X  # this fallback needs the dense centred X
    U, sigma, _ = np.linalg.svd(root[:, None] * (dense - x_offset), full_matrices=False)
    squared = sigma**2
    keep = squared > squared[0] * 10 * np.finfo(np.float64).eps * max(X.shape[1], 1) if squared.size else squared > 0
    Ytilde = root[:, None] * (Y - y_offset)
    UtY = U.T @ Ytilde
    if target_alpha is None:
        pairs = (np.repeat(np.arange(len(alphas)), n_targets), np.tile(np.arange(n_targets), len(alphas)))
        shape = (n_samples, len(alphas), n_targets)
    else:
        pairs = (np.asarray(target_alpha), np.arange(n_targets))
        shape = (n_samples, n_targets)
    with np.errstate(divide="ignore", invalid="ignore"):
        shrink = np.where(keep[:, None], squared[:, None] / (squared[:, None] + alphas[None, :]), 0.0)
    leverage = (U * U) @ shrink  # (n, n_alphas), in the weighted problem
    if fit_intercept:
        leverage += (root**2 / sum_weights)[:, None]
    fitted = U @ (shrink[:, pairs[0]] * UtY[:, pairs[1]])  # weighted fitted values, (n, pairs)
    residual = (Ytilde[:, pairs[1]] - fitted) / np.where(root > 0, root, 1.0)[:, None]
    return (residual / (1.0 - leverage[:, pairs[0]])).reshape(shape)


def loo_mean_squared_errors(residuals, sample_weight):
    """Mean (weighted) squared LOO error per α and target, as scikit-learn's RidgeCV."""
    squared = residuals * residuals
    if sample_weight is not None:
        squared *= sample_weight[:, None, None]
    return squared.mean(axis=0)


def kfold_r2(stats, helds, alphas, fit_intercept):
    """Held-out R² (averaged over targets) per fold and α, shape (n_folds, n_alphas).

    ``helds`` are the folds' held-out statistics (:func:`fastreg.stats.fold_statistics`),
    with sample weights, as scikit-learn's ``RidgeCV(cv=k)`` weights both the
    training fit and the held-out R².
    """
    scores = []
    for held in helds:
        train = stats - held
        A, B, _, x_offset, y_offset = train.normal_equations(fit_intercept)
        eigenvalues, V = np.linalg.eigh(A)
        eigenvalues = np.clip(eigenvalues, 0.0, None)
        VtB = V.T @ B
        fold = []
        for alpha in alphas:
            coef = V @ (VtB / (eigenvalues + alpha)[:, None])  # (p, n_targets)
            fold.append(_held_out_r2(held, coef, x_offset, y_offset))
        scores.append(fold)
    return np.asarray(scores)


def held_out_sse(held, coef, x_offset, y_offset, target=None):
    """Weighted sum of squared errors on held-out rows from their statistics.

    Column ``m`` of ``coef`` (n_features, n_columns) with the offsets defines
    the model ``ŷ = y_offset + (x - x_offset)·coef[:, m]`` for target ``m`` —
    or, with ``target`` given, for that one target (e.g. a path of models).
    ``held`` shares the training shift. Returns shape (n_columns,).
    """
    if target is None:
        yty, xty, y_sum, shift_y = np.diag(held.yty), held.xty, held.y_sum, held.shift_y
    else:
        yty, xty, y_sum, shift_y = held.yty[target, target], held.xty[:, [target]], held.y_sum[target], held.shift_y[target]
        y_offset = y_offset[target]
    # residual = v - u·coef - k, with u, v the shifted data and k a per-column constant
    k = (y_offset - shift_y) - (x_offset - held.shift_x) @ coef
    xty_c = np.sum(coef * xty, axis=0)
    quad = np.sum(coef * (held.xtx @ coef), axis=0)
    linear = y_sum - held.x_sum @ coef
    return yty - 2 * xty_c + quad - 2 * k * linear + k * k * held.sum_weights


def _held_out_r2(held, coef, x_offset, y_offset):
    """R² on held-out rows (averaged over targets) from their statistics."""
    sse = held_out_sse(held, coef, x_offset, y_offset)
    return mean_r2(sse, np.diag(held.yty) - held.y_sum**2 / held.sum_weights, held.n_samples)


def mean_r2(sse, sst, n_held):
    """R² = 1 - SSE/SST averaged over targets, scikit-learn's conventions: NaN for fewer than two
    held-out samples (undefined), 1 or 0 for a constant target."""
    if n_held < 2:
        return np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(sst > 0, 1.0 - sse / sst, np.where(sse <= 0, 1.0, 0.0))
    return float(np.mean(r2))
