"""Print the benchmark table: median time, ratio against each peer in the same run, GB/s, GFLOP/s.

Usage: python benchmarks/report.py BENCHMARK_JSON
"""

import json
import sys
from collections import defaultdict


def main(path):
    with open(path) as handle:
        runs = json.load(handle)["benchmarks"]
    cases = defaultdict(list)
    for run in runs:
        info = run["extra_info"]
        cases[info["case"]].append((info["impl"], run["stats"]["median"], info))
    lines = []
    for case, rows in cases.items():
        ours = [r for r in rows if r[0].startswith("fastreg")]
        peers = [r for r in rows if not r[0].startswith("fastreg")]
        lines.append(f"\n### {case}\n")
        header = ["implementation", "median", *(f"speed-up vs {p[0]}" for p in peers), "GB/s", "GFLOP/s"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for impl, median, info in ours + peers:
            ratios = "".join(f"{peer_median / median:.2f}x | " for _, peer_median, _ in peers)
            gbs = f"{info['bytes'] / median / 1e9:.1f}" if info.get("bytes") else "–"
            gflops = f"{info['flops'] / median / 1e9:.1f}" if info.get("flops") else "–"
            extra = f" (cold compile {info['cold_compile_seconds']} s)" if "cold_compile_seconds" in info else ""
            lines.append(f"| {impl}{extra} | {_fmt(median)} | {ratios}{gbs} | {gflops} |")
    print("\n".join(lines))


def _fmt(seconds):
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    main(sys.argv[1])
