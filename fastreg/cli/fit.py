"""``fastreg fit``: fit a model on pooled features, report it against a mean baseline, save it."""

import sys

import numpy as np
from sklearn.model_selection import GroupKFold, KFold, cross_val_predict, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from ..io.features import read_feature_file
from ..metrics import mean_absolute_error, r2_score, root_mean_squared_error

from . import MODEL_NAMES as MODELS
GROUPED_FOLDS = 5  # --groups without --cv


def make_model(name, intervals="loo"):
    """A standardising pipeline around the named fastreg estimator (``intervals`` for the least-squares ones)."""
    from .. import linear_model as lm

    estimators = {
        "ols": lambda: lm.LinearRegression(intervals=intervals),
        "ridge": lambda: lm.Ridge(alpha=1.0, intervals=intervals),
        "ridgecv": lambda: lm.RidgeCV(alphas=np.logspace(-4, 4, 17), intervals=intervals),
        "lasso": lambda: lm.Lasso(alpha=1e-3, max_iter=5000),
        "lassocv": lambda: lm.LassoCV(cv=5, max_iter=5000),
        "gd": lambda: lm.GradientDescentRegressor(max_iter=5000, tol=1e-7),
    }
    if name not in estimators:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}.")
    return make_pipeline(StandardScaler(), estimators[name]())


def metric_line(label, y, prediction, unit):
    return (f"  {label:<22} MAE = {mean_absolute_error(y, prediction):.4f} {unit}   "
            f"RMSE = {root_mean_squared_error(y, prediction):.4f} {unit}   R² = {r2_score(y, prediction):.3f}")


def evaluate(X, y, names, *, model, cv=None, groups=None, test_size=0.2, seed=0, unit="", plot=None, out=print,
             title="", refit_all=False, intervals="loo"):
    """Fit and report: held-out, k-fold or grouped k-fold metrics beside the mean predictor; top coefficients.

    Returns the pipeline (fitted on every row when ``refit_all`` or with CV,
    else on the training split) and a report of the validation metrics.
    """
    pipeline = make_model(model, "loo")  # validation needs no jackknife+ basis: only the saved model keeps one
    if groups is not None or cv:
        if groups is not None:
            n_groups = len(np.unique(groups))
            folds = GroupKFold(min(cv or GROUPED_FOLDS, n_groups))
            how = f"{folds.n_splits}-fold cross-validation grouped by {n_groups} groups"
        else:
            folds = KFold(cv, shuffle=True, random_state=seed)
            how = f"{cv}-fold cross-validation"
        splits = list(folds.split(X, y, groups))
        prediction = cross_val_predict(pipeline, X, y, cv=splits)
        baseline = np.empty_like(y)
        for train, test in splits:
            baseline[test] = y[train].mean()
        out(f"{how} of {model} on {len(y)} structures:")
        out(metric_line(f"{model}", y, prediction, unit))
        out(metric_line("mean predictor", y, baseline, unit))
        shown_y, shown_prediction = y, prediction
        pipeline.fit(X, y)
    else:
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=seed)
        pipeline.fit(X_train, y_train)
        how = f"one {1 - test_size:.0%}/{test_size:.0%} split"
        out(f"{model} trained on {len(y_train)} structures, tested on {len(y_test)} held out:")
        out(metric_line(f"{model} (train)", y_train, pipeline.predict(X_train), unit))
        out(metric_line(f"{model} (test)", y_test, pipeline.predict(X_test), unit))
        baseline = np.full_like(y_test, y_train.mean())
        out(metric_line("mean predictor (test)", y_test, baseline, unit))
        shown_y, shown_prediction = y_test, pipeline.predict(X_test)
    report = _summarise(pipeline[-1], names, how, shown_y, shown_prediction, baseline, unit=unit, plot=plot, out=out,
                        title=title or f"{model}: held-out predictions")
    if refit_all and (intervals != "loo" or not (groups is not None or cv)):
        pipeline = make_model(model, intervals).fit(X, y)
    return pipeline, report


