"""Cell grids: the raw rows and columns of a CSV file or an Excel sheet, before any meaning.

A :class:`Grid` keeps every cell as it was (strings from CSV, numbers or strings from
Excel) with the spreadsheet position of each row (1-based) and column (``A``, ``B`` ... for
Excel, ``1``, ``2`` ... for CSV), so that every error can point at the cell a person sees.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..errors import InputFileError
from . import xlsx, xlsx_hidden

__all__ = [
    "Grid",
    "read_csv_grid",
    "read_excel_grid",
    "column_letter",
    "sniff_separator",
]

ENCODINGS = ("utf-8-sig", "cp1252")


def column_letter(j: int) -> str:
    """Spreadsheet letter of a 0-based column number.

    Examples
    --------
    >>> column_letter(0), column_letter(25), column_letter(26)
    ('A', 'Z', 'AA')
    """
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Grid:
    """A rectangular block of raw cells with their spreadsheet positions.

    Attributes
    ----------
    cells : ndarray of object, shape (r, c)
        str, int/float or None.
    path : str
        File (and sheet) the cells come from, for messages.
    rows : list of int
        1-based row number of each row as a spreadsheet shows it.
    excel : bool
        True for Excel sheets (columns shown as letters).
    sep : str or None
        The CSV separator used.
    diagnostics : Diagnostics
        What happened while reading (ragged rows, encoding).
    reader : str
        Which reader read the cells (``csv``, ``pyarrow``, ``calamine``, ``openpyxl``).
    hidden : HiddenLines
        Rows and columns hidden in the Excel sheet (none for CSV).
    """

    cells: np.ndarray
    path: str
    rows: list
    excel: bool = False
    sep: str | None = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    reader: str = ""
    hidden: xlsx_hidden.HiddenLines = field(default_factory=xlsx_hidden.HiddenLines)

    @property
    def short(self) -> str:
        """File name (and sheet) without the folders, for messages."""
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    def col_name(self, j: int) -> str:
        """How a person finds column ``j``: a letter for Excel, a 1-based number for CSV."""
        return column_letter(j) if self.excel else str(j + 1)

    def where(self, i: int, j: int) -> str:
        """Cell reference, e.g. ``D7`` (Excel) or ``row 7, field 4`` (CSV)."""
        if self.excel:
            return f"{column_letter(j)}{self.rows[i]}"
        return f"row {self.rows[i]}, field {j + 1}"


def empty_mask(cells: np.ndarray) -> np.ndarray:
    """Boolean mask of empty cells (None, NaN, blank strings).

    Examples
    --------
    >>> empty_mask(np.array([["", " x"], [None, 0.0]], dtype=object)).tolist()
    [[True, False], [True, False]]
    """
    if not cells.size:
        return np.zeros(cells.shape, bool)
    flat = np.asarray(cells, dtype=object).ravel()
    is_str = np.fromiter(map(isinstance, flat, repeat(str)), bool, count=flat.size)
    empty = pd.isna(flat) & ~is_str
    if is_str.any():
        empty[is_str] = (pd.Series(flat[is_str], dtype=object).str.strip() == "").to_numpy()
    return empty.reshape(cells.shape)


#: Leading bytes of files that are not text, and what to tell the user.
_NOT_TEXT = (
    (
        b"PK\x03\x04",
        "is a workbook or other zip file, not text: if it is an Excel "
        "workbook, give it the .xlsx suffix (OpenDocument .ods: save it as .xlsx)",
    ),
    (b"\xd0\xcf\x11\xe0", "is an old binary Excel (.xls) file, not text: save it as .xlsx"),
    (b"PAR1", "is a parquet file: give it the .parquet suffix"),
)


#: Bytes looked at to recognize UTF-16 without a byte-order mark.
UTF16_SAMPLE = 4096


def text_encodings(start: bytes) -> tuple[str, ...]:
    """Encodings to try, in order, for a text file whose first bytes are ``start``.

    UTF-16 with its byte-order mark (what spreadsheets save as "Unicode text"); UTF-16
    without one when, in the first :data:`UTF16_SAMPLE` bytes, most byte pairs hold one
    NUL byte, on the same side (little-endian: ASCII text ``'a\\x00'``; big-endian:
    ``'\\x00a'``); else UTF-8 (a UTF-8 mark dropped) and Windows-1252. The one place
    for these rules: the table readers (:func:`_decode`) and the survey reader use it.

    Examples
    --------
    >>> text_encodings("id,sektor".encode("utf-16-le")), text_encodings(b"id,s")
    (('utf-16-le',), ('utf-8-sig', 'cp1252'))
    >>> text_encodings("id".encode("utf-16-be")), text_encodings(b"\\xff\\xfei\\x00")
    (('utf-16-be',), ('utf-16',))
    """
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return ("utf-16",)
    guess = _utf16_without_bom(start[:UTF16_SAMPLE])
    return (guess,) if guess else ENCODINGS


def _utf16_without_bom(sample: bytes) -> str | None:
    """``"utf-16-le"`` / ``"utf-16-be"`` when most byte pairs of ``sample`` have their
    NUL byte on one side (and the other byte not NUL), else None. A stray NUL in UTF-8
    text (a broken export) is not enough: at least half the pairs must show it."""
    pairs = np.frombuffer(sample[: len(sample) // 2 * 2], dtype=np.uint8).reshape(-1, 2)
    if not len(pairs):
        return None
    nul = pairs == 0
    le = int(np.count_nonzero(~nul[:, 0] & nul[:, 1]))
    be = int(np.count_nonzero(nul[:, 0] & ~nul[:, 1]))
    if le >= len(pairs) / 2 and le > 4 * be:
        return "utf-16-le"
    if be >= len(pairs) / 2 and be > 4 * le:
        return "utf-16-be"
    return None


def _decode(path: Path) -> tuple[str, str]:
    """Text of a file and the encoding used (:func:`text_encodings`; latin-1 at last).

    UTF-16 without a byte-order mark is a guess (from the NUL bytes): its encoding is
    returned as ``utf-16-le`` / ``utf-16-be`` and so stated in the grid's diagnostics.
    """
    raw = path.read_bytes()
    for magic, what in _NOT_TEXT:
        if raw.startswith(magic):
            raise InputFileError(f"this file {what}", path=path)
    encodings = text_encodings(raw[:UTF16_SAMPLE])
    for enc in encodings:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError as exc:
            if enc.startswith("utf-16"):
                how = (
                    "by its byte-order mark" if enc == "utf-16" else "(NUL bytes every other byte)"
                )
                raise InputFileError(
                    f"cannot decode as UTF-16, recognized {how}: {exc.reason} at byte {exc.start}",
                    path=path,
                ) from None
    return raw.decode("latin-1"), "latin-1"  # pragma: no cover - cp1252 covers nearly all


def sniff_separator(lines: list[str]) -> str:
    """Choose the CSV field separator from the first non-empty lines.

    Each of ``;``, tab and ``,`` splits the lines into fields; the separator giving the
    most lines of one and the same width (more than one field) wins, ties in that order.
    Title or note lines with fewer fields (a hand-trimmed export) and decimal commas in a
    ``;`` file thus do not mislead it.

    Examples
    --------
    >>> sniff_separator(["sektor;A;B", "A;1,5;2", "B;3;4,25"])
    ';'
    >>> sniff_separator(["sector,A,B", "A,1.5,2"])
    ','
    """
    sample = [ln for ln in lines if ln.strip()][:50]
    if not sample:
        return ","
    best, best_score = ",", 0
    for sep in (";", "\t", ","):
        widths = [len(r) for r in csv.reader(sample, delimiter=sep)]
        multi = [w for w in widths if w > 1]
        if not multi:
            continue
        score = multi.count(max(set(multi), key=multi.count))
        if score > best_score:
            best, best_score = sep, score
    return best


def read_csv_grid(path, sep: str | None = None) -> Grid:
    """Read a delimited text file into a :class:`Grid` of strings (separator sniffed)."""
    path = Path(path)
    try:
        text, encoding = _decode(path)
    except OSError as exc:
        raise InputFileError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    lines = text.splitlines()
    if sep is None:
        sep = sniff_separator(lines)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    width = max((len(r) for r in rows), default=0)
    diag = Diagnostics()
    if encoding not in ("utf-8-sig", "utf-8"):
        diag.add("encoding", f"{path.name}: text read as {encoding}")
    ragged = sum(1 for r in rows if 0 < len(r) < width and any(c.strip() for c in r))
    cells = np.full((len(rows), width), "", dtype=object)
    for i, r in enumerate(rows):
        cells[i, : len(r)] = r
    if ragged:
        diag.add(
            "ragged_rows",
            f"{path.name}: {ragged} rows have fewer than {width} fields; "
            "missing fields read as empty",
            count=ragged,
        )
    return Grid(cells, str(path), list(range(1, len(rows) + 1)), False, sep, diag, "csv")


def excel_sheet_names(path) -> list[str]:
    """Sheet names of a workbook, in order (hidden sheets and chart sheets included)."""
    if xlsx.CalamineWorkbook is not None:
        try:
            return list(xlsx.sheet_members(path))
        except Exception:  # broken or unusual files: openpyxl's error message
            pass
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise InputFileError(f"cannot open as an Excel workbook: {exc}", path=path) from None
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


_FORMULA_CELL = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*>\s*(?:<f\b[^>]*/>|<f\b[^>]*>([^<]*)</f>)'
    rb"\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)


def _unsaved_in(xml: bytes | None) -> list:
    """(cell, formula) of formula cells without a saved value in a sheet's XML."""
    if not xml or b"<f" not in xml:
        return []
    return [
        (m.group(1).decode(), "=" + html.unescape((m.group(2) or b"").decode("utf-8", "replace")))
        for m in _FORMULA_CELL.finditer(xml)
    ]


