"""The firm list of a survey, validated: :func:`firm_table` and the size classes.

``firm_id, sector`` are required; ``name, sentra, region, workers, output, lat, lon`` are
understood; other columns are kept as they are. Nothing is dropped silently: empty rows,
total lines and rows repeated exactly are skipped and reported, a repeated id with other
figures, an empty id or an invalid number (unless ``on_invalid="skip"``) is an error that
names the row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from .reader import REQUIRED_COLUMNS, TableReader
from .validation import (
    SKIP_HINT,
    TOTAL_WORDS,
    fail,
    is_total_id,
    report_total_rows,
    require,
    row_list,
    without_blank,
)

__all__ = ["SIZE_BANDS", "FIRM_COLUMNS", "size_class", "firm_table"]

#: Workforce bands of the statistics office (BPS): lower bound of each class.
SIZE_BANDS = (("household", 1), ("small", 5), ("medium", 20), ("large", 100))

#: The columns of a firm list that have a meaning; others are kept as given.
FIRM_COLUMNS = ("firm_id", "sector", "name", "sentra", "region", "workers", "output", "lat", "lon")


def size_class(workers) -> np.ndarray:
    """Size class from the number of workers, with the statistics office's bands.

    Household industry 1-4 workers, small 5-19, medium 20-99, large 100 or more;
    ``"unknown"`` when the number is missing (or below 1).

    Parameters
    ----------
    workers : array_like of float

    Returns
    -------
    ndarray of str

    Examples
    --------
    >>> size_class([1, 4, 5, 19, 20, 99, 100, np.nan]).tolist()
    ['household', 'household', 'small', 'small', 'medium', 'medium', 'large', 'unknown']
    """
    w = np.asarray(workers, dtype=float)
    out = np.full(w.shape, "unknown", dtype=object)
    for name, lower in SIZE_BANDS:
        out[w >= lower] = name
    return out.astype(str)


def firm_table(
    frame: pd.DataFrame,
    source: str,
    diag: Diagnostics,
    on_invalid: str = "error",
    reader: TableReader | None = None,
) -> pd.DataFrame:
    """The validated firm list, indexed by ``firm_id``.

    Parameters
    ----------
    frame : DataFrame
        The firm list (columns as read by ``reader``).
    source : str
        Name of the file in messages.
    diag : Diagnostics
        Receives what was skipped, merged or reinterpreted.
    on_invalid : {"error", "skip"}
        Non-numeric or negative ``workers`` / ``output`` (non-numeric ``lat`` / ``lon``):
        an error naming the row, or treated as missing and reported.
    reader : TableReader, optional
        How columns and cells are read (default: canonical frames as given).

    Returns
    -------
    DataFrame
        ``sector`` and whichever of ``name, sentra, region, workers, output, lat, lon``
        were given, ``size_class``, then the other columns of the list.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["clay", None],
    ...                       "workers": [3, 40]})
    >>> d = Diagnostics()
    >>> firm_table(firms, "firms", d)
              sector  workers size_class
    firm_id
    A           clay      3.0  household
    B        unknown     40.0     medium
    >>> d.count("missing_sector")
    1
    """
    reader = TableReader() if reader is None else reader
    frame = reader.columns(frame, "firms", source, diag)
    require(frame, REQUIRED_COLUMNS["firms"], source)
    frame, rows = without_blank(frame, source, diag)
    if len(frame) == 0:
        fail(source, "the file has no firms (a header but no rows)")
    ids = reader.ids(frame["firm_id"], f"{source}, column 'firm_id'", diag)
    totals = _total_rows(frame, ids)
    if totals.any():
        report_total_rows(diag, source, rows, totals)
        frame, rows, ids = frame[~totals].reset_index(drop=True), rows[~totals], ids[~totals]
    frame, rows, index = _unique_ids(frame, rows, ids, source, diag)
    out = pd.DataFrame(index=index)
    out["sector"] = _sectors(frame, rows, source, diag)
    for col in ("name", "sentra", "region"):
        if col in frame.columns:
            out[col] = _text_column(frame, col, rows, source, diag)
    for col in ("workers", "output", "lat", "lon"):
        if col in frame.columns:
            out[col] = _number_column(frame, col, rows, source, diag, on_invalid, reader)
    out["size_class"] = _size_classes(out, source, diag)
    for col in frame.columns:
        if col not in FIRM_COLUMNS and col not in out.columns:
            out[col] = frame[col].to_numpy()
    return out


def _total_rows(frame: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
    """Rows of a firm list that are a total line: the id is "Total" / "Jumlah", or the id is
    empty and a text cell of the row says so."""
    is_total = is_total_id(ids)
    empty = pd.isna(ids)
    if empty.any():
        text = frame[empty].astype(str).apply(lambda c: c.str.strip().str.lower())
        is_total[empty] = text.isin(TOTAL_WORDS).any(axis=1).to_numpy(dtype=bool)
    return is_total


def _unique_ids(frame, rows, ids, source, diag):
    """The firm ids as an index: an empty id is an error; a row repeating an earlier row
    exactly is read once (reported); an id repeated with other figures is an error."""
    missing = pd.isna(ids)
    if missing.any():
        fail(source, "firm_id is empty", row=rows[missing][0], column="firm_id")
    index = pd.Index(ids.astype(str), name="firm_id")
    if index.duplicated().any():
        # a firm entered twice with the same figures: keep one, say so
        same = frame.astype(str).assign(_id=index.to_numpy()).duplicated().to_numpy()
        if same.any():
            diag.add(
                "duplicate_firm_rows",
                f"{source}: {int(same.sum())} firm row(s) repeat an earlier row exactly and "
                f"were read once (rows {row_list(rows[same])})",
                count=int(same.sum()),
                level="warning",
            )
            frame, rows, index = frame[~same].reset_index(drop=True), rows[~same], index[~same]
    dup = index.duplicated(keep=False)
    if dup.any():
        first = index[dup][0]
        where = rows[index == first]
        fail(
            source,
            f"firm_id {first!r} appears {len(where)} times (rows {row_list(where)}); "
            f"{int(index.duplicated().sum())} duplicate firm id(s) in all; firm ids must be unique",
            row=where[1],
            column="firm_id",
            value=first,
        )
    return frame, rows, index


def _sectors(frame, rows, source, diag):
    """The sector of each firm; an empty one is ``"unknown"`` (reported)."""
    sector = frame["sector"].astype(str).str.strip().where(frame["sector"].notna(), "")
    sector = sector.to_numpy(dtype=object)
    no_sector = sector == ""
    if no_sector.any():
        sector[no_sector] = "unknown"
        diag.add(
            "missing_sector",
            f"{source}: {int(no_sector.sum())} firm(s) without a sector are put in sector "
            f"'unknown' (rows {row_list(rows[no_sector])})",
            count=int(no_sector.sum()),
            level="warning",
        )
    _flag_spellings(pd.Series(sector, dtype=object), "sector", source, diag)
    return pd.array(sector.astype(str), dtype="str")


def _text_column(frame, col, rows, source, diag):
    """``name`` ("" when empty), ``sentra`` or ``region`` (missing when empty, reported)."""
    text = frame[col].astype(str).str.strip()
    text = text.where(frame[col].notna() & (text != ""), None)
    if col == "name":
        text = text.fillna("")
    elif text.isna().any():
        k = int(text.isna().sum())
        diag.add(
            f"missing_{col}",
            f"{source}: {k} firm(s) have no {col} (rows {row_list(rows[text.isna().to_numpy()])})",
            count=k,
            level="warning",
        )
    if col != "name":
        _flag_spellings(text, col, source, diag)
    return pd.array(text.to_numpy(dtype=object), dtype="str")


def _flag_spellings(text: pd.Series, col: str, source: str, diag: Diagnostics) -> None:
    """Warn when two values of a group column differ only in case or spaces ("Plered" and
    "plered"): they are different groups, probably by mistake."""
    values = pd.Series(text.dropna().unique(), dtype=object)
    if len(values) < 2:
        return
    key = values.str.lower().str.replace(r"\s+", " ", regex=True)
    clash = key.duplicated(keep=False)
    if not clash.any():
        return
    groups = values[clash].groupby(key[clash], sort=False).agg(list)
    shown = "; ".join(" and ".join(repr(v) for v in g) for g in groups.iloc[:5])
    diag.add(
        f"{col}_spellings",
        f"{source}: {len(groups)} {col} name(s) are written in ways that differ only in case "
        f"or spaces ({shown}); they are different {col}s: correct the spelling if they are "
        "the same",
        count=len(groups),
        level="warning",
    )


def _number_column(frame, col, rows, source, diag, on_invalid, reader) -> np.ndarray:
    """``workers``, ``output`` (not negative) or ``lat``, ``lon`` as floats; an invalid
    number is an error or, with ``on_invalid="skip"``, missing (reported)."""
    where = f"{source}, column {col!r}"
    amount = col in ("workers", "output")
    if amount:
        values, invalid = reader.amounts(frame[col], where, diag)
    else:
        values, invalid = reader.coordinates(frame[col], where, diag)
    given = frame[col].notna().to_numpy()
    if frame[col].dtype != float:
        given = given & frame[col].astype(str).str.strip().ne("").to_numpy()
    bad = invalid & given
    negative = (values < 0) & ~invalid if amount else np.zeros_like(bad)
    bad_any = bad | negative
    if bad_any.any():
        k = int(np.flatnonzero(bad_any)[0])
        what = "is not a number" if bad[k] else "is negative"
        if on_invalid == "error":
            fail(
                source,
                f"{col} {what}; {int(bad_any.sum())} such row(s) ({SKIP_HINT})",
                row=rows[k],
                column=col,
                value=frame[col].iloc[k],
            )
        diag.add(
            f"invalid_{col}",
            f"{source}: {int(bad_any.sum())} invalid {col} value(s) treated as missing "
            f"(rows {row_list(rows[bad_any])})",
            count=int(bad_any.sum()),
            level="warning",
        )
        values = np.where(bad_any, np.nan, values)
    return values


def _size_classes(out: pd.DataFrame, source: str, diag: Diagnostics):
    """The size class of each firm (``"unknown"`` without a number of workers, reported)."""
    if "workers" not in out.columns:
        return pd.array(["unknown"] * len(out), dtype="str")
    unknown = int(np.isnan(out["workers"].to_numpy()).sum())
    if unknown:
        diag.add(
            "unknown_size",
            f"{source}: {unknown} firm(s) without a number of workers get size class 'unknown'",
            count=unknown,
        )
    return pd.array(size_class(out["workers"].to_numpy()), dtype="str")
