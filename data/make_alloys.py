"""Regenerate the shipped alloy data: python data/make_alloys.py  (needs fastreg[materials]).

Writes ``alloys.extxyz`` (all 1200 structures, labels in ``atoms.info``) and the same structures as
the folder workflow sees them: ``alloys/train/`` (1000 structures, CIF and POSCAR files),
``alloys/candidates/`` (200 unlabelled CIF files to screen) and ``alloys/targets.csv``.
"""

import csv
import shutil
from pathlib import Path

from ase.io import write

from fastreg.datasets import make_alloys

N_STRUCTURES = 1200
N_TRAIN = 1000
SEED = 0
TARGET_COLUMNS = ("id", "composition", "chemical_system", "formation_energy_per_atom", "energy_per_atom")


def structure_name(atoms):
    return f"alloy-{int(atoms.info['id']):04d}"


def chemical_system(atoms):
    """The element set, e.g. ``Ag-Ni``: polymorphs and compositions of one system share a group."""
    return "-".join(sorted(set(atoms.get_chemical_symbols())))


def write_folder(structures, folder):
    """Even ids as CIF, odd ids as VASP POSCAR files; only geometry goes into the files."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for atoms in structures:
        bare = atoms.copy()
        bare.info = {}
        name = structure_name(atoms)
        if int(atoms.info["id"]) % 2 == 0 or folder.name == "candidates":
            write(folder / f"{name}.cif", bare, format="cif")
        else:
            write(folder / f"{name}.vasp", bare, format="vasp", direct=True)


if __name__ == "__main__":
    here = Path(__file__).parent
    structures = make_alloys(N_STRUCTURES, random_state=SEED)
    write(here / "alloys.extxyz", structures, format="extxyz")
    write_folder(structures[:N_TRAIN], here / "alloys" / "train")
    write_folder(structures[N_TRAIN:], here / "alloys" / "candidates")
    with open(here / "alloys" / "targets.csv", "w", newline="") as handle:
        table = csv.writer(handle)
        table.writerow(TARGET_COLUMNS)
        for atoms in structures:  # candidates too: their labels let the demo score the screening
            table.writerow([structure_name(atoms), atoms.info["composition"], chemical_system(atoms),
                            repr(float(atoms.info["formation_energy_per_atom"])), repr(float(atoms.info["energy_per_atom"]))])
    print(f"wrote {len(structures)} structures to {here / 'alloys.extxyz'}, {N_TRAIN} to alloys/train, "
          f"{N_STRUCTURES - N_TRAIN} to alloys/candidates and their labels to alloys/targets.csv")
