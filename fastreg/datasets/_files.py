"""Locate shipped data files: inside an installed wheel, or in a source checkout."""

from pathlib import Path

_PACKAGED = Path(__file__).parent / "_data"  # where the wheel puts data/
_CHECKOUT = Path(__file__).resolve().parents[2] / "data"  # editable installs


def data_path(name):
    """Return the path of a shipped data file or folder, in an installed wheel or a source checkout.

    Parameters
    ----------
    name : str
        A name in the repository's ``data/``: ``"bandgap.csv"``, ``"alloys.extxyz"``
        or ``"alloys"`` (the folder of training and candidate structures).

    Returns
    -------
    path : Path
        The file or folder.
    """
    for folder in (_PACKAGED, _CHECKOUT):
        path = folder / name
        if path.exists():
            return path
    raise FileNotFoundError(
        f"Shipped data file {name!r} not found in {_PACKAGED} or {_CHECKOUT}; "
        "reinstall fastreg or run from a source checkout."
    )
