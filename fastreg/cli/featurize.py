"""``fastreg featurize``: structure files, folders or globs → pooled descriptor matrix (.npz or .zarr)."""

import sys
import time

from ..io.features import feature_output
from ..io.structures import numeric_targets, read_structures, structure_files, structure_id


def run_featurize(sources, output, *, descriptor="soap", species=None, settings=None, stats=("mean",),
                  by_species=False, max_centers=None, jobs=1, seed=0, skip_bad=False, progress=False, out=print):
    """Describe every structure in ``sources`` and write one row per structure to ``output``.

    Two passes when ``species`` is not given: the first fixes the species (the
    union over the structures, so every later file gets the same columns), the
    second describes; rows are written as they come (flat memory for ``.zarr``).
    """
    from ..descriptors import PooledDescriptor

    start = time.perf_counter()
    structure_files(sources)  # a missing file or empty folder fails before any work
    skipped = []

    def note_skip(path, reason):
        if str(path) not in {p for p, _ in skipped}:
            skipped.append((str(path), reason))
            print(f"skipped {path}: {reason}", file=sys.stderr)

    model = PooledDescriptor(descriptor, species=species, stats=stats, by_species=by_species, max_centers=max_centers,
                             random_state=seed, n_jobs=jobs, progress=progress, **(settings or {}))
    model.fit(read_structures(sources, skip_bad=skip_bad, on_skip=note_skip))
    names = list(model.get_feature_names_out())
    seen, n_rows, target_names = {}, 0, set()
    with feature_output(output, names, model.settings()) as writer:
        for rows, infos in model.transform_chunks(read_structures(sources, skip_bad=skip_bad, on_skip=note_skip)):
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
    out(f"featurized {n_rows} structures into {len(names)} features ({descriptor}, species "
        f"{', '.join(model.species_) or 'any'}) in {time.perf_counter() - start:.1f} s")
    if skipped:
        out(f"skipped {len(skipped)} unreadable file(s), listed on stderr")
    out(f"targets found in atoms.info: {', '.join(sorted(target_names)) or 'none'}")
    out(f"wrote {output}")
    return 0

