"""Model files: skops archives (data, never code), with the library versions they were made with."""

import importlib
import importlib.metadata
import zipfile

from ..exceptions import warn_at_caller
from .safe_files import atomic_write, prepare_output

MODEL_EXTENSIONS = (".skops",)
FORMAT = "fastreg-model"
FORMAT_VERSION = 1
RECORDED = ("fastreg", "scikit-learn", "numpy", "scipy", "numba", "dscribe", "ase", "skops")


def library_versions():
    """Installed versions of the libraries a model's results depend on (None where absent)."""
    versions = {}
    for name in RECORDED:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def save(model, path, *, force=False):
    """Write ``model`` (any fitted estimator, pipeline or :class:`~fastreg.ScreeningModel`) to a skops file.

    The file records the versions of fastreg, scikit-learn, NumPy, SciPy, numba,
    dscribe, ASE and skops. It is complete or untouched: written to a temporary
    file beside ``path`` and renamed.

    Parameters
    ----------
    model : object
        A fitted linear model (with ``coef_``).
    path : str or Path
        Ends in ``.skops`` (added if there is no extension).
    force : bool, default=False
        Replace an existing file.

    Returns
    -------
    pathlib.Path
        Where the model was written.
    """
    sio = _skops()
    path = prepare_output(path, extensions=MODEL_EXTENSIONS, force=force, what="model file")
    envelope = {"format": FORMAT, "format_version": FORMAT_VERSION, "versions": library_versions(), "model": model}
    data = sio.dumps(envelope, compression=zipfile.ZIP_DEFLATED)
    with atomic_write(path) as handle:
        handle.write(data)
    return path


def load(path, *, trusted=None):
    """Read a model written by :func:`save`, refusing any type that could run code.

    Only types defined in fastreg, and those skops trusts by default
    (scikit-learn's, NumPy's, builtins), are loaded; any other type in the file
    is an error naming it, unless listed in ``trusted`` — so a model file from
    someone else cannot execute code on load. A file written under other
    library versions loads with a warning listing them.

    Parameters
    ----------
    path : str or Path
        File path.
    trusted : sequence of str, optional
        Further type names (``"module.Class"``) to allow, after checking them yourself.

    Returns
    -------
    object
        The saved model.
    """
    sio = _skops()
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        unknown = sio.get_untrusted_types(data=data)
    except (OSError, zipfile.BadZipFile, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"cannot read a model from {path}: {type(error).__name__}: {error}") from None
    allowed = set(trusted or ())
    refused = [name for name in unknown if name not in allowed and not _defined_in_fastreg(name)]
    if refused:
        raise ValueError(f"{path}: refusing to load types that fastreg does not define: {', '.join(refused)} "
                         "(pass trusted=[...] after checking them).")
    try:
        envelope = sio.loads(data, trusted=list(unknown))
    except Exception as error:  # skops raises many kinds for damaged archives
        raise ValueError(f"cannot read a model from {path}: {type(error).__name__}: {error}") from None
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise ValueError(f"{path} is a skops file but not a fastreg model file.")
    if envelope.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(f"{path} was written by a newer fastreg (model format {envelope['format_version']}); "
                         "upgrade fastreg to read it.")
    _warn_on_other_versions(path, envelope.get("versions", {}))
    return envelope["model"]


def _defined_in_fastreg(type_name):
    """Whether ``type_name`` is a class defined in fastreg itself (not a name fastreg merely imports)."""
    module_name, _, name = type_name.rpartition(".")
    if not (module_name == "fastreg" or module_name.startswith("fastreg.")):
        return False
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    candidate = getattr(module, name, None)
    return isinstance(candidate, type) and candidate.__module__ == module_name


def _warn_on_other_versions(path, saved):
    current = library_versions()
    changed = [f"{name} {saved[name]} → {current.get(name)}" for name in RECORDED
               if saved.get(name) is not None and saved.get(name) != current.get(name)]
    if changed:
        warn_at_caller(f"{path} was saved with other library versions ({'; '.join(changed)}); predictions may "
                       "differ. Refit the model to be sure.", UserWarning)


def _skops():
    try:
        import skops.io as sio
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("model files need skops: pip install 'fastreg[materials]'") from None
    return sio
