"""``linkage batch``: many single commands on a Dask cluster, each into DIR/NAME."""

from __future__ import annotations

import io
import sys
import threading
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from ..pipeline.batch import run_batch
from ..pipeline.batch_manifest import district_tasks, read_manifest, table_tasks, write_manifest
from ..pipeline.executor import dask_client, worker_threads
from . import _COMMANDS, main
from ._common import one_line_errors

#: How many failures the summary lists (all are in failures.csv).
_SHOWN_FAILURES = 10
#: One command at a time per process: a command's output is captured by redirecting the
#: process's stdout and stderr, which a second thread (a worker started with --nthreads
#: above 1) would otherwise write into.
_ONE_AT_A_TIME = threading.Lock()


def single_commands() -> list[str]:
    """The commands a manifest may run: every command of ``linkage`` but ``batch``.

    Examples
    --------
    >>> "analyze" in single_commands(), "batch" in single_commands()
    (True, False)
    """
    return sorted(name for name in _COMMANDS if name != "batch")


def _error_line(stderr: str) -> str:
    """What a command printed after ``error:`` (else its last line on stderr).

    Examples
    --------
    >>> _error_line("warning: odd\\nerror: t.csv, row 3: not a number\\n")
    't.csv, row 3: not a number'
    """
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.lower().startswith("error:"):
            return line[len("error:") :].strip()
    return lines[-1] if lines else ""


def run_command(args) -> tuple[int, str, str]:
    """Run one single command in this process, as ``linkage ARGS`` would.

    Returns ``(exit_code, error_line, stdout)``: the command's output is captured, not
    printed. This is the runner of :func:`linkage.pipeline.batch.execute_task` on the
    workers; commands in several threads of one process run one after another.

    Examples
    --------
    >>> code, error, _ = run_command(["analyze", "no-such-table.csv", "--out", "x"])
    >>> code, error
    (1, 'no-such-table.csv: no such file or folder')
    """
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with _ONE_AT_A_TIME, redirect_stdout(out), redirect_stderr(err):
        try:
            main.main(args=list(args), prog_name="linkage", standalone_mode=False)
        except SystemExit as exc:  # one_line_errors: the message is on stderr
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except click.ClickException as exc:
            err.write(f"error: {exc.format_message()}\n")
            code = exc.exit_code
        except click.Abort:
            err.write("error: aborted\n")
            code = 1
    return code, _error_line(err.getvalue()), out.getvalue()


class _Bar:
    """The progress bar: tasks done / failed / running, elapsed time and ETA.

    "running" is the tasks in flight on a busy cluster: the smaller of the cluster's
    worker threads and the tasks left.
    """

    def __init__(self, enabled: bool):
        self.progress = Progress(
            TextColumn("[bold]batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed, {task.fields[running]} running"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=sys.stdout),
            disable=not enabled,
        )
        self.task = None
        self.threads = 1
        self.left = 0
        self.failed = 0

    def start(self, n_run: int, n_kept: int) -> None:
        self.left = n_run
        self.task = self.progress.add_task(
            "batch", total=n_run, failed=0, running=min(self.threads, n_run)
        )
        self.progress.start()

    def done(self, outcome) -> None:
        self.left -= 1
        self.failed += outcome.status == "failed"
        running = min(self.threads, self.left)
        self.progress.update(self.task, advance=1, failed=self.failed, running=running)

    def stop(self) -> None:
        self.progress.stop()


def _tasks(manifest, tables, grdp, province_table, province, options):
    """The tasks of the manifest or of the one shortcut given."""
    sources = [manifest is not None, tables is not None, grdp is not None]
    if sum(sources) != 1:
        raise click.UsageError(
            "give a MANIFEST, or --tables FOLDER, or --grdp PDRB.xlsx --province-table T"
        )
    if (grdp is None) != (province_table is None):
        raise click.UsageError("--grdp and --province-table go together")
    if province is not None and grdp is None:
        raise click.UsageError("--province needs --grdp and --province-table")
    if options and manifest is not None:
        raise click.UsageError("--options is for the shortcuts; put options in the manifest")
    if manifest is not None:
        return read_manifest(manifest, single_commands()), False
    if tables is not None:
        return table_tasks(tables, options), True
    return district_tasks(grdp, province_table, province, options), True


