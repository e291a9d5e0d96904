"""Monte Carlo draws of a network on the Dask executor: ``linkage network --draws N``.

:func:`survey_value_errors` reads the coefficient of variation of every transaction row
(one for all, or a column of the survey); :func:`network_draws` runs the draws of
:mod:`linkage.network.draws` in chunks, one task per chunk, on a local cluster or a
running scheduler (:mod:`linkage.pipeline.executor`) and returns the point estimates
with their intervals (:class:`DrawResults`). Each draw is seeded by its index, so the
numbers do not depend on the number of workers, the chunks or the order tasks finish.
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from distributed import get_worker, worker_client

from ..core.diagnostics import Diagnostics
from ..errors import InputFileError
from ..io import SurveyReader, write_csv
from ..network.draws import (
    DrawOptions,
    Draws,
    ValueErrors,
    check_cv,
    draw_task,
    network_measures,
    summarize_draws,
    value_errors,
)
from ..network.reader import plain_numbers
from ..network.transactions import transaction_rows
from .executor import dask_client, run_tasks

__all__ = [
    "DRAW_FILES",
    "DrawResults",
    "draw_chunks",
    "network_draws",
    "survey_value_errors",
]

#: Files :meth:`DrawResults.write` writes, in order.
DRAW_FILES = ("linkages_draws.csv", "firms_draws.csv", "sentra_draws.csv")
#: At most this many tasks per run (chunks of draws), so the task graph stays small.
MAX_TASKS = 64


def survey_value_errors(network, transactions=None, *, cv=None, cv_column=None) -> ValueErrors:
    """The CV of every transaction row of the survey, and the edge each row belongs to.

    Parameters
    ----------
    network : SupplyNetwork
        Read from ``transactions`` (:func:`linkage.io.read_network`).
    transactions : path or DataFrame, optional
        The transaction table, read as :func:`linkage.io.read_network` reads it. Without
        it every edge (a supplier-buyer pair, its rows summed) counts as one row.
    cv : float, optional
        The CV of every row (with ``cv_column``: of the rows whose cell is empty).
    cv_column : str, optional
        Column of ``transactions`` with each row's CV (a plain number: 0.2 for 20 %).

    Returns
    -------
    ValueErrors

    Examples
    --------
    >>> from linkage import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "x"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "A", "B"], "buyer": ["B", "B", "OUT"],
    ...                    "value": [2.0, 3.0, 4.0], "cv": [0.1, 0.5, None]})
    >>> net = SupplyNetwork.from_frames(firms, tx.drop(columns="cv"))
    >>> e = survey_value_errors(net, tx, cv=0.2, cv_column="cv")
    >>> e.edge.tolist(), e.value.tolist(), e.cv.tolist()
    ([0, 0, 1], [2.0, 3.0, 4.0], [0.1, 0.5, 0.2])
    """
    cv = None if cv is None else check_cv(cv)
    if transactions is None:
        if cv_column is not None:
            raise ValueError("--value-cv-column needs the transactions file it is in")
        return value_errors(network, cv or 0.0)
    reader = SurveyReader()
    frame, name = reader.load(transactions, "transactions", [])
    frame, name = reader.sheet(frame, "transactions", name, Diagnostics())
    tx = transaction_rows(frame, name, Diagnostics(), "skip", reader)
    edge = _row_edges(network, tx, name)
    if cv_column is None:
        cvs = np.full(len(edge), cv or 0.0)
    else:
        canon = reader.columns(frame, "transactions", name, Diagnostics())
        cvs = _fill_cv(_cv_cells(canon, cv_column, tx, name), cv, tx["rows"], name, cv_column)
    used = edge >= 0
    return ValueErrors(edge[used], tx["value"][used], cvs[used])


def _row_edges(network, tx: dict, name: str) -> np.ndarray:
    """The edge of each row kept by the reader (-1 for a row the network does not hold);
    the rows of every edge must sum to its value."""
    n = network.n_nodes
    s = network.nodes.get_indexer(pd.Index(tx["supplier"], dtype="str"))
    b = network.nodes.get_indexer(pd.Index(tx["buyer"], dtype="str"))
    e = network.edges
    keys = e["source"].to_numpy() * n + e["target"].to_numpy()  # sorted (merge_pairs)
    row_keys = np.where((s >= 0) & (b >= 0), s * n + b, -1)
    pos = np.clip(np.searchsorted(keys, row_keys), 0, max(len(keys) - 1, 0))
    found = (row_keys >= 0) & (len(keys) > 0) & (keys[pos] == row_keys)
    edge = np.where(found, pos, -1)
    summed = np.bincount(edge[found], weights=tx["value"][found], minlength=len(keys))
    value = e["value"].to_numpy(dtype=float)
    bad = ~np.isclose(summed, value, rtol=1e-9, atol=0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputFileError(
            f"the rows of ({network.nodes[e['source'].iloc[k]]}, "
            f"{network.nodes[e['target'].iloc[k]]}) sum to {summed[k]:g} but the network "
            f"has {value[k]:g}: not the transactions the network was read from",
            path=name,
        )
    return edge


def _cv_cells(canon: pd.DataFrame, cv_column: str, tx: dict, name: str) -> np.ndarray:
    """The CV cell of each kept row: NaN when empty, -inf when not a number."""
    wanted = re.sub(r"\s+", "_", str(cv_column).strip().lower())
    matches = [c for c in canon.columns if c == cv_column or str(c) == wanted]
    if not matches:
        raise InputFileError(
            f"no column {cv_column!r} for --value-cv-column (columns: "
            f"{', '.join(map(str, canon.columns))})",
            path=name,
        )
    cells = canon[matches[0]]
    values, invalid = plain_numbers(cells)
    empty = cells.isna().to_numpy() | (cells.astype(str).str.strip() == "").to_numpy()
    out = np.where(empty, np.nan, np.where(invalid, -np.inf, values))
    rows = np.arange(len(canon)) + 2 + int(canon.attrs.get("row_offset", 0))
    return out[np.searchsorted(rows, tx["rows"])]


def _fill_cv(cells, cv, rows, name, column) -> np.ndarray:
    """Empty cells take ``cv``; an empty cell without ``cv``, a negative or non-numeric
    CV is an error naming its row."""
    empty = np.isnan(cells)
    bad = np.flatnonzero((empty & (cv is None)) | (~empty & ~(cells >= 0)))
    if bad.size:
        k = int(bad[0])
        what = (
            "is empty (give --value-cv for empty cells)"
            if empty[k]
            else "must be a number of 0 or more"
        )
        raise InputFileError(f"the value CV {what}", path=name, row=int(rows[k]), column=column)
    return np.where(empty, 0.0 if cv is None else cv, cells)


def draw_chunks(n_draws: int, chunk_size: int | None = None) -> list[tuple[int, int]]:
    """``(start, stop)`` of each task's draws: at most :data:`MAX_TASKS` chunks by default.

    Examples
    --------
    >>> draw_chunks(10, 4)
    [(0, 4), (4, 8), (8, 10)]
    >>> len(draw_chunks(1000))
    63
    """
    size = chunk_size or max(1, math.ceil(n_draws / MAX_TASKS))
    if size < 1:
        raise ValueError(f"chunk_size must be 1 or more (got {size})")
    return [(a, min(a + size, n_draws)) for a in range(0, n_draws, size)]


@contextmanager
def draw_client(workers=None, scheduler=None, processes=True):
    """The Dask client of the draws: :func:`~linkage.pipeline.executor.dask_client`, or,
    inside a task of a Dask worker (a ``linkage batch`` task) when neither ``workers`` nor
    ``scheduler`` is given, a client of the worker's own cluster (a worker process cannot
    start worker processes of its own)."""
    if workers is None and scheduler is None and _in_worker():
        with worker_client() as client:
            yield client
    else:
        with dask_client(workers, scheduler, processes=processes) as client:
            yield client


def _in_worker() -> bool:
    try:
        get_worker()
    except ValueError:
        return False
    return True


@dataclass
class DrawResults:
    """The point estimates with their intervals (see
    :func:`~linkage.network.draws.summarize_draws`), and how they were drawn."""

    linkages: pd.DataFrame
    firms: pd.DataFrame
    sentra: pd.DataFrame
    options: DrawOptions
    n_tasks: int

    def write(self, out) -> dict[str, Path]:
        """Write :data:`DRAW_FILES` into ``out`` (label column first); name -> path."""
        out = Path(out)
        frames = (self.linkages, self.firms, self.sentra)
        return {
            name: write_csv(frame.reset_index(), out / name)
            for name, frame in zip(DRAW_FILES, frames, strict=True)
        }


def network_draws(
    network,
    options: DrawOptions,
    errors: ValueErrors | None = None,
    *,
    solver: str = "auto",
    by: str = "sector",
    area=None,
    detection: dict | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    processes: bool = True,
    on_done=None,
) -> DrawResults:
    """Run ``options.n_draws`` draws of a network on Dask; the intervals of its measures.

    Parameters
    ----------
    network : SupplyNetwork
    options : DrawOptions
    errors : ValueErrors, optional
        From :func:`survey_value_errors` (default: every edge with CV 0, for a
        bootstrap of firms alone).
    solver, by, area, detection
        As in :func:`linkage.pipeline.analyze_network` (``detection`` as for
        :func:`linkage.find_clusters`).
    workers, scheduler, processes
        The cluster (:func:`linkage.pipeline.executor.dask_client`); in a task of a
        ``linkage batch``, by default the batch's own cluster (see :func:`draw_client`).
    chunk_size : int, optional
        Draws per task (default: the draws split into at most :data:`MAX_TASKS` tasks).
    on_done : callable, optional
        ``on_done(n_draws_done, n_draws)`` after each task (a progress bar).

    Returns
    -------
    DrawResults

    Examples
    --------
    >>> from linkage import load_example_network
    >>> net = load_example_network()
    >>> r = network_draws(net, DrawOptions(4, seed=1), survey_value_errors(net, cv=0.2),
    ...                   detection={"n_permutations": 19}, workers=2, processes=False)
    >>> r.sentra[["activity", "share_active"]].columns.tolist(), r.n_tasks
    (['activity', 'share_active'], 4)
    """
    errors = value_errors(network, 0.0) if errors is None else errors
    analysis = {"solver": solver, "by": by, "area": area, "detection": detection or {}}
    point = network_measures(network, **analysis)
    chunks = draw_chunks(options.n_draws, chunk_size)
    parts, done = [], 0
    with draw_client(workers, scheduler, processes) as client:
        job = {"network": network, "options": options, "errors": errors}
        job = client.scatter({**job, "point": point, "analysis": analysis}, broadcast=True)
        items = [(job, a, b) for a, b in chunks]
        for (_, a, b), result in run_tasks(client, draw_task, items):
            if isinstance(result, BaseException):
                raise result
            parts.append(result)
            done += b - a
            if on_done is not None:
                on_done(done, options.n_draws)
    lk, firms, sentra = summarize_draws(point, Draws.concat(parts))
    return DrawResults(lk, firms, sentra, options, len(chunks))
