"""``linkage analyze TABLE``: linkages, key sectors and multipliers of one IO table."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import click
import pandas as pd

from ..errors import InputFileError, LinkageWarning
from ..pipeline import TABLE_FILES, analyze_table, regional_table, table_files
from ._common import (
    echo_frame,
    format_option,
    one_line_errors,
    prepare_out_dir,
    read_table_as,
    read_table_sheet,
    solver_options,
    transactions_options,
)
from ._progress import Steps, quiet_option

OUTPUTS = (TABLE_FILES["linkages"], TABLE_FILES["multipliers"])
EXTRACTION_FILE = TABLE_FILES["extraction"]
INFLUENCE_FILE = TABLE_FILES["important_coefficients"]
REGION_FILES = (TABLE_FILES["regional_linkages"], TABLE_FILES["region_pairs"])


def default_out_dir(table_path: Path, sheet: str | None = None) -> Path:
    """``./linkage-out/<table name without suffix>[-<sheet>]`` in the current folder.

    With ``--sheet`` the sheet is part of the name, so two sheets of one workbook do not
    write into the same folder.

    Examples
    --------
    >>> default_out_dir(Path("io_2016.xlsx"), "Jawa Timur/17").as_posix()
    'linkage-out/io_2016-Jawa_Timur_17'
    >>> default_out_dir(Path("table.csv")).as_posix()
    'linkage-out/table'
    """
    stem = table_path.name if table_path.is_dir() else table_path.stem
    stem = stem or "table"
    if sheet is not None:
        stem += "-" + (re.sub(r"[^\w.-]+", "_", sheet.strip()).strip("_.") or "sheet")
    return Path("linkage-out") / stem


def _label(row: pd.Series, prefix: str = "") -> str:
    """``sector`` or ``sector (region)`` of one row of a flat result frame.

    Examples
    --------
    >>> _label(pd.Series({"sector": "farm", "region": "north"}))
    'farm (north)'
    >>> _label(pd.Series({"supplier": "farm"}), "supplier")
    'farm'
    """
    name = prefix or "sector"
    region = f"{prefix}_region" if prefix else "region"
    return f"{row[name]} ({row[region]})" if region in row.index else f"{row[name]}"


def _read(reader, path: Path, sheet):
    """:func:`read_table_sheet` with the reader given (``impact`` and ``decompose`` use it)."""
    return read_table_sheet(path, sheet, reader)


def _read_input(table, sheet, transactions, imports_path, by_region, region_sep):
    """The table as ``--sheet``, ``--transactions``, ``--imports`` and ``--by-region`` say."""
    io = read_table_as(table, sheet, transactions, imports_path)
    return regional_table(io, region_sep, table) if by_region else io


@click.command("analyze")
@click.argument("table", type=click.Path(path_type=Path))
@click.option(
    "--sheet",
    default=None,
    help="Excel sheet: a name, or a 0-based position when no sheet has that name "
    "(default: the first sheet).",
)
@transactions_options
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the result files [default: ./linkage-out/<TABLE name>, with "
    "--sheet ./linkage-out/<TABLE name>-<sheet>].",
)
@solver_options
@click.option(
    "--threshold",
    type=float,
    default=1.0,
    show_default=True,
    help="Normalized linkage above which a sector counts as strong (key-sector classes).",
)
@click.option(
    "--extraction",
    is_flag=True,
    help="Also write extraction.csv: output lost when each sector is hypothetically "
    "extracted (backward, forward, total).",
)
@click.option(
    "--influence",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Also write important_coefficients.csv: the N input coefficients whose change "
    "moves total output most (by elasticity).",
)
@click.option(
    "--by-region",
    is_flag=True,
    help="Multi-regional table: also write regional_linkages.csv (intra-/inter-regional "
    "linkages) and region_pairs.csv (spillover and feedback by region pair).",
)
@click.option(
    "--region-sep",
    default="|",
    show_default=True,
    help="With --by-region: the separator of '<region><sep><sector>' sector labels.",
)
@click.option(
    "--wages",
    default=None,
    metavar="LABEL",
    help="Primary-input row holding wages (income multipliers) [default: recognized by "
    "name or BPS code, e.g. 'Upah dan gaji', 201].",
)
@click.option(
    "--household",
    default=None,
    metavar="LABEL",
    help="Final-demand column of household consumption (type II) [default: recognized by "
    "name or BPS code, e.g. 'Konsumsi Rumah Tangga', 3011].",
)
@click.option(
    "--value-added-rows",
    "value_added",
    multiple=True,
    metavar="LABEL",
    help="Primary-input row of value added, or (repeated) the rows that sum to it "
    "[default: a row named value added / nilai tambah or BPS 2090, else the primary "
    "inputs except imports and totals].",
)
@format_option
@click.option("--force", is_flag=True, help="Overwrite existing result files.")
@quiet_option
@one_line_errors
def command(
    table,
    sheet,
    transactions,
    imports_path,
    out,
    solver,
    threshold,
    extraction,
    influence,
    by_region,
    region_sep,
    wages,
    household,
    value_added,
    fmt,
    force,
    quiet,
):
    """Backward/forward linkages, key sectors and multipliers of an IO table.

    TABLE is a wide CSV, an Excel workbook (including the statistics office's (BPS)
    provincial IO workbook), a long from,to,value CSV, a parquet file or an ICRAF-style
    province folder. Writes OUT/linkages.csv and OUT/multipliers.csv (first column
    `sector`, in the table's sector order; --format xlsx: one OUT/results.xlsx, --format
    parquet: .parquet files) and prints a summary; --extraction,
    --influence and --by-region add the files named in their help. --wages and
    --household name the wages row and household column when their names are not
    recognized (the summary's notes say so).
    """
    if not table.exists():
        raise InputFileError("no such file or folder", path=table)
    out = default_out_dir(table, sheet) if out is None else out
    names = table_files(extraction, influence, by_region, fmt)
    if not force and any((out / name).exists() for name in names):
        prepare_out_dir(out, names, force)  # raises the one-line "use --force" error

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LinkageWarning)
        steps = Steps(quiet=quiet)
        with steps(f"reading {table.name}"):
            io = _read_input(table, sheet, transactions, imports_path, by_region, region_sep)
        steps.callback(f"analyzing {io.n} sectors")
        results = analyze_table(
            io,
            solver,
            threshold=threshold,
            wages=wages,
            household=household,
            value_added=list(value_added) or None,
            extraction=extraction,
            influence=influence,
            by_region=by_region,
        )
        steps.close()
    out = prepare_out_dir(out, names, force)
    paths = results.write(out, fmt)
    lk, mult = results.linkages, results.multipliers
    extra = {name: frame for name, frame in results.frames().items() if name not in OUTPUTS}

    # every warning once: those raised while reading and solving, then any other
    # warning-level finding of the reader
    messages = []
    for w in caught:
        if issubclass(w.category, LinkageWarning) and str(w.message) not in messages:
            messages.append(str(w.message))
    for finding in io.diagnostics.warnings():
        if finding.message not in messages:
            messages.append(finding.message)
    for message in messages:
        click.echo(f"warning: {message}", err=True)

    label = f" {io.name!r}" if io.name else ""
    regions = ""
    if by_region:
        regions = f" in {len(extra[REGION_FILES[0]].attrs['regions'])} regions"
    click.echo(f"table{label}: {io.n} sectors{regions}" + (f", {io.units}" if io.units else ""))
    for finding in io.diagnostics:
        said = finding.code == "transactions" and finding.level != "warning"
        if finding.code == "sheet_chosen" or (
            said and finding.message.startswith("total")
        ):  # a workbook of several sheets: say which one
            click.echo(f"note: {finding.message}")
    if messages:
        click.echo(f"{len(messages)} warning(s), printed above on stderr")
    residual = results.residual
    click.echo(f"method: {lk.attrs['method']}, relative residual {residual:.1e}")
    if lk.attrs["dispersion"] != "exact":
        click.echo(f"dispersion: {lk.attrs['dispersion']}")
    counts = lk["key_sector"].value_counts()
    summary = ", ".join(f"{counts.get(c, 0)} {c}" for c in ("key", "backward", "forward", "weak"))
    click.echo(f"sector classes (threshold {threshold:g}): {summary}")
    key = lk[lk["key_sector"] == "key"]
    if len(key):
        click.echo("key sectors (bl_total and fl_total above the threshold):")
        shown = key[["output_multiplier", "bl_total", "fl_total"]].sort_values(
            "bl_total", ascending=False
        )
        echo_frame(shown, max_rows=20)
    else:
        click.echo("no key sectors")
    for note in mult.attrs.get("notes", []):
        click.echo(f"note: {note}")
    _echo_paths(paths, extra, influence)


def _echo_paths(paths: list, extra: dict, influence) -> None:
    """Where the results went; what each optional result holds."""
    if len(paths) == 1:  # one workbook
        sheets = ", ".join(Path(name).stem for name in (*OUTPUTS, *extra))
        click.echo(f"wrote {paths[0]} (sheets README, {sheets})")
        for name, frame in extra.items():
            click.echo(f"  {Path(name).stem}: {_headline(name, frame, influence)}")
        return
    click.echo(f"wrote {paths[0]} and {paths[1]}")
    for path, (name, frame) in zip(paths[2:], extra.items(), strict=True):
        click.echo(f"wrote {path} ({_headline(name, frame, influence)})")


def _headline(name: str, frame: pd.DataFrame, asked) -> str:
    """What one optional result file holds, in a few words for the summary.

    Examples
    --------
    >>> pairs = pd.DataFrame({"output": [90.0, 10.0], "spillover": [0.0, 10.0]})
    >>> _headline("region_pairs.csv", pairs, None)
    '2 region pairs; spillovers are 10.0% of output'
    """
    if name == EXTRACTION_FILE:
        if frame.empty:
            return "no sectors"
        top = frame.loc[frame["total_share"].idxmax()]
        return (
            f"{len(frame)} sectors; largest total extraction loss: {_label(top)}, "
            f"{top['total_share']:.1%} of output"
        )
    if name == INFLUENCE_FILE:
        if frame.empty:
            return f"no coefficient to rank (asked for {asked})"
        top = frame.iloc[0]
        fewer = f" of the {asked} asked for (all there are)" if len(frame) < asked else ""
        return (
            f"{len(frame)} coefficients{fewer} by {frame.attrs.get('measure', 'elasticity')}; "
            f"first: {_label(top, 'supplier')} -> {_label(top, 'buyer')}"
        )
    if name == REGION_FILES[0]:
        return f"{len(frame)} sectors in {len(frame.attrs['regions'])} regions"
    total = frame["output"].sum()
    share = frame["spillover"].sum() / total if total else 0.0
    return f"{len(frame)} region pairs; spillovers are {share:.1%} of output"
