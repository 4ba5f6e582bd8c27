"""Pooling (NumPy only: runs without the materials extra) against a loop reference, any layout, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import naive
from fastreg.descriptors import pool

ALL_STATS = ("mean", "sum", "min", "max", "std", "range", "power:3", "power:0.5")


def ragged(rng, sizes, n_features=5, dtype=np.float64):
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    values = (rng.standard_normal((offsets[-1], n_features)) * 2 + 1).astype(dtype)
    return values, offsets


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("by_species", [False, True])
def test_pool_matches_reference(rng, dtype, weighted, by_species):
    values, offsets = ragged(rng, [1, 7, 3, 1, 12, 2], dtype=dtype)
    weights = rng.random(len(values)) + 0.1 if weighted else None
    species = rng.choice([8, 26, 29], size=len(values)) if by_species else None
    got = pool(values, offsets, ALL_STATS, weights=weights, species=species)
    want = naive.pool(values, offsets, ALL_STATS, weights, species)
    assert got.dtype == dtype and got.shape == want.shape
    tol = 1e-12 if dtype == np.float64 else 2e-6
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * np.abs(want).max())


def test_absent_species_give_zeros_and_std_keeps_digits(rng):
    values = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    got = pool(values, [0, 2, 3], ("mean", "max"), species=["Cu", "Ni", "Cu"])
    # blocks: Cu (mean, max), Ni (mean, max); structure 1 has no Ni
    np.testing.assert_array_equal(got[1], [5, 6, 5, 6, 0, 0, 0, 0])
    offset = 1e8 + rng.standard_normal((50, 1))  # large mean, unit spread
    std = pool(offset, [0, 50], ("std",))[0, 0]
    assert std == pytest.approx(np.std(offset), rel=1e-7)


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.integers(1, 9), min_size=1, max_size=12), seed=st.integers(0, 999))
def test_pool_property_any_ragged_layout(sizes, seed):
    rng = np.random.default_rng(seed)
    values, offsets = ragged(rng, sizes, n_features=3)
    np.testing.assert_allclose(pool(values, offsets, ("mean", "std", "min")),
                               naive.pool(values, offsets, ("mean", "std", "min")), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"offsets": [0, 2, 2, 5]}, ValueError, "structure 1 has no atoms"),
        ({"offsets": [0, 2, 4]}, ValueError, "end at n_atoms"),
        ({"offsets": [0, 3, 2, 5]}, ValueError, "non-decreasing"),
        ({"stats": ("median",)}, ValueError, "unknown statistic"),
        ({"stats": ("power:-1",)}, ValueError, "positive exponent"),
        ({"weights": [1, 1, -1, 1, 1]}, ValueError, "atom 2"),
        ({"weights": [0, 0, 1, 1, 1]}, ValueError, "structure 0 has zero total weight"),
        ({"species": [1, 2]}, ValueError, "species must have shape"),
    ],
)
def test_pool_bad_input(kwargs, error, match):
    arguments = {"values": np.ones((5, 2)), "offsets": [0, 2, 5], "stats": ("mean",)}
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        pool(arguments.pop("values"), arguments.pop("offsets"), arguments.pop("stats"), **arguments)
    bad = np.ones((5, 2))
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"values contains NaN \(row 3"):
        pool(bad, [0, 2, 5])
