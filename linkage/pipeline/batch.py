"""Run a batch of single commands on a Dask cluster, each into its own folder, atomically.

``linkage batch`` reads the tasks (:mod:`linkage.pipeline.batch_manifest`) and calls
:func:`run_batch`: every task runs its command(s) on a worker through a ``runner`` (the
command line's, which calls ``linkage`` in-process) into ``DIR/.NAME.tmp-<id>``, which is
renamed to ``DIR/NAME`` only once every command succeeded, with a ``.complete`` marker
holding the command (``--resume`` keeps a folder whose marker holds the same command).
A failed task leaves no folder; its one-line error goes to ``DIR/failures.csv``. At the
end :func:`write_combined` writes ``DIR/summary.csv`` (one row per task) and
``DIR/linkages.parquet`` (every task's linkages in one tidy long table).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import LinkageError
from .batch_manifest import OUT_PLACEHOLDER, Task
from .executor import run_tasks

__all__ = [
    "BATCH_FILES",
    "MARKER",
    "SUMMARY_COLUMNS",
    "TaskOutcome",
    "execute_task",
    "plan_batch",
    "run_batch",
    "write_combined",
]

#: What a batch writes into DIR beside the task folders.
BATCH_FILES = ("manifest.csv", "summary.csv", "failures.csv", "linkages.parquet")
#: The file that marks a task's folder complete (JSON: command, residual).
MARKER = ".complete"
#: Columns of ``summary.csv``.
SUMMARY_COLUMNS = (
    "name",
    "status",
    "sectors",
    "key_sectors",
    "top_backward",
    "top_forward",
    "residual",
)
_RESIDUAL = re.compile(r"relative residual ([-+0-9.eE]+|nan|inf)")


@dataclass
class TaskOutcome:
    """How one task ended.

    Attributes
    ----------
    name : str
    status : {"done", "kept", "failed"}
        Run now; complete output of an earlier run kept (``--resume``); failed.
    error : str
        The one-line error of a failed task ("" otherwise).
    residual : float or None
        The largest relative residual the commands printed, if they printed one.
    log : str
        What the commands printed on stdout (kept in memory only).
    """

    name: str
    status: str
    error: str = ""
    residual: float | None = None
    log: str = ""


def _tmp_prefix(name: str) -> str:
    return f".{name}.tmp-"


def execute_task(task: Task, out_dir: str, runner: Callable) -> TaskOutcome:
    """Run a task's commands into a temporary folder, then rename it to ``out_dir/NAME``.

    Runs on a worker. ``runner(args)`` runs one single command with ``args`` (which end
    in ``--out FOLDER``) and returns ``(exit_code, error_line, stdout)``. ``{out}`` in the
    arguments becomes the task's folder. A failure removes the temporary folder and is
    returned, not raised.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> def runner(args):
    ...     pathlib.Path(args[-1], "hello.txt").write_text(args[1])
    ...     return 0, "", "relative residual 1.0e-16"
    >>> d = tempfile.mkdtemp()
    >>> execute_task(Task("t", "demo x", (("demo", "x"),)), d, runner).residual
    1e-16
    >>> sorted(p.name for p in pathlib.Path(d, "t").iterdir())
    ['.complete', 'hello.txt']
    """
    out_dir = Path(out_dir)
    tmp = out_dir / f"{_tmp_prefix(task.name)}{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    logs, residuals = [], []
    try:
        for step in task.steps:
            args = [word.replace(OUT_PLACEHOLDER, str(tmp)) for word in step]
            code, error, log = runner([*args, "--out", str(tmp)])
            logs.append(log)
            residuals += [float(r) for r in _RESIDUAL.findall(log)]
            if code != 0:
                message = error or f"{step[0]} stopped with exit code {code}"
                return TaskOutcome(task.name, "failed", message, log="\n".join(logs))
        residual = max(residuals) if residuals else None
        marker = {"command": task.command, "residual": residual}
        (tmp / MARKER).write_text(json.dumps(marker), encoding="utf-8")
        _replace(tmp, out_dir / task.name)
        tmp = None
        return TaskOutcome(task.name, "done", residual=residual, log="\n".join(logs))
    except Exception as exc:  # a runner that raised, a full disk: this task fails alone
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        error = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
        return TaskOutcome(task.name, "failed", error, log="\n".join(logs))
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _replace(tmp: Path, final: Path) -> None:
    """Rename ``tmp`` to ``final``; an existing ``final`` is moved aside, then removed."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex}")
        os.rename(final, old)
    os.rename(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def is_complete(folder: Path, task: Task) -> bool:
    """True when ``folder`` holds the complete output of this task's command.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> is_complete(pathlib.Path(tempfile.mkdtemp()), Task("t", "demo", (("demo",),)))
    False
    """
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker.get("command") == task.command


def plan_batch(
    tasks: Iterable[Task], out_dir, *, resume: bool = False, force: bool = False
) -> tuple[list[Task], list[Task]]:
    """Split the tasks into those to run and those whose complete output is kept.

    Without ``resume`` or ``force`` an existing task folder or batch file is an error
    (nothing is overwritten unasked); with ``resume`` a task whose folder is complete
    (same command) is kept; with ``force`` every task runs again. Leftover temporary
    folders of an interrupted run are removed.

    Raises
    ------
    LinkageError
        A task folder or batch file exists and neither ``resume`` nor ``force`` is given.

    Examples
    --------
    >>> import tempfile
    >>> todo, kept = plan_batch([Task("a", "demo", (("demo",),))], tempfile.mkdtemp())
    >>> [t.name for t in todo], kept
    (['a'], [])
    """
    tasks, out_dir = list(tasks), Path(out_dir)
    if resume and force:
        raise LinkageError("give --resume (keep finished tasks) or --force (redo all), not both")
    if not (resume or force):
        taken = [out_dir / t.name for t in tasks if (out_dir / t.name).exists()]
        taken += [out_dir / f for f in BATCH_FILES[1:] if (out_dir / f).exists()]
        if taken:
            raise LinkageError(
                f"{taken[0]} already exists; use --resume to keep the finished tasks or "
                f"--force to run every task again ({len(taken)} existing)"
            )
    if out_dir.is_dir():
        for leftover in out_dir.glob(".*.tmp-*"):
            shutil.rmtree(leftover, ignore_errors=True)
    kept = [t for t in tasks if resume and is_complete(out_dir / t.name, t)]
    names = {t.name for t in kept}
    return [t for t in tasks if t.name not in names], kept


def run_batch(
    client,
    tasks: Iterable[Task],
    out_dir,
    runner: Callable,
    *,
    resume: bool = False,
    force: bool = False,
    on_start: Callable | None = None,
    on_done: Callable | None = None,
) -> list[TaskOutcome]:
    """Run the tasks on the cluster of ``client``; write the combined results.

    Parameters
    ----------
    client : distributed.Client
        From :func:`linkage.pipeline.executor.dask_client`.
    tasks : iterable of Task
    out_dir : path
        The batch folder ``DIR``; task NAME writes ``DIR/NAME/``.
    runner : callable
        ``runner(args) -> (exit_code, error_line, stdout)``, one single command; it must be
        importable by name on the workers (see :func:`execute_task`).
    resume, force : bool
        See :func:`plan_batch`.
    on_start : callable, optional
        ``on_start(n_run, n_kept)`` once the tasks to run are known.
    on_done : callable, optional
        ``on_done(outcome)`` as each task ends (for a progress bar).

    Returns
    -------
    list of TaskOutcome
        In the tasks' order. ``summary.csv``, ``failures.csv`` and ``linkages.parquet`` are
        written even when the run is interrupted (for the tasks ended so far).
    """
    tasks, out_dir = list(tasks), Path(out_dir)
    todo, kept = plan_batch(tasks, out_dir, resume=resume, force=force)
    out_dir.mkdir(parents=True, exist_ok=True)
    outcomes = {t.name: _kept(out_dir / t.name, t) for t in kept}
    if on_start is not None:
        on_start(len(todo), len(kept))
    func = functools.partial(execute_task, out_dir=str(out_dir.resolve()), runner=runner)
    try:
        for task, result in run_tasks(client, func, todo):
            if not isinstance(result, TaskOutcome):  # the worker was lost, or similar
                result = TaskOutcome(task.name, "failed", f"{type(result).__name__}: {result}")
            outcomes[task.name] = result
            if on_done is not None:
                on_done(result)
    finally:
        write_combined(tasks, outcomes, out_dir)
    return [outcomes[t.name] for t in tasks]


def _kept(folder: Path, task: Task) -> TaskOutcome:
    """The outcome of a task whose complete output an earlier run left."""
    marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    return TaskOutcome(task.name, "kept", residual=marker.get("residual"))


def write_combined(tasks: Iterable[Task], outcomes: dict, out_dir) -> dict[str, Path]:
    """Write ``summary.csv``, ``failures.csv`` and ``linkages.parquet`` into ``out_dir``.

    ``summary.csv`` has one row per task (:data:`SUMMARY_COLUMNS`; status ``done``,
    ``kept``, ``failed`` or ``not run``), its figures read from the task's
    ``linkages.csv`` when the command wrote one (empty otherwise); ``linkages.parquet``
    holds ``task, sector, measure, value`` for every numeric column of every task's
    ``linkages.csv``; ``failures.csv`` the ``name, error`` of every failed task.
    """
    tasks, out_dir = list(tasks), Path(out_dir)
    rows, long = [], []
    for task in tasks:
        outcome = outcomes.get(task.name)
        status = outcome.status if outcome is not None else "not run"
        row = dict.fromkeys(SUMMARY_COLUMNS, None) | {"name": task.name, "status": status}
        path = out_dir / task.name / "linkages.csv"
        if status in ("done", "kept") and path.is_file():
            frame = pd.read_csv(path, dtype={"sector": str, "region": str})
            row |= _headline(frame)
            long.append(_tidy(frame, task.name))
        if outcome is not None:
            row["residual"] = outcome.residual
        rows.append(row)
    summary = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    summary["sectors"] = summary["sectors"].astype("Int64")
    summary["key_sectors"] = summary["key_sectors"].astype("Int64")
    failed = [outcomes[t.name] for t in tasks if t.name in outcomes]
    failed = [o for o in failed if o.status == "failed"]  # in the manifest's order
    failures = pd.DataFrame({"name": [o.name for o in failed], "error": [o.error for o in failed]})
    columns = ["task", "sector", "measure", "value"]
    tidy = pd.concat(long, ignore_index=True) if long else pd.DataFrame(columns=columns)
    tidy["value"] = tidy["value"].astype(float)
    paths = {
        "summary.csv": out_dir / "summary.csv",
        "failures.csv": out_dir / "failures.csv",
        "linkages.parquet": out_dir / "linkages.parquet",
    }
    summary.to_csv(paths["summary.csv"], index=False)
    failures.to_csv(paths["failures.csv"], index=False)
    tidy.to_parquet(paths["linkages.parquet"], index=False)
    return paths


def _labels(frame: pd.DataFrame) -> pd.Series:
    """Sector labels of a linkages file, ``region|sector`` in a by-region one."""
    sector = frame["sector"].astype(str)
    if "region" in frame.columns:
        return frame["region"].astype(str) + "|" + sector
    return sector


def _headline(frame: pd.DataFrame) -> dict:
    """Sectors, key sectors and the strongest backward and forward sector of a linkages file.

    Examples
    --------
    >>> f = pd.DataFrame({"sector": ["a", "b"], "bl_total": [1.2, 0.8],
    ...                   "fl_total": [0.9, 1.1], "key_sector": ["backward", "forward"]})
    >>> _headline(f)
    {'sectors': 2, 'key_sectors': 0, 'top_backward': 'a', 'top_forward': 'b'}
    """
    labels = _labels(frame)
    out = {"sectors": len(frame)}
    if "key_sector" in frame.columns:
        out["key_sectors"] = int((frame["key_sector"] == "key").sum())
    for column, key in (("bl_total", "top_backward"), ("fl_total", "top_forward")):
        values = pd.to_numeric(frame.get(column), errors="coerce")
        if values is not None and values.notna().any():
            out[key] = labels.iloc[int(np.nanargmax(values.to_numpy()))]
    return out


def _tidy(frame: pd.DataFrame, task: str) -> pd.DataFrame:
    """The numeric columns of a linkages file as ``task, sector, measure, value`` rows."""
    labels = [c for c in ("sector", "region") if c in frame.columns]
    numeric = frame.drop(columns=labels).select_dtypes("number")
    long = numeric.assign(sector=_labels(frame).to_numpy()).melt(
        id_vars="sector", var_name="measure", value_name="value"
    )
    long.insert(0, "task", task)
    return long