def _unsaved_formulas(path, member) -> list:
    """(cell, formula) of formula cells without a saved value in one sheet of an .xlsx.

    Excel and LibreOffice save each formula's value; programs that write workbooks
    (openpyxl, pandas) often do not, and such cells read as empty.
    """
    if not member:
        return []
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read(member.lstrip("/"))
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    return _unsaved_in(xml)


def _choose_sheet(path: Path, names: list, sheet, diag: Diagnostics) -> str:
    """The sheet asked for (name, 0-based index or None: the first), with its findings."""
    if not names:
        raise InputFileError("the workbook has no sheets", path=path)
    if sheet is None:
        name = names[0]
        if len(names) > 1:
            diag.add(
                "sheet_chosen",
                f"{path.name}: read the first sheet {name!r} of {len(names)} "
                f"({names[:6]}); choose another with sheet= (command line: --sheet)",
            )
    elif isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise InputFileError(f"sheet index {sheet} out of range; sheets: {names}", path=path)
        name = names[sheet]
    else:
        if sheet not in names:
            raise InputFileError(f"no sheet named {sheet!r}; sheets: {names}", path=path)
        name = sheet
    if sheet is not None and len(names) > 1:
        diag.add(
            "sheet_chosen",
            f"{path.name}: read sheet {name!r} (as asked), one of {len(names)} sheets",
        )
    return name


