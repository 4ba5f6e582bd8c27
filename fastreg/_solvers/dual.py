"""Driver: (ridge) least squares in the n×n (dual, kernel) form, for fewer samples than features.

With the centred, weighted design X̃ = D(X - x̄) (D = diag √w) and the kernel
K = X̃X̃ᵀ, the ridge solution is ``coef = X̃ᵀ (K + αI)⁻¹ D(Y - ȳ)``: the p×p
Gram is never formed. One eigendecomposition ``K = U S Uᵀ`` serves every α,
the minimum-norm OLS solution (α = 0, with the primal path's rank cutoff) and
the exact leave-one-out residuals. X is read in column blocks that are
centred on the fly (the data can carry large offsets), so memory is X plus a
few n×n matrices.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .._kernels.cholesky import factor_scaled, solve_factored
from ..exceptions import RankDeficiencyWarning, warn_at_caller
from .memory import require_memory
from .normal_equations import EIGEN_RCOND, rank_message
from .products import add_gram
from .ridge_scores import mean_r2
from .sparse import centred_transpose_product, column_means, is_sparse, row_kernel

COLUMN_BLOCK_BYTES = 32 << 20  # a centred float64 copy of this many bytes of columns at a time


def prefer_dual(n_samples, n_features, fit_intercept):
    """Whether to solve in the n×n form.

    It costs n²p + n³ against np² + p³, so it is cheaper exactly when n < p. At
    n = p with an intercept the centred design has rank n - 1 < p: the primal
    Cholesky may then succeed on a numerically singular Gram and return garbage,
    while the kernel's eigenvalues show the missing direction.
    """
    return n_samples - int(bool(fit_intercept)) < n_features


@dataclass
class DualProblem:
    """The kernel of a least-squares problem and its eigendecomposition (float64).

    Attributes
    ----------
    gram : ndarray of shape (n_samples, n_samples)
        (X - x̄)(X - x̄)ᵀ, unweighted (x̄ = 0 without intercept).
    sqrt_w : ndarray of shape (n_samples,)
    Yc : ndarray of shape (n_samples, n_targets)
        Y - ȳ (unweighted rows).
    eigenvalues, eigenvectors : the decomposition of K = D gram D, eigenvalues
        clipped at 0; computed on first use (a single penalised fit needs only a Cholesky factor).
    by_correction : bool
        Whether products with X - x̄ may use X and a rank-one correction (see :func:`centred_gram`).
    """

    gram: np.ndarray
    sqrt_w: np.ndarray
    Yc: np.ndarray
    x_offset: np.ndarray
    y_offset: np.ndarray
    sum_weights: float
    n_features: int
    fit_intercept: bool
    by_correction: bool = False

    @property
    def eigenvalues(self):
        self._decompose()
        return self._eigenvalues

    @property
    def eigenvectors(self):
        self._decompose()
        return self._eigenvectors

    def _decompose(self):
        if not hasattr(self, "_eigenvalues"):
            eigenvalues, self._eigenvectors = np.linalg.eigh(self.kernel)
            self._eigenvalues = np.clip(eigenvalues, 0.0, None)

    @property
    def n_samples(self):
        return self.gram.shape[0]

    @property
    def kernel(self):
        if np.all(self.sqrt_w == 1.0):
            return self.gram
        return self.sqrt_w[:, None] * self.gram * self.sqrt_w[None, :]

    def inverse_spectrum(self, alpha, *, warn=True):
        """``1/(s + α)`` on the kept directions, 0 on those below the rank cutoff.

        The cutoff is the primal path's: ``(s + α) ≤ max(s + α) · 10 eps · n_features``.
        Warns :class:`RankDeficiencyWarning` for OLS with fewer samples than
        features (always rank deficient) and whenever a penalised system loses a direction.
        """
        shifted = self.eigenvalues + alpha
        keep = shifted > max(shifted.max(), 0.0) * EIGEN_RCOND * max(self.n_features, 1)
        rank = int(keep.sum())
        full_rank = min(self.n_samples - int(self.fit_intercept), self.n_features)
        if alpha == 0 and rank < self.n_features:
            # the intercept's direction (√w) is null by construction, not a deficiency
            why = (f"there are {self.n_samples} samples for {self.n_features} features"
                   + (" and an intercept" if self.fit_intercept else ""))
            if rank < full_rank:
                why += f", and the samples span only {rank} directions (duplicated or collinear rows)"
            if warn:
                warn_at_caller(rank_message(self.n_features, rank, why), RankDeficiencyWarning)
        elif alpha > 0 and not keep.all() and warn:
            why = f"alpha = {alpha:g} is below the numerical precision of the kernel (largest eigenvalue {shifted.max():.3g})"
            warn_at_caller(rank_message(self.n_features, min(rank, self.n_features), why),
                           RankDeficiencyWarning)
        inverse = np.zeros_like(shifted)
        inverse[keep] = 1.0 / shifted[keep]
        return inverse

    def dual_coef(self, alphas, *, warn=True):
        """Sample-space coefficients ``a`` per target (n_samples, n_targets): coef = X̃ᵀ a.

        A penalised system is solved by Cholesky of K + αI (the kernel fastreg's
        primal path uses); α = 0, or a factorisation that fails, goes to the
        eigendecomposition with its rank cutoff.
        """
        n_samples, n_targets = self.Yc.shape
        a = np.empty((n_samples, n_targets))
        rhs = self.sqrt_w[:, None] * self.Yc
        kernel = None
        for value in np.unique(alphas):
            columns = np.flatnonzero(alphas == value)
            if value > 0 and not hasattr(self, "_eigenvalues"):
                kernel = self.kernel if kernel is None else kernel
                factor, scale = np.zeros_like(kernel), np.empty(n_samples)
                if factor_scaled(kernel, value, factor, scale) < 0:
                    out = np.empty((n_samples, columns.size))
                    solve_factored(factor, scale, np.ascontiguousarray(rhs[:, columns]), out)
                    a[:, columns] = out
                    continue
            UtY = self.eigenvectors.T @ rhs[:, columns]
            a[:, columns] = self.eigenvectors @ (self.inverse_spectrum(value, warn=warn)[:, None] * UtY)
        return a

    def fitted(self, a):
        """In-sample (ŷ - ȳ) for sample-space coefficients a: gram · D a (exact for zero weights too)."""
        return self.gram @ (self.sqrt_w[:, None] * a)

    def row_space(self, X):
        """``(s, U, V)`` of the kept directions: K's eigenvalues s and eigenvectors U, and the
        orthonormal row-space basis V = X̃ᵀU/√s of shape (n_features, rank), one more pass over X."""
        s = self.eigenvalues
        kept = s > s[-1] * EIGEN_RCOND * max(self.n_features, 1)
        U = self.eigenvectors[:, kept]
        return s[kept], U, primal_coef(X, self, U / np.sqrt(s[kept]))

    def _inverse_spectra(self, alphas):
        return np.stack([self.inverse_spectrum(alpha, warn=False) for alpha in alphas], axis=1)  # (n, n_alphas)

    def hat_diagonals(self, alphas):
        """Diagonal of the hat matrix for each penalty, the intercept's share included: (n_samples, n_alphas)."""
        leverage = (self.eigenvectors * self.eigenvectors) @ (self.eigenvalues[:, None] * self._inverse_spectra(alphas))
        if self.fit_intercept:
            leverage += (self.sqrt_w**2 / self.sum_weights)[:, None]
        return leverage

    def hat_diagonal(self, alpha):
        return self.hat_diagonals([alpha])[:, 0]

    def loo_residuals_grid(self, alphas, columns=slice(None)):
        """Exact leave-one-out residuals of every (α, target) pair: (n_samples, n_alphas, n_targets).

        As ``cᵢ / [(K + αI)⁻¹]ᵢᵢ`` with ``c = (K + αI)⁻¹ D(y - ȳ)``, in the
        eigenbasis of K without the intercept's direction: numerator and
        denominator are both computed directly, so nothing cancels when the
        fit nearly interpolates (``eᵢ / (1 - hᵢᵢ)`` loses the digits of 1 - hᵢᵢ
        there). All pairs at once: two n×n products with n_alphas · n_targets
        columns (the targets ``columns`` only, if given).
        """
        Yc = self.Yc[:, columns]
        n_samples, n_targets = Yc.shape
        s, U = self._loo_basis()
        UtY = U.T @ (self.sqrt_w[:, None] * Yc)
        alphas = np.asarray(alphas, dtype=np.float64)
        with np.errstate(divide="ignore"):
            q = np.where(alphas[None, :] > 0, 1.0 / (s[:, None] + alphas[None, :]), 0.0)  # (n directions, n_alphas)
        numerator, denominator = _loo_ratio(U, UtY, q)
        if (alphas == 0).any():
            numerator[:, alphas == 0], denominator[:, alphas == 0] = self._loo_ratio_at_zero(s, U, UtY)
        weighted = self.sqrt_w > 0
        out = np.empty((n_samples, len(alphas), n_targets))
        out[weighted] = numerator[weighted] / (denominator[weighted, :, None] * self.sqrt_w[weighted, None, None])
        if not weighted.all():  # a zero-weight sample has no influence: its LOO residual is its residual
            V = self.eigenvectors
            spectra = self._inverse_spectra(alphas)[:, :, None] * (V.T @ (self.sqrt_w[:, None] * Yc))[:, None, :]
            fitted = self.fitted(V @ spectra.reshape(n_samples, -1))[~weighted]
            out[~weighted] = Yc[~weighted, None, :] - fitted.reshape(-1, len(alphas), n_targets)
        return out

    def _loo_basis(self):
        """K's eigenpairs without the intercept's direction v = √w/‖√w‖ (cached).

        K's null space holds v, and also a direction per zero-weight sample or
        repeated row; its eigenvectors are any rotation of that space. So the
        null space is rebuilt as an orthonormal basis of its part orthogonal
        to v, exactly, instead of dropping the one eigenvector closest to v.
        """
        if not hasattr(self, "_loo_pairs"):
            s, U = self.eigenvalues, self.eigenvectors
            if self.fit_intercept:
                v = self.sqrt_w / np.linalg.norm(self.sqrt_w)
                null = ~(s > s[-1] * EIGEN_RCOND * max(self.n_features, 1))
                null[np.argmax(np.abs(U.T @ v))] = True  # v's own direction, whatever its rounding
                B = U[:, null] - np.outer(v, v @ U[:, null])
                left, singular, _ = np.linalg.svd(B, full_matrices=False)
                rest = left[:, singular > 0.5]  # the unit singular values; v's is ~0
                s = np.concatenate([s[~null], np.zeros(rest.shape[1])])
                U = np.hstack([U[:, ~null], rest])
            self._loo_pairs = (s, U)
        return self._loo_pairs

    def _loo_ratio_at_zero(self, s, U, UtY):
        """The α → 0 limit of :func:`_loo_ratio`, row by row: where a row has a share of the null space
        (repeated rows, rank-deficient data) those directions dominate; elsewhere 1/s (interpolation)."""
        kept = s > max(s.max(initial=0.0), 0.0) * EIGEN_RCOND * max(self.n_features, 1)
        null_numerator, null_denominator = _loo_ratio(U, UtY, (~kept).astype(np.float64)[:, None])
        inverse = np.where(kept, 1.0 / np.where(kept, s, 1.0), 0.0)
        kept_numerator, kept_denominator = _loo_ratio(U, UtY, inverse[:, None])
        in_null = null_denominator > 1e-10  # the row's squared share of the null space
        numerator = np.where(in_null[:, :, None], null_numerator, kept_numerator)
        return numerator, np.where(in_null, null_denominator, kept_denominator)  # (n, 1, n_targets), (n, 1)

    def loo_residuals(self, alphas_by_target):
        """Exact leave-one-out residuals, target t at penalty ``alphas_by_target[t]``: (n_samples, n_targets)."""
        out = np.empty_like(self.Yc)
        for value in np.unique(alphas_by_target):
            columns = np.flatnonzero(alphas_by_target == value)
            out[:, columns] = self.loo_residuals_grid([value], columns)[:, 0, :]
        return out


