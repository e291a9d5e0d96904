"""Large CSV tables read with pyarrow, cell for cell what the csv module reads.

:func:`read_csv_columns` gives a :class:`ColumnGrid`: the rows after the title rows split
into fields by pyarrow (``split_pattern`` on the lines, which point into the file's bytes
without a copy; rows holding a quote are split by the csv module), kept as one string
array row after row (about the file's size, no Python object per cell), and, as
``cells``, only the lines the layout search reads (the first rows and the first non-empty
columns; other cells ``None``). :func:`linkage.io.wide_lines.parse_block` parses its value
block from that array (:mod:`linkage.io.numbers_arrow`) and then drops the text. It is
used by :func:`linkage.io.read_table` for the wide and BPS layouts; everything else reads
the full :func:`~linkage.io.grid.read_csv_grid`.

The separator is sniffed from the same first lines, and title rows with fewer fields are
read by the csv module as before. The file goes to :func:`~linkage.io.grid.read_csv_grid`
(``None`` is returned) when it is small (:data:`MIN_BYTES`), not UTF-8, holds NUL bytes,
lone CRs or unusual line breaks, has blank or multi-line title rows, or any later row
(a blank line too) with another number of fields than the widest.

(pyarrow's own CSV reader was tried first: with 2000 string columns its buffers took 2.5-4
times the file, see benchmarks/FINDINGS.md.)
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
import pyarrow.compute as pc

from ..core.diagnostics import Diagnostics
from .grid import _NOT_TEXT, Grid, read_csv_grid, sniff_separator

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
    """A :class:`~linkage.io.grid.Grid` whose cells' text lives in one pyarrow array.

    The rows below the title rows are ``body``: a string array of their fields row after
    row (``width`` fields a row; the line break of a row stays at the end of its last
    field, which every reader strips). ``titles`` are the title rows' fields (Python),
    ``cells`` holds only the first :data:`HEAD_ROWS` rows and the columns up to a few past
    the eighth non-empty one, ``None`` elsewhere. :meth:`release` drops ``body`` once the
    numbers are parsed; the text of a cell, for a message, is then read again.
    """

    titles: list = field(default_factory=list)
    body: pa.Array | None = None
    width: int = 0

    def text(self, i: int, j: int) -> str:
        """The text of cell (i, j)."""
        k = len(self.titles)
        if i < k:
            return self.titles[i][j]
        if self.body is None:
            return str(read_csv_grid(self.path, sep=self.sep).cells[i, j])
        value = self.body[(i - k) * self.width + j].as_py()
        return value.rstrip("\r\n") if j == self.width - 1 else value

    def body_rows(self, rows: list):
        """(flat array of the body rows ``rows``, or None when they are not a run of body
        rows)."""
        k = len(self.titles)
        if not rows or rows[0] < k or rows[-1] - rows[0] + 1 != len(rows) or self.body is None:
            return None
        return self.body.slice((rows[0] - k) * self.width, len(rows) * self.width)

    def column(self, j: int) -> list:
        """The text of column ``j``, every row."""
        if self.body is None:
            return read_csv_grid(self.path, sep=self.sep).cells[:, j].tolist()
        n_body = len(self.body) // self.width
        idx = pa.array(np.arange(n_body, dtype=np.int64) * self.width + j)
        out = self.body.take(idx).to_pylist()
        if j == self.width - 1:
            out = [x.rstrip("\r\n") for x in out]
        return [r[j] for r in self.titles] + out

    def release(self) -> None:
        """Drop the text of the body (the numbers are parsed) and hand the memory back."""
        self.body = None
        pa.default_memory_pool().release_unused()


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
    body = _body(path, sep, width, titles)
    if body is None:
        return None
    return _column_grid(path, sep, records[:titles], body, width)


def _body(path: Path, sep: str, width: int, skip: int):
    """The fields of the rows after the first ``skip`` lines, row after row, or None when
    a row has another number of fields, a lone CR ends a line, or the text is not UTF-8.
    Rows holding a quote are split by the csv module, the others by pyarrow."""
    raw = path.read_bytes()
    start = 3 if raw.startswith(codecs.BOM_UTF8) else 0
    if raw.count(b"\r") != raw.count(b"\r\n"):
        return None
    ends = _line_ends(raw)
    if ends.size and ends[-1] != len(raw) - 1:
        ends = np.append(ends, len(raw) - 1)
    elif not ends.size:
        ends = np.array([len(raw) - 1])
    starts = np.concatenate([[start], ends[:-1] + 1])[skip:]
    stops = ends[skip:] + 1
    if not starts.size or len(raw) >= 2**31:
        return None
    offsets = pa.py_buffer(np.append(starts, stops[-1]).astype(np.int32))
    lines = pa.StringArray.from_buffers(len(starts), offsets, pa.py_buffer(raw))
    try:
        lines.validate(full=True)
    except pa.ArrowInvalid:
        return None
    quoted = np.flatnonzero(pc.match_substring(lines, '"').to_numpy(zero_copy_only=False))
    split = pc.split_pattern(lines, pattern=sep)
    if quoted.size:
        split = _requote(lines, split, quoted, sep)
        if split is None:
            return None
    del lines, raw
    if not bool(pc.all(pc.equal(pc.list_value_length(split), width)).as_py()):
        return None
    flat = split.flatten()
    pa.default_memory_pool().release_unused()  # the builders' spare capacity
    return flat


def _line_ends(raw: bytes) -> np.ndarray:
    """Positions of the line feeds in ``raw`` (in 8 MiB steps: small temporaries)."""
    view = np.frombuffer(raw, dtype=np.uint8)
    step = 1 << 23
    return np.concatenate(
        [np.flatnonzero(view[a : a + step] == 10) + a for a in range(0, view.size, step)]
        or [np.zeros(0, np.int64)]
    )


def _requote(lines, split, quoted, sep):
    """``split`` with the rows at ``quoted`` split by the csv module instead."""
    fixed = {}
    for i in quoted.tolist():
        text = lines[i].as_py()
        rec = list(csv.reader([text.rstrip("\r\n")], delimiter=sep))
        if len(rec) != 1:
            return None
        fields = rec[0]
        if text.endswith("\n"):
            fields[-1] += "\r\n" if text.endswith("\r\n") else "\n"
        fixed[i] = fields
    pieces, prev = [], 0
    for i in sorted(fixed):
        if i > prev:
            pieces.append(split.slice(prev, i - prev))
        pieces.append(pa.array([fixed[i]], type=split.type))
        prev = i + 1
    if prev < len(split):
        pieces.append(split.slice(prev))
    return pa.concat_arrays(pieces)


def _column_grid(path: Path, sep: str, titles: list, body, width: int) -> ColumnGrid:
    k, n_body = len(titles), len(body) // width
    padded = [r + [""] * (width - len(r)) for r in titles]
    n = k + n_body
    cells = np.full((n, width), None, dtype=object)
    for i, r in enumerate(padded):
        cells[i] = r
    top = max(0, min(HEAD_ROWS, n) - k)
    if top:
        head = body.slice(0, top * width).to_pylist()
        cells[k : k + top] = np.array(head, dtype=object).reshape(top, width)
    filled = [j for j in range(width) if any(str(x).strip() for x in cells[:40, j])]
    eighth = filled[LEFT_COLUMNS - 1] if len(filled) >= LEFT_COLUMNS else 0
    left = min(width, max(16, eighth + 4))
    for j in range(left):
        cells[k:, j] = body.take(
            pa.array(np.arange(n_body, dtype=np.int64) * width + j)
        ).to_pylist()
    # each row's line break stays in its last field in ``body``; not in ``cells``
    cells[k:, width - 1] = [x if x is None else x.rstrip("\r\n") for x in cells[k:, width - 1]]
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
    return ColumnGrid(cells, str(path), rows, False, sep, diag, "pyarrow", padded, body, width)
