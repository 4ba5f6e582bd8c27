"""fastreg on a Dask cluster: exact fits from per-chunk statistics, featurizing and screening on the workers.

Needs the ``distributed`` extra (``pip install 'fastreg[distributed]'``). The
exact fits need only the sufficient statistics of each row chunk (p² numbers),
computed on the workers by the same numba kernel as a local fit and summed in a
tree; the solve happens on the client. Structures travel as a ``dask.bag`` of
``ase.Atoms``, one row per structure comes back.
"""

from .client import get_client
from .fit import fit, predict, sufficient_stats
from .structures import featurize, featurize_partitions, scan, screen, structure_bag

__all__ = ["featurize", "featurize_partitions", "fit", "get_client", "predict", "scan", "screen", "structure_bag",
           "sufficient_stats"]
