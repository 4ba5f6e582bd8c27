"""read_structures: every format, folders, globs, ids, and unreadable files."""

import numpy as np
import pytest

pytest.importorskip("ase")
from ase.build import bulk  # noqa: E402
from ase.io import write  # noqa: E402

from fastreg.io import read_structures  # noqa: E402
from fastreg.io.structures import structure_files  # noqa: E402


def crystal(symbol="Cu", a=3.6):
    return bulk(symbol, "fcc", a=a, cubic=True)


def same(a, b):
    return a.get_chemical_symbols() == b.get_chemical_symbols() and np.allclose(a.positions, b.positions, atol=1e-6)


@pytest.mark.parametrize("name, fmt", [("cu.cif", "cif"), ("POSCAR", "vasp"), ("cu.vasp", "vasp"),
                                       ("cu.extxyz", "extxyz"), ("cu.traj", "traj")])
def test_each_format_reads_with_the_file_stem_as_id(tmp_path, name, fmt):
    path = tmp_path / "mp-30" / name
    path.parent.mkdir()
    write(path, crystal(), format=fmt)
    (atoms,) = read_structures(path)
    assert same(atoms, crystal())
    assert atoms.info["id"] == ("mp-30" if name == "POSCAR" else "cu")  # a bare POSCAR: its folder names it


def test_multi_frame_file_gets_indexed_ids_and_kept_ids_win(tmp_path):
    frames = [crystal("Cu"), crystal("Ni", 3.5), crystal("Ag", 4.1)]
    frames[2].info["id"] = "silver"
    write(tmp_path / "set.extxyz", frames)
    read = list(read_structures(tmp_path / "set.extxyz"))
    assert [a.info["id"] for a in read] == ["set:0", "set:1", "silver"]
    assert all(same(a, b) for a, b in zip(read, frames))


def test_folder_and_glob_find_structure_files_only(tmp_path):
    (tmp_path / "b").mkdir()
    write(tmp_path / "a.cif", crystal("Cu"))
    write(tmp_path / "b" / "POSCAR", crystal("Ni", 3.5), format="vasp")
    write(tmp_path / "c.extxyz", [crystal("Ag", 4.1), crystal("Au", 4.1)])
    (tmp_path / "targets.csv").write_text("id,e\na,1\n")
    (tmp_path / "README.md").write_text("not a structure")
    (tmp_path / ".hidden.cif").write_text("junk")
    from_folder = [a.info["id"] for a in read_structures(tmp_path)]
    assert from_folder == ["a", "b", "c:0", "c:1"]
    assert [a.info["id"] for a in read_structures(str(tmp_path / "*.cif"))] == ["a"]
    assert [a.info["id"] for a in read_structures(str(tmp_path / "**" / "POSCAR"))] == ["b"]
    both = [a.info["id"] for a in read_structures([tmp_path / "a.cif", str(tmp_path / "*.extxyz")])]
    assert both == ["a", "c:0", "c:1"]


def test_missing_sources_fail_before_anything_is_read(tmp_path):
    with pytest.raises(ValueError, match=r"nothing\.cif: no such file or folder"):
        read_structures([tmp_path / "nothing.cif"])
    with pytest.raises(ValueError, match="the pattern matches no structure file"):
        read_structures(str(tmp_path / "*.cif"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="the folder holds no structure files"):
        structure_files([tmp_path / "empty"])


def test_unreadable_files_are_named_or_skipped_and_logged(tmp_path):
    write(tmp_path / "a.cif", crystal("Cu"))
    (tmp_path / "b.cif").write_text("data_broken\n_cell_length_a x\n")
    (tmp_path / "c.extxyz").write_text("2\nProperties=species:S:1:pos:R:3\nH 0 0 0\n")  # one atom short
    write(tmp_path / "d.cif", crystal("Ni", 3.5))
    with pytest.raises(ValueError, match=r"b\.cif"):
        list(read_structures(tmp_path))
    skipped = []
    read = list(read_structures(tmp_path, skip_bad=True, on_skip=lambda path, why: skipped.append((path.name, why))))
    assert [a.info["id"] for a in read] == ["a", "d"]
    assert [name for name, _ in skipped] == ["b.cif", "c.extxyz"] and all(why for _, why in skipped)
    with pytest.warns(UserWarning, match=r"skipped .*b\.cif"):
        list(read_structures(tmp_path, skip_bad=True))
