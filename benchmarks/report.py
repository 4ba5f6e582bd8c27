"""Turn a pytest-benchmark JSON into ``results.md`` (a table) and ``speedups.png`` (ratio bars).

Usage: python benchmarks/report.py RUN.json [--out DIR] [--compare OLD.json] [--skipped SKIPS.json]

For each case (problem shape): every implementation's median, fastreg's speed-up over it
(its time / fastreg's), its speed against scikit-learn (scikit-learn's time / its time; the
picture plots this), GB/s and GFLOP/s, and, with ``--compare``, the change of each median
against a previous run. A peer that beats fastreg is marked; skipped peers are listed with the
reason; the machine and the library versions come from the run itself.
"""

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path


def load_cases(path):
    runs = json.loads(Path(path).read_text())
    cases = defaultdict(dict)
    for run in runs["benchmarks"]:
        info = run["extra_info"]
        cases[info["case"]][info["impl"]] = (run["stats"]["median"], info)
    return runs, cases


def is_ours(impl):
    """fastreg in any configuration ("Python loop over fastreg.Ridge" too): not a peer."""
    return "fastreg" in impl


def is_baseline(impl):
    return impl == "scikit-learn" or (impl.startswith("sklearn.") and "sparse_cg" not in impl)


def ours_and_baseline(rows):
    """fastreg's first entry of a case and scikit-learn's median (None where either is absent)."""
    ours = next((impl for impl in rows if is_ours(impl)), None)
    baseline = next((rows[impl][0] for impl in rows if is_baseline(impl)), None)
    return ours, baseline


def table(cases, previous=None):
    lines = []
    for case, rows in cases.items():
        ours, baseline = ours_and_baseline(rows)
        if ours is None:
            continue
        ours_time = rows[ours][0]
        lines += [f"\n### {case}\n",
                  "| implementation | median | fastreg's speed-up | × scikit-learn | GB/s | GFLOP/s | agreement |"
                  + (" vs previous |" if previous else ""),
                  "|---|---|---|---|---|---|---|" + ("---|" if previous else "")]
        for impl, (median, info) in sorted(rows.items(), key=lambda item: item[1][0]):
            speedup = "" if is_ours(impl) else f"{median / ours_time:.2f}×"
            if not is_ours(impl) and not impl.startswith("read") and median < ours_time:
                speedup += " **peer faster**"  # a memory-read reference is a limit, not a peer
            against = f"{baseline / median:.2f}×" if baseline else "–"
            gbs = f"{info['bytes'] / median / 1e9:.1f}" if info.get("bytes") else "–"
            gflops = f"{info['flops'] / median / 1e9:.1f}" if info.get("flops") else "–"
            agree = accuracy(info)
            row = f"| {impl} | {_fmt(median)} | {speedup or '–'} | {against} | {gbs} | {gflops} | {agree} |"
            if previous:
                old = previous.get(case, {}).get(impl)
                row += f" {old[0] / median:.2f}× |" if old else " new |"
            lines.append(row)
    return lines


def accuracy(info):
    """The answer's agreement with fastreg's, else the duality gap it reached (relative to ‖y‖²/n)."""
    if "agreement" in info:
        return f"{info['agreement']:.0e}"
    if "max_relative_gap" in info:
        return f"gap {info['max_relative_gap']:.0e}"
    return "–"


def summary(cases):
    """One row per case: fastreg's time and its speed against scikit-learn, and the fastest peer's."""
    lines = ["| problem | fastreg | fastreg × scikit-learn | fastest peer | its × scikit-learn | fastreg vs it "
             "| its agreement |", "|---|---|---|---|---|---|---|"]
    for case, rows in cases.items():
        ours, baseline = ours_and_baseline(rows)
        if ours is None:
            continue
        ours_time = rows[ours][0]
        peers = [(median, impl, info) for impl, (median, info) in rows.items()
                 if not is_ours(impl) and not impl.startswith("read")]
        if not peers:
            continue
        best_time, best, info = min(peers, key=lambda peer: peer[0])
        agree = accuracy(info)
        against = (lambda t: f"{baseline / t:.2f}×") if baseline else (lambda t: "–")
        verdict = f"{best_time / ours_time:.2f}×" + (" **peer faster**" if best_time < ours_time else "")
        lines.append(f"| {case} | {_fmt(ours_time)} | {against(ours_time)} | {best} | {against(best_time)} | {verdict} "
                     f"| {agree} |")
    return lines


