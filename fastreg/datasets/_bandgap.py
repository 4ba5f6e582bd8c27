"""The 12-compound DFT band-gap table of the linear-regression tutorial."""

import csv

import numpy as np
from sklearn.utils import Bunch

from ._files import data_path

FEATURES = ("lattice_constant", "delta_en", "valence_electrons")
UNITS = {"lattice_constant": "Å", "delta_en": "Pauling", "valence_electrons": "e", "band_gap": "eV"}


def load_bandgap(return_X_y=False):
    """Load DFT-PBE band gaps of 12 binary semiconductors (``data/bandgap.csv``).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        ``data`` : ndarray of shape (12, 3) — lattice constant a (Å), Pauling
        electronegativity difference ΔEN, valence electrons per formula unit;
        ``target`` : ndarray of shape (12,) — band gap (eV);
        ``feature_names``, ``target_name``, ``units``, ``compounds``,
        ``families`` and ``DESCR``.
    """
    path = data_path("bandgap.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    data = np.array([[float(row[name]) for name in FEATURES] for row in rows])
    target = np.array([float(row["band_gap"]) for row in rows])
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        feature_names=list(FEATURES),
        target_name="band_gap",
        units=dict(UNITS),
        compounds=[row["compound"] for row in rows],
        families=[row["family"] for row in rows],
        DESCR=(
            "DFT-PBE band gaps (eV) of 12 binary semiconductors with lattice constant "
            "(Å), electronegativity difference (Pauling) and valence electrons, as "
            f"tabulated by the fastreg linear-regression tutorial. Source file: {path}."
        ),
    )
