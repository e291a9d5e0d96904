"""Monte Carlo over survey uncertainty on the command line: ``linkage network --draws N``.

:func:`draws_options` adds the options to a command, :func:`draw_files` checks them
before any work is done and names the files they add, :func:`write_draws` runs the draws
(:func:`linkage.pipeline.draws.network_draws`) and writes them.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from ..network.draws import DrawOptions
from ..pipeline.draws import DRAW_FILES, network_draws, survey_value_errors

__all__ = ["DRAW_FILES", "check_draws", "draw_files", "draws_options", "write_draws"]

_OPTIONS = (
    click.option(
        "--draws",
        default=0,
        show_default=True,
        type=int,
        help="Monte Carlo draws over survey uncertainty (0: none). Writes "
        "linkages_draws.csv, firms_draws.csv and sentra_draws.csv: p5, p50, p95 next to "
        "each point estimate.",
    ),
    click.option(
        "--value-cv",
        default=None,
        type=float,
        metavar="C",
        help="Coefficient of variation of every transaction value (0.2: a typical error "
        "of 20 %); values are redrawn from a lognormal with the recorded value as mean.",
    ),
    click.option(
        "--value-cv-column",
        default=None,
        metavar="COLUMN",
        help="Column of the transactions file with each row's CV (empty cells take --value-cv).",
    ),
    click.option(
        "--bootstrap-firms",
        is_flag=True,
        help="In each draw resample the firms of every sentra with replacement.",
    ),
    click.option(
        "--workers",
        default=None,
        type=int,
        help="Local Dask worker processes for the draws [default: the number of cores].",
    ),
    click.option(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Run the draws on a running Dask scheduler (tcp://host:8786 or a scheduler "
        "file) instead of local workers.",
    ),
)
_SEED = click.option("--seed", default=0, show_default=True, type=int, help="Seed of the draws.")


def draws_options(command=None, *, seed: bool = True):
    """Add ``--draws, --value-cv, --value-cv-column, --bootstrap-firms, --workers,
    --scheduler`` and (``seed=True``) ``--seed`` to a click command.

    A command that has its own ``--seed`` (``linkage network``) uses
    ``@draws_options(seed=False)`` and passes its seed to :func:`write_draws`.
    """

    def decorate(cmd):
        for option in reversed(_OPTIONS + ((_SEED,) if seed else ())):
            cmd = option(cmd)
        return cmd

    return decorate if command is None else decorate(command)


def check_draws(
    draws: int = 0,
    value_cv=None,
    value_cv_column=None,
    bootstrap_firms: bool = False,
    seed: int = 0,
    workers=None,
    scheduler=None,
) -> None:
    """Refuse impossible draw options before any work is done (one-line errors).

    Examples
    --------
    >>> check_draws(100)
    Traceback (most recent call last):
    ...
    ValueError: --draws needs --value-cv, --value-cv-column or --bootstrap-firms (what is uncertain)
    >>> check_draws(0, value_cv=0.2)
    Traceback (most recent call last):
    ...
    ValueError: --value-cv needs --draws N (N of 1 or more)
    """
    if draws < 0:
        raise ValueError(f"--draws must be 0 or more (got {draws})")
    given = [
        name
        for name, value in (
            ("--value-cv", value_cv),
            ("--value-cv-column", value_cv_column),
            ("--workers", workers),
            ("--scheduler", scheduler),
        )
        if value is not None
    ] + (["--bootstrap-firms"] if bootstrap_firms else [])
    if draws == 0:
        if given:
            raise ValueError(f"{given[0]} needs --draws N (N of 1 or more)")
        return
    if value_cv is None and value_cv_column is None and not bootstrap_firms:
        raise ValueError(
            "--draws needs --value-cv, --value-cv-column or --bootstrap-firms (what is uncertain)"
        )
    if value_cv is not None and not (math.isfinite(value_cv) and value_cv >= 0):
        raise ValueError(f"--value-cv must be a number of 0 or more (got {value_cv:g})")
    if seed < 0:
        raise ValueError(f"--seed must be 0 or more (got {seed})")
    if workers is not None and scheduler is not None:
        raise ValueError("give --workers (a local cluster) or --scheduler, not both")
    if workers is not None and workers < 1:
        raise ValueError(f"--workers must be 1 or more (got {workers})")


def draw_files(**draw_options) -> tuple:
    """Check the draw options (:func:`check_draws`); the files they add to the output.

    Examples
    --------
    >>> draw_files(draws=0), draw_files(draws=10, value_cv=0.2)[0]
    ((), 'linkages_draws.csv')
    """
    check_draws(**draw_options)
    return DRAW_FILES if draw_options.get("draws", 0) else ()


def write_draws(
    network,
    out,
    *,
    transactions=None,
    solver: str = "auto",
    by: str = "sector",
    area=None,
    detection: dict | None = None,
    draws: int = 0,
    value_cv=None,
    value_cv_column=None,
    bootstrap_firms: bool = False,
    seed: int = 0,
    workers=None,
    scheduler=None,
    quiet: bool = False,
) -> dict[str, Path]:
    """Run the draws of ``network`` and write :data:`DRAW_FILES` into ``out``.

    ``transactions`` is the file the network was read from (each row is drawn on its
    own; ``--value-cv-column`` is read from it); ``solver``, ``by``, ``area`` and
    ``detection`` are those of the command's point estimates. Prints one line per
    sentra (its share of active draws) and shows a progress bar on a terminal unless
    ``quiet``. Returns file name -> path (empty without ``--draws``).
    """
    check_draws(draws, value_cv, value_cv_column, bootstrap_firms, seed, workers, scheduler)
    if not draws:
        return {}
    errors = survey_value_errors(network, transactions, cv=value_cv, cv_column=value_cv_column)
    options = DrawOptions(draws, seed=seed, bootstrap_firms=bootstrap_firms)
    run = {"solver": solver, "by": by, "area": area, "detection": detection}
    where = {"workers": workers, "scheduler": scheduler}
    if quiet or not sys.stdout.isatty():
        results = network_draws(network, options, errors, **run, **where)
    else:
        columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeRemainingColumn()) as bar:
            task = bar.add_task("draws", total=draws)
            results = network_draws(
                network,
                options,
                errors,
                **run,
                **where,
                on_done=lambda done, total: bar.update(task, completed=done),
            )
    echo_draws(results, value_cv, value_cv_column, bootstrap_firms)
    return results.write(out)


def echo_draws(results, value_cv, value_cv_column, bootstrap_firms) -> None:
    """What was drawn and each sentra's share of active draws."""
    what = []
    if value_cv_column is not None:
        what.append(f"value CV from column {value_cv_column!r}")
    if value_cv is not None:
        what.append(f"value CV {value_cv:g}" + (" for empty cells" if value_cv_column else ""))
    if bootstrap_firms:
        what.append("firms resampled within each sentra")
    n = results.options.n_draws
    click.echo(
        f"draws: {n:,} ({'; '.join(what)}; seed {results.options.seed}) in "
        f"{results.n_tasks} task(s)"
    )
    sentra = results.sentra
    if len(sentra):
        width = max(len(str(name)) for name in sentra.index[:30])
        for name, row in sentra.iloc[:30].iterrows():
            click.echo(
                f"  {str(name):<{width}}  {row['activity']:<7}  active in "
                f"{row['share_active']:.0%} of the draws"
            )