def header(runs, skipped):
    machine = runs["machine_info"]
    cpu = machine.get("cpu", {})
    versions = machine.get("versions", {})
    lines = ["# Benchmark results", "",
             f"Run {runs.get('datetime', '?')[:19]} on {cpu.get('brand_raw', machine.get('processor', '?'))}, "
             f"{cpu.get('count', '?')} logical cores, Python {machine.get('python_version', '?')}"
             + (f", scale {machine['scale']}" if "scale" in machine else "") + ".",
             "Medians; warm-up and compilation excluded; every ratio is from this one run. "
             "*fastreg's speed-up* is the implementation's time over fastreg's (below 1: the peer is "
             "faster, marked); *× scikit-learn* is scikit-learn's time over the implementation's. "
             "*agreement* is max |Δcoef| / max |coef| against fastreg's answer (\"gap\": the largest "
             "duality gap reached along the path, relative to ‖y‖²/n, where the benchmark records that instead).",
             ""]
    if versions:
        lines.append("Versions: " + ", ".join(f"{name} {version}" for name, version in sorted(versions.items())) + ".")
    if skipped:
        lines += ["", "## Skipped", "", "| benchmark | reason |", "|---|---|"]
        lines += [f"| {test} | {reason} |" for test, reason in skipped]
    return lines


def family(impl):
    """The library an implementation belongs to: one colour per library in the picture."""
    if is_ours(impl):
        return "fastreg"
    head = impl.split()[0].split(".")[0]
    return {"sklearn": "scikit-learn"}.get(head, head)


def picture(cases, path):
    """Bars of each library's speed against scikit-learn, per case, log scale (its first entry per case)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    bars = {}
    for case, rows in cases.items():
        ours, baseline = ours_and_baseline(rows)
        if baseline is None or ours is None:
            continue
        entries = {}
        for impl, (median, _) in rows.items():
            if not is_baseline(impl) and not impl.startswith("read") and family(impl) not in entries:
                entries[family(impl)] = baseline / median
        bars[case] = entries
    families = sorted({f for entries in bars.values() for f in entries}, key=lambda f: (f != "fastreg", f))
    colours = {f: plt.get_cmap("tab10").colors[k % 10] for k, f in enumerate(families)}
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(bars) + 1.2))
    for row, entries in enumerate(bars.values()):
        height = 0.8 / len(entries)
        for slot, (name, speed) in enumerate(sorted(entries.items(), key=lambda e: families.index(e[0]))):
            ax.barh(row - 0.4 + (slot + 0.5) * height, speed, height=height, color=colours[name], label=name)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(np.arange(len(bars)), list(bars), fontsize=8)
    ax.set_ylim(len(bars) - 0.5, -0.5)
    ax.set_xlabel("speed against scikit-learn (scikit-learn's time / the library's time; log scale)")
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    ax.legend(unique.values(), unique.keys(), loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


README_START, README_END = "<!-- benchmark summary: start -->", "<!-- benchmark summary: end -->"


def readme_section(runs, cases):
    """The README's view of the run: the picture and the summary table, between two markers."""
    machine = runs["machine_info"]
    cpu = machine.get("cpu", {}).get("brand_raw", machine.get("processor", "?"))
    return "\n".join([README_START,
                      f"Latest full run ({runs.get('datetime', '?')[:10]}, {cpu}, "
                      f"{machine.get('cpu', {}).get('count', '?')} cores; every ratio from that one run; "
                      "the whole table with GB/s, GFLOP/s, versions and skipped peers is "
                      "[`benchmarks/results.md`](benchmarks/results.md)):", "",
                      "![speed against scikit-learn, per problem and library](benchmarks/speedups.png)", "",
                      *summary(cases), README_END])


def update_readme(path, runs, cases):
    """Replace the README's block between the two markers; a README without them is left alone."""
    text = path.read_text()
    if README_START not in text or README_END not in text:
        return False
    before, rest = text.split(README_START, 1)
    after = rest.split(README_END, 1)[1]
    write(path, before + readme_section(runs, cases) + after)
    return True


def write(path, text):
    """Complete or untouched: a temporary file, then a rename."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    temporary.replace(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("--out", type=Path, help="folder for results.md and speedups.png (default: print the table)")
    parser.add_argument("--compare", help="a previous run's JSON: add each median's change")
    parser.add_argument("--skipped", help="JSON list of [benchmark, reason] pairs")
    parser.add_argument("--readme", type=Path, help="a README whose benchmark block (between the markers) to replace")
    args = parser.parse_args(argv)
    runs, cases = load_cases(args.run)
    previous = load_cases(args.compare)[1] if args.compare else None
    skipped = json.loads(Path(args.skipped).read_text()) if args.skipped and Path(args.skipped).exists() else []
    text = "\n".join(header(runs, skipped) + ["", "## Summary", ""] + summary(cases) + ["", "## Results"]
                     + table(cases, previous)) + "\n"
    if args.out is None:
        print(text)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out / "results.md", text)
    figure = args.out / "speedups.png"
    picture(cases, figure.with_name("speedups.tmp.png"))
    figure.with_name("speedups.tmp.png").replace(figure)
    if args.readme is not None and update_readme(args.readme, runs, cases):
        print(f"updated the benchmark summary in {args.readme}")
    print(f"wrote {args.out / 'results.md'} and {figure}")
    return 0


def _fmt(seconds):
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    sys.exit(main())
