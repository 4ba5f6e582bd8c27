"""Nothing lost: outputs complete or untouched, checked before the work; one-line failures with exit codes."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from joblib.externals.loky.process_executor import TerminatedWorkerError

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
    import signal, sys, time, numpy as np
    # a shell's background job starts with SIGINT ignored, which Python then keeps: restore the
    # handler an interactive run has, so the test does not depend on how it was launched
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import fastreg.io.features as features
    def slow(handle, **arrays):
        handle.write(b"partial bytes")
        handle.flush()
        print("writing", flush=True)
        time.sleep(60)
    np.savez_compressed = slow
    import fastreg.cli.featurize as job
    def featurize(sources, output, **settings):  # no structures: straight to the write
        features.save_features(output, np.ones((2, 2)), ["a", "b"], ["s0", "s1"], {})
    job.run_featurize = featurize
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
    (TerminatedWorkerError("worker 3 died"), 1, "fastreg bandgap: error: TerminatedWorkerError: worker 3 died"),
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


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[1][0] not in "ZX"  # zombies are dead
    except OSError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs /proc")
def test_sigterm_stops_the_worker_processes(tmp_path):
    pytest.importorskip("dscribe")
    from ase.io import write

    from fastreg.datasets import load_alloys

    structures = tmp_path / "many.extxyz"
    many = [atoms.copy() for atoms in load_alloys() * 4]  # long enough to be interrupted
    for index, atoms in enumerate(many):
        atoms.info["id"] = f"copy-{index}"  # unique, so a slow start cannot end the run on a duplicate id
    write(structures, many, format="extxyz")
    process = subprocess.Popen(FASTREG + ["featurize", str(structures), "-o", str(tmp_path / "f.npz"), "--jobs", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        workers = [c for c in _children(process.pid) if "loky" in open(f"/proc/{c}/cmdline").read()] \
            if _children(process.pid) else []
    if len(workers) < 2:
        process.kill()
        pytest.skip("the workers did not start in time on this machine")
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143 and err.strip().endswith("fastreg featurize: terminated"), err[-1500:]
    deadline = time.monotonic() + 15
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(w) for w in workers), "a worker outlived its parent"
    assert not (tmp_path / "f.npz").exists()


def test_workers_are_capped_by_cores_and_memory(monkeypatch):
    import warnings

    from fastreg._solvers import memory
    from fastreg.descriptors import _featurize

    cores = len(os.sched_getaffinity(0))
    with pytest.warns(UserWarning, match=f"n_jobs=1000 lowered to {cores}: {cores} cores available"):
        assert _featurize.affordable_workers(1000, 4096, 100) == cores
    monkeypatch.setattr(memory, "available_memory", lambda: 400 << 20)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)))
    with pytest.warns(UserWarning, match="lowered to 1: each worker needs ~3"):
        assert _featurize.affordable_workers(4, 4096, 100) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _featurize.affordable_workers(1, 4096, 100) == 1
