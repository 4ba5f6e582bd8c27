"""``fastreg featurize``: structures file → pooled descriptor matrix (.npz)."""

import time

import numpy as np

from ..io.features import save_features
from ..io.structures import numeric_targets, read_structures


def run_featurize(path, output, *, stats, by_species, max_centers, jobs, seed, progress, out=print):
    from ..descriptors._featurize import featurize_with_info

    start = time.perf_counter()
    X, names, infos = featurize_with_info(read_structures(path), stats=stats, by_species=by_species,
                                          max_centers=max_centers, random_state=seed, n_jobs=jobs,
                                          progress=progress)
    ids = np.array([info.get("id", k) for k, info in enumerate(infos)])
    targets = numeric_targets(infos)
    save_features(output, X, names, ids, targets)
    out(f"featurized {X.shape[0]} structures into {X.shape[1]} features in {time.perf_counter() - start:.1f} s")
    out(f"targets found in atoms.info: {', '.join(sorted(targets)) or 'none'}")
    out(f"wrote {output}")
    return 0
