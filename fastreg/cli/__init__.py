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

    output = prepare_output(args.output, extensions=FEATURE_EXTENSIONS, force=args.force, what="output")
    settings = {name: getattr(args, name) for name in ("r_cut", "n_max", "l_max", "sigma") if getattr(args, name) is not None}
    return run_featurize(args.structures, output, descriptor=args.descriptor, species=args.species, settings=settings,
                         stats=args.stats, by_species=args.by_species, max_centers=args.max_centers,
                         jobs=_capped_jobs(args.jobs), seed=args.seed, skip_bad=args.skip_bad, progress=args.progress,
                         scheduler=args.scheduler)


def _predict(args):
    from ..io.safe_files import prepare_output
    from .predict import PREDICTION_EXTENSIONS, run_predict

    output = prepare_output(args.output, extensions=PREDICTION_EXTENSIONS, force=args.force, what="output")
    return run_predict(args.model, args.structures, output, coverage=args.coverage, interval=args.interval,
                       jobs=_capped_jobs(args.jobs), chunk_size=args.chunk_size, skip_bad=args.skip_bad,
                       progress=args.progress, scheduler=args.scheduler)


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

    save = None
    if args.save:
        from ..io.models import MODEL_EXTENSIONS
        from ..io.safe_files import prepare_output

        save = prepare_output(args.save, extensions=MODEL_EXTENSIONS, force=args.force, what="model file")
    return run_fit(args.features, target=args.target, model=args.model, cv=args.cv, plot=_plot_path(args.plot, args.force),
                   seed=args.seed, targets=args.targets, id_column=args.id_column, unit=args.unit, groups=args.groups,
                   save=save, intervals=args.intervals, force=args.force, scheduler=args.scheduler)


def _demo(args):
    from .demo import run_demo

    return run_demo(args.out, jobs=_capped_jobs(args.jobs), force=args.force)


