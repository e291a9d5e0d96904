"""Regionalize a table: read the regional measures (or a district's GRDP), apply the LQs.

``linkage regionalize`` calls :func:`read_regional_measures` and
:func:`regionalize_table`; the location quotients themselves are
:func:`linkage.regionalize` (:mod:`linkage.analysis`), which takes frames and reads no file.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
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
)
from ..io.bps17 import normalize_name
from ..io.districts import table_province
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
        With ``allow_mismatch``: that the table is of another province than the
        district's (a warning), if it is.
    warnings : list of str
        With ``allow_mismatch``: the sectors of the measures and of the table that did not
        match, and what was done (missing sectors at 0, the others left out).
    """

    regional: pd.Series | None
    national: pd.Series | None
    mapping: pd.DataFrame | None
    region: str
    district: DistrictMeasures | None = None
    mismatch: str | None = None
    warnings: list[str] = field(default_factory=list)

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
    allow_mismatch: bool = False,
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
        The name in which the table's province is looked for (default: its name).
    allow_mismatch : bool
        Run, with a warning, when the table's name names another province than the
        district's, or when the measures' sectors and the table's (the mapping's regional
        sectors, with a mapping) differ: missing sectors get 0, sectors the table lacks
        are left out. Default: both are errors (command line: ``--allow-mismatch``).

    Returns
    -------
    RegionalMeasures

    Raises
    ------
    InvalidTableError
        A district not found (with "did you mean" names), another province's district, or
        sector sets that differ, unless ``allow_mismatch``.
    """
    mapping = read_mapping(mapping_path) if mapping_path is not None else None
    warned: list[str] = []
    if grdp_path is None:
        expected = _expected_sectors(table, mapping)
        regional, national = read_measure(regional_path), None
        regional = _match_sectors(
            regional, expected, Path(regional_path).name, allow_mismatch, warned
        )
        if national_path:
            national = read_measure(national_path)
            national = _match_sectors(
                national, expected, Path(national_path).name, allow_mismatch, warned
            )
        return RegionalMeasures(
            regional, national, mapping, Path(regional_path).stem, warnings=warned
        )
    grdp = read_grdp_workbook(grdp_path)
    try:
        found = district_measures(grdp, district)
    except InvalidTableError as exc:
        if "no district named" not in str(exc):
            raise
        raise InvalidTableError(f"{exc}{district_suggestions(grdp, district)}") from None
    mismatch = _province_mismatch(table_name or table.name or "", grdp, found, allow_mismatch)
    if mapping is None:
        mapping = bps17_mapping(table.sectors)
    expected = _expected_sectors(table, mapping)
    for attr, what in (("regional", f"the GRDP of {found.name}"), ("national", found.province)):
        value = _match_sectors(getattr(found, attr), expected, what, allow_mismatch, warned)
        setattr(found, attr, value)
    return RegionalMeasures(
        found.regional, found.national, mapping, found.name, found, mismatch, warned
    )


_ALLOW = "allow_mismatch=True (command line: --allow-mismatch)"


def _province_mismatch(table_name: str, grdp, found, allow: bool) -> str | None:
    """None when the table's name names no province or the district's; else the warning
    (with ``allow``) or the error naming both provinces and the option."""
    province = table_province(table_name, grdp)
    if province is None or province[0] == found.province_code:
        return None
    text = (
        f"district {found.name} ({found.code}) is in {found.province} "
        f"({found.province_code}), but the table {table_name!r} is of {province[1]} "
        f"({province[0]}): its coefficients describe {province[1]}"
    )
    if not allow:
        raise InvalidTableError(
            f"{text}; give the table of {found.province}, or {_ALLOW} to regionalize anyway"
        )
    return f"{text} (regionalized anyway: --allow-mismatch)"


def _expected_sectors(table, mapping) -> list[str]:
    """The sectors a measure must have: the table's, or the regional side of the mapping
    (the side that is not only table sectors)."""
    labels = [str(s) for s in table.sectors]
    if mapping is None:
        return labels
    if isinstance(mapping, pd.Series):
        groups = [str(v).strip() for v in mapping.to_numpy()]
    else:
        a = [str(v).strip() for v in mapping.iloc[:, 0]]
        b = [str(v).strip() for v in mapping.iloc[:, -1]]
        known = set(labels)
        table_side, groups = (a, b) if _share_known(a, known) >= _share_known(b, known) else (b, a)
        _check_table_side(table_side, labels, mapping)
    return list(dict.fromkeys(groups))


def _share_known(values: list, known: set) -> float:
    return sum(v in known for v in values) / max(len(values), 1)


def _check_table_side(values: list, labels: list, mapping) -> None:
    """The mapping's table column names only sectors of the table (a typo is an error
    with the closest sector names, not a regional sector without a value)."""
    known = set(labels)
    if not any(v in known for v in values):
        return  # neither side names table sectors: the measures' check says so
    unknown = [v for v in dict.fromkeys(values) if v not in known]
    if unknown:
        shown = []
        for label in unknown[:5]:
            close = difflib.get_close_matches(label, labels, n=2)
            shown.append(f"{label!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        source = mapping.attrs.get("source", "mapping")
        raise InvalidTableError(
            f"{source}: {len(unknown)} label(s) of the table column are not sectors of the "
            f"table: {', '.join(shown)}"
        )


def _match_sectors(measure, expected: list, what: str, allow: bool, warned: list):
    """The measure on the expected sectors; a difference is an error unless ``allow``
    (then missing sectors are 0, the others left out, and ``warned`` says so). Sectors the
    table lacks with the value 0 are not a difference (they are left out, as before)."""
    index = [str(s) for s in measure.index]
    have, want = set(index), set(expected)
    missing = [s for s in expected if s not in have]
    extra = [s for s, v in zip(index, measure.to_numpy(), strict=True) if s not in want and v]
    if not missing and not extra:
        return measure
    parts = []
    if missing:
        parts.append(f"no value for {len(missing)} sector(s) of the table {missing[:5]}")
    # with a mapping, "sector of the table" means a regional sector the mapping names
    if extra:
        parts.append(f"{len(extra)} sector(s) the table does not have {extra[:5]}")
    text = f"the sectors of {what} and of the table differ: {'; '.join(parts)}"
    if not allow:
        raise InvalidTableError(
            f"{text}; give matching files (or a mapping), or {_ALLOW} to run with the "
            "missing sectors at 0 and the others left out"
        )
    values = pd.Series(measure.to_numpy(dtype=float), index=index)
    total = float(values.abs().sum())
    dropped = float(values[extra].abs().sum()) / total if total else 0.0
    warned.append(
        f"{text}; run anyway (--allow-mismatch): missing sectors at 0, {dropped:.2%} of "
        f"{what} left out"
    )
    out = values.reindex(expected, fill_value=0.0)
    out.name, out.index.name = measure.name, measure.index.name
    out.attrs.update(measure.attrs)
    return out


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