class CentredGram(NamedTuple):
    gram: np.ndarray  # (X - x̄)(X - x̄)ᵀ
    x_offset: np.ndarray
    by_correction: bool  # whether it came from X itself and a rank-one correction


def centred_gram(X, weights, fit_intercept):
    """:class:`CentredGram` ``(gram, x_offset, by_correction)``: (X - x̄)(X - x̄)ᵀ in float64.

    float64 X whose column means are small next to its spread (standardised
    features, or no intercept) goes to one SYRK of X itself and is centred by
    a rank-one correction, which then loses no digits; otherwise X is read in
    column blocks that are centred, in float64, before the product.
    """
    n_samples, n_features = X.shape
    require_memory(3 * 8 * n_samples**2, f"the {n_samples:,} × {n_samples:,} kernel and its eigenvectors",
                   "Use fewer samples per fit, or an iterative solver (Lasso, GradientDescentRegressor).")
    x_offset = weighted_column_means(X, weights) if fit_intercept else np.zeros(n_features)
    with np.errstate(over="ignore", invalid="ignore"):  # non-finite sums are reported by the caller
        if is_sparse(X) or centres_by_correction(X, x_offset):
            gram = row_kernel(X) if is_sparse(X) else add_gram(X.T, np.zeros((n_samples, n_samples)))
            if not fit_intercept:
                return CentredGram(gram, x_offset, True)
            raw_trace = np.trace(gram)
            u = X @ x_offset
            gram -= u[:, None]
            gram -= u[None, :]
            gram += x_offset @ x_offset
            if is_sparse(X) or not np.trace(gram) < 0.5 * raw_trace:  # the mean did not dominate: no digits lost
                return CentredGram(gram, x_offset, True)  # (sparse X is always centred so, as scikit-learn does)
        gram = np.zeros((n_samples, n_samples))
        for columns in column_blocks(n_samples, n_features):
            block = np.subtract(X[:, columns], x_offset[columns], dtype=np.float64)
            add_gram(block.T, gram)
    return CentredGram(gram, x_offset, False)


