"""Reading crystal structures (ASE, imported on first use) from files, folders and globs."""

import glob
import numbers
import os
from pathlib import Path

import numpy as np

from ..exceptions import warn_at_caller

# What a folder is searched for: files named like structures. A file named explicitly is read in
# any format ASE knows; a folder's other files (targets.csv, README.md) are left alone.
STRUCTURE_SUFFIXES = frozenset({".cif", ".vasp", ".poscar", ".contcar", ".xyz", ".extxyz", ".traj",
                                ".xsf", ".pdb", ".cell", ".res", ".gen", ".db"})
VASP_NAMES = ("POSCAR", "CONTCAR")


def structure_files(sources):
    """The files behind ``sources`` (files, folders, glob patterns), in a stable order.

    Checked before any structure is read: a missing file, an empty folder or a
    pattern that matches nothing is an error naming it.
    """
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    files = []
    for source in sources:
        text = os.fspath(source)
        if glob.has_magic(text):
            matches = sorted(glob.glob(text, recursive=True))
            found = [Path(m) for m in matches if Path(m).is_file()]
            found += [f for m in matches if Path(m).is_dir() for f in _folder_files(Path(m))]
            if not found:
                raise ValueError(f"{text}: the pattern matches no structure file.")
            files.extend(found)
        elif Path(text).is_dir():
            found = _folder_files(Path(text))
            if not found:
                raise ValueError(f"{text}: the folder holds no structure files "
                                 f"(looked for {', '.join(sorted(STRUCTURE_SUFFIXES))}, POSCAR, CONTCAR).")
            files.extend(found)
        elif Path(text).is_file():
            files.append(Path(text))
        else:
            raise ValueError(f"{text}: no such file or folder.")
    if not files:
        raise ValueError("no structure sources were given.")
    return files


def _folder_files(folder):
    """Structure files anywhere below ``folder``, hidden ones excepted, sorted by path."""
    found = []
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts) or not path.is_file():
            continue
        if path.suffix.lower() in STRUCTURE_SUFFIXES or path.name.upper().startswith(VASP_NAMES):
            found.append(path)
    return found


def file_id(path):
    """A structure's id from its file: the stem, or the folder's name for a bare POSCAR/CONTCAR."""
    path = Path(path)
    if path.name.upper() in VASP_NAMES and path.parent.name:
        return path.parent.name  # mp-149/POSCAR → mp-149
    return path.stem


def read_structures(sources, *, skip_bad=False, on_skip=None, format=None):
    """Stream structures from files, folders and glob patterns, each with an id.

    Every format ASE reads is accepted (CIF, POSCAR/CONTCAR, extxyz, trajectories,
    multi-frame files). A folder is searched recursively for files named like
    structures (``.cif``, ``.vasp``, ``.xyz``, ``.extxyz``, ``POSCAR*``, …);
    other files there (a targets CSV, a README) are ignored.

    Each structure's ``atoms.info["id"]`` is kept if the file sets one; otherwise
    it is the file's stem (the folder's name for a bare ``POSCAR``), with
    ``:index`` added for each frame of a multi-frame file (``alloys:12``).

    Parameters
    ----------
    sources : str, path, or sequence of them
        Files, folders or glob patterns (``"structures/**/*.cif"``).
    skip_bad : bool, default=False
        An unreadable file (or a damaged frame, which ends its file) is an error
        naming it; with ``skip_bad=True`` it is reported to ``on_skip`` and skipped.
    on_skip : callable ``(path, reason)``, optional
        Called for each skipped file; default: a ``UserWarning``.
    format : str, optional
        ASE format name for every file (default: guessed from each file).

    Returns
    -------
    iterator of ase.Atoms
        Lazy: files are opened as the iterator reaches them, so millions of
        structures stream in bounded memory. The sources are checked at once.
    """
    try:
        from ase.io import iread
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("reading structures needs ASE: pip install 'fastreg[materials]'") from None
    files = structure_files(sources)
    if on_skip is None:
        def on_skip(path, reason):
            warn_at_caller(f"skipped {path}: {reason}", UserWarning)

    def all_structures():
        for path in files:
            try:
                yield from _read_file(iread, path, format)
            except ValueError as error:
                if not skip_bad:
                    raise
                on_skip(path, str(error).removeprefix(f"{path}: "))

    return all_structures()


def _read_file(iread, path, format):
    """The frames of one file with their ids; a read error is a ValueError naming the file."""
    stem = file_id(path)
    frames = _frames(iread, path, format)
    first = next(frames, None)
    if first is None:
        raise ValueError(f"{path}: the file holds no structures.")
    second = next(frames, None)
    if second is None:  # a single structure: the file names it
        first.info.setdefault("id", stem)
        yield first
        return
    for index, atoms in enumerate(_chain(first, second, frames)):
        atoms.info.setdefault("id", f"{stem}:{index}")
        yield atoms


XYZ_FORMATS = ("xyz", "extxyz")


def _check_xyz_headers(path):
    """Refuse an (ext)xyz frame header that declares more atoms than the file can hold.

    ASE reads that many lines before it looks at them, so a header like
    ``99999999999`` (found by the fuzz test) would keep it reading the end of
    the file for hours. Each atom needs a line of at least two bytes.
    """
    size = path.stat().st_size
    with open(path, "rb") as stream:
        while True:
            line = stream.readline().decode("utf-8", errors="replace")
            if not line.strip():
                return
            try:
                n_atoms = int(line)
            except ValueError:
                return  # not a header: ASE names the problem
            if not 0 <= n_atoms <= size // 2:
                raise ValueError(f"{path}: a frame declares {n_atoms} atoms, more than a file of {size} bytes can "
                                 "hold; the file is damaged or not an xyz file.")
            for _ in range(n_atoms + 1):  # the comment line, then the atoms
                if not stream.readline():
                    return  # truncated: ASE names the problem
            while True:  # extended xyz's VEC lines
                position = stream.tell()
                if not stream.readline().lstrip().startswith(b"VEC"):
                    stream.seek(position)
                    break


def _frames(iread, path, format):
    index = 0
    if (format or path.suffix.lstrip(".").lower()) in XYZ_FORMATS:
        _check_xyz_headers(path)
    try:
        stream = iread(str(path), index=":", format=format)
    except Exception as error:  # an unknown format is found at once
        raise ValueError(f"{path}: cannot read it: {type(error).__name__}: {error}") from None
    while True:
        try:
            atoms = next(stream)
        except StopIteration:
            return
        except Exception as error:  # ASE raises many kinds for unreadable input
            where = f"{path}" if index == 0 else f"{path}: structure {index}"
            raise ValueError(f"{where}: cannot read it: {type(error).__name__}: {error}") from None
        yield atoms
        index += 1


def _chain(first, second, rest):
    yield first
    yield second
    yield from rest


def structure_id(info, index):
    """A structure's ``atoms.info["id"]`` as text, or its running index where there is none."""
    return str(info.get("id", index))


def numeric_targets(infos):
    """Collect the numeric ``atoms.info`` keys present in every structure.

    Parameters
    ----------
    infos : list of dict
        Each structure's ``atoms.info``.

    Returns
    -------
    targets : dict of str to ndarray
        One float64 array per key, in structure order.
    """
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
