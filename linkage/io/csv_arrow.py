"""Large CSV tables read with pyarrow, cell for cell what the csv module reads.

:func:`read_csv_columns` gives a :class:`ColumnGrid`. The file is read a block of lines
at a time; the lines of a block (pointing into its bytes, no copy) are split into fields
by pyarrow (``split_pattern``; rows holding a quote by the csv module) and kept as one
string array a block, row after row: about the file's size in all, no Python object per
cell, and never the whole file's bytes beside its fields. As ``cells`` the grid holds
only what the layout search reads, a :class:`~linkage.io.wide_layout.HeadCells`: the first rows
and the first columns up to a few past the eighth non-empty one. The value block is
parsed from the blocks' fields (:meth:`ColumnGrid.body_rows`,
:mod:`linkage.io.numbers_arrow`), each block's text dropped as soon as its rows are
parsed; the text of a cell, for a message, is then read again from its line in the file.
It is used by :func:`linkage.io.read_table` for the wide and BPS layouts; everything
else reads the full :func:`~linkage.io.grid.read_csv_grid`.

The separator is sniffed from the first lines, and title rows with fewer fields are
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
from .wide_layout import HeadCells

__all__ = ["ColumnGrid", "ColumnCells", "RowFields", "read_csv_columns"]

#: Smaller files are read by the csv module (it is fast enough there).
MIN_BYTES = 1 << 20
#: Rows and leading non-empty columns kept as Python cells for the layout search.
HEAD_ROWS = 48
LEFT_COLUMNS = 8
#: Bytes of lines read and split into fields at a time.
BLOCK_BYTES = 2 << 20
_HEAD_LIMIT = 32 << 20
_ODD_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


@dataclass
class ColumnGrid(Grid):
    """A :class:`~linkage.io.grid.Grid` whose cells' text lives in pyarrow arrays.

    The rows below the title rows are the body: ``chunks`` holds the fields of a block
    of body rows each, row after row (``width`` fields a row; the line break of a row
    stays at the end of its last field, which every reader strips), ``first[k]`` the
    first body row of chunk ``k`` (and the row count at the end), ``offsets`` the byte
    offset of each body line in the file (and of its end). ``titles`` are the title
    rows' fields (Python), ``cells`` a :class:`~linkage.io.wide_layout.HeadCells`. A chunk
    whose rows are parsed is dropped (``None``); the text of its cells is then read from
    the file, one line at a time.
    """

    titles: list = field(default_factory=list)
    chunks: list = field(default_factory=list)
    first: np.ndarray | None = None
    offsets: np.ndarray | None = None
    width: int = 0
    _last: tuple | None = field(default=None, repr=False)

    @property
    def n_body(self) -> int:
        """Number of body rows (below the title rows)."""
        return int(self.first[-1])

    def fields(self, start: int, stop: int) -> pa.Array:
        """The fields of body rows ``start`` to ``stop`` (0-based, after the title rows),
        row after row: ``(stop - start) * width`` strings (their chunks must be kept)."""
        w, parts = self.width, []
        k = self._chunk_of(start)
        while start < stop:
            a, b = int(self.first[k]), int(self.first[k + 1])
            take = min(stop, b) - start
            parts.append(self.chunks[k].slice((start - a) * w, take * w))
            start, k = start + take, k + 1
        if len(parts) == 1:
            return parts[0]
        return pa.concat_arrays(parts) if parts else pa.array([], pa.string())

    def _chunk_of(self, row: int) -> int:
        """The chunk holding body row ``row``."""
        return int(np.searchsorted(self.first, row, side="right")) - 1

    def _kept(self, row: int) -> bool:
        return self.chunks[self._chunk_of(row)] is not None

    def text(self, i: int, j: int) -> str:
        """The text of cell (i, j)."""
        k = len(self.titles)
        if i < k:
            return self.titles[i][j]
        if not self._kept(i - k):
            return self._line_fields(i - k)[j]
        value = self.fields(i - k, i - k + 1)[j].as_py()
        return value.rstrip("\r\n") if j == self.width - 1 else value

    def _line_fields(self, r: int) -> list:
        """The fields of body row ``r`` read again from its line in the file (the last
        row read is kept: a message reads several cells of one row)."""
        if self._last is not None and self._last[0] == r:
            return self._last[1]
        with open(self.path, "rb") as fh:
            fh.seek(int(self.offsets[r]))
            line = fh.read(int(self.offsets[r + 1] - self.offsets[r])).decode("utf-8")
        if r == 0 and line.startswith("\ufeff"):
            line = line[1:]
        fields = next(csv.reader([line.rstrip("\r\n")], delimiter=self.sep))
        self._last = (r, fields)
        return fields

    def body_rows(self, rows: list):
        """The fields of the body rows ``rows`` (a :class:`RowFields`), or None when they
        are not a run of body rows whose text is kept."""
        k = len(self.titles)
        if not rows or rows[0] < k or rows[-1] - rows[0] + 1 != len(rows):
            return None
        a, b = rows[0] - k, rows[-1] - k + 1
        lo, hi = self._chunk_of(a), self._chunk_of(b - 1)
        if any(c is None for c in self.chunks[lo : hi + 1]):
            return None
        return RowFields(self, a, b - a)

    def columns(self, cols: list) -> np.ndarray:
        """The text of the columns ``cols`` of every body row, shape ``(rows, len(cols))``
        (the chunks must be kept)."""
        out = np.empty((self.n_body, len(cols)), dtype=object)
        for k, chunk in enumerate(self.chunks):
            a, b = int(self.first[k]), int(self.first[k + 1])
            idx = (np.arange(b - a, dtype=np.int64)[:, None] * self.width + cols).ravel()
            out[a:b] = np.array(chunk.take(pa.array(idx)).to_pylist(), dtype=object).reshape(
                b - a, len(cols)
            )
        last = [q for q, j in enumerate(cols) if j == self.width - 1]
        for q in last:
            out[:, q] = [x.rstrip("\r\n") for x in out[:, q]]
        return out

    def column(self, j: int) -> list:
        """The text of column ``j``, every row."""
        if any(c is None for c in self.chunks):
            return read_csv_grid(self.path, sep=self.sep).cells[:, j].tolist()
        return [r[j] for r in self.titles] + self.columns([j])[:, 0].tolist()

    def drop_chunks(self, stop: int) -> None:
        """Drop the text of the chunks holding only body rows before ``stop``."""
        freed = False
        for k in range(len(self.chunks)):
            if self.first[k + 1] <= stop and self.chunks[k] is not None:
                self.chunks[k], freed = None, True
        if freed:
            pa.default_memory_pool().release_unused()

    def release(self) -> None:
        """Drop the text of the body (the numbers are parsed) and hand the memory back."""
        self.drop_chunks(self.n_body)


class RowFields:
    """A run of body rows of a :class:`ColumnGrid` as one flat array of fields, row after
    row, without a copy of the whole: what :func:`~linkage.io.numbers_arrow.parse_rows`
    and :func:`~linkage.io.numbers_arrow.format_sample_rows` read.

    :meth:`slice` gives the fields of a part; :meth:`drain` gives them a batch of rows
    at a time and drops the text of each chunk of the grid once its rows are read.
    """

    def __init__(self, grid: ColumnGrid, start: int, n_rows: int):
        self.grid, self.start, self.n_rows = grid, start, n_rows

    def __len__(self) -> int:
        return self.n_rows * self.grid.width

    def slice(self, offset: int = 0, length: int | None = None) -> pa.Array:
        """Fields ``offset`` to ``offset + length`` (as ``pyarrow.Array.slice``)."""
        width, total = self.grid.width, len(self)
        offset = min(max(offset, 0), total)
        length = total - offset if length is None else min(max(length, 0), total - offset)
        a, b = offset // width, -(-(offset + length) // width)
        flat = self.grid.fields(self.start + a, self.start + max(a, b))
        return flat.slice(offset - a * width, length)

    def drain(self, step: int):
        """(first row, stop row, their fields) of each batch of ``step`` rows, in order;
        the grid's text of the rows read so far is dropped as it goes."""
        for r0 in range(0, self.n_rows, step):
            r1 = min(r0 + step, self.n_rows)
            yield r0, r1, self.grid.fields(self.start + r0, self.start + r1)
            self.grid.drop_chunks(self.start + r1)


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
        if b"\x00" in raw:  # NUL bytes (later ones: _body): the csv module raises
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
    records = records[:titles]  # the other head rows are read again with the body
    del lines, text
    if any(not r for r in records):
        return None
    body = _body(path, sep, width, titles)
    if body is None:
        return None
    return _column_grid(path, sep, records, body, width)


