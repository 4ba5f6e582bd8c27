"""Feature files written by ``fastreg featurize`` and read by ``fastreg fit``.

``.npz`` holds a small set in one compressed archive. ``.zarr`` (a folder) is
written chunk of rows by chunk, so featurizing any number of structures keeps
memory flat, and is read back chunk by chunk.
"""

import json
import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .safe_files import atomic_write

FEATURE_EXTENSIONS = (".npz", ".zarr")
ZARR_ROWS = 1024  # rows per stored chunk


@dataclass
class FeatureSet:
    """The contents of a feature file.

    Parameters
    ----------
    X : ndarray or zarr array of shape (n_structures, n_features)
        An ndarray (``.npz``), or a zarr array read lazily, chunk by chunk (``.zarr``).
    feature_names : list of str
        One per column.
    ids : list of str
        One per structure (row).
    targets : dict of str to ndarray
        Numeric labels found in the structures (``atoms.info``), by name.
    descriptor : dict or None, default=None
        :meth:`fastreg.descriptors.PooledDescriptor.settings` of the featurizer.
    path : str, default=""
        The file read.
    units : dict, default={}
        Unit of each target, where known.
    """

    X: object
    feature_names: list
    ids: list
    targets: dict
    descriptor: dict | None = None
    path: str = ""
    units: dict = field(default_factory=dict)

    def target(self, name):
        """Return one target's values, or fail listing the targets the file has.

        Parameters
        ----------
        name : str
            The target's name.

        Returns
        -------
        values : ndarray of shape (n_structures,)
            The target, in row order.
        """
        if name not in self.targets:
            raise ValueError(f"{self.path} has no target {name!r}; available: {', '.join(sorted(self.targets)) or 'none'}.")
        return self.targets[name]

    @property
    def on_disk(self):
        """Whether X is read from disk chunk by chunk (a .zarr file) rather than held in memory."""
        return not isinstance(self.X, np.ndarray)

    def in_memory(self, rows=None, *, why=""):
        """Return ``X[rows]`` as an ndarray, after checking that it fits in memory.

        Parameters
        ----------
        rows : array-like of int, optional
            Rows to take (all when None).
        why : str, default=""
            What to do instead, for the memory error's message.

        Returns
        -------
        X : ndarray of shape (n_rows, n_features)
            The rows, in memory.
        """
        if not self.on_disk:
            return self.X if rows is None else self.X[rows]
        from .._solvers.memory import require_memory

        n_rows = self.X.shape[0] if rows is None else len(rows)
        require_memory(8 * n_rows * self.X.shape[1], f"the {n_rows:,} × {self.X.shape[1]:,} features of {self.path}", why)
        return np.concatenate([block for _, block in self.row_chunks(rows)])

    def row_chunks(self, rows=None, chunk_rows=ZARR_ROWS):
        """Read rows chunk by chunk.

        Parameters
        ----------
        rows : array-like of int, optional
            Rows to read (all when None).
        chunk_rows : int, default=ZARR_ROWS
            Rows per chunk.

        Yields
        ------
        positions : ndarray of int
            Positions in ``rows`` of this chunk.
        block : ndarray of shape (n_chunk, n_features)
            ``X[rows[positions]]``.
        """
        n = self.X.shape[0]
        rows = np.arange(n) if rows is None else np.asarray(rows)
        for start in range(0, len(rows), chunk_rows):
            positions = np.arange(start, min(start + chunk_rows, len(rows)))
            wanted = rows[positions]
            low, high = int(wanted.min()), int(wanted.max()) + 1
            yield positions, np.asarray(self.X[low:high])[wanted - low]


def save_features(path, X, feature_names, ids, targets, descriptor=None):
    """Write a feature file: X, feature names, structure ids, named targets and the descriptor settings.

    The file is complete or untouched (:func:`~fastreg.io.safe_files.atomic_write`).

    Parameters
    ----------
    path : str or Path
        ``.npz`` (one archive) or ``.zarr`` (chunked, read lazily).
    X : ndarray of shape (n_structures, n_features)
        The features.
    feature_names : sequence of str
        One per column.
    ids : sequence of str
        One per structure.
    targets : dict of str to ndarray
        Numeric labels by name, one value per structure.
    descriptor : dict, optional
        The featurizer's settings, so a model can describe new structures alike.
    """
    if Path(path).suffix == ".zarr":
        with FeatureWriter(path, feature_names, descriptor) as writer:
            writer.append(X, ids, targets)
        return
    settings = json.dumps(descriptor) if descriptor is not None else ""
    with atomic_write(path) as handle:
        np.savez_compressed(handle, X=X, feature_names=np.array(feature_names), ids=np.asarray(ids, dtype=str),
                            target_names=np.array(sorted(targets)), descriptor=np.array(settings),
                            **{f"target_{k}": v for k, v in targets.items()})


class _Labels:
    """Ids and named targets gathered beside the rows (the first chunk fixes the target names)."""

    def _add_labels(self, ids, targets, n_rows, first):
        if first:
            self.targets = {name: [] for name in targets}
        self.ids.extend(str(i) for i in ids)
        for name in self.targets:
            self.targets[name].extend(np.asarray(targets.get(name, np.full(n_rows, np.nan))).tolist())


