"""Progress of the long steps of a command: what runs now and for how long.

One library for every progress display of the command line: rich (``linkage batch`` and
``--draws`` show bars with it; the other commands show the step that runs, with a spinner
and its elapsed time, and a line with the time each long step took). Nothing is shown when
stdout is not a terminal or with ``--quiet``, so logs, pipes and tests see only the
summary. The math modules know nothing of it: pipelines pass a ``progress`` callback.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

__all__ = ["Steps", "quiet_option", "counted"]

#: A finished step is reported on its own line only when it took at least this long (s).
SHOWN_AFTER = 2.0


class Steps:
    """The running step of a command, shown as a spinner on a terminal.

    Examples
    --------
    >>> steps = Steps(enabled=False)
    >>> with steps("reading the table"):
    ...     pass
    >>> steps.callback("solving")  # what a pipeline's progress= calls: the next step
    >>> steps.close()
    """

    def __init__(self, enabled: bool | None = None, quiet: bool = False):
        if enabled is None:
            enabled = not quiet and sys.stdout.isatty()
        self.enabled = enabled
        self._console = Console(file=sys.stderr) if enabled else None
        self._status = None
        self._name = None
        self._started = 0.0

    @contextmanager
    def __call__(self, name: str):
        """Show ``name`` while the block runs."""
        self._start(name)
        try:
            yield
        finally:
            self._finish()

    def callback(self, name: str) -> None:
        """Start step ``name`` (ending the one before): the ``progress=`` of pipelines."""
        self._finish()
        self._start(name)

    def close(self) -> None:
        """End the running step, if any."""
        self._finish()

    def _start(self, name: str) -> None:
        self._name, self._started = name, time.perf_counter()
        if self.enabled:
            self._status = self._console.status(f"{name} ...")
            self._status.start()

    def _finish(self) -> None:
        if self._name is None:
            return
        elapsed = time.perf_counter() - self._started
        if self._status is not None:
            self._status.stop()
            self._status = None
            if elapsed >= SHOWN_AFTER:
                self._console.print(f"[dim]{self._name}: {elapsed:.1f} s[/dim]")
        self._name = None


@contextmanager
def counted(description: str, enabled: bool, before=None):
    """A progress bar for ``progress(done, total)`` callbacks (None when not ``enabled``).

    The bar is opened by the first call, so it shows only once the counted work has started
    and always with its total (never "0/?" while earlier steps run); ``before`` (e.g.
    :meth:`Steps.close`, since rich shows one live display at a time) is called just
    before it opens.

    Examples
    --------
    >>> with counted("extracting firms", enabled=False) as progress:
    ...     progress is None
    True
    """
    if not enabled:
        yield None
        return
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn())
    bar = Progress(*columns, TimeRemainingColumn(), console=Console(file=sys.stderr))
    tasks = []

    def update(done: int, total: int) -> None:
        if not tasks:
            if before is not None:
                before()
            bar.start()
            tasks.append(bar.add_task(description, total=total, completed=done))
        else:
            bar.update(tasks[0], completed=done, total=total)

    try:
        yield update
    finally:
        if tasks:
            bar.stop()


def quiet_option(command):
    """``--quiet``: no progress display (it is off anyway when stdout is not a terminal)."""
    return click.option(
        "--quiet",
        is_flag=True,
        help="No progress display (shown only on a terminal anyway).",
    )(command)
