"""Reading and writing IO tables: :func:`read_table` and :func:`write_table`.

``read_table`` recognizes, from the path and the content:

- a folder in the ICRAF / AKSARA layout (``01_sektor.csv`` ... ``07_tenaga_kerja.csv``),
  see :mod:`linkage.io.icraf`;
- a BPS (Badan Pusat Statistik) IO workbook as published, recognized by its code row
  (``1800``, ``3011`` ... ``3100``) and code column (``190d``, ``2000`` ... ``2100``), see
  :mod:`linkage.io.bps`;
- the wide layout (CSV or Excel sheet), see :mod:`linkage.io.wide`;
- the long layout ``from,to,value`` with a sidecar naming the sectors (CSV, Excel or
  parquet), see :mod:`linkage.io.long`;
- parquet files in the wide or long layout.

Every table carries the reader's findings in ``table.diagnostics``; every error is a
:class:`linkage.errors.InputFileError` naming the file, the row, the column and the value.
The formats are documented with examples in ``docs/formats.md``.
"""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..core.table import DEFAULT_BALANCE_RTOL, IOTable
from ..errors import DataQualityWarning, InputFileError
from .bps import bps_lines, find_bps_codes
from .csv_arrow import read_csv_columns
from .grid import Grid, excel_sheet_names, read_csv_grid, read_excel_grid
from .icraf import read_icraf_folder
from .labels import is_employment_name, is_total_name, norm_label
from .long import (
    LONG_FROM,
    LONG_TO,
    LONG_VALUE,
    find_col,
    long_frame_to_table,
    looks_long,
    read_long_grid,
    write_long,
)
from .wide import build_wide
from .wide_layout import HeadCells, generic_lines, locate_wide

