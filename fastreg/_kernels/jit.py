"""The one home of numba options.

Every compiled kernel in fastreg is decorated with :func:`kernel`, so the
fastmath flags, on-disk caching and parallelism are decided here and nowhere
else.
"""

import numba

# Reassociation lets LLVM vectorise reductions; contraction allows FMA.
# "nnan"/"ninf" are deliberately absent: NaN and inf checks must keep working.
FASTMATH = frozenset({"nsz", "arcp", "contract", "reassoc"})


def kernel(function=None, *, parallel=False):
    """Compile ``function`` with fastreg's numba options.

    ``cache=True`` writes the machine code next to the source, so a second
    process loads it instead of recompiling.
    """
    decorator = numba.njit(
        cache=True, nogil=True, fastmath=set(FASTMATH), parallel=parallel
    )
    if function is None:
        return decorator
    return decorator(function)


def n_threads():
    """Threads numba's parallel kernels will use (``NUMBA_NUM_THREADS``)."""
    return numba.get_num_threads()


prange = numba.prange
