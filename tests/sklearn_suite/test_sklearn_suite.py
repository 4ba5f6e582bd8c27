"""scikit-learn's own linear-model tests, run against fastreg's classes.

The installed scikit-learn's test modules (not copies) run in a subprocess
with ``substitute.py`` swapping fastreg's estimators and path functions into
``sklearn.linear_model``. With scikit-learn's own classes every one of these
tests passes (``make sklearn-suite`` runs both); with fastreg's, every failure
must be an entry of ``expected_differences.py`` with its reason.
"""

import fnmatch
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from expected_differences import EXPECTED_DIFFERENCES

HERE = Path(__file__).resolve().parent
MODULES = ("test_base", "test_bayes", "test_coordinate_descent", "test_ridge", "test_sparse_coordinate_descent")
PASS_RATE_FLOOR = 0.95  # the share of scikit-learn's tests that pass with fastreg's classes


def run_suite(folder, peer="fastreg"):
    """Run the modules in ``folder``; return {test id: [outcome, first line of the failure]}."""
    report = folder / "outcomes.json"
    (folder / "pytest.ini").write_text("[pytest]\n")  # none of fastreg's own pytest settings
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
           "FASTREG_SUITE_REPORT": str(report), "FASTREG_SUITE_PEER": peer}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "substitute",
               "-c", str(folder / "pytest.ini"), "--rootdir", str(folder), "--pyargs",
               *(f"sklearn.linear_model.tests.{name}" for name in MODULES)]
    finished = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=1200)
    if not report.exists():
        pytest.fail(f"scikit-learn's suite did not run:\n{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}")
    return json.loads(report.read_text())


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    pytest.importorskip("sklearn.linear_model.tests.test_ridge", reason="scikit-learn installed without its tests")
    return run_suite(tmp_path_factory.mktemp("sklearn_suite"))


def matches(test, pattern):
    """fnmatch with ``[`` literal (test ids carry their parameters in brackets)."""
    return fnmatch.fnmatchcase(test, pattern.replace("[", "[[]"))


def failures(outcomes):
    return {test: message for test, (outcome, message) in outcomes.items() if outcome in ("failed", "error")}


def test_every_failure_is_an_expected_difference(outcomes):
    unexplained = {test: message for test, message in failures(outcomes).items()
                   if not any(matches(test, pattern) for pattern in EXPECTED_DIFFERENCES)}
    assert not unexplained, "scikit-learn tests failing with fastreg, not in expected_differences.py:\n" + "\n".join(
        f"{test}: {message}" for test, message in sorted(unexplained.items()))


def test_every_expected_difference_still_differs(outcomes):
    failing = list(failures(outcomes))
    stale = [pattern for pattern in EXPECTED_DIFFERENCES if not any(matches(test, pattern) for test in failing)]
    assert not stale, f"these expected differences no longer fail; remove them: {stale}"


def test_pass_rate(outcomes):
    ran = [outcome for outcome, _ in outcomes.values() if outcome in ("passed", "failed", "error")]
    passed = ran.count("passed")
    assert len(ran) > 1000, f"only {len(ran)} of scikit-learn's tests ran"
    assert passed / len(ran) >= PASS_RATE_FLOOR, f"{passed} of {len(ran)} scikit-learn tests pass with fastreg"
