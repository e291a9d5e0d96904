"""Survey column names as field teams write them: aliases, a title above the header, sheets.

A survey file may name its columns in Indonesian (``id_usaha``, ``pemasok``, ``nilai``),
add a unit (``Omzet (Rp)``), start with a title line (the survey's name) or hold several
tables on sheets of one workbook. These functions find the header and the sheet and give
the columns the canonical names of the file formats (``docs/network.md``); each choice is
reported in the :class:`~linkage.core.diagnostics.Diagnostics`.
"""

from __future__ import annotations

import re

import pandas as pd

from ..core.diagnostics import Diagnostics
from ..network.validation import fail

__all__ = [
    "ALIASES",
    "HEADER_SEARCH_ROWS",
    "choose_sheet",
    "column_names",
    "find_header",
    "header_row",
    "normalise_columns",
]

FIRM_ALIASES = {
    "id": "firm_id",
    "firm": "firm_id",
    "id_usaha": "firm_id",
    "kode": "firm_id",
    "kode_usaha": "firm_id",
    "workforce": "workers",
    "employees": "workers",
    "tenaga_kerja": "workers",
    "jumlah_tenaga_kerja": "workers",
    "pekerja": "workers",
    "jumlah_pekerja": "workers",
    "karyawan": "workers",
    "sektor": "sector",
    "nama": "name",
    "nama_usaha": "name",
    "wilayah": "region",
    "kabupaten": "region",
    "kabupaten/kota": "region",
    "district": "region",
    "omzet": "output",
    "turnover": "output",
    "nilai_produksi": "output",
    "latitude": "lat",
    "lintang": "lat",
    "longitude": "lon",
    "lng": "lon",
    "bujur": "lon",
}
TRANSACTION_ALIASES = {
    "seller": "supplier",
    "from": "supplier",
    "source": "supplier",
    "customer": "buyer",
    "to": "buyer",
    "target": "buyer",
    "amount": "value",
    "weight": "value",
    "pemasok": "supplier",
    "penjual": "supplier",
    "pembeli": "buyer",
    "nilai": "value",
    "nilai_transaksi": "value",
    "saluran": "channel",
    "produk": "product",
}
COOPERATION_ALIASES = {
    "a": "firm_a",
    "b": "firm_b",
    "firm_1": "firm_a",
    "firm_2": "firm_b",
    "usaha_a": "firm_a",
    "usaha_b": "firm_b",
    "type": "kind",
    "jenis": "kind",
    "jenis_kerjasama": "kind",
}
PARTY_ALIASES = {
    "id": "party_id",
    "party": "party_id",
    "type": "kind",
    "jenis": "kind",
    "nama": "name",
    "wilayah": "region",
    "kabupaten": "region",
}

#: The aliases of each table's columns, by table (the keys of ``REQUIRED_COLUMNS``).
ALIASES = {
    "firms": FIRM_ALIASES,
    "transactions": TRANSACTION_ALIASES,
    "cooperation": COOPERATION_ALIASES,
    "parties": PARTY_ALIASES,
}


def column_names(columns, aliases: dict) -> list:
    """The normalised names of ``columns`` (see :func:`normalise_columns`)."""
    known = set(aliases) | set(aliases.values())
    names = []
    for c in columns:
        name = re.sub(r"\s+", "_", str(c).strip().lower())
        bare = re.sub(r"_*[(\[][^()\[\]]*[)\]]$", "", name)
        names.append(bare if name not in known and bare in known else name)
    taken = set(names)
    renamed = []
    for name in names:
        target = aliases.get(name)
        if target is not None and target not in taken:
            taken.add(target)
            renamed.append(target)
        else:
            renamed.append(name)
    return renamed


#: Rows searched for the column names when the first row does not hold them.
HEADER_SEARCH_ROWS = 30


