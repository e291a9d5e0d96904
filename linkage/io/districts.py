"""One district in the GRDP workbook: finding it, its measures and its province's.

:func:`find_district` finds a kabupaten/kota by code or name; :func:`district_measures`
gives its GRDP by industry and the reference economy's (its province, as the sum of its
districts); :func:`table_province` finds the province a table's name names and
:func:`table_province_mismatch` says when that is another province.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..errors import InvalidTableError
from .bps17 import BPS17, normalize_name
from .grdp import GRDP_UNITS

__all__ = [
    "find_district",
    "DistrictMeasures",
    "district_measures",
    "table_province",
    "table_province_mismatch",
]


def find_district(grdp: pd.DataFrame, district) -> str:
    """Area code of a district given by code (``"7371"``) or name (``"Kota Makassar"``).

    Names match case- and punctuation-insensitively; ``"Kabupaten X"``/``"Kab. X"`` match
    ``"X"``. A name shared by several districts is an error that lists their codes.

    Examples
    --------
    >>> g = pd.DataFrame({"name": ["Bogor", "Kota Bogor"], "level": ["district"] * 2},
    ...                  index=["3201", "3271"])
    >>> find_district(g, "kota bogor"), find_district(g, "Kabupaten Bogor"), find_district(g, 3201)
    ('3271', '3201', '3201')
    """
    districts = grdp[grdp["level"] == "district"]
    key = str(district).strip()
    if re.fullmatch(r"\d+(\.0)?", key):
        code = str(int(float(key)))
        if code in districts.index:
            return code
        if code in grdp.index:
            raise InvalidTableError(
                f"area {code} ({grdp.loc[code, 'name']}) is a {grdp.loc[code, 'level']}, "
                "not a district"
            )
        raise InvalidTableError(f"no district with code {code} in the GRDP workbook")
    names = districts["name"].map(normalize_name)
    want = normalize_name(key)
    hits = districts.index[names == want].tolist()
    if not hits:
        stripped = re.sub(r"^(kabupaten|kab) ", "", want)
        hits = districts.index[names == stripped].tolist()
    if not hits:
        hits = districts.index[names.str.contains(want, regex=False)].tolist()
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise InvalidTableError(f"no district named {key!r} in the GRDP workbook")
    listing = ", ".join(f"{districts.loc[c, 'name']} ({c})" for c in hits[:8])
    raise InvalidTableError(f"district name {key!r} is ambiguous: {listing}; give the code")


@dataclass
class DistrictMeasures:
    """GRDP of one district and of its province, by BPS 17-industry code.

    ``regional`` and ``national`` are Series in billion rupiah; ``national`` is the sum of
    the province's districts (the province is the reference economy).
    """

    code: str
    name: str
    province_code: str
    province: str
    regional: pd.Series
    national: pd.Series
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def district_measures(grdp: pd.DataFrame, district) -> DistrictMeasures:
    """A district's GRDP by industry and the reference (its province's) GRDP by industry.

    The province measure is the sum of the province's district rows, so that the district
    is exactly a part of it; the gap to the province's own subtotal row is reported.

    Examples
    --------
    >>> cols = list(BPS17)
    >>> g = pd.DataFrame([[1.0] * 17, [2.0] * 17, [3.0] * 17], columns=cols,
    ...                  index=["7300", "7301", "7371"])
    >>> g["name"] = ["Provinsi X", "A", "Kota B"]
    >>> g["level"] = ["province", "district", "district"]
    >>> g["province_code"] = "7300"
    >>> g["province"] = "Provinsi X"
    >>> m = district_measures(g, "Kota B")
    >>> float(m.regional["C"]), float(m.national["C"])
    (3.0, 5.0)
    """
    code = find_district(grdp, district)
    row = grdp.loc[code]
    sectors = list(BPS17)
    members = grdp[(grdp["level"] == "district") & (grdp["province_code"] == row["province_code"])]
    national = members[sectors].sum(axis=0).astype(float)
    regional = row[sectors].astype(float)
    diag = Diagnostics()
    diag.add(
        "reference_province",
        f"reference economy = {row['province']}: sum of its {len(members)} districts "
        f"({GRDP_UNITS})",
        count=len(members),
    )
    prov_code = row["province_code"]
    if prov_code in grdp.index:
        sub = grdp.loc[prov_code, sectors].astype(float)
        rel = float(np.abs(national - sub).sum() / max(float(sub.sum()), 1e-300))
        level = "warning" if rel > 0.01 else "info"
        diag.add(
            "province_subtotal_gap",
            f"sum of districts differs from the province row by {rel:.3%} (sum of absolute "
            "industry gaps / province GRDP)",
            level=level,
        )
    regional.name, national.name = "grdp", "grdp"
    regional.index.name = national.index.name = "sector"
    return DistrictMeasures(
        code=code,
        name=str(row["name"]),
        province_code=str(prov_code),
        province=str(row["province"]),
        regional=regional,
        national=national,
        diagnostics=diag,
    )


#: Words that do not tell provinces apart ("Provinsi DKI Jakarta" = "Jakarta").
_PROVINCE_GENERIC = {"provinsi", "prov", "daerah", "istimewa", "dki", "di", "khusus", "ibukota"}


def table_province_mismatch(table_name, province) -> str | None:
    """A warning when a table's name names a province other than ``province``, else None.

    BPS workbooks are named "Tabel Input-Output Provinsi <name> ...". Regionalizing one
    province's table to a district of another province mixes two economies; this is
    allowed (a neighbouring or national table may be the best there is) but said.

    Examples
    --------
    >>> name = "Tabel Input-Output Provinsi Kepulauan Riau Transaksi Domestik 2016"
    >>> table_province_mismatch(name, "Provinsi Kepulauan Riau") is None
    True
    >>> print(table_province_mismatch(name, "Provinsi Jawa Timur"))  # doctest: +ELLIPSIS
    the table's name names another province than Provinsi Jawa Timur, the district's: ...
    >>> table_province_mismatch("national table 2016", "Provinsi Jawa Timur") is None
    True
    """
    words = normalize_name(table_name).split()
    if "provinsi" not in words:
        return None
    core = [w for w in normalize_name(province).split() if w not in _PROVINCE_GENERIC]
    if not core or all(w in words for w in core):
        return None
    return (
        f"the table's name names another province than {province}, the district's: "
        "its coefficients describe that province"
    )


def _core_words(name) -> list[str]:
    return [w for w in normalize_name(name).split() if w not in _PROVINCE_GENERIC]


def table_province(table_name, grdp: pd.DataFrame) -> tuple[str, str] | None:
    """(code, name) of the GRDP workbook's province that a table's name names, else None.

    A province is named when its words (without "Provinsi", "DKI" ...) appear one after
    the other in the name; of several, the one with the most words ("Kepulauan Riau",
    not "Riau"; "Papua Barat", not "Papua").

    Examples
    --------
    >>> g = pd.DataFrame({"name": ["Provinsi Riau", "Provinsi Kepulauan Riau", "Aceh"],
    ...                   "level": ["province", "province", "district"]},
    ...                  index=["1400", "2100", "1101"])
    >>> table_province("Tabel Input-Output Provinsi Kepulauan Riau 2016", g)
    ('2100', 'Provinsi Kepulauan Riau')
    >>> table_province("riau_2016.csv", g), table_province("national 2016", g)
    (('1400', 'Provinsi Riau'), None)
    """
    words = normalize_name(table_name).split()
    best = None
    for code, row in grdp[grdp["level"] == "province"].iterrows():
        core = _core_words(row["name"])
        k = len(core)
        if not k or best is not None and k <= best[0]:
            continue
        if any(words[i : i + k] == core for i in range(len(words) - k + 1)):
            best = (k, str(code), str(row["name"]))
    return None if best is None else best[1:]
