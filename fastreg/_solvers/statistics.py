"""Sufficient statistics of a (weighted) least-squares problem, the spine of fastreg.

Every exact solver needs only ``XᵀWX, XᵀWy, ΣWx, ΣWy, yᵀWy`` and ``ΣW``.
:func:`sufficient_stats` computes them in one parallel pass over X
(:mod:`fastreg._kernels.gram`), and :class:`SufficientStats` turns them into the
normal equations with or without an intercept.

The statistics are kept *about a shift* (a pilot mean taken from the first
rows) rather than about zero: centring then subtracts a small rank-one term
instead of two large ones, so data with a large mean lose no digits. Two
sets with the same shift add up exactly, which is what chunked
(``partial_fit``), cross-validated and distributed fits rely on.
"""

from dataclasses import dataclass

import numpy as np

from .._kernels.gram import augmented_gram
from .._kernels.jit import n_threads
from .memory import require_memory
from .products import add_gram
from .sparse import is_sparse, sparse_statistics

PILOT_ROWS = 64  # rows averaged for the shift
# From this width on, numpy's BLAS (gemm on shifted row blocks) beats the register-tiled
# numba kernel on 2 cores: measured 23 vs 48 ms at 10,000x300, 3.4x slower at 200,000x100.
BLAS_MIN_FEATURES = 256
BLAS_BLOCK_BYTES = 64 << 20  # shifted copy of one row block: bounded memory, large enough for BLAS


