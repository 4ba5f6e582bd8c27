"""Driver: Bayesian ridge evidence maximisation (MacKay 1992) in the Gram's eigenbasis.

Everything scikit-learn's ``BayesianRidge`` computes from an SVD of X is a
function of the eigenvalues λₖ of the centred Gram and of ``z = Vᵀ Xᵀy``:
the posterior mean, the residual sum of squares and the log evidence. One
eigendecomposition of the (n_features × n_features) Gram therefore replaces
the SVD of the (n_samples × n_features) data, and the fit can stream; with
fewer samples than features the n×n kernel has the same non-zero spectrum.
"""

from dataclasses import dataclass
from math import log, pi

import numpy as np


@dataclass
class Evidence:
    alpha: float  # noise precision
    lambda_: float  # weight precision
    coef: np.ndarray
    sigma: np.ndarray  # posterior covariance of the coefficients (primal fits)
    n_iter: int
    scores: np.ndarray


CANCELLATION = 1e3 * np.finfo(np.float64).eps  # a floor below this fraction of yᵀWy is mostly rounding


def maximise_evidence(A, b, yy, sum_weights, y_variance, residual_sse=None, **options):
    """Evidence maximisation from the (n_features × n_features) statistics.

    Parameters
    ----------
    A : ndarray of shape (n_features, n_features)
        Centred weighted Gram (uncentred without intercept).
    b : ndarray of shape (n_features,)
    yy : float
        Matching yᵀWy.
    sum_weights : float
    y_variance : float
        Weighted variance of y (initialises α).
    residual_sse : callable, optional
        ``coef → Σ wᵢ rᵢ²`` on the data. The least-squares residual from the
        statistics, ``yᵀWy - bᵀA⁺b``, loses its digits when the fit is nearly
        exact (noiseless data); it is then taken from the data instead.
    options
        The hyperparameters of :func:`maximise_evidence_spectrum`.
    """
    eigenvalues, V = np.linalg.eigh(A)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    z = V.T @ b
    null = eigenvalues <= eigenvalues[-1] * A.shape[0] * np.finfo(np.float64).eps
    z[null] = 0.0  # b lies in the row space: these components are rounding
    eigenvalues[null] = 0.0
    positive = eigenvalues > 0
    floor = max(yy - np.sum(z[positive] ** 2 / eigenvalues[positive]), 0.0)
    if residual_sse is not None and floor <= CANCELLATION * yy * A.shape[0]:
        coef_ls = V[:, positive] @ (z[positive] / eigenvalues[positive])
        floor = float(residual_sse(coef_ls))
    alpha_, lambda_, coef_eig, n_iter, scores = maximise_evidence_spectrum(
        eigenvalues, z, lambda c: V @ c, A.shape[0], floor, sum_weights, y_variance, **options)
    sigma = (V / (alpha_ * eigenvalues + lambda_)) @ V.T
    return Evidence(alpha_, lambda_, V @ coef_eig, sigma, n_iter, scores)


def maximise_evidence_spectrum(eigenvalues, z, to_coef, n_features, floor, sum_weights, y_variance, *, max_iter,
                               tol, alpha_1, alpha_2, lambda_1, lambda_2, alpha_init, lambda_init,
                               compute_score, verbose):
    """Alternate posterior-mean and (α, λ) updates exactly as scikit-learn does.

    Works on the spectrum alone: ``eigenvalues`` (the Gram's, or only its
    non-zero ones — the missing ``n_features - len(eigenvalues)`` count as
    zero) and ``z`` = the eigenbasis components of Xᵀy. Each update costs
    O(len(eigenvalues)); ``to_coef`` maps eigen-coefficients back to features
    for scikit-learn's stopping rule (L1 change of ``coef`` below ``tol``).
    ``floor`` is the residual sum of squares of the least-squares projection,
    ‖ỹ - X̃X̃⁺ỹ‖²; the residual at a penalty then adds
    ``Σ (z²/s)·r²/(s + r)²`` (r = λ/α), a sum of positive terms that keeps its
    digits when the fit nearly interpolates (few samples, many features).

    Returns ``(alpha, lambda, coef_eig, n_iter, scores)``.
    """
    n_null = n_features - eigenvalues.shape[0]
    positive = eigenvalues > 0
    projected = np.zeros_like(z)
    projected[positive] = z[positive] ** 2 / eigenvalues[positive]  # ‖ỹ‖² of each kept direction
    alpha_ = 1.0 / (y_variance + np.finfo(np.float64).eps) if alpha_init is None else float(alpha_init)
    lambda_ = 1.0 if lambda_init is None else float(lambda_init)
    scores = []
    coef_old = None

    def posterior(alpha_, lambda_):
        ratio = lambda_ / alpha_
        coef_eig = z / (eigenvalues + ratio)
        sse = floor + np.sum(projected * (ratio / (eigenvalues + ratio)) ** 2)
        return coef_eig, sse

    def log_evidence(alpha_, lambda_, coef_eig, sse):
        logdet_sigma = -np.sum(np.log(lambda_ + alpha_ * eigenvalues)) - n_null * log(lambda_)
        score = lambda_1 * log(lambda_) - lambda_2 * lambda_ + alpha_1 * log(alpha_) - alpha_2 * alpha_
        return score + 0.5 * (n_features * log(lambda_) + sum_weights * log(alpha_) - alpha_ * sse
                              - lambda_ * np.sum(coef_eig**2) + logdet_sigma - sum_weights * log(2 * pi))

    for iteration in range(max_iter):
        coef_eig, sse = posterior(alpha_, lambda_)
        if compute_score:
            scores.append(log_evidence(alpha_, lambda_, coef_eig, sse))
        gamma = np.sum(alpha_ * eigenvalues / (lambda_ + alpha_ * eigenvalues))
        lambda_ = (gamma + 2 * lambda_1) / (np.sum(coef_eig**2) + 2 * lambda_2)
        alpha_ = (sum_weights - gamma + 2 * alpha_1) / (sse + 2 * alpha_2)
        coef = to_coef(coef_eig)
        if iteration != 0 and np.sum(np.abs(coef_old - coef)) < tol:
            if verbose:
                print(f"Convergence after {iteration} iterations")
            break
        coef_old = coef
    coef_eig, sse = posterior(alpha_, lambda_)
    if compute_score:
        scores.append(log_evidence(alpha_, lambda_, coef_eig, sse))
    return alpha_, lambda_, coef_eig, iteration + 1, np.asarray(scores)
