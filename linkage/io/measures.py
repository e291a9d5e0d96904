"""Measure and mapping files: a measure by sector, a sector mapping (CSV or Excel).

:func:`read_measure` reads two columns, sector and value (output, GRDP, employment), in
either number format, dropping a total row; :func:`read_mapping` reads two label columns
(e.g. table sector -> regional sector). ``book.xlsx#SHEET`` names an Excel sheet.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputFileError
from .bps17 import normalize_name
from .grid import empty_mask, read_csv_grid, read_excel_grid
from .numbers import detect_number_format, parse_cells

__all__ = ["read_measure", "read_mapping"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm")

#: First cells that mark a header row even above a number (``sector,2016``).
_HEADER_WORDS = {
    "sector",
    "sectors",
    "sektor",
    "industry",
    "industri",
    "lapangan usaha",
    "uraian",
    "kategori",
    "category",
    "kode",
    "code",
    "name",
    "nama",
    "label",
    "lu",
    "kbli",
    "description",
    "deskripsi",
    "table sector",
    "regional sector",
}
#: Labels of a total row (dropped when it equals the sum of the rows above it).
_TOTAL_WORDS = ("total", "jumlah", "pdrb", "produk domestik regional bruto", "grand total")


def _grid(path, sheet=None):
    """The cells of a CSV file or an Excel sheet; ``book.xlsx#SHEET`` names the sheet."""
    path = Path(path)
    if not path.is_file() and sheet is None and "#" in path.name:
        book, _, name = str(path).rpartition("#")
        if Path(book).suffix.lower() in EXCEL_SUFFIXES and Path(book).is_file():
            path, sheet = Path(book), name
    if not path.is_file():
        raise InputFileError("file not found", path=path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return read_excel_grid(path, sheet)
    return read_csv_grid(path)


def _grid_notes(grid) -> list[str]:
    """The reader's findings as notes; the sheet hint in this module's ``book#SHEET`` form."""
    notes = []
    for f in grid.diagnostics:
        text = f.message
        if f.code == "sheet_chosen":
            book = Path(grid.path.split(" [sheet ")[0]).name
            text = f"{text.split('; choose another')[0]}; choose another with {book}#SHEET"
        notes.append(text)
    return notes


def _label_text(cell) -> str:
    """A label cell as text: Excel's 12.0 becomes ``"12"``."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _two_columns(grid, what: str):
    """The non-empty rows and the two non-empty columns of a grid, with row numbers."""
    empty = empty_mask(grid.cells)
    keep_rows = ~empty.all(axis=1)
    keep_cols = np.flatnonzero(~empty[keep_rows].all(axis=0)) if keep_rows.any() else []
    cells = grid.cells[keep_rows][:, keep_cols] if len(keep_cols) else grid.cells[keep_rows][:, :0]
    rows = [r for r, k in zip(grid.rows, keep_rows, strict=True) if k]
    if not len(rows):
        raise InputFileError(f"{what} file is empty", path=grid.path)
    if cells.shape[1] != 2:
        first = [_label_text(c) for c in cells[0]][:5]
        raise InputFileError(
            f"{what} file must have two columns (sector and value), has {cells.shape[1]}: {first}",
            path=grid.path,
        )
    return cells, rows


def read_measure(path, *, sheet=None, decimal=None) -> pd.Series:
    """A measure by sector (output, GRDP, employment) from a two-column CSV or Excel file.

    Parameters
    ----------
    path : str or Path
        CSV (``,``, ``;`` or tab separated; UTF-8 or Windows-1252) or ``.xlsx`` (a sheet
        other than the first as ``book.xlsx#SHEET``): a sector column and a value column.
        The first row is a header (any names) unless its value is a number and its first
        cell is not a header word such as ``sector``, ``sektor``, ``lapangan usaha``,
        ``uraian``, ``kode``; empty rows and columns are ignored.
    sheet : str or int, optional
        Excel sheet (default the first).
    decimal : {".", ","}, optional
        Decimal mark; by default detected from the numbers as for tables
        (:func:`linkage.io.numbers.detect_number_format`: ``1.234.567,8`` and ``12,5`` are
        Indonesian, ``1,234.5`` English; a ``;`` file with only ``1.234``-like numbers is
        read as Indonesian).

    Returns
    -------
    Series
        Values by sector label (str), named after the value column. ``.attrs``: ``source``
        (the file) and ``notes`` (list of str: what was reinterpreted, e.g. ``-`` read as 0,
        a total row dropped, no header row).

    Raises
    ------
    InputFileError
        One line naming the file, row, column and value: not two columns, an empty label
        or value, a value that is not a number or is negative, a repeated sector.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "grdp.csv"
    >>> _ = p.write_text("sektor;PDRB\\nA;1.234,5\\nC;-\\nF;20.000\\nJumlah;21.234,5\\n")
    >>> m = read_measure(p)
    >>> m.to_dict()
    {'A': 1234.5, 'C': 0.0, 'F': 20000.0}
    >>> m.attrs["notes"][-1]
    "last row 'Jumlah' (21,234.5) is the total of the others: dropped"
    """
    grid = _grid(path, sheet)
    cells, rows = _two_columns(grid, "measure")
    notes = _grid_notes(grid)
    head_label, head_value = _label_text(cells[0, 0]), cells[0, 1]
    fmt = detect_number_format(cells[:, 1], hint_sep=grid.sep)
    if decimal is not None:
        fmt = type(fmt)(decimal, "." if decimal == "," else ",", False, "given")
    first = parse_cells(np.array([[head_value]], dtype=object), fmt.decimal, fmt.thousands)
    header = bool(first.bad[0, 0] or first.flags["empty"][0, 0])
    header = header or normalize_name(head_label) in _HEADER_WORDS
    if header:
        column = _label_text(head_value) or "value"
        cells, rows = cells[1:], rows[1:]
    else:
        column = "value"
        notes.append(f"first row {head_label!r} read as data (its value is a number): no header")
    if not len(rows):
        raise InputFileError("measure file has a header but no data rows", path=grid.path)
    labels = [_label_text(c) for c in cells[:, 0]]
    parsed = parse_cells(cells[:, 1:2], fmt.decimal, fmt.thousands)
    values = parsed.values[:, 0]
    for i, label in enumerate(labels):
        raw = cells[i, 1]
        if not label:
            raise InputFileError("empty sector label", path=grid.path, row=rows[i], value=raw)
        if parsed.flags["empty"][i, 0]:
            raise InputFileError(
                f"no value for sector {label!r}", path=grid.path, row=rows[i], column=column
            )
        if parsed.bad[i, 0]:
            raise InputFileError(
                "not a number", path=grid.path, row=rows[i], column=column, value=raw
            )
        if not np.isfinite(values[i]) or values[i] < 0:
            what = "negative" if values[i] < 0 else "not a finite number"
            raise InputFileError(
                f"{what}: a measure is zero or more",
                path=grid.path,
                row=rows[i],
                column=column,
                value=raw,
            )
    seen = {}
    for i, label in enumerate(labels):
        if label in seen:
            raise InputFileError(
                f"sector {label!r} repeated (first at row {seen[label]})",
                path=grid.path,
                row=rows[i],
            )
        seen[label] = rows[i]
    if fmt.ambiguous:
        notes.append(f"{Path(path).name}: {fmt.reason}")
    for kind, text in (("dash", "'-' read as 0"), ("parentheses", "(x) read as -x")):
        k = int(parsed.flags[kind].sum())
        if k:
            notes.append(f"{Path(path).name}: {k} value(s) {text}")
    if len(labels) > 2 and normalize_name(labels[-1]).startswith(_TOTAL_WORDS):
        rest = float(values[:-1].sum())
        if abs(values[-1] - rest) <= 1e-3 * max(abs(rest), 1e-300):
            notes.append(
                f"last row {labels[-1]!r} ({values[-1]:,.6g}) is the total of the others: dropped"
            )
            labels, values = labels[:-1], values[:-1]
    out = pd.Series(values, index=pd.Index(labels, name="sector"), name=column, dtype=float)
    out.attrs.update(source=str(grid.path), notes=notes)
    return out


def read_mapping(path, *, sheet=None) -> pd.DataFrame:
    """A sector mapping (two columns, e.g. table sector -> regional sector) from CSV or Excel.

    The first row is a header. Labels are text (Excel's ``12.0`` reads ``"12"``), stripped;
    empty rows and columns are ignored.

    Returns
    -------
    DataFrame
        The two columns as read (str), named by the header. ``.attrs["source"]``: the file.

    Raises
    ------
    InputFileError
        Not two columns, no data rows, or an empty label (naming file and row).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "map.csv"
    >>> _ = p.write_text("table;grdp\\npadi;A\\nsemen;C\\n")
    >>> read_mapping(p).to_numpy().tolist()
    [['padi', 'A'], ['semen', 'C']]
    """
    grid = _grid(path, sheet)
    cells, rows = _two_columns(grid, "mapping")
    header = [_label_text(c) or f"column {k + 1}" for k, c in enumerate(cells[0])]
    cells, rows = cells[1:], rows[1:]
    if not len(rows):
        raise InputFileError("mapping file has a header but no data rows", path=grid.path)
    text = [[_label_text(c) for c in row] for row in cells]
    for i, (a, b) in enumerate(text):
        if not a or not b:
            raise InputFileError(
                "empty label", path=grid.path, row=rows[i], column=header[0 if not a else 1]
            )
    out = pd.DataFrame(text, columns=header)
    out.attrs.update(source=str(grid.path))
    return out
