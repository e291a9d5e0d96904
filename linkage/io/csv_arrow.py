"""Large CSV tables read by pyarrow's CSV parser, cell for cell what the csv module reads.

:func:`read_csv_columns` gives a :class:`ColumnGrid`: the text of every cell in pyarrow
string columns (about the file's size in memory, no Python object per cell) and, as
``cells``, only the lines the layout search reads (the first rows and the first
non-empty columns; other cells ``None``). :func:`linkage.io.wide_lines.parse_block` parses
its value block from the columns (:mod:`linkage.io.numbers_arrow`). It is used by
:func:`linkage.io.read_table` for the wide and BPS layouts; everything else reads the full
:func:`~linkage.io.grid.read_csv_grid`.

The separator is sniffed from the same first lines and title rows with fewer fields are
read by the csv module as before; the file goes to :func:`~linkage.io.grid.read_csv_grid`
(``None`` is returned) when it is small, not UTF-8, holds NUL bytes or unusual line
breaks, has blank or quoted multi-line title rows, or any row after the titles with
another number of fields than the widest (pyarrow then raises).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from ..core.diagnostics import Diagnostics
from .grid import _NOT_TEXT, Grid, sniff_separator

__all__ = ["ColumnGrid", "ColumnCells", "read_csv_columns"]

#: Smaller files are read by the csv module (it is fast enough there).
MIN_BYTES = 1 << 20
#: Rows and leading non-empty columns kept as Python cells for the layout search.
HEAD_ROWS = 48
LEFT_COLUMNS = 8
_HEAD_LIMIT = 32 << 20
_ODD_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


@dataclass
class ColumnGrid(Grid):
    """A :class:`~linkage.io.grid.Grid` whose cells' text lives in pyarrow columns.

    ``columns[j]`` holds the text of grid column ``j`` (all rows); ``cells`` only the
    first :data:`HEAD_ROWS` rows and the columns up to a few past the eighth non-empty
    one, ``None`` elsewhere.
    """

    columns: list = field(default_factory=list)

    def text(self, i: int, j: int) -> str:
        """The text of cell (i, j)."""
        return self.columns[j][i].as_py()

    def block_columns(self, rows: list, cols: list) -> list:
        """The columns ``cols`` restricted to the rows ``rows`` (pyarrow arrays)."""
        start, n = rows[0], len(rows)
        contiguous = rows[-1] - start + 1 == n
        out = []
        for j in cols:
            col = self.columns[j]
            out.append(col.slice(start, n) if contiguous else col.take(pa.array(rows)))
        return out


class ColumnCells:
    """The value block of a :class:`ColumnGrid` as ``block[r, c]`` (text, for messages)."""

    def __init__(self, grid: ColumnGrid, rows: list, cols: list):
        self.grid, self.rows, self.cols = grid, rows, cols
        self.shape = (len(rows), len(cols))
        self.size = self.shape[0] * self.shape[1]

    def __getitem__(self, rc):
        r, c = rc
        return self.grid.text(self.rows[r], self.cols[c])


def _head(path: Path):
    """(text of the first complete lines, whole file read?) or None when not plain UTF-8."""
    with open(path, "rb") as fh:
        raw = fh.read(1 << 16)
        if raw.startswith(tuple(m for m, _ in _NOT_TEXT)):
            return None
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return None
        while raw.count(b"\n") < 60 and len(raw) < _HEAD_LIMIT:
            more = fh.read(1 << 20)
            if not more:
                break
            raw += more
        complete = not fh.read(1)
        if b"\x00" in raw:
            return None
        while not complete:  # NUL bytes anywhere: the csv module raises, as before
            block = fh.read(1 << 22)
            if not block:
                break
            if b"\x00" in block:
                return None
    if not complete:
        raw = raw[: raw.rfind(b"\n") + 1]
    try:
        return raw.decode("utf-8-sig"), complete
    except UnicodeDecodeError:
        return None


def read_csv_columns(path, sep: str | None = None) -> ColumnGrid | None:
    """Read a large delimited UTF-8 file with pyarrow, or None when it should not be.

    The grid is the one :func:`~linkage.io.grid.read_csv_grid` gives (same rows, fields,
    separator and findings), with the cells' text in pyarrow columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("Tabel\\nsektor;a;b\\n" + "a;1,5;2\\n" * 150000)
    >>> g = read_csv_columns(p)
    >>> g.sep, g.cells.shape, g.text(2, 1), g.reader
    (';', (150002, 3), '1,5', 'pyarrow')
    >>> str(g.diagnostics.findings[0])
    'info: t.csv: 1 rows have fewer than 3 fields; missing fields read as empty'
    """
    path = Path(path)
    try:
        if path.stat().st_size < MIN_BYTES:
            return None
        head = _head(path)
    except OSError:
        return None
    if head is None or _ODD_BREAKS.search(head[0]):
        return None
    text, complete = head
    lines = text.splitlines()
    if not complete and sum(1 for ln in lines if ln.strip()) < 50:
        return None  # the separator is sniffed from the first 50 non-empty lines
    if sep is None:
        sep = sniff_separator(lines)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    if len(records) != len(lines) or not records:
        return None  # quoted line breaks
    width = max(len(r) for r in records)
    titles = next((k for k, r in enumerate(records) if len(r) == width), len(records))
    if any(not r for r in records[:titles]):
        return None
    body = _arrow_body(path, sep, width, titles)
    if body is None:
        return None
    return _column_grid(path, sep, records[:titles], body, width)


def _arrow_body(path: Path, sep: str, width: int, skip: int):
    names = [str(j) for j in range(width)]
    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=skip, block_size=1 << 24),
            parse_options=pcsv.ParseOptions(
                delimiter=sep, newlines_in_values=False, ignore_empty_lines=False
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, OSError, ValueError):
        return None
    return [table.column(j) for j in range(width)]


def _column_grid(path: Path, sep: str, titles: list, body: list, width: int) -> ColumnGrid:
    k, n_body = len(titles), len(body[0])
    padded = [r + [""] * (width - len(r)) for r in titles]
    columns = [
        pa.chunked_array([pa.array([r[j] for r in padded], pa.string()), *body[j].chunks])
        for j in range(width)
    ]
    n = k + n_body
    cells = np.full((n, width), None, dtype=object)
    top = min(HEAD_ROWS, n)
    for j, col in enumerate(columns):
        cells[:top, j] = col.slice(0, top).to_pylist()
    filled = [j for j in range(width) if any(str(x).strip() for x in cells[:40, j])]
    left = min(width, max(16, (filled[LEFT_COLUMNS - 1] if len(filled) >= LEFT_COLUMNS else 0) + 4))
    for j in range(left):
        cells[:, j] = columns[j].to_pylist()
    diag = Diagnostics()
    ragged = sum(1 for r in titles if 0 < len(r) < width and any(c.strip() for c in r))
    if ragged:
        diag.add(
            "ragged_rows",
            f"{path.name}: {ragged} rows have fewer than {width} fields; "
            "missing fields read as empty",
            count=ragged,
        )
    rows = list(range(1, n + 1))
    return ColumnGrid(cells, str(path), rows, False, sep, diag, "pyarrow", columns)
