"""The input checks every public entry point shares (fastreg/_validation.py), message by message.

Each test asserts the whole message, the returned values and dtypes, so a check that is loosened,
mislocates the bad entry or says something different fails here (these tests are in `make mutate`'s
selection).
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn

from conftest import exactly
from fastreg._validation import (
    TINY_FEATURE,
    check_alpha,
    check_alpha_grid,
    check_finite,
    check_magnitudes,
    check_routed_params,
    check_sample_weight,
    first_nonfinite,
)


@pytest.mark.parametrize("shape", [(4,), (4, 3), (4, 3, 2)])
def test_first_nonfinite_finds_the_first_bad_row_and_column(shape):
    array = np.zeros(shape)
    assert first_nonfinite(array) is None
    array.reshape(shape[0], -1)[2, -1] = np.inf
    array.reshape(shape[0], -1)[3, 0] = np.nan
    width = int(np.prod(shape[1:]))
    assert first_nonfinite(array) == (2, width - 1)


@pytest.mark.parametrize("value, kind", [(np.nan, "NaN"), (-np.inf, "infinity")])
def test_check_finite_names_the_array_the_kind_and_the_place(value, kind):
    matrix = np.ones((5, 3))
    matrix[3, 1] = value
    with pytest.raises(ValueError, match=exactly(
            f"Input X contains {kind} (problem 2, row 3, column 1); NaN and inf are not allowed.")):
        check_finite(matrix, "X", where="problem 2, ")
    vector = np.ones(5)
    vector[4] = value
    with pytest.raises(ValueError, match=exactly(f"Input y contains {kind} (row 4); NaN and inf are not allowed.")):
        check_finite(vector, "y")


def test_check_finite_accepts_large_finite_values_without_floating_point_warnings():
    # the sum overflows to inf; the check must look again, find nothing, and stay silent
    huge = np.full((3, 2), 1e308)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_finite(huge, "X")
        with pytest.raises(ValueError, match="contains infinity"):
            check_finite(np.array([np.inf, -np.inf]), "y")  # inf - inf: an invalid-operation NaN in the sum


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("value, kind", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_check_finite_locates_the_bad_stored_value_of_a_sparse_matrix(fmt, value, kind):
    dense = np.zeros((6, 4))
    dense[1, 0] = 1.0
    dense[4, 2] = value
    dense[5, 3] = np.nan  # a later bad value: the first one is reported
    with pytest.raises(ValueError, match=exactly(
            f"Input X contains {kind} (fold 1, row 4, column 2); NaN and inf are not allowed.")):
        check_finite(sp.csr_matrix(dense).asformat(fmt), "X", where="fold 1, ")
    check_finite(sp.csr_matrix(np.eye(3)).asformat(fmt), "X")  # finite: no error


def test_check_finite_on_sparse_does_not_densify_or_modify():
    matrix = sp.random(50, 40, density=0.1, format="csc", random_state=0)
    before = matrix.copy()
    check_finite(matrix, "X")
    assert (matrix != before).nnz == 0 and matrix.format == "csc"


def test_sample_weight_is_returned_as_a_new_float64_array():
    assert check_sample_weight(None, 3) is None
    scalar = check_sample_weight(2, 3)
    assert scalar.dtype == np.float64 and scalar.tolist() == [2.0, 2.0, 2.0]
    given = np.array([1, 0, 3])
    weights = check_sample_weight(given, 3)
    assert weights.dtype == np.float64 and weights.tolist() == [1.0, 0.0, 3.0]
    weights[0] = 9.0
    assert given[0] == 1  # the caller's array is untouched


@pytest.mark.parametrize("weights, message", [
    (["a", "b", "c"], "sample_weight must be numeric: could not convert string to float: 'a'"),
    (np.ones((3, 1)), "Sample weights must be 1D array or scalar: sample_weight must have shape (3,), "
                      "got shape (3, 1)."),
    (np.ones(4), "sample_weight has 4 entries but X has 3 samples."),
    ([1.0, -2.0, -1.0], "sample_weight must be non-negative; row 1 is -2.0."),
    (np.zeros(3), "sample_weight sums to zero: no sample carries any weight."),
    ([1.0, np.nan, 1.0], "Input sample_weight contains NaN (row 1); NaN and inf are not allowed."),
])
def test_sample_weight_errors(weights, message):
    with pytest.raises(ValueError, match=exactly(message)):
        check_sample_weight(weights, 3)


def test_alpha_broadcasts_one_value_to_every_target_as_float64():
    for given in (2, [2], np.array([2])):
        alpha = check_alpha(given, 3)
        assert alpha.dtype == np.float64 and alpha.tolist() == [2.0, 2.0, 2.0]
    assert check_alpha([0, 1, 2], 3).tolist() == [0.0, 1.0, 2.0]  # zero is allowed
    assert check_alpha(0, 1).tolist() == [0.0]


@pytest.mark.parametrize("alpha, name, message", [
    ([[1.0]], "alpha", "alpha must be a scalar or 1-D, got shape (1, 1)."),
    ([1.0, 2.0], "alpha", "Number of targets and number of penalties do not correspond: 2 != 3 "
                          "(alpha has 2 values but y has 3 targets; give one value or one per target)."),
    (np.inf, "alpha", "alpha must be finite, got inf."),
    (-0.5, "alpha", "alpha must be non-negative, got -0.5."),
    (-1.0, "l2_penalty", "l2_penalty must be non-negative, got -1.0."),
])
def test_alpha_errors_name_the_parameter(alpha, name, message):
    kwargs = {} if name == "alpha" else {"name": name}
    with pytest.raises(ValueError, match=exactly(message)):
        check_alpha(alpha, 3, **kwargs)


def test_magnitudes_flag_features_whose_squares_underflow():
    check_magnitudes([0.0, TINY_FEATURE, 0.5, 1e3])  # zero features and the threshold itself pass
    with pytest.raises(ValueError, match=exactly(
            "Feature 1 has values of magnitude ~1.0e-150: their squares underflow float64 and the fit would lose "
            "its digits. Rescale the features (e.g. StandardScaler).")):
        check_magnitudes([1.0, 1e-150, 0.0])
    with pytest.raises(ValueError, match=re.escape("Feature 0 (and 2 more) has values of magnitude ~3.0e-200:")):
        check_magnitudes([3e-200, 1e-150, 2.0, 1e-160])
    with pytest.raises(ValueError, match=re.escape("Feature 1 (and 1 more) has values of magnitude ~2.0e-150:")):
        check_magnitudes([1.0, 2e-150, 1e-160])


def test_alpha_grid_returns_float64_and_allows_zero_unless_strictly_positive():
    grid = check_alpha_grid([0, 1, 2.5], strictly_positive=False)
    assert grid.dtype == np.float64 and grid.tolist() == [0.0, 1.0, 2.5]
    assert check_alpha_grid(3, strictly_positive=True).tolist() == [3.0]


@pytest.mark.parametrize("alphas, strictly_positive, error, message", [
    ([], True, ValueError, "alphas must not be empty, got []."),
    ([1.0, "x"], True, TypeError, "alphas[1] must be an instance of float, not str."),
    ([1.0, 0.0], True, ValueError, "alphas[1] == 0.0, must be > 0.0."),
    ([1.0, 2.0, -1.0], False, ValueError, "alphas[2] == -1.0, must be >= 0.0."),
    ([np.nan], False, ValueError, "alphas[0] == nan, must be >= 0.0."),
])
def test_alpha_grid_errors_name_the_entry(alphas, strictly_positive, error, message):
    with pytest.raises(error, match=exactly(message)):
        check_alpha_grid(alphas, strictly_positive=strictly_positive)


def test_routed_parameters_need_metadata_routing_and_a_known_name():
    check_routed_params({}, ["groups"])
    with pytest.raises(ValueError, match=exactly(
            "Passing extra keyword arguments ['groups'] to fit is only supported if enable_metadata_routing=True, "
            "which you can set using `sklearn.set_config`.")):
        check_routed_params({"groups": [0, 1]}, ["groups"])
    with sklearn.config_context(enable_metadata_routing=True):
        check_routed_params({"groups": [0, 1]}, ["groups"])
        with pytest.raises(TypeError, match=exactly(
                "fit() got unexpected keyword argument(s) ['colour']; routed here: ['groups'].")):
            check_routed_params({"colour": 1, "groups": 2}, ["groups"])
