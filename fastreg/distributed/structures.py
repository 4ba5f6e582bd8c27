"""Featurizing and screening structures on the workers: a ``dask.bag`` of ``ase.Atoms`` in, rows out."""

import copy
from contextlib import contextmanager

import numpy as np


def structure_bag(sources, *, npartitions=None, skip_bad=False):
    """Make a ``dask.bag`` of the structures in files, folders or globs, read on the workers.

    Only file names travel from the client; each partition's files are read
    where the partition is processed (skipped files, with ``skip_bad``, are
    reported in that worker's log).

    Parameters
    ----------
    sources : str, Path or list of them
        Files, folders and glob patterns, as for :func:`fastreg.io.read_structures`.
    npartitions : int, optional
        Partitions of balanced total file size (default: one per file, up to 64).
    skip_bad : bool, default=False
        Skip unreadable files instead of failing.

    Returns
    -------
    bag : dask.bag.Bag of ase.Atoms
        The structures, with their ids in ``atoms.info["id"]``.
    """
    import dask.bag as db

    from ..io.structures import structure_files

    import os

    import dask

    files = [str(path) for path in structure_files(sources)]
    sizes = [os.path.getsize(path) for path in files]  # bytes: the atoms' proxy before any file is read
    groups = balanced_groups(sizes, npartitions or min(len(files), 64))
    return db.from_delayed([dask.delayed(_read_files)([files[k] for k in group], skip_bad) for group in groups])


def _read_files(paths, skip_bad):
    from ..io.structures import read_structures

    paths = list(paths)
    return list(read_structures(paths, skip_bad=skip_bad)) if paths else []


def balanced_groups(weights, n_groups):
    """Split ``range(len(weights))`` into at most ``n_groups`` contiguous groups of about equal total weight."""
    weights = np.asarray(weights, dtype=np.float64)
    n_groups = max(1, min(int(n_groups), len(weights)))
    edges = np.cumsum(weights)
    cuts = np.searchsorted(edges, edges[-1] * np.arange(1, n_groups) / n_groups, side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [len(weights)]]))
    return [list(range(low, high)) for low, high in zip(bounds[:-1], bounds[1:]) if high > low]


def _bag(structures, npartitions):
    """A bag of structures; a sequence is cut into partitions of about equal atom count, in order."""
    import dask
    import dask.bag as db

    if isinstance(structures, db.Bag):
        return structures
    items = list(structures)
    if not items:
        raise ValueError("no structures were given.")
    groups = balanced_groups([len(atoms) for atoms in items], npartitions or min(len(items), 16))
    return db.from_delayed([dask.delayed(list)([items[k] for k in group]) for group in groups])


