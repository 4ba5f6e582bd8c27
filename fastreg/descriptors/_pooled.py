"""``PooledDescriptor``: structures → one row per structure, as a scikit-learn transformer."""

import copy

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._featurize import DEFAULT_SOAP, featurize_chunks, is_global
from ._pool import parse_stats

# Settings of each dscribe descriptor besides species and periodicity; a user's
# ``descriptor_params`` are laid over them. SOAP's also come from the estimator's own
# r_cut, n_max, l_max and sigma, so GridSearchCV can tune them.
DEFAULTS = {
    "soap": {"rbf": DEFAULT_SOAP["rbf"]},
    "acsf": {"g2_params": [[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]],
             "g4_params": [[1.0, 1.0, 1.0], [1.0, 2.0, 1.0], [1.0, 1.0, -1.0], [1.0, 2.0, -1.0]]},
    "lmbtr": {"geometry": {"function": "distance"}, "grid": {"min": 0.0, "max": 6.0, "n": 60, "sigma": 0.1},
              "weighting": {"function": "exp", "scale": 0.5, "threshold": 1e-3}, "normalization": "l2"},
    "mbtr": {"geometry": {"function": "inverse_distance"}, "grid": {"min": 0.0, "max": 1.0, "n": 60, "sigma": 0.02},
             "weighting": {"function": "exp", "scale": 0.5, "threshold": 1e-3}, "normalization": "l2"},
    "coulomb_matrix": {"permutation": "sorted_l2"},
    "sine_matrix": {"permutation": "sorted_l2"},
}
CLASSES = {"soap": "SOAP", "acsf": "ACSF", "lmbtr": "LMBTR", "mbtr": "MBTR",
           "coulomb_matrix": "CoulombMatrix", "sine_matrix": "SineMatrix",
           "featomic_soap": "featomic.SoapPowerSpectrum"}
MATRICES = ("coulomb_matrix", "sine_matrix")  # no species; sized by the largest training structure
# what fixes the columns (stored in feature files); n_jobs, chunk_size, dtype and progress only say how to run
SETTINGS = ("descriptor", "species", "r_cut", "n_max", "l_max", "sigma", "periodic", "descriptor_params", "stats",
            "by_species", "max_centers", "random_state")


