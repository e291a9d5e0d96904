"""``linkage impact TABLE --shock FILE``: what a change in final demand does to a region."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from ..errors import InputFileError
from ..io.results import result_files
from ..pipeline.impact import IMPACT_FILES, SUMMARY_MEASURES, run_impact
from ._common import (
    echo_frame,
    format_option,
    one_line_errors,
    prepare_out_dir,
    read_table_labels,
    solver_options,
    table_label_options,
)
from ._progress import Steps, quiet_option
from .analyze import default_out_dir


def _echo_totals(results) -> None:
    """Total output, value added, income and jobs per scenario, then their units."""
    totals = results.totals
    units = results.impact.attrs.get("units", {})
    shown = {h: totals[m] for m, h in SUMMARY_MEASURES.items() if m in totals.columns}
    frame = pd.DataFrame({"shock": results.shock.sum(axis=0), **shown})
    frame.index.name = "scenario"
    model = results.impact.attrs["model"]
    kind = "type II, households endogenous" if model == "closed" else "type I, open"
    click.echo(f"total impacts by scenario ({kind} model):")
    echo_frame(frame, max_rows=40, floatfmt="{:,.1f}")
    measures = [m for m in SUMMARY_MEASURES if m in totals.columns]
    measures += [m for m in totals.columns if m not in SUMMARY_MEASURES]
    by_unit: dict[str, list[str]] = {}
    for m in measures:
        by_unit.setdefault(units.get(m) or "unknown units", []).append(SUMMARY_MEASURES.get(m, m))
    money = units.get("output") or "unknown units"
    by_unit[money] = ["shock", *by_unit.get(money, [])]
    click.echo("units: " + "; ".join(f"{', '.join(v)} in {u}" for u, v in by_unit.items()))
    extra = [m for m in totals.columns if m not in SUMMARY_MEASURES]
    if extra:
        click.echo(f"also in impact.csv: {len(extra)} satellite account(s): {', '.join(extra)}")


@click.command("impact")
@click.argument("table", type=click.Path(path_type=Path))
@click.option(
    "--shock",
    "shock_path",
    required=True,
    type=click.Path(path_type=Path),
    help="CSV or .xlsx (BOOK.xlsx#SHEET): a `sector` column (with --bridge: `category`) "
    "and one column per scenario, the change in final demand in the table's units.",
)
@click.option(
    "--bridge",
    "bridge_path",
    type=click.Path(path_type=Path),
    default=None,
    help="CSV or .xlsx with the columns category, sector, share: how each spending "
    "category of the shock splits over the table's sectors (shares sum to 1 or 100).",
)
@click.option(
    "--closed",
    is_flag=True,
    help="Type II: households endogenous (wages row and household consumption column; "
    "Miller & Blair 2009, section 2.5) [default: the open, type I model].",
)
@click.option(
    "--satellites",
    "satellites_path",
    type=click.Path(path_type=Path),
    default=None,
    help="CSV or .xlsx: one row per account (energy, CO2, water ...), a column `account`, "
    "an optional `unit` column, one column per sector; impacts of each account too.",
)
@click.option("--sheet", default=None, help="Excel sheet of TABLE (name or 0-based position).")
@table_label_options
@click.option("--wages", default=None, metavar="LABEL", help="Primary-input row of wages.")
@click.option(
    "--household", default=None, metavar="LABEL", help="Final-demand column of households."
)
@click.option(
    "--household-income",
    type=float,
    default=None,
    metavar="AMOUNT",
    help="With --closed: households' total income x_(n+1), which divides household "
    "consumption [default: the wages row total plus --household-own].",
)
@click.option(
    "--household-own",
    type=float,
    default=0.0,
    show_default=True,
    metavar="AMOUNT",
    help="With --closed: households' purchases of household labour (domestic services), "
    "the household-household cell (Miller & Blair 2009, section 2.5).",
)
@click.option(
    "--value-added-rows",
    "value_added",
    multiple=True,
    metavar="LABEL",
    help="Primary-input row(s) of value added (repeat for rows that sum to it).",
)
@solver_options
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for impact.csv [default: ./linkage-out/<TABLE name>].",
)
@format_option
@click.option("--force", is_flag=True, help="Overwrite an existing impact.csv.")
@quiet_option
@one_line_errors
def command(
    table,
    shock_path,
    bridge_path,
    closed,
    satellites_path,
    sheet,
    final_demand,
    primary_inputs,
    skip_hidden,
    wages,
    household,
    household_income,
    household_own,
    value_added,
    solver,
    out,
    fmt,
    force,
    quiet,
):
    """Impacts of demand shocks: output, value added, income, jobs and satellite accounts.

    TABLE is any table `linkage analyze` reads. Writes OUT/impact.csv with the columns
    scenario, sector, measure, value (measures: output, value_added, income, employment
    and one per satellite account, those the table supports) and prints the totals per
    scenario. What cannot be computed (no wages row, no employment) is said, not zero.
    """
    for path in (table, shock_path, bridge_path, satellites_path):
        if path is not None and not Path(path).exists():
            raise InputFileError("no such file or folder", path=path)
    out = default_out_dir(table) if out is None else out
    if not force:
        prepare_out_dir(
            out, result_files(IMPACT_FILES, fmt), force
        )  # the one-line "use --force" error first
    steps = Steps(quiet=quiet)
    with steps(f"reading {Path(table).name}"):
        io = read_table_labels(table, sheet, final_demand, primary_inputs, skip_hidden)
    steps.callback(f"solving {io.n} sectors")
    results = run_impact(
        io,
        shock_path,
        bridge_path=bridge_path,
        satellites_path=satellites_path,
        closed=closed,
        wages=wages,
        household=household,
        household_income=household_income,
        household_own=household_own,
        value_added=list(value_added) or None,
        solver=solver,
    )
    steps.close()
    out = prepare_out_dir(out, result_files(IMPACT_FILES, fmt), force)
    written = results.write(out, fmt)
    label = f" {io.name!r}" if io.name else ""
    click.echo(f"table{label}: {io.n} sectors" + (f", {io.units}" if io.units else ""))
    attrs = results.impact.attrs
    click.echo(f"method: {attrs['method']}, relative residual {attrs['residual']:.1e}")
    _echo_totals(results)
    for note in results.notes:
        click.echo(f"note: {note}")
    click.echo(f"wrote {written[0]} ({len(results.impact)} rows)")