class FeatureWriter(_Labels):
    """Append rows to a ``.zarr`` feature file; the folder appears, complete, only on success.

    Rows go to a hidden folder beside the destination, which is renamed into place
    when the context exits without error (and removed otherwise).
    """

    def __init__(self, path, feature_names, descriptor=None):
        self.path = Path(path)
        self.feature_names = list(feature_names)
        self.descriptor = descriptor
        self.ids, self.targets, self.n_rows = [], {}, 0

    def __enter__(self):
        zarr = _zarr()
        self._temporary = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent))
        self._root = zarr.open_group(str(self._temporary), mode="w")
        self._X = self._root.create_array("X", shape=(0, len(self.feature_names)), chunks=(ZARR_ROWS, len(self.feature_names)),
                                          dtype="float64")
        return self

    def append(self, X, ids, targets):
        """Add rows; ``targets`` maps names to arrays of the same length (the first chunk fixes the names)."""
        X = np.asarray(X, dtype=np.float64)
        start = self.n_rows
        self._X.resize((start + len(X), X.shape[1]))
        self._X[start:] = X
        self.n_rows += len(X)
        self._add_labels(ids, targets, len(X), first=start == 0)

    def __exit__(self, kind, error, traceback):
        if kind is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
            return False
        self._root.attrs.update({"format": "fastreg-features", "feature_names": self.feature_names, "ids": self.ids,
                                 "targets": self.targets, "descriptor": self.descriptor})
        if self.path.exists():  # --force was checked before the work: replace the old folder now
            old = self.path.with_name(f".{self.path.name}.old")
            os.replace(self.path, old)
            os.replace(self._temporary, self.path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(self._temporary, self.path)
        return False


def read_feature_file(path):
    """Read an ``.npz`` or ``.zarr`` feature file, checked for consistency.

    Parameters
    ----------
    path : str or Path
        The feature file.

    Returns
    -------
    features : FeatureSet
        Its contents (X read lazily from ``.zarr``).
    """
    if Path(path).suffix == ".zarr" or Path(path).is_dir():
        return _read_zarr(path)
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise ValueError(f"cannot read features from {path}: {type(error).__name__}: {error}") from None
    if not hasattr(data, "files"):
        raise ValueError(f"{path} is not a feature file: it holds one array, not an .npz archive.")
    missing = [name for name in ("X", "feature_names") if name not in data.files]
    if missing:
        raise ValueError(f"{path} is not a fastreg feature file: it lacks {', '.join(missing)}.")
    try:
        names = [str(n) for n in data["target_names"]] if "target_names" in data.files else []
        targets = {name: data[f"target_{name}"] for name in names if f"target_{name}" in data.files}
        X, feature_names = data["X"], [str(n) for n in data["feature_names"]]
        ids = [str(i) for i in data["ids"]] if "ids" in data.files else [str(k) for k in range(len(X))]
        settings = str(data["descriptor"]) if "descriptor" in data.files else ""
    except (KeyError, ValueError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise ValueError(f"{path} is damaged: {type(error).__name__}: {error}") from None
    features = FeatureSet(X, feature_names, ids, targets, json.loads(settings) if settings else None, str(path))
    _check_shapes(features)
    return features


def _read_zarr(path):
    zarr = _zarr()
    try:
        root = zarr.open_group(str(path), mode="r")
        attrs = dict(root.attrs)
    except Exception as error:  # zarr raises many kinds for a folder that is not a store
        raise ValueError(f"cannot read features from {path}: {type(error).__name__}: {error}") from None
    if attrs.get("format") != "fastreg-features":
        raise ValueError(f"{path} is not a fastreg feature file.")
    try:
        X = root["X"]
    except KeyError:
        raise ValueError(f"{path} is damaged: it has no X array.") from None
    targets = {name: np.asarray(values, dtype=np.float64) for name, values in attrs["targets"].items()}
    features = FeatureSet(X, list(attrs["feature_names"]), list(attrs["ids"]), targets, attrs.get("descriptor"), str(path))
    _check_shapes(features)
    return features


def _check_shapes(features):
    X = features.X
    if len(X.shape) != 2 or len(features.feature_names) != X.shape[1] or len(features.ids) != X.shape[0] or any(
            np.shape(v) != (X.shape[0],) for v in features.targets.values()):
        raise ValueError(f"{features.path} is inconsistent: X has shape {tuple(X.shape)}, "
                         f"{len(features.feature_names)} feature names, {len(features.ids)} ids.")


def load_features(path, target):
    """Load the features and one target from a ``fastreg featurize`` file.

    Parameters
    ----------
    path : str or Path
        The feature file.
    target : str
        The target's name; a missing one is an error listing the others.

    Returns
    -------
    X : ndarray of shape (n_structures, n_features)
        The features, in memory.
    y : ndarray of shape (n_structures,)
        The target.
    feature_names : list of str
        One per column.
    """
    features = read_feature_file(path)
    y = features.target(target)
    return np.asarray(features.X), y, features.feature_names


def _zarr():
    try:
        import zarr
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(".zarr feature files need zarr: pip install 'fastreg[materials]'") from None
    return zarr


@contextmanager
def feature_output(path, feature_names, descriptor):
    """A writer for ``path``: rows go straight to disk for ``.zarr``, are gathered for ``.npz``."""
    if Path(path).suffix == ".zarr":
        with FeatureWriter(path, feature_names, descriptor) as writer:
            yield writer
        return
    gathered = _Gathered()
    yield gathered
    X = np.concatenate(gathered.rows) if gathered.rows else np.empty((0, len(feature_names)))
    targets = {name: np.asarray(values) for name, values in gathered.targets.items()}
    save_features(path, X, feature_names, gathered.ids, targets, descriptor)


class _Gathered(_Labels):
    def __init__(self):
        self.rows, self.ids, self.targets = [], [], {}

    def append(self, X, ids, targets):
        self._add_labels(ids, targets, len(X), first=not self.rows)
        self.rows.append(np.asarray(X))
