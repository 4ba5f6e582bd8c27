"""Nothing lost: outputs complete or untouched, checked before the work; one-line failures with exit codes."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from fastreg.cli import main
from fastreg.io.safe_files import atomic_write, prepare_output

FASTREG = [sys.executable, "-m", "fastreg"]


def test_atomic_write_leaves_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "features.npz"
    target.write_bytes(b"the good old file")
    with pytest.raises(OSError, match="disk full"):
        with atomic_write(target) as handle:
            handle.write(b"half of a new fi")
            raise OSError(28, "disk full")  # as a full disk would, mid-write
    assert target.read_bytes() == b"the good old file"
    assert [p.name for p in tmp_path.iterdir()] == ["features.npz"]  # no temporary left behind
    with atomic_write(target) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"new"
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_outputs_are_checked_before_any_work(tmp_path):
    existing = tmp_path / "out.npz"
    existing.write_bytes(b"keep me")
    with pytest.raises(ValueError, match="exists; pass --force"):
        prepare_output(existing, extensions=(".npz",))
    assert prepare_output(existing, extensions=(".npz",), force=True) == existing
    assert prepare_output(tmp_path / "feat", extensions=(".npz",)) == tmp_path / "feat.npz"
    with pytest.raises(ValueError, match="unknown extension '.csv'"):
        prepare_output(tmp_path / "feat.csv", extensions=(".npz",))
    with pytest.raises(ValueError, match="does not exist"):
        prepare_output(tmp_path / "no" / "feat.npz", extensions=(".npz",))
    (tmp_path / "d.npz").mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        prepare_output(tmp_path / "d.npz", extensions=(".npz",))


def test_featurize_refuses_to_overwrite_before_reading_anything(tmp_path, capsys):
    existing = tmp_path / "out.npz"
    existing.write_bytes(b"keep me")
    start = time.perf_counter()
    # the structures file does not even exist: the output check comes first
    assert main(["featurize", str(tmp_path / "missing.xyz"), "-o", str(existing)]) == 1
    assert time.perf_counter() - start < 1.0
    assert "exists; pass --force" in capsys.readouterr().err
    assert existing.read_bytes() == b"keep me"
    assert main(["bandgap", "--plot", str(existing)]) == 1
    assert "unknown extension '.npz'" in capsys.readouterr().err


def test_featurize_adds_the_extension_and_says_so(tmp_path, capsys):
    pytest.importorskip("dscribe")
    from ase.io import write

    from fastreg.datasets import load_alloys

    structures = tmp_path / "few.extxyz"
    write(structures, load_alloys()[:6], format="extxyz")
    assert main(["featurize", str(structures), "-o", str(tmp_path / "feat"), "--jobs", "1000"]) == 0
    captured = capsys.readouterr()
    assert f"wrote {tmp_path / 'feat.npz'}" in captured.out
    assert "--jobs 1000 lowered to the" in captured.err
    assert np.load(tmp_path / "feat.npz")["X"].shape[0] == 6


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip", b"\x93NUMPY garbage"])
def test_corrupt_or_foreign_feature_files_are_one_line_errors(tmp_path, capsys, content):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(content)
    assert main(["fit", str(bad), "--target", "e"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "Traceback" not in err


def test_a_feature_file_without_its_arrays_is_named(tmp_path, capsys):
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, data=np.ones(3))
    assert main(["fit", str(foreign), "--target", "e"]) == 1
    assert "not a fastreg feature file: it lacks X, feature_names" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["fit", "f.npz", "--target", "e", "--cv", "0"], ["bench", "--repeats", "0"],
                                  ["featurize", "s.xyz", "-o", "x.npz", "--jobs", "-2"]])
def test_bad_arguments_exit_2_with_usage(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


SLOW_WRITE = textwrap.dedent("""
    import sys, time, numpy as np
    import fastreg.io.features as features
    def slow(handle, **arrays):
        handle.write(b"partial bytes")
        handle.flush()
        print("writing", flush=True)
        time.sleep(60)
    np.savez_compressed = slow
    import fastreg.cli.featurize as job
    import fastreg.descriptors._featurize as f
    f.featurize_with_info = lambda *a, **k: (np.ones((2, 2)), ["a", "b"], [{}, {}])
    job.read_structures = lambda path: iter(())
    from fastreg.cli import main
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.parametrize("signum, code, word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_a_signal_mid_write_keeps_the_old_file(tmp_path, signum, code, word):
    target = tmp_path / "features.npz"
    target.write_bytes(b"the good old file")
    process = subprocess.Popen([sys.executable, "-c", SLOW_WRITE, "featurize", "x.xyz", "-o", str(target), "--force"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "writing"  # inside the temporary file now
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode == code, err
    assert err.strip() == f"fastreg featurize: {word}"
    assert target.read_bytes() == b"the good old file"
    assert [p.name for p in tmp_path.iterdir()] == ["features.npz"]


def test_a_closed_pipe_is_not_a_traceback():
    process = subprocess.run(" ".join(FASTREG) + " bandgap | head -n 1", shell=True, capture_output=True, text=True,
                             timeout=120)
    assert process.stdout.startswith("Eg ≈")
    assert "Traceback" not in process.stderr and "Broken pipe" not in process.stderr


@pytest.mark.parametrize("error, code, line", [
    (BrokenPipeError(32, "Broken pipe"), 141, ""),
    (KeyboardInterrupt(), 130, "fastreg bandgap: interrupted"),
    (np.linalg.LinAlgError("Singular matrix"), 1, "fastreg bandgap: error: LinAlgError: Singular matrix"),
    (MemoryError("need 80 GB"), 1, "fastreg bandgap: error: MemoryError: need 80 GB"),
])
def test_every_failure_is_one_line_and_an_exit_code(monkeypatch, capsys, error, code, line):
    import fastreg.cli.bandgap as job

    def fail(**kwargs):
        raise error

    monkeypatch.setattr(job, "run_bandgap", fail)
    assert main(["bandgap"]) == code
    assert capsys.readouterr().err.strip() == line
    if code != 141:
        with pytest.raises(type(error)):
            main(["--debug", "bandgap"])  # --debug shows the traceback