def find_header(frame: pd.DataFrame, aliases: dict, required, source: str, diag: Diagnostics):
    """The frame with its column names taken from the first row that holds the required
    columns, when the file starts with a title (a sheet's first rows often name the survey).

    The rows above are dropped and reported (``header_row``); ``attrs["row_offset"]``
    keeps the spreadsheet row numbers right.

    Examples
    --------
    >>> raw = pd.DataFrame([["Daftar IKM 2023", None], ["firm_id", "sector"], ["A", "x"]],
    ...                    columns=["c0", "c1"])
    >>> out = find_header(raw, {}, ["firm_id", "sector"], "f", Diagnostics())
    >>> out.columns.tolist(), out.attrs["row_offset"], out["firm_id"].tolist()
    (['firm_id', 'sector'], 2, ['A'])
    """
    j, cells = header_row(frame, aliases, required)
    if j <= 0:
        return frame
    out = frame.iloc[j:].reset_index(drop=True)
    out.columns = cells
    offset = int(frame.attrs.get("row_offset", 0)) + j
    out.attrs["row_offset"] = offset
    diag.add(
        "header_row",
        f"{source}: the column names are on row {offset + 1}; the {offset} row(s) "
        "above them (a title) were skipped",
        count=offset,
    )
    return out


def header_row(frame: pd.DataFrame, aliases: dict, required) -> tuple[int, list | None]:
    """``(0, None)`` when the column names hold the required columns; ``(j + 1, cells)``
    when data row ``j`` does (within the first rows); ``(-1, None)`` when none does."""
    required = set(required)
    if required <= set(column_names(frame.columns, aliases)):
        return 0, None
    # in data rows, one-letter aliases ("a", "b" of a cooperation file) would match ids
    aliases = {k: v for k, v in aliases.items() if len(k) > 1}
    for j in range(min(HEADER_SEARCH_ROWS, len(frame))):
        cells = [
            f"unnamed_{k}" if pd.isna(c) or str(c).strip() == "" else str(c).strip()
            for k, c in enumerate(frame.iloc[j].tolist())
        ]
        if required <= set(column_names(cells, aliases)):
            return j + 1, cells
    return -1, None


def choose_sheet(data, aliases: dict, required, source: str, diag: Diagnostics):
    """The sheet of a workbook that holds the required columns (the first one that does;
    the first sheet when none does, so the error names its columns) and the name to use
    in messages. ``data`` is a frame (returned as it is) or ``{sheet name: frame}``."""
    if not isinstance(data, dict):
        return data, source
    names = list(data)
    rows = {n: header_row(data[n], aliases, required)[0] for n in names}
    # a sheet whose first row holds the columns, else one with a title above them
    chosen = next((n for n in names if rows[n] == 0), None)
    chosen = chosen or next((n for n in names if rows[n] > 0), names[0])
    if len(names) > 1:
        diag.add(
            "sheet",
            f"{source}: read sheet {chosen!r} (of {names}), the first with the columns "
            f"{list(required)}",
        )
        return data[chosen], f"{source} [sheet {chosen!r}]"
    return data[chosen], source


def normalise_columns(frame: pd.DataFrame, aliases: dict, source: str) -> pd.DataFrame:
    """Lower-case, stripped, underscored column names; aliases used only when unambiguous.

    A unit in brackets at the end of a name is dropped when that makes the name one that
    is understood: ``"Omzet (Rp)"`` is ``omzet``, hence ``output``. An alias is used only
    when its column is absent and no other column of the file already took it.

    Examples
    --------
    >>> frame = pd.DataFrame(columns=["ID Usaha", "Nilai (Rp)", "Wilayah", "Kabupaten"])
    >>> aliases = {"id_usaha": "firm_id", "nilai": "value", "wilayah": "region",
    ...            "kabupaten": "region"}
    >>> normalise_columns(frame, aliases, "f").columns.tolist()
    ['firm_id', 'value', 'region', 'kabupaten']
    """
    renamed = column_names(frame.columns, aliases)
    if len(set(renamed)) != len(renamed):
        seen = pd.Index(renamed)
        dup = seen[seen.duplicated()].tolist()
        fail(source, f"columns appear more than once after normalising names: {dup}")
    out = frame.copy()
    out.columns = renamed
    return out
