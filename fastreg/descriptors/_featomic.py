"""featomic's SOAP power spectrum behind the interface fastreg's featurizer drives (dscribe's ``create``).

featomic (Rust, with Python bindings) returns a metatensor ``TensorMap`` keyed by centre and
neighbour species. Here the keys are folded into fixed columns — every species pair the
model knows, present in the batch or not — and the rows are put back in (structure, atom)
order, so the pooled columns do not depend on the batch.

Its SOAP is not dscribe's: the radial basis and normalisation differ (and featomic keeps both
(n₁, n₂) orders of a same-species pair), so the columns are a different, equally valid
descriptor, not a copy of dscribe's to 1e-10.
"""

import itertools
import json

import numpy as np

DEFAULT_SMOOTHING = 0.5  # Å, width of the shifted-cosine cut-off


def featomic_parameters(r_cut, n_max, l_max, sigma, overrides=None):
    """featomic hypers for the SOAP fastreg's settings describe (n_max radial functions, 0…l_max)."""
    parameters = {
        "cutoff": {"radius": float(r_cut), "smoothing": {"type": "ShiftedCosine", "width": DEFAULT_SMOOTHING}},
        "density": {"type": "Gaussian", "width": float(sigma)},
        "basis": {"type": "TensorProduct", "max_angular": int(l_max),
                  "radial": {"type": "Gto", "max_radial": int(n_max) - 1}},
    }
    for key, value in (overrides or {}).items():
        parameters[key] = value
    return parameters


class FeatomicSoap:
    """A featomic ``SoapPowerSpectrum`` that fastreg can chunk, pool and send to worker processes.

    Parameters
    ----------
    parameters : dict
        featomic hypers (``cutoff``, ``density``, ``basis``).
    species : sequence of str
        Element symbols; they fix the columns.
    """

    periodic = True  # featomic follows each structure's own pbc

    def __init__(self, parameters, species):
        self.parameters = json.loads(json.dumps(parameters))  # plain data: picklable, storable
        self.species = sorted(species)

    def __getstate__(self):
        return {"parameters": self.parameters, "species": self.species}  # the calculator is rebuilt

    def __setstate__(self, state):
        self.__dict__.update(state)

    def _calculator(self):
        calculator = self.__dict__.get("_built")
        if calculator is None:
            try:
                import featomic
            except ImportError:  # pragma: no cover - depends on the environment
                raise ImportError("the featomic backend needs featomic: pip install featomic") from None
            calculator = self.__dict__["_built"] = featomic.SoapPowerSpectrum(**self.parameters)
        return calculator

    def _pairs(self):
        from ase.data import atomic_numbers

        numbers = sorted(atomic_numbers[s] for s in self.species)
        return [(a, b) for a, b in itertools.combinations_with_replacement(numbers, 2)]

    def _shape(self):
        basis = self.parameters["basis"]
        return int(basis["max_angular"]) + 1, int(basis["radial"]["max_radial"]) + 1

    def get_number_of_features(self):
        n_l, n_n = self._shape()
        return len(self._pairs()) * n_l * n_n * n_n

    def feature_names(self):
        from ase.data import chemical_symbols

        n_l, n_n = self._shape()
        return [f"featomic_soap[{chemical_symbols[a]}-{chemical_symbols[b]}]l{l}n{n1}{n2}"
                for a, b in self._pairs() for l in range(n_l) for n1 in range(n_n) for n2 in range(n_n)]

    def create(self, systems, centers=None, n_jobs=1):
        """Per-atom rows: one array (n_atoms, n_features) per structure (one array for one structure)."""
        single = not isinstance(systems, (list, tuple))
        systems = [systems] if single else list(systems)
        values, offsets = self.create_rows(systems, None if centers is None or not single else [centers])
        rows = [values[offsets[k]:offsets[k + 1]] for k in range(len(systems))]
        if centers is not None and not single:
            rows = [r[np.asarray(c, dtype=np.intp)] for r, c in zip(rows, centers)]
        return rows[0] if single else rows

    def create_rows(self, systems, centers=None):
        """``(values, offsets)``: the per-atom rows of all ``systems`` in one block, structure after structure."""
        import metatensor

        descriptor = self._calculator().compute(systems).keys_to_samples("center_type")
        pairs = metatensor.Labels(["neighbor_1_type", "neighbor_2_type"], np.array(self._pairs(), dtype=np.int32))
        block = descriptor.keys_to_properties(pairs).block()
        samples = np.asarray(block.samples.values)
        values = np.asarray(block.values)
        key = samples[:, 0].astype(np.int64) * (samples[:, 1].max() + 1) + samples[:, 1]
        if np.any(np.diff(key) < 0):  # (structure, atom) order; featomic usually gives it already
            order = np.argsort(key, kind="stable")
            values, samples = values[order], samples[order]
        self._check_columns(block)
        offsets = np.concatenate([[0], np.cumsum(np.bincount(samples[:, 0], minlength=len(systems)))])
        if centers is not None:  # only the chosen centres, structure by structure
            keep = np.concatenate([offsets[k] + np.asarray(c, dtype=np.intp) for k, c in enumerate(centers)])
            values = values[keep]
            offsets = np.concatenate([[0], np.cumsum([len(c) for c in centers])])
        return values, offsets

    def _check_columns(self, block):
        n_l, n_n = self._shape()
        properties = np.asarray(block.properties.values)  # (pair a, pair b, l, n1, n2)
        expected = np.array([(a, b, l, n1, n2) for a, b in self._pairs() for l in range(n_l) for n1 in range(n_n)
                             for n2 in range(n_n)])
        if properties.shape != expected.shape or not np.array_equal(properties, expected):
            raise ValueError("featomic returned its SOAP columns in an order fastreg does not know; "
                             "this featomic version is not supported.")
