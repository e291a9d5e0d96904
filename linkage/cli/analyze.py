"""``linkage analyze TABLE``: linkages, key sectors and multipliers of one IO table."""

from __future__ import annotations

import warnings
from pathlib import Path

import click
import pandas as pd

from ..errors import InputFileError, LinkageWarning
from ._common import echo_frame, one_line_errors, prepare_out_dir

OUTPUTS = ("linkages.csv", "multipliers.csv")
METHOD_CHOICES = ("auto", "dense", "splu", "iterative")


def default_out_dir(table_path: Path) -> Path:
    """``./linkage-out/<name of the table without suffix>`` in the current folder."""
    stem = table_path.name if table_path.is_dir() else table_path.stem
    return Path("linkage-out") / (stem or "table")


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its sector index as the first column, named ``sector``.

    A multi-regional (region, sector) index becomes the columns ``sector, region``.
    """
    if isinstance(frame.index, pd.MultiIndex):
        flat = frame.reset_index()
        names = list(frame.index.names)
        sector_col = names[-1] if names[-1] is not None else f"level_{len(names) - 1}"
        flat = flat.rename(columns={sector_col: "sector"})
        others = [c for c in flat.columns[: len(names)] if c != "sector"]
        return flat[["sector", *others, *frame.columns]]
    flat = frame.copy()
    flat.index = flat.index.rename("sector")
    return flat.reset_index()


def _read(read_table, path: Path, sheet):
    """Read with ``sheet`` as a name, or as a 0-based position when no sheet has that name."""
    try:
        return read_table(path, sheet=sheet)
    except InputFileError as exc:
        if sheet is not None and sheet.isdigit() and "no sheet" in str(exc):
            return read_table(path, sheet=int(sheet))
        raise


@click.command("analyze")
@click.argument("table", type=click.Path(path_type=Path))
@click.option(
    "--sheet",
    default=None,
    help="Excel sheet: a name, or a 0-based position when no sheet has that name "
    "(default: the first sheet).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for linkages.csv and multipliers.csv [default: ./linkage-out/<TABLE name>].",
)
@click.option(
    "--method",
    type=click.Choice(METHOD_CHOICES),
    default="auto",
    show_default=True,
    help="Leontief solver: dense LU, sparse LU, iterative (GMRES), or chosen by size.",
)
@click.option(
    "--threshold",
    type=float,
    default=1.0,
    show_default=True,
    help="Normalized linkage above which a sector counts as strong (key-sector classes).",
)
@click.option("--force", is_flag=True, help="Overwrite existing result files.")
@one_line_errors
def command(table, sheet, out, method, threshold, force):
    """Backward/forward linkages, key sectors and multipliers of an IO table.

    TABLE is a wide CSV, an Excel workbook (including the statistics office's (BPS)
    provincial IO workbook), a long from,to,value CSV, a parquet file or an ICRAF-style
    province folder. Writes OUT/linkages.csv and OUT/multipliers.csv (first column
    `sector`, in the table's sector order) and prints a summary.
    """
    from ..indices import linkages, multipliers
    from ..readers import read_table

    if not table.exists():
        raise InputFileError("no such file or folder", path=table)
    out = default_out_dir(table) if out is None else out
    if not force and any((out / name).exists() for name in OUTPUTS):
        prepare_out_dir(out, OUTPUTS, force)  # raises the one-line "use --force" error

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LinkageWarning)
        io = _read(read_table, table, sheet)
        lk = linkages(io, method=method, threshold=threshold)
        mult = multipliers(io, method=method)
    out = prepare_out_dir(out, OUTPUTS, force)
    _flat(lk).to_csv(out / "linkages.csv", index=False)
    _flat(mult).to_csv(out / "multipliers.csv", index=False)

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
    click.echo(f"table{label}: {io.n} sectors" + (f", {io.units}" if io.units else ""))
    if messages:
        click.echo(f"{len(messages)} warning(s), printed above on stderr")
    residual = max(lk.attrs["residual"], mult.attrs["residual"])
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
    click.echo(f"wrote {out / OUTPUTS[0]} and {out / OUTPUTS[1]}")
