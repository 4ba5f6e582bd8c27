"""``fastreg fit``: fit a model on pooled features and report it against a mean baseline."""

import numpy as np
from sklearn.model_selection import KFold, cross_val_predict, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ..io.features import load_features
from ..metrics import mean_absolute_error, r2_score, root_mean_squared_error

MODELS = ("ols", "ridge", "ridgecv", "lasso", "lassocv", "gd")


def make_model(name):
    """A standardising pipeline around the named fastreg estimator."""
    from .. import linear_model as lm

    estimators = {
        "ols": lambda: lm.LinearRegression(),
        "ridge": lambda: lm.Ridge(alpha=1.0),
        "ridgecv": lambda: lm.RidgeCV(alphas=np.logspace(-4, 4, 17)),
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


def evaluate(X, y, names, *, model, cv=None, test_size=0.2, seed=0, unit="", plot=None, out=print, title=""):
    """Fit and report: held-out (or CV) metrics beside the mean predictor; top coefficients."""
    pipeline = make_model(model)
    if cv:
        folds = KFold(cv, shuffle=True, random_state=seed)
        prediction = cross_val_predict(pipeline, X, y, cv=folds)
        baseline = np.empty_like(y)
        for train, test in folds.split(X):
            baseline[test] = y[train].mean()
        out(f"{cv}-fold cross-validation of {model} on {len(y)} structures:")
        out(metric_line(f"{model}", y, prediction, unit))
        out(metric_line("mean predictor", y, baseline, unit))
        shown_y, shown_prediction = y, prediction
        pipeline.fit(X, y)
    else:
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=seed)
        pipeline.fit(X_train, y_train)
        out(f"{model} trained on {len(y_train)} structures, tested on {len(y_test)} held out:")
        out(metric_line(f"{model} (train)", y_train, pipeline.predict(X_train), unit))
        out(metric_line(f"{model} (test)", y_test, pipeline.predict(X_test), unit))
        out(metric_line("mean predictor (test)", y_test, np.full_like(y_test, y_train.mean()), unit))
        shown_y, shown_prediction = y_test, pipeline.predict(X_test)
    estimator = pipeline[-1]
    coef = np.ravel(estimator.coef_)
    order = np.argsort(-np.abs(coef))[:10]
    out(f"largest coefficients (standardised features; {int(np.sum(coef != 0))} of {coef.size} non-zero):")
    for j in order:
        out(f"  {coef[j]:+.4g}  {names[j]}")
    if plot:
        from ..plotting import save_parity_plot

        save_parity_plot(plot, shown_y, shown_prediction, units=unit, title=title or f"{model}: held-out predictions")
        out(f"parity plot written to {plot}")
    return pipeline


def run_fit(path, *, target, model, cv, plot, seed, out=print):
    X, y, names = load_features(path, target)
    evaluate(X, y, names, model=model, cv=cv, seed=seed, plot=plot, out=out, title=f"{target}: {model}")
    return 0
