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
"""

import ctypes
import os
import site
import sys
import threading
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

    ``cache=True`` writes the machine code next to the source, so a second
    process loads it instead of recompiling.
    """

    def decorate(function):
        dispatcher = numba.njit(cache=True, nogil=True, fastmath=set(FASTMATH), parallel=parallel)(function)
        return _OneAtATime(dispatcher) if parallel and _PARALLEL_LOCK is not None else dispatcher

    if function is None:
        return decorate
    return decorate(function)


def n_threads():
    """Threads numba's parallel kernels will use (``NUMBA_NUM_THREADS``)."""
    return numba.get_num_threads()


prange = numba.prange
