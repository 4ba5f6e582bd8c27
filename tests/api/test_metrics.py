import numpy as np
import pytest
import sklearn.metrics as skm

from fastreg import metrics


@pytest.mark.parametrize("name", ["r2_score", "mean_absolute_error", "root_mean_squared_error"])
@pytest.mark.parametrize("multioutput", ["uniform_average", "raw_values"])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_values_as_scikit_learn(rng, name, multioutput, weighted):
    y_true = rng.standard_normal((40, 3))
    y_pred = y_true + 0.3 * rng.standard_normal((40, 3))
    w = rng.random(40) if weighted else None
    ours = getattr(metrics, name)(y_true, y_pred, sample_weight=w, multioutput=multioutput)
    ref = getattr(skm, name)(y_true, y_pred, sample_weight=w, multioutput=multioutput)
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    one = getattr(metrics, name)(y_true[:, 0], y_pred[:, 0])
    assert one == pytest.approx(getattr(skm, name)(y_true[:, 0], y_pred[:, 0]), rel=1e-12)


def test_r2_constant_target_edge_cases():
    assert metrics.r2_score([2.0, 2.0], [2.0, 2.0]) == skm.r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert metrics.r2_score([2.0, 2.0], [1.0, 2.0]) == skm.r2_score([2.0, 2.0], [1.0, 2.0]) == 0.0


def test_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        metrics.r2_score([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match=r"y_pred contains NaN \(row 1"):
        metrics.mean_absolute_error([1.0, 2.0], [1.0, np.nan])
