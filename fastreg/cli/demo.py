"""``fastreg demo``: the whole workflow on the shipped alloy folder, as the README's commands."""

import csv
import shlex
import time
from pathlib import Path

import numpy as np

TARGET = "formation_energy_per_atom"


def demo_commands(data, out, *, jobs=1, force=False):
    """The workflow as ``fastreg`` argument lists: featurize → fit (grouped CV, saved) → predict."""
    again = ["--force"] if force else []
    return [
        ["featurize", f"{data}/train", "-o", f"{out}/features.npz", "--stats", "mean,std", "--jobs", str(jobs), *again],
        ["fit", f"{out}/features.npz", "--targets", f"{data}/targets.csv", "--target", TARGET, "--unit", "eV/atom",
         "--groups", "chemical_system", "--save", f"{out}/model.skops", "--plot", f"{out}/parity.png", *again],
        ["predict", f"{out}/model.skops", f"{data}/candidates", "-o", f"{out}/predictions.csv", "--jobs", str(jobs),
         *again],
    ]


def run_demo(out="demo", *, jobs=1, force=False, echo=print):
    from ..datasets._files import data_path
    from . import build_parser

    start = time.perf_counter()
    data = data_path("alloys")
    Path(out).mkdir(parents=True, exist_ok=True)
    parser = build_parser()
    for argv in demo_commands(data, out, jobs=jobs, force=force):
        echo(f"\n$ fastreg {shlex.join(argv)}")
        args = parser.parse_args(argv)
        status = args.run(args)
        if status:
            return status
    echo("")
    score_screening(Path(out) / "predictions.csv", data / "targets.csv", echo=echo)
    echo(f"done in {time.perf_counter() - start:.1f} s; outputs in {out}/")
    return 0


def score_screening(predictions, targets, *, echo=print):
    """How the screened candidates' predictions and intervals compare with their (held-back) labels."""
    with open(targets, newline="") as handle:
        truth = {row["id"]: float(row[TARGET]) for row in csv.DictReader(handle)}
    with open(predictions, newline="") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    y = np.array([truth[row["id"]] for row in rows])
    prediction = np.array([float(row["prediction"]) for row in rows])
    inside = np.array([float(row["lower"]) <= t <= float(row["upper"]) for row, t in zip(rows, y)])
    in_domain = np.array([row["in_domain"] == "true" for row in rows])
    echo(f"screening of {len(rows)} held-out candidates against their EMT labels: "
         f"MAE = {np.mean(np.abs(prediction - y)) * 1000:.1f} meV/atom (mean predictor "
         f"{np.mean(np.abs(y - y.mean())) * 1000:.1f}), interval coverage {inside.mean():.0%} "
         f"(nominal 90%), {int(np.sum(~in_domain))} flagged outside the domain")
