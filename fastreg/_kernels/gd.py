"""Kernels: gradient descent on the mean squared error, in Gram or data mode.

The parameters are ``θ = (w, b')`` with prediction ``b' + (x - x̄)·w``: the
same model as ``b + x·w`` (``b = b' - x̄·w``), but the intercept's curvature
no longer couples to the features, so 1/L steps do not crawl on offset data.

Loss: ``J(θ) = (1/ΣW) Σ wᵢ rᵢ² + α‖w‖²``, ``rᵢ = b' + (xᵢ - x̄)·w - yᵢ``.
Every kernel advances ``theta`` and ``velocity`` in place, writes the loss
after each step (or epoch) into ``losses``, and returns
``(steps_done, status, relative_change, last_loss)``.
"""

import math

import numpy as np

from .jit import kernel, prange

RUNNING, CONVERGED, DIVERGED = 0, 1, 2
RISE_TOL = 1e-9  # loss rises smaller than this (relative to J(θ₀)) are rounding


@kernel
def _matvec(A, v, out):
    p = A.shape[0]
    for j in range(p):
        s = 0.0
        for k in range(p):
            s += A[j, k] * v[k]
        out[j] = s


@kernel
def _gram_loss(A_theta, theta, B, yy, y_mean, sum_w, alpha):
    p = B.shape[0]
    quad = 0.0
    linear = 0.0
    norm = 0.0
    for j in range(p):
        quad += theta[j] * A_theta[j]
        linear += theta[j] * B[j]
        norm += theta[j] * theta[j]
    d = theta[p] - y_mean
    return (quad - 2.0 * linear + yy) / sum_w + d * d + alpha * norm


@kernel
def _gram_gradient(A_point, point, B, y_mean, sum_w, alpha, fit_intercept, grad):
    p = B.shape[0]
    for j in range(p):
        grad[j] = 2.0 * (A_point[j] - B[j]) / sum_w + 2.0 * alpha * point[j]
    grad[p] = 2.0 * (point[p] - y_mean) if fit_intercept else 0.0


@kernel
def _advance(theta, velocity, grad, learning_rate, momentum):
    """Heavy-ball step; returns ‖Δθ‖/‖θ‖ for the stopping test."""
    step = 0.0
    size = 0.0
    for j in range(theta.shape[0]):
        velocity[j] = momentum * velocity[j] - learning_rate * grad[j]
        theta[j] += velocity[j]
        step += velocity[j] * velocity[j]
        size += theta[j] * theta[j]
    return math.sqrt(step) / max(math.sqrt(size), 1e-300)


@kernel
def _lookahead(theta, velocity, momentum, nesterov, point):
    for j in range(theta.shape[0]):
        point[j] = theta[j] + momentum * velocity[j] if nesterov else theta[j]


@kernel
def _verdict(loss, previous, initial, strict, change, tol):
    """DIVERGED on a non-finite loss or a rise; CONVERGED when the step is below tol."""
    if not math.isfinite(loss):
        return DIVERGED
    limit = previous if strict else initial
    if loss > limit + RISE_TOL * abs(initial):
        return DIVERGED
    if change <= tol:
        return CONVERGED
    return RUNNING


@kernel
def gram_steps(A, B, yy, y_mean, sum_w, alpha, fit_intercept, learning_rate, momentum,
               nesterov, tol, initial, previous, strict, theta, velocity, losses):
    """Full-batch steps on the statistics: O(n_features²) per step."""
    p = B.shape[0]
    point = np.empty(p + 1)
    A_point = np.empty(p)
    A_theta = np.empty(p)
    grad = np.empty(p + 1)
    change = np.inf
    for step in range(losses.shape[0]):
        _lookahead(theta, velocity, momentum, nesterov, point)
        _matvec(A, point, A_point)
        _gram_gradient(A_point, point, B, y_mean, sum_w, alpha, fit_intercept, grad)
        change = _advance(theta, velocity, grad, learning_rate, momentum)
        _matvec(A, theta, A_theta)
        loss = _gram_loss(A_theta, theta, B, yy, y_mean, sum_w, alpha)
        losses[step] = loss
        status = _verdict(loss, previous, initial, strict, change, tol)
        previous = loss
        if status != RUNNING:
            return step + 1, status, change, loss
    return losses.shape[0], RUNNING, change, previous


