"""Stream structures through a dscribe descriptor and pool them, in parallel if asked."""

import itertools
import numbers
from collections.abc import Sequence
import numpy as np

from ..exceptions import warn_at_caller
from ._pool import _pool, parse_stats
from ._rows import GrowingRows

DEFAULT_CHUNK_ATOMS = 2048  # per-atom rows held at once per process: memory stays bounded
DEFAULT_SOAP = {"r_cut": 5.0, "n_max": 4, "l_max": 3, "sigma": 0.5, "rbf": "gto"}


def default_descriptor(species):
    """The default: a periodic SOAP (r_cut 5 Å, n_max 4, l_max 3, σ 0.5 Å) for ``species``."""
    try:
        from dscribe.descriptors import SOAP
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("featurize needs dscribe and ASE: pip install 'fastreg[materials]'") from None
    return SOAP(species=sorted(species), periodic=True, **DEFAULT_SOAP)


def component_names(descriptor):
    """Names of the descriptor's per-atom columns, e.g. ``soap[Cu-Ni]7``."""
    if hasattr(descriptor, "feature_names"):  # fastreg's own backends name their columns
        return list(descriptor.feature_names())
    n = descriptor.get_number_of_features()
    names = [f"{type(descriptor).__name__.lower()}{i}" for i in range(n)]
    species = list(getattr(descriptor, "species", []) or [])
    if hasattr(descriptor, "get_location") and species:
        for a, b in itertools.combinations_with_replacement(species, 2):
            try:
                where = descriptor.get_location((a, b))
            except Exception:  # descriptors whose locations are not species pairs
                break
            for k, column in enumerate(range(where.start, where.stop)):
                names[column] = f"{type(descriptor).__name__.lower()}[{a}-{b}]{k}"
    return names


def featurize(structures, descriptor=None, *, stats=("mean",), by_species=False, max_centers=None,
              random_state=None, n_jobs=1, chunk_size=None, dtype=np.float64, progress=False):
    """Per-atom descriptors of every structure, pooled to one row per structure.

    Structures are consumed chunk by chunk, so a generator or
    ``ase.io.iread`` of a large file never sits in memory whole, and the
    per-atom matrix of the whole set is never formed: each chunk is described,
    pooled (:func:`fastreg.descriptors.pool`) and dropped.

    Parameters
    ----------
    structures : iterable of ase.Atoms
        Structures (``ase.Atoms``), any iterable; consumed chunk by chunk.
    descriptor : dscribe descriptor, optional
        Default: :func:`default_descriptor` for the species found (all of them
        for a sequence; those of the first chunk for a one-shot iterator, and a
        later unknown species is an error naming it).
    stats : sequence of str, default=("mean",)
        See :func:`fastreg.descriptors.pool`.
    by_species : bool, default=False
        Pool each centre species separately (absent species give zeros).
    max_centers : int, optional
        Describe at most this many randomly chosen centres per structure.
    random_state : int or None
        Seeds the centre subsampling; each structure's draw depends only on
        the seed and its index, so results do not depend on chunks or jobs.
    n_jobs : int, default=1
        Worker processes. Each receives whole chunks, balanced by atom count,
        and returns only pooled rows; results are identical to ``n_jobs=1``
        and in input order.
    chunk_size : int, optional
        Atoms per chunk (default 2048): peak memory per process is about
        ``chunk_size · n_descriptor_features · 8`` bytes, independent of the
        number of structures.
    dtype : float32 or float64, default=float64
        Floating-point type of the result (float32 or float64).
    progress : bool, default=False
        A tqdm progress bar (structures, and atoms per second).

    Returns
    -------
    X : ndarray of shape (n_structures, n_pooled_features)
        Pooled features, one row per structure.
    feature_names : list of str
        ``stat[species]:component`` per column.
    """
    X, names, _ = featurize_with_info(structures, descriptor, stats=stats, by_species=by_species,
                                      max_centers=max_centers, random_state=random_state, n_jobs=n_jobs,
                                      chunk_size=chunk_size, dtype=dtype, progress=progress)
    return X, names


