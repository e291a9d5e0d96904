"""Supplier-buyer networks from sentra surveys: :class:`SupplyNetwork` and :func:`read_network`.

A survey of a *sentra* (a centre of small and household industries) lists its firms, who
sold to whom and for how much, and which firms cooperate. :class:`SupplyNetwork` turns the
three tables into one validated network:

* every id is compared as a stripped string; an id that is not in the firm list is an
  *outside party* (an outside supplier, a middleman or *pengepul*, a final buyer): it is
  kept, typed by its role and listed in :attr:`SupplyNetwork.parties`;
* nothing is dropped silently: duplicate (supplier, buyer) rows are summed and counted,
  self-loops and zero values are skipped and counted (with their row numbers), negative
  and non-numeric values are an error by default (``on_invalid="skip"`` skips and reports
  them), and everything is listed in :attr:`SupplyNetwork.diagnostics` and
  :meth:`SupplyNetwork.summary`;
* the network is held as one edge table of integer arrays (``source``, ``target``,
  ``value``); the sparse trade matrix, the networkx and igraph views and the sector IO
  table are each built from it directly, so they scale to millions of firms.

Row numbers in messages count like a spreadsheet: the header is row 1, the first data row
is row 2 (for a DataFrame, row ``k + 2`` is the frame's ``k``-th row).

Firm metrics live in :mod:`linkage.network.metrics` and are reached through
:meth:`SupplyNetwork.firm_metrics` and :meth:`SupplyNetwork.to_iotable`.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.diagnostics import Diagnostics
from ..errors import DataQualityWarning, InputFileError, InvalidNetworkError

__all__ = ["SupplyNetwork", "read_network", "size_class", "SIZE_BANDS"]

#: Workforce bands of the statistics office (BPS): lower bound of each class.
SIZE_BANDS = (("household", 1), ("small", 5), ("medium", 20), ("large", 100))

#: Recognised values of the ``kind`` column of a parties file.
PARTY_KINDS = ("intermediary", "supplier", "buyer")

#: Spellings of the ``channel`` column that are understood (lower-cased, stripped, with
#: runs of spaces, ``_`` and ``-`` read as one space).
_CHANNELS = {
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
#: Spellings of the ``kind`` column of a parties file (with the intermediary words of
#: :data:`_CHANNELS`).
_PARTY_KIND_WORDS = {
    "middlemen": "intermediary",
    "pemasok": "supplier",
    "penjual": "supplier",
    "supplier": "supplier",
    "suppliers": "supplier",
    "pembeli": "buyer",
    "konsumen": "buyer",
    "customer": "buyer",
    "buyers": "buyer",
}
#: Words that may precede a channel: "melalui pengepul", "via middleman", "lewat agen".
_CHANNEL_PREFIX = r"^(?:melalui|lewat|via|through|ke|to)\s+"

_FIRM_ALIASES = {
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
_TRANSACTION_ALIASES = {
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
_COOPERATION_ALIASES = {
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
_PARTY_ALIASES = {
    "id": "party_id",
    "party": "party_id",
    "type": "kind",
    "jenis": "kind",
    "nama": "name",
    "wilayah": "region",
    "kabupaten": "region",
}

_MAX_LISTED = 10  # row numbers listed in a message
_SKIP_HINT = "on_invalid='skip', or --skip-invalid on the command line, skips and reports them"

#: Ids that mark a total line rather than a party.
_TOTAL_WORDS = ("total", "jumlah", "grand total", "total value", "jumlah total", "sum")
_TOTAL_IDS = {f(w) for w in _TOTAL_WORDS for f in (str.lower, str.title, str.upper, str.capitalize)}


def _expand(values: np.ndarray, mask: np.ndarray, fill) -> np.ndarray:
    """Values for the rows where ``mask`` is True, ``fill`` elsewhere."""
    out = np.full(len(mask), fill, dtype=np.asarray(values).dtype)
    out[mask] = values
    return out


# ---------------------------------------------------------------------------- helpers
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


def _row_list(rows: np.ndarray) -> str:
    rows = np.asarray(rows)
    listed = ", ".join(str(int(r)) for r in rows[:_MAX_LISTED])
    more = f" and {len(rows) - _MAX_LISTED} more" if len(rows) > _MAX_LISTED else ""
    return f"{listed}{more}"


def _fail(source: str, message: str, row=None, column=None, value=None):
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


def _column_names(columns, aliases: dict) -> list:
    """The normalised names of ``columns`` (see :func:`_normalise_columns`)."""
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
_HEADER_SEARCH_ROWS = 30


def _find_header(frame: pd.DataFrame, aliases: dict, required, source: str, diag: Diagnostics):
    """The frame with its column names taken from the first row that holds the required
    columns, when the file starts with a title (a sheet's first rows often name the survey).

    The rows above are dropped and reported (``header_row``); ``attrs["row_offset"]``
    keeps the spreadsheet row numbers right.

    Examples
    --------
    >>> raw = pd.DataFrame([["Daftar IKM 2023", None], ["firm_id", "sector"], ["A", "x"]],
    ...                    columns=["c0", "c1"])
    >>> out = _find_header(raw, {}, ["firm_id", "sector"], "f", Diagnostics())
    >>> out.columns.tolist(), out.attrs["row_offset"], out["firm_id"].tolist()
    (['firm_id', 'sector'], 2, ['A'])
    """
    j, cells = _header_row(frame, aliases, required)
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


def _header_row(frame: pd.DataFrame, aliases: dict, required) -> tuple[int, list | None]:
    """``(0, None)`` when the column names hold the required columns; ``(j + 1, cells)``
    when data row ``j`` does (within the first rows); ``(-1, None)`` when none does."""
    required = set(required)
    if required <= set(_column_names(frame.columns, aliases)):
        return 0, None
    # in data rows, one-letter aliases ("a", "b" of a cooperation file) would match ids
    aliases = {k: v for k, v in aliases.items() if len(k) > 1}
    for j in range(min(_HEADER_SEARCH_ROWS, len(frame))):
        cells = [
            f"unnamed_{k}" if pd.isna(c) or str(c).strip() == "" else str(c).strip()
            for k, c in enumerate(frame.iloc[j].tolist())
        ]
        if required <= set(_column_names(cells, aliases)):
            return j + 1, cells
    return -1, None


def _choose_sheet(data, aliases: dict, required, source: str, diag: Diagnostics):
    """The sheet of a workbook that holds the required columns (the first one that does;
    the first sheet when none does, so the error names its columns) and the name to use
    in messages. ``data`` is a frame (returned as it is) or ``{sheet name: frame}``."""
    if not isinstance(data, dict):
        return data, source
    names = list(data)
    rows = {n: _header_row(data[n], aliases, required)[0] for n in names}
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


def _normalise_columns(frame: pd.DataFrame, aliases: dict, source: str) -> pd.DataFrame:
    """Lower-case, stripped, underscored column names; aliases used only when unambiguous.

    A unit in brackets at the end of a name is dropped when that makes the name one that
    is understood: ``"Omzet (Rp)"`` is ``omzet``, hence ``output``. An alias is used only
    when its column is absent and no other column of the file already took it.

    Examples
    --------
    >>> frame = pd.DataFrame(columns=["ID Usaha", "Nilai (Rp)", "Wilayah", "Kabupaten"])
    >>> aliases = {"id_usaha": "firm_id", "nilai": "value", "wilayah": "region",
    ...            "kabupaten": "region"}
    >>> _normalise_columns(frame, aliases, "f").columns.tolist()
    ['firm_id', 'value', 'region', 'kabupaten']
    """
    renamed = _column_names(frame.columns, aliases)
    if len(set(renamed)) != len(renamed):
        seen = pd.Index(renamed)
        dup = seen[seen.duplicated()].tolist()
        _fail(source, f"columns appear more than once after normalising names: {dup}")
    out = frame.copy()
    out.columns = renamed
    return out


def _require(frame: pd.DataFrame, columns, source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        _fail(
            source,
            f"missing required column(s) {missing}; found {list(frame.columns)}",
        )


def _id_strings(series: pd.Series, where: str = "", diag: Diagnostics | None = None) -> np.ndarray:
    """Ids as stripped strings (object array), missing as None.

    Integer-valued floats (``12.0``, as spreadsheets store ids) become ``"12"``; so does a
    text column in which *every* id is written like that (``1.0, 2.0, ...``: what pandas
    or a spreadsheet writes for a number column with a blank cell), which is reported in
    ``diag``. A column that mixes ``1`` and ``2.0`` is text and is kept as it is.
    """
    s = series
    if pd.api.types.is_float_dtype(s.dtype):
        vals = s.to_numpy(dtype=float)
        finite = np.isfinite(vals)
        if finite.any() and np.all(vals[finite] == np.round(vals[finite])):
            s = s.astype("Int64")
    missing = s.isna().to_numpy()
    out = s.astype(str).str.strip().to_numpy(dtype=object)
    out[missing] = None
    out[out == ""] = None
    given = pd.Series(out[~pd.isna(out)], dtype=object)
    if len(given) and bool(given.str.fullmatch(r"\d+\.0+").all()):
        first = given.iloc[0]
        out[~pd.isna(out)] = given.str.replace(r"\.0+$", "", regex=True).to_numpy(dtype=object)
        if diag is not None:
            diag.add(
                "float_ids",
                f"{where}: every id is written as a decimal number ({first!r}, ...); they "
                f"are read as whole numbers ({out[~pd.isna(out)][0]!r}, ...)",
                count=len(given),
            )
    return out


def _numeric(
    series: pd.Series, where: str = "", diag: Diagnostics | None = None, styled: bool = True
):
    """Parse numbers; returns (values, invalid mask). Missing counts as invalid.

    Plain numbers are read directly. When some cells are not plain numbers, the column's
    number style is detected (``1.500.000`` or ``1.234,5`` Indonesian, ``1,500,000``
    English; a leading ``Rp`` is dropped) with :mod:`linkage.io.numbers`, every cell with a
    separator is re-read in that style and the reinterpretation is reported. With
    ``styled=False`` (coordinates) only plain numbers are accepted.
    """
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return values, ~np.isfinite(values)
    stripped = series.astype(str).str.strip().where(series.notna())
    values = pd.to_numeric(stripped, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    failed = np.isnan(values) & stripped.notna().to_numpy() & stripped.ne("").to_numpy()
    if not styled:
        pass
    elif failed.any():
        from ..io.numbers import NumberFormat, detect_number_format, parse_cells

        text = stripped.str.replace(r"^[Rr][Pp]\.?\s*", "", regex=True)
        has_sep = text.str.contains(r"\d[.,]\d", regex=True).fillna(False).to_numpy(bool)
        redo = failed | has_sep
        cells = text[redo].to_numpy(dtype=object)
        fmt = detect_number_format(cells)
        rupiah = stripped[redo].str.match(r"[Rr][Pp]\.?\s*\d").fillna(False)
        if fmt.ambiguous and bool(rupiah.any()):
            # "Rp 250.000": rupiah amounts are written with '.' between thousands
            fmt = NumberFormat(
                ",", ".", False, f"{int(rupiah.sum())} amount(s) in 'Rp' like 'Rp 250.000'"
            )
        if not fmt.ambiguous:
            parsed = parse_cells(cells[:, None], decimal=fmt.decimal, thousands=fmt.thousands)
            ok = ~parsed.bad.ravel()
            new = np.where(ok, parsed.values.ravel(), np.nan)
            changed = int((ok & failed[redo]).sum())
            values = values.copy()
            values[np.flatnonzero(redo)] = new
            if diag is not None and changed:
                diag.add(
                    "number_format",
                    f"{where}: {changed} value(s) written with separators or 'Rp' were read "
                    f"with decimal {fmt.decimal!r} and thousands {fmt.thousands!r} "
                    f"({fmt.reason})",
                    count=changed,
                )
    elif diag is not None:
        dotted = stripped.str.contains(".", regex=False).fillna(False).to_numpy(bool)
        if dotted.any():
            three = stripped[dotted].str.fullmatch(r"[+-]?\d{1,3}\.\d{3}").fillna(False)
            if bool(three.all()):
                diag.add(
                    "ambiguous_numbers",
                    f"{where}: {int(dotted.sum())} value(s) like '1.500' were read as decimal "
                    "numbers (1.5); if '.' separates thousands in this file, write the values "
                    "without separators",
                    count=int(dotted.sum()),
                    level="warning",
                )
    return values, ~np.isfinite(values)


def _comma_degrees(series: pd.Series, where: str, diag: Diagnostics) -> pd.Series:
    """Coordinates written with a decimal comma (``-6,70``) as ``-6.70``, reported.

    A comma in a latitude or longitude can only be a decimal mark (no coordinate reaches
    a thousand degrees), so a cell of the form ``[-]ddd,d...`` is unambiguous.

    Examples
    --------
    >>> d = Diagnostics()
    >>> _comma_degrees(pd.Series(["-6,70", "108.5"]), "f", d).tolist()
    ['-6.70', '108.5']
    >>> d.count("decimal_comma")
    1
    """
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series
    text = series.astype(str).str.strip().where(series.notna())
    comma = text.str.fullmatch(r"[+-]?\d{1,3},\d+").fillna(False).to_numpy(dtype=bool)
    if not comma.any():
        return series
    out = text.where(~comma, text.str.replace(",", ".", regex=False))
    diag.add(
        "decimal_comma",
        f"{where}: {int(comma.sum())} coordinate(s) written with a decimal comma were read "
        "with a decimal point",
        count=int(comma.sum()),
    )
    return out


def _read_csv(path: Path, notes: list) -> pd.DataFrame:
    """CSV with ids as text; the separator (``,`` ``;`` or tab) is the most frequent one in
    the header line; UTF-16 when the file starts with its byte-order mark, else UTF-8, else
    Windows-1252 (reported)."""
    options = {"dtype": str, "keep_default_na": False, "na_values": [""]}
    with open(path, "rb") as handle:
        start = handle.read(4)
    # UTF-16 with a byte-order mark: what spreadsheets write as "Unicode text"
    utf16 = start[:2] in (b"\xff\xfe", b"\xfe\xff")
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp1252"):
        try:
            with open(path, encoding=encoding, newline="") as handle:
                lines = handle.read().splitlines()  # decode it all: fail here, not in pandas
        except UnicodeDecodeError:
            continue
        # title lines without any separator (a survey name, a blank line) before the header
        seps = (",", ";", "\t")
        skip = next(
            (
                k
                for k, line in enumerate(lines[:_HEADER_SEARCH_ROWS])
                if any(c in line for c in seps)
            ),
            0,
        )
        header = lines[skip] if lines else ""
        sep = max(seps, key=header.count)
        # blank lines stay (as empty rows, skipped and reported) so row numbers stay right
        frame = pd.read_csv(
            path, encoding=encoding, sep=sep, skiprows=skip, skip_blank_lines=False, **options
        )
        frame.attrs["row_offset"] = skip
        if encoding == "cp1252":
            notes.append(f"{path}: not UTF-8; read as Windows-1252 (check accented names)")
        return frame
    raise InputFileError("cannot decode the file as UTF-8 or Windows-1252", path=str(path))


def _read_frame(data, source: str, notes: list | None = None) -> tuple[pd.DataFrame, str]:
    """A DataFrame from a frame or a csv / xlsx / parquet path; ids kept as text.

    A workbook gives ``{sheet name: DataFrame}`` (see :func:`_choose_sheet`)."""
    notes = [] if notes is None else notes
    if data is None:
        return None, source
    if isinstance(data, pd.DataFrame):
        return data, source
    path = Path(data)
    name = str(path)
    if not path.exists():
        raise InputFileError(f"{source} file not found", path=name)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            # every sheet: a survey workbook may hold firms, transactions ... on sheets of
            # their own (see _choose_sheet)
            frame = pd.read_excel(
                path, sheet_name=None, dtype=str, keep_default_na=False, na_values=[""]
            )
        elif suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            frame = _read_csv(path, notes)
    except InputFileError:
        raise
    except (OSError, ValueError, ImportError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(f"cannot read {source} file: {first}", path=name) from exc
    return frame, name


def _id_key(ids: pd.Index) -> pd.Index:
    """Ids reduced for look-alike checks: lower case, no spaces, '-' or '_', no leading
    zeros in a run of digits, no ``.0`` after a whole number (``"PLR-01"`` and ``"plr 1"``
    both give ``"plr1"``; ``"2.0"`` and ``"002"`` give ``"2"``)."""
    key = ids.str.lower().str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    key = key.str.replace(r"[\s_-]+", "", regex=True)
    return pd.Index(key.str.replace(r"(?<!\d)0+(?=\d)", "", regex=True))


def _lookalike(firm_ids: pd.Index, others: pd.Index) -> np.ndarray:
    """Position of the listed firm each of ``others`` looks like (see :func:`_id_key`), -1
    for none; firms whose key is shared by another firm are never matched.

    Examples
    --------
    >>> _lookalike(pd.Index(["001", "PLR-01", "a", "A"]), pd.Index(["1", "plr 1", "a ", "x"]))
    array([ 0,  1, -1, -1])
    """
    key = _id_key(firm_ids)
    unique = ~key.duplicated(keep=False)
    hit = key[unique].get_indexer(_id_key(others))
    return np.where(hit >= 0, np.flatnonzero(unique)[np.maximum(hit, 0)], -1)


def _lookalike_text(known: pd.Index, others: pd.Index, limit: int = 5) -> str:
    """``"; 'pgp-1'~'PGP-1' differ only in case, ..."`` for the ids of ``others`` that look
    like one of ``known`` (see :func:`_lookalike`), or ``""``."""
    like = _lookalike(known, others)
    hit = like >= 0
    if not hit.any():
        return ""
    pairs = ", ".join(
        f"{o!r}~{known[k]!r}" for o, k in zip(others[hit][:limit], like[hit][:limit], strict=True)
    )
    return f"; {pairs} differ only in case, spaces, '-', '_' or leading zeros"


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty (spreadsheets leave them between blocks)."""
    if frame.shape[1] == 0:
        return np.zeros(len(frame), dtype=bool)
    return frame.isna().all(axis=1).to_numpy(dtype=bool)  # readers turn "" into NaN


def _without_blank(frame: pd.DataFrame, source: str, diag: Diagnostics):
    """Drop and report all-empty rows; returns the frame and the spreadsheet row numbers."""
    rows = np.arange(len(frame)) + 2 + int(frame.attrs.get("row_offset", 0))
    blank = _blank_rows(frame)
    if blank.any():
        diag.add(
            "blank_rows",
            f"{source}: skipped {int(blank.sum())} empty row(s) (rows {_row_list(rows[blank])})",
            count=int(blank.sum()),
        )
        frame = frame[~blank].reset_index(drop=True)
        rows = rows[~blank]
    return frame, rows


# ---------------------------------------------------------------------------- parsing
def _report_total_rows(diag, source, rows, totals) -> None:
    """Warn that the rows marked in ``totals`` (a Total/Jumlah line) were skipped."""
    diag.add(
        "total_rows",
        f"{source}: skipped {int(totals.sum())} total row(s) (rows {_row_list(rows[totals])})",
        count=int(totals.sum()),
        level="warning",
    )


def _firm_total_rows(frame: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
    """Rows of a firm list that are a total line: the id is "Total" / "Jumlah", or the id is
    empty and a text cell of the row says so."""
    is_total = np.array(pd.Series(ids, dtype=object).isin(_TOTAL_IDS), dtype=bool)
    empty = pd.isna(ids)
    if empty.any():
        text = frame[empty].astype(str).apply(lambda c: c.str.strip().str.lower())
        is_total[empty] = text.isin(_TOTAL_WORDS).any(axis=1).to_numpy(dtype=bool)
    return is_total


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


def _parse_firms(frame: pd.DataFrame, source: str, diag: Diagnostics, on_invalid: str):
    frame = _find_header(frame, _FIRM_ALIASES, ["firm_id", "sector"], source, diag)
    frame = _normalise_columns(frame, _FIRM_ALIASES, source)
    _require(frame, ["firm_id", "sector"], source)
    frame, rows = _without_blank(frame, source, diag)
    if len(frame) == 0:
        _fail(source, "the file has no firms (a header but no rows)")
    ids = _id_strings(frame["firm_id"], f"{source}, column 'firm_id'", diag)
    totals = _firm_total_rows(frame, ids)
    if totals.any():
        _report_total_rows(diag, source, rows, totals)
        frame, rows, ids = frame[~totals].reset_index(drop=True), rows[~totals], ids[~totals]
    missing = pd.isna(ids)
    if missing.any():
        _fail(source, "firm_id is empty", row=rows[missing][0], column="firm_id")
    index = pd.Index(ids.astype(str), name="firm_id")
    if index.duplicated().any():
        # a firm entered twice with the same figures: keep one, say so
        same = frame.astype(str).assign(_id=index.to_numpy()).duplicated().to_numpy()
        if same.any():
            diag.add(
                "duplicate_firm_rows",
                f"{source}: {int(same.sum())} firm row(s) repeat an earlier row exactly and "
                f"were read once (rows {_row_list(rows[same])})",
                count=int(same.sum()),
                level="warning",
            )
            frame, rows = frame[~same].reset_index(drop=True), rows[~same]
            ids, index = ids[~same], index[~same]
    dup = index.duplicated(keep=False)
    if dup.any():
        first = index[dup][0]
        where = rows[index == first]
        _fail(
            source,
            f"firm_id {first!r} appears {len(where)} times (rows {_row_list(where)}); "
            f"{int(index.duplicated().sum())} duplicate firm id(s) in all; firm ids must be unique",
            row=where[1],
            column="firm_id",
            value=first,
        )

    out = pd.DataFrame(index=index)
    sector = frame["sector"].astype(str).str.strip().where(frame["sector"].notna(), "")
    sector = sector.to_numpy(dtype=object)
    no_sector = sector == ""
    if no_sector.any():
        sector[no_sector] = "unknown"
        diag.add(
            "missing_sector",
            f"{source}: {int(no_sector.sum())} firm(s) without a sector are put in sector "
            f"'unknown' (rows {_row_list(rows[no_sector])})",
            count=int(no_sector.sum()),
            level="warning",
        )
    _flag_spellings(pd.Series(sector, dtype=object), "sector", source, diag)
    out["sector"] = pd.array(sector.astype(str), dtype="str")
    for col in ("name", "sentra", "region"):
        if col in frame.columns:
            text = frame[col].astype(str).str.strip()
            text = text.where(frame[col].notna() & (text != ""), None)
            if col == "name":
                text = text.fillna("")
            elif text.isna().any():
                k = int(text.isna().sum())
                diag.add(
                    f"missing_{col}",
                    f"{source}: {k} firm(s) have no {col} (rows "
                    f"{_row_list(rows[text.isna().to_numpy()])})",
                    count=k,
                    level="warning",
                )
            if col != "name":
                _flag_spellings(text, col, source, diag)
            out[col] = pd.array(text.to_numpy(dtype=object), dtype="str")
    for col in ("workers", "output", "lat", "lon"):
        if col not in frame.columns:
            continue
        column = frame[col]
        if col in ("lat", "lon"):
            column = _comma_degrees(column, f"{source}, column {col!r}", diag)
        values, invalid = _numeric(
            column, f"{source}, column {col!r}", diag, styled=col in ("workers", "output")
        )
        given = frame[col].notna().to_numpy()
        if frame[col].dtype != float:
            given = given & frame[col].astype(str).str.strip().ne("").to_numpy()
        bad = invalid & given
        negative = (values < 0) & ~invalid if col in ("workers", "output") else np.zeros_like(bad)
        bad_any = bad | negative
        if bad_any.any():
            k = int(np.flatnonzero(bad_any)[0])
            what = "is not a number" if bad[k] else "is negative"
            if on_invalid == "error":
                _fail(
                    source,
                    f"{col} {what}; {int(bad_any.sum())} such row(s) ({_SKIP_HINT})",
                    row=rows[k],
                    column=col,
                    value=frame[col].iloc[k],
                )
            diag.add(
                f"invalid_{col}",
                f"{source}: {int(bad_any.sum())} invalid {col} value(s) treated as missing "
                f"(rows {_row_list(rows[bad_any])})",
                count=int(bad_any.sum()),
                level="warning",
            )
            values = np.where(bad_any, np.nan, values)
        out[col] = values
    if "workers" in out.columns:
        out["size_class"] = pd.array(size_class(out["workers"].to_numpy()), dtype="str")
        unknown = int(np.isnan(out["workers"].to_numpy()).sum())
        if unknown:
            diag.add(
                "unknown_size",
                f"{source}: {unknown} firm(s) without a number of workers get size class 'unknown'",
                count=unknown,
            )
    else:
        out["size_class"] = pd.array(["unknown"] * len(out), dtype="str")
    known = {"firm_id", "sector", "name", "sentra", "region", "workers", "output", "lat", "lon"}
    for col in frame.columns:
        if col not in known and col not in out.columns:
            out[col] = frame[col].to_numpy()
    return out


def _parse_transactions(frame, source, diag: Diagnostics, on_invalid: str):
    """Validated columns of the transaction rows: supplier, buyer, value, channel, rows."""
    frame = _find_header(frame, _TRANSACTION_ALIASES, ["supplier", "buyer", "value"], source, diag)
    frame = _normalise_columns(frame, _TRANSACTION_ALIASES, source)
    _require(frame, ["supplier", "buyer", "value"], source)
    n_read = len(frame)
    frame, rows = _without_blank(frame, source, diag)
    n = len(frame)
    supplier = _id_strings(frame["supplier"], f"{source}, column 'supplier'", diag)
    buyer = _id_strings(frame["buyer"], f"{source}, column 'buyer'", diag)
    keep = np.ones(n, dtype=bool)
    # a total line at the bottom of a sheet: "Total" / "Jumlah" in an id column
    totals = np.zeros(n, dtype=bool)
    for ids in (supplier, buyer):
        totals |= pd.Series(ids, dtype=object).isin(_TOTAL_IDS).to_numpy(dtype=bool)
    if totals.any():
        _report_total_rows(diag, source, rows, totals)
        keep &= ~totals
    values, invalid = _numeric(frame["value"][keep], f"{source}, column 'value'", diag)
    values = _expand(values, keep, np.nan)
    invalid = _expand(invalid, keep, False)

    missing_s = pd.isna(supplier) & keep
    missing_b = pd.isna(buyer) & keep & ~missing_s
    invalid = invalid & keep & ~missing_s & ~missing_b
    negative = (values < 0) & keep & ~missing_s & ~missing_b
    checks = [
        (missing_s, "supplier", "the supplier id is empty", "missing_ids"),
        (missing_b, "buyer", "the buyer id is empty", "missing_ids"),
        (invalid, "value", "the value is missing or not a number", "invalid_values"),
        (negative, "value", "the value is negative", "negative_values"),
    ]
    if on_invalid == "error":
        found = [(int(np.flatnonzero(m)[0]), m, c, w) for m, c, w, _ in checks if m.any()]
        if found:  # the first bad row of the file, whatever is wrong with it
            k, mask, column, what = min(found, key=lambda f: f[0])
            _fail(
                source,
                f"{what}; {int(mask.sum())} such row(s) ({_SKIP_HINT})",
                row=rows[k],
                column=column,
                value=frame[column].iloc[k],
            )
    for mask, _, what, code in checks:
        if mask.any():
            diag.add(
                code,
                f"{source}: skipped {int(mask.sum())} row(s) where {what} (rows "
                f"{_row_list(rows[mask])})",
                count=int(mask.sum()),
                level="warning",
            )
            keep[mask] = False

    same = keep & (supplier == buyer)
    if same.any():
        diag.add(
            "self_loops",
            f"{source}: skipped {int(same.sum())} self-loop row(s) where a party sells to "
            f"itself (rows {_row_list(rows[same])})",
            count=int(same.sum()),
            level="warning",
        )
        keep &= ~same
    zero = keep & (values == 0)
    if zero.any():
        diag.add(
            "zero_values",
            f"{source}: skipped {int(zero.sum())} row(s) with value 0 (rows "
            f"{_row_list(rows[zero])})",
            count=int(zero.sum()),
        )
        keep &= ~zero

    channel = None
    if "channel" in frame.columns:
        raw = frame["channel"].astype(str).str.strip().str.lower()
        raw = raw.where(frame["channel"].notna(), "")
        words = raw.str.replace(r"[\s_-]+", " ", regex=True)
        mapped = words.map(_CHANNELS)
        bare = words.str.replace(_CHANNEL_PREFIX, "", regex=True).map(_CHANNELS)
        mapped = mapped.where(mapped.notna(), bare)
        unknown = mapped.isna().to_numpy() & keep
        if unknown.any():
            seen = sorted(set(raw[unknown].tolist()))[:5]
            diag.add(
                "unknown_channel",
                f"{source}: {int(unknown.sum())} row(s) have a channel other than direct or "
                f"intermediary ({seen}); their channel is treated as unknown (rows "
                f"{_row_list(rows[unknown])})",
                count=int(unknown.sum()),
                level="warning",
            )
        channel = mapped.fillna("").to_numpy(dtype=object)[keep]
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


def _parse_parties(frame, source, diag: Diagnostics):
    frame = _find_header(frame, _PARTY_ALIASES, ["party_id"], source, diag)
    frame = _normalise_columns(frame, _PARTY_ALIASES, source)
    _require(frame, ["party_id"], source)
    frame, rows = _without_blank(frame, source, diag)
    ids = _id_strings(frame["party_id"], f"{source}, column 'party_id'", diag)
    missing = pd.isna(ids)
    if missing.any():
        _fail(source, "party_id is empty", row=rows[missing][0], column="party_id")
    index = pd.Index(ids.astype(str), name="party_id")
    if index.duplicated().any():
        first = index[index.duplicated()][0]
        where = rows[index == first]
        _fail(
            source,
            f"party_id {first!r} appears {len(where)} times (rows {_row_list(where)})",
            row=where[1],
            column="party_id",
            value=first,
        )
    if "kind" in frame.columns:
        kind = frame["kind"].astype(str).str.strip().str.lower().where(frame["kind"].notna(), "")
        kind = kind.str.replace(r"[\s_-]+", " ", regex=True)
        words = {k: v for k, v in _CHANNELS.items() if v == "intermediary"}
        words.update(_PARTY_KIND_WORDS)
        kind = kind.replace(words)
        bad = ~kind.isin(PARTY_KINDS + ("",))
        if bad.any():
            k = int(np.flatnonzero(bad.to_numpy())[0])
            _fail(
                source,
                f"kind must be one of {list(PARTY_KINDS)}",
                row=rows[k],
                column="kind",
                value=frame["kind"].iloc[k],
            )
        kind = kind.to_numpy(dtype=object)
    else:
        kind = np.full(len(frame), "", dtype=object)

    def text(col):
        if col not in frame.columns:
            return np.full(len(frame), "", dtype=object)
        return frame[col].astype(str).str.strip().where(frame[col].notna(), "").to_numpy(object)

    out = pd.DataFrame({"kind": kind.astype(str), "name": text("name").astype(str)}, index=index)
    if "region" in frame.columns:
        out["region"] = text("region").astype(str)
    return out


def _empty_cooperation() -> pd.DataFrame:
    return pd.DataFrame(
        {"a": np.zeros(0, np.int64), "b": np.zeros(0, np.int64), "kind": pd.array([], dtype="str")}
    )


# ---------------------------------------------------------------------------- the network
class SupplyNetwork:
    """A supplier-buyer network of firms and outside parties, validated on construction.

    Build one with :meth:`from_frames` or :func:`read_network`; all attributes are
    read-only afterwards.

    Attributes
    ----------
    nodes : pandas.Index of str
        The firms first (in firm-list order), then the outside parties (in order of first
        appearance in the transactions). A node's position is its code in every array.
    n_firms, n_nodes : int
    is_firm : ndarray of bool, shape (n_nodes,)
    is_intermediary : ndarray of bool, shape (n_nodes,)
        Nodes marked as middlemen (parties file ``kind=intermediary`` or
        ``intermediary_pattern``).
    firms : DataFrame indexed by ``firm_id``
        ``sector`` and whichever of ``name, sentra, region, workers, output, lat, lon``
        were given, ``size_class``, then any other columns of the firm list.
    parties : DataFrame indexed by party id
        ``role`` (outside_supplier | outside_buyer | both), ``is_intermediary``,
        ``n_transactions``, ``value_sold_to_firms``, ``value_bought_from_firms``, ``name``,
        ``kind`` (from the parties file, "" when not listed there), and ``region`` when
        the parties file has one ("" for parties it does not list).
    edges : DataFrame
        One row per (supplier, buyer) pair after summing duplicates: ``source``,
        ``target`` (int64 node codes), ``value`` (float), ``n_rows`` (transaction rows
        merged), and when a channel column was given ``channel`` (direct | intermediary |
        "": the channel carrying most of the pair's value) and ``value_intermediary`` (the
        part of the value recorded as sold through an intermediary).
    cooperation : DataFrame
        ``a < b`` (int64 node codes) and ``kind``, one row per (a, b, kind).
    diagnostics : Diagnostics
        Everything merged, skipped or reinterpreted while reading.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["ceramics", "ceramics"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "CLAY", "B", "A"],
    ...                    "buyer": ["B", "A", "PGP1", "B"], "value": [10, 5, 30, 2]})
    >>> net = SupplyNetwork.from_frames(firms, tx)
    >>> net.nodes.tolist()
    ['A', 'B', 'CLAY', 'PGP1']
    >>> net.edges[["source", "target", "value"]].to_numpy().tolist()
    [[0.0, 1.0, 12.0], [1.0, 3.0, 30.0], [2.0, 0.0, 5.0]]
    >>> net.parties["role"].tolist()
    ['outside_supplier', 'outside_buyer']
    >>> net.diagnostics.count("duplicate_transactions")
    1
    """

    def __init__(self):  # use from_frames / read_network
        self.diagnostics = Diagnostics()

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frames(
        cls,
        firms,
        transactions,
        cooperation=None,
        parties=None,
        *,
        intermediary_pattern: str | None = None,
        on_invalid: str = "error",
        sources: dict | None = None,
        _stacklevel: int = 2,
    ) -> SupplyNetwork:
        """Build a network from DataFrames (or csv / xlsx / parquet paths).

        Parameters
        ----------
        firms : DataFrame or path
            ``firm_id, sector`` required; optional ``name, sentra, region, workers,
            output, lat, lon``; other columns are kept.
        transactions : DataFrame or path
            ``supplier, buyer, value`` required; optional ``product, channel``
            (``direct`` or ``intermediary``; ``pengepul`` and ``langsung`` are understood).
        cooperation : DataFrame or path, optional
            ``firm_a, firm_b`` and optional ``kind`` (undirected).
        parties : DataFrame or path, optional
            Outside parties: ``party_id``, optional ``kind`` (intermediary | supplier |
            buyer), ``name`` and ``region`` (splits the sector table's imports into
            inside / outside the region).
        intermediary_pattern : str, optional
            Regular expression; node ids that match it (``re.search``) are middlemen.
        on_invalid : {"error", "skip"}
            What to do with a transaction whose value is missing, not a number or negative,
            or whose supplier or buyer id is empty (and with non-numeric or negative
            ``workers`` / ``output``): raise :class:`~linkage.errors.InvalidNetworkError`
            (default), or skip the row and report it.
        sources : dict, optional
            Names used in messages instead of "firms", "transactions" ... (file names).

        Returns
        -------
        SupplyNetwork

        Raises
        ------
        InvalidNetworkError
            Missing columns, empty or repeated firm ids, invalid values (with the file,
            row, column and value).
        """
        if on_invalid not in ("error", "skip"):
            raise ValueError(
                f"The 'on_invalid' parameter must be one of {{'error', 'skip'}}. "
                f"Got {on_invalid!r} instead."
            )
        names = {
            "firms": "firms",
            "transactions": "transactions",
            "cooperation": "cooperation",
            "parties": "parties",
        }
        names.update(sources or {})
        notes: list = []
        firms, names["firms"] = _read_frame(firms, names["firms"], notes)
        transactions, names["transactions"] = _read_frame(
            transactions, names["transactions"], notes
        )
        cooperation, names["cooperation"] = _read_frame(cooperation, names["cooperation"], notes)
        parties, names["parties"] = _read_frame(parties, names["parties"], notes)
        pattern = None
        if intermediary_pattern:
            try:
                pattern = re.compile(intermediary_pattern)
            except re.error as exc:
                raise InvalidNetworkError(
                    f"intermediary_pattern {intermediary_pattern!r} is not a valid regular "
                    f"expression: {exc}"
                ) from exc

        net = cls()
        diag = net.diagnostics
        for note in notes:
            diag.add("encoding", note, level="warning")
        for key, data, aliases, required in (
            ("firms", firms, _FIRM_ALIASES, ["firm_id", "sector"]),
            ("transactions", transactions, _TRANSACTION_ALIASES, ["supplier", "buyer", "value"]),
            ("cooperation", cooperation, _COOPERATION_ALIASES, ["firm_a", "firm_b"]),
            ("parties", parties, _PARTY_ALIASES, ["party_id"]),
        ):
            frame, names[key] = _choose_sheet(data, aliases, required, names[key], diag)
            if key == "firms":
                firms = frame
            elif key == "transactions":
                transactions = frame
            elif key == "cooperation":
                cooperation = frame
            else:
                parties = frame
        firm_frame = _parse_firms(firms, names["firms"], diag, on_invalid)
        tx = _parse_transactions(transactions, names["transactions"], diag, on_invalid)
        party_frame = None
        if parties is not None:
            party_frame = _parse_parties(parties, names["parties"], diag)
        net._build(firm_frame, tx, party_frame, pattern, names)
        if cooperation is not None:
            net._build_cooperation(cooperation, names["cooperation"])
        else:
            net.cooperation = _empty_cooperation()
        net._sources = names
        net._freeze()
        net._emit_warnings(_stacklevel)
        return net

    @classmethod
    def from_arrays(
        cls,
        source,
        target,
        value,
        *,
        n_firms: int,
        node_ids=None,
        firms: pd.DataFrame | None = None,
        is_intermediary=None,
        on_invalid: str = "error",
    ) -> SupplyNetwork:
        """Build a network directly from integer node codes (the fast path for large data).

        Parameters
        ----------
        source, target : array_like of int, shape (m,)
            Supplier and buyer node codes; codes below ``n_firms`` are firms, the others
            outside parties.
        value : array_like of float, shape (m,)
        n_firms : int
        node_ids : sequence of str, optional
            Ids of all nodes (default ``F0, F1, ...`` for firms and ``P0, P1, ...`` for
            outside parties; the number of nodes is then the largest code + 1).
        firms : DataFrame, optional
            Firm attributes in node order (``sector`` and the optional firm columns);
            default sector ``"unknown"``.
        is_intermediary : array_like of bool, shape (n_nodes,), optional
        on_invalid : {"error", "skip"}
            As in :meth:`from_frames`, for negative or non-finite values.

        Returns
        -------
        SupplyNetwork

        Examples
        --------
        >>> net = SupplyNetwork.from_arrays([0, 1, 1], [1, 2, 2], [5.0, 1.0, 2.0], n_firms=2)
        >>> net.nodes.tolist(), net.edges["value"].tolist()
        (['F0', 'F1', 'P0'], [5.0, 3.0])
        """
        if on_invalid not in ("error", "skip"):
            raise ValueError(
                f"The 'on_invalid' parameter must be one of {{'error', 'skip'}}. "
                f"Got {on_invalid!r} instead."
            )
        src = np.asarray(source, dtype=np.int64)
        dst = np.asarray(target, dtype=np.int64)
        val = np.asarray(value, dtype=float)
        if not (src.shape == dst.shape == val.shape) or src.ndim != 1:
            raise InvalidNetworkError(
                f"source, target and value must be 1-d of equal length; got shapes "
                f"{src.shape}, {dst.shape}, {val.shape}"
            )
        n_firms = int(n_firms)
        top = int(max(src.max(initial=-1), dst.max(initial=-1))) + 1
        if node_ids is None:
            n_nodes = max(top, n_firms)
            node_ids = [f"F{i}" for i in range(n_firms)] + [
                f"P{i}" for i in range(n_nodes - n_firms)
            ]
        nodes = pd.Index(np.asarray(node_ids, dtype=object).astype(str), name="node", dtype="str")
        n_nodes = len(nodes)
        bad = (src < 0) | (src >= n_nodes) | (dst < 0) | (dst >= n_nodes)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            _fail(
                "transactions",
                f"node code out of range 0..{n_nodes - 1}",
                row=k + 2,
                value=(int(src[k]), int(dst[k])),
            )
        if not nodes.is_unique or n_firms > n_nodes:
            raise InvalidNetworkError("node_ids must be unique and hold at least n_firms ids")
        net = cls()
        diag = net.diagnostics
        frame = pd.DataFrame(firms) if firms is not None else pd.DataFrame(index=range(n_firms))
        if len(frame) != n_firms:
            raise InvalidNetworkError(f"firms has {len(frame)} rows but n_firms is {n_firms}")
        frame = frame.reset_index(drop=True).assign(firm_id=nodes[:n_firms].to_numpy())
        if "sector" not in frame.columns:
            frame["sector"] = "unknown"
        firm_frame = _parse_firms(frame, "firms", diag, on_invalid)
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
                    _fail("transactions", what, row=rows[k], column="value", value=val[k])
                diag.add(
                    code,
                    f"transactions: skipped {int(mask.sum())} row(s) where {what} "
                    f"(rows {_row_list(rows[mask])})",
                    count=int(mask.sum()),
                    level="warning",
                )
                keep &= ~mask
        loops = keep & (src == dst)
        if loops.any():
            diag.add(
                "self_loops",
                f"transactions: skipped {int(loops.sum())} self-loop row(s) "
                f"(rows {_row_list(rows[loops])})",
                count=int(loops.sum()),
                level="warning",
            )
        zero = keep & (val == 0)
        if zero.any():
            diag.add(
                "zero_values",
                f"transactions: skipped {int(zero.sum())} row(s) with value "
                f"0 (rows {_row_list(rows[zero])})",
                count=int(zero.sum()),
            )
        keep &= ~loops & ~zero
        tx = {"value": val[keep], "channel": None, "rows": rows[keep], "n_read": len(val)}
        names = {
            "firms": "firms",
            "transactions": "transactions",
            "parties": "parties",
            "cooperation": "cooperation",
        }
        net._build_codes(firm_frame, nodes, src[keep], dst[keep], tx, None, None, names)
        if is_intermediary is not None:
            flags = np.asarray(is_intermediary, dtype=bool)
            if flags.shape != (n_nodes,):
                raise InvalidNetworkError(
                    f"is_intermediary must have shape ({n_nodes},), has {flags.shape}"
                )
            net.is_intermediary = flags.copy()
            net.parties["is_intermediary"] = flags[n_firms:]
        net.cooperation = _empty_cooperation()
        net._sources = names
        net._freeze()
        net._emit_warnings(2)
        return net

    def _emit_warnings(self, stacklevel: int) -> None:
        """Issue the warning-level findings as DataQualityWarning, pointing at the caller."""
        for finding in self.diagnostics.warnings():
            warnings.warn(finding.message, DataQualityWarning, stacklevel=stacklevel + 1)

    def _freeze(self) -> None:
        """Make the node arrays read-only (the frames are documented as read-only)."""
        self.is_firm.setflags(write=False)
        self.is_intermediary.setflags(write=False)

    def _build(self, firm_frame, tx, party_frame, pattern, names):
        """Resolve ids to node codes (firms first, then unknown ids by first appearance)."""
        firm_ids = firm_frame.index
        n_firms = len(firm_ids)
        # one hash pass: firms first (codes 0..n_firms-1, ids are unique), then the
        # transaction ids row by row (supplier, buyer), so unknown ids are numbered by
        # first appearance
        pairs = np.column_stack([tx["supplier"], tx["buyer"]]).ravel()
        everything = np.concatenate([firm_ids.to_numpy(dtype=object), pairs])
        codes, uniques = pd.factorize(everything)
        codes = codes[n_firms:].astype(np.int64)
        codes_s, codes_b = codes[0::2], codes[1::2]
        nodes = pd.Index(np.asarray(uniques, dtype=object).astype(str), name="node", dtype="str")
        self._build_codes(firm_frame, nodes, codes_s, codes_b, tx, party_frame, pattern, names)

    def _build_codes(self, firm_frame, nodes, codes_s, codes_b, tx, party_frame, pattern, names):
        """Everything after id resolution: merge pairs, type parties, report."""
        diag = self.diagnostics
        firm_ids = firm_frame.index
        n_firms = len(firm_ids)
        n_nodes = len(nodes)
        outside = nodes[n_firms:]
        values = tx["value"]

        # merge duplicate (supplier, buyer) pairs
        key = codes_s * n_nodes + codes_b
        uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        summed = np.bincount(inverse, weights=values, minlength=len(uniq))
        src, dst = uniq // n_nodes, uniq % n_nodes
        edges = {"source": src, "target": dst, "value": summed, "n_rows": counts.astype(np.int64)}
        dup_rows = int(len(key) - len(uniq))
        if dup_rows:
            self._report_duplicates(inverse, counts, tx, names)
        if tx["channel"] is not None:
            via = np.where(tx["channel"] == "intermediary", values, 0.0)
            direct = np.where(tx["channel"] == "direct", values, 0.0)
            v_int = np.bincount(inverse, weights=via, minlength=len(uniq))
            v_dir = np.bincount(inverse, weights=direct, minlength=len(uniq))
            v_unk = summed - v_int - v_dir
            channel = np.full(len(uniq), "", dtype=object)
            channel[(v_dir >= v_int) & (v_dir > v_unk)] = "direct"
            channel[(v_int > v_dir) & (v_int > v_unk)] = "intermediary"
            mixed = int(((v_int > 0) & (v_dir > 0)).sum())
            if mixed:
                diag.add(
                    "mixed_channel",
                    f"{names['transactions']}: {mixed} (supplier, buyer) pair(s) traded both "
                    "direct and through an intermediary; the edge's channel is the one with "
                    "the larger value, value_intermediary keeps the split",
                    count=mixed,
                )
            edges["channel"] = pd.array(channel.astype(str), dtype="str")
            edges["value_intermediary"] = v_int
        self.edges = pd.DataFrame(edges)

        self.nodes = nodes
        self.n_firms = n_firms
        self.n_nodes = n_nodes
        is_firm = np.zeros(n_nodes, dtype=bool)
        is_firm[:n_firms] = True
        self.is_firm = is_firm
        self.firms = firm_frame

        # intermediaries: parties file and pattern
        is_int = np.zeros(n_nodes, dtype=bool)
        kind = np.full(n_nodes, "", dtype=object)
        party_name = np.full(n_nodes, "", dtype=object)
        party_region = None
        if party_frame is not None:
            pos = nodes.get_indexer(party_frame.index)
            listed = pos >= 0
            kind[pos[listed]] = party_frame["kind"].to_numpy(dtype=object)[listed]
            party_name[pos[listed]] = party_frame["name"].to_numpy(dtype=object)[listed]
            if "region" in party_frame.columns:
                party_region = np.full(n_nodes, "", dtype=object)
                party_region[pos[listed]] = party_frame["region"].to_numpy(dtype=object)[listed]
            is_int[pos[listed]] = party_frame["kind"].to_numpy(dtype=object)[listed] == (
                "intermediary"
            )
            on_firm = listed & (pos < n_firms)
            if on_firm.any():
                diag.add(
                    "party_is_firm",
                    f"{names['parties']}: {int(on_firm.sum())} listed part(y/ies) are firms of "
                    f"the firm list ({party_frame.index[on_firm][:5].tolist()}); they stay "
                    "firms, a kind 'intermediary' marks them as middlemen",
                    count=int(on_firm.sum()),
                    level="warning",
                )
            if (~listed).any():
                unused = party_frame.index[~listed]
                hint = _lookalike_text(nodes, unused)
                if listed.any():
                    text = (
                        f"{int((~listed).sum())} listed part(y/ies) appear in no transaction "
                        f"and are not in the network ({unused[:5].tolist()}){hint}"
                    )
                else:
                    text = (
                        f"none of the {len(unused)} listed part(y/ies) appears in the "
                        f"transactions ({unused[:5].tolist()}), so none is marked as a "
                        f"middleman, supplier or buyer{hint}; check that both files use the "
                        "same ids"
                    )
                diag.add(
                    "parties_unused",
                    f"{names['parties']}: {text}",
                    count=int((~listed).sum()),
                    level="info" if listed.any() else "warning",
                )
        if pattern is not None:
            with warnings.catch_warnings():  # "has match groups": we only need a bool
                warnings.simplefilter("ignore", UserWarning)
                matched = nodes.to_series().str.contains(pattern, regex=True).to_numpy(bool)
            is_int |= matched
            on_firms = int(matched[:n_firms].sum())
            listed = (
                f": {firm_ids[matched[:n_firms]][:5].tolist()}; their trade with other firms "
                "never counts as trade inside a sentra"
                if on_firms
                else ""
            )
            diag.add(
                "intermediary_pattern",
                f"intermediary_pattern {pattern.pattern!r} marks {int(matched.sum())} node(s) as "
                f"intermediaries ({on_firms} of them listed firms{listed})",
                count=int(matched.sum()),
                level="warning" if on_firms or not matched.any() else "info",
            )
        self.is_intermediary = is_int
        if tx["channel"] is not None:
            self._flag_collectors(src, dst, summed, v_int, names)

        # outside parties: role, counts, values
        n_out = n_nodes - n_firms
        rows_per_node_s = np.bincount(codes_s, minlength=n_nodes)
        rows_per_node_b = np.bincount(codes_b, minlength=n_nodes)
        firm_dst = dst < n_firms
        firm_src = src < n_firms
        sold = np.bincount(src[firm_dst], weights=summed[firm_dst], minlength=n_nodes)
        bought = np.bincount(dst[firm_src], weights=summed[firm_src], minlength=n_nodes)
        sells = np.bincount(src, minlength=n_nodes) > 0
        buys = np.bincount(dst, minlength=n_nodes) > 0
        sl = slice(n_firms, n_nodes)
        role = np.where(
            sells[sl] & buys[sl], "both", np.where(sells[sl], "outside_supplier", "outside_buyer")
        )
        self.parties = pd.DataFrame(
            {
                "role": pd.array(role.astype(str), dtype="str"),
                "is_intermediary": is_int[sl],
                "n_transactions": (rows_per_node_s + rows_per_node_b)[sl].astype(np.int64),
                "value_sold_to_firms": sold[sl],
                "value_bought_from_firms": bought[sl],
                "name": pd.array(party_name[sl].astype(str), dtype="str"),
                "kind": pd.array(kind[sl].astype(str), dtype="str"),
            },
            index=pd.Index(nodes[sl], name="party_id", dtype="str"),
        )
        if party_region is not None:
            self.parties["region"] = pd.array(party_region[sl].astype(str), dtype="str")
        if n_out:
            counts_role = self.parties["role"].value_counts()
            diag.add(
                "outside_parties",
                f"{names['transactions']}: {n_out} id(s) not in the firm list are kept as outside "
                f"parties ({int(counts_role.get('outside_supplier', 0))} suppliers, "
                f"{int(counts_role.get('outside_buyer', 0))} buyers, "
                f"{int(counts_role.get('both', 0))} both); e.g. {outside[:5].tolist()}",
                count=n_out,
            )
        if n_out and "name" in firm_frame.columns:
            self._flag_firm_names(firm_frame, outside, names)
        if n_out:
            like = _lookalike(firm_ids, outside)
            if (like >= 0).any():
                pairs = [
                    f"{o!r}~{firm_ids[k]!r}"
                    for o, k in zip(outside[like >= 0][:5], like[like >= 0][:5], strict=True)
                ]
                diag.add(
                    "outside_like_firm",
                    f"{names['transactions']}: {int((like >= 0).sum())} outside part(y/ies) "
                    f"differ from a listed firm id only in case, spaces, '-', '_' or leading zeros "
                    f"({', '.join(pairs)}); ids are compared exactly, so they are outside "
                    "parties: correct the ids if they are the same firm",
                    count=int((like >= 0).sum()),
                    level="warning",
                )
        between = (~firm_src) & (~firm_dst)
        if between.any() and between.all():
            diag.add(
                "no_firm_trade",
                f"{names['transactions']}: no transaction involves a listed firm: the ids "
                f"there (e.g. {outside[:3].tolist()}) are not those of {names['firms']} "
                f"(e.g. {firm_ids[:3].tolist()}); check that both files use the same ids",
                level="warning",
            )
        if between.any():
            diag.add(
                "outside_to_outside",
                f"{names['transactions']}: {int(between.sum())} pair(s) trade between two outside "
                f"parties (value {summed[between].sum():,.0f}); they are in the network but in "
                "no firm's purchases or sales",
                count=int(between.sum()),
            )
        isolated = ~(sells[:n_firms] | buys[:n_firms])
        if isolated.any():
            none = bool(isolated.all())
            what = (
                f"none of the {n_firms} firm(s) has a transaction"
                if none
                else f"{int(isolated.sum())} firm(s) have no transactions"
            )
            diag.add(
                "firms_without_transactions",
                f"{names['firms']}: {what}; they are kept ({firm_ids[isolated][:5].tolist()})",
                count=int(isolated.sum()),
                level="warning" if none else "info",
            )
        n_firm_int = int(is_int[:n_firms].sum())
        if n_firm_int and pattern is None:
            pass  # already reported as party_is_firm
        self._n_rows_read = tx["n_read"]
        self._n_rows_used = len(values)

    def _report_duplicates(self, inverse, counts, tx, names):
        """Rows merged into one (supplier, buyer) pair: a warning for real repeats (same
        pair, same or no product); an info line for one row per product of a pair."""
        keys = pd.Series(inverse)
        later = keys.duplicated().to_numpy()  # every row after a pair's first
        product = tx.get("product")
        same = keys.to_frame("k") if product is None else pd.DataFrame({"k": inverse, "p": product})
        repeat = same.duplicated().to_numpy()
        per_product = later & ~repeat
        for mask, shown, level, what in (
            (
                per_product,
                keys.isin(inverse[per_product]).to_numpy(),
                "info",
                "row(s) for other products of the same (supplier, buyer) pair",
            ),
            (
                repeat,
                same.duplicated(keep=False).to_numpy(),
                "warning",
                "duplicate row(s) for the same (supplier, buyer) pair",
            ),
        ):
            if mask.any():
                self.diagnostics.add(
                    "duplicate_transactions",
                    f"{names['transactions']}: {int(mask.sum())} {what} were summed into "
                    f"{np.unique(inverse[mask]).size} pair(s) (rows "
                    f"{_row_list(tx['rows'][shown])})",
                    count=int(mask.sum()),
                    level=level,
                )

    def _flag_firm_names(self, firm_frame, outside, names):
        """Warn about outside ids that are the name of a listed firm (case-insensitive):
        transactions written with names instead of ids."""
        key = firm_frame["name"].astype(str).str.strip().str.lower()
        key = pd.Index(key.where(key != "", None))
        unique = ~key.duplicated(keep=False) & key.notna()
        hit = key[unique].get_indexer(outside.str.lower())
        pos = np.where(hit >= 0, np.flatnonzero(unique)[np.maximum(hit, 0)], -1)
        if not (pos >= 0).any():
            return
        pairs = ", ".join(
            f"{o!r} is {firm_frame.index[k]!r}"
            for o, k in zip(outside[pos >= 0][:5], pos[pos >= 0][:5], strict=True)
        )
        self.diagnostics.add(
            "outside_is_firm_name",
            f"{names['transactions']}: {int((pos >= 0).sum())} outside part(y/ies) are the "
            f"names of listed firms ({pairs}); transactions must name firms by firm_id, so "
            "these are outside parties: replace the names by the ids",
            count=int((pos >= 0).sum()),
            level="warning",
        )

    def _flag_collectors(self, src, dst, value, via, names):
        """Warn about listed firms that buy mostly through sales marked as via an
        intermediary from two or more firms: middlemen surveyed as firms, whose purchases
        count as trade inside their sentra until they are marked as middlemen."""
        n = self.n_firms
        ff = (src < n) & (dst < n)
        d = dst[ff]
        bought = np.bincount(d, weights=value[ff], minlength=n)
        bought_via = np.bincount(d, weights=via[ff], minlength=n)
        sellers_via = np.bincount(d[via[ff] > 0], minlength=n)
        flagged = (sellers_via >= 2) & (bought_via >= 0.5 * bought) & ~self.is_intermediary[:n]
        if not flagged.any():
            return
        idx = np.flatnonzero(flagged)
        shown = ", ".join(
            f"{self.nodes[k]!r}: {int(sellers_via[k])} firms, "
            f"{bought_via[k] / bought[k]:.0%} of {bought[k]:,.0f}"
            for k in idx[:5]
        )
        self.diagnostics.add(
            "firm_buys_via_intermediary",
            f"{names['transactions']}: {idx.size} listed firm(s) buy mostly through sales "
            f"marked as via an intermediary ({shown}); if they are middlemen (pengepul), mark "
            "them (parties file with kind 'intermediary', or intermediary_pattern / "
            "--intermediary-pattern): until then what they buy counts as trade inside their "
            "sentra, which can make a passive sentra look active",
            count=int(idx.size),
            level="warning",
        )

    def _build_cooperation(self, frame, source):
        diag = self.diagnostics
        frame = _find_header(frame, _COOPERATION_ALIASES, ["firm_a", "firm_b"], source, diag)
        frame = _normalise_columns(frame, _COOPERATION_ALIASES, source)
        _require(frame, ["firm_a", "firm_b"], source)
        frame, rows = _without_blank(frame, source, diag)
        a_ids = _id_strings(frame["firm_a"], f"{source}, column 'firm_a'", diag)
        b_ids = _id_strings(frame["firm_b"], f"{source}, column 'firm_b'", diag)
        if "kind" in frame.columns:
            kind = frame["kind"].astype(str).str.strip().str.lower()
            kind = kind.where(frame["kind"].notna() & (kind != ""), "unspecified")
            kind = kind.str.replace(r"\s+", "_", regex=True).to_numpy(dtype=object)
        else:
            kind = np.full(len(frame), "unspecified", dtype=object)
        a = self.nodes.get_indexer(pd.Index(np.where(a_ids == None, "", a_ids).astype(str)))  # noqa: E711
        b = self.nodes.get_indexer(pd.Index(np.where(b_ids == None, "", b_ids).astype(str)))  # noqa: E711
        unknown = (a < 0) | (b < 0)
        if unknown.any():
            bad = np.where(a[unknown] < 0, a_ids[unknown], b_ids[unknown])[:5].tolist()
            named = np.r_[a_ids[unknown & (a < 0)], b_ids[unknown & (b < 0)]]
            named = pd.Index(pd.unique(named[~pd.isna(named)]).astype(str))
            hint = _lookalike_text(self.nodes, named)
            diag.add(
                "cooperation_unknown_ids",
                f"{source}: skipped {int(unknown.sum())} cooperation tie(s) naming an id that is "
                f"neither a firm nor a trading party ({bad}; rows {_row_list(rows[unknown])})"
                f"{hint}",
                count=int(unknown.sum()),
                level="warning",
            )
        self_tie = ~unknown & (a == b)
        if self_tie.any():
            diag.add(
                "cooperation_self",
                f"{source}: skipped {int(self_tie.sum())} tie(s) of a firm with itself (rows "
                f"{_row_list(rows[self_tie])})",
                count=int(self_tie.sum()),
                level="warning",
            )
        keep = ~unknown & ~self_tie
        lo = np.minimum(a, b)[keep].astype(np.int64)
        hi = np.maximum(a, b)[keep].astype(np.int64)
        ties = pd.DataFrame({"a": lo, "b": hi, "kind": kind[keep].astype(str)})
        deduped = ties.drop_duplicates().sort_values(["a", "b", "kind"]).reset_index(drop=True)
        n_dup = len(ties) - len(deduped)
        if n_dup:
            diag.add(
                "cooperation_duplicates",
                f"{source}: {n_dup} repeated tie(s) (same pair and kind, either direction) were "
                "counted once",
                count=n_dup,
            )
        with_outside = int(((deduped["a"] >= self.n_firms) | (deduped["b"] >= self.n_firms)).sum())
        if with_outside:
            diag.add(
                "cooperation_outside",
                f"{source}: {with_outside} tie(s) involve an outside party",
                count=with_outside,
            )
        deduped["kind"] = deduped["kind"].astype("str")
        self.cooperation = deduped

    # ------------------------------------------------------------------ views
    def trade_matrix(self) -> sp.csr_array:
        """Sparse (n_nodes x n_nodes) matrix; entry [i, j] is the value sold by i to j.

        Examples
        --------
        >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
        >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "OUT"], "value": [3, 4]})
        >>> SupplyNetwork.from_frames(firms, tx).trade_matrix().toarray()
        array([[0., 3., 0.],
               [0., 0., 4.],
               [0., 0., 0.]])
        """
        e = self.edges
        return sp.csr_array(
            (e["value"].to_numpy(), (e["source"].to_numpy(), e["target"].to_numpy())),
            shape=(self.n_nodes, self.n_nodes),
        )

    def node_frame(self) -> pd.DataFrame:
        """One row per node: ``kind`` (firm | outside), ``role``, ``is_intermediary``, ``name``
        and the firm attributes (missing for outside parties)."""
        firms = self.firms
        frame = pd.DataFrame(index=self.nodes)
        frame["kind"] = np.where(self.is_firm, "firm", "outside")
        role = np.full(self.n_nodes, "firm", dtype=object)
        role[self.n_firms :] = self.parties["role"].to_numpy(dtype=object)
        frame["role"] = role.astype(str)
        frame["is_intermediary"] = self.is_intermediary
        names = np.full(self.n_nodes, "", dtype=object)
        if "name" in firms.columns:
            names[: self.n_firms] = firms["name"].to_numpy(dtype=object)
        names[self.n_firms :] = self.parties["name"].to_numpy(dtype=object)
        frame["name"] = names.astype(str)
        for col in firms.columns:
            if col == "name":
                continue
            values = firms[col].to_numpy()
            if values.dtype.kind in "fiub":
                full = np.full(self.n_nodes, np.nan)
            else:
                full = np.full(self.n_nodes, None, dtype=object)
            full[: self.n_firms] = values
            frame[col] = full
        return frame

    def to_networkx(self):
        """A networkx ``DiGraph``: nodes are ids with their attributes, edges carry ``weight``.

        Firms have ``kind="firm"`` and their columns (``sector``, ``name``, ...); outside
        parties have ``kind="outside"``, ``role`` and ``is_intermediary``. Edge attributes:
        ``weight`` (= value), ``n_rows`` and ``channel`` when known.

        Examples
        --------
        >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
        >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "OUT"], "value": [3, 4]})
        >>> G = SupplyNetwork.from_frames(firms, tx).to_networkx()
        >>> G["A"]["B"]["weight"], G.nodes["OUT"]["role"], G.nodes["A"]["sector"]
        (3.0, 'outside_buyer', 'x')
        """
        import networkx as nx

        G = nx.DiGraph()
        nodes = self.node_frame()
        records = nodes.to_dict("records")
        for rec in records:
            for key, value in list(rec.items()):
                if value is None or (isinstance(value, float) and np.isnan(value)):
                    del rec[key]
        G.add_nodes_from(zip(self.nodes.tolist(), records, strict=True))
        ids = np.asarray(self.nodes, dtype=object)
        e = self.edges
        attrs = {"weight": e["value"].to_numpy().tolist(), "n_rows": e["n_rows"].tolist()}
        if "channel" in e.columns:
            attrs["channel"] = e["channel"].tolist()
            attrs["value_intermediary"] = e["value_intermediary"].tolist()
        keys = list(attrs)
        G.add_edges_from(
            (u, v, dict(zip(keys, vals, strict=True)))
            for u, v, *vals in zip(
                ids[e["source"].to_numpy()],
                ids[e["target"].to_numpy()],
                *attrs.values(),
                strict=True,
            )
        )
        return G

    def to_igraph(self):
        """A directed igraph ``Graph`` built from the edge arrays.

        Vertex ``i`` is ``nodes[i]``: attribute ``name`` is the id (igraph looks vertices
        up by it), ``label`` the firm's or party's name, plus ``kind``, ``role``,
        ``is_intermediary`` and the firm columns; edges carry ``weight`` (= value) and
        ``channel`` when known.

        Examples
        --------
        >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
        >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "OUT"], "value": [3, 4]})
        >>> g = SupplyNetwork.from_frames(firms, tx).to_igraph()
        >>> g.vcount(), g.ecount(), g.is_directed(), g.es["weight"]
        (3, 2, True, [3.0, 4.0])
        """
        import igraph as ig

        e = self.edges
        pairs = np.column_stack([e["source"].to_numpy(), e["target"].to_numpy()])
        g = ig.Graph(n=self.n_nodes, edges=pairs.tolist(), directed=True)
        nodes = self.node_frame()
        for col in nodes.columns:
            g.vs["label" if col == "name" else col] = nodes[col].to_numpy().tolist()
        g.vs["name"] = self.nodes.tolist()
        g.es["weight"] = e["value"].to_numpy().tolist()
        if "channel" in e.columns:
            g.es["channel"] = e["channel"].tolist()
        return g

    # ------------------------------------------------------------------ analysis
    def firm_metrics(self, solver: str = "auto", *, method=None) -> pd.DataFrame:
        """Per-firm purchases, sales, local input share, intermediary share and linkages.

        See :func:`linkage.network.metrics.firm_metrics` (``solver``: the method of the
        firm system's solver; ``method`` is its deprecated spelling).
        """
        from .metrics import firm_metrics

        return firm_metrics(self, solver, method=method)

    def to_iotable(self, by: str = "sector", area=None):
        """The sentra's own IO table, aggregated by a firm column.

        See :func:`linkage.network.metrics.network_iotable`.
        """
        from .metrics import network_iotable

        return network_iotable(self, by=by, area=area)

    def summary(self) -> dict:
        """What was read, merged and skipped, and the headline shares.

        Returns
        -------
        dict
            ``firms, outside_parties, intermediaries, transactions_read, transactions_used,
            pairs, duplicate_rows_merged, self_loops_skipped, zero_values_skipped,
            invalid_rows_skipped, firms_without_transactions, cooperation_ties,
            cooperation_skipped, total_value, value_among_firms, value_from_outside,
            value_to_outside, value_between_outside, inside_share, local_input_share,
            intermediary_sales_share``. ``inside_share`` is the value traded among listed
            firms over all trade of listed firms; ``local_input_share`` the share of the
            firms' purchases bought from listed firms; ``intermediary_sales_share`` the share
            of their sales that went to or through middlemen.

        Examples
        --------
        >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
        >>> tx = pd.DataFrame({"supplier": ["S", "A", "B"], "buyer": ["A", "B", "OUT"],
        ...                    "value": [1, 3, 4]})
        >>> s = SupplyNetwork.from_frames(firms, tx).summary()
        >>> s["value_among_firms"], s["inside_share"], s["local_input_share"]
        (3.0, 0.375, 0.75)
        """
        from .metrics import node_flows

        d = self.diagnostics
        e = self.edges
        src, dst = e["source"].to_numpy(), e["target"].to_numpy()
        val = e["value"].to_numpy()
        fs, fd = src < self.n_firms, dst < self.n_firms
        among = float(val[fs & fd].sum())
        from_out = float(val[~fs & fd].sum())
        to_out = float(val[fs & ~fd].sum())
        between = float(val[~fs & ~fd].sum())
        firm_trade = among + from_out + to_out
        flows = node_flows(self)
        purchases = float(flows["purchases_total"][: self.n_firms].sum())
        sales = float(flows["sales_total"][: self.n_firms].sum())
        via = float(flows["sales_intermediary"][: self.n_firms].sum())
        return {
            "firms": self.n_firms,
            "outside_parties": self.n_nodes - self.n_firms,
            "intermediaries": int(self.is_intermediary.sum()),
            "transactions_read": int(self._n_rows_read),
            "transactions_used": int(self._n_rows_used),
            "pairs": len(e),
            "duplicate_rows_merged": d.count("duplicate_transactions"),
            "self_loops_skipped": d.count("self_loops"),
            "zero_values_skipped": d.count("zero_values"),
            "invalid_rows_skipped": d.count("invalid_values")
            + d.count("negative_values")
            + d.count("missing_ids"),
            "firms_without_transactions": d.count("firms_without_transactions"),
            "cooperation_ties": len(self.cooperation),
            "cooperation_skipped": d.count("cooperation_unknown_ids") + d.count("cooperation_self"),
            "total_value": float(val.sum()),
            "value_among_firms": among,
            "value_from_outside": from_out,
            "value_to_outside": to_out,
            "value_between_outside": between,
            "inside_share": among / firm_trade if firm_trade else float("nan"),
            "local_input_share": among / purchases if purchases else float("nan"),
            "intermediary_sales_share": via / sales if sales else float("nan"),
        }

    def __repr__(self) -> str:
        return (
            f"<SupplyNetwork: {self.n_firms} firms, {self.n_nodes - self.n_firms} outside "
            f"parties, {len(self.edges)} trade links, {len(self.cooperation)} cooperation ties>"
        )


def read_network(firms, transactions, cooperation=None, parties=None, **options) -> SupplyNetwork:
    """Read a sentra survey from csv / xlsx / parquet files (or DataFrames).

    Parameters
    ----------
    firms, transactions : path or DataFrame
    cooperation, parties : path or DataFrame, optional
    **options
        Passed to :meth:`SupplyNetwork.from_frames` (``intermediary_pattern``,
        ``on_invalid``).

    Returns
    -------
    SupplyNetwork

    Examples
    --------
    >>> from linkage.io.examples import data_path
    >>> folder = data_path("sentra")
    >>> net = read_network(folder / "firms.csv", folder / "transactions.csv",
    ...                    folder / "cooperation.csv", parties=folder / "parties.csv")
    >>> net.n_firms > 50
    True
    """
    options.setdefault("_stacklevel", 3)
    return SupplyNetwork.from_frames(firms, transactions, cooperation, parties, **options)