def _bench(args):
    from .bench import run_bench, run_suite

    if args.quick or args.full:
        return run_suite(full=args.full, out=args.out, compare=args.compare, force=args.force)
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
        "featurize", help="pool per-atom descriptors (SOAP by default) of structure files into one row per structure",
        description="Read structures from files, folders and glob patterns (any ASE-readable format: CIF, POSCAR, "
        "extxyz, multi-frame files), describe them with a periodic dscribe descriptor, pool per structure and "
        "write X, feature names, structure ids, the descriptor settings and the numeric targets found in "
        "atoms.info to an .npz file, or row chunk by row chunk to a .zarr folder.")
    featurize.add_argument("structures", nargs="+", metavar="STRUCTURES", help="structure files, folders or glob patterns")
    featurize.add_argument("-o", "--output", required=True, help="output .npz or .zarr (.npz is added if missing)")
    featurize.add_argument("--force", action="store_true", help="replace an existing output")
    featurize.add_argument("--descriptor", default="soap", choices=DESCRIPTORS, help="dscribe descriptor (default soap)")
    featurize.add_argument("--species", type=_species, default=None, metavar="A,B,...",
                           help="elements the model may meet (default: those of the structures)")
    featurize.add_argument("--r-cut", type=_positive_float, default=None, metavar="Å", help="cut-off radius (SOAP, ACSF; default 5)")
    featurize.add_argument("--n-max", type=_positive_int, default=None, metavar="N", help="SOAP radial basis size (default 4)")
    featurize.add_argument("--l-max", type=_non_negative_int, default=None, metavar="L", help="SOAP angular degree (default 3)")
    featurize.add_argument("--sigma", type=_positive_float, default=None, metavar="Å", help="SOAP Gaussian width (default 0.5)")
    featurize.add_argument("--stats", type=_stats, default=("mean",), help="comma-separated: mean,sum,min,max,std,range,power:p (default mean)")
    featurize.add_argument("--by-species", action="store_true", help="pool each centre species separately")
    featurize.add_argument("--max-centers", type=_positive_int, default=None, metavar="N",
                           help="at most N random centres per structure")
    featurize.add_argument("--jobs", type=_positive_int, default=1, metavar="N",
                           help="worker processes (default 1; at most the cores available)")
    featurize.add_argument("--seed", type=int, default=0, help="seed of the centre subsampling (default 0)")
    featurize.add_argument("--skip-bad", action="store_true", help="skip unreadable files (listed on stderr) instead of stopping")
    featurize.add_argument("--progress", action="store_true", help="show a progress bar")
    featurize.add_argument("--scheduler", metavar="ADDRESS", default=None,
                           help="featurize on a Dask cluster (tcp://host:8786; 'local' starts one on this machine)")
    featurize.set_defaults(run=_featurize)

    fit = commands.add_parser(
        "fit", help="fit a model on featurized structures, report it against a mean baseline, save it",
        description="Standardise the features, fit the model, and print held-out (or cross-validated, optionally "
        "grouped) MAE, RMSE and R² beside a mean predictor, and the largest coefficients with their feature "
        "names. --save writes the whole model (descriptor settings, scaler, regressor, applicability domain, "
        "target and unit) to a .skops file for 'fastreg predict'.")
    fit.add_argument("features", help=".npz or .zarr written by 'fastreg featurize'")
    fit.add_argument("--target", required=True, help="target name: a column of --targets, or an atoms.info key")
    fit.add_argument("--targets", metavar="CSV", default=None, help="CSV of targets, joined on --id-column")
    fit.add_argument("--id-column", default="id", help="column of --targets holding structure ids (default id)")
    fit.add_argument("--unit", default=None, help="unit of the target, e.g. eV/atom (reported and saved)")
    fit.add_argument("--groups", metavar="COLUMN", default=None,
                     help="column of --targets with group labels (composition, prototype): grouped k-fold CV")
    fit.add_argument("--model", default="ridgecv", choices=MODEL_NAMES)
    fit.add_argument("--cv", type=_folds, default=None, metavar="K", help="K-fold cross-validation (K ≥ 2) instead of one 80/20 split")
    fit.add_argument("--seed", type=int, default=0, help="seed of the split / folds (default 0)")
    fit.add_argument("--save", metavar="MODEL", default=None, help="write the model, fitted on every structure, to a .skops file")
    fit.add_argument("--intervals", default="loo", choices=("loo", "jackknife+"),
                     help="what the saved model keeps for 'predict --interval': leave-one-out residuals (loo), or also "
                     "the leave-one-out fits (jackknife+; n_features × n_structures numbers)")
    fit.add_argument("--plot", metavar="FILE", help="write a parity plot (PNG, PDF, SVG)")
    fit.add_argument("--force", action="store_true", help="replace an existing plot or model file")
    fit.add_argument("--scheduler", metavar="ADDRESS", default=None,
                     help="fit a .zarr feature file on a Dask cluster (tcp://host:8786; 'local' starts one here)")
    fit.set_defaults(run=_fit)

    predict = commands.add_parser(
        "predict", help="screen structures with a saved model: predictions, intervals, domain flags",
        description="Load a model saved by 'fastreg fit --save', stream structures from files, folders and globs "
        "in chunks (flat memory), and write one row per structure: id, prediction, lower, upper (the "
        "prediction interval), leverage, in_domain. Target, unit and coverage go in the file's header "
        "(CSV '#' lines) or metadata (Parquet).")
    predict.add_argument("model", help=".skops model file")
    predict.add_argument("structures", nargs="+", metavar="STRUCTURES", help="structure files, folders or glob patterns")
    predict.add_argument("-o", "--output", required=True, help="output .csv or .parquet (.csv is added if missing)")
    predict.add_argument("--force", action="store_true", help="replace an existing output")
    predict.add_argument("--coverage", type=_fraction, default=0.9, help="of the prediction interval (default 0.9)")
    predict.add_argument("--interval", default="loo", choices=("loo", "jackknife+"),
                         help="loo: one width from the leave-one-out residuals; jackknife+: per candidate (default loo)")
    predict.add_argument("--jobs", type=_positive_int, default=1, metavar="N", help="worker processes for featurization")
    predict.add_argument("--chunk-size", type=_positive_int, default=1000, metavar="N", help="structures per chunk (default 1000)")
    predict.add_argument("--skip-bad", action="store_true", help="skip unreadable files (listed on stderr)")
    predict.add_argument("--progress", action="store_true", help="show a progress bar")
    predict.add_argument("--scheduler", metavar="ADDRESS", default=None,
                         help="screen on a Dask cluster (tcp://host:8786; 'local' starts one on this machine)")
    predict.set_defaults(run=_predict)

    demo = commands.add_parser(
        "demo", help="the whole workflow on the shipped alloy folder: featurize, fit, save, predict",
        description="Run featurize → fit (grouped CV, saved model) → predict on the shipped folder of alloy CIF and "
        "POSCAR files, then score the screening of the 200 held-out candidates against their EMT labels.")
    demo.add_argument("--out", default="demo", metavar="FOLDER", help="folder for features, model, plot, predictions (default demo)")
    demo.add_argument("--jobs", type=_positive_int, default=1, metavar="N", help="worker processes for featurization")
    demo.add_argument("--force", action="store_true", help="replace earlier outputs in the folder")
    demo.set_defaults(run=_demo)

    bench = commands.add_parser(
        "bench", help="quick speed check against scikit-learn and NumPy on this machine",
        description="Time headline cases (OLS, batched solves, Lasso, pooling) against their peers in one "
        "process: warm-up excluded, medians, speed-ups and GB/s. --quick and --full run a checkout's "
        "pytest-benchmark suite against every installed peer and write a table and a picture.")
    bench.add_argument("--scale", type=_scale, default=0.2, help="problem size relative to the benchmark suite's (default 0.2)")
    bench.add_argument("--repeats", type=_positive_int, default=5, help="timed repeats per case (default 5)")
    suite = bench.add_mutually_exclusive_group()
    suite.add_argument("--quick", action="store_true", help="a checkout's peer benchmarks at small sizes (under 2 "
                       "minutes): writes results.md, speedups.png and results.json to --out")
    suite.add_argument("--full", action="store_true", help="every benchmark of the checkout at full size (tens of minutes)")
    bench.add_argument("--out", default="bench-results", metavar="FOLDER", help="folder for --quick/--full results "
                       "(default bench-results)")
    bench.add_argument("--compare", metavar="RESULTS_JSON", help="with --quick/--full: a previous results.json; "
                       "the table gets each median's change")
    bench.add_argument("--force", action="store_true", help="replace earlier results in --out")
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
_non_negative_int = _argument(int, lambda value: value >= 0, "a non-negative integer")
_positive_float = _argument(float, lambda value: value > 0 and value < float("inf"), "a positive number")
_fraction = _argument(float, lambda value: 0 < value < 1, "a number in (0, 1)")
_stats = _argument(lambda text: tuple(s.strip() for s in text.split(",") if s.strip()), bool, "comma-separated statistics")
_species = _argument(lambda text: [s.strip() for s in text.split(",") if s.strip()], bool, "comma-separated element symbols")
DESCRIPTORS = ("soap", "acsf", "lmbtr", "mbtr", "coulomb_matrix", "sine_matrix", "featomic_soap")
MODEL_NAMES = ("ols", "ridge", "ridgecv", "lasso", "lassocv", "gd")
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
