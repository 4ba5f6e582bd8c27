"""Feature files written by ``fastreg featurize`` and read by ``fastreg fit``."""

import zipfile

import numpy as np

from .safe_files import atomic_write

FEATURE_EXTENSIONS = (".npz",)

def save_features(path, X, feature_names, ids, targets):
    """Write a feature file: X, feature names, structure ids and the named targets (.npz).

    The file is complete or untouched (:func:`~fastreg.io.safe_files.atomic_write`).
    """
    with atomic_write(path) as handle:
        np.savez_compressed(handle, X=X, feature_names=np.array(feature_names), ids=np.asarray(ids),
                            target_names=np.array(sorted(targets)),
                            **{f"target_{k}": v for k, v in targets.items()})


def load_features(path, target):
    """``(X, y, feature_names)`` from a ``fastreg featurize`` file; a missing target lists the others."""
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise ValueError(f"cannot read features from {path}: {type(error).__name__}: {error}") from None
    if not hasattr(data, "files"):
        raise ValueError(f"{path} is not a feature file: it holds one array, not an .npz archive.")
    missing = [name for name in ("X", "feature_names") if name not in data.files]
    if missing:
        raise ValueError(f"{path} is not a fastreg feature file: it lacks {', '.join(missing)}.")
    available = [str(name) for name in data["target_names"]] if "target_names" in data.files else []
    if target not in available:
        raise ValueError(f"{path} has no target {target!r}; available: {', '.join(available) or 'none'}.")
    try:
        X, y, names = data["X"], data[f"target_{target}"], [str(n) for n in data["feature_names"]]
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as error:
        raise ValueError(f"{path} is damaged: {type(error).__name__}: {error}") from None
    if X.ndim != 2 or len(names) != X.shape[1] or y.shape != (X.shape[0],):
        raise ValueError(f"{path} is inconsistent: X has shape {X.shape}, {len(names)} feature names, "
                         f"target {target!r} has shape {y.shape}.")
    return X, y, names