@dataclass(frozen=True)
class SufficientStats:
    """Weighted sums about ``(shift_x, shift_y)``; all arrays are float64.

    Made by :func:`fastreg.sufficient_stats`; they add (``+``) and subtract
    (``-``) across chunks and folds.

    Parameters
    ----------
    n_samples : int
        Number of rows seen.
    sum_weights : float
        ΣW (equals ``n_samples`` without sample weights).
    shift_x : ndarray of shape (n_features,)
        The shift of the features (a pilot mean).
    shift_y : ndarray of shape (n_targets,)
        The shift of the targets.
    xtx : ndarray of shape (n_features, n_features)
        Σ wᵢ (xᵢ - shift_x)(xᵢ - shift_x)ᵀ.
    xty : ndarray of shape (n_features, n_targets)
        Σ wᵢ (xᵢ - shift_x)(yᵢ - shift_y)ᵀ.
    x_sum : ndarray of shape (n_features,)
        Σ wᵢ (xᵢ - shift_x).
    y_sum : ndarray of shape (n_targets,)
        Σ wᵢ (yᵢ - shift_y).
    yty : ndarray of shape (n_targets, n_targets)
        Σ wᵢ (yᵢ - shift_y)(yᵢ - shift_y)ᵀ.
    """

    n_samples: int
    sum_weights: float
    shift_x: np.ndarray
    shift_y: np.ndarray
    xtx: np.ndarray
    xty: np.ndarray
    x_sum: np.ndarray
    y_sum: np.ndarray
    yty: np.ndarray

    @property
    def n_features(self):
        """Number of features."""
        return self.shift_x.shape[0]

    @property
    def n_targets(self):
        """Number of targets."""
        return self.shift_y.shape[0]

    @property
    def mean_x(self):
        """Weighted mean of the features."""
        return self.shift_x + self.x_sum / self.sum_weights

    @property
    def mean_y(self):
        """Weighted mean of the targets."""
        return self.shift_y + self.y_sum / self.sum_weights

    def is_finite(self):
        """Whether every sum is finite (NaN or inf in the data reaches them).

        Returns
        -------
        finite : bool
            False when X, y or the weights held NaN/inf, or the sums overflowed.
        """
        return bool(
            np.isfinite(self.sum_weights)
            and np.isfinite(self.xtx).all()
            and np.isfinite(self.xty).all()
            and np.isfinite(self.yty).all()
        )

    def shifted(self, shift_x, shift_y):
        """Re-express the statistics about another shift (exact algebra, no data).

        Parameters
        ----------
        shift_x : array-like of shape (n_features,)
            The new feature shift.
        shift_y : array-like of shape (n_targets,)
            The new target shift.

        Returns
        -------
        stats : SufficientStats
            The same sums about the new shifts.
        """
        dx = self.shift_x - shift_x
        dy = self.shift_y - shift_y
        sw = self.sum_weights
        return SufficientStats(
            n_samples=self.n_samples,
            sum_weights=sw,
            shift_x=np.array(shift_x, dtype=np.float64),
            shift_y=np.array(shift_y, dtype=np.float64),
            xtx=self.xtx + np.outer(self.x_sum, dx) + np.outer(dx, self.x_sum) + sw * np.outer(dx, dx),
            xty=self.xty + np.outer(self.x_sum, dy) + np.outer(dx, self.y_sum) + sw * np.outer(dx, dy),
            x_sum=self.x_sum + sw * dx,
            y_sum=self.y_sum + sw * dy,
            yty=self.yty + np.outer(self.y_sum, dy) + np.outer(dy, self.y_sum) + sw * np.outer(dy, dy),
        )

    def _combine(self, other, sign):
        if (self.n_features, self.n_targets) != (other.n_features, other.n_targets):
            raise ValueError(
                f"Cannot combine statistics of {other.n_features} features/{other.n_targets} "
                f"targets with {self.n_features} features/{self.n_targets} targets."
            )
        if not (np.array_equal(self.shift_x, other.shift_x) and np.array_equal(self.shift_y, other.shift_y)):
            other = other.shifted(self.shift_x, self.shift_y)
        return SufficientStats(
            n_samples=self.n_samples + sign * other.n_samples,
            sum_weights=self.sum_weights + sign * other.sum_weights,
            shift_x=self.shift_x,
            shift_y=self.shift_y,
            xtx=self.xtx + sign * other.xtx,
            xty=self.xty + sign * other.xty,
            x_sum=self.x_sum + sign * other.x_sum,
            y_sum=self.y_sum + sign * other.y_sum,
            yty=self.yty + sign * other.yty,
        )

    def __add__(self, other):
        """Statistics of the union of two disjoint row sets."""
        return self._combine(other, +1)

    def __sub__(self, other):
        """Statistics with the rows of ``other`` (a subset) removed, e.g. a CV fold."""
        return self._combine(other, -1)

    def normal_equations(self, fit_intercept):
        """Return ``(A, B, yy, x_offset, y_offset)`` of the least-squares problem.

        With an intercept, ``A`` is the centred XᵀWX, obtained from the stored
        sums by a rank-one correction; without, the statistics about zero.
        ``yy`` is the matching yᵀWy, so the residual sum of squares at ``coef``
        is ``yy - 2 coefᵀB + coefᵀA coef``.

        Parameters
        ----------
        fit_intercept : bool
            Centre on the weighted means (True) or take the sums about zero.

        Returns
        -------
        A : ndarray of shape (n_features, n_features)
            The XᵀWX matrix, centred with an intercept.
        B : ndarray of shape (n_features, n_targets)
            The XᵀWy matrix, likewise.
        yy : ndarray of shape (n_targets, n_targets)
            The yᵀWy matrix, likewise.
        x_offset : ndarray of shape (n_features,)
            The feature means (zeros without an intercept).
        y_offset : ndarray of shape (n_targets,)
            The target means (zeros without an intercept).
        """
        if fit_intercept:
            sw = self.sum_weights
            A = self.xtx - np.outer(self.x_sum, self.x_sum) / sw
            B = self.xty - np.outer(self.x_sum, self.y_sum) / sw
            yy = self.yty - np.outer(self.y_sum, self.y_sum) / sw
            return A, B, yy, self.mean_x, self.mean_y
        zero = self.shifted(np.zeros(self.n_features), np.zeros(self.n_targets))
        return zero.xtx, zero.xty, zero.yty, np.zeros(self.n_features), np.zeros(self.n_targets)


def pilot_shift(X, Y):
    """Column means of the first rows: a cheap shift close to the data's centre (zero for sparse X)."""
    rows = min(X.shape[0], PILOT_ROWS)
    shift_x = np.zeros(X.shape[1]) if is_sparse(X) else X[:rows].mean(axis=0, dtype=np.float64)
    return shift_x, Y[:rows].mean(axis=0, dtype=np.float64)