def _summarise(estimator, names, how, y, prediction, baseline, *, unit, plot, out, title):
    """The validation report, the largest coefficients and the parity plot."""
    report = {"validation": how, "n_structures": int(len(y)), "mae": mean_absolute_error(y, prediction),
              "rmse": root_mean_squared_error(y, prediction), "r2": r2_score(y, prediction),
              "baseline_mae": mean_absolute_error(y, baseline)}
    coef = np.ravel(estimator.coef_)
    order = np.argsort(-np.abs(coef))[:10]
    out(f"largest coefficients (standardised features; {int(np.sum(coef != 0))} of {coef.size} non-zero):")
    for j in order:
        out(f"  {coef[j]:+.4g}  {names[j]}")
    if plot:
        from ..plotting import save_parity_plot

        kind = "held-out prediction" if how.startswith("one ") else "cross-validated prediction"
        save_parity_plot(plot, y, prediction, units=unit, title=title, prediction_kind=kind)
        out(f"parity plot written to {plot}")
    return report


STREAMED = ("ols", "ridge")  # solved from summed sufficient statistics: any number of rows


def evaluate_streamed(features, rows, y, names, *, model, cv=None, groups=None, seed=0, unit="", plot=None,
                      out=print, title=""):
    """k-fold (or grouped) CV and the final fit of OLS/Ridge, reading X chunk by chunk (a .zarr file).

    Three passes over the rows: the scaler's means and variances; each fold's
    held-out sufficient statistics (a fold's training statistics are the total
    minus its own); the held-out predictions. Memory holds one chunk and
    (n_folds + 1) p×p statistics, however many rows.

    Returns the standardising pipeline fitted on every row, the report, and the
    leverage domain from the total statistics.
    """
    from ..domain import ApplicabilityDomain
    from ..stats import sufficient_stats

    n_samples = len(y)
    n_folds = cv or GROUPED_FOLDS
    fold_of = np.empty(n_samples, dtype=np.intp)
    if groups is not None:
        n_folds = min(n_folds, len(np.unique(groups)))
        splits = GroupKFold(n_folds).split(np.zeros(n_samples), y, groups)
        how = f"{n_folds}-fold cross-validation grouped by {len(np.unique(groups))} groups"
    else:
        splits = KFold(n_folds, shuffle=True, random_state=seed).split(np.zeros(n_samples))
        how = f"{n_folds}-fold cross-validation"
    for fold, (_, test) in enumerate(splits):
        fold_of[test] = fold
    scaler = StandardScaler()
    for _, block in features.row_chunks(rows):
        scaler.partial_fit(block)
    held, shift = [None] * n_folds, None
    for positions, block in features.row_chunks(rows):
        Z = scaler.transform(block)
        for fold in np.unique(fold_of[positions]):
            mask = fold_of[positions] == fold
            part = sufficient_stats(np.ascontiguousarray(Z[mask]), y[positions[mask], None], shift=shift)
            shift = shift or (part.shift_x, part.shift_y)
            held[fold] = part if held[fold] is None else held[fold] + part
    total = held[0]
    for part in held[1:]:
        total = total + part
    fold_models = [make_model(model)[-1].fit_stats(total - part) for part in held]
    prediction = np.empty(n_samples)
    for positions, block in features.row_chunks(rows):
        Z = scaler.transform(block)
        for fold in np.unique(fold_of[positions]):
            mask = fold_of[positions] == fold
            prediction[positions[mask]] = fold_models[fold].predict(Z[mask])
    baseline = np.array([y[fold_of != fold].mean() for fold in range(n_folds)])[fold_of]
    out(f"{how} of {model} on {n_samples} structures, read chunk by chunk from {features.path}:")
    out(metric_line(f"{model}", y, prediction, unit))
    out(metric_line("mean predictor", y, baseline, unit))
    final = make_model(model)
    final.steps[0] = (final.steps[0][0], scaler)
    final[-1].fit_stats(total)
    report = _summarise(final[-1], names, how, y, prediction, baseline, unit=unit, plot=plot, out=out,
                        title=title or f"{model}: cross-validated predictions")
    domain = ApplicabilityDomain(alpha=float(getattr(final[-1], "alpha", 0.0))).fit_stats(total)
    return final, report, domain


