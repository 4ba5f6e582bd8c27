"""Files in and out: structures (ASE), feature files.

Nothing heavy is imported here; ASE loads on the first structure read.
"""

from .features import load_features, save_features
from .structures import numeric_targets, read_structures

__all__ = ["load_features", "numeric_targets", "read_structures", "save_features"]