def centres_by_correction(X, x_offset, pilot_rows=64):
    """Whether (X - x̄) products may be formed from X and a rank-one correction.

    Only for float64 X (float32 is accumulated from float64 copies) whose
    column means carry at most a quarter of the energy of the first rows.
    """
    if X.dtype != np.float64:
        return False
    pilot = X[:pilot_rows]
    with np.errstate(over="ignore", invalid="ignore"):
        flat = pilot.ravel(order="K")  # a view for C or F order
        energy = (flat @ flat) / pilot.shape[0]
        return bool(x_offset @ x_offset <= 0.25 * energy)


def dual_problem(X, Y, weights, fit_intercept, centred=None):
    """The kernel problem of (X, Y, weights); ``centred`` may be given (from :func:`centred_gram`)."""
    gram, x_offset, by_correction = centred if centred is not None else centred_gram(X, weights, fit_intercept)
    n_samples = X.shape[0]
    w = np.ones(n_samples) if weights is None else weights
    sum_weights = float(w.sum())
    y_offset = (w @ Y) / sum_weights if fit_intercept else np.zeros(Y.shape[1])
    return DualProblem(gram=gram, sqrt_w=np.sqrt(w), Yc=Y - y_offset, x_offset=x_offset, y_offset=y_offset,
                       sum_weights=sum_weights, n_features=X.shape[1], fit_intercept=fit_intercept,
                       by_correction=by_correction)


