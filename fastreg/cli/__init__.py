"""The ``fastreg`` command line: one subcommand per job.

A failure is one line on stderr and an exit code: 2 for bad arguments, 1 for
bad input or a failed job, 130 after Ctrl-C, 143 after SIGTERM, 141 when the
reader of our output goes away (``| head``). ``--debug`` shows the traceback.
"""

import argparse
import os
import signal
import sys

from .. import __version__

PLOT_EXTENSIONS = (".png", ".pdf", ".svg")


class Terminated(BaseException):
    """SIGTERM arrived: unwind (temporary files are removed, workers stopped), then exit 143.

    A ``BaseException``, like ``KeyboardInterrupt``, so that no ``except Exception`` on the way
    (a file reader's, a library's) mistakes it for an input error.
    """


def _raise_terminated(signum, frame):
    raise Terminated()


def _plot_path(path, force):
    """Check a --plot destination before the work starts."""
    if not path:
        return None
    from ..io.safe_files import prepare_output

    return str(prepare_output(path, extensions=PLOT_EXTENSIONS, force=force, what="plot"))


def _bandgap(args):
    from .bandgap import run_bandgap

    return run_bandgap(plot=_plot_path(args.plot, args.force))


def _featurize(args):
    from ..io.features import FEATURE_EXTENSIONS
    from ..io.safe_files import prepare_output
    from .featurize import run_featurize

    stats = tuple(s.strip() for s in args.stats.split(",") if s.strip())
    output = prepare_output(args.output, extensions=FEATURE_EXTENSIONS, force=args.force, what="output")
    return run_featurize(args.structures, output, stats=stats, by_species=args.by_species,
                         max_centers=args.max_centers, jobs=_capped_jobs(args.jobs), seed=args.seed,
                         progress=args.progress)


def _capped_jobs(jobs):
    """--jobs beyond the cores this process may use only costs memory: cap it, and say so."""
    from .._solvers.memory import available_cores

    available = available_cores()
    if jobs > available:
        print(f"note: --jobs {jobs} lowered to the {available} cores available", file=sys.stderr)
        return available
    return jobs


def _fit(args):
    from .fit import run_fit

    return run_fit(args.features, target=args.target, model=args.model, cv=args.cv,
                   plot=_plot_path(args.plot, args.force), seed=args.seed)


def _demo(args):
    from .demo import run_demo

    return run_demo(plot=_plot_path(args.plot, args.force), jobs=_capped_jobs(args.jobs))


def _bench(args):
    from .bench import run_bench

    return run_bench(scale=args.scale, repeats=args.repeats)


def build_parser():
    parser = argparse.ArgumentParser(prog="fastreg", description="Fast, trustworthy linear regression for materials descriptors.")
    parser.add_argument("--version", action="version", version=f"fastreg {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    bandgap = commands.add_parser(
        "bandgap",
        help="fit Eg ≈ θ₀ + θ₁·a + θ₂·ΔEN on the shipped band-gap data",
        description="Fit band gaps of the shipped semiconductors from lattice constant and "
        "electronegativity difference, on all 12 compounds and on the tutorial's 5-compound "
        "worked example; report coefficients, sign checks and (leave-one-out) metrics.",
    )
    bandgap.add_argument("--plot", metavar="FILE", help="write a parity plot (PNG, PDF, SVG) of the 12-compound fit")
    bandgap.add_argument("--force", action="store_true", help="replace an existing plot")
    bandgap.set_defaults(run=_bandgap)

    featurize = commands.add_parser(
        "featurize", help="pool per-atom SOAP descriptors of a structure file into one row per structure",
        description="Read structures (any ASE-readable file: extxyz, CIF, POSCAR, ASE db), describe them "
        "with a periodic SOAP, pool per structure and write X, feature names, structure ids and the numeric "
        "targets found in atoms.info to an .npz file.")
    featurize.add_argument("structures", help="structure file")
    featurize.add_argument("-o", "--output", required=True, help="output .npz file (.npz is added if missing)")
    featurize.add_argument("--force", action="store_true", help="replace an existing output file")
    featurize.add_argument("--stats", default="mean", help="comma-separated: mean,sum,min,max,std,range,power:p (default mean)")
    featurize.add_argument("--by-species", action="store_true", help="pool each centre species separately")
    featurize.add_argument("--max-centers", type=_positive_int, default=None, metavar="N",
                           help="at most N random centres per structure")
    featurize.add_argument("--jobs", type=_positive_int, default=1, metavar="N",
                           help="worker processes (default 1; at most the cores available)")
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
    fit.add_argument("--cv", type=_folds, default=None, metavar="K", help="K-fold cross-validation (K ≥ 2) instead of one 80/20 split")
    fit.add_argument("--seed", type=int, default=0, help="seed of the split / folds (default 0)")
    fit.add_argument("--plot", metavar="FILE", help="write a parity plot (PNG, PDF, SVG)")
    fit.add_argument("--force", action="store_true", help="replace an existing plot")
    fit.set_defaults(run=_fit)

    demo = commands.add_parser(
        "demo", help="end to end on the shipped alloys: featurize, fit, report, parity plot",
        description="Featurize the shipped EMT alloy structures with pooled SOAP, fit RidgeCV to the formation "
        "energy on 80 %% of them and report MAE/R² on the held-out 20 %% against a mean predictor.")
    demo.add_argument("--plot", default="demo_parity.png", metavar="FILE", help="parity plot (default demo_parity.png)")
    demo.add_argument("--jobs", type=_positive_int, default=1, metavar="N", help="worker processes for featurization")
    demo.add_argument("--force", action="store_true", help="replace an existing plot")
    demo.set_defaults(run=_demo)

    bench = commands.add_parser(
        "bench", help="quick speed check against scikit-learn and NumPy on this machine",
        description="Time headline cases (OLS, batched solves, Lasso, pooling) against their peers in one "
        "process: warm-up excluded, medians, speed-ups and GB/s. The full suite is 'make bench' in a checkout.")
    bench.add_argument("--scale", type=_scale, default=0.2, help="problem size relative to the benchmark suite's (default 0.2)")
    bench.add_argument("--repeats", type=_positive_int, default=5, help="timed repeats per case (default 5)")
    bench.set_defaults(run=_bench)
    return parser


def _argument(convert, accept, expected):
    """An argparse ``type``: ``convert`` the text, then require ``accept(value)``; else say ``expected``."""

    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not accept(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_positive_int = _argument(int, lambda value: value >= 1, "a positive integer")
_scale = _argument(float, lambda value: 0 < value <= 1, "a number in (0, 1]")
_folds = _argument(int, lambda value: value >= 2, "at least 2 folds")


def main(argv=None):
    args = build_parser().parse_args(argv)  # argument errors: usage and exit 2, from argparse
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if _main_thread() else None
    name = f"fastreg {args.command}"
    try:
        return args.run(args) or 0
    except KeyboardInterrupt:
        if args.debug:
            raise
        print(f"{name}: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        if args.debug:
            raise
        print(f"{name}: terminated", file=sys.stderr)
        return 143
    except BrokenPipeError:
        # the reader went away (| head): point stdout at /dev/null so the exit flush is silent
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 141
    except Exception as error:  # every other failure: one line, not a traceback
        if args.debug:
            raise
        plain = type(error) is ValueError or isinstance(error, OSError)  # fastreg's own messages say it all
        kind = "" if plain else f"{type(error).__name__}: "
        print(f"{name}: error: {kind}{error}".splitlines()[0], file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread():
    import threading

    return threading.current_thread() is threading.main_thread()