def sufficient_stats(X, Y, sample_weight=None, *, shift=None, n_chunks=None):
    """Compute :class:`SufficientStats` of ``(X, Y)`` in one parallel pass.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features), float32 or float64
        Read once, never copied or modified (a sparse X is summed about zero,
        then re-expressed about ``shift`` on the statistics).
    Y : ndarray of shape (n_samples, n_targets)
        Target values, one column per target.
    sample_weight : ndarray of shape (n_samples,), float64, or None
        Non-negative weight of each sample; None weighs every sample 1.
    shift : tuple of two ndarrays or None
        ``(shift_x, shift_y)``; by default the pilot mean of the first rows.
        Pass the shift of earlier statistics to make the two add directly.
    n_chunks : int or None
        Parallel row ranges; defaults to numba's thread count.

    Returns
    -------
    stats : SufficientStats
        The sums, in float64.
    """
    n_features = X.shape[1]
    side = n_features + Y.shape[1] + 1
    require_memory(
        3 * 8 * side * side, f"the {n_features:,} × {n_features:,} sufficient statistics",
        "LinearRegression, Ridge, RidgeCV and BayesianRidge.fit take the n×n (dual) form when there are fewer "
        "samples than features and need no such matrix; Lasso/ElasticNet with precompute=False "
        "need none either. partial_fit, cross-validation folds from statistics and Gram-mode "
        "solvers do: reduce the number of features.")
    if shift is None:
        shift = pilot_shift(X, Y)
    shift_x = np.ascontiguousarray(shift[0], dtype=np.float64)
    shift_y = np.ascontiguousarray(shift[1], dtype=np.float64)
    # Y is small next to X: one float64 layout keeps the kernel's specialisations few.
    Y = np.ascontiguousarray(Y, dtype=np.float64)
    if is_sparse(X):
        n, sw, xtx, xty, x_sum, y_sum, yty = sparse_statistics(X, Y, sample_weight, shift_y)
        about_zero = SufficientStats(n_samples=n, sum_weights=sw, shift_x=np.zeros(n_features), shift_y=shift_y,
                                     xtx=xtx, xty=xty, x_sum=x_sum, y_sum=y_sum, yty=yty)
        return about_zero if not shift_x.any() else about_zero.shifted(shift_x, shift_y)
    if X.shape[1] >= BLAS_MIN_FEATURES:
        G = _augmented_gram_blas(X, Y, sample_weight, shift_x, shift_y)
    else:
        weights = np.empty(0) if sample_weight is None else sample_weight
        G = augmented_gram(X, Y, weights, shift_x, shift_y, n_chunks or n_threads())
    p = X.shape[1]
    q = p + Y.shape[1]
    return SufficientStats(
        n_samples=X.shape[0],
        sum_weights=float(G[q, q]),
        shift_x=shift_x,
        shift_y=shift_y,
        xtx=G[:p, :p].copy(),
        xty=G[:p, p:q].copy(),
        x_sum=G[:p, q].copy(),
        y_sum=G[p:q, q].copy(),
        yty=G[p:q, p:q].copy(),
    )


def _augmented_gram_blas(X, Y, sample_weight, shift_x, shift_y):
    """The same augmented Gram as :func:`fastreg._kernels.gram.augmented_gram`, by numpy's BLAS
    on shifted copies of row blocks (wide data, where BLAS is faster)."""
    n_samples, p = X.shape
    q = p + Y.shape[1]
    G = np.zeros((q + 1, q + 1))
    rows = max(64, BLAS_BLOCK_BYTES // (8 * (q + 1)))
    Z = np.empty((min(rows, n_samples), q + 1))
    for start in range(0, n_samples, rows):
        stop = min(start + rows, n_samples)
        block = Z[: stop - start]
        np.subtract(X[start:stop], shift_x, out=block[:, :p])
        np.subtract(Y[start:stop], shift_y, out=block[:, p:q])
        block[:, q] = 1.0
        if sample_weight is None:
            add_gram(block, G)  # SYRK where it is safe, GEMM panels beyond
        else:
            G += (block * sample_weight[start:stop, None]).T @ block  # two buffers: GEMM
    return G


def fold_statistics(X, Y, sample_weight, splits):
    """Every fold's held-out statistics, all about one shift, and the total.

    When the test folds partition the rows (KFold and its kin) the total is
    their sum, so X is read once; otherwise one more pass gives the total.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Input samples, one row per sample.
    Y : ndarray of shape (n_samples, n_targets)
        Target values, one column per target.
    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative weight of each sample; None weighs every sample 1.
    splits : list of (train, test) index arrays
        The folds, as a scikit-learn splitter yields them.

    Returns
    -------
    total : SufficientStats
        Statistics of all rows.
    helds : list of SufficientStats
        Statistics of each split's test rows, about the total's shift.
    """
    Y = np.ascontiguousarray(Y, dtype=np.float64)
    shift = pilot_shift(X, Y)
    tests = [np.asarray(test) for _, test in splits]
    helds = [sufficient_stats(X[test], Y[test], None if sample_weight is None else sample_weight[test], shift=shift)
             for test in tests]
    counts = np.bincount(np.concatenate(tests), minlength=X.shape[0]) if tests else None
    if tests and counts.shape[0] == X.shape[0] and np.all(counts == 1):
        total = helds[0]
        for held in helds[1:]:
            total = total + held
    else:
        total = sufficient_stats(X, Y, sample_weight, shift=shift)
    return total, helds
