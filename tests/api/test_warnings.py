"""Every warning fastreg gives points at the user's line, whichever path reached it."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fastreg import ApplicabilityDomain, Lasso, LinearRegression, Ridge, lasso_path
from fastreg.exceptions import RankDeficiencyWarning, warn_at_caller


def collinear(rng, n_samples=30):
    X = rng.standard_normal((n_samples, 3))
    return np.c_[X, X[:, 0] + X[:, 1]], X[:, 0] + rng.standard_normal(n_samples)


def recorded(call):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        call()
    return record


@pytest.mark.parametrize("case", ["fit", "fit without intercept", "wide fit", "partial_fit", "ridge alpha=0",
                                  "lasso", "lasso_path", "domain"])
def test_warnings_name_the_callers_file_and_line(rng, case):
    X, y = collinear(rng)
    calls = {
        "fit": lambda: LinearRegression().fit(X, y),
        "fit without intercept": lambda: LinearRegression(fit_intercept=False).fit(X, y),
        "wide fit": lambda: LinearRegression().fit(X[:3], y[:3]),
        "partial_fit": lambda: LinearRegression().partial_fit(X, y),
        "ridge alpha=0": lambda: Ridge(alpha=0.0).fit(X, y),
        "lasso": lambda: Lasso(alpha=1e-6, max_iter=2, tol=0.0).fit(X, y),
        "lasso_path": lambda: lasso_path(X, y, alphas=[1e-6], max_iter=2, tol=0.0),
        "domain": lambda: ApplicabilityDomain().fit(X[:4]),
    }
    record = recorded(calls[case])
    assert record, "the case must warn"
    line = calls[case].__code__.co_firstlineno  # the lambda's own line in this file
    assert [(w.filename, w.lineno) for w in record] == [(__file__, line)] * len(record)


def test_through_scikit_learn_the_warning_names_scikit_learn_not_fastreg(rng):
    X, y = collinear(rng, 60)
    record = recorded(lambda: cross_val_score(make_pipeline(StandardScaler(), LinearRegression()), X, y, cv=2))
    assert record and all(isinstance(w.message, RankDeficiencyWarning) for w in record)
    assert all("/sklearn/" in w.filename for w in record)


def test_warn_at_caller_skips_only_fastreg_frames():
    def here():
        warn_at_caller("message", ConvergenceWarning)

    record = recorded(here)
    assert [(w.filename, w.lineno, str(w.message)) for w in record] == [(__file__, here.__code__.co_firstlineno + 1,
                                                                          "message")]
    assert record[0].category is ConvergenceWarning


def test_a_folder_that_only_starts_like_fastreg_is_the_users(tmp_path, monkeypatch):
    import os

    import fastreg.exceptions

    monkeypatch.setattr(fastreg.exceptions, "PACKAGE_DIR", str(tmp_path / "pkg") + os.sep)
    inner = compile("def inner():\n    warn_at_caller('message', UserWarning)\n", str(tmp_path / "pkg" / "m.py"), "exec")
    outer = compile("def outer():\n    inner()\n", str(tmp_path / "pkg_scripts" / "run.py"), "exec")
    scope = {"warn_at_caller": warn_at_caller}
    exec(inner, scope)
    exec(outer, scope)
    record = recorded(scope["outer"])
    assert [(w.filename, w.lineno) for w in record] == [(str(tmp_path / "pkg_scripts" / "run.py"), 2)]
