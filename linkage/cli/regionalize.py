"""``linkage regionalize``: a regional (district) table from a national or provincial one."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from ._common import echo_diagnostics, echo_frame, one_line_errors, prepare_out_dir

OUTPUTS = ("regional_table.csv", "lq.csv")


def _read_two_columns(path, what: str) -> pd.DataFrame:
    """A CSV with exactly two columns; the second must be numeric unless ``what`` is mapping."""
    from ..errors import InputFileError

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python")
    except FileNotFoundError:
        raise InputFileError("file not found", path=path) from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(f"cannot read {what} CSV: {exc}".splitlines()[0], path=path) from None
    if frame.shape[1] != 2:
        raise InputFileError(
            f"{what} file must have two columns (sector and value), has {frame.shape[1]}: "
            f"{list(frame.columns)[:5]}",
            path=path,
        )
    frame = frame.apply(lambda c: c.str.strip())
    empty = frame.iloc[:, 0] == ""
    if empty.any():
        raise InputFileError("empty sector label", path=path, row=int(empty.idxmax()) + 2)
    if what == "mapping":
        return frame
    text = frame.iloc[:, 1].str.replace(" ", "", regex=False)
    if text.str.fullmatch(r"-?[\d.]*,\d+").any():  # Indonesian style 1.234,5
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:  # 1,234.5
        text = text.str.replace(",", "", regex=False)
    values = pd.to_numeric(text, errors="coerce")
    if values.isna().any():
        k = int(values.isna().idxmax())
        raise InputFileError(
            "not a number", path=path, row=k + 2, column=frame.columns[1], value=frame.iloc[k, 1]
        )
    return pd.DataFrame({"sector": frame.iloc[:, 0], "value": values.astype(float)})


@click.command("regionalize")
@click.argument("table", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--regional",
    "regional_path",
    type=click.Path(path_type=Path),
    help="CSV: sector, regional measure (output, GRDP or employment).",
)
@click.option(
    "--national",
    "national_path",
    type=click.Path(path_type=Path),
    help="CSV: sector, national measure (default: the table's output).",
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
    help="CSV: table sector, regional sector (another or coarser classification).",
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
    from ..readers import read_table, write_table
    from ..regional import regionalize

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
    out = prepare_out_dir(out_dir, OUTPUTS, force)

    io = read_table(table, sheet=sheet) if sheet is not None else read_table(table)
    mapping = _read_two_columns(mapping_path, "mapping") if mapping_path is not None else None
    region = ""
    if grdp_path is not None:
        from ..regional_data import (
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
        regional = _read_two_columns(regional_path, "regional")
        national = _read_two_columns(national_path, "national") if national_path else None
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
    click.echo(
        f"regional output {x:,.6g} {res.table.units}; wrote {out / 'regional_table.csv'} "
        f"and {out / 'lq.csv'}"
    )
