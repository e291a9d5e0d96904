"""Readers for the data that regionalization needs.

- The BPS district GRDP workbook (*PDRB Lapangan Usaha Kab/Kota ... ADHK*): GRDP of every
  kabupaten/kota by 17 *lapangan usaha*, billion rupiah at constant 2010 prices, with
  province subtotal rows and a national row (:func:`read_grdp_workbook`,
  :func:`district_measures`).
- The concordance from BPS's 17 *lapangan usaha* (KBLI 2009 letters, with M+N and R+S+T+U
  combined) to the sector labels of a provincial 17-industry IO table
  (:func:`bps17_mapping`).
- The ALTA regional IO tables for Finland's 19 regions (:func:`read_alta`), used to
  calibrate the FLQ parameter against "true" regional tables.
- A measure by sector (two columns: sector, value) and a sector mapping (two columns), as
  CSV or Excel (:func:`read_measure`, :func:`read_mapping`).

Nothing here does arithmetic beyond sums and checks; the maths is in
:mod:`linkage.analysis.regionalize`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..errors import InputFileError, InvalidTableError

__all__ = [
    "BPS17",
    "GRDP_UNITS",
    "normalize_name",
    "bps17_code",
    "bps17_mapping",
    "read_grdp_workbook",
    "find_district",
    "district_measures",
    "table_province_mismatch",
    "DistrictMeasures",
    "read_alta",
    "AltaRegion",
    "read_measure",
    "read_mapping",
]

#: The 17 *lapangan usaha* of BPS regional accounts and IO tables: code -> name.
BPS17 = {
    "A": "Pertanian, Kehutanan, dan Perikanan",
    "B": "Pertambangan dan Penggalian",
    "C": "Industri Pengolahan",
    "D": "Pengadaan Listrik dan Gas",
    "E": "Pengadaan Air, Pengelolaan Sampah, Limbah dan Daur Ulang",
    "F": "Konstruksi",
    "G": "Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor",
    "H": "Transportasi dan Pergudangan",
    "I": "Penyediaan Akomodasi dan Makan Minum",
    "J": "Informasi dan Komunikasi",
    "K": "Jasa Keuangan dan Asuransi",
    "L": "Real Estat",
    "MN": "Jasa Perusahaan",
    "O": "Administrasi Pemerintahan, Pertahanan dan Jaminan Sosial Wajib",
    "P": "Jasa Pendidikan",
    "Q": "Jasa Kesehatan dan Kegiatan Sosial",
    "RSTU": "Jasa Lainnya",
}

#: Units of the GRDP workbook.
GRDP_UNITS = "billion IDR, constant 2010 prices (ADHK)"

# Spellings that differ between BPS publications, after normalize_name.
_ALIASES = {
    "real estate": "L",
    "pertanian kehutanan perikanan": "A",
    "administrasi pemerintahan pertahanan jaminan sosial wajib": "O",
    "jasa lainnya": "RSTU",
    "jasa jasa lainnya": "RSTU",
}
_STOP = {"dan", "and"}


def normalize_name(label) -> str:
    """Lower case, accents and punctuation removed, ``dan`` dropped, spaces collapsed.

    Examples
    --------
    >>> normalize_name("Administrasi Pemerintahan, Pertahanan, dan Jaminan Sosial Wajib")
    'administrasi pemerintahan pertahanan jaminan sosial wajib'
    """
    text = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode()
    words = re.sub(r"[^0-9a-z]+", " ", text.lower()).split()
    return " ".join(w for w in words if w not in _STOP)


_NAME_TO_CODE = {normalize_name(v): k for k, v in BPS17.items()} | _ALIASES


def bps17_code(label) -> str | None:
    """The BPS 17-industry code of a label: a code (``"MN"``), a name, or ``"A Pertanian ..."``.

    Examples
    --------
    >>> bps17_code("Real Estate"), bps17_code("mn"), bps17_code("C Industri Pengolahan")
    ('L', 'MN', 'C')
    >>> bps17_code("Jasa Pertambangan") is None
    True
    """
    raw = str(label).strip()
    if raw.upper() in BPS17:
        return raw.upper()
    key = normalize_name(raw)
    if key in _NAME_TO_CODE:
        return _NAME_TO_CODE[key]
    head, _, rest = raw.partition(" ")
    if head.upper().strip(".:-") in BPS17 and normalize_name(rest) in _NAME_TO_CODE:
        code = head.upper().strip(".:-")
        if _NAME_TO_CODE[normalize_name(rest)] == code:
            return code
    # e.g. "Pertanian, Kehutanan, dan Perikanan (A)"
    m = re.search(r"\(([A-Za-z]{1,4})\)\s*$", raw)
    if m and m.group(1).upper() in BPS17:
        return m.group(1).upper()
    return None


def bps17_mapping(sectors) -> pd.Series:
    """Mapping table sector -> BPS 17-industry code, for a table labelled by code or name.

    Raises
    ------
    InvalidTableError
        When a label is not one of the 17 industries (a 52-sector table needs an explicit
        mapping file) or two labels map to the same code.

    Examples
    --------
    >>> bps17_mapping(["Pertanian, Kehutanan, dan Perikanan", "Industri Pengolahan"]).tolist()
    ['A', 'C']
    """
    labels = [str(s) for s in sectors]
    codes = [bps17_code(s) for s in labels]
    unknown = [s for s, c in zip(labels, codes, strict=True) if c is None]
    if unknown:
        raise InvalidTableError(
            f"{len(unknown)} table sector(s) are not BPS 17 lapangan usaha: {unknown[:5]}; "
            "give a mapping file (table sector -> GRDP code A..RSTU)"
        )
    seen: dict[str, str] = {}
    for s, c in zip(labels, codes, strict=True):
        if c in seen:
            raise InvalidTableError(
                f"table sectors {seen[c]!r} and {s!r} both map to lapangan usaha {c!r}; "
                "give a mapping file"
            )
        seen[c] = s
    return pd.Series(codes, index=pd.Index(labels, name="sector"), name="regional_sector")


# ---------------------------------------------------------------------------- GRDP workbook
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
    """
    path = Path(path)
    try:
        raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object)
    except FileNotFoundError:
        raise InputFileError("file not found", path=path) from None
    except Exception as exc:
        raise InputFileError(f"cannot read as an Excel workbook: {exc}", path=path) from None
    diag = Diagnostics()
    hdr = None
    for i in range(min(20, len(raw))):
        row = [str(c).strip() for c in raw.iloc[i].tolist()]
        if "KodeWilayah" in row:
            hdr = i
            break
    if hdr is None or hdr == 0:
        raise InputFileError("no header row with 'KodeWilayah' in the first 20 rows", path=path)
    head = [str(c).strip() for c in raw.iloc[hdr].tolist()]
    ind = raw.iloc[hdr - 1].tolist()
    pos = {name: head.index(name) for name in ("KodeProvinsi", "KodeWilayah", "Nama Wilayah")}
    value_cols: dict[str, int] = {}
    total_col = None
    for j, label in enumerate(ind):
        if not isinstance(label, str) or "PDRB" not in label:
            continue
        if " -" in label or "- " in label:
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
        else:
            total_col = j
    missing = [c for c in BPS17 if c not in value_cols]
    if missing:
        raise InputFileError(f"industry column(s) {missing} not found in the header", path=path)
    body = raw.iloc[hdr + 1 :]
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
        for key, j in [("total", total_col), *value_cols.items()]:
            if j is None:
                continue
            v = row.iloc[j]
            if pd.isna(v):
                rec[key] = np.nan
                continue
            try:
                rec[key] = float(v)
            except (TypeError, ValueError):
                raise InputFileError(
                    "not a number", path=path, row=i + 1, column=str(ind[j])[-40:], value=v
                ) from None
        records.append(rec)
    if n_empty:
        diag.add("skipped_row", f"skipped {n_empty} row(s) without an area code", count=n_empty)
    frame = pd.DataFrame.from_records(records).set_index("code")
    if not frame.index.is_unique:
        dup = frame.index[frame.index.duplicated()].unique().tolist()[:5]
        raise InputFileError(f"area codes repeated: {dup}", path=path)
    codes = frame.index.to_series()
    is_nat = codes == "9999"
    is_prov = codes.str.endswith("00") & ~is_nat
    frame["level"] = np.where(is_nat, "national", np.where(is_prov, "province", "district"))
    frame["province_code"] = np.where(is_nat, "9999", codes.str[:2] + "00")
    prov_names = frame.loc[is_prov, "name"]
    frame["province"] = frame["province_code"].map(prov_names).fillna(frame["name"])
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
    frame = frame[["name", "level", "province_code", "province", "total", *sectors]]
    frame.attrs.update(units=GRDP_UNITS, path=str(path), diagnostics=diag)
    return frame


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