def evaluate_on_cluster(features, rows, y, names, *, model, cv=None, unit="", plot=None, out=print, title=""):
    """Fit a .zarr feature file on Dask workers: standardise, fit from summed statistics, report.

    The rows never reach the client (only p-sized means, p×p statistics and the
    n predictions). RidgeCV and LassoCV choose their penalty by k-fold CV from
    per-fold statistics; the report gives that CV score and the in-sample metrics.
    """
    import dask
    import dask.array as da

    from ..distributed import fit as fit_on_cluster
    from ..distributed import predict as predict_on_cluster
    from ..domain import ApplicabilityDomain

    if not features.on_disk:
        raise ValueError("--scheduler fits a .zarr feature file (featurize -o features.zarr); an .npz file is "
                         "fitted here, without a cluster.")
    X = da.from_zarr(features.X)
    if rows is not None:
        X = X[np.asarray(rows)]
    target = da.from_array(np.asarray(y, dtype=np.float64), chunks=(X.chunks[0],))
    mean, variance = dask.compute(X.mean(axis=0), X.var(axis=0))
    scaler = StandardScaler()
    scale = np.sqrt(variance)
    scale[scale == 0] = 1.0  # a constant column stays as it is, as StandardScaler does
    scaler.mean_, scaler.var_, scaler.scale_ = mean, variance, scale
    scaler.n_features_in_, scaler.n_samples_seen_ = X.shape[1], X.shape[0]
    standardised = (X - mean) / scale
    estimator = make_model(model)[-1]
    n_folds = cv or GROUPED_FOLDS
    fitted, stats = fit_on_cluster(estimator, standardised, target, cv=n_folds, return_stats=True)
    prediction = predict_on_cluster(fitted, standardised).compute()
    how = "in-sample, fitted on a Dask cluster"
    out(f"{model} fitted on {len(y)} structures on a Dask cluster ({features.path} read by the workers):")
    if hasattr(fitted, "best_score_"):
        out(f"  {n_folds}-fold cross-validated R² of the chosen alpha = {fitted.alpha_:.3g}: {fitted.best_score_:.3f}")
    if hasattr(fitted, "mse_path_"):
        out(f"  {n_folds}-fold cross-validated MSE at alpha = {fitted.alpha_:.3g}: "
            f"{np.min(np.mean(fitted.mse_path_, axis=-1)):.4g} {unit}²")
    out(metric_line(f"{model} (in-sample)", y, prediction, unit))
    out(metric_line("mean predictor", y, np.full_like(y, y.mean()), unit))
    pipeline = Pipeline([("standardscaler", scaler), (type(fitted).__name__.lower(), fitted)])
    report = _summarise(fitted, names, how, y, prediction, np.full_like(y, y.mean()), unit=unit, plot=plot, out=out,
                        title=title or f"{model}: in-sample predictions")
    alpha = getattr(fitted, "alpha_", getattr(fitted, "alpha", 0.0))
    ridge_like = type(fitted).__name__ in ("LinearRegression", "Ridge", "RidgeCV")
    domain = ApplicabilityDomain(alpha=float(alpha) if ridge_like else 0.0).fit_stats(stats)
    return pipeline, report, domain


