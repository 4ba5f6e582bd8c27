"""``fastreg featurize``: structures file → pooled descriptor matrix (.npz)."""

import numbers
import time

import numpy as np


def read_structures(path):
    """Stream structures from any ASE-readable file; unreadable files name path and reason."""
    try:
        from ase.io import iread
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("reading structures needs ASE: pip install 'fastreg[materials]'") from None
    try:
        stream = iread(str(path), index=":")
        first = next(stream)
    except StopIteration:
        raise ValueError(f"{path}: the file holds no structures.") from None
    except Exception as error:  # ASE raises many kinds for unreadable input
        raise ValueError(f"cannot read structures from {path}: {type(error).__name__}: {error}") from None

    def all_structures():
        yield first
        yield from stream

    return all_structures()


def numeric_targets(infos):
    """Numeric ``atoms.info`` keys present in every structure → arrays."""
    if not infos:
        return {}
    keys = set(infos[0])
    for info in infos[1:]:
        keys &= set(info)
    targets = {}
    for key in sorted(keys - {"id"}):
        values = [info[key] for info in infos]
        if all(isinstance(v, (numbers.Real, np.number)) and not isinstance(v, bool) for v in values):
            targets[key] = np.asarray(values, dtype=np.float64)
    return targets


def run_featurize(path, output, *, stats, by_species, max_centers, jobs, seed, progress, out=print):
    from .descriptors._featurize import featurize_with_info

    start = time.perf_counter()
    X, names, infos = featurize_with_info(read_structures(path), stats=stats, by_species=by_species,
                                          max_centers=max_centers, random_state=seed, n_jobs=jobs,
                                          progress=progress)
    ids = np.array([info.get("id", k) for k, info in enumerate(infos)])
    targets = numeric_targets(infos)
    np.savez_compressed(output, X=X, feature_names=np.array(names), ids=ids,
                        target_names=np.array(sorted(targets)), **{f"target_{k}": v for k, v in targets.items()})
    out(f"featurized {X.shape[0]} structures into {X.shape[1]} features in {time.perf_counter() - start:.1f} s")
    out(f"targets found in atoms.info: {', '.join(sorted(targets)) or 'none'}")
    out(f"wrote {output}")
    return 0


def load_features(path, target):
    """``(X, y, feature_names)`` from a ``fastreg featurize`` file; a missing target lists the others."""
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read features from {path}: {error}") from None
    available = [str(name) for name in data["target_names"]] if "target_names" in data else []
    if target not in available:
        raise ValueError(f"{path} has no target {target!r}; available: {', '.join(available) or 'none'}.")
    return data["X"], data[f"target_{target}"], [str(n) for n in data["feature_names"]]
