"""Reading crystal structures (ASE, imported on first use) and their labels."""

import numbers

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
        index = 1
        while True:
            try:
                atoms = next(stream)
            except StopIteration:
                return
            except Exception as error:  # a damaged frame further down the file
                raise ValueError(f"cannot read structure {index} of {path}: {type(error).__name__}: {error}") from None
            yield atoms
            index += 1

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
