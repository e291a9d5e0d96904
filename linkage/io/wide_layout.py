"""Where a wide table is in its grid: the header row, the label column, the line specs.

:func:`locate_wide` finds the header row and the label column of a table written with
sectors as rows and as columns (titles, numbering and code columns may come first);
:func:`generic_lines` turns them into the row and column :class:`LineSpec` that
:func:`linkage.io.wide.build_wide` classifies (BPS workbooks get theirs from
:mod:`linkage.io.bps`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..errors import InputFileError
from .grid import Grid, empty_mask
from .labels import (
    common_prefix,
    display_label,
    is_total_name,
    label_key,
    match_keys,
    norm_label,
    strip_prefix,
    variant_sets,
)

__all__ = ["LineSpec", "HeadCells", "locate_wide", "generic_lines"]

#: Rows searched for the header row.
HEADER_SEARCH_ROWS = 40
#: Non-empty columns searched for the label column.
LABEL_SEARCH_COLUMNS = 8


@dataclass
class LineSpec:
    """Rows (or columns) of a grid that form a table axis.

    ``pos`` are grid positions, ``label`` the display labels, ``key`` the labels compared
    to match sectors, ``strong`` marks lines known to be totals (by name or code).
    """

    pos: list
    label: list
    key: list
    strong: list


def locate_wide(grid: Grid) -> tuple[int, int]:
    """Header row and label column of a wide table (0-based grid positions).

    The header row is the row (among the first 40 with two or more cells) whose cells
    share the most labels with the label column (one of the first eight non-empty columns:
    a title, numbering and code columns may come first)
    below it; title rows above the table are skipped this way. Labels are compared as in
    :func:`match_keys`; numbers other than whole positive codes are not labels
    (:func:`label_key`).

    Raises
    ------
    InputFileError
        No label is both a row and a column; the message shows the first labels of the
        first column and of the first row, so that the mismatch can be seen.
    """
    cells = grid.cells
    top = cells[:HEADER_SEARCH_ROWS]
    filled_top = ~empty_mask(top)
    if not filled_top.any():
        raise InputFileError("the file has no cells in its first rows", path=grid.path)
    col_any = np.flatnonzero(filled_top.any(axis=0))[:LABEL_SEARCH_COLUMNS]
    row_cand = list(np.flatnonzero(filled_top.sum(axis=1) >= 2))
    head_keys = [_keys(top[r]) for r in row_cand]
    # a row holding a value (a zero, a fraction) right of the label column is data, not
    # the header
    values = [
        filled_top[r] & np.array([not k for k in hk], dtype=bool)
        for r, hk in zip(row_cand, head_keys, strict=True)
    ]
    # header rows and label columns without a prefix common to their labels (OECD TTL_)
    head_bare = [strip_prefix(hk, common_prefix(hk)) for hk in head_keys]
    best = (0, 0, 0)
    for c in col_any:
        col_keys = _keys(cells[:, c])
        col_bare = strip_prefix(col_keys, common_prefix(col_keys))
        for r, hk, hb, val in zip(row_cand, head_keys, head_bare, values, strict=True):
            if val[c + 1 :].any():
                continue
            heads = variant_sets(hk[c + 1 :])
            below = variant_sets(col_keys[r + 1 :])
            score = max(len(h & b) for h, b in zip(heads, below, strict=True))
            # row labels "A Pertanian" against header codes "A"
            score = max(score, len(heads[0] & below[4]), len(heads[1] & below[5]))
            # a prefix on one side only
            score = max(
                score,
                len(heads[0] & (set(col_bare[r + 1 :]) - {""})),
                len((set(hb[c + 1 :]) - {""}) & below[0]),
            )
            if score > best[0]:
                best = (score, r, c)
    if best[0] == 0:
        raise InputFileError(
            "no sector labels found that appear both as a row label and as a column header; "
            f"is this a wide IO table? {_first_labels(grid, col_any, row_cand)}",
            path=grid.path,
        )
    return best[1], best[2]


def _keys(line) -> list:
    """:func:`label_key` of each cell; fractions (most cells of a table) are never labels.

    Examples
    --------
    >>> _keys(np.array(["Pertanian", 0.25, 3011.0, None, "0,125"], dtype=object))
    ['pertanian', '', '3011', '', '']
    """
    return [
        ""
        if (type(x) is float and not x.is_integer()) or (type(x) is str and _FRACTION(x))
        else label_key(x)
        for x in line
    ]


#: Text that :func:`label_key` always makes ``""``: ASCII digits with a ``.`` or ``,``
#: and nothing else (no space), like most cells of a CSV table: matched first, fast.
_FRACTION = re.compile(r"[+-]?[0-9]+[.,][0-9.,]*").fullmatch


def _short_label(c, width: int = 40) -> str:
    text = display_label(c)
    return text if len(text) <= width else text[: width - 3] + "..."


def _first_labels(grid: Grid, col_any, row_cand) -> str:
    """``first column has 'a', 'b' ...; row 1 has 'x', 'y' ...`` for an error message."""
    cells = grid.cells
    parts = []
    if len(col_any):
        c = int(col_any[0])
        labs = [_short_label(x) for x in cells[:, c] if label_key(x)][:4]
        if labs:
            parts.append(f"column {grid.col_name(c)} has " + ", ".join(map(repr, labs)))
    if row_cand:
        r = int(row_cand[0])
        labs = [_short_label(x) for x in cells[r] if label_key(x)][:5]
        if labs:
            parts.append(f"row {grid.rows[r]} has " + ", ".join(map(repr, labs)))
    return ("(" + "; ".join(parts) + ")") if parts else ""


def generic_lines(grid: Grid, header: int, label_col: int) -> tuple[LineSpec, LineSpec]:
    """Row and column specs of a wide table located at (header, label_col)."""
    cells = grid.cells
    rpos = list(range(header + 1, cells.shape[0]))
    cpos = list(range(label_col + 1, cells.shape[1]))
    rl = [display_label(cells[i, label_col]) for i in rpos]
    cl = [display_label(cells[header, j]) for j in cpos]
    rk, ck = match_keys([norm_label(x) for x in rl], [norm_label(x) for x in cl])
    rows = LineSpec(rpos, rl, rk, [is_total_name(x) == "strong" for x in rl])
    cols = LineSpec(cpos, cl, ck, [is_total_name(x) == "strong" for x in cl])
    return rows, cols


class HeadCells:
    """The cells of a large grid kept as two parts: its first rows (``head``, every
    column) and its first columns (``left``, every row), ``None`` elsewhere.

    The layout search reads only those (the first 40 rows, the first non-empty columns),
    so the full ``(rows, width)`` object array (8 bytes a cell) is never built. Indexing
    that stays inside ``head`` or ``left`` (a row or a slice of rows of the first rows, a
    first column or a block of first columns) returns a view of that part; any other key
    gives what the full array would (built on first use, ``None`` outside both parts).

    Examples
    --------
    >>> head = np.array([["a", "b", "c"]], dtype=object)
    >>> left = np.array([["a"], ["x"], ["y"]], dtype=object)
    >>> c = HeadCells(head, left, 3)
    >>> c.shape, c[0].tolist(), c[1:, 0].tolist(), c[2, 2], c[:, 1].tolist()
    ((3, 3), ['a', 'b', 'c'], ['x', 'y'], None, ['b', None, None])
    """

    ndim = 2
    dtype = np.dtype(object)

    def __init__(self, head: np.ndarray, left: np.ndarray, width: int):
        self.head, self.left = head, left
        self.shape = (left.shape[0], width)
        self.size = self.shape[0] * width
        self._full = None

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key):
        r, c = key if isinstance(key, tuple) and len(key) == 2 else (key, slice(None))
        n, width = self.shape
        if _within(r, n, self.head.shape[0]) and _within(c, width, width):
            return self.head[_plain(r, n), _plain(c, width)]
        if _within(r, n, n) and _within(c, width, self.left.shape[1]):
            return self.left[_plain(r, n), _plain(c, width)]
        return self.full()[key]

    def full(self) -> np.ndarray:
        """The full object array (``None`` outside the kept parts)."""
        if self._full is None:
            out = np.full(self.shape, None, dtype=object)
            out[:, : self.left.shape[1]] = self.left
            out[: self.head.shape[0]] = self.head
            self._full = out
        return self._full

    def __array__(self, dtype=None, copy=None):
        out = self.full()
        return out if dtype is None else out.astype(dtype)


def _plain(key, n: int):
    """An int or a slice of an axis of length ``n`` without negative positions, so that
    it picks the same positions of a shorter part of that axis.

    Examples
    --------
    >>> _plain(-1, 5), _plain(slice(-5, -3), 5), _plain(slice(None, None, -1), 5)
    (4, slice(0, 2, 1), slice(4, None, -1))
    """
    if isinstance(key, slice):
        picked = range(*key.indices(n))
        if not picked:
            return slice(0, 0)
        stop = picked[-1] + picked.step
        return slice(picked[0], None if stop < 0 else stop, picked.step)
    return int(key) + n if key < 0 else int(key)


def _within(key, n: int, stop: int) -> bool:
    """Whether an int or a slice ``key`` of an axis of length ``n`` picks only positions
    below ``stop`` (False for any other key).

    Examples
    --------
    >>> _within(3, 10, 4), _within(-1, 10, 4), _within(slice(None, 40), 10, 10)
    (True, False, True)
    """
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        k = int(key) + n if key < 0 else int(key)
        return 0 <= k < stop
    if isinstance(key, slice):
        picked = range(*key.indices(n))
        return not picked or max(picked[0], picked[-1]) < stop
    return False
