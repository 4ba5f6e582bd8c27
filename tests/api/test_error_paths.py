"""Error and alternative paths of the public API that the other modules do not reach.

Each test names the message (or the value) it expects, so a mutated condition or message fails.
"""

import numpy as np
import pytest
import scipy.sparse as sp

import fastreg
from fastreg import ApplicabilityDomain, LassoCV, Ridge, RidgeCV, lasso_path
from fastreg.domain import standardised_residuals
from fastreg.metrics import mean_absolute_error, r2_score, root_mean_squared_error


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    return X, X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.standard_normal(40)


@pytest.mark.parametrize("params, message", [
    ({"method": "range", "threshold": "loo"}, "threshold must be None, a non-negative number or (for leverage) 'loo'"),
    ({"threshold": "quantile"}, "threshold must be None, a non-negative number or (for leverage) 'loo'"),
    ({"threshold": -0.1}, "threshold must be None, a non-negative number or 'loo', got -0.1"),
    ({"threshold": np.inf}, "threshold must be None, a non-negative number or 'loo', got inf"),
    ({"quantile": 1.0}, "quantile must be in (0, 1), got 1.0"),
    ({"quantile": 0.0}, "quantile must be in (0, 1), got 0.0"),
])
def test_domain_rejects_bad_settings(data, params, message):
    with pytest.raises(ValueError) as error:
        ApplicabilityDomain(**params).fit(data[0])
    assert message in str(error.value)


def test_domain_given_threshold_is_kept_from_rows_and_from_statistics(data):
    X, y = data
    assert ApplicabilityDomain(threshold=0.25).fit(X).threshold_ == 0.25
    stats = fastreg.sufficient_stats(X, y[:, None])
    from_stats = ApplicabilityDomain(threshold=0.4).fit_stats(stats)
    assert from_stats.threshold_ == 0.4
    # the default h* = 3(p+1)/n, and "loo" falls back to it without rows
    assert ApplicabilityDomain(threshold="loo").fit_stats(stats).threshold_ == pytest.approx(3 * 4 / 40)
    np.testing.assert_allclose(from_stats.score(X), ApplicabilityDomain().fit(X).score(X), rtol=1e-10)


def test_standardised_residuals_need_more_samples_than_parameters():
    with pytest.raises(ValueError, match=r"Need more samples \(3\) than parameters \(3\)"):
        standardised_residuals([1.0, 2.0, 3.0], [1.0, 2.0, 2.0], [0.1, 0.1, 0.1], n_parameters=3)
    r = standardised_residuals([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 2.0, 4.0], [0.0, 0.0, 0.0, 0.0], n_parameters=3)
    np.testing.assert_allclose(r, [0.0, 0.0, 1.0, 0.0])  # s = sqrt(1 / 1), leverage 0


@pytest.mark.parametrize("metric", [mean_absolute_error, root_mean_squared_error, r2_score])
def test_metrics_reject_bad_input(metric):
    with pytest.raises(ValueError, match="y_true is empty"):
        metric(np.empty(0), np.empty(0))
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(3,\), got \(2,\)"):
        metric([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], sample_weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="multioutput must be 'raw_values' or 'uniform_average', got 'variance'"):
        metric([1.0, 2.0, 3.0], [1.0, 2.0, 3.5], multioutput="variance")
    with pytest.raises(ValueError, match=r"same shape, got \(3, 1\) and \(2, 1\)"):
        metric([1.0, 2.0, 3.0], [1.0, 2.0])


def test_metrics_weights_and_raw_values():
    y_true = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0]])
    y_pred = np.array([[1.0, 12.0], [3.0, 20.0], [4.0, 40.0]])
    w = np.array([1.0, 3.0, 0.0])
    np.testing.assert_allclose(mean_absolute_error(y_true, y_pred, sample_weight=w, multioutput="raw_values"),
                               [0.75, 0.5])
    assert mean_absolute_error(y_true, y_pred, sample_weight=w) == pytest.approx(0.625)


def test_a_scalar_sample_weight_weighs_every_sample_alike(data):
    X, y = data
    np.testing.assert_allclose(Ridge().fit(X, y, sample_weight=2.0).coef_,
                               Ridge(alpha=0.5).fit(X, y).coef_, rtol=1e-12)


def test_first_non_finite_entry_of_a_scalar():
    from fastreg._validation import first_nonfinite

    assert first_nonfinite(np.float64(np.nan)) == (0, 0)
    assert first_nonfinite(np.float64(1.0)) is None
    assert first_nonfinite(np.array([[1.0, 2.0], [3.0, np.inf]])) == (1, 1)


