"""Fuzzed command lines and files: every outcome is a result or a one-line error, never a traceback."""

import contextlib
import io
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastreg.cli import main
from fastreg.io.features import load_features, save_features

FOLDER = Path(tempfile.mkdtemp(prefix="fastreg-fuzz-"))
GOOD = FOLDER / "good.npz"
save_features(GOOD, np.random.default_rng(0).random((12, 3)), ["a", "b", "c"], np.arange(12),
              {"e": np.arange(12.0)})
(FOLDER / "empty.npz").write_bytes(b"")
(FOLDER / "truncated.npz").write_bytes(GOOD.read_bytes()[:200])
(FOLDER / "text.xyz").write_text("2\nnot an extxyz comment\nH 0 0\n")

TOKENS = st.sampled_from([
    "fit", "featurize", "bandgap", "--target", "e", "x", "--model", "ols", "ridge", "lasso", "gd", "nope",
    "--cv", "0", "1", "3", "-5", "1e9", "--plot", str(FOLDER / "p.png"), str(FOLDER / "p.txt"), "--force",
    "-o", str(FOLDER / "out"), str(FOLDER / "out.npz"), "--stats", "mean,std", "power:x", "--jobs", "--seed",
    "--max-centers", str(GOOD), str(FOLDER / "empty.npz"), str(FOLDER / "truncated.npz"), str(FOLDER / "text.xyz"),
    str(FOLDER / "missing.xyz"), "--by-species", "--version", "--help", "", "é", "--",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, min_size=0, max_size=7))
def test_any_command_line_is_a_result_or_a_one_line_error(argv):
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            code = main(argv)
        except SystemExit as exit_info:  # argparse: --help/--version (0) or a usage error (2)
            code = exit_info.code
    assert code in (0, 1, 2), (argv, code, err.getvalue())
    assert "Traceback" not in err.getvalue()
    if code == 1:
        assert len(err.getvalue().strip().splitlines()) == 1, err.getvalue()


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=600), st.integers(0, 2000))
def test_any_bytes_as_a_feature_file_are_read_or_refused_clearly(data, cut):
    path = FOLDER / "fuzzed.npz"
    path.write_bytes(data if cut % 2 else GOOD.read_bytes()[: cut] + data)
    try:
        X, y, names = load_features(path, "e")
    except ValueError as error:
        assert str(path) in str(error)
    else:
        assert X.shape == (len(y), len(names))


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_any_text_as_a_structure_file_is_read_or_refused_clearly(text):
    pytest.importorskip("ase")
    from fastreg.io.structures import read_structures

    path = FOLDER / "fuzzed.extxyz"
    path.write_text(text)
    try:
        structures = list(read_structures(path))
    except ValueError as error:
        assert str(path) in str(error)
    else:
        assert all(len(atoms) >= 0 for atoms in structures)


def test_a_damaged_frame_further_down_is_named():
    pytest.importorskip("ase")
    from fastreg.io.structures import read_structures

    path = FOLDER / "second_bad.extxyz"
    path.write_text("1\nProperties=species:S:1:pos:R:3\nH 0 0 0\n2\nProperties=species:S:1:pos:R:3\nH 0 0\n")
    with pytest.raises(ValueError, match=r"second_bad.extxyz: structure 1: cannot read it"):
        list(read_structures(path))


@pytest.mark.parametrize("header", ["99999999999", "٣٣٣٣٣٣٣٣٣٣", "-3"])
def test_an_xyz_header_with_impossible_atom_counts_is_refused_at_once(header):
    """Found by the fuzz test above: ASE reads that many lines first, which took hours."""
    pytest.importorskip("ase")
    from fastreg.io.structures import read_structures

    path = FOLDER / "huge_header.extxyz"
    path.write_text(f"{header}\ncomment\nH 0 0 0\n")
    with pytest.raises(ValueError, match=r"huge_header.extxyz: .*atoms"):
        list(read_structures(path))
