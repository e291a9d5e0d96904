"""``linkage scenario``: a survey's sentra table and linkages before and after a change."""

from __future__ import annotations

import click
import pandas as pd

from ..core.params import METHODS as SOLVER_CHOICES
from ..io import SurveyReader
from ..io.results import result_files
from ..pipeline.scenarios import SCENARIO_FILES, network_scenario
from ._common import (
    echo_frame,
    format_option,
    load,
    one_line_errors,
    prepare_out_dir,
    survey_options,
)

#: Measures printed per sector (scenario_linkages.csv has them all).
SHOWN = ("total_output", "bl_total", "fl_total")


def _scenario(redirect, only, remove, add_firm, add_transactions) -> tuple[str, dict]:
    """The scenario and its options from the command's options (exactly one given)."""
    given = [
        name
        for name, on in (
            ("--redirect", redirect is not None),
            ("--remove", bool(remove)),
            ("--add-firm", add_firm is not None or add_transactions is not None),
        )
        if on
    ]
    if len(given) != 1:
        raise click.UsageError(
            "give exactly one scenario: --redirect SHARE, --remove ID or --add-firm FILE "
            f"--add-transactions FILE (got {', '.join(given) or 'none'})"
        )
    if only and redirect is None:
        raise click.UsageError("--intermediary goes with --redirect")
    if redirect is not None:
        ids = [part.strip() for value in only for part in value.split(",") if part.strip()]
        return "redirect", {"share": redirect, "intermediaries": ids or None}
    if remove:
        ids = [part.strip() for value in remove for part in value.split(",") if part.strip()]
        return "remove", {"ids": ids}
    if add_firm is None or add_transactions is None:
        raise click.UsageError("--add-firm and --add-transactions go together")
    options = {
        "firm": add_firm,
        "transactions": add_transactions,
        "reader": SurveyReader(),
        "sources": {"firm": add_firm, "transactions": add_transactions},
    }
    return "add", options


def _echo_changes(results) -> None:
    """Per sector: output, total backward and forward linkage before, after, change."""
    change = results.change
    order = pd.unique(change["sector"])
    click.echo("by sector, before -> after (every measure: scenario_linkages.csv):")
    for measures, fmt in ((SHOWN[:1], "{:,.0f}"), (SHOWN[1:], "{:,.4f}")):
        part = change[change["measure"].isin(measures)]
        wide = part.pivot(index="sector", columns="measure", values=["before", "after", "change"])
        wide = wide.swaplevel(axis=1)[list(measures)].reindex(order)
        wide.columns = [f"{m} {side}" for m, side in wide.columns]
        echo_frame(wide, max_rows=40, floatfmt=fmt)
    moved = results.key_sector_changes()
    if len(moved):
        shown = ", ".join(
            f"{sector}: {row['before']} -> {row['after']}" for sector, row in moved.iterrows()
        )
        click.echo(f"key-sector class changed: {shown}")
    else:
        click.echo("key-sector classes: unchanged")


@click.command("scenario")
@click.option(
    "--firms",
    required=True,
    type=click.Path(dir_okay=False),
    help="Firm list (csv/xlsx/parquet), as for `linkage network`.",
)
@click.option(
    "--transactions",
    required=True,
    type=click.Path(dir_okay=False),
    help="supplier, buyer, value, [product, channel].",
)
@survey_options
@click.option(
    "--redirect",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    metavar="SHARE",
    help="Share (0-1) of what the intermediaries buy that their suppliers sell directly "
    "to the intermediaries' buyers, at the supplier's price (docs/impact.md).",
)
@click.option(
    "--intermediary",
    "only",
    multiple=True,
    metavar="ID",
    help="With --redirect: only these intermediaries (repeat, or ID,ID,...) [default: "
    "every node marked as one].",
)
@click.option(
    "--remove",
    multiple=True,
    metavar="ID",
    help="Listed firm to remove with its transactions (repeat, or ID,ID,...).",
)
@click.option(
    "--add-firm",
    type=click.Path(dir_okay=False),
    default=None,
    help="One-row firm list (csv/xlsx/parquet): the firm to add.",
)
@click.option(
    "--add-transactions",
    type=click.Path(dir_okay=False),
    default=None,
    help="The added firm's transactions: supplier, buyer, value, [product, channel].",
)
@click.option("--by", default="sector", show_default=True, help="Firm column of the sectors.")
@click.option("--area", default=None, help="Sentra (or region) inside the table; default all.")
@click.option(
    "--solver",
    default="auto",
    show_default=True,
    type=click.Choice(SOLVER_CHOICES),
    help="Leontief solver of the linkages.",
)
@click.option(
    "--out", required=True, type=click.Path(file_okay=False), help="Folder for the results."
)
@format_option
@click.option("--force", is_flag=True, help="Overwrite existing result files.")
@one_line_errors
def command(
    firms,
    transactions,
    cooperation,
    parties,
    intermediary_pattern,
    skip_invalid,
    redirect,
    only,
    remove,
    add_firm,
    add_transactions,
    by,
    area,
    solver,
    out,
    fmt,
    force,
):
    """The sentra table and linkages of a survey before and after a network scenario.

    One scenario: --redirect SHARE (a share of the trade through intermediaries goes
    directly from their suppliers to their buyers), --remove ID (firms leave with their
    transactions) or --add-firm FILE --add-transactions FILE (a new firm). Writes
    OUT/scenario_linkages.csv (sector, measure, before, after, change: total output and
    every linkage of `linkage analyze`), OUT/sector_table_before.csv and
    OUT/sector_table_after.csv (the sentra IO tables, as `linkage network` writes
    sector_table.csv).
    """
    scenario, options = _scenario(redirect, only, remove, add_firm, add_transactions)
    files = result_files(SCENARIO_FILES, fmt)
    out = prepare_out_dir(out, files, force)
    on_invalid = "skip" if skip_invalid else "error"
    net = load(firms, transactions, cooperation, parties, intermediary_pattern, on_invalid)
    results = network_scenario(net, scenario, by=by, area=area, solver=solver, **options)
    click.echo(f"scenario {scenario}: {results.network_after!r}")
    for note in results.notes:
        click.echo(f"  {note}")
    _echo_changes(results)
    written = results.write(out, fmt)
    for path in written:
        click.echo(f"wrote {path}")