def _local(featurizer):
    """The featurizer as each worker runs it: one process per worker already, no bar."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(featurizer, "species_")
    local = copy.copy(featurizer)
    local.n_jobs, local.progress = 1, False
    return local


def featurize(structures, featurizer, *, npartitions=None):
    """Pooled descriptor rows of every structure, computed on the workers, as a dask array.

    Parameters
    ----------
    structures : dask.bag.Bag of ase.Atoms, or a sequence of them
        A sequence is split into ``npartitions`` (default: up to 16) partitions.
    featurizer : fitted :class:`~fastreg.descriptors.PooledDescriptor`
        A fitted :class:`fastreg.descriptors.PooledDescriptor`.
    npartitions : int, optional
        Partitions of a sequence (ignored for a bag).

    Returns
    -------
    rows : dask array of shape (n_structures, ``featurizer.n_features_out_``)
        In input order. Rows equal ``featurizer.transform`` of the same structures. Chunk sizes
        are known once computed (``compute_chunk_sizes()``); the client never
        holds more than you compute.
    """
    import dask
    import dask.array as da

    local = _local(featurizer)
    parts = _bag(structures, npartitions).to_delayed()
    width = featurizer.n_features_out_
    blocks = [da.from_delayed(dask.delayed(_transform)(local, part), shape=(np.nan, width), dtype=np.dtype(local.dtype))
              for part in parts]
    return da.concatenate(blocks, axis=0, allow_unknown_chunksizes=True)


def scan(structures, *, npartitions=None):
    """Find the species and the largest structure over all structures, on the workers.

    For fixing a featurizer's columns before :func:`featurize`.

    Parameters
    ----------
    structures : dask.bag.Bag of ase.Atoms, or a sequence of them
        The structures to scan.
    npartitions : int, optional
        Partitions of a sequence (ignored for a bag).

    Returns
    -------
    species : list of str
        Every element present, sorted.
    n_atoms_max : int
        Atoms in the largest structure.
    """
    import dask

    parts = _bag(structures, npartitions).to_delayed()
    found = dask.compute(*[dask.delayed(_scan_partition)(part) for part in parts])
    species = sorted(set().union(*(symbols for symbols, _ in found)))
    if not species:
        raise ValueError("no structures were found.")
    return species, max(largest for _, largest in found)


def _scan_partition(structures):
    symbols, largest = set(), 0
    for atoms in structures:
        symbols.update(atoms.get_chemical_symbols())
        largest = max(largest, len(atoms))
    return symbols, largest


def featurize_partitions(structures, featurizer, *, npartitions=None, client=None):
    """Yield ``(rows, infos)`` partition by partition, in input order, computed on the workers.

    For writing a feature file as the rows come (``infos``: each structure's ``atoms.info``,
    ids included); the client holds one partition at a time.

    Parameters
    ----------
    structures : dask.bag.Bag of ase.Atoms, or a sequence of them
        The structures to describe.
    featurizer : fitted :class:`~fastreg.descriptors.PooledDescriptor`
        Shipped to the workers.
    npartitions : int, optional
        Partitions of a sequence (ignored for a bag).
    client : dask.distributed.Client, optional
        Default: :func:`get_client`.

    Yields
    ------
    rows : ndarray of shape (n_in_partition, ``n_features_out_``)
        One partition's pooled rows.
    infos : list of dict
        Each structure's ``atoms.info``.
    """
    import dask

    from .client import get_client

    client = get_client(client)
    local = _local(featurizer)
    parts = _bag(structures, npartitions).to_delayed()
    shared = client.scatter(local, broadcast=True)
    futures = client.compute([dask.delayed(_transform_with_info)(shared, part) for part in parts])
    for future in futures:
        result = future.result()
        future.release()
        if result is not None:
            yield result


def _transform_with_info(featurizer, structures):
    structures = list(structures)
    if not structures:
        return None
    with _one_thread():
        blocks = list(featurizer.transform_chunks(structures))
    return np.concatenate([rows for rows, _ in blocks]), [info for _, infos in blocks for info in infos]


def _transform(featurizer, structures):
    described = _transform_with_info(featurizer, structures)
    return np.empty((0, featurizer.n_features_out_), dtype=featurizer.dtype) if described is None else described[0]


def screen(model, structures, *, coverage=0.9, interval="loo", npartitions=None, client=None):
    """:func:`fastreg.screen` partition by partition on the workers; yields one column dict per partition.

    All partitions are computed in parallel; they reach the client one at a
    time, in input order, so the client holds one partition's table at most.

    Parameters
    ----------
    model : ScreeningModel
        A saved model's :class:`fastreg.ScreeningModel` (shipped to the workers).
    structures : dask.bag.Bag of ase.Atoms, or a sequence of them
        The candidates.
    coverage : float, default=0.9
        Interval coverage.
    interval : {"loo", "jackknife+"}, default="loo"
        Interval method, as for :func:`fastreg.screen`.
    npartitions : int, optional
        Partitions of a sequence (ignored for a bag).
    client : dask.distributed.Client, optional
        Default: :func:`get_client`.

    Yields
    ------
    table : dict of str to ndarray
        One partition's columns: id, prediction, lower, upper, leverage, in_domain.
    """
    from ..screening import screen as screen_locally  # noqa: F401 - validates the model shape early
    from .client import get_client

    client = get_client(client)
    model = copy.copy(model)
    model.pipeline = copy.deepcopy(model.pipeline)
    model.pipeline.steps[0] = (model.pipeline.steps[0][0], _local(model.pipeline[0]))
    import dask

    parts = _bag(structures, npartitions).to_delayed()
    shared = client.scatter(model, broadcast=True)  # once per worker, not once per partition
    futures = client.compute([dask.delayed(_screen_partition)(shared, part, coverage, interval) for part in parts])
    for future in futures:
        table = future.result()
        future.release()
        if table is not None:
            yield table


def _screen_partition(model, structures, coverage, interval):
    from ..screening import screen as screen_locally

    structures = list(structures)
    if not structures:
        return None
    with _one_thread():
        tables = list(screen_locally(model, structures, chunk_size=len(structures), coverage=coverage,
                                     interval=interval))
    return tables[0]


@contextmanager
def _one_thread():
    """One thread for numba and BLAS inside a task: the workers are the parallelism (no oversubscription)."""
    import numba
    from threadpoolctl import threadpool_limits

    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        with threadpool_limits(1):
            yield
    finally:
        numba.set_num_threads(previous)
