"""pytest plugin: scikit-learn's own linear-model tests with fastreg's classes substituted.

Loaded with ``-p substitute`` (this folder on PYTHONPATH) before the test modules are
imported, it replaces the public names in ``sklearn.linear_model`` by fastreg's,
so ``from sklearn.linear_model import Ridge`` in scikit-learn's test modules
gives ``fastreg.Ridge``. Private scikit-learn names (``_ridge._solve_cholesky``,
``RidgeClassifier`` …) stay scikit-learn's. With ``FASTREG_SUITE_REPORT`` set,
every test's outcome is written there as JSON (node id → [outcome, first
line of the failure]).
"""

import json
import os

SUBSTITUTED = ("LinearRegression", "Ridge", "RidgeCV", "Lasso", "ElasticNet", "LassoCV", "ElasticNetCV",
               "BayesianRidge", "lasso_path", "enet_path")

_outcomes = {}


def pytest_configure(config):
    if os.environ.get("FASTREG_SUITE_PEER") == "sklearn":  # the baseline run: scikit-learn's own classes
        return
    import sklearn.linear_model

    import fastreg.linear_model

    for name in SUBSTITUTED:
        setattr(sklearn.linear_model, name, getattr(fastreg.linear_model, name))


def pytest_runtest_logreport(report):
    """One outcome per test: the call's, or the setup's when the test never ran."""
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome
        crash = getattr(report.longrepr, "reprcrash", None) if outcome == "failed" else None
        test_id = os.path.basename(report.location[0]) + "::" + report.nodeid.split("::", 1)[-1]  # --pyargs ids lack the file
        _outcomes[test_id] = [outcome, crash.message.splitlines()[0][:300] if crash else ""]


def pytest_sessionfinish(session):
    path = os.environ.get("FASTREG_SUITE_REPORT")
    if path:
        with open(path, "w") as f:
            json.dump(_outcomes, f, indent=0, sort_keys=True)
