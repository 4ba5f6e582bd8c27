"""Plain NumPy/SciPy references that the kernels and drivers are tested against."""

import math

import numpy as np
import scipy.linalg


def augmented_gram(X, Y, w, shift_x, shift_y):
    Z = np.hstack([X.astype(np.float64) - shift_x, Y.astype(np.float64) - shift_y, np.ones((X.shape[0], 1))])
    weights = np.ones(X.shape[0]) if w is None or len(w) == 0 else w
    return (Z * weights[:, None]).T @ Z


def centered_normal_equations(X, Y, w=None):
    """Explicitly centred (copying) weighted normal equations: A, B, mean_x, mean_y."""
    X = X.astype(np.float64)
    Y = Y.astype(np.float64)
    w = np.ones(X.shape[0]) if w is None else w
    mean_x = np.average(X, axis=0, weights=w)
    mean_y = np.average(Y, axis=0, weights=w)
    Xc = X - mean_x
    Yc = Y - mean_y
    return (Xc * w[:, None]).T @ Xc, (Xc * w[:, None]).T @ Yc, mean_x, mean_y


def ridge_solve(A, B, alpha):
    return scipy.linalg.solve(A + alpha * np.eye(A.shape[0]), B, assume_a="pos")


def lstsq_fit(X, y, fit_intercept=True):
    """Minimum-norm least squares with intercept, via scipy.linalg.lstsq on centred data.

    The cutoff ``cond = max(n, p) · eps`` is scikit-learn's: SciPy's default
    (``eps``) keeps the rounding noise of a centred constant column as a
    direction and returns an arbitrary coefficient for it.
    """
    X = X.astype(np.float64)
    y = y.astype(np.float64)
    mean_x = X.mean(axis=0) if fit_intercept else np.zeros(X.shape[1])
    mean_y = y.mean(axis=0) if fit_intercept else np.zeros(y.shape[1:])
    cond = max(X.shape) * np.finfo(np.float64).eps
    coef = scipy.linalg.lstsq(X - mean_x, y - mean_y, cond=cond)[0]
    return coef, mean_y - mean_x @ coef


def loo_residuals_bruteforce(X, y, alpha, fit_intercept=True):
    """Leave-one-out residuals by n explicit ridge refits."""
    n = X.shape[0]
    out = np.empty(n)
    for i in range(n):
        keep = np.arange(n) != i
        Xi, yi = X[keep], y[keep]
        mx = Xi.mean(axis=0) if fit_intercept else np.zeros(X.shape[1])
        my = yi.mean() if fit_intercept else 0.0
        coef = ridge_solve((Xi - mx).T @ (Xi - mx), (Xi - mx).T @ (yi - my), alpha)
        out[i] = y[i] - (my + (X[i] - mx) @ coef)
    return out


def gradient_descent(X, y, learning_rate, n_iter, alpha=0.0, momentum=0.0, nesterov=False):
    """The tutorial's loop, on (w, b') with prediction b' + (x - x̄)·w; returns (w, b, losses)."""
    mean_x = X.mean(axis=0)
    Xc = X - mean_x
    n, p = X.shape
    theta = np.zeros(p + 1)
    velocity = np.zeros(p + 1)
    losses = []

    def gradient(t):
        r = Xc @ t[:p] + t[p] - y
        return np.r_[2 / n * Xc.T @ r + 2 * alpha * t[:p], 2 / n * r.sum()]

    for _ in range(n_iter):
        point = theta + momentum * velocity if nesterov else theta
        velocity = momentum * velocity - learning_rate * gradient(point)
        theta = theta + velocity
        r = Xc @ theta[:p] + theta[p] - y
        losses.append(np.mean(r**2) + alpha * theta[:p] @ theta[:p])
    return theta[:p], theta[p] - mean_x @ theta[:p], np.array(losses)


def internally_studentised(X, y):
    """Studentised residuals of OLS with intercept, from the explicit hat matrix."""
    Z = np.c_[np.ones(len(X)), X]
    H = Z @ np.linalg.pinv(Z.T @ Z) @ Z.T
    residual = y - H @ y
    s = np.sqrt(residual @ residual / (len(y) - Z.shape[1]))
    return residual / (s * np.sqrt(1 - np.diag(H)))


def pool(values, offsets, stats, weights=None, species=None, labels=None):
    """Loop-by-loop pooling reference for fastreg.descriptors.pool."""
    values = np.asarray(values, dtype=np.float64)
    weights = np.ones(len(values)) if weights is None else np.asarray(weights, dtype=np.float64)
    if species is None:
        species, labels = np.zeros(len(values), dtype=int), [0]
    elif labels is None:
        labels = sorted(set(np.asarray(species).tolist()))
    species = np.asarray(species)
    rows = []
    for s in range(len(offsets) - 1):
        block = slice(offsets[s], offsets[s + 1])
        row = []
        for label in labels:
            mask = species[block] == label
            v, w = values[block][mask], weights[block][mask]
            for stat in stats:
                if len(v) == 0:
                    row.append(np.zeros(values.shape[1]))
                    continue
                mean = (w[:, None] * v).sum(axis=0) / w.sum()
                if stat == "mean":
                    row.append(mean)
                elif stat == "sum":
                    row.append((w[:, None] * v).sum(axis=0))
                elif stat == "min":
                    row.append(v.min(axis=0))
                elif stat == "max":
                    row.append(v.max(axis=0))
                elif stat == "range":
                    row.append(v.max(axis=0) - v.min(axis=0))
                elif stat == "std":
                    row.append(np.sqrt((w[:, None] * (v - mean) ** 2).sum(axis=0) / w.sum()))
                else:
                    p = float(stat.split(":")[1])
                    row.append(((w[:, None] * np.abs(v) ** p).sum(axis=0) / w.sum()) ** (1 / p))
        rows.append(np.concatenate(row))
    return np.array(rows)


