"""``fastreg featurize``: structure files, folders or globs → pooled descriptor matrix (.npz or .zarr)."""

import sys
import time

from ..distributed.client import optional_session
from ..io.features import feature_output
from ..io.structures import numeric_targets, read_structures, structure_files, structure_id


def run_featurize(sources, output, *, descriptor="soap", species=None, settings=None, stats=("mean",),
                  by_species=False, max_centers=None, jobs=1, seed=0, skip_bad=False, progress=False, scheduler=None,
                  out=print):
    """Describe every structure in ``sources`` and write one row per structure to ``output``.

    Two passes when ``species`` is not given: the first fixes the species (the
    union over the structures, so every later file gets the same columns), the
    second describes; rows are written as they come (flat memory for ``.zarr``).
    With ``scheduler``, both passes run on Dask workers, which read the files.
    """
    from ..descriptors import PooledDescriptor

    start = time.perf_counter()
    n_files = len(structure_files(sources))  # a missing file or empty folder fails before any work
    skipped = []

    def note_skip(path, reason):
        if str(path) not in {p for p, _ in skipped}:
            skipped.append((str(path), reason))
            print(f"skipped {path}: {reason}", file=sys.stderr)

    params = dict(stats=stats, by_species=by_species, max_centers=max_centers, random_state=seed, n_jobs=jobs,
                  progress=progress, **(settings or {}))
    with optional_session(scheduler) as client:
        if client is None:
            model = PooledDescriptor(descriptor, species=species, **params)
            model.fit(read_structures(sources, skip_bad=skip_bad, on_skip=note_skip))
            chunks = model.transform_chunks(read_structures(sources, skip_bad=skip_bad, on_skip=note_skip))
        else:  # read, described and pooled on the workers; rows reach the client a partition at a time
            from ..distributed import featurize_partitions, scan, structure_bag

            bag = structure_bag(sources, npartitions=n_files // 100 + 1, skip_bad=skip_bad)
            found, n_atoms_max = scan(bag)
            model = PooledDescriptor.for_species(species or found, n_atoms_max=n_atoms_max, descriptor=descriptor,
                                                 **params)
            chunks = featurize_partitions(bag, model, client=client)
        n_rows, target_names = write_rows(output, model, chunks)
    out(f"featurized {n_rows} structures into {model.n_features_out_} features ({descriptor}, species "
        f"{', '.join(model.species_) or 'any'}) in {time.perf_counter() - start:.1f} s")
    if skipped:
        out(f"skipped {len(skipped)} unreadable file(s), listed on stderr")
    out(f"targets found in atoms.info: {', '.join(target_names) or 'none'}")
    out(f"wrote {output}")
    return 0


def write_rows(output, model, chunks):
    """Write ``(rows, infos)`` chunks with their ids and numeric targets; duplicate ids are an error."""
    seen, n_rows, target_names = {}, 0, set()
    with feature_output(output, list(model.get_feature_names_out()), model.settings()) as writer:
        for rows, infos in chunks:
            ids = [structure_id(info, n_rows + k) for k, info in enumerate(infos)]
            for k, key in enumerate(ids):
                if key in seen:
                    raise ValueError(f"duplicate structure id {key!r} (structures {seen[key]} and {n_rows + k}); "
                                     "give each file a unique name or set atoms.info['id'].")
                seen[key] = n_rows + k
            targets = numeric_targets(infos)
            target_names.update(targets)
            writer.append(rows, ids, targets)
            n_rows += len(rows)
    return n_rows, sorted(target_names)
