"""Kernel: pool ragged per-atom rows into one row per structure, all statistics in one pass.

Rows of structure ``s`` are ``values[offsets[s]:offsets[s + 1]]``. Each atom
belongs to a group (its species, or group 0) and carries a weight. For every
(structure, group) one row-major pass accumulates weighted sums, sums of
squares about the group's first row (so std does not cancel), minima, maxima
and power sums (relative to the running max |x|, so that ``power:200``
cannot overflow); then every requested statistic is written. Threads own
contiguous ranges of structures and their own accumulators.
"""

import math

import numpy as np

from .jit import kernel, prange

MEAN, SUM, MIN, MAX, STD, RANGE, POWER = range(7)


@kernel(parallel=True)
def pool_kernel(values, offsets, weights, groups, n_groups, codes, exponents, n_chunks, out):
    """Fill ``out`` (n_structures, n_groups · n_stats · n_features).

    Column ``(g·n_stats + k)·n_features + f`` holds statistic ``codes[k]`` of
    feature ``f`` over the atoms of group ``g``; a group without atoms in a
    structure gets 0 for every statistic. ``weights``/``groups`` empty mean
    unit weights / one group.
    """
    n_structures = offsets.shape[0] - 1
    n_features = values.shape[1]
    n_stats = codes.shape[0]
    weighted = weights.shape[0] > 0
    grouped = groups.shape[0] > 0
    need_total = False
    need_square = False
    need_low = False
    need_high = False
    need_power = False
    for k in range(n_stats):
        need_total |= codes[k] == MEAN or codes[k] == SUM or codes[k] == STD
        need_square |= codes[k] == STD
        need_low |= codes[k] == MIN or codes[k] == RANGE
        need_high |= codes[k] == MAX or codes[k] == RANGE
        need_power |= codes[k] == POWER
    n_chunks = max(1, min(n_chunks, n_structures))
    for c in prange(n_chunks):
        total = np.zeros((n_groups, n_features))
        square = np.zeros((n_groups, n_features))
        first = np.zeros((n_groups, n_features))
        low = np.empty((n_groups, n_features))
        high = np.empty((n_groups, n_features))
        power = np.zeros((n_stats, n_groups, n_features))
        largest = np.zeros((n_groups, n_features))  # power sums are kept relative to max |x|: no overflow
        weight_sum = np.zeros(n_groups)
        count = np.zeros(n_groups, dtype=np.int64)
        for s in range(c * n_structures // n_chunks, (c + 1) * n_structures // n_chunks):
            if need_total:
                total[:, :] = 0.0
            if need_square:
                square[:, :] = 0.0
            if need_power:
                power[:, :, :] = 0.0
                largest[:, :] = 0.0
            weight_sum[:] = 0.0
            count[:] = 0
            for a in range(offsets[s], offsets[s + 1]):
                g = groups[a] if grouped else 0
                w = weights[a] if weighted else 1.0
                row = values[a]
                if count[g] == 0:
                    for f in range(n_features):
                        first[g, f] = row[f]
                        low[g, f] = row[f]
                        high[g, f] = row[f]
                count[g] += 1
                weight_sum[g] += w
                # one loop per accumulator: each vectorises; the row stays in L1 between them
                if need_total:
                    acc = total[g]
                    for f in range(n_features):
                        acc[f] += w * row[f]
                if need_square:
                    acc = square[g]
                    centre = first[g]
                    for f in range(n_features):
                        d = row[f] - centre[f]
                        acc[f] += w * d * d
                if need_low:
                    acc = low[g]
                    for f in range(n_features):
                        acc[f] = min(acc[f], row[f])
                if need_high:
                    acc = high[g]
                    for f in range(n_features):
                        acc[f] = max(acc[f], row[f])
                if need_power:
                    for f in range(n_features):
                        x = abs(row[f])
                        m = largest[g, f]
                        if x > m:  # a new maximum: rescale what was summed relative to the old one
                            for k in range(n_stats):
                                if codes[k] == POWER and m > 0.0:
                                    power[k, g, f] *= (m / x) ** exponents[k]
                            largest[g, f] = x
                            m = x
                        if m > 0.0:
                            for k in range(n_stats):
                                if codes[k] == POWER:
                                    power[k, g, f] += w * (x / m) ** exponents[k]
            for g in range(n_groups):
                for k in range(n_stats):
                    base = (g * n_stats + k) * n_features
                    code = codes[k]
                    for f in range(n_features):
                        if count[g] == 0:
                            result = 0.0
                        elif code == SUM:
                            result = total[g, f]
                        elif code == MIN:
                            result = low[g, f]
                        elif code == MAX:
                            result = high[g, f]
                        elif code == RANGE:
                            result = high[g, f] - low[g, f]
                        else:
                            mean = total[g, f] / weight_sum[g]
                            if code == MEAN:
                                result = mean
                            elif code == STD:
                                shifted = mean - first[g, f]
                                result = math.sqrt(max(square[g, f] / weight_sum[g] - shifted * shifted, 0.0))
                            else:
                                ratio = power[k, g, f] / weight_sum[g]
                                result = largest[g, f] * ratio ** (1.0 / exponents[k])
                        out[s, base + f] = result
