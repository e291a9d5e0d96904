"""``linkage regionalize``: a regional (district) table from a national or provincial one."""

from __future__ import annotations

from pathlib import Path

import click

from ..io import GRDP_UNITS
from ..io.results import result_files
from ..pipeline.regionalize import REGIONAL_FILES, read_regional_measures, regionalize_table
from ._common import (
    echo_diagnostics,
    echo_frame,
    format_option,
    one_line_errors,
    prepare_out_dir,
    read_table_as,
    renamed_option,
    transactions_options,
)

OUTPUTS = REGIONAL_FILES


def _echo_measures(measures, io) -> None:
    """The district found and its findings, or the notes of the measure files."""
    dm = measures.district
    if dm is None:
        for note in measures.notes:
            click.echo(f"  note: {note}")
        return
    click.echo(
        f"district {dm.name} ({dm.code}), reference {dm.province} ({dm.province_code}); "
        f"GRDP in {GRDP_UNITS}, table in {io.units or 'its own units'}"
    )
    echo_diagnostics(dm.diagnostics)
    if measures.mismatch:
        click.echo(f"warning: {measures.mismatch}", err=True)


def _echo_warnings(measures) -> None:
    """What --allow-mismatch let through (sector sets that differ)."""
    for text in measures.warnings:
        click.echo(f"warning: {text}", err=True)


@click.command("regionalize")
@click.argument("table", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--regional",
    "regional_path",
    type=click.Path(path_type=Path),
    help="CSV or .xlsx (BOOK.xlsx#SHEET for another sheet): sector, regional measure "
    "(output, GRDP or employment).",
)
@click.option(
    "--national",
    "national_path",
    type=click.Path(path_type=Path),
    help="CSV or .xlsx: sector, national measure (default: the table's output).",
)
@click.option(
    "--measure",
    type=click.Choice(["output", "grdp", "employment"]),
    default=None,
    help="What the measure is [default: output; grdp with --grdp].",
)
@renamed_option(
    "--lq",
    "--method",
    "method",
    default="flq",
    type=click.Choice(["slq", "cilq", "flq", "aflq"]),
    help="Location quotient: simple, cross-industry, Flegg (FLQ) or augmented Flegg.",
)
@click.option(
    "--delta",
    type=float,
    default=0.3,
    show_default=True,
    help="FLQ/AFLQ parameter, 0 <= delta < 1.",
)
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(path_type=Path),
    help="CSV or .xlsx: table sector, regional sector (another or coarser classification).",
)
@click.option(
    "--concordance",
    type=click.Choice(["split", "aggregate"]),
    default="split",
    show_default=True,
    help="With a mapping: split the measure to table sectors by national output, "
    "or aggregate the table to the regional classification.",
)
@click.option(
    "--grdp",
    "grdp_path",
    type=click.Path(exists=True, path_type=Path),
    help="BPS district GRDP workbook (PDRB Lapangan Usaha Kab/Kota); use with "
    "--district. The province (sum of its districts) is the reference.",
)
@click.option("--district", help="District name or BPS code (with --grdp).")
@click.option(
    "--allow-mismatch",
    is_flag=True,
    help="Run (with a warning) when the district is of another province than the table, "
    "or the measures' sectors and the table's differ (missing sectors at 0, the others "
    "left out); both are errors without it.",
)
@click.option(
    "--sheet",
    default=None,
    help="Excel sheet of TABLE: a name, or a 0-based position when no sheet has that name.",
)
@transactions_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default="regional",
    show_default=True,
    help="Output folder.",
)
@format_option
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@one_line_errors
def command(
    table,
    regional_path,
    national_path,
    measure,
    method,
    delta,
    mapping_path,
    concordance,
    grdp_path,
    district,
    allow_mismatch,
    sheet,
    transactions,
    imports_path,
    out_dir,
    fmt,
    force,
):
    """Derive a regional IO table from TABLE by location quotients (SLQ, CILQ, FLQ, AFLQ).

    Writes OUT/regional_table.csv (wide layout, readable by `linkage analyze`) and
    OUT/lq.csv (the location quotients, rows = selling sector, columns = buying sector);
    --format xlsx writes both as sheets of OUT/results.xlsx, --format parquet as .parquet.

    Examples: linkage regionalize national.csv --regional jobs.csv --measure employment --lq slq;
    linkage regionalize prov.xlsx --grdp PDRB.xlsx --district "Kota Makassar".
    """
    if grdp_path is not None:
        if district is None:
            raise click.UsageError("--grdp needs --district NAME_OR_CODE")
        if regional_path is not None or national_path is not None:
            raise click.UsageError(
                "--grdp replaces --regional and --national; give one or the other"
            )
        if measure not in (None, "grdp"):
            raise click.UsageError("--grdp measures GRDP; drop --measure or use --measure grdp")
        measure = "grdp"
    else:
        if regional_path is None:
            raise click.UsageError("give --regional R.csv, or --grdp WORKBOOK --district NAME")
        if district is not None:
            raise click.UsageError("--district needs --grdp WORKBOOK")
        measure = measure or "output"
    if not 0 <= delta < 1:
        raise click.UsageError(f"--delta must be in [0, 1), got {delta:g}")
    if measure == "grdp" and grdp_path is None and national_path is None:
        raise click.UsageError("--measure grdp needs --national N.csv (the reference's GRDP)")
    files = result_files(OUTPUTS, fmt)
    out = prepare_out_dir(out_dir, files, force)

    io = read_table_as(table, sheet, transactions, imports_path)
    for finding in io.diagnostics:  # a total table made domestic: say so (the warning
        # of one kept technical is on stderr already)
        if finding.code == "transactions" and finding.level != "warning":
            if finding.message.startswith("total"):
                click.echo(f"note: {finding.message}")
    if measure == "employment" and national_path is None and io.employment is None:
        raise click.UsageError(
            "--measure employment needs --national N.csv: the table has no employment row"
        )
    measures = read_regional_measures(
        io,
        regional_path=regional_path,
        national_path=national_path,
        mapping_path=mapping_path,
        grdp_path=grdp_path,
        district=district,
        table_name=io.name or Path(table).name,
        allow_mismatch=allow_mismatch,
    )
    _echo_measures(measures, io)
    _echo_warnings(measures)
    res = regionalize_table(
        io,
        measures,
        out,
        method=method,
        delta=delta,
        measure=measure,
        concordance=concordance,
        fmt=fmt,
    )
    label = method.upper()
    if method in ("flq", "aflq"):
        click.echo(f"{label}: delta = {delta:g}, lambda = {res.lam:.6f}")
    else:
        click.echo(f"{label}: lambda not used")
    summary = res.measure.assign(
        slq=res.slq,
        regional_output=res.regional_output,
        output_share=res.regional_output / res.national_output.where(res.national_output != 0),
    )
    echo_frame(summary, max_rows=60)
    echo_diagnostics(res.diagnostics)
    x = res.table.x.sum()
    units = f" {res.table.units}" if res.table.units else ""
    wrote = " and ".join(str(out / name) for name in files)
    click.echo(f"regional output {x:,.6g}{units}; wrote {wrote}")
