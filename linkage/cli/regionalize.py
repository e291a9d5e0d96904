"""``linkage regionalize``: a regional (district) table from a national or provincial one."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import echo_diagnostics, echo_frame, one_line_errors, prepare_out_dir

OUTPUTS = ("regional_table.csv", "lq.csv")


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
@click.option(
    "--method", type=click.Choice(["slq", "cilq", "flq", "aflq"]), default="flq", show_default=True
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
@click.option("--sheet", default=None, help="Excel sheet of TABLE.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default="regional",
    show_default=True,
    help="Output folder.",
)
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
    sheet,
    out_dir,
    force,
):
    """Derive a regional IO table from TABLE by location quotients (SLQ, CILQ, FLQ, AFLQ).

    Writes OUT/regional_table.csv (wide layout, readable by `linkage analyze`) and
    OUT/lq.csv (the location quotients, rows = selling sector, columns = buying sector).

    Examples: linkage regionalize national.csv --regional jobs.csv --measure employment;
    linkage regionalize prov.xlsx --grdp PDRB.xlsx --district "Kota Makassar".
    """
    from ..analysis.regionalize import regionalize
    from ..io.tables import read_table, write_table

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
    out = prepare_out_dir(out_dir, OUTPUTS, force)

    from ..io.regional_data import read_mapping, read_measure

    io = read_table(table, sheet=sheet) if sheet is not None else read_table(table)
    if measure == "employment" and national_path is None and io.employment is None:
        raise click.UsageError(
            "--measure employment needs --national N.csv: the table has no employment row"
        )
    mapping = read_mapping(mapping_path) if mapping_path is not None else None
    region = ""
    if grdp_path is not None:
        from ..io.regional_data import (
            GRDP_UNITS,
            bps17_mapping,
            district_measures,
            read_grdp_workbook,
            table_province_mismatch,
        )

        grdp = read_grdp_workbook(grdp_path)
        dm = district_measures(grdp, district)
        regional, national, region = dm.regional, dm.national, dm.name
        if mapping is None:
            mapping = bps17_mapping(io.sectors)
        click.echo(
            f"district {dm.name} ({dm.code}), reference {dm.province} ({dm.province_code}); "
            f"GRDP in {GRDP_UNITS}, table in {io.units or 'its own units'}"
        )
        echo_diagnostics(dm.diagnostics)
        mismatch = table_province_mismatch(io.name or Path(table).name, dm.province)
        if mismatch:
            click.echo(f"warning: {mismatch}", err=True)
    else:
        regional = read_measure(regional_path)
        national = read_measure(national_path) if national_path else None
        for m in (regional, national):
            for note in [] if m is None else m.attrs["notes"]:
                click.echo(f"  note: {note}")
        region = regional_path.stem

    res = regionalize(
        io,
        regional,
        national,
        method=method,
        delta=delta,
        mapping=mapping,
        measure=measure,
        concordance=concordance,
        region=region,
        details=True,
    )
    write_table(res.table, out / "regional_table.csv", force=True)
    res.lq.to_csv(out / "lq.csv")

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
    click.echo(
        f"regional output {x:,.6g}{units}; wrote {out / 'regional_table.csv'} and {out / 'lq.csv'}"
    )