@kernel(parallel=True)
def data_pass(X, y, w, rows, mean_x, point, alpha, n_chunks, grad):
    """One read of ``X[rows]``: residuals, gradient (into ``grad``) and loss at ``point``.

    ``rows`` empty means all rows; ``w`` empty means unit weights.
    """
    n_rows = rows.shape[0] if rows.shape[0] > 0 else X.shape[0]
    p = X.shape[1]
    n_chunks = max(1, min(n_chunks, n_rows // 256 + 1))
    partial = np.zeros((n_chunks, p + 2))  # gradient, Σwr, Σwr² per thread
    for c in prange(n_chunks):
        acc = partial[c]
        for r in range(c * n_rows // n_chunks, (c + 1) * n_rows // n_chunks):
            i = rows[r] if rows.shape[0] > 0 else r
            residual = point[p] - y[i]
            for j in range(p):
                residual += (X[i, j] - mean_x[j]) * point[j]
            weight = w[i] if w.shape[0] > 0 else 1.0
            wr = weight * residual
            for j in range(p):
                acc[j] += wr * (X[i, j] - mean_x[j])
            acc[p] += wr
            acc[p + 1] += wr * residual
    loss = 0.0
    total_w = 0.0
    if w.shape[0] == 0:
        total_w = n_rows
    else:
        for r in range(n_rows):
            total_w += w[rows[r] if rows.shape[0] > 0 else r]
    norm = 0.0
    for j in range(p + 2):
        s = 0.0
        for c in range(n_chunks):
            s += partial[c, j]
        if j <= p:
            grad[j] = 2.0 * s / total_w
        else:
            loss = s / total_w
    for j in range(p):
        grad[j] += 2.0 * alpha * point[j]
        norm += point[j] * point[j]
    return loss + alpha * norm


@kernel
def data_steps(X, y, w, mean_x, alpha, fit_intercept, learning_rate, momentum, nesterov,
               tol, initial, previous, strict, n_chunks, theta, velocity, losses):
    """Full-batch steps. One fused pass over X per step gives the loss after the step
    and the gradient for the next one (Nesterov needs a second, at the look-ahead)."""
    p = X.shape[1]
    point = np.empty(p + 1)
    grad = np.empty(p + 1)
    all_rows = np.empty(0, dtype=np.int64)
    lookahead = nesterov and momentum > 0.0
    _lookahead(theta, velocity, momentum, nesterov, point)
    data_pass(X, y, w, all_rows, mean_x, point, alpha, n_chunks, grad)
    change = np.inf
    for step in range(losses.shape[0]):
        if not fit_intercept:
            grad[p] = 0.0
        change = _advance(theta, velocity, grad, learning_rate, momentum)
        loss = data_pass(X, y, w, all_rows, mean_x, theta, alpha, n_chunks, grad)
        if lookahead:
            _lookahead(theta, velocity, momentum, nesterov, point)
            data_pass(X, y, w, all_rows, mean_x, point, alpha, n_chunks, grad)
        losses[step] = loss
        status = _verdict(loss, previous, initial, strict, change, tol)
        previous = loss
        if status != RUNNING:
            return step + 1, status, change, loss
    return losses.shape[0], RUNNING, change, previous


@kernel
def minibatch_epochs(X, y, w, mean_x, A, B, yy, y_mean, sum_w, alpha, fit_intercept,
                     learning_rate, momentum, nesterov, tol, initial, previous,
                     permutations, batch_size, theta, velocity, losses):
    """Shuffled mini-batch epochs (one row of ``permutations`` each); exact loss per epoch."""
    p = X.shape[1]
    n = X.shape[0]
    point = np.empty(p + 1)
    grad = np.empty(p + 1)
    A_theta = np.empty(p)
    change = np.inf
    for epoch in range(losses.shape[0]):
        epoch_start = theta.copy()
        for start in range(0, n, batch_size):
            rows = permutations[epoch, start:min(start + batch_size, n)]
            _lookahead(theta, velocity, momentum, nesterov, point)
            data_pass(X, y, w, rows, mean_x, point, alpha, 1, grad)
            if not fit_intercept:
                grad[p] = 0.0
            _advance(theta, velocity, grad, learning_rate, momentum)
        moved = 0.0
        size = 0.0
        for j in range(p + 1):
            moved += (theta[j] - epoch_start[j]) ** 2
            size += theta[j] ** 2
        change = math.sqrt(moved) / max(math.sqrt(size), 1e-300)
        _matvec(A, theta, A_theta)
        loss = _gram_loss(A_theta, theta, B, yy, y_mean, sum_w, alpha)
        losses[epoch] = loss
        status = _verdict(loss, previous, initial, False, change, tol)
        previous = loss
        if status != RUNNING:
            return epoch + 1, status, change, loss
    return losses.shape[0], RUNNING, change, previous


@kernel(parallel=True)
def gram_rates(A, B, yy, y_mean, sum_w, alpha, fit_intercept, learning_rates, momentum,
               nesterov, tol, initial, thetas, losses, n_iter, status):
    """Many learning rates on one problem in parallel; diverged runs stop, rest NaN."""
    for r in prange(learning_rates.shape[0]):
        velocity = np.zeros(thetas.shape[1])
        done, state, _, _ = gram_steps(A, B, yy, y_mean, sum_w, alpha, fit_intercept,
                                       learning_rates[r], momentum, nesterov, tol, initial,
                                       initial, momentum == 0.0, thetas[r], velocity, losses[r])
        n_iter[r] = done
        status[r] = state
        for k in range(done, losses.shape[1]):
            losses[r, k] = np.nan
