"""One documented way to get a Dask client: an existing one, a scheduler address, or a local cluster."""

from contextlib import contextmanager

CONNECT_TIMEOUT = 10  # seconds before an unreachable scheduler is an error


@contextmanager
def session(scheduler):
    """A client for one job: ``"local"`` starts a LocalCluster, an address connects; both are closed after.

    The command line's ``--scheduler``: a local cluster's worker processes end with the job.
    """
    client = get_client(None if scheduler == "local" else scheduler, fresh=scheduler == "local")
    try:
        yield client
    finally:
        cluster = client.cluster if scheduler == "local" else None
        client.close()
        if cluster is not None:
            cluster.close()


@contextmanager
def optional_session(scheduler):
    """:func:`session` when ``scheduler`` is given, else nothing (``None``): the commands' ``--scheduler``."""
    if scheduler is None:
        yield None
        return
    with session(scheduler) as client:
        yield client


def get_client(scheduler=None, *, n_workers=None, timeout=CONNECT_TIMEOUT, fresh=False):
    """Return a ``dask.distributed.Client``: the given one, the current one, or a new local cluster's.

    Parameters
    ----------
    scheduler : Client, str or None
        An existing client (returned as it is), a scheduler address
        (``"tcp://10.0.0.5:8786"``), or None: the current client if there is one,
        else a new ``LocalCluster`` of single-threaded worker processes.
    n_workers : int, optional
        Workers of a new local cluster (default: the cores available).
    timeout : float, default=10
        Seconds to reach a scheduler before giving up with a one-line error.
    fresh : bool, default=False
        Start a new local cluster even if a client exists.

    Returns
    -------
    client : dask.distributed.Client
        Connected and ready.
    """
    distributed = _distributed()
    if isinstance(scheduler, distributed.Client):
        return scheduler
    if scheduler is not None:
        try:
            return distributed.Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError) as error:
            raise ValueError(f"cannot reach the Dask scheduler at {scheduler} within {timeout:g} s: "
                             f"{type(error).__name__}: {error}") from None
    try:
        if fresh:
            raise ValueError
        return distributed.get_client()
    except ValueError:  # no client yet
        from .._solvers.memory import available_cores

        cluster = distributed.LocalCluster(n_workers=n_workers or available_cores(), threads_per_worker=1,
                                           processes=True, dashboard_address=None)
        return distributed.Client(cluster)


def _distributed():
    try:
        import dask.distributed as distributed
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("fastreg.distributed needs Dask: pip install 'fastreg[distributed]'") from None
    return distributed
