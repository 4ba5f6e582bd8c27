"""Targets files: reading a CSV of computed properties and joining it to structures by id.

Messages are checked whole: they are what a user reads when a file is wrong.
"""

import textwrap

import pytest

from conftest import exactly
from fastreg.io.targets import join_targets, read_targets


def write_csv(path, text):
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def test_targets_are_read_and_joined_with_what_is_missing_reported(tmp_path):
    path = write_csv(tmp_path / "t.csv", """
        id,energy,system
        a,1.5,Cu
        b,-2,Cu-Ni
        c,3e-1,Ni
    """)
    targets = read_targets(path, "energy", groups="system")
    assert targets.ids == ["a", "b", "c"] and targets.values.tolist() == [1.5, -2.0, 0.3]
    joined = join_targets(["c", "x", "a"], targets)
    assert joined.rows.tolist() == [0, 2] and joined.y.tolist() == [0.3, 1.5] and joined.groups.tolist() == ["Ni", "Cu"]
    assert joined.without_target == ["x"] and joined.without_structure == ["b"]


@pytest.mark.parametrize("text, match", [
    ("id,energy\na,1\na,2\n", r"line 3: duplicate id 'a' \(first on line 2\)"),
    ("id,energy\na,1\nb,\n", r"line 3: energy is '', not a finite number"),
    ("id,energy\na,1\nb,nan\n", r"line 3: energy is 'nan'"),
    ("name,energy\na,1\n", r"no id column 'id'; the columns are name, energy"),
    ("id,gap\na,1\n", r"no target 'energy'; the columns are id, gap"),
    ("id,energy\n", "holds no rows"),
])
def test_bad_targets_files_name_file_line_and_problem(tmp_path, text, match):
    path = write_csv(tmp_path / "t.csv", text)
    with pytest.raises(ValueError, match=match):
        read_targets(path, "energy")


def test_join_refuses_duplicate_structure_ids_and_no_overlap(tmp_path):
    targets = read_targets(write_csv(tmp_path / "t.csv", "id,e\na,1\nb,2\n"), "e")
    with pytest.raises(ValueError, match=r"duplicate structure id 'a' \(structures 0 and 2\)"):
        join_targets(["a", "b", "a"], targets)
    with pytest.raises(ValueError, match="no structure id matches an id"):
        join_targets(["x", "y"], targets)


def test_targets_record_their_name_and_file_and_no_groups_unless_asked(tmp_path):
    path = write_csv(tmp_path / "t.csv", "id,energy,system\na,1,Cu\n")
    targets = read_targets(path, "energy")
    assert targets.name == "energy" and targets.path == str(path) and targets.groups is None
    assert targets.values.dtype.kind == "f"
    joined = join_targets(["a"], targets)
    assert joined.groups is None and joined.rows.dtype.kind == "i"


def test_a_byte_order_mark_and_quoted_line_breaks_are_read_as_written(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffid,energy,system\r\na,1,\"Cu\r\nNi\"\r\n".encode("utf-8"))
    targets = read_targets(path, "energy", groups="system")
    assert targets.ids == ["a"] and targets.groups == ["Cu\r\nNi"]


def test_a_short_row_has_an_empty_group_and_a_missing_id_is_named(tmp_path):
    targets = read_targets(write_csv(tmp_path / "t.csv", "id,energy,system\na,1\n"), "energy", groups="system")
    assert targets.groups == [""]
    path = write_csv(tmp_path / "u.csv", "energy,id\n1\n")
    with pytest.raises(ValueError, match=exactly(f"{path}, line 2: the id is empty.")):
        read_targets(path, "energy")


@pytest.mark.parametrize("text, groups, message", [
    ("id,energy\na,1\nb,x\n", None, "{path}, line 3: energy is 'x', not a finite number."),
    ("id,energy\n", "system", "{path}: no groups column 'system'; the columns are id, energy."),
    ("", None, "{path}: no id column 'id'; the columns are none."),
    ("id,energy\n", None, "{path}: the file holds no rows."),
])
def test_targets_messages_in_full(tmp_path, text, groups, message):
    path = write_csv(tmp_path / "t.csv", text)
    with pytest.raises(ValueError, match=exactly(message.format(path=path))):
        read_targets(path, "energy", groups=groups)


def test_an_unreadable_file_is_one_clear_error(tmp_path):
    missing = tmp_path / "absent.csv"
    with pytest.raises(ValueError, match=exactly(
            f"cannot read targets from {missing}: FileNotFoundError: [Errno 2] No such file or directory: '{missing}'")):
        read_targets(missing, "energy")


def test_join_messages_show_a_few_ids_of_each_side(tmp_path):
    targets = read_targets(write_csv(tmp_path / "t.csv", "id,e\na,1\nb,2\nc,3\n"), "e")
    with pytest.raises(ValueError, match=exactly(
            "duplicate structure id 'a' (structures 0 and 2); ids must be unique to join targets.")):
        join_targets(["a", "b", "a"], targets)
    with pytest.raises(ValueError, match=exactly(
            f"no structure id matches an id in {targets.path} (structures: 'v', 'w', 'x' and 2 more; "
            "targets: 'a', 'b', 'c').")):
        join_targets(["v", "w", "x", "y", "z"], targets)
