"""Run many independent tasks on a Dask cluster: a local one, or an existing one by address.

``linkage batch`` (one task per table or district) and the Monte Carlo draws of
``linkage network --draws`` hand their tasks to :func:`run_tasks` inside
:func:`dask_client`. The scheduling is Dask's (``distributed``); nothing here decides
where or when a task runs. A local cluster and a remote one take the same code path:
only the :class:`distributed.Client` differs.

Tasks run in worker *processes* (one thread each), so a task's function must be
importable by name on the workers (a module-level function of an installed package) and
its item and result must pickle.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dask
from distributed import Client, LocalCluster, as_completed

__all__ = ["dask_client", "run_tasks", "worker_threads"]

#: How local worker processes start: forked from a server process that has imported
#: distributed, numpy and pandas once (about 3 times faster than a fresh interpreter
#: each, and safe: that server has no threads); a fresh interpreter where there is none.
_START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


@contextmanager
def dask_client(
    workers: int | None = None, scheduler: str | None = None, *, processes: bool = True
) -> Iterator[Client]:
    """A Dask client: on a new local cluster, or connected to a running scheduler.

    Parameters
    ----------
    workers : int, optional
        Worker processes of the local cluster, one thread each (default: the number of
        cores, ``os.cpu_count()``). Not allowed with ``scheduler``.
    scheduler : str, optional
        Address of a running scheduler (``tcp://127.0.0.1:8786``), or the path of the
        JSON file written by ``dask scheduler --scheduler-file FILE``. Its workers must
        have ``linkage`` installed and see the same files.
    processes : bool
        Local cluster only: False runs the workers as threads of this process (for quick
        examples; the tasks then share this process's global state).

    Yields
    ------
    distributed.Client
        Closed, with the local cluster, when the ``with`` block ends.

    Raises
    ------
    ValueError
        ``workers`` below 1, or both ``workers`` and ``scheduler`` given.

    Notes
    -----
    The local cluster listens on 127.0.0.1 only and has no dashboard; nothing is
    fetched from the network.

    Examples
    --------
    >>> with dask_client(workers=1, processes=False) as client:
    ...     sum(client.nthreads().values())
    1
    """
    if scheduler is not None and workers is not None:
        raise ValueError("give --workers (a local cluster) or --scheduler, not both")
    if scheduler is not None:
        with _remote_client(scheduler) as client:
            yield client
        return
    n = (os.cpu_count() or 1) if workers is None else workers
    if n < 1:
        raise ValueError(f"--workers must be 1 or more (got {n})")
    with dask.config.set({"distributed.worker.multiprocessing-method": _START_METHOD}):
        with _local_client(n, processes) as client:
            yield client


@contextmanager
def _local_client(n: int, processes: bool) -> Iterator[Client]:
    """A client of a new local cluster of ``n`` one-thread workers."""
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=processes,
        host="127.0.0.1" if processes else None,  # threads talk in-process, no sockets
        dashboard_address=None,
        # no dashboard; the scheduler's small HTTP server (health checks) on a free local
        # port rather than 8787, which another cluster may hold
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.CRITICAL,  # a failed task is a result, not a log line
    )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


@contextmanager
def _remote_client(scheduler: str) -> Iterator[Client]:
    """A client of a running scheduler, by address or scheduler file."""
    is_file = not scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://"))
    if is_file and Path(scheduler).is_file():
        client = Client(scheduler_file=scheduler)
    else:
        client = Client(scheduler)
    try:
        yield client
    finally:
        client.close()


def worker_threads(client: Client) -> int:
    """How many tasks the cluster runs at once (its worker threads).

    Examples
    --------
    >>> with dask_client(workers=2, processes=False) as client:
    ...     worker_threads(client)
    2
    """
    return sum(client.nthreads().values())


def run_tasks(
    client: Client,
    func: Callable,
    items: Iterable,
    *,
    on_done: Callable | None = None,
) -> Iterator[tuple]:
    """Run ``func(item)`` for every item on the cluster; yield results as they complete.

    Parameters
    ----------
    client : distributed.Client
        From :func:`dask_client`.
    func : callable
        Called once per item on a worker; importable by name there (for worker
        processes) and with a picklable result.
    items : iterable
        One task each, submitted at once with ``pure=False`` (equal items still run
        twice).
    on_done : callable, optional
        ``on_done(item, result)`` in this process as each task completes, before it is
        yielded (for a progress bar).

    Yields
    ------
    (item, result)
        In the order the tasks complete; ``result`` is what ``func`` returned, or the
        exception it raised (a task that fails does not stop the others).

    Examples
    --------
    >>> with dask_client(workers=2, processes=False) as client:
    ...     sorted(run_tasks(client, abs, [-2, 1, -3]))
    [(-3, 3), (-2, 2), (1, 1)]
    >>> with dask_client(workers=1, processes=False) as client:
    ...     [(i, type(r).__name__) for i, r in run_tasks(client, abs, ["x"])]
    [('x', 'TypeError')]
    """
    futures = {client.submit(func, item, pure=False): item for item in items}
    for future in as_completed(futures):
        item = futures.pop(future)
        try:
            result = future.result()
        except Exception as exc:  # the task's own error, or a worker lost (KilledWorker)
            result = exc
        future.release()
        if on_done is not None:
            on_done(item, result)
        yield item, result
