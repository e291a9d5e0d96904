"""The BPS district GRDP workbook (*PDRB Lapangan Usaha Kab/Kota ... ADHK*).

GRDP of every kabupaten/kota by the 17 *lapangan usaha* (:data:`~linkage.io.bps17.BPS17`),
billion rupiah at constant 2010 prices, with province subtotal rows and a national row.
:func:`read_grdp_workbook` reads it in steps: the header row, the value columns, one
record per area, then the levels (district, province, national) and the checks.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..errors import InputFileError
from .bps17 import BPS17, bps17_code

__all__ = ["GRDP_UNITS", "read_grdp_workbook"]

#: Units of the GRDP workbook.
GRDP_UNITS = "billion IDR, constant 2010 prices (ADHK)"

#: Rows searched for the header row (the one holding ``KodeWilayah``).
_HEADER_SEARCH_ROWS = 20


def read_grdp_workbook(path, sheet=0) -> pd.DataFrame:
    """Read the BPS district GRDP workbook (one row per kabupaten/kota, province and nation).

    The layout (a Flexmonster pivot export) has a few header rows; the row holding
    ``KodeWilayah`` names the identifier columns, the row above it the indicator of each
    value column (``PDRB ADHK ... Berdasarkan Lapangan Usaha - <industry>``; the column
    without an industry is the total).

    Parameters
    ----------
    path : str or Path
    sheet : int or str
        Sheet to read (the first by default).

    Returns
    -------
    DataFrame
        Indexed by the area code (str, e.g. ``"7371"``); columns ``name``, ``level``
        (``district`` | ``province`` | ``national``), ``province_code``, ``province``,
        ``total`` and one column per industry code A..RSTU (:data:`BPS17`), in billion
        rupiah. ``.attrs`` holds ``units``, ``path`` and ``diagnostics``.

    Raises
    ------
    InputFileError
        Missing header, unknown industry columns, non-numeric values, repeated codes.

    Examples
    --------
    >>> import tempfile, os
    >>> rows = [[None, None, None, "PDRB ADHK"] + [f"PDRB ADHK - {v}" for v in BPS17.values()],
    ...         ["KodeProvinsi", "KodeWilayah", "Nama Wilayah", None] + [None] * 17,
    ...         [73, 7300, "Sulawesi Selatan", 17.0] + [1.0] * 17,
    ...         [73, 7371, "Kota Makassar", 17.0] + [1.0] * 17]
    >>> path = os.path.join(tempfile.mkdtemp(), "pdrb.xlsx")
    >>> pd.DataFrame(rows).to_excel(path, header=False, index=False)
    >>> grdp = read_grdp_workbook(path)
    >>> grdp[["name", "level", "province", "total", "A"]]
                      name     level          province  total    A
    code
    7300  Sulawesi Selatan  province  Sulawesi Selatan   17.0  1.0
    7371     Kota Makassar  district  Sulawesi Selatan   17.0  1.0
    """
    path = Path(path)
    raw = _read_sheet(path, sheet)
    diag = Diagnostics()
    hdr = _header_row(raw, path)
    head = [str(c).strip() for c in raw.iloc[hdr].tolist()]
    indicators = raw.iloc[hdr - 1].tolist()
    pos = {name: head.index(name) for name in ("KodeProvinsi", "KodeWilayah", "Nama Wilayah")}
    value_cols, total_col = _value_columns(indicators, path, hdr)
    columns = [("total", total_col), *value_cols.items()]
    records, n_empty = _records(raw.iloc[hdr + 1 :], pos, columns, indicators, path)
    if n_empty:
        diag.add("skipped_row", f"skipped {n_empty} row(s) without an area code", count=n_empty)
    frame = pd.DataFrame.from_records(records).set_index("code")
    if not frame.index.is_unique:
        dup = frame.index[frame.index.duplicated()].unique().tolist()[:5]
        raise InputFileError(f"area codes repeated: {dup}", path=path)
    prov_names = _add_levels(frame)
    _check_values(frame, prov_names, diag)
    frame = frame[["name", "level", "province_code", "province", "total", *BPS17]]
    frame.attrs.update(units=GRDP_UNITS, path=str(path), diagnostics=diag)
    return frame


def _read_sheet(path: Path, sheet) -> pd.DataFrame:
    """The sheet's cells as objects, no header; unreadable files named."""
    try:
        return pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
    except FileNotFoundError:
        raise InputFileError("file not found", path=path) from None
    except Exception as exc:
        raise InputFileError(f"cannot read as an Excel workbook: {exc}", path=path) from None


