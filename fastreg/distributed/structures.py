"""Featurizing and screening structures on the workers: a ``dask.bag`` of ``ase.Atoms`` in, rows out."""

import copy

import numpy as np


def structure_bag(sources, *, npartitions=None, skip_bad=False):
    """A ``dask.bag`` of the structures in files, folders or globs, read on the workers.

    Only file names travel from the client; each partition's files are read
    where the partition is processed (skipped files, with ``skip_bad``, are
    reported in that worker's log).
    """
    import dask.bag as db

    from ..io.structures import structure_files

    files = [str(path) for path in structure_files(sources)]
    return db.from_sequence(files, npartitions=npartitions or min(len(files), 64)).map_partitions(
        _read_files, skip_bad)


def _read_files(paths, skip_bad):
    from ..io.structures import read_structures

    paths = list(paths)
    return list(read_structures(paths, skip_bad=skip_bad)) if paths else []


def _bag(structures, npartitions):
    import dask.bag as db

    if isinstance(structures, db.Bag):
        return structures
    items = list(structures)
    if not items:
        raise ValueError("no structures were given.")
    return db.from_sequence(items, npartitions=npartitions or min(len(items), 16))


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

    Returns
    -------
    dask array of shape (n_structures, featurizer.n_features_out_), in input order
        Rows equal ``featurizer.transform`` of the same structures. Chunk sizes
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
    """``(species, n_atoms_max)`` over all structures, computed on the workers (for fixing the columns)."""
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
    """
    import dask

    from .client import get_client

    client = get_client(client)
    local = _local(featurizer)
    parts = _bag(structures, npartitions).to_delayed()
    futures = client.compute([dask.delayed(_transform_with_info)(local, part) for part in parts])
    for future in futures:
        result = future.result()
        future.release()
        if result is not None:
            yield result


def _transform_with_info(featurizer, structures):
    structures = list(structures)
    if not structures:
        return None
    blocks = list(featurizer.transform_chunks(structures))
    return np.concatenate([rows for rows, _ in blocks]), [info for _, infos in blocks for info in infos]


def _transform(featurizer, structures):
    structures = list(structures)
    if not structures:
        return np.empty((0, featurizer.n_features_out_), dtype=featurizer.dtype)
    return featurizer.transform(structures)


def screen(model, structures, *, coverage=0.9, interval="loo", npartitions=None, client=None):
    """:func:`fastreg.screen` partition by partition on the workers; yields one column dict per partition.

    All partitions are computed in parallel; they reach the client one at a
    time, in input order, so the client holds one partition's table at most.
    """
    from ..screening import screen as screen_locally  # noqa: F401 - validates the model shape early
    from .client import get_client

    client = get_client(client)
    model = copy.copy(model)
    model.pipeline = copy.deepcopy(model.pipeline)
    model.pipeline.steps[0] = (model.pipeline.steps[0][0], _local(model.pipeline[0]))
    import dask

    parts = _bag(structures, npartitions).to_delayed()
    futures = client.compute([dask.delayed(_screen_partition)(model, part, coverage, interval) for part in parts])
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
    tables = list(screen_locally(model, structures, chunk_size=len(structures), coverage=coverage, interval=interval))
    return tables[0]