def _raise_unsaved(path: Path, name: str, unsaved: list) -> None:
    if unsaved:
        ref, formula = unsaved[0]
        col, row = re.match(r"([A-Z]+)([0-9]+)", ref).groups()
        raise InputFileError(
            f"formula cell {ref} has no saved value ({len(unsaved)} such cells): the file "
            "was written by a program that does not compute formulas; open it in Excel or "
            "LibreOffice and save it",
            path=f"{path} [sheet {name!r}]",
            row=int(row),
            column=col,
            value=formula,
        )


ENGINES = ("auto", "calamine", "openpyxl")


def read_excel_grid(path, sheet=None, *, engine: str = "auto") -> Grid:
    """Read one sheet (name or 0-based index; default the first) into a :class:`Grid`.

    Formula cells give their cached values (as Excel last computed them). ``engine``:
    ``"auto"`` reads with calamine (python-calamine) when it gives exactly the grid
    openpyxl gives (:mod:`linkage.io.xlsx` lists when it does not) and with openpyxl's
    read-only reader otherwise; ``"openpyxl"`` always with openpyxl; ``"calamine"``
    with calamine or an error saying why not. ``grid.reader`` says which one read it.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.xlsx"
    >>> wb = openpyxl.Workbook(); wb.active["B2"] = "x"; wb.active["C3"] = 2.5; wb.save(p)
    >>> g = read_excel_grid(p)
    >>> g.cells.tolist(), g.reader
    ([[None, None, None], [None, 'x', None], [None, None, 2.5]], 'calamine')
    >>> read_excel_grid(p, engine="openpyxl").cells.tolist()[2]
    [None, None, 2.5]
    """
    path = Path(path)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if engine != "openpyxl":
        grid, why = _read_calamine(path, sheet)
        if grid is not None:
            return grid
        if engine == "calamine":
            raise InputFileError(
                f"calamine cannot read this sheet as openpyxl does: {why}", path=path
            )
    return _read_openpyxl(path, sheet)


def _read_calamine(path: Path, sheet):
    """(Grid, "") read by calamine, or (None, why not)."""
    if xlsx.CalamineWorkbook is None:
        return None, "python-calamine cannot be imported"
    try:
        members = xlsx.sheet_members(path)
    except Exception as exc:  # not a plain xlsx: openpyxl says what is wrong
        return None, f"workbook parts: {exc}"
    diag = Diagnostics()
    name = _choose_sheet(path, list(members), sheet, diag)
    cells, facts = xlsx.calamine_sheet(path, name, members[name])
    if cells is None:
        return None, facts
    _raise_unsaved(path, name, _unsaved_in(facts.xml_with_formulas))
    rows = list(range(1, cells.shape[0] + 1))
    grid = Grid(cells, f"{path} [sheet {name!r}]", rows, True, None, diag, "calamine")
    grid.hidden = facts.hidden  # found by the scan of the sheet's XML beside calamine
    return grid, ""


def _read_openpyxl(path: Path, sheet) -> Grid:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InputFileError(f"cannot open as an Excel workbook: {exc}", path=path) from None
    diag = Diagnostics()
    try:
        name = _choose_sheet(path, list(wb.sheetnames), sheet, diag)
        ws = wb[name]
        data = [list(r) for r in ws.iter_rows(values_only=True)]
        member = getattr(ws, "_worksheet_path", None)
        unsaved = _unsaved_formulas(path, member)
    finally:
        wb.close()
    _raise_unsaved(path, name, unsaved)
    width = max((len(r) for r in data), default=0)
    cells = np.full((len(data), width), None, dtype=object)
    for i, r in enumerate(data):
        cells[i, : len(r)] = r
    rows = list(range(1, len(data) + 1))
    grid = Grid(cells, f"{path} [sheet {name!r}]", rows, True, None, diag, "openpyxl")
    grid.hidden = xlsx_hidden.sheet_hidden(path, member)  # openpyxl's read-only mode: no flags
    return grid
