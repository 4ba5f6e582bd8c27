"""``fastreg demo``: the end-to-end job on the shipped alloys."""

import time

from .fit import evaluate

TARGET = "formation_energy_per_atom"


def run_demo(*, plot="demo_parity.png", jobs=1, out=print):
    from ..datasets import load_alloys
    from ..descriptors import featurize

    start = time.perf_counter()
    structures = load_alloys()
    out(f"loaded {len(structures)} EMT alloy structures ({sum(len(s) for s in structures)} atoms) "
        "from data/alloys.extxyz")
    X, names = featurize(structures, stats=("mean", "std"), n_jobs=jobs)
    y = [s.info[TARGET] for s in structures]
    out(f"featurized with SOAP (mean and std pooling) into {X.shape[1]} features "
        f"in {time.perf_counter() - start:.1f} s")
    import numpy as np

    evaluate(X, np.asarray(y), names, model="ridgecv", seed=0, unit="eV/atom", plot=plot, out=out,
             title="EMT formation energy: RidgeCV on pooled SOAP")
    out(f"done in {time.perf_counter() - start:.1f} s")
    return 0
