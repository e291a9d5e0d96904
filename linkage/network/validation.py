"""Rules every survey table follows: messages that name the row, skipped rows, required columns.

Row numbers count like a spreadsheet: the header is row 1, the first data row is row 2 (for
a DataFrame, row ``k + 2`` is the frame's ``k``-th row). A frame's ``attrs["row_offset"]``
(the rows above its header, set by a reader that skipped a title) shifts them, so messages
name the row a person sees in the file.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..errors import InvalidNetworkError

__all__ = [
    "MAX_LISTED",
    "SKIP_HINT",
    "TOTAL_WORDS",
    "TOTAL_IDS",
    "check_on_invalid",
    "intermediary_regex",
    "row_list",
    "fail",
    "require",
    "without_blank",
    "is_total_id",
    "report_total_rows",
    "expand",
]

MAX_LISTED = 10  # row numbers listed in a message
SKIP_HINT = "on_invalid='skip', or --skip-invalid on the command line, skips and reports them"

#: Ids that mark a total line rather than a party.
TOTAL_WORDS = ("total", "jumlah", "grand total", "total value", "jumlah total", "sum")
TOTAL_IDS = {f(w) for w in TOTAL_WORDS for f in (str.lower, str.title, str.upper, str.capitalize)}


def check_on_invalid(on_invalid: str) -> None:
    """Raise ``ValueError`` unless ``on_invalid`` is ``"error"`` or ``"skip"``.

    Examples
    --------
    >>> check_on_invalid("skip")
    >>> check_on_invalid("drop")
    Traceback (most recent call last):
    ...
    ValueError: The 'on_invalid' parameter must be one of {'error', 'skip'}. Got 'drop' instead.
    """
    if on_invalid not in ("error", "skip"):
        raise ValueError(
            f"The 'on_invalid' parameter must be one of {{'error', 'skip'}}. "
            f"Got {on_invalid!r} instead."
        )


def intermediary_regex(pattern: str | None) -> re.Pattern | None:
    """The compiled ``intermediary_pattern`` (None when not given).

    Examples
    --------
    >>> intermediary_regex("^PGP").pattern
    '^PGP'
    >>> intermediary_regex("(")
    Traceback (most recent call last):
    ...
    linkage.errors.InvalidNetworkError: intermediary_pattern '(' is not a valid regular ...
    """
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise InvalidNetworkError(
            f"intermediary_pattern {pattern!r} is not a valid regular expression: {exc}"
        ) from exc


def row_list(rows) -> str:
    """The first :data:`MAX_LISTED` row numbers, and how many more.

    Examples
    --------
    >>> row_list([3, 12])
    '3, 12'
    >>> row_list(range(2, 14))
    '2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2 more'
    """
    rows = np.asarray(rows)
    listed = ", ".join(str(int(r)) for r in rows[:MAX_LISTED])
    more = f" and {len(rows) - MAX_LISTED} more" if len(rows) > MAX_LISTED else ""
    return f"{listed}{more}"


def fail(source: str, message: str, row=None, column=None, value=None):
    """Raise :class:`~linkage.errors.InvalidNetworkError` naming the file, row, column, value.

    Examples
    --------
    >>> fail("tx.csv", "the value is negative", row=8, column="value", value=-40.0)
    Traceback (most recent call last):
    ...
    linkage.errors.InvalidNetworkError: tx.csv, row 8, column 'value': the value is negative ...
    """
    where = [source]
    if row is not None:
        where.append(f"row {int(row)}")
    if column is not None:
        where.append(f"column {column!r}")
    text = f"{', '.join(where)}: {message}"
    if isinstance(value, np.generic):
        value = value.item()  # 5.0, not np.float64(5.0)
    if value is not None and not (isinstance(value, float) and np.isnan(value)):
        text += f" (value {value!r})"
    raise InvalidNetworkError(text)


def require(frame: pd.DataFrame, columns, source: str) -> None:
    """Fail unless ``frame`` has every one of ``columns``.

    Examples
    --------
    >>> require(pd.DataFrame(columns=["firm_id"]), ["firm_id", "sector"], "firms")
    Traceback (most recent call last):
    ...
    linkage.errors.InvalidNetworkError: firms: missing required column(s) ['sector']; ...
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        fail(
            source,
            f"missing required column(s) {missing}; found {list(frame.columns)}",
        )


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty (spreadsheets leave them between blocks)."""
    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=bool)
    return frame.isna().all(axis=1).to_numpy(dtype=bool)  # readers turn "" into NaN


def without_blank(frame: pd.DataFrame, source: str, diag: Diagnostics):
    """Drop and report all-empty rows; returns the frame and the spreadsheet row numbers.

    Examples
    --------
    >>> d = Diagnostics()
    >>> frame, rows = without_blank(pd.DataFrame({"a": ["x", None, "y"]}), "f", d)
    >>> frame["a"].tolist(), rows.tolist(), d.count("blank_rows")
    (['x', 'y'], [2, 4], 1)
    """
    rows = np.arange(len(frame)) + 2 + int(frame.attrs.get("row_offset", 0))
    blank = _blank_rows(frame)
    if blank.any():
        diag.add(
            "blank_rows",
            f"{source}: skipped {int(blank.sum())} empty row(s) (rows {row_list(rows[blank])})",
            count=int(blank.sum()),
        )
        frame = frame[~blank].reset_index(drop=True)
        rows = rows[~blank]
    return frame, rows


def is_total_id(ids: np.ndarray) -> np.ndarray:
    """True where an id is a total line's label ("Total", "Jumlah", ...).

    Examples
    --------
    >>> is_total_id(np.array(["A", "Jumlah", None, "TOTAL"], dtype=object)).tolist()
    [False, True, False, True]
    """
    return np.array(pd.Series(ids, dtype=object).isin(TOTAL_IDS), dtype=bool)


def report_total_rows(diag: Diagnostics, source: str, rows, totals) -> None:
    """Warn that the rows marked in ``totals`` (a Total/Jumlah line) were skipped."""
    diag.add(
        "total_rows",
        f"{source}: skipped {int(totals.sum())} total row(s) (rows {row_list(rows[totals])})",
        count=int(totals.sum()),
        level="warning",
    )


def expand(values: np.ndarray, mask: np.ndarray, fill) -> np.ndarray:
    """Values for the rows where ``mask`` is True, ``fill`` elsewhere.

    Examples
    --------
    >>> expand(np.array([1.0, 2.0]), np.array([True, False, True]), np.nan).tolist()
    [1.0, nan, 2.0]
    """
    out = np.full(len(mask), fill, dtype=np.asarray(values).dtype)
    out[mask] = values
    return out
