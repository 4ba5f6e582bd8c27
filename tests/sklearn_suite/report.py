"""``make sklearn-suite``: scikit-learn's linear-model tests with its own classes and with fastreg's.

Prints, per module, how many tests pass with each, and the expected differences.
"""

import collections
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_sklearn_suite import run_suite  # noqa: E402


def counts(outcomes):
    table = collections.defaultdict(collections.Counter)
    for test, (outcome, _) in outcomes.items():
        table[test.split("::")[0]][outcome] += 1
    return table


def main():
    with tempfile.TemporaryDirectory() as folder:
        ours, theirs = Path(folder, "fastreg"), Path(folder, "sklearn")
        ours.mkdir()
        theirs.mkdir()
        fastreg, sklearn = counts(run_suite(ours)), counts(run_suite(theirs, peer="sklearn"))
    print(f"{'module':36} {'scikit-learn passes':>20} {'fastreg passes':>15} {'fastreg fails':>14}")
    for module in sorted(sklearn):
        print(f"{module:36} {sklearn[module]['passed']:>20} {fastreg[module]['passed']:>15} {fastreg[module]['failed']:>14}")
    sk_passed = sum(c["passed"] for c in sklearn.values())
    fr_passed = sum(c["passed"] for c in fastreg.values())
    fr_failed = sum(c["failed"] + c["error"] for c in fastreg.values())
    print(f"{'all':36} {sk_passed:>20} {fr_passed:>15} {fr_failed:>14}   ({fr_passed / sk_passed:.1%})")


if __name__ == "__main__":
    main()
