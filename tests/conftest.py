import os
import re

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def make_regression(rng, n_samples=200, n_features=6, n_targets=None, offset=3.0, noise=0.1, dtype=np.float64):
    """Well-conditioned data with a non-zero mean (so centring matters)."""
    X = rng.standard_normal((n_samples, n_features)) + offset
    shape = (n_features,) if n_targets is None else (n_features, n_targets)
    coef = rng.standard_normal(shape)
    y = X @ coef + 1.5 + noise * rng.standard_normal((n_samples,) if n_targets is None else (n_samples, n_targets))
    return X.astype(dtype), y.astype(dtype)


def points_at(record, filename):
    """Whether every recorded warning names ``filename`` (its stacklevel reaches the caller).

    Under ``make mutate`` mutmut's trampolines add a frame to every mutated function, so this is
    only checked in the normal run.
    """
    return "MUTANT_UNDER_TEST" in os.environ or [w.filename for w in record] == [filename] * len(record)


def exactly(message):
    """A ``pytest.raises``/``warns`` pattern that matches ``message`` whole, character for character."""
    return f"^{re.escape(message)}$"


def rank_warning(state, why):
    """The whole RankDeficiencyWarning text for a design in ``state`` ("rank deficient (…)") because ``why``."""
    return exactly(f"The design is {state}: {why}. Returned the minimum-norm least-squares solution; consider "
                   "removing redundant features or adding a ridge penalty.")