# ---------------------------------------------------------------------------- ALTA (Finland)
@dataclass
class AltaRegion:
    """One Finnish region of the ALTA database (2014, 30 industries, basic prices).

    Attributes
    ----------
    name : str
    Z : ndarray (30, 30)
        Intra-regional intermediate flows (purchases from producers in the region).
    Z_other : ndarray (30, 30)
        Intermediate inputs bought from other Finnish regions, by product and buying industry.
    x : ndarray (30,)
        Output at basic prices.
    """

    name: str
    Z: np.ndarray
    Z_other: np.ndarray
    x: np.ndarray


def _alta_block(frame: pd.DataFrame, path, sheet, n=30):
    try:
        return frame.iloc[1 : n + 1, 1 : n + 1].to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputFileError(
            f"sheet {sheet!r}: non-numeric intermediate block ({exc})", path=path
        ) from None


def read_alta(folder, regions=None) -> tuple[list[str], list[AltaRegion]]:
    """Read the ALTA regional IO tables (``io2014.xlsx`` and ``io_reg2014.xlsx``).

    Parameters
    ----------
    folder : str or Path
        Folder holding the two workbooks (one sheet per region).
    regions : list of str, optional
        Sheet names to read; default all.

    Returns
    -------
    sectors : list of str
        The 30 industry labels.
    tables : list of AltaRegion

    Raises
    ------
    InputFileError
        Missing files or sheets, labels that differ between the workbooks, or a table whose
        columns do not add up to output (more than 0.1%).
    """
    folder = Path(folder)
    paths = {k: folder / f for k, f in (("io", "io2014.xlsx"), ("reg", "io_reg2014.xlsx"))}
    for p in paths.values():
        if not p.is_file():
            raise InputFileError("file not found", path=p)
    io = pd.read_excel(paths["io"], sheet_name=regions, header=None)
    reg = pd.read_excel(paths["reg"], sheet_name=regions, header=None)
    if regions is not None and not isinstance(io, dict):
        io, reg = {regions: io}, {regions: reg}
    sectors = None
    out = []
    for name, d in io.items():
        if name not in reg:
            raise InputFileError(f"sheet {name!r} missing", path=paths["reg"])
        g = reg[name]
        labels = [str(c).strip() for c in d.iloc[0, 1:31]]
        if sectors is None:
            sectors = labels
        if labels != sectors or [str(c).strip() for c in g.iloc[0, 1:31]] != sectors:
            raise InputFileError(f"sheet {name!r}: industry labels differ", path=paths["io"])
        out_label = str(d.iloc[41, 0])
        if "Tuotos" not in out_label:
            raise InputFileError(
                "expected output (Tuotos) in row 42", path=paths["io"], row=42, value=out_label
            )
        Z = _alta_block(d, paths["io"], name)
        Zo = _alta_block(g, paths["reg"], name)
        x = d.iloc[41, 1:31].to_numpy(dtype=float)
        col_total = d.iloc[35, 1:31].to_numpy(dtype=float) + d.iloc[40, 1:31].to_numpy(dtype=float)
        gap = np.abs(col_total - x) / np.maximum(np.abs(x), 1.0)
        if gap.max() > 1e-3:
            j = int(gap.argmax())
            raise InputFileError(
                f"sheet {name!r}: inputs do not add up to output",
                path=paths["io"],
                column=sectors[j],
                value=float(col_total[j]),
            )
        out.append(AltaRegion(name, Z, Zo, x))
    return sectors, out