__all__ = ["read_table", "write_table"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
FORMATS = ("wide", "long", "bps", "icraf")


_RUPIAH = r"(rupiah|rp\.?|idr)"
_UNIT_PATTERNS = (
    (
        rf"\b(juta(an)?|millions?)( of)? {_RUPIAH}|\b{_RUPIAH} ?(juta|millions?)\b",
        "juta Rupiah (million IDR)",
    ),
    (
        rf"\b(mil[iy]ar|billions?)( of)? {_RUPIAH}|\b{_RUPIAH} ?(mil[iy]ar|billions?)\b",
        "miliar Rupiah (billion IDR)",
    ),
    (
        rf"\b(ribu(an)?|thousands?)( of)? {_RUPIAH}|\b{_RUPIAH} ?(ribu|thousands?)\b",
        "ribu Rupiah (thousand IDR)",
    ),
)
_OTHER_UNITS = re.compile(
    r"\b(thousands?|millions?|billions?)( of)? (euros?|eur|us dollars|dollars|usd|aud|\$)"
    r"|(\$|€|eur|usd|aud) ?(thousands?|millions?|billions?|m|bn)\b"
)


def _units_from_title(grid: Grid) -> str:
    """Money unit named in the title rows (the first six), e.g. ``(Juta Rupiah)``.

    Examples
    --------
    >>> g = Grid(np.array([["Tabel IO (dalam juta Rp)"]], dtype=object), "t.csv", [1])
    >>> _units_from_title(g)
    'juta Rupiah (million IDR)'
    """
    text = " ".join(str(c) for c in grid.cells[:6].ravel() if isinstance(c, str)).casefold()
    text = " ".join(text.replace("(", " ").replace(")", " ").split())
    for pattern, units in _UNIT_PATTERNS:
        if re.search(pattern, text):
            return units
    m = _OTHER_UNITS.search(text)
    if not m:
        return ""
    if m.group(1):
        return f"{m.group(1).rstrip('s')} {m.group(3)}"
    scale = {"m": "million", "bn": "billion"}.get(m.group(5), m.group(5).rstrip("s"))
    return f"{scale} {m.group(4)}"


def read_table(
    path,
    *,
    sheet=None,
    format=None,
    sep=None,
    decimal=None,
    thousands=None,
    sectors=None,
    name=None,
    units=None,
    balance_rtol=DEFAULT_BALANCE_RTOL,
    final_demand=None,
    primary_inputs=None,
    skip_hidden=False,
) -> IOTable:
    """Read an input-output table from a file or folder.

    Parameters
    ----------
    path : str or Path
        A CSV/TSV file, an Excel workbook (``.xlsx``), a parquet file, or an ICRAF-style
        folder.
    sheet : str or int, optional
        Excel sheet name or 0-based index (default: the first sheet holding a table).
    format : {"wide", "long", "bps", "icraf"}, optional
        Layout; detected from the path and the content when omitted.
    sep : str, optional
        CSV field separator; sniffed when omitted (``;`` and tab win when they split every
        line the same way).
    decimal, thousands : str, optional
        Number format of text cells, e.g. ``decimal=","`` for ``1.234.567,89``; detected when
        omitted (see :mod:`linkage.io.numbers`). ``thousands=""`` accepts no separator.
    sectors : list of str or path, optional
        Wide layout: the sector labels to use (in this order). Long layout: the sidecar
        (a list, or a CSV with ``label,kind`` or one column of sector labels); default
        ``<stem>.sectors.csv`` beside the file.
    name, units : str, optional
        Description and money unit; default the file name and, for BPS workbooks, the unit
        in the title.
    balance_rtol : float
        Relative gap between row and column totals above which a sector is reported as
        unbalanced (the table is still returned).
    final_demand, primary_inputs : list of str or str, optional
        Wide layout: columns to read as final demand (rows as primary inputs) although
        their labels are not known names (:mod:`linkage.io.vocabulary`); a list or
        comma-separated labels. Without them such a label is an error.
    skip_hidden : bool
        Wide layout, Excel: leave out the rows and columns hidden in the sheet (counted
        and named in the diagnostics); by default they are read and warned about.

    Returns
    -------
    IOTable
        With ``table.diagnostics`` listing everything skipped, reinterpreted or checked.

    Raises
    ------
    InputFileError
        Unreadable files and cells, naming the file, row, column and value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "mb.csv"
    >>> _ = p.write_text("sector,agri,manu,households,total output\\n"
    ...                  "agri,150,500,350,1000\\nmanu,200,100,1700,2000\\n"
    ...                  "value added,650,1400,,\\n")
    >>> t = read_table(p)
    >>> t.sectors.tolist(), t.x.tolist()
    (['agri', 'manu'], [1000.0, 2000.0])
    """
    path = Path(path)
    if format is not None and format not in FORMATS:
        raise InputFileError(f"format must be one of {FORMATS}, got {format!r}", path=path)
    if not path.exists():
        raise InputFileError("no such file or folder", path=path)
    options = dict(decimal=decimal, thousands=thousands, balance_rtol=balance_rtol)
    default_name = name if name is not None else path.stem

    if path.is_dir() or format == "icraf":
        return read_icraf_folder(path, name=default_name, units=units, **options)

    suffix = path.suffix.lower()
    if suffix == ".parquet" or suffix == ".pq":
        return _read_parquet(
            path, format=format, sectors=sectors, name=default_name, units=units or "", **options
        )
    found = None
    if suffix in EXCEL_SUFFIXES:
        if sheet is None:
            grid, found = _first_table_sheet(path)
        else:
            grid = read_excel_grid(path, sheet)
    elif suffix == ".xls":
        raise InputFileError("old .xls workbooks are not supported: save it as .xlsx", path=path)
    elif suffix in (".ods", ".numbers"):
        raise InputFileError(
            "OpenDocument/Numbers spreadsheets are not read: save it as .xlsx or CSV", path=path
        )
    else:
        # large wide tables through pyarrow; long tables and small files as before
        grid = read_csv_columns(path, sep=sep) if format in (None, "wide", "bps") else None
        if grid is None or (format is None and looks_long(grid)):
            grid = read_csv_grid(path, sep=sep)
    if format == "long" or (format is None and looks_long(grid)):
        return read_long_grid(
            grid, path, sectors=sectors, name=default_name, units=units or "", **options
        )
    return _read_wide_grid(
        grid,
        format=format,
        sectors=sectors,
        name=default_name,
        units=units,
        found=found,
        final_demand=final_demand,
        primary_inputs=primary_inputs,
        skip_hidden=skip_hidden,
        **options,
    )


def _first_table_sheet(path: Path):
    """The first sheet that holds a table (BPS codes, wide or long layout), else the first;
    with what :func:`_layout` found on it (None for the first sheet without a table)."""
    names = excel_sheet_names(path)
    first = None
    for k, nm in enumerate(names):
        grid = read_excel_grid(path, nm)
        first = first or grid
        found = _layout(grid)
        if found is not None:
            if len(names) > 1:
                grid.diagnostics.findings.clear()
                which = "the first sheet" if k == 0 else "the first sheet with a table"
                grid.diagnostics.add(
                    "sheet_chosen",
                    f"{path.name}: read sheet {nm!r}, {which}"
                    f"; sheets: {names[:8]}; choose another with sheet= (command line: --sheet)",
                )
            return grid, found
    return first, None


def _layout(grid: Grid):
    """("bps", codes), ("long", None) or ("wide", (header, label column)); None: no table."""
    codes = find_codes(grid)
    if codes is not None:
        return "bps", codes
    if looks_long(grid):
        return "long", None
    try:
        return "wide", locate_wide(grid)
    except InputFileError:
        return None


def find_codes(grid: Grid):
    """:func:`linkage.io.bps.find_bps_codes`, on the cells that can be codes only.

    It reads the first 40 rows and the first 8 columns; fractions (most cells of a big
    table) are never codes, so they are blanked in copies of those two parts (a
    :class:`~linkage.io.wide_layout.HeadCells`: no copy of the whole grid).
    """
    cells = grid.cells
    if cells.size < 10_000:
        return find_bps_codes(grid)
    parts = [np.array(cells[:40], dtype=object), np.array(cells[:, :8], dtype=object)]
    for part in parts:
        # codes have no '.' or ',' (and norm_label keeps both)
        frac = [
            (type(x) is float and not x.is_integer()) or (type(x) is str and ("." in x or "," in x))
            for x in part.ravel()
        ]
        part[np.array(frac, dtype=bool).reshape(part.shape)] = None
    lines = HeadCells(parts[0], parts[1], cells.shape[1])
    return find_bps_codes(Grid(lines, grid.path, grid.rows, grid.excel, grid.sep))


def _read_wide_grid(grid, *, format, sectors, name, units, found=None, **options):
    if units is None:
        units = _units_from_title(grid)
    found = found or (None, None)
    if format not in (None, "bps"):
        codes = None
    else:
        codes = found[1] if found[0] == "bps" else None if found[0] else find_codes(grid)
    if format == "bps" and codes is None:
        raise InputFileError(
            "no BPS code row (1800, 3011 ... 3100) and code column (190d, 2000 ... 2100) found",
            path=grid.path,
        )
    diag = Diagnostics()
    if codes is not None:
        rows, cols = bps_lines(grid, *codes)
        diag.add(
            "format",
            f"{grid.short}: BPS IO workbook layout (code row "
            f"{grid.rows[codes[0]]}, code column {grid.col_name(codes[1])})",
        )
    else:
        header, label_col = found[1] if found[0] == "wide" else locate_wide(grid)
        rows, cols = generic_lines(grid, header, label_col)
        if header or label_col:
            diag.add(
                "format",
                f"{grid.short}: wide layout, header row {grid.rows[header]}, "
                f"labels in column {grid.col_name(label_col)}",
            )
    return build_wide(
        grid, rows, cols, sectors=sectors, name=name, units=units, diagnostics=diag, **options
    )


# --------------------------------------------------------------------------- parquet
def _read_parquet(path, *, format, sectors, name, units, **options):
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise InputFileError(f"cannot read as parquet: {exc}", path=path) from None
    cols = [norm_label(c) for c in frame.columns]
    is_long = format == "long" or (
        format is None
        and any(c in cols for c in LONG_FROM)
        and any(c in cols for c in LONG_TO)
        and any(c in cols for c in LONG_VALUE)
    )
    if is_long:
        used = [find_col(frame.columns, names) for names in (LONG_FROM, LONG_TO, LONG_VALUE)]
        f = pd.DataFrame(
            {
                "from": frame.iloc[:, used[0]],
                "to": frame.iloc[:, used[1]],
                "value": frame.iloc[:, used[2]].astype(object),
            }
        )
        others = {
            str(c): frame.iloc[:, j].to_numpy()
            for j, c in enumerate(frame.columns)
            if j not in used
        }
        return long_frame_to_table(
            f,
            list(range(2, len(f) + 2)),
            None,
            path,
            sectors=sectors,
            name=name,
            units=units,
            other_columns=others,
            **options,
        )
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    cells = np.empty((frame.shape[0] + 1, frame.shape[1]), dtype=object)
    cells[0] = [str(c) for c in frame.columns]
    for j in range(frame.shape[1]):
        col = frame.iloc[:, j]
        cells[1:, j] = col.astype(object).where(col.notna(), None).to_numpy()
    grid = Grid(cells, str(path), list(range(1, cells.shape[0] + 1)))
    return _read_wide_grid(grid, format=format, sectors=sectors, name=name, units=units, **options)


# --------------------------------------------------------------------------- writing
def _table_grid(table: IOTable) -> tuple[list, np.ndarray]:
    if table.is_multiregional:
        raise InputFileError(
            "write_table writes single-region tables; flatten the (region, sector) labels first"
        )
    sectors = [str(s) for s in table.sectors]
    fd_cols = [str(c) for c in table.final_demand.columns]
    pi_rows = [str(c) for c in table.primary_inputs.columns]
    labels = sectors + pi_rows + (["employment"] if table.employment is not None else [])
    header = ["sector"] + sectors + fd_cols + ["total output"]
    taken = {norm_label(h) for h in header}
    clash = [lab for lab in pi_rows if norm_label(lab) in taken]
    if clash or len({norm_label(x) for x in labels}) != len(labels):
        raise InputFileError(
            f"labels used twice across sectors, final demand and primary inputs: {clash[:5]}"
        )
    risky = [lab for lab in fd_cols + pi_rows if is_total_name(lab) == "strong"]
    risky += [lab for lab in pi_rows if is_employment_name(lab)]
    if risky:
        warnings.warn(
            f"labels {risky[:5]} look like totals or employment: read_table will not "
            "read them back as data; rename them to keep the round trip exact",
            DataQualityWarning,
            stacklevel=3,
        )
    n, k = table.n, len(fd_cols)
    Z = table.Z.toarray() if table.is_sparse else np.asarray(table.Z)
    body = np.full((len(labels), n + k + 1), np.nan)
    body[:n, -1] = table.x
    body[:n, :n] = Z
    body[:n, n : n + k] = table.final_demand.to_numpy()
    body[n : n + len(pi_rows), :n] = table.primary_inputs.to_numpy().T
    if table.employment is not None:
        body[-1, :n] = table.employment.to_numpy()
    return [header, labels], body


def write_table(table: IOTable, path, *, force: bool = True, layout: str = "wide") -> Path:
    """Write a table in the wide (or long) layout that :func:`read_table` reads back exactly.

    The suffix chooses the file type: ``.csv`` (comma-separated, ``.`` decimals, shortest
    exact float text), ``.xlsx`` or ``.parquet``. Wide rows: sectors, primary inputs, and an
    ``employment`` row when the table has employment; columns: sectors, final demand and
    ``total output`` (x; the reader takes x from it and checks the sums against it).

    ``layout="long"`` writes ``from,to,value`` for the non-zero entries (``.csv`` or
    ``.parquet``; sparse tables stay sparse) and the sidecar ``<stem>.sectors.csv`` with
    ``label,kind``; x is then the row total when read back.

    Parameters
    ----------
    table : IOTable
    path : str or Path
    force : bool
        Overwrite an existing file (default True; the command line passes its --force).
    layout : {"wide", "long"}

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         value_added=[650, 1400], sectors=["agri", "manu"])
    >>> p = write_table(t, pathlib.Path(tempfile.mkdtemp()) / "t.csv")
    >>> print(p.read_text().splitlines()[0])
    sector,agri,manu,final demand,total output
    >>> bool((read_table(p).Z == t.Z).all())
    True
    """
    path = Path(path)
    if layout not in ("wide", "long"):
        raise InputFileError(f"layout must be 'wide' or 'long', got {layout!r}", path=path)
    if path.exists() and not force:
        raise InputFileError("file exists; pass force=True to overwrite", path=path)
    suffix = path.suffix.lower()
    if layout == "long":
        return write_long(table, path, suffix, force)
    (header, labels), body = _table_grid(table)
    if suffix in (".csv", ".txt", ""):
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for lab, row in zip(labels, body, strict=True):
                cells = row.astype(object)  # str(float) is the shortest exact text
                cells[np.isnan(row)] = ""
                w.writerow([lab, *cells])
    elif suffix in EXCEL_SUFFIXES or suffix == ".parquet":
        frame = pd.DataFrame(body, columns=header[1:])
        frame.insert(0, header[0], labels)
        if suffix == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_excel(path, index=False, sheet_name="io_table")
    else:
        raise InputFileError("write_table writes .csv, .xlsx or .parquet", path=path)
    return path
