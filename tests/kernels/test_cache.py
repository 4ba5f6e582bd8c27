"""Kernels load from the on-disk cache, and fastreg works where it cannot write beside itself."""

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

import fastreg

PACKAGE = str(Path(fastreg.__file__).parent)

# os.access is made to say "read-only" for the given folders, as on a system install
# (the test runs as root, for whom real permissions would not bite)
SCRIPT = textwrap.dedent("""
    import os, sys, warnings
    blocked = [b for b in sys.argv[1].split(os.pathsep) if b]
    real_access = os.access
    os.access = lambda path, mode, *a, **k: (not any(str(path).startswith(b) for b in blocked)
                                            and real_access(path, mode, *a, **k))
    warnings.simplefilter("always")
    with warnings.catch_warnings(record=True) as caught:
        import numpy as np, numba, fastreg
        from fastreg._kernels import gram, jit
        fastreg.Ridge().fit(np.random.rand(50, 3), np.random.rand(50))
    print(jit.CACHE, numba.config.CACHE_DIR or "-", len(gram.augmented_gram.stats.cache_hits),
          sum("no writable folder" in str(w.message) for w in caught))
""")


def run(blocked, home, tmp):
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME")}
    env.update(HOME=str(home), TMPDIR=str(tmp))
    result = subprocess.run([sys.executable, "-c", SCRIPT, os.pathsep.join(blocked)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.split()


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="no cache without compilation")
def test_read_only_package_caches_in_the_user_folder(tmp_path):
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(), tmp.mkdir()
    first = run([PACKAGE], home, tmp)
    assert first[:2] == ["True", str(home / ".cache" / "fastreg" / "numba")] and first[3] == "0"
    second = run([PACKAGE], home, tmp)
    assert int(second[2]) >= 1  # the second process loads the first one's machine code


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="no cache without compilation")
def test_nowhere_writable_still_works_with_one_warning(tmp_path):
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(), tmp.mkdir()
    fallback = run([PACKAGE, str(home)], home, tmp)
    assert fallback[:2] == ["True", str(tmp / f"fastreg-numba-{os.getuid()}")]
    nowhere = run([PACKAGE, str(home), str(tmp), tempfile.gettempdir()], home, tmp)
    assert nowhere[0] == "False" and nowhere[3] == "1"


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="no cache without compilation")
def test_a_corrupt_cache_file_is_rebuilt(tmp_path):
    fit = ("import numpy as np, fastreg; from fastreg._kernels import gram, cholesky; "
           "fastreg.Ridge().fit(np.random.rand(50, 3), np.random.rand(50)); "
           "print(len(gram.augmented_gram.stats.cache_hits), len(cholesky.factor_scaled.stats.cache_hits))")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    subprocess.run([sys.executable, "-c", fit], env=env, check=True, capture_output=True, timeout=300)
    for index in tmp_path.rglob("gram.augmented_gram-*.nbi"):
        index.write_bytes(b"garbage")  # a truncated or foreign index
    for data in tmp_path.rglob("cholesky.factor_scaled-*.nbc"):
        data.write_bytes(os.urandom(100))  # damaged machine code
    again = subprocess.run([sys.executable, "-c", fit], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.split() == ["0", "0"]  # both recompiled
    third = subprocess.run([sys.executable, "-c", fit], env=env, capture_output=True, text=True, timeout=300)
    assert [int(v) >= 1 for v in third.stdout.split()] == [True, True]  # and cached again