def run_fit(path, *, target, model, cv, plot, seed, targets=None, id_column="id", unit=None, groups=None, save=None,
            intervals="loo", force=False, scheduler=None, out=print):
    """Read features (and a targets CSV), validate the model, and save it with what screening needs."""
    features = read_feature_file(path)
    if groups is not None and targets is None:
        raise ValueError("--groups names a column of the --targets file; give --targets too.")
    if targets is not None:
        from ..io.targets import join_targets, read_targets

        joined = join_targets(features.ids, read_targets(targets, target, id_column=id_column, groups=groups))
        _report_unmatched(joined, path, targets)
        rows, y, labels = joined.rows, joined.y, joined.groups
    else:
        rows, y, labels = None, np.asarray(features.target(target), dtype=np.float64), None
    title = f"{target}: {model}"
    if scheduler is not None:
        if intervals != "loo" or labels is not None:
            raise ValueError("--scheduler fits from statistics: no --groups and no jackknife+ intervals there.")
        from ..distributed.client import optional_session

        with optional_session(scheduler):  # the session's client is the current one for the dask calls
            pipeline, report, domain = evaluate_on_cluster(features, rows, y, features.feature_names, model=model,
                                                           cv=cv, unit=unit or "", plot=plot, out=out, title=title)
        X = None
    elif features.on_disk and model in STREAMED:
        if intervals != "loo":
            raise ValueError("jackknife+ needs every row in memory; a .zarr feature file is fitted chunk by chunk.")
        pipeline, report, domain = evaluate_streamed(features, rows, y, features.feature_names, model=model, cv=cv,
                                                     groups=labels, seed=seed, unit=unit or "", plot=plot, out=out,
                                                     title=title)
        X = None
    else:
        X = features.in_memory(rows, why=f"--model {model} needs every row at once; --model ridge or ols reads a "
                               ".zarr file chunk by chunk")
        pipeline, report = evaluate(X, y, features.feature_names, model=model, cv=cv, groups=labels, seed=seed,
                                    unit=unit or "", plot=plot, out=out, title=title, refit_all=bool(save),
                                    intervals=intervals)
        domain = None
    if save:
        from ..io.models import save as save_model

        screening = screening_model(pipeline, X, features, target=target, unit=unit, report=report, domain=domain)
        written = save_model(screening, save, force=force)
        out(f"model saved to {written} (fitted on all {len(y)} structures)")
    return 0


def screening_model(pipeline, X, features, *, target, unit, report, domain=None):
    """The fitted scaler and regressor behind the descriptor that made ``features``, with a domain."""
    from ..descriptors import PooledDescriptor
    from ..domain import ApplicabilityDomain
    from ..screening import ScreeningModel

    if features.descriptor is None:
        raise ValueError(f"{features.path} records no descriptor settings (an older fastreg wrote it): run "
                         "'fastreg featurize' again to save a model that can describe new structures.")
    descriptor = PooledDescriptor.from_settings(features.descriptor)
    regressor = pipeline[-1]
    if domain is None:
        alpha = getattr(regressor, "alpha_", getattr(regressor, "alpha", 0.0))
        ridge_like = type(regressor).__name__ in ("LinearRegression", "Ridge", "RidgeCV") and np.ndim(alpha) == 0
        # calibrated on held-out leverages: h* = 3(df+1)/n flags most in-distribution candidates at n ≈ df
        domain = (ApplicabilityDomain(alpha=float(alpha), threshold="loo") if ridge_like
                  else ApplicabilityDomain(method="range"))
        domain.fit(pipeline[:-1].transform(X))
    steps = [("descriptor", descriptor)] + [(name, step) for name, step in pipeline.steps]
    return ScreeningModel(Pipeline(steps), domain=domain, target=target, unit=unit, report=report)


def _report_unmatched(joined, features_path, targets_path, shown=5):
    for keys, where in ((joined.without_target, f"structures in {features_path} have no row in {targets_path}"),
                        (joined.without_structure, f"rows of {targets_path} match no structure in {features_path}")):
        if keys:
            more = f" and {len(keys) - shown} more" if len(keys) > shown else ""
            print(f"note: {len(keys)} {where}: {', '.join(keys[:shown])}{more}", file=sys.stderr)