# ---------------------------------------------------------------------------- measure files
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

#: First cells that mark a header row even above a number (``sector,2016``).
_HEADER_WORDS = {
    "sector",
    "sectors",
    "sektor",
    "industry",
    "industri",
    "lapangan usaha",
    "uraian",
    "kategori",
    "category",
    "kode",
    "code",
    "name",
    "nama",
    "label",
    "lu",
    "kbli",
    "description",
    "deskripsi",
    "table sector",
    "regional sector",
}
#: Labels of a total row (dropped when it equals the sum of the rows above it).
_TOTAL_WORDS = ("total", "jumlah", "pdrb", "produk domestik regional bruto", "grand total")


def _grid(path, sheet=None):
    """The cells of a CSV file or an Excel sheet; ``book.xlsx#SHEET`` names the sheet."""
    from .grid import read_csv_grid, read_excel_grid

    path = Path(path)
    if not path.is_file() and sheet is None and "#" in path.name:
        book, _, name = str(path).rpartition("#")
        if Path(book).suffix.lower() in EXCEL_SUFFIXES and Path(book).is_file():
            path, sheet = Path(book), name
    if not path.is_file():
        raise InputFileError("file not found", path=path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return read_excel_grid(path, sheet)
    return read_csv_grid(path)


def _grid_notes(grid) -> list[str]:
    """The reader's findings as notes; the sheet hint in this module's ``book#SHEET`` form."""
    notes = []
    for f in grid.diagnostics:
        text = f.message
        if f.code == "sheet_chosen":
            book = Path(grid.path.split(" [sheet ")[0]).name
            text = f"{text.split('; choose another')[0]}; choose another with {book}#SHEET"
        notes.append(text)
    return notes


def _label_text(cell) -> str:
    """A label cell as text: Excel's 12.0 becomes ``"12"``."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _two_columns(grid, what: str):
    """The non-empty rows and the two non-empty columns of a grid, with row numbers."""
    from .grid import empty_mask

    empty = empty_mask(grid.cells)
    keep_rows = ~empty.all(axis=1)
    keep_cols = np.flatnonzero(~empty[keep_rows].all(axis=0)) if keep_rows.any() else []
    cells = grid.cells[keep_rows][:, keep_cols] if len(keep_cols) else grid.cells[keep_rows][:, :0]
    rows = [r for r, k in zip(grid.rows, keep_rows, strict=True) if k]
    if not len(rows):
        raise InputFileError(f"{what} file is empty", path=grid.path)
    if cells.shape[1] != 2:
        first = [_label_text(c) for c in cells[0]][:5]
        raise InputFileError(
            f"{what} file must have two columns (sector and value), has {cells.shape[1]}: {first}",
            path=grid.path,
        )
    return cells, rows


def read_measure(path, *, sheet=None, decimal=None) -> pd.Series:
    """A measure by sector (output, GRDP, employment) from a two-column CSV or Excel file.

    Parameters
    ----------
    path : str or Path
        CSV (``,``, ``;`` or tab separated; UTF-8 or Windows-1252) or ``.xlsx`` (a sheet
        other than the first as ``book.xlsx#SHEET``): a sector column and a value column.
        The first row is a header (any names) unless its value is a number and its first
        cell is not a header word such as ``sector``, ``sektor``, ``lapangan usaha``,
        ``uraian``, ``kode``; empty rows and columns are ignored.
    sheet : str or int, optional
        Excel sheet (default the first).
    decimal : {".", ","}, optional
        Decimal mark; by default detected from the numbers as for tables
        (:func:`linkage.io.numbers.detect_number_format`: ``1.234.567,8`` and ``12,5`` are
        Indonesian, ``1,234.5`` English; a ``;`` file with only ``1.234``-like numbers is
        read as Indonesian).

    Returns
    -------
    Series
        Values by sector label (str), named after the value column. ``.attrs``: ``source``
        (the file) and ``notes`` (list of str: what was reinterpreted, e.g. ``-`` read as 0,
        a total row dropped, no header row).

    Raises
    ------
    InputFileError
        One line naming the file, row, column and value: not two columns, an empty label
        or value, a value that is not a number or is negative, a repeated sector.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "grdp.csv"
    >>> _ = p.write_text("sektor;PDRB\\nA;1.234,5\\nC;-\\nF;20.000\\nJumlah;21.234,5\\n")
    >>> m = read_measure(p)
    >>> m.to_dict()
    {'A': 1234.5, 'C': 0.0, 'F': 20000.0}
    >>> m.attrs["notes"][-1]
    "last row 'Jumlah' (21,234.5) is the total of the others: dropped"
    """
    from .numbers import detect_number_format, parse_cells

    grid = _grid(path, sheet)
    cells, rows = _two_columns(grid, "measure")
    notes = _grid_notes(grid)
    head_label, head_value = _label_text(cells[0, 0]), cells[0, 1]
    fmt = detect_number_format(cells[:, 1], hint_sep=grid.sep)
    if decimal is not None:
        fmt = type(fmt)(decimal, "." if decimal == "," else ",", False, "given")
    first = parse_cells(np.array([[head_value]], dtype=object), fmt.decimal, fmt.thousands)
    header = bool(first.bad[0, 0] or first.flags["empty"][0, 0])
    header = header or normalize_name(head_label) in _HEADER_WORDS
    if header:
        column = _label_text(head_value) or "value"
        cells, rows = cells[1:], rows[1:]
    else:
        column = "value"
        notes.append(f"first row {head_label!r} read as data (its value is a number): no header")
    if not len(rows):
        raise InputFileError("measure file has a header but no data rows", path=grid.path)
    labels = [_label_text(c) for c in cells[:, 0]]
    parsed = parse_cells(cells[:, 1:2], fmt.decimal, fmt.thousands)
    values = parsed.values[:, 0]
    for i, label in enumerate(labels):
        raw = cells[i, 1]
        if not label:
            raise InputFileError("empty sector label", path=grid.path, row=rows[i], value=raw)
        if parsed.flags["empty"][i, 0]:
            raise InputFileError(
                f"no value for sector {label!r}", path=grid.path, row=rows[i], column=column
            )
        if parsed.bad[i, 0]:
            raise InputFileError(
                "not a number", path=grid.path, row=rows[i], column=column, value=raw
            )
        if not np.isfinite(values[i]) or values[i] < 0:
            what = "negative" if values[i] < 0 else "not a finite number"
            raise InputFileError(
                f"{what}: a measure is zero or more",
                path=grid.path,
                row=rows[i],
                column=column,
                value=raw,
            )
    seen = {}
    for i, label in enumerate(labels):
        if label in seen:
            raise InputFileError(
                f"sector {label!r} repeated (first at row {seen[label]})",
                path=grid.path,
                row=rows[i],
            )
        seen[label] = rows[i]
    if fmt.ambiguous:
        notes.append(f"{Path(path).name}: {fmt.reason}")
    for kind, text in (("dash", "'-' read as 0"), ("parentheses", "(x) read as -x")):
        k = int(parsed.flags[kind].sum())
        if k:
            notes.append(f"{Path(path).name}: {k} value(s) {text}")
    if len(labels) > 2 and normalize_name(labels[-1]).startswith(_TOTAL_WORDS):
        rest = float(values[:-1].sum())
        if abs(values[-1] - rest) <= 1e-3 * max(abs(rest), 1e-300):
            notes.append(
                f"last row {labels[-1]!r} ({values[-1]:,.6g}) is the total of the others: dropped"
            )
            labels, values = labels[:-1], values[:-1]
    out = pd.Series(values, index=pd.Index(labels, name="sector"), name=column, dtype=float)
    out.attrs.update(source=str(grid.path), notes=notes)
    return out


def read_mapping(path, *, sheet=None) -> pd.DataFrame:
    """A sector mapping (two columns, e.g. table sector -> regional sector) from CSV or Excel.

    The first row is a header. Labels are text (Excel's ``12.0`` reads ``"12"``), stripped;
    empty rows and columns are ignored.

    Returns
    -------
    DataFrame
        The two columns as read (str), named by the header. ``.attrs["source"]``: the file.

    Raises
    ------
    InputFileError
        Not two columns, no data rows, or an empty label (naming file and row).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "map.csv"
    >>> _ = p.write_text("table;grdp\\npadi;A\\nsemen;C\\n")
    >>> read_mapping(p).to_numpy().tolist()
    [['padi', 'A'], ['semen', 'C']]
    """
    grid = _grid(path, sheet)
    cells, rows = _two_columns(grid, "mapping")
    header = [_label_text(c) or f"column {k + 1}" for k, c in enumerate(cells[0])]
    cells, rows = cells[1:], rows[1:]
    if not len(rows):
        raise InputFileError("mapping file has a header but no data rows", path=grid.path)
    text = [[_label_text(c) for c in row] for row in cells]
    for i, (a, b) in enumerate(text):
        if not a or not b:
            raise InputFileError(
                "empty label", path=grid.path, row=rows[i], column=header[0 if not a else 1]
            )
    out = pd.DataFrame(text, columns=header)
    out.attrs.update(source=str(grid.path))
    return out