def primal_coef(X, problem, a):
    """``coef = (X - x̄)ᵀ D a`` (n_features, n_targets), a second pass over X in centred column blocks."""
    n_samples, n_features = X.shape
    weighted = problem.sqrt_w[:, None] * a
    if problem.by_correction:  # the same route as the kernel: means small next to the spread
        return centred_transpose_product(X, problem.x_offset, weighted)
    coef = np.empty((n_features, a.shape[1]))
    for columns in column_blocks(n_samples, n_features):
        block = np.subtract(X[:, columns], problem.x_offset[columns], dtype=np.float64)
        coef[columns] = block.T @ weighted
    return coef


def _loo_ratio(U, UtY, q):
    """``(U diag(q) Uᵀ ỹ, diag(U diag(q) Uᵀ))`` per column of q: (n, n_q, n_targets) and (n, n_q)."""
    n_samples = U.shape[0]
    numerator = U @ (q[:, :, None] * UtY[:, None, :]).reshape(U.shape[1], -1)
    return numerator.reshape(n_samples, q.shape[1], UtY.shape[1]), (U * U) @ q


def column_blocks(n_samples, n_features):
    width = max(1, COLUMN_BLOCK_BYTES // (8 * max(n_samples, 1)))
    return [slice(start, min(start + width, n_features)) for start in range(0, n_features, width)]


def weighted_column_means(X, weights):
    """Σ wᵢ xᵢ / Σ wᵢ in float64, by column blocks (float32 X is never copied whole)."""
    if is_sparse(X):
        return column_means(X, weights)
    n_samples, n_features = X.shape
    w = np.ones(n_samples) if weights is None else weights
    total = np.empty(n_features)
    for columns in column_blocks(n_samples, n_features):
        total[columns] = w @ X[:, columns].astype(np.float64, copy=False)
    return total / w.sum()


def kfold_r2(gram, Y, weights, tests, alphas, fit_intercept):
    """Held-out R² (mean over targets) per fold and α, (n_folds, n_alphas), from one kernel.

    ``gram`` is :func:`centred_gram` of all rows. A fold's training kernel is it
    re-centred on the training rows' weighted mean (``(I - 1vᵀ) G (I - v1ᵀ)``,
    exact algebra), so X is read once for all folds.
    """
    n_samples = gram.shape[0]
    w = np.ones(n_samples) if weights is None else weights
    scores = np.empty((len(tests), len(alphas)))
    for k, test in enumerate(tests):
        train = np.setdiff1d(np.arange(n_samples), test)
        w_train = w[train]
        v = w_train / w_train.sum() if fit_intercept else np.zeros(train.size)
        G_tt = gram[np.ix_(train, train)]
        Gv = G_tt @ v
        G_train = G_tt - Gv[:, None] - Gv[None, :] + v @ Gv
        cross = gram[np.ix_(test, train)] - Gv[None, :]
        cross -= (cross @ v)[:, None]
        y_mean = v @ Y[train] if fit_intercept else np.zeros(Y.shape[1])
        sqrt_w = np.sqrt(w_train)
        eigenvalues, U = np.linalg.eigh(sqrt_w[:, None] * G_train * sqrt_w[None, :])
        eigenvalues = np.clip(eigenvalues, 0.0, None)
        UtY = U.T @ (sqrt_w[:, None] * (Y[train] - y_mean))
        for j, alpha in enumerate(alphas):
            a = U @ (UtY / (eigenvalues + alpha)[:, None])
            prediction = y_mean + cross @ (sqrt_w[:, None] * a)
            held_w = w[test]
            sse = held_w @ (Y[test] - prediction) ** 2
            sst = held_w @ (Y[test] - (held_w @ Y[test]) / held_w.sum()) ** 2
            scores[k, j] = mean_r2(sse, sst, len(test))
    return scores