def featurize_with_info(structures, descriptor=None, *, stats=("mean",), by_species=False, max_centers=None,
                        random_state=None, n_jobs=1, chunk_size=None, dtype=np.float64, progress=False):
    """:func:`featurize`, also returning each structure's ``atoms.info`` (for the CLI)."""
    names, chunks = featurize_chunks(structures, descriptor, stats=stats, by_species=by_species,
                                     max_centers=max_centers, random_state=random_state, n_jobs=n_jobs,
                                     chunk_size=chunk_size, dtype=dtype, progress=progress)
    infos = []
    output = GrowingRows()
    for rows, chunk_infos in chunks:
        output.append(rows)
        infos.extend(chunk_infos)
    X = output.array()
    if X is None:
        raise ValueError("structures is empty: nothing to featurize.")
    return X, names, infos


def featurize_chunks(structures, descriptor=None, *, stats=("mean",), by_species=False, max_centers=None,
                     random_state=None, n_jobs=1, chunk_size=None, dtype=np.float64, progress=False):
    """``(feature_names, chunks)``: the settings are checked at once, and ``chunks`` yields
    ``(rows, infos)`` chunk by chunk, in input order, so a caller can write rows as they come."""
    _, _, stat_names = parse_stats(stats)
    if not isinstance(n_jobs, numbers.Integral) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive integer, got {n_jobs!r}.")
    if max_centers is not None and (not isinstance(max_centers, numbers.Integral) or max_centers < 1):
        raise ValueError(f"max_centers must be None or a positive integer, got {max_centers!r}.")
    chunk_atoms = DEFAULT_CHUNK_ATOMS if chunk_size is None else chunk_size
    if not isinstance(chunk_atoms, numbers.Integral) or chunk_atoms < 1:
        raise ValueError(f"chunk_size must be None or a positive integer, got {chunk_size!r}.")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}.")
    total = len(structures) if isinstance(structures, Sequence) else None
    stream = enumerate(iter(structures))
    if descriptor is None:
        if isinstance(structures, Sequence):
            species = {s for atoms in structures for s in atoms.get_chemical_symbols()}
        else:  # one-shot iterator: look at the first chunk only, and keep it
            head = list(itertools.islice(stream, 64))
            species = {s for _, atoms in head for s in atoms.get_chemical_symbols()}
            stream = itertools.chain(head, stream)
        if not species:
            raise ValueError("structures is empty (or its first structures have no atoms).")
        descriptor = default_descriptor(species)
    species = getattr(descriptor, "species", None)
    known = None if species is None else set(species)  # matrix descriptors (Coulomb) take any element
    pooled = not is_global(descriptor)
    if by_species and not pooled:
        raise ValueError(f"by_species needs a per-atom descriptor; {type(descriptor).__name__} gives one row "
                         "per structure.")
    n_jobs = affordable_workers(n_jobs, chunk_atoms, descriptor.get_number_of_features())
    seed = np.random.SeedSequence(random_state).entropy if max_centers is not None else 0
    settings = (descriptor, tuple(stats), by_species, max_centers, seed, dtype.str)
    chunks = _chunks(stream, chunk_atoms, known, getattr(descriptor, "periodic", False),
                     getattr(descriptor, "n_atoms_max", None))
    if pooled:
        names = _pooled_names(component_names(descriptor), stat_names, sorted(known) if by_species else None)
    else:
        names = component_names(descriptor)
    return names, _with_progress(_run(chunks, settings, n_jobs), progress, total)


def _with_progress(results, progress, total):
    bar = _progress_bar(progress, total)
    atoms_done = 0
    try:
        for rows, chunk_infos, n_atoms in results:
            atoms_done += n_atoms
            if bar is not None:
                bar.update(len(chunk_infos))
                rate = atoms_done / max(bar.format_dict["elapsed"], 1e-9)
                bar.set_postfix(atoms_per_s=f"{rate:.0f}", refresh=False)
            yield rows, chunk_infos
    finally:
        if bar is not None:
            bar.close()
        results.close()  # an abandoned stream stops its workers too


def is_global(descriptor):
    """Whether ``descriptor`` already gives one row per structure (MBTR, Coulomb and sine matrices)."""
    try:
        from dscribe.descriptors.descriptorglobal import DescriptorGlobal
    except ImportError:  # pragma: no cover - depends on the environment
        return False
    return isinstance(descriptor, DescriptorGlobal)


WORKER_BASE_BYTES = 300 << 20  # a loky worker with numpy, ASE and dscribe loaded: ~280 MB measured


