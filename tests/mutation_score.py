"""Mutation score per module from the last ``make mutate`` run, and the surviving mutants' diffs.

    python tests/mutation_score.py            # the table tests/README.md quotes
    python tests/mutation_score.py --diffs    # and each survivor's one-line change
"""

import argparse
import collections
import re
import subprocess
import sys
from pathlib import Path

MUTMUT = Path(sys.executable).with_name("mutmut")
LINE = re.compile(r"\s*(?P<name>\S+?)__mutmut_\d+: (?P<status>.+)")


def results():
    """``{mutant name: status}`` as mutmut reports it."""
    out = subprocess.run([MUTMUT, "results", "--all", "true"], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        match = LINE.match(line)
        if match:
            found[line.split(":")[0].strip()] = match["status"].strip()
    return found


def module_of(name):
    # fastreg.domain.xǁApplicabilityDomainǁfit__mutmut_3 → fastreg/domain.py
    return re.sub(r"\.x[_ǁ].*", "", name).replace(".", "/") + ".py"


def table(statuses):
    by_module = collections.defaultdict(collections.Counter)
    for name, status in statuses.items():
        by_module[module_of(name)][status] += 1
    lines = ["| module | killed | survived | no test |", "|---|---|---|---|"]
    total = collections.Counter()
    for module, counts in sorted(by_module.items()):
        total += counts
        lines.append(_row(f"`{module.removeprefix('fastreg/')}`", counts))
    lines.append(_row("all", total, bold=True))
    return "\n".join(lines)


def _row(label, counts, bold=False):
    n = sum(counts.values())
    killed = n - counts["survived"] - counts["no tests"]  # killed, timed out or crashed: the tests noticed
    score = f"{killed:,} / {n:,} ({100 * killed / n:.1f} %)"
    return f"| {label} | {f'**{score}**' if bold else score} | {counts['survived']} | {counts['no tests']} |"


def diff(name):
    shown = subprocess.run([MUTMUT, "show", name], capture_output=True, text=True).stdout
    return [line for line in shown.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diffs", action="store_true", help="print each surviving mutant's change")
    args = parser.parse_args()
    statuses = results()
    if not statuses:
        sys.exit("no mutmut results here: run `make mutate` first")
    print(table(statuses))
    if args.diffs:
        for name, status in statuses.items():
            if status in ("survived", "no tests"):
                print(f"\n{name} ({status})")
                print("\n".join(diff(name)))


if __name__ == "__main__":
    main()
