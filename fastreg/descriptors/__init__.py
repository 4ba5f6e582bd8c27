"""Per-atom descriptors of periodic structures, pooled to one row per structure.

``pool`` needs only NumPy; ``featurize`` needs the ``materials`` extra (ASE and
dscribe), imported on first use.
"""

from ._pool import pool

__all__ = ["PooledDescriptor", "featurize", "pool"]


def __getattr__(name):
    if name == "featurize":
        from ._featurize import featurize

        return featurize
    if name == "PooledDescriptor":
        from ._pooled import PooledDescriptor

        return PooledDescriptor
    raise AttributeError(f"module 'fastreg.descriptors' has no attribute {name!r}")
