"""Files in and out: structures (ASE), targets (CSV), feature files (.npz, .zarr), model files (skops).

Nothing heavy is imported here; ASE loads on the first structure read.
"""

from .features import FeatureSet, load_features, read_feature_file, save_features
from .models import load, save
from .structures import numeric_targets, read_structures
from .targets import join_targets, read_targets

__all__ = ["FeatureSet", "join_targets", "load", "load_features", "numeric_targets", "read_feature_file",
           "read_structures", "read_targets", "save", "save_features"]
