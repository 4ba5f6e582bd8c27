"""What this process may use: memory (checked before a large dense matrix is allocated) and cores."""

import os

from ..exceptions import InsufficientMemoryError

# Below this a check costs more than it can save.
CHECK_FROM_BYTES = 64 << 20


def available_memory():
    """Bytes the process can still allocate: ``MemAvailable`` (Linux), else free pages, else None."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def require_memory(nbytes, what, advice):
    """Raise :class:`InsufficientMemoryError` if ``nbytes`` more would not fit.

    ``what`` names the allocation (e.g. "the 100,000 × 100,000 statistics");
    ``advice`` says what to do instead.
    """
    if nbytes < CHECK_FROM_BYTES:
        return
    available = available_memory()
    if available is not None and nbytes > available:
        raise InsufficientMemoryError(
            f"{what} need {format_bytes(nbytes)} but only {format_bytes(available)} of memory "
            f"is available. {advice}",
            needed=nbytes, available=available)


def format_bytes(nbytes):
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if nbytes >= size:
            return f"{nbytes / size:.1f} {unit}"
    return f"{nbytes:,} bytes"


def available_cores():
    """Cores this process may run on (its CPU affinity where the platform tells)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