def kernel_ridge(X, Y, alpha, w=None, fit_intercept=True):
    """Ridge in the n×n form, the textbook way: coef = X̃ᵀ (X̃X̃ᵀ + αI)⁻¹ ỹ on explicit centred copies.

    ``alpha = 0`` gives the minimum-norm least-squares solution by ``scipy.linalg.lstsq``
    with scikit-learn's cutoff (see :func:`lstsq_fit`).
    Returns ``(coef (p, t), intercept (t,))``.
    """
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64).reshape(X.shape[0], -1)
    w = np.ones(X.shape[0]) if w is None else np.asarray(w, dtype=np.float64)
    mx = w @ X / w.sum() if fit_intercept else np.zeros(X.shape[1])
    my = w @ Y / w.sum() if fit_intercept else np.zeros(Y.shape[1])
    s = np.sqrt(w)[:, None]
    Xt, Yt = s * (X - mx), s * (Y - my)
    if alpha == 0:
        coef = scipy.linalg.lstsq(Xt, Yt, cond=max(X.shape) * np.finfo(np.float64).eps)[0]
    else:
        coef = Xt.T @ np.linalg.solve(Xt @ Xt.T + alpha * np.eye(X.shape[0]), Yt)
    return coef, my - mx @ coef


def jackknife_plus_bruteforce(X, y, X_new, alpha, coverage, w=None, fit_intercept=True):
    """Jackknife+ (Barber et al., 2021) by n explicit weighted ridge refits; (lower, upper) at X_new."""
    X, y, X_new = (np.asarray(a, dtype=np.float64) for a in (X, y, X_new))
    n = X.shape[0]
    w = np.ones(n) if w is None else np.asarray(w, dtype=np.float64)
    left_out = np.empty((len(X_new), n))
    residual = np.empty(n)
    for i in range(n):
        keep = np.arange(n) != i
        Xi, yi, wi = X[keep], y[keep], w[keep]
        mx = np.average(Xi, axis=0, weights=wi) if fit_intercept else np.zeros(X.shape[1])
        my = np.average(yi, weights=wi) if fit_intercept else 0.0
        Xc = Xi - mx
        coef = ridge_solve((Xc * wi[:, None]).T @ Xc, (Xc * wi[:, None]).T @ (yi - my), alpha)
        residual[i] = abs(y[i] - (my + (X[i] - mx) @ coef))
        left_out[:, i] = my + (X_new - mx) @ coef
    low = int(np.floor((1 - coverage) * (n + 1)))
    high = int(np.ceil(coverage * (n + 1)))
    return np.sort(left_out - residual, axis=1)[:, low - 1], np.sort(left_out + residual, axis=1)[:, high - 1]


def loo_residuals_lstsq(X, y, w, alpha, fit_intercept=True):
    """Leave-one-out residuals by n weighted refits, each by ``lstsq`` (minimum norm when singular)."""
    n, p = X.shape
    out = np.empty(n)
    for i in range(n):
        keep = np.arange(n) != i
        Xi, yi, wi = X[keep], y[keep], w[keep]
        mx = np.average(Xi, axis=0, weights=wi) if fit_intercept else np.zeros(p)
        my = np.average(yi, weights=wi) if fit_intercept else 0.0
        root = np.sqrt(wi)[:, None]
        A = np.vstack([root * (Xi - mx), np.sqrt(alpha) * np.eye(p)])
        b = np.concatenate([root[:, 0] * (yi - my), np.zeros(p)])
        coef = np.linalg.lstsq(A, b, rcond=None)[0]
        out[i] = y[i] - (my + (X[i] - mx) @ coef)
    return out


def ridge_hat(X, alpha):
    """diag(X_c (X_cᵀX_c + αI)⁺ X_cᵀ) and its trace (the ridge's effective degrees of freedom), by explicit inverse."""
    Xc = X - X.mean(axis=0)
    hat = Xc @ np.linalg.pinv(Xc.T @ Xc + alpha * np.eye(X.shape[1])) @ Xc.T
    return np.diag(hat).copy(), float(np.trace(hat))


def conformal_rank(coverage, n_samples):
    """⌈coverage·(n+1)⌉ in exact decimal arithmetic (coverage read as the decimal the user typed)."""
    from fractions import Fraction

    return math.ceil(Fraction(str(coverage)) * (n_samples + 1))