def test_alpha_grids_name_the_bad_entry(data):
    X, y = data
    with pytest.raises(TypeError, match=r"alphas\[1\] must be an instance of float, not str"):
        RidgeCV(alphas=[1.0, "a"]).fit(X, y)
    with pytest.raises(ValueError, match=r"alphas\[0\] == -1.0, must be > 0.0"):
        RidgeCV(alphas=[-1.0, 1.0]).fit(X, y)


def test_cross_validation_rejects_unknown_fit_parameters(data):
    import sklearn

    X, y = data
    with pytest.raises(ValueError, match=r"Passing extra keyword arguments \['colour'\] to fit is only supported"):
        RidgeCV(cv=3).fit(X, y, colour="red")
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['colour'\]; routed here: \['groups'\]"):
            RidgeCV(cv=3).fit(X, y, colour="red")


@pytest.mark.parametrize("params, message", [
    ({"cv": 3, "store_cv_results": True}, "cv!=None and store_cv_results=True are incompatible"),
    ({"cv": 3, "alpha_per_target": True}, "cv!=None and alpha_per_target=True are incompatible"),
    ({"cv": 3, "intervals": "jackknife+"}, "intervals='jackknife+' needs the leave-one-out fits of cv=None"),
    ({"gcv_mode": "qr"}, "gcv_mode must be one of"),
])
def test_ridge_cv_rejects_incompatible_options(data, params, message):
    with pytest.raises(ValueError) as error:
        RidgeCV(**params).fit(*data)
    assert message in str(error.value)


def test_ridge_cv_from_statistics_refuses_what_needs_rows(data):
    X, y = data
    total, helds = fastreg.stats.fold_statistics(X, y[:, None], None, [(np.arange(20, 40), np.arange(20)),
                                                                       (np.arange(20), np.arange(20, 40))])
    with pytest.raises(ValueError, match="intervals='jackknife\\+' needs the rows"):
        RidgeCV(intervals="jackknife+").fit_stats(total, helds)
    with pytest.raises(ValueError, match="fit_stats scores by R² alone"):
        RidgeCV(store_cv_results=True).fit_stats(total, helds)


def test_ridge_cv_svd_mode_on_sparse_x_warns_like_scikit_learn(data):
    X, y = data
    with pytest.warns(FutureWarning, match="The 'svd' mode is not supported for sparse X"):
        sparse = RidgeCV(gcv_mode="svd").fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, RidgeCV().fit(X, y).coef_, rtol=1e-9)


def test_path_grids_and_parameters(data):
    X, y = data
    with pytest.raises(ValueError, match="alphas as a count must be >= 1, got 0"):
        lasso_path(X, y, alphas=0)
    with pytest.raises(ValueError, match=r"eps must be in \(0, 1\], got 2"):
        lasso_path(X, y, eps=2)
    with pytest.raises(ValueError, match=r"Unexpected parameters in params: \['colour'\]"):
        lasso_path(X, y, colour="red")
    with pytest.raises(ValueError, match="X has 40 samples but y has 39"):
        lasso_path(X, y[:39])
    alphas, coefs, _ = lasso_path(X, y, n_alphas=7)  # scikit-learn's older spelling of the grid's length
    assert alphas.shape == (7,) and coefs.shape == (3, 7)
    with pytest.raises(ValueError, match="alphas as a count must be >= 1"):
        LassoCV(alphas=0).fit(X, y)


def test_plots_take_one_curve_as_a_list_and_check_shapes():
    import matplotlib

    matplotlib.use("Agg")
    from fastreg.plotting import plot_cv, plot_loss_curve, williams_plot

    ax = plot_loss_curve([4.0, 2.0, 1.0])  # one curve given as a plain list of numbers
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [4.0, 2.0, 1.0])
    with pytest.raises(ValueError, match=r"leverage and residuals differ in shape: \(3,\) and \(2,\)"):
        williams_plot([0.1, 0.2, 0.3], [1.0, 2.0])
    ax = williams_plot([0.1, 0.2], [1.0, -4.0])  # no threshold: no vertical line, no legend
    assert len(ax.lines) == 2 and ax.get_legend() is None
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 4))
    model = fastreg.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, alphas=5).fit(X, X[:, 0] + 0.1 * rng.standard_normal(60))
    ax = plot_cv(model)  # one curve per l1_ratio
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["l1_ratio = 0.5", "l1_ratio = 1"]


def test_an_inconsistent_feature_file_is_named(tmp_path):
    from fastreg.io import read_feature_file

    np.savez(tmp_path / "bad.npz", X=np.ones((3, 2)), feature_names=np.array(["a", "b", "c"]), ids=np.array(["x", "y", "z"]))
    with pytest.raises(ValueError, match=r"bad.npz is inconsistent: X has shape \(3, 2\), 3 feature names, 3 ids"):
        read_feature_file(tmp_path / "bad.npz")
