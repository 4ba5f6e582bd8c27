"""Feature files written by ``fastreg featurize`` and read by ``fastreg fit``."""

import numpy as np


def save_features(path, X, feature_names, ids, targets):
    """Write a feature file: X, feature names, structure ids and the named targets (.npz)."""
    np.savez_compressed(path, X=X, feature_names=np.array(feature_names), ids=np.asarray(ids),
                        target_names=np.array(sorted(targets)),
                        **{f"target_{k}": v for k, v in targets.items()})


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