def _body(path: Path, sep: str, width: int, skip: int):
    """(chunks, first row of each, line offsets) of the rows after the first ``skip``
    lines, read :data:`BLOCK_BYTES` at a time; None when a row has another number of
    fields, a lone CR ends a line, the text is not UTF-8 or holds a NUL byte."""
    chunks, firsts, offsets = [], [0], []
    with open(path, "rb") as fh:
        pos, carry = 0, b""
        while True:
            block = fh.read(BLOCK_BYTES)
            if b"\x00" in block:
                return None
            data = carry + block if carry else block
            cut = data.rfind(b"\n") + 1 if block else len(data)
            if block and not cut:
                carry = data  # a line longer than a block: read on
                continue
            if not data:
                break
            bom = 3 if not pos and data.startswith(codecs.BOM_UTF8) else 0
            lines, starts = _lines(data, cut, bom)
            carry = data[cut:]
            if lines is None:
                return None
            drop = min(skip, len(lines))
            skip -= drop
            if drop < len(lines):
                chunk = _split(lines.slice(drop), sep, width)
                if chunk is None:
                    return None
                chunks.append(chunk)
                firsts.append(firsts[-1] + len(lines) - drop)
                offsets.append(starts[drop:] + pos)
            del lines
            pos += cut
            if not block:
                break
    if not chunks:
        return None
    offsets.append(np.array([pos], dtype=np.int64))
    pa.default_memory_pool().release_unused()  # the builders' spare capacity
    return chunks, np.array(firsts, dtype=np.int64), np.concatenate(offsets)


