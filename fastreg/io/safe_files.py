"""Files that are complete or untouched: checked before the work, written to a temporary file, renamed.

A crash, a SIGTERM or a full disk while writing leaves the previous file in
place (and no partial one): the bytes go to a hidden temporary file in the
destination folder, are flushed to disk, and replace the target in one
``os.replace``.
"""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def prepare_output(path, *, extensions, force=False, what="output"):
    """Check an output path before any work; return it (with an extension added if it had none).

    Parameters
    ----------
    path : str or Path
        File path.
    extensions : sequence of str
        Known suffixes, the first being the default (e.g. ``(".npz",)``).
    force : bool
        Allow replacing an existing file.

    Raises
    ------
    ValueError
        Unknown extension, missing or unwritable folder, an existing file without
        ``force``, or a folder where the file should be; the message names the path.
    """
    path = Path(path)
    if path.suffix == "":
        path = path.with_suffix(extensions[0])
    elif path.suffix.lower() not in extensions:
        raise ValueError(f"{what} {path}: unknown extension {path.suffix!r}; use one of {', '.join(extensions)}.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValueError(f"{what} {path}: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"{what} {path}: the folder {folder} is not writable.")
    if path.is_dir():
        raise ValueError(f"{what} {path} is a folder.")
    if path.exists() and not force:
        raise ValueError(f"{what} {path} exists; pass --force (force=True) to replace it.")
    return path


@contextmanager
def atomic_write(path, mode="wb"):
    """Open a temporary file beside ``path``; on success it replaces ``path``, on any error it vanishes."""
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or ".")
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 would outlive the rename
        with os.fdopen(descriptor, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