def _header_row(raw: pd.DataFrame, path: Path) -> int:
    """The row holding ``KodeWilayah`` (it must have the indicator row above it)."""
    for i in range(min(_HEADER_SEARCH_ROWS, len(raw))):
        if "KodeWilayah" in [str(c).strip() for c in raw.iloc[i].tolist()]:
            if i > 0:
                return i
            break
    raise InputFileError("no header row with 'KodeWilayah' in the first 20 rows", path=path)


def _value_columns(indicators: list, path: Path, hdr: int) -> tuple[dict[str, int], int | None]:
    """The column of each industry code and of the total (the PDRB column without one)."""
    value_cols: dict[str, int] = {}
    total_col = None
    for j, label in enumerate(indicators):
        if not isinstance(label, str) or "PDRB" not in label:
            continue
        if " -" not in label and "- " not in label:
            total_col = j
            continue
        industry = re.split(r"\s*-\s*", label, maxsplit=1)[1]
        code = bps17_code(industry)
        if code is None:
            raise InputFileError(
                "unknown lapangan usaha in header", path=path, row=hdr, column=j, value=label
            )
        if code in value_cols:
            raise InputFileError(
                f"industry {code} appears twice", path=path, row=hdr, column=j, value=label
            )
        value_cols[code] = j
    missing = [c for c in BPS17 if c not in value_cols]
    if missing:
        raise InputFileError(f"industry column(s) {missing} not found in the header", path=path)
    return value_cols, total_col


def _records(body: pd.DataFrame, pos: dict, columns: list, indicators: list, path: Path):
    """One record per row with an area code, and the number of rows without one."""
    records = []
    n_empty = 0
    for i, row in body.iterrows():
        code = row.iloc[pos["KodeWilayah"]]
        if pd.isna(code) or str(code).strip() == "":
            n_empty += 1
            continue
        try:
            code = str(int(float(code)))
        except ValueError:
            raise InputFileError(
                "area code is not a number", path=path, row=i + 1, column="KodeWilayah", value=code
            ) from None
        rec = {"code": code, "name": str(row.iloc[pos["Nama Wilayah"]]).strip()}
        for key, j in columns:
            if j is not None:
                rec[key] = _cell_number(row.iloc[j], path, i + 1, str(indicators[j])[-40:])
        records.append(rec)
    return records, n_empty


def _cell_number(value, path: Path, row: int, column: str) -> float:
    """A GRDP cell as a float (empty is NaN); text is an error naming the cell."""
    if pd.isna(value):
        return np.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        message = "not a number"
        raise InputFileError(message, path=path, row=row, column=column, value=value) from None


def _add_levels(frame: pd.DataFrame) -> pd.Series:
    """Add ``level``, ``province_code`` and ``province``; return the province names by code.

    ``9999`` is the nation, a code ending in ``00`` a province, every other a district.
    """
    codes = frame.index.to_series()
    is_nat = codes == "9999"
    is_prov = codes.str.endswith("00") & ~is_nat
    frame["level"] = np.where(is_nat, "national", np.where(is_prov, "province", "district"))
    frame["province_code"] = np.where(is_nat, "9999", codes.str[:2] + "00")
    prov_names = frame.loc[is_prov, "name"]
    frame["province"] = frame["province_code"].map(prov_names).fillna(frame["name"])
    return prov_names


def _check_values(frame: pd.DataFrame, prov_names: pd.Series, diag: Diagnostics) -> None:
    """Empty cells as 0, a missing total as the sum, and the warnings (in place)."""
    sectors = list(BPS17)
    n_missing = int(frame[sectors].isna().sum().sum())
    if n_missing:
        diag.add(
            "missing_value",
            f"{n_missing} empty GRDP cell(s) read as 0",
            count=n_missing,
            level="warning",
        )
        frame[sectors] = frame[sectors].fillna(0.0)
    if "total" not in frame:
        frame["total"] = frame[sectors].sum(axis=1)
        diag.add("implied_total", "no total column: total = sum of the 17 industries")
    gap = (frame[sectors].sum(axis=1) - frame["total"]).abs() / frame["total"].abs().clip(lower=1)
    bad = gap[gap > 1e-3]
    if len(bad):
        diag.add(
            "total_mismatch",
            f"{len(bad)} row(s) whose 17 industries do not add up to the total (>0.1%): "
            f"{bad.index[:5].tolist()}",
            count=len(bad),
            level="warning",
        )
    orphans = frame.index[
        (frame["level"] == "district") & ~frame["province_code"].isin(prov_names.index)
    ]
    if len(orphans):
        diag.add(
            "no_province_row",
            f"{len(orphans)} district(s) without a province row: {orphans[:5].tolist()}",
            count=len(orphans),
            level="warning",
        )