def _lines(data: bytes, cut: int, start: int):
    """(string array of the lines of ``data[:cut]``, each with its line break, pointing
    into its bytes, no copy; the byte offset of each line) or (None, None) for lone CRs
    or bad UTF-8."""
    view = np.frombuffer(data, dtype=np.uint8, count=cut)
    ends = np.flatnonzero(view == 10) + 1
    if data.find(b"\r", 0, cut) >= 0:  # every CR must end a line, before its LF
        crlf = ends[ends >= 2]
        if data.count(b"\r", 0, cut) != int(np.count_nonzero(view[crlf - 2] == 13)):
            return None, None
    if not ends.size or ends[-1] != cut:
        ends = np.append(ends, cut)
    starts = np.concatenate([[start], ends[:-1]]).astype(np.int64)
    bounds = pa.py_buffer(np.append(starts, ends[-1]).astype(np.int32))
    text = pa.py_buffer(memoryview(data)[:cut])
    lines = pa.StringArray.from_buffers(len(starts), bounds, text)
    try:
        lines.validate(full=True)
    except pa.ArrowInvalid:
        return None, None
    return lines, starts


def _split(lines: pa.Array, sep: str, width: int):
    """The fields of ``lines``, row after row (rows holding a quote split by the csv
    module), or None when a row has not ``width`` fields."""
    quoted = np.flatnonzero(pc.match_substring(lines, '"').to_numpy(zero_copy_only=False))
    split = pc.split_pattern(lines, pattern=sep)
    if quoted.size:
        split = _requote(lines, split, quoted, sep)
        if split is None:
            return None
    if not bool(pc.all(pc.equal(pc.list_value_length(split), width)).as_py()):
        return None
    return split.flatten()


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
    chunks, firsts, offsets = body
    k, n_body = len(titles), int(firsts[-1])
    padded = [r + [""] * (width - len(r)) for r in titles]
    n = k + n_body
    grid = ColumnGrid(
        None, str(path), list(range(1, n + 1)), False, sep, Diagnostics(), "pyarrow",
        titles=padded, chunks=chunks, first=firsts, offsets=offsets, width=width,
    )  # fmt: skip
    top = max(0, min(HEAD_ROWS, n) - k)
    head = np.full((k + top, width), None, dtype=object)
    for i, r in enumerate(padded):
        head[i] = r
    if top:
        head[k:] = np.array(grid.fields(0, top).to_pylist(), dtype=object).reshape(top, width)
        # each row's line break stays in its last field in the chunks; not in ``cells``
        head[k:, width - 1] = [x.rstrip("\r\n") for x in head[k:, width - 1]]
    filled = [j for j in range(width) if any(str(x).strip() for x in head[:40, j])]
    eighth = filled[LEFT_COLUMNS - 1] if len(filled) >= LEFT_COLUMNS else 0
    cols = list(range(min(width, max(16, eighth + 4))))
    left = np.empty((n, len(cols)), dtype=object)
    left[:k] = head[:k, : len(cols)]
    left[k:] = grid.columns(cols)
    grid.cells = HeadCells(head, left, width)
    ragged = sum(1 for r in titles if 0 < len(r) < width and any(c.strip() for c in r))
    if ragged:
        grid.diagnostics.add(
            "ragged_rows",
            f"{path.name}: {ragged} rows have fewer than {width} fields; "
            "missing fields read as empty",
            count=ragged,
        )
    return grid
