"""Branch coverage by layer after ``make test``, and the floor CI enforces on the API and drivers.

Usage: python tests/coverage_floor.py [--floor PERCENT] [--data .coverage]

Groups: the numba kernels (counted through the no-JIT run), the drivers (``_solvers/``), the
public API (everything else in ``fastreg/`` but the two below), ``distributed/`` (most of it
runs inside Dask worker processes, which are not traced) and ``cli/`` (much of it is exercised
in subprocesses). The floor applies to the API and drivers together.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

import coverage

GROUPS = ("kernels", "drivers", "API", "distributed", "cli")


def group_of(path):
    for folder, group in (("/_kernels/", "kernels"), ("/_solvers/", "drivers"), ("/distributed/", "distributed"),
                          ("/cli/", "cli")):
        if folder in path:
            return group
    return "API"


def branch_counts(data_file):
    """``{group: (covered branches, branches)}`` from a coverage data file."""
    cov = coverage.Coverage(data_file=data_file)
    cov.load()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "coverage.json"
        cov.json_report(outfile=str(report))
        files = json.loads(report.read_text())["files"]
    counts = {group: [0, 0] for group in GROUPS}
    for path, numbers in files.items():
        counts[group_of(path)][0] += numbers["summary"]["covered_branches"]
        counts[group_of(path)][1] += numbers["summary"]["num_branches"]
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floor", type=float, default=90.0)
    parser.add_argument("--data", default=".coverage")
    args = parser.parse_args(argv)
    counts = branch_counts(args.data)
    for group in GROUPS:
        covered, total = counts[group]
        print(f"branch coverage {group:<12} {covered:5d} / {total:5d} = {100 * covered / max(total, 1):5.1f} %")
    covered = counts["API"][0] + counts["drivers"][0]
    total = counts["API"][1] + counts["drivers"][1]
    share = 100 * covered / max(total, 1)
    print(f"branch coverage API + drivers {covered} / {total} = {share:.1f} % (floor {args.floor:g} %)")
    if share < args.floor:
        print(f"FAIL: branch coverage of the API and drivers {share:.1f} % is below the floor {args.floor:g} %",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