class PooledDescriptor(TransformerMixin, BaseEstimator):
    """Per-atom dscribe descriptors of each structure, pooled to one row per structure.

    ``fit(structures)`` fixes the species (``species``, or the union over the
    training structures) and so the columns: ``transform`` gives the same
    ``get_feature_names_out()`` for any later structures, and a structure
    holding an element unseen in training is an error naming it. X is a list
    (or any iterable) of ``ase.Atoms``, so the featurizer is the first step of
    ``make_pipeline(PooledDescriptor(), RidgeCV())`` and works in
    ``cross_val_score`` and ``GridSearchCV`` over its settings.

    A global descriptor (``"mbtr"``, ``"coulomb_matrix"``, ``"sine_matrix"``)
    already gives one row per structure and passes through unpooled.

    Parameters
    ----------
    descriptor : {"soap", "acsf", "lmbtr", "mbtr", "coulomb_matrix", "sine_matrix", "featomic_soap"} or dscribe descriptor, default="soap"
        A name builds the dscribe descriptor from the settings below at ``fit``
        (what a saved model stores); an instance is used as it is (its own
        species then fix the columns). ``"featomic_soap"`` is featomic's SOAP
        power spectrum (``pip install featomic``) with the same r_cut, n_max,
        l_max and σ; ``descriptor_params`` replaces its ``cutoff``, ``density``
        or ``basis`` hypers. It is a different SOAP (radial basis and
        normalisation), not dscribe's columns again.
    species : sequence of str, optional
        Elements the model may meet (default: those of the training structures).
    r_cut, n_max, l_max, sigma : SOAP settings (Å), default 5.0, 4, 3, 0.5
        ``r_cut`` is ACSF's cut-off too.
    periodic : bool, default=True
        Whether the structures are periodic (use the cell).
    descriptor_params : dict, optional
        Further keyword arguments of the dscribe class (e.g. ACSF's ``g2_params``,
        LMBTR's ``grid``), laid over fastreg's defaults.
    stats : sequence of str, default=("mean",)
        Pooling statistics, see :func:`fastreg.descriptors.pool`.
    by_species : bool, default=False
        Pool each centre species separately.
    max_centers : int, optional
        Describe at most this many random centres per structure.
    random_state : int, default=0
        Seeds the centre subsampling (per structure, so chunks and jobs do not matter).
    n_jobs : int, default=1
        Worker processes of :meth:`transform`.
    chunk_size : int, optional
        Atoms described at once per process (bounds memory; default 2048).
    dtype : float32 or float64, default=float64
        Floating-point type of the result (float32 or float64).
    progress : bool, default=False
        A tqdm bar while transforming.

    Attributes
    ----------
    species_ : list of str
    n_atoms_max_ : int
        Size of the Coulomb / sine matrix (largest training structure); 0 otherwise.
    n_features_out_ : int
    feature_names_out_ : ndarray of str
    """

    def __init__(self, descriptor="soap", *, species=None, r_cut=DEFAULT_SOAP["r_cut"], n_max=DEFAULT_SOAP["n_max"],
                 l_max=DEFAULT_SOAP["l_max"], sigma=DEFAULT_SOAP["sigma"], periodic=True, descriptor_params=None,
                 stats=("mean",), by_species=False, max_centers=None, random_state=0, n_jobs=1, chunk_size=None,
                 dtype=np.float64, progress=False):
        self.descriptor = descriptor
        self.species = species
        self.r_cut = r_cut
        self.n_max = n_max
        self.l_max = l_max
        self.sigma = sigma
        self.periodic = periodic
        self.descriptor_params = descriptor_params
        self.stats = stats
        self.by_species = by_species
        self.max_centers = max_centers
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.chunk_size = chunk_size
        self.dtype = dtype
        self.progress = progress

    def fit(self, X, y=None):
        """Fix the species (and the matrix size) from the training structures.

        Parameters
        ----------
        X : sequence of ase.Atoms
            Input samples, one row per sample.
        y : ignored
            Target values, one column per target when 2-D.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        named = self._check_settings()  # before any structure is read
        species, n_atoms_max = self._scan(X, named)
        return self._set_fitted(species, n_atoms_max)

    def _check_settings(self):
        """The descriptor (a known name, a dscribe descriptor or a featomic calculator) and the statistics;
        returns whether the descriptor is given by name."""
        parse_stats(self.stats)
        named = isinstance(self.descriptor, str)
        if named and self.descriptor not in CLASSES:
            raise ValueError(f"descriptor must be one of {', '.join(CLASSES)} or a dscribe descriptor, "
                             f"got {self.descriptor!r}.")
        if not named and not hasattr(self.descriptor, "create") and not _is_featomic(self.descriptor):
            raise ValueError(f"descriptor must be a name or a dscribe descriptor, got {type(self.descriptor).__name__}.")
        return named

    def _scan(self, X, named):
        """Species and the largest structure, in one pass (X may be a one-shot stream)."""
        _check_not_numeric(X)
        matrix = named and self.descriptor in MATRICES
        seen, n_atoms_max, count = set(), 0, 0
        featomic = _is_featomic(self.descriptor)
        needs_species = (named or featomic) and self.species is None and not matrix
        for index, atoms in enumerate(X):
            if not hasattr(atoms, "get_chemical_symbols"):
                raise ValueError(f"structure {index} is a {type(atoms).__name__}, not an ase.Atoms.")
            if needs_species:
                seen.update(atoms.get_chemical_symbols())
            n_atoms_max = max(n_atoms_max, len(atoms))
            count += 1
        if count == 0:
            raise ValueError("no structures to fit on.")
        if not named and not featomic:
            species = list(getattr(self.descriptor, "species", None) or [])
        elif self.species is not None:
            species = _check_species(self.species)
        else:
            species = sorted(seen)
        if not species and not matrix:
            raise ValueError("no species: the training structures have no atoms and none were given.")
        return species, (n_atoms_max if matrix else 0)

    def _set_fitted(self, species, n_atoms_max):
        self.species_ = list(species)
        self.n_atoms_max_ = int(n_atoms_max)
        self.__dict__.pop("_built", None)
        names = self._feature_names()
        self.feature_names_out_ = np.asarray(names, dtype=object)
        self.n_features_out_ = len(names)
        return self

    @classmethod
    def for_species(cls, species, *, n_atoms_max=0, **params):
        """Make a fitted featurizer whose columns are fixed by ``species`` alone, no structures read.

        For streams scanned elsewhere (on a cluster, or by a first pass of your
        own).

        Parameters
        ----------
        species : iterable of str
            Every element the structures may hold.
        n_atoms_max : int, default=0
            Size of the Coulomb and sine matrices (other descriptors ignore it).
        **params : dict
            Constructor parameters of :class:`PooledDescriptor`.

        Returns
        -------
        featurizer : PooledDescriptor
            Fitted: ``transform`` works at once.
        """
        featurizer = cls(species=list(species), **params)
        named = featurizer._check_settings()
        matrix = named and featurizer.descriptor in MATRICES
        if matrix and n_atoms_max < 1:
            raise ValueError("a Coulomb or sine matrix needs n_atoms_max ≥ 1.")
        return featurizer._set_fitted(_check_species(species) if not matrix else [], n_atoms_max if matrix else 0)

    def settings(self):
        """Describe what fixes the columns, as plain data (stored in feature files).

        Returns
        -------
        settings : dict
            JSON-able: the parameters, the species and ``n_atoms_max``.
        """
        check_is_fitted(self, "species_")
        if not isinstance(self.descriptor, str):
            raise ValueError("only a descriptor given by name can be stored as settings.")
        params = {name: getattr(self, name) for name in SETTINGS}
        params["stats"] = list(params["stats"])
        return {"params": params, "species": list(self.species_), "n_atoms_max": self.n_atoms_max_,
                "n_features_out": self.n_features_out_}

    @classmethod
    def from_settings(cls, settings, **runtime):
        """Rebuild a fitted descriptor from :meth:`settings`.

        Parameters
        ----------
        settings : dict
            As :meth:`settings` returned it (from a feature or model file).
        **runtime : dict
            Settings that do not change the columns: ``n_jobs``, ``progress``, ….

        Returns
        -------
        featurizer : PooledDescriptor
            Fitted, with the same columns.
        """
        try:
            params = dict(settings["params"])
            params["stats"] = tuple(params["stats"])
            fitted = cls(**params, **runtime)._set_fitted(settings["species"], settings["n_atoms_max"])
        except (KeyError, TypeError) as error:
            raise ValueError(f"these descriptor settings are incomplete or foreign: {error}") from None
        if fitted.n_features_out_ != settings["n_features_out"]:
            raise ValueError(f"the descriptor settings now give {fitted.n_features_out_} columns, not the "
                             f"{settings['n_features_out']} recorded (another dscribe version?).")
        return fitted

    def transform(self, X):
        """One row per structure, with the columns fixed at ``fit``.

        Parameters
        ----------
        X : iterable of ase.Atoms
            Input samples, one row per sample.

        Returns
        -------
        rows : ndarray of shape (n_structures, ``n_features_out_``)
            Pooled features, one row per structure.
        """
        check_is_fitted(self, "species_")
        rows = [block for block, _ in self.transform_chunks(X)]
        if not rows:
            raise ValueError("no structures to transform.")
        return np.concatenate(rows) if len(rows) > 1 else rows[0]

    def transform_chunks(self, X):
        """Describe structures chunk by chunk, for streams too large to hold.

        Parameters
        ----------
        X : iterable of ase.Atoms
            Structures, consumed chunk by chunk.

        Returns
        -------
        chunks : generator of (ndarray, list of dict)
            ``(rows, infos)`` per chunk: pooled rows and each structure's ``atoms.info``.
        """
        check_is_fitted(self, "species_")
        _check_not_numeric(X)
        names, chunks = featurize_chunks(
            X, self.dscribe_descriptor(), stats=self.stats, by_species=self.by_species, max_centers=self.max_centers,
            random_state=self.random_state, n_jobs=self.n_jobs, chunk_size=self.chunk_size, dtype=self.dtype,
            progress=self.progress)
        if len(names) != self.n_features_out_:  # pragma: no cover - a changed descriptor library
            raise ValueError(f"the descriptor now gives {len(names)} columns, not the {self.n_features_out_} "
                             "it was fitted with.")
        return chunks

    def get_feature_names_out(self, input_features=None):
        """Name the pooled columns: ``stat[species]:component``, e.g. ``mean:soap[Cu-Ni]7``.

        Parameters
        ----------
        input_features : None
            Ignored (the input is structures, not columns); scikit-learn's API.

        Returns
        -------
        names : ndarray of str, shape ``(n_features_out_,)``
            One name per column.
        """
        check_is_fitted(self, "species_")
        return self.feature_names_out_.copy()

    def dscribe_descriptor(self):
        """Return the fitted dscribe descriptor (built on first use, not stored in pickles or model files).

        Returns
        -------
        descriptor : dscribe descriptor
            The object that computes the per-atom rows.
        """
        check_is_fitted(self, "species_")
        built = self.__dict__.get("_built")
        if built is None:
            built = self._build()
            self.__dict__["_built"] = built
        return built

    def _build(self):
        if _is_featomic(self.descriptor):  # a calculator instance: its hypers, fastreg's fixed columns
            import json

            from ._featomic import FeatomicSoap

            return FeatomicSoap(json.loads(self.descriptor.parameters), self.species_)
        if not isinstance(self.descriptor, str):
            return copy.deepcopy(self.descriptor)
        if self.descriptor == "featomic_soap":
            from ._featomic import FeatomicSoap, featomic_parameters

            parameters = featomic_parameters(self.r_cut, self.n_max, self.l_max, self.sigma, self.descriptor_params)
            return FeatomicSoap(parameters, self.species_)
        try:
            import dscribe.descriptors as dscribe
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("PooledDescriptor needs dscribe and ASE: pip install 'fastreg[materials]'") from None
        settings = copy.deepcopy(DEFAULTS[self.descriptor])
        if self.descriptor == "soap":
            settings.update(r_cut=self.r_cut, n_max=self.n_max, l_max=self.l_max, sigma=self.sigma)
        elif self.descriptor == "acsf":
            settings.update(r_cut=self.r_cut)
        settings.update(self.descriptor_params or {})
        if self.descriptor in MATRICES:
            settings.setdefault("n_atoms_max", self.n_atoms_max_)
        else:
            settings.update(species=list(self.species_), periodic=self.periodic)
        try:
            return getattr(dscribe, CLASSES[self.descriptor])(**settings)
        except (TypeError, ValueError) as error:
            raise ValueError(f"cannot build the {self.descriptor} descriptor from {settings}: {error}") from None

    def _feature_names(self):
        _, _, stat_names = parse_stats(self.stats)
        from ._featurize import _pooled_names, component_names

        descriptor = self.dscribe_descriptor()
        if is_global(descriptor):
            return component_names(descriptor)
        return _pooled_names(component_names(descriptor), stat_names, sorted(self.species_) if self.by_species else None)

    def __getstate__(self):
        state = super().__getstate__()
        state = dict(state)
        state.pop("_built", None)  # a dscribe object: rebuilt from the settings on load
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # X is a list of structures
        return tags


def _is_featomic(descriptor):
    return type(descriptor).__module__.startswith("featomic") and hasattr(descriptor, "parameters")


def _check_not_numeric(X):
    if isinstance(X, np.ndarray) and X.dtype != object:
        raise ValueError("PooledDescriptor takes structures (a list of ase.Atoms), not a numeric array.")


def _check_species(species):
    if isinstance(species, str) or not all(isinstance(s, str) for s in species):
        raise ValueError(f"species must be a sequence of element symbols, got {species!r}.")
    from ase.data import atomic_numbers

    unknown = [s for s in species if s not in atomic_numbers]
    if unknown:
        raise ValueError(f"species holds {', '.join(unknown)}, not element symbols.")
    return sorted(set(species))
