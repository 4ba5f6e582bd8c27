"""The one home of numba options.

Every compiled kernel in fastreg is decorated with :func:`kernel`, so the
fastmath flags, on-disk caching, parallelism and the threading layer are
decided here and nowhere else.

Threading layer. GNU OpenMP (numba's usual pick) aborts a process that forks
after a parallel fit (multiprocessing, joblib, Dask's fork start method), and
numba's own "workqueue" layer aborts when two threads run parallel kernels at
once. TBB is safe for both, so fastreg selects it: pip's ``tbb`` wheel puts
``libtbb`` in ``<prefix>/lib``, outside the loader's search path, so it is
preloaded here. Where TBB is missing, fastreg selects "workqueue" (fork-safe)
and runs one parallel kernel at a time (thread-safe). A layer chosen with
``NUMBA_THREADING_LAYER`` is respected.

Cache. Machine code is cached beside the source; where the package folder is
read-only (a system install) it goes to the user's cache folder, else to a
folder under the temporary directory, else caching is off (one warning).
``NUMBA_CACHE_DIR`` is respected.
"""

import ctypes
import os
import site
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import numba

# Reassociation lets LLVM vectorise reductions; contraction allows FMA.
# "nnan"/"ninf" are deliberately absent: NaN and inf checks must keep working.
FASTMATH = frozenset({"nsz", "arcp", "contract", "reassoc"})

TBB_LIBRARIES = ("libtbb.so.12", "libtbb.12.dylib")


def _load_tbb():
    """Make TBB loadable for numba; True when it is."""
    folders = {Path(sys.prefix) / "lib", Path(sys.base_prefix) / "lib", Path(site.getuserbase()) / "lib"}
    for folder in folders:
        for name in TBB_LIBRARIES:
            if (folder / name).exists():
                try:
                    ctypes.CDLL(str(folder / name), mode=ctypes.RTLD_GLOBAL)
                except OSError:
                    continue
                break
    try:
        from numba.np.ufunc import tbbpool  # noqa: F401
    except ImportError:
        return False
    return True


def _select_threading_layer():
    if os.environ.get("NUMBA_THREADING_LAYER"):
        return os.environ["NUMBA_THREADING_LAYER"]
    layer = "tbb" if _load_tbb() else "workqueue"
    numba.config.THREADING_LAYER = layer
    return layer


THREADING_LAYER = _select_threading_layer()


def _writable(folder):
    """Whether files can be created in ``folder`` (creating it if need be)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def _select_cache():
    """True to cache; points numba elsewhere when the package's own folder is read-only."""
    if os.environ.get("NUMBA_CACHE_DIR") or _writable(Path(__file__).parent / "__pycache__"):
        return True
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    for folder in (Path(base) / "fastreg" / "numba", Path(tempfile.gettempdir()) / f"fastreg-numba-{uid}"):
        if _writable(folder):
            numba.config.CACHE_DIR = str(folder)
            return True
    warnings.warn("fastreg: no writable folder for numba's cache (package folder, ~/.cache, temporary "
                  "directory); kernels are compiled in every new process. Set NUMBA_CACHE_DIR to fix.",
                  RuntimeWarning, stacklevel=2)
    return False


CACHE = _select_cache()


def _robust_cache(py_func):
    """numba's function cache, except that a corrupt cache file is discarded and rebuilt.

    numba raises on an unreadable index (a truncated write, a disk error); here
    the entry is removed and the kernel compiled again.
    """
    from numba.core.caching import FunctionCache

    class RobustCache(FunctionCache):
        def load_overload(self, sig, target_context):
            try:
                return super().load_overload(sig, target_context)
            except Exception:
                self._discard()
                return None

        def save_overload(self, sig, data):
            try:
                super().save_overload(sig, data)
            except Exception:
                self._discard()
                try:
                    super().save_overload(sig, data)
                except Exception:  # a cache that cannot be written only costs compile time
                    pass

        def _discard(self):
            try:
                os.unlink(self._cache_file._index_path)
            except OSError:
                pass

    return RobustCache(py_func)
# workqueue is not thread-safe: there, parallel kernels take turns
_PARALLEL_LOCK = threading.RLock() if THREADING_LAYER == "workqueue" else None


class _OneAtATime:
    """A parallel dispatcher called under a process-wide lock (the workqueue layer only)."""

    def __init__(self, dispatcher):
        self._dispatcher = dispatcher

    def __call__(self, *args):
        with _PARALLEL_LOCK:
            return self._dispatcher(*args)

    def __getattr__(self, name):
        return getattr(self._dispatcher, name)


def kernel(function=None, *, parallel=False):
    """Compile ``function`` with fastreg's numba options.

    ``cache=True`` (unless no folder is writable) writes the machine code to
    disk, so a second process loads it instead of recompiling.
    """

    def decorate(function):
        dispatcher = numba.njit(cache=CACHE, nogil=True, fastmath=set(FASTMATH), parallel=parallel)(function)
        if CACHE and hasattr(dispatcher, "_cache"):  # not under NUMBA_DISABLE_JIT
            dispatcher._cache = _robust_cache(dispatcher.py_func)
        return _OneAtATime(dispatcher) if parallel and _PARALLEL_LOCK is not None else dispatcher

    if function is None:
        return decorate
    return decorate(function)


def n_threads():
    """Threads numba's parallel kernels will use (``NUMBA_NUM_THREADS``)."""
    return numba.get_num_threads()


prange = numba.prange
