"""Regenerate data/alloys.extxyz: python data/make_alloys.py  (needs fastreg[materials])."""

from pathlib import Path

from ase.io import write

from fastreg.datasets import make_alloys

N_STRUCTURES = 1200
SEED = 0

if __name__ == "__main__":
    path = Path(__file__).with_name("alloys.extxyz")
    structures = make_alloys(N_STRUCTURES, random_state=SEED)
    write(path, structures, format="extxyz")
    print(f"wrote {len(structures)} structures ({sum(len(s) for s in structures)} atoms) to {path}")
