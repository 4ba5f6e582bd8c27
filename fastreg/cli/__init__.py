"""The ``fastreg`` command line: one subcommand per job."""

import argparse
import sys

from .. import __version__


def _bandgap(args):
    from .bandgap import run_bandgap

    return run_bandgap(plot=args.plot)


def _featurize(args):
    from .featurize import run_featurize

    stats = tuple(s.strip() for s in args.stats.split(",") if s.strip())
    return run_featurize(args.structures, args.output, stats=stats, by_species=args.by_species,
                         max_centers=args.max_centers, jobs=args.jobs, seed=args.seed, progress=args.progress)


def _fit(args):
    from .fit import run_fit

    return run_fit(args.features, target=args.target, model=args.model, cv=args.cv, plot=args.plot, seed=args.seed)


def _demo(args):
    from .demo import run_demo

    return run_demo(plot=args.plot, jobs=args.jobs)


def _bench(args):
    from .bench import run_bench

    return run_bench(scale=args.scale, repeats=args.repeats)


def build_parser():
    parser = argparse.ArgumentParser(prog="fastreg", description="Fast, trustworthy linear regression for materials descriptors.")
    parser.add_argument("--version", action="version", version=f"fastreg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    bandgap = commands.add_parser(
        "bandgap",
        help="fit Eg ≈ θ₀ + θ₁·a + θ₂·ΔEN on the shipped band-gap data",
        description="Fit band gaps of the shipped semiconductors from lattice constant and "
        "electronegativity difference, on all 12 compounds and on the tutorial's 5-compound "
        "worked example; report coefficients, sign checks and (leave-one-out) metrics.",
    )
    bandgap.add_argument("--plot", metavar="FILE", help="write a parity plot (PNG, PDF, SVG) of the 12-compound fit")
    bandgap.set_defaults(run=_bandgap)

    featurize = commands.add_parser(
        "featurize", help="pool per-atom SOAP descriptors of a structure file into one row per structure",
        description="Read structures (any ASE-readable file: extxyz, CIF, POSCAR, ASE db), describe them "
        "with a periodic SOAP, pool per structure and write X, feature names, structure ids and the numeric "
        "targets found in atoms.info to an .npz file.")
    featurize.add_argument("structures", help="structure file")
    featurize.add_argument("-o", "--output", required=True, help="output .npz file")
    featurize.add_argument("--stats", default="mean", help="comma-separated: mean,sum,min,max,std,range,power:p (default mean)")
    featurize.add_argument("--by-species", action="store_true", help="pool each centre species separately")
    featurize.add_argument("--max-centers", type=int, default=None, metavar="N", help="at most N random centres per structure")
    featurize.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    featurize.add_argument("--seed", type=int, default=0, help="seed of the centre subsampling (default 0)")
    featurize.add_argument("--progress", action="store_true", help="show a progress bar")
    featurize.set_defaults(run=_featurize)

    fit = commands.add_parser(
        "fit", help="fit a model on featurized structures and report it against a mean baseline",
        description="Standardise the features, fit the model, and print held-out (or cross-validated) MAE, "
        "RMSE and R² beside a mean predictor, and the largest coefficients with their feature names.")
    fit.add_argument("features", help=".npz file written by 'fastreg featurize'")
    fit.add_argument("--target", required=True, help="target name (an atoms.info key)")
    fit.add_argument("--model", default="ridgecv", choices=("ols", "ridge", "ridgecv", "lasso", "lassocv", "gd"))
    fit.add_argument("--cv", type=int, default=None, metavar="K", help="K-fold cross-validation instead of one 80/20 split")
    fit.add_argument("--seed", type=int, default=0, help="seed of the split / folds (default 0)")
    fit.add_argument("--plot", metavar="FILE", help="write a parity plot")
    fit.set_defaults(run=_fit)

    demo = commands.add_parser(
        "demo", help="end to end on the shipped alloys: featurize, fit, report, parity plot",
        description="Featurize the shipped EMT alloy structures with pooled SOAP, fit RidgeCV to the formation "
        "energy on 80 %% of them and report MAE/R² on the held-out 20 %% against a mean predictor.")
    demo.add_argument("--plot", default="demo_parity.png", metavar="FILE", help="parity plot (default demo_parity.png)")
    demo.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes for featurization")
    demo.set_defaults(run=_demo)

    bench = commands.add_parser(
        "bench", help="quick speed check against scikit-learn and NumPy on this machine",
        description="Time headline cases (OLS, batched solves, Lasso, pooling) against their peers in one "
        "process: warm-up excluded, medians, speed-ups and GB/s. The full suite is 'make bench' in a checkout.")
    bench.add_argument("--scale", type=float, default=0.2, help="problem size relative to the benchmark suite's (default 0.2)")
    bench.add_argument("--repeats", type=int, default=5, help="timed repeats per case (default 5)")
    bench.set_defaults(run=_bench)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except (ValueError, OSError, ImportError) as error:
        print(f"fastreg {args.command}: error: {error}", file=sys.stderr)
        return 2
