"""A row buffer that grows without copying: the output of a stream of unknown length.

Rows live in an anonymous memory map that grows by ``mremap`` (``mmap.resize``):
the kernel remaps pages instead of copying them, so growing never holds two
copies, and untouched capacity costs no memory. (A NumPy array grown by
``realloc`` can end up in the C heap, where each growth leaves a stale copy.)
"""

import mmap

import numpy as np


class GrowingRows:
    """Append row blocks of a fixed width; :meth:`array` returns them as one ndarray."""

    def __init__(self):
        self._blocks = None if hasattr(mmap, "MAP_PRIVATE") else []  # no private maps (Windows): stack at the end
        self._map = None
        self._rows = 0
        self._width = None
        self._dtype = None

    def append(self, block):
        block = np.asarray(block)
        if self._blocks is not None:
            self._blocks.append(block)
            return
        if self._map is None:
            self._width, self._dtype = block.shape[1], block.dtype
        row_bytes = self._width * self._dtype.itemsize
        needed = (self._rows + block.shape[0]) * row_bytes
        if self._map is None:
            # private: a shared anonymous map is a fixed-size shmem object and faults past it
            self._map = mmap.mmap(-1, max(needed, mmap.PAGESIZE), flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        elif needed > len(self._map):
            self._map.resize(max(needed, 2 * len(self._map)))  # remapped, not copied
        target = np.frombuffer(self._map, self._dtype, count=block.size, offset=self._rows * row_bytes)
        target.reshape(block.shape)[:] = block
        del target  # no view may outlive a resize
        self._rows += block.shape[0]

    def array(self):
        """The rows as an ndarray backed by the map (None if nothing was appended)."""
        if self._blocks is not None:
            return np.vstack(self._blocks) if self._blocks else None
        if self._map is None:
            return None
        X = np.frombuffer(self._map, self._dtype, count=self._rows * self._width).reshape(self._rows, self._width)
        self._map = None  # the array now owns the only reference
        return X