def _echo_summary(outcomes, out: Path) -> None:
    """Counts by status, the first failures and where the combined results are."""
    counts = {s: sum(o.status == s for o in outcomes) for s in ("done", "kept", "failed")}
    click.echo(
        f"{len(outcomes)} tasks: {counts['done']} done, {counts['kept']} kept from an "
        f"earlier run, {counts['failed']} failed"
    )
    failed = [o for o in outcomes if o.status == "failed"]
    for outcome in failed[:_SHOWN_FAILURES]:
        click.echo(f"  failed {outcome.name}: {outcome.error}")
    if len(failed) > _SHOWN_FAILURES:
        click.echo(f"  ... and {len(failed) - _SHOWN_FAILURES} more in {out / 'failures.csv'}")
    click.echo(
        f"wrote {out / 'summary.csv'}, {out / 'linkages.parquet'} and {out / 'failures.csv'}"
    )


@click.command("batch")
@click.argument("manifest", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Batch folder: task NAME writes OUT/NAME/; summary.csv, linkages.parquet, "
    "failures.csv (and manifest.csv of a shortcut) beside them.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes of a local Dask cluster [default: the number of cores].",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Run on an existing Dask cluster: its scheduler's address (tcp://host:8786) or "
    "scheduler file; its workers must see the same files.",
)
@click.option("--resume", is_flag=True, help="Keep tasks whose complete output exists.")
@click.option("--force", is_flag=True, help="Run every task again, replacing its folder.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--tables",
    type=click.Path(path_type=Path),
    default=None,
    help="Shortcut: analyze every table in this folder (files and ICRAF province folders).",
)
@click.option(
    "--grdp",
    type=click.Path(path_type=Path),
    default=None,
    help="Shortcut: regionalize --province-table to every district of its province in "
    "this BPS GRDP workbook, then analyze each.",
)
@click.option(
    "--province-table",
    type=click.Path(path_type=Path),
    default=None,
    help="With --grdp: the provincial table.",
)
@click.option(
    "--province",
    default=None,
    help="With --grdp: the province (code or name) [default: the one the table's file name names].",
)
@click.option(
    "--options",
    default="",
    metavar="TEXT",
    help="With a shortcut: options added to every analyze command (e.g. '--extraction').",
)
@one_line_errors
def command(
    manifest,
    out,
    workers,
    scheduler,
    resume,
    force,
    quiet,
    tables,
    grdp,
    province_table,
    province,
    options,
):
    """Run the single commands of MANIFEST on a Dask cluster, each into OUT/NAME/.

    MANIFEST is a CSV with the columns name and command (the arguments of one command
    without --out, e.g. `analyze tables/aceh.xlsx --extraction`; chain commands with &&,
    and {out} is the task's folder). Each task's folder appears only when its commands
    succeeded; a failure's one-line error goes to OUT/failures.csv and the exit code is 1.
    See docs/batch.md.
    """
    if workers is not None and scheduler is not None:
        raise click.UsageError("give --workers (a local cluster) or --scheduler, not both")
    tasks, shortcut = _tasks(manifest, tables, grdp, province_table, province, options)
    bar = _Bar(enabled=not quiet and sys.stdout.isatty())
    with dask_client(workers, scheduler) as client:
        bar.threads = worker_threads(client)

        def start(n_run, n_kept):  # the folder is checked: the manifest may be written
            if shortcut:
                write_manifest(tasks, out / "manifest.csv")
            bar.start(n_run, n_kept)

        try:
            outcomes = run_batch(
                client,
                tasks,
                out,
                run_command,
                resume=resume,
                force=force,
                on_start=start,
                on_done=bar.done,
            )
        finally:
            bar.stop()
    if shortcut:
        click.echo(f"wrote {out / 'manifest.csv'} ({len(tasks)} tasks)")
    _echo_summary(outcomes, out)
    if any(o.status == "failed" for o in outcomes):
        sys.exit(1)