def affordable_workers(n_jobs, chunk_atoms, n_components):
    """Lower ``n_jobs`` to the cores available and to what memory allows, with a warning saying why.

    Each worker costs its interpreter plus the per-atom descriptors of the
    two chunks it may hold (float64, with a working copy).
    """
    if n_jobs == 1:
        return 1
    from .._solvers.memory import available_cores, available_memory, format_bytes

    cores = available_cores()
    per_worker = WORKER_BASE_BYTES + 2 * 2 * 8 * chunk_atoms * n_components
    available = available_memory()
    by_memory = n_jobs if available is None else max(1, int(0.8 * available // per_worker))
    allowed = min(n_jobs, cores, by_memory)
    if allowed < n_jobs:
        reason = (f"{cores} cores available" if allowed == cores else
                  f"each worker needs ~{format_bytes(per_worker)} and {format_bytes(available)} is free")
        warn_at_caller(f"n_jobs={n_jobs} lowered to {allowed}: {reason}.", UserWarning)
    return allowed


def _chunks(stream, chunk_atoms, known, periodic, max_atoms=None):
    """Validate structures and group them into chunks of about ``chunk_atoms`` atoms."""
    chunk, size = [], 0
    for index, atoms in stream:
        name = structure_name(atoms, index)
        if len(atoms) == 0:
            raise ValueError(f"{name} has no atoms.")
        unknown = [] if known is None else sorted(set(atoms.get_chemical_symbols()) - known)
        if unknown:
            raise ValueError(
                f"{name} contains {', '.join(unknown)}, an element the descriptor does not know "
                f"(it was fitted on {', '.join(sorted(known))})."
            )
        if max_atoms is not None and len(atoms) > max_atoms:
            raise ValueError(f"{name} has {len(atoms)} atoms; the descriptor's matrix holds at most {max_atoms} "
                             "(the largest training structure).")
        if periodic and not np.all(atoms.pbc):
            warn_at_caller(f"{name} is not periodic but the descriptor is; its "
                           "cell is treated as periodic in every direction.", UserWarning)
        chunk.append((index, atoms))
        size += len(atoms)
        if size >= chunk_atoms:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


MIN_VOLUME_PER_ATOM = 1.0  # Å³; real crystals have 5-60
MIN_DISTANCE = 0.1  # Å; real bonds are ≥ 0.7


def check_geometry(atoms, index, periodic):
    """Reject a degenerate structure before the descriptor runs on it.

    A near-zero cell volume or atoms on top of each other make a periodic
    descriptor enumerate millions of images (a 0.03 Å cell took 49 s and
    14.5 GB) or divide by zero; the error names the structure.
    """
    name = structure_name(atoms, index)
    if periodic or np.any(atoms.pbc):
        volume = abs(float(np.linalg.det(np.asarray(atoms.cell))))
        if not volume >= MIN_VOLUME_PER_ATOM * len(atoms):
            raise ValueError(f"{name} has a degenerate cell: volume {volume:.3g} Å³ for {len(atoms)} atoms "
                             f"(at least {MIN_VOLUME_PER_ATOM:g} Å³ per atom expected).")
    if len(atoms) > 1:
        i, j, distance = _closest_pair(atoms)
        if distance < MIN_DISTANCE:
            raise ValueError(f"{name} has atoms {i} and {j} {distance:.3g} Å apart "
                             f"(closer than {MIN_DISTANCE:g} Å): a duplicated or collapsed site.")


def structure_name(atoms, index):
    """``structure 3 (mp-149)``: the position in the input, and the id where there is one."""
    return f"structure {index}" + (f" ({atoms.info['id']})" if "id" in atoms.info else "")


def _closest_pair(atoms):
    """The two closest atoms (periodic images included) and their distance."""
    if len(atoms) > 2000:  # pairwise arrays would be large: a neighbour list of the short cut-off
        from ase.neighborlist import neighbor_list

        first, second, distance = neighbor_list("ijd", atoms, MIN_DISTANCE, self_interaction=False)
        if not first.size:
            return 0, 0, np.inf
        k = int(np.argmin(distance))
        return int(first[k]), int(second[k]), float(distance[k])
    pbc = np.asarray(atoms.pbc)
    if pbc.any():
        delta = atoms.get_scaled_positions(wrap=False)
        delta = delta[:, None, :] - delta[None, :, :]
        delta[..., pbc] -= np.round(delta[..., pbc])  # the nearest image of each pair (exact for duplicates)
        delta = delta @ np.asarray(atoms.cell)
    else:
        positions = atoms.positions
        delta = positions[:, None, :] - positions[None, :, :]
    squared = np.einsum("ijk,ijk->ij", delta, delta)
    np.fill_diagonal(squared, np.inf)
    k = int(np.argmin(squared))
    i, j = divmod(k, len(atoms))
    return i, j, float(np.sqrt(squared[i, j]))


def _describe_chunk(chunk, settings):
    """Describe and pool one chunk; only pooled rows leave this function."""
    descriptor, stats, by_species, max_centers, seed, dtype = settings
    periodic = getattr(descriptor, "periodic", False)
    for index, atoms in chunk:  # here, so that workers share the cost
        check_geometry(atoms, index, periodic)
    systems = [atoms for _, atoms in chunk]
    centers = None
    if max_centers is not None:
        centers = []
        for index, atoms in chunk:
            if len(atoms) > max_centers:
                rng = np.random.default_rng([seed, index])
                centers.append(np.sort(rng.choice(len(atoms), size=max_centers, replace=False)).tolist())
            else:
                centers.append(list(range(len(atoms))))
    infos = [dict(atoms.info) for atoms in systems]
    if is_global(descriptor):  # one row per structure already: nothing to pool
        rows = np.vstack([np.ravel(descriptor.create(atoms)) for atoms in systems])
        return rows.astype(dtype, copy=False), infos, sum(len(atoms) for atoms in systems)
    if hasattr(descriptor, "create_rows"):  # fastreg's own backends: one block already, no re-concatenation
        values, offsets = descriptor.create_rows(systems, centers)
    else:
        described = descriptor.create(systems, centers=centers, n_jobs=1) if len(systems) > 1 else \
            [descriptor.create(systems[0], centers=None if centers is None else centers[0])]
        values = np.concatenate(described, axis=0)
        offsets = np.concatenate([[0], np.cumsum([len(v) for v in described])])
    species = None
    if by_species:
        species = np.concatenate([
            np.asarray(atoms.get_chemical_symbols())[centers[k] if centers is not None else slice(None)]
            for k, atoms in enumerate(systems)])
    labels = np.array(sorted(descriptor.species)) if by_species else None
    rows, _ = _pool(values, offsets, stats, None, species, labels=labels)
    return rows.astype(dtype, copy=False), infos, int(offsets[-1])


def _worker_init():
    import numba

    numba.set_num_threads(1)  # parallelism comes from the processes


_POOL = {}  # n_jobs → fastreg's own worker pool, kept between calls


def _workers(n_jobs):
    """fastreg's own loky process pool (fresh interpreters, safe next to numba's threads).

    Not loky's process-wide reusable executor: joblib keeps its own subclass in
    that slot, and replacing it breaks every later ``joblib.Parallel`` in the
    process (scikit-learn's ``n_jobs``, dscribe's ``create``).
    """
    from joblib.externals.loky import ProcessPoolExecutor

    pool = _POOL.get(n_jobs)
    if pool is None or getattr(pool, "_broken", False) or getattr(pool, "_shutdown_thread", False):
        _POOL.clear()
        pool = _POOL[n_jobs] = ProcessPoolExecutor(max_workers=n_jobs, initializer=_worker_init)
    return pool


def _run(chunks, settings, n_jobs):
    """Yield each chunk's result in order; with workers, at most 2·n_jobs chunks in flight."""
    if n_jobs == 1:
        for chunk in chunks:
            yield _describe_chunk(chunk, settings)
        return
    pool = _workers(n_jobs)
    pending = []
    finished = False
    try:
        for chunk in chunks:
            pending.append(pool.submit(_describe_chunk, chunk, settings))
            if len(pending) >= 2 * n_jobs:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()
        finished = True
    finally:
        if not finished:  # an error, Ctrl-C or SIGTERM: no worker outlives the job
            for future in pending:
                future.cancel()
            _POOL.clear()
            pool.shutdown(wait=False, kill_workers=True)


def _pooled_names(components, stat_names, species):
    blocks = [None] if species is None else species
    return [f"{stat}{'' if g is None else f'[{g}]'}:{name}" for g in blocks for stat in stat_names for name in components]


def _progress_bar(progress, total):
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="structure", desc="featurize")
