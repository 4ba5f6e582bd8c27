"""Screening: a fitted structures → property model applied to many new structures, chunk by chunk."""

import copy
import numbers

import numpy as np

COLUMNS = ("id", "prediction", "lower", "upper", "leverage", "in_domain")


class ScreeningModel:
    """A fitted model from structures to one property, with what screening needs beside it.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        Fitted; its first step a :class:`~fastreg.descriptors.PooledDescriptor`,
        its last a regressor (with ``predict_interval`` for intervals), any steps
        between them transformers (a ``StandardScaler``).
    domain : ApplicabilityDomain, optional
        Fitted on the regressor's input (the features after every transformer).
    target : str, optional
        Name of the property, e.g. ``"formation_energy_per_atom"``.
    unit : str, optional
        Its unit, e.g. ``"eV/atom"``; written beside predictions, not into column names.
    report : dict, optional
        How the model was validated (cross-validated metrics, number of structures, …).
    """

    def __init__(self, pipeline, *, domain=None, target=None, unit=None, report=None):
        _descriptor_and_regressor(pipeline)  # a pipeline of another shape fails here, not mid-screening
        self.pipeline = pipeline
        self.domain = domain
        self.target = target
        self.unit = unit
        self.report = dict(report or {})

    @property
    def feature_names(self):
        """The featurizer's column names, in the model's order."""
        return list(self.pipeline[0].get_feature_names_out())

    def predict(self, structures):
        """Predict for a list of structures, all in memory (see :meth:`screen` for streams).

        Parameters
        ----------
        structures : list of ase.Atoms
            Structures to predict.

        Returns
        -------
        y_pred : ndarray of shape (n_structures,)
            Predictions, in the model's unit.
        """
        return self.pipeline.predict(structures)

    def screen(self, structures, **options):
        """Screen structures with this model: :func:`fastreg.screen`.

        Parameters
        ----------
        structures : iterable of ase.Atoms
            Structures, consumed chunk by chunk.
        **options : dict
            ``chunk_size``, ``coverage``, ``interval``, ``n_jobs``, ``progress``, as for :func:`fastreg.screen`.

        Returns
        -------
        chunks : generator of dict
            One table (dict of columns) per chunk, as :func:`fastreg.screen` yields them.
        """
        return screen(self, structures, **options)

    def __repr__(self):
        unit = f" [{self.unit}]" if self.unit else ""
        return (f"ScreeningModel({self.target or 'target'}{unit}: {type(self.pipeline[-1]).__name__} on "
                f"{self.pipeline[0].n_features_out_} {self.pipeline[0].descriptor} features)")


def screen(model, structures, *, chunk_size=1000, coverage=0.9, interval="loo", n_jobs=None, progress=False):
    """Predict, with intervals and a domain flag, for any number of structures in bounded memory.

    Structures stream from any iterable (a list, a generator,
    :func:`fastreg.io.read_structures`) through the featurizer, whose workers
    run ahead while each chunk of ``chunk_size`` rows is predicted and
    dropped, so memory does not grow with the number of structures.

    Parameters
    ----------
    model : ScreeningModel or sklearn Pipeline
        A pipeline must start with a fitted ``PooledDescriptor``.
    structures : iterable of ase.Atoms
        Structures (``ase.Atoms``), any iterable; consumed chunk by chunk.
    chunk_size : int, default=1000
        Structures per chunk.
    coverage : float in (0, 1), default=0.9
        Of the prediction interval.
    interval : {"loo", "jackknife+"} or None, default="loo"
        Passed to the regressor's ``predict_interval`` as ``method``; None skips intervals.
    n_jobs : int, optional
        Worker processes of the featurizer (default: the model's own setting).
    progress : bool, default=False
        A tqdm bar on stderr.

    Returns
    -------
    chunks : generator of dict of column name → ndarray of shape (n_chunk,)
        One table per chunk: ``id``, ``prediction``, and where the model has
        them ``lower``, ``upper`` (the interval), ``leverage`` and ``in_domain``.
        Arguments are checked when ``screen`` is called, before the first chunk.
    """
    if not isinstance(chunk_size, numbers.Integral) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}.")
    if interval not in (None, "loo", "jackknife+"):
        raise ValueError(f"interval must be 'loo', 'jackknife+' or None, got {interval!r}.")
    pipeline = model.pipeline if isinstance(model, ScreeningModel) else model
    domain = model.domain if isinstance(model, ScreeningModel) else None
    descriptor, regressor = _descriptor_and_regressor(pipeline)
    if n_jobs is not None:
        descriptor = copy.copy(descriptor)  # the model itself is left as it was
        descriptor.n_jobs = n_jobs
    # intervals come from leave-one-out residuals, which fits from statistics alone do not have
    with_interval = interval is not None and hasattr(regressor, "loo_residuals_")
    return _chunks_screened(pipeline, descriptor, regressor, domain, iter(structures), chunk_size, coverage,
                            interval if with_interval else None, progress)


def _chunks_screened(pipeline, descriptor, regressor, domain, stream, chunk_size, coverage, interval, progress):
    """Describe the whole stream in one go (workers run ahead), and cut the rows into chunks of ``chunk_size``."""
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(unit="structure", desc="screen")
    rows, infos, done = [], [], 0
    try:
        for block, block_infos in descriptor.transform_chunks(stream):
            rows.append(block)
            infos.extend(block_infos)
            while len(infos) >= chunk_size:
                features = np.concatenate(rows)
                yield _screened(pipeline, regressor, domain, features[:chunk_size], infos[:chunk_size], done,
                                coverage, interval)
                rows, infos, done = [features[chunk_size:]], infos[chunk_size:], done + chunk_size
                if bar is not None:
                    bar.update(chunk_size)
        if infos:
            yield _screened(pipeline, regressor, domain, np.concatenate(rows), infos, done, coverage, interval)
            if bar is not None:
                bar.update(len(infos))
    finally:
        if bar is not None:
            bar.close()


def _screened(pipeline, regressor, domain, features, infos, done, coverage, interval):
    """The columns of one chunk, from its pooled descriptor rows."""
    from .io.structures import structure_id

    for _, step in pipeline.steps[1:-1]:
        features = step.transform(features)
    columns = {"id": np.array([structure_id(info, done + k) for k, info in enumerate(infos)], dtype=object),
               "prediction": np.asarray(regressor.predict(features), dtype=np.float64)}
    if interval is not None:
        lower, upper = regressor.predict_interval(features, coverage=coverage, method=interval)
        columns["lower"], columns["upper"] = np.asarray(lower, np.float64), np.asarray(upper, np.float64)
    if domain is not None:
        columns["leverage"] = np.asarray(domain.score(features), dtype=np.float64)
        columns["in_domain"] = np.asarray(domain.check(features), dtype=bool)
    return columns


def _descriptor_and_regressor(pipeline):
    from .descriptors._pooled import PooledDescriptor

    steps = getattr(pipeline, "steps", None)
    if not steps or not isinstance(steps[0][1], PooledDescriptor) or len(steps) < 2:
        raise ValueError("a screening model is a Pipeline whose first step is a fitted PooledDescriptor and whose "
                         f"last is a regressor; got {type(pipeline).__name__}.")
    return steps[0][1], steps[-1][1]
