"""The transaction rows of a survey, validated: :func:`transaction_rows`, :func:`array_rows`.

``supplier, buyer, value`` are required; ``channel`` (``direct`` or ``intermediary``, with
the words field teams use: ``langsung``, ``pengepul``, ``tengkulak`` ...) and ``product``
are understood. A row with an empty id or a missing, non-numeric or negative value is an
error that names it, or (``on_invalid="skip"``) skipped and reported; self-loops and zero
values are skipped and reported; total lines are skipped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from .reader import REQUIRED_COLUMNS, TableReader
from .validation import (
    SKIP_HINT,
    expand,
    fail,
    is_total_id,
    report_total_rows,
    require,
    row_list,
    without_blank,
)

__all__ = ["CHANNELS", "CHANNEL_PREFIX", "transaction_rows", "array_rows"]

#: Spellings of the ``channel`` column that are understood (lower-cased, stripped, with
#: runs of spaces, ``_`` and ``-`` read as one space).
CHANNELS = {
    "direct": "direct",
    "langsung": "direct",
    "intermediary": "intermediary",
    "intermediaries": "intermediary",
    "middleman": "intermediary",
    "pengepul": "intermediary",
    "tengkulak": "intermediary",
    "indirect": "intermediary",
    "tidak langsung": "intermediary",
    "pengumpul": "intermediary",
    "pedagang pengumpul": "intermediary",
    "perantara": "intermediary",
    "bakul": "intermediary",
    "agen": "intermediary",
    "agent": "intermediary",
    "trader": "intermediary",
    "broker": "intermediary",
    "makelar": "intermediary",
    "direct sale": "direct",
    "penjualan langsung": "direct",
    "": "",
}
#: Words that may precede a channel: "melalui pengepul", "via middleman", "lewat agen".
CHANNEL_PREFIX = r"^(?:melalui|lewat|via|through|ke|to)\s+"


def transaction_rows(
    frame: pd.DataFrame,
    source: str,
    diag: Diagnostics,
    on_invalid: str = "error",
    reader: TableReader | None = None,
) -> dict:
    """The validated transaction rows, as arrays.

    Parameters
    ----------
    frame : DataFrame
        The transactions (columns as read by ``reader``).
    source : str
        Name of the file in messages.
    diag : Diagnostics
    on_invalid : {"error", "skip"}
        What to do with a row whose value is missing, not a number or negative, or whose
        supplier or buyer id is empty: raise, or skip it and report it.
    reader : TableReader, optional
        How columns and cells are read (default: canonical frames as given).

    Returns
    -------
    dict
        ``supplier``, ``buyer`` (str ids), ``value``, ``channel`` (direct | intermediary
        | "", or None without a channel column), ``product`` (or None), ``rows`` (their
        spreadsheet row numbers) for the rows kept, and ``n_read`` (rows read).

    Examples
    --------
    >>> tx = pd.DataFrame({"supplier": ["A", "B", "A"], "buyer": ["B", "B", "C"],
    ...                    "value": [5, 3, 0], "channel": ["Pengepul", "direct", "direct"]})
    >>> d = Diagnostics()
    >>> out = transaction_rows(tx, "tx", d)
    >>> out["supplier"].tolist(), out["channel"].tolist(), out["rows"].tolist()
    (['A'], ['intermediary'], [2])
    >>> d.count("self_loops"), d.count("zero_values")
    (1, 1)
    """
    reader = TableReader() if reader is None else reader
    frame = reader.columns(frame, "transactions", source, diag)
    require(frame, REQUIRED_COLUMNS["transactions"], source)
    n_read = len(frame)
    frame, rows = without_blank(frame, source, diag)
    supplier = reader.ids(frame["supplier"], f"{source}, column 'supplier'", diag)
    buyer = reader.ids(frame["buyer"], f"{source}, column 'buyer'", diag)
    # a total line at the bottom of a sheet: "Total" / "Jumlah" in an id column
    totals = is_total_id(supplier) | is_total_id(buyer)
    if totals.any():
        report_total_rows(diag, source, rows, totals)
    keep = ~totals
    values, invalid = reader.amounts(frame["value"][keep], f"{source}, column 'value'", diag)
    values = expand(values, keep, np.nan)
    invalid = expand(invalid, keep, False)
    checks = _row_checks(supplier, buyer, values, invalid, keep)
    _skip_or_fail(checks, frame, rows, keep, source, diag, on_invalid)
    _skip_self_loops(keep & (supplier == buyer), keep, rows, source, diag)
    _skip_zero_values(keep & (values == 0), keep, rows, source, diag)
    channel = None
    if "channel" in frame.columns:
        channel = _channels(frame, keep, rows, source, diag)[keep]
    product = None
    if "product" in frame.columns:
        text = frame["product"].astype(str).str.strip().str.lower()
        product = text.where(frame["product"].notna(), "").to_numpy(dtype=object)[keep]
    return {
        "supplier": supplier[keep],
        "buyer": buyer[keep],
        "value": values[keep],
        "channel": channel,
        "product": product,
        "rows": rows[keep],
        "n_read": n_read,
    }


def _row_checks(supplier, buyer, values, invalid, keep) -> list:
    """``(rows, column, what, code)`` for each way a row can be invalid, in that order."""
    missing_s = pd.isna(supplier) & keep
    missing_b = pd.isna(buyer) & keep & ~missing_s
    invalid = invalid & keep & ~missing_s & ~missing_b
    negative = (values < 0) & keep & ~missing_s & ~missing_b
    return [
        (missing_s, "supplier", "the supplier id is empty", "missing_ids"),
        (missing_b, "buyer", "the buyer id is empty", "missing_ids"),
        (invalid, "value", "the value is missing or not a number", "invalid_values"),
        (negative, "value", "the value is negative", "negative_values"),
    ]


def _skip_or_fail(checks, frame, rows, keep, source, diag, on_invalid) -> None:
    """Raise on the first invalid row of the file (``on_invalid="error"``), or skip every
    invalid row (``keep`` set to False) and report each kind."""
    if on_invalid == "error":
        found = [(int(np.flatnonzero(m)[0]), m, c, w) for m, c, w, _ in checks if m.any()]
        if found:  # the first bad row of the file, whatever is wrong with it
            k, mask, column, what = min(found, key=lambda f: f[0])
            fail(
                source,
                f"{what}; {int(mask.sum())} such row(s) ({SKIP_HINT})",
                row=rows[k],
                column=column,
                value=frame[column].iloc[k],
            )
    for mask, _, what, code in checks:
        if mask.any():
            diag.add(
                code,
                f"{source}: skipped {int(mask.sum())} row(s) where {what} (rows "
                f"{row_list(rows[mask])})",
                count=int(mask.sum()),
                level="warning",
            )
            keep[mask] = False


def _skip_self_loops(loops, keep, rows, source, diag, what=" where a party sells to itself"):
    """Skip (``keep`` set to False) and report the rows where supplier and buyer are one."""
    if loops.any():
        diag.add(
            "self_loops",
            f"{source}: skipped {int(loops.sum())} self-loop row(s){what} (rows "
            f"{row_list(rows[loops])})",
            count=int(loops.sum()),
            level="warning",
        )
        keep &= ~loops


def _skip_zero_values(zero, keep, rows, source, diag):
    """Skip (``keep`` set to False) and report the rows with value 0."""
    if zero.any():
        diag.add(
            "zero_values",
            f"{source}: skipped {int(zero.sum())} row(s) with value 0 (rows "
            f"{row_list(rows[zero])})",
            count=int(zero.sum()),
        )
        keep &= ~zero


def _channels(frame, keep, rows, source, diag) -> np.ndarray:
    """``direct``, ``intermediary`` or "" per row; other words are reported as unknown."""
    raw = frame["channel"].astype(str).str.strip().str.lower()
    raw = raw.where(frame["channel"].notna(), "")
    words = raw.str.replace(r"[\s_-]+", " ", regex=True)
    mapped = words.map(CHANNELS)
    bare = words.str.replace(CHANNEL_PREFIX, "", regex=True).map(CHANNELS)
    mapped = mapped.where(mapped.notna(), bare)
    unknown = mapped.isna().to_numpy() & keep
    if unknown.any():
        seen = sorted(set(raw[unknown].tolist()))[:5]
        diag.add(
            "unknown_channel",
            f"{source}: {int(unknown.sum())} row(s) have a channel other than direct or "
            f"intermediary ({seen}); their channel is treated as unknown (rows "
            f"{row_list(rows[unknown])})",
            count=int(unknown.sum()),
            level="warning",
        )
    return mapped.fillna("").to_numpy(dtype=object)


def array_rows(src, dst, val, diag: Diagnostics, on_invalid: str = "error") -> np.ndarray:
    """Which rows of an edge list (node codes and values) to keep.

    A negative or non-finite value is an error naming its row (``on_invalid="error"``) or
    skipped and reported; self-loops and zero values are skipped and reported. Rows count
    like a transaction file's: row ``k + 2`` is edge ``k``.

    Examples
    --------
    >>> d = Diagnostics()
    >>> array_rows(np.array([0, 1, 1]), np.array([1, 1, 2]), np.array([5.0, 2.0, 0.0]), d)
    array([ True, False, False])
    >>> d.count("self_loops"), d.count("zero_values")
    (1, 1)
    """
    rows = np.arange(len(val)) + 2
    keep = np.ones(len(val), dtype=bool)
    for mask, what, code in (
        (~np.isfinite(val), "the value is not a finite number", "invalid_values"),
        (val < 0, "the value is negative", "negative_values"),
    ):
        mask = mask & keep
        if mask.any():
            k = int(np.flatnonzero(mask)[0])
            if on_invalid == "error":
                fail("transactions", what, row=rows[k], column="value", value=val[k])
            diag.add(
                code,
                f"transactions: skipped {int(mask.sum())} row(s) where {what} "
                f"(rows {row_list(rows[mask])})",
                count=int(mask.sum()),
                level="warning",
            )
            keep &= ~mask
    loops = keep & (src == dst)
    zero = keep & (val == 0)
    _skip_self_loops(loops, keep.copy(), rows, "transactions", diag, what="")
    _skip_zero_values(zero, keep, rows, "transactions", diag)
    keep &= ~loops
    return keep
