""":func:`linkage.io.numbers.parse_cells` and the format sample, on pyarrow string columns.

The CSV fast path (:mod:`linkage.io.csv_arrow`) keeps a table's text in pyarrow arrays;
this module parses them without making a Python object per cell. Each cell goes one of
two ways:

- **in pyarrow** (C++), the cells that are plain ASCII with no space inside: empty,
  ``-`` / ``--``, plain numbers (``12``, ``-0.25``, ``1e5``) and numbers with the table's
  separators (``1.234.567,89``); their values are pyarrow's correctly rounded casts, which
  are pandas' values for these forms (a leading ``+`` is left out: pandas rounds those
  differently, see the tests);
- **in Python**, every other cell (spaces between digits, parentheses, Unicode minus or
  dashes, other scripts' digits, long integers): :func:`~linkage.io.numbers.parse_cells`
  itself, on those cells only.

So values, bad cells and every count are those of ``parse_cells`` on the same cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .numbers import DETECT_SAMPLE, UNICODE_MINUS, ParseResult, parse_cells

__all__ = ["parse_columns", "format_sample", "parse_rows", "format_sample_rows"]

FLAGS = ("empty", "dash", "thousands", "decimal_comma", "parentheses", "spaces")
#: Columns parsed together (bounds the temporary arrays).
BATCH_CELLS = 1 << 17
_WS = " \t\n\r\x0b\x0c"
_SIMPLE = r"^[!-'*,-~]*$"  # printable ASCII but spaces, parentheses and + (after trimming)
_INT = r"[0-9]{1,18}"
_DEC = r"(?:[0-9]+\.[0-9]*|\.[0-9]+)"
_EXP = r"[eE][+-]?[0-9]{1,3}"
_PLAIN = rf"^-?(?:{_INT}|{_DEC}|(?:[0-9]+|{_DEC}){_EXP})$"
_PLAIN_NO_DOT = rf"^-?(?:{_INT}|[0-9]+{_EXP})$"


def _pattern(decimal: str, thousands: str) -> str:
    """RE2 form of ``numbers._number_pattern`` without a leading ``+`` (ASCII digits)."""
    d = "\\" + decimal
    integer = rf"([0-9]{{1,3}}(\{thousands}[0-9]{{3}})+|[0-9]+)" if thousands else "[0-9]+"
    return rf"^-?({integer}({d}[0-9]*)?|{d}[0-9]+)([eE][+-]?[0-9]+)?$"


def _supported(decimal: str, thousands: str) -> bool:
    return decimal in (".", ",") and thousands in ("", ",", ".") and decimal != thousands


def parse_columns(columns: list, decimal: str = ".", thousands: str = ",") -> ParseResult:
    """Parse string columns (pyarrow arrays of equal length, no nulls) into floats.

    Returns what :func:`~linkage.io.numbers.parse_cells` returns for the 2-D block whose
    column ``j`` is ``columns[j]``.

    Examples
    --------
    >>> import pyarrow as pa
    >>> r = parse_columns([pa.array(["1.234.567,89", ""]), pa.array(["-", "(2,5)"])],
    ...                   decimal=",", thousands=".")
    >>> r.values.tolist()
    [[1234567.89, 0.0], [0.0, -2.5]]
    >>> sorted(r.counts.items())
    [('dash', 1), ('decimal_comma', 2), ('empty', 1), ('parentheses', 1), ('thousands', 1)]
    """
    n_rows = len(columns[0]) if columns else 0
    n_cols = len(columns)
    values = np.zeros((n_cols, n_rows))
    bad = np.zeros((n_cols, n_rows), dtype=bool)
    flags = {k: np.zeros((n_cols, n_rows), dtype=bool) for k in FLAGS}
    for part, flat in _batches(columns, n_rows):
        out = _parse_flat(flat, decimal, thousands)
        shape = (part.stop - part.start, n_rows)
        values[part] = out[0].reshape(shape)
        bad[part] = out[1].reshape(shape)
        for k in FLAGS:
            flags[k][part] = out[2][k].reshape(shape)
    infinite = np.isinf(values)
    bad |= infinite
    values[infinite] = 0.0
    return ParseResult(values.T, bad.T, {k: v.T for k, v in flags.items()})


def _batches(columns: list, n_rows: int, parts=None):
    """(slice of columns, their cells as one flat array, column after column)."""
    step = max(1, BATCH_CELLS // max(n_rows, 1))
    for start in parts if parts is not None else range(0, len(columns), step):
        part = slice(start, min(start + step, len(columns)))
        chunks = []
        for col in columns[part]:
            chunks.extend(col.chunks if isinstance(col, pa.ChunkedArray) else [col])
        yield part, pa.chunked_array(chunks, type=pa.string()).combine_chunks()


def _mask(x) -> np.ndarray:
    return x.to_numpy(zero_copy_only=False).astype(bool, copy=False)


def _parse_flat(arr: pa.Array, decimal: str, thousands: str):
    """(values, bad, flags) of one flat string array."""
    n = len(arr)
    values, bad = np.zeros(n), np.zeros(n, dtype=bool)
    flags = {k: np.zeros(n, dtype=bool) for k in FLAGS}
    if not _supported(decimal, thousands):
        _slow_into(arr, np.arange(n), decimal, thousands, values, bad, flags)
        return values, bad, flags
    no_dot = decimal == "," and thousands == "."
    ws = r"[ \t\n\r\x0b\x0c]*"
    plain_re = f"^{ws}{(_PLAIN_NO_DOT if no_dot else _PLAIN)[1:-1]}{ws}$"
    # most cells of a table are plain numbers: one pass finds them, one cast reads them
    plain = _mask(pc.match_substring_regex(arr, plain_re))
    if plain.all():
        values[:] = pc.cast(pc.utf8_trim(arr, _WS), pa.float64()).to_numpy(zero_copy_only=False)
        return values, bad, flags
    _cast_into(values, pc.utf8_trim(arr, _WS), plain)
    idx = np.flatnonzero(~plain)
    t = pc.utf8_trim(arr.take(pa.array(idx)), _WS)
    fast = _mask(pc.match_substring_regex(t, _SIMPLE))
    empty = fast & _mask(pc.equal(t, ""))
    dash = fast & _mask(pc.is_in(t, value_set=pa.array(["-", "--"])))
    flags["empty"][idx[empty]] = True
    flags["dash"][idx[dash]] = True
    # the separator forms: flags and values as parse_cells' second step gives them
    rest = fast & ~empty & ~dash
    ok = rest & _mask(pc.match_substring_regex(t, _pattern(decimal, thousands)))
    if thousands:
        flags["thousands"][idx[ok & _mask(pc.match_substring(t, thousands))]] = True
    if decimal == ",":
        flags["decimal_comma"][idx[ok & _mask(pc.match_substring(t, ","))]] = True
    clean = t
    if thousands:
        clean = pc.replace_substring(clean, thousands, "")
    if decimal != ".":
        clean = pc.replace_substring(clean, decimal, ".")
    sub = np.zeros(len(idx))
    _cast_into(sub, clean, ok)
    values[idx] = sub
    bad[idx[rest & ~ok]] = True
    _slow_into(arr, idx[~fast], decimal, thousands, values, bad, flags)
    return values, bad, flags


def _slow_into(arr, slow, decimal, thousands, values, bad, flags) -> None:
    """parse_cells itself on the cells at ``slow``."""
    if slow.size:
        cells = np.array(arr.take(pa.array(slow)).to_pylist(), dtype=object).reshape(-1, 1)
        res = parse_cells(cells, decimal, thousands)
        values[slow] = res.values[:, 0]
        bad[slow] = res.bad[:, 0]
        for k in FLAGS:
            flags[k][slow] = res.flags[k][:, 0]


def _cast_into(values: np.ndarray, strings: pa.Array, where: np.ndarray) -> None:
    if where.any():
        idx = np.flatnonzero(where)
        picked = strings.take(pa.array(idx))
        values[idx] = pc.cast(picked, pa.float64()).to_numpy(zero_copy_only=False)


_CANDIDATE = r"[0-9][.,]|[.,][0-9]"
_PY_CANDIDATE = r"\d[.,]|[.,]\d"


def _candidates(flat: pa.Array) -> np.ndarray:
    """Cells of ``flat`` whose text has a digit beside '.' or ','. ASCII cells in pyarrow;
    other cells (rare) with the very pandas expression of ``numbers._strings``."""
    hit = _mask(pc.match_substring_regex(flat, _CANDIDATE))
    other = np.flatnonzero(~_mask(pc.string_is_ascii(flat)))
    if other.size:
        s = pd.Series(flat.take(pa.array(other)).to_pylist(), dtype=object).astype(str)
        s = s.str.replace(UNICODE_MINUS, "-", regex=False)
        hit[other] = s.str.contains(_PY_CANDIDATE, regex=True).to_numpy(dtype=bool)
    return np.flatnonzero(hit)


def format_sample(columns: list) -> pd.Series:
    """``numbers._strings`` of the block whose column ``j`` is ``columns[j]``: the first
    :data:`~linkage.io.numbers.DETECT_SAMPLE` cells (in row order) with a digit beside
    ``.`` or ``,``, Unicode minus made ``-``, stripped.

    Examples
    --------
    >>> import pyarrow as pa
    >>> format_sample([pa.array(["1,5", "x"]), pa.array([" 2.000 ", "7"])]).tolist()
    ['1,5', '2.000']
    """
    n_rows = len(columns[0]) if columns else 0
    # the first rows hold the sample when most cells qualify: look there first
    stop = min(n_rows, max(64, -(-DETECT_SAMPLE // max(len(columns), 1))))
    while True:
        sample = _sample_rows([c.slice(0, stop) for c in columns], stop)
        if len(sample) >= DETECT_SAMPLE or stop >= n_rows:
            return sample
        stop = min(n_rows, stop * 4)


def _sample_rows(columns: list, n_rows: int) -> pd.Series:
    found = []  # (batch start, flat positions)
    for part, flat in _batches(columns, n_rows):
        hit = _candidates(flat)
        if hit.size:
            found.append((part.start, hit))
    if not found:
        return pd.Series([], dtype=object).astype(str)
    start = np.concatenate([np.full(h.size, b, dtype=np.int64) for b, h in found])
    pos = np.concatenate([h for _, h in found]).astype(np.int64)
    row, col = pos % n_rows, start + pos // n_rows
    order = np.argsort(row * len(columns) + col, kind="stable")[:DETECT_SAMPLE]
    texts = np.empty(order.size, dtype=object)
    chosen = np.zeros(start.size, dtype=bool)
    chosen[order] = True
    rank = np.empty(start.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    batch_of = {b: k for k, (b, _) in enumerate(found)}
    offsets = np.cumsum([0] + [h.size for _, h in found])
    wanted = sorted({int(b) for b in start[order]})
    for part, flat in _batches(columns, n_rows, parts=wanted):
        k = batch_of[part.start]
        sel = np.flatnonzero(chosen[offsets[k] : offsets[k + 1]]) + offsets[k]
        texts[rank[sel]] = flat.take(pa.array(pos[sel])).to_pylist()
    s = pd.Series(texts, dtype=object).astype(str).str.replace(UNICODE_MINUS, "-", regex=False)
    return s.str.strip()


def parse_rows(flat, width: int, cols: slice, decimal=".", thousands=",") -> ParseResult:
    """:func:`parse_columns` for cells stored row after row: ``flat`` holds a block of
    ``len(flat) // width`` rows of ``width`` fields; the result covers columns ``cols``
    (only their cells are parsed: a label column is never sent to the slow path).

    ``flat`` is a pyarrow string array, or an object with ``len`` and ``drain(step)``
    giving (first row, stop row, fields) a batch of rows at a time
    (:class:`linkage.io.csv_arrow.RowFields`, which drops the text of the rows it has
    given). Flags and bad cells are written only where some cell has them, so that their
    (zeroed) pages are never touched for a table of plain numbers.

    Examples
    --------
    >>> import pyarrow as pa
    >>> r = parse_rows(pa.array(["a", "1,5", "-", "b", "", "2"]), 3, slice(1, 3), ",", ".")
    >>> r.values.tolist(), r.counts
    ([[1.5, 0.0], [0.0, 2.0]], {'empty': 1, 'dash': 1, 'decimal_comma': 1})
    """
    n_rows = len(flat) // width
    picked = np.arange(width)[cols]
    n_cols = picked.size
    values = np.zeros((n_rows, n_cols))
    bad = np.zeros((n_rows, n_cols), dtype=bool)
    flags = {k: np.zeros((n_rows, n_cols), dtype=bool) for k in FLAGS}
    step = max(1, BATCH_CELLS // max(n_cols, 1))
    for r0, r1, batch in _row_batches(flat, width, n_rows, step):
        if n_cols < width:  # the cells of ``cols`` only
            take = (np.arange(r1 - r0, dtype=np.int64)[:, None] * width + picked).ravel()
            batch = batch.take(pa.array(take))
        v, b, f = _parse_flat(batch, decimal, thousands)
        del batch
        values[r0:r1] = v.reshape(r1 - r0, n_cols)
        for out, got in ((bad, b), *((flags[k], f[k]) for k in FLAGS)):
            if got.any():
                out[r0:r1] = got.reshape(r1 - r0, n_cols)
    infinite = np.isinf(values)
    if infinite.any():
        bad |= infinite
        values[infinite] = 0.0
    return ParseResult(values, bad, flags)


def _row_batches(flat, width: int, n_rows: int, step: int):
    """(first row, stop row, fields) of each batch of ``step`` rows of ``flat``."""
    if hasattr(flat, "drain"):
        yield from flat.drain(step)
        return
    for r0 in range(0, n_rows, step):
        r1 = min(r0 + step, n_rows)
        yield r0, r1, flat.slice(r0 * width, (r1 - r0) * width)


def format_sample_rows(flat: pa.Array, width: int, cols: slice) -> pd.Series:
    """:func:`format_sample` for cells stored row after row (see :func:`parse_rows`).

    Examples
    --------
    >>> import pyarrow as pa
    >>> format_sample_rows(pa.array(["1.5", "2,5", "x", "7.0"]), 2, slice(1, 2)).tolist()
    ['2,5', '7.0']
    """
    n_rows = len(flat) // width
    keep = np.zeros(width, dtype=bool)
    keep[cols] = True
    stop = min(n_rows, max(64, -(-DETECT_SAMPLE // max(int(keep.sum()), 1))))
    while True:
        part = flat.slice(0, stop * width)
        hit = np.concatenate(
            [
                s + _candidates(part.slice(s, min(BATCH_CELLS, len(part) - s)))
                for s in range(0, len(part), BATCH_CELLS)
            ]
            or [np.zeros(0, np.int64)]
        )
        hit = hit[keep[hit % width]][:DETECT_SAMPLE]
        if hit.size >= DETECT_SAMPLE or stop >= n_rows:
            break
        stop = min(n_rows, stop * 4)
    texts = part.take(pa.array(hit, pa.int64())) if hit.size else pa.array([], pa.string())
    # the dtype ``astype(str)`` gives, built from the pyarrow array without Python strings
    s = pd.Series(pd.array(texts, dtype=_STR)).astype(str)
    return s.str.replace(UNICODE_MINUS, "-", regex=False).str.strip()


#: What ``Series.astype(str)`` makes of text (pyarrow-backed ``str`` from pandas 3).
_STR = pd.Series(["x"], dtype=object).astype(str).dtype
