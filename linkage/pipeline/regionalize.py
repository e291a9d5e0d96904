"""Regionalize a table: read the regional measures (or a district's GRDP), apply the LQs.

``linkage regionalize`` calls :func:`read_regional_measures` and
:func:`regionalize_table`; the location quotients themselves are
:func:`linkage.regionalize` (:mod:`linkage.analysis`), which takes frames and reads no file.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..analysis import regionalize
from ..errors import InvalidTableError
from ..io import (
    DistrictMeasures,
    bps17_mapping,
    district_measures,
    read_grdp_workbook,
    read_mapping,
    read_measure,
    table_province_mismatch,
)
from ..io.bps17 import normalize_name
from ..io.results import write_results

__all__ = ["RegionalMeasures", "read_regional_measures", "regionalize_table", "REGIONAL_FILES"]

#: Files :func:`regionalize_table` writes.
REGIONAL_FILES = ("regional_table.csv", "lq.csv")


@dataclass
class RegionalMeasures:
    """The measures a regionalization needs, as read, with what was noticed.

    Attributes
    ----------
    regional, national : Series or None
        Sector -> measure of the region and of the reference (None: the table's output).
    mapping : DataFrame or None
        Table sector -> regional sector, when the classifications differ.
    region : str
        Name of the region (the district, or the regional file's name).
    district : DistrictMeasures or None
        With a GRDP workbook: the district found, its province and the findings.
    mismatch : str or None
        Why the table's province and the district's may differ (a warning), if they do.
    """

    regional: pd.Series | None
    national: pd.Series | None
    mapping: pd.DataFrame | None
    region: str
    district: DistrictMeasures | None = None
    mismatch: str | None = None

    @property
    def notes(self) -> list[str]:
        """The readers' notes on the regional and national measure files."""
        if self.district is not None:
            return []
        frames = (self.regional, self.national)
        return [note for m in frames if m is not None for note in m.attrs.get("notes", [])]


def read_regional_measures(
    table,
    *,
    regional_path=None,
    national_path=None,
    mapping_path=None,
    grdp_path=None,
    district=None,
    table_name: str | None = None,
) -> RegionalMeasures:
    """Read the measures of one region: measure files, or a district of a GRDP workbook.

    Parameters
    ----------
    table : IOTable
        The national or provincial table being regionalized (its sectors choose the
        BPS 17-sector mapping of a GRDP workbook when no mapping is given).
    regional_path, national_path : path, optional
        Sector, measure files (CSV or ``BOOK.xlsx#SHEET``).
    mapping_path : path, optional
        Table sector, regional sector file.
    grdp_path, district : path and str, optional
        A BPS district GRDP workbook and the district's name or code: the district is the
        region and the province (sum of its districts) the reference.
    table_name : str, optional
        How the table is named in the province-mismatch warning (default: its name).

    Returns
    -------
    RegionalMeasures
    """
    mapping = read_mapping(mapping_path) if mapping_path is not None else None
    if grdp_path is None:
        return RegionalMeasures(
            read_measure(regional_path),
            read_measure(national_path) if national_path else None,
            mapping,
            Path(regional_path).stem,
        )
    grdp = read_grdp_workbook(grdp_path)
    try:
        found = district_measures(grdp, district)
    except InvalidTableError as exc:
        if "no district named" not in str(exc):
            raise
        raise InvalidTableError(f"{exc}{district_suggestions(grdp, district)}") from None
    if mapping is None:
        mapping = bps17_mapping(table.sectors)
    mismatch = table_province_mismatch(table_name or table.name or "", found.province)
    return RegionalMeasures(
        found.regional, found.national, mapping, found.name, found, mismatch or None
    )


def district_suggestions(grdp: pd.DataFrame, name, n: int = 3) -> str:
    """``"; did you mean 'Kota Makassar' (7371)?"`` for a district name not found, or "".

    The names of the workbook's districts closest to ``name`` (difflib ratio 0.75 or
    more and within 0.05 of the closest, without case or punctuation), with their codes.

    Examples
    --------
    >>> g = pd.DataFrame({"name": ["Kota Makassar", "Kota Manado", "Gowa"],
    ...                   "level": ["district"] * 3}, index=["7371", "7171", "7306"])
    >>> district_suggestions(g, "kota makasar")
    "; did you mean 'Kota Makassar' (7371)?"
    >>> district_suggestions(g, "Kab. Gowwa"), district_suggestions(g, "Jakarta")
    ("; did you mean 'Gowa' (7306)?", '')
    """
    districts = grdp[grdp["level"] == "district"]
    names = {normalize_name(v): code for code, v in districts["name"].items()}
    want = normalize_name(str(name))
    keys = {want, re.sub(r"^(kabupaten|kab) ", "", want)}  # "Kab. X" is listed as "X"

    def ratio(candidate):
        return max(difflib.SequenceMatcher(None, key, candidate).ratio() for key in keys)

    scored = sorted(((ratio(c), c) for c in names), reverse=True)[:n]
    close = [c for r, c in scored if r >= 0.75 and r >= scored[0][0] - 0.05]
    if not close:
        return ""
    found = [f"{districts.loc[names[c], 'name']!r} ({names[c]})" for c in close]
    return f"; did you mean {' or '.join(found)}?"


def regionalize_table(
    table,
    measures: RegionalMeasures,
    out=None,
    *,
    method: str = "flq",
    delta: float = 0.3,
    measure: str = "output",
    concordance: str = "split",
    fmt: str = "csv",
):
    """The regional table by location quotients, written to ``out`` when given.

    Parameters
    ----------
    table : IOTable
    measures : RegionalMeasures
        From :func:`read_regional_measures`.
    out : path, optional
        Folder for ``regional_table.csv`` (wide layout, readable by ``linkage analyze``)
        and ``lq.csv`` (rows: selling sector, columns: buying sector).
    method, delta, measure, concordance
        As :func:`linkage.regionalize`.
    fmt : {"csv", "xlsx", "parquet"}
        Format of the files (:func:`linkage.io.results.write_results`): the two CSVs, one
        ``results.xlsx``, or ``regional_table.parquet`` and ``lq.parquet``.

    Returns
    -------
    RegionalResult
        :func:`linkage.regionalize` with ``details=True``: the table, the quotients,
        lambda, the measures used and the findings.
    """
    result = regionalize(
        table,
        measures.regional,
        measures.national,
        method=method,
        delta=delta,
        mapping=measures.mapping,
        measure=measure,
        concordance=concordance,
        region=measures.region,
        details=True,
    )
    if out is not None:
        write_results(regional_frames(result, method, delta), out, fmt)
    return result


def regional_frames(result, method: str = "flq", delta: float = 0.3) -> dict:
    """CSV file name -> result of a regionalization: the table and the quotients.

    ``lq.csv`` is the quotients with the selling sector as first column (``seller``).
    """
    lq = result.lq.reset_index()
    label = f"{method}, delta {delta:g}" if method in ("flq", "aflq") else method
    lq.attrs.update(method=label, sectors=[str(c) for c in result.lq.columns])
    return {REGIONAL_FILES[0]: result.table, REGIONAL_FILES[1]: lq}
