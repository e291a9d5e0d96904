"""Excel sheets read by calamine (python-calamine, Rust), checked against what openpyxl reads.

:func:`linkage.io.grid.read_excel_grid` reads a sheet here first and falls back to
openpyxl's read-only reader whenever calamine cannot give exactly the grid openpyxl gives,
so that tables and diagnostics do not depend on which reader ran. What openpyxl's
read-only, data-only reader does and calamine does not, and how it is kept:

- **grid shape**: openpyxl reads from ``A1`` to the last ``<row>`` element, at most to the
  sheet's ``<dimension>``, every row as wide as the dimension; calamine stops at the last
  non-empty cell. The sheet's XML is scanned (in a thread, while calamine parses) for the
  dimension and the last row, and calamine's cells are padded to that shape; a sheet with
  no dimension, or with data outside it (openpyxl would cut it), goes to openpyxl.
- **empty cells**: calamine gives ``""``, openpyxl ``None``; ``""`` becomes ``None``.
  A workbook with an empty shared string (a cell holding ``""`` that openpyxl reads as
  ``""``) goes to openpyxl.
- **error cells** (``#DIV/0!``): openpyxl gives the text, calamine an empty cell; sheets
  with error cells go to openpyxl. So do sheets with dates or times (openpyxl gives
  ``datetime``, calamine ``date``), and workbooks with ``_x000D_``-style escapes, which
  calamine decodes and openpyxl's read-only reader does not.
- **formulas without a saved value** read as empty in both; the scan finds them for the
  error of :func:`linkage.io.grid.read_excel_grid`, as before.
- **merged cells** and **hidden rows**: both readers give a merged range's value in its
  first cell only and read hidden rows like the others (openpyxl's read-only mode knows
  neither), so nothing is lost; hidden sheets are listed by both. The scan collects the
  hidden rows and columns (:mod:`linkage.io.xlsx_hidden`) into the grid
  (``Grid.hidden``), and the wide-table reader reports them.
- whole numbers come as ``5.0`` from calamine and ``5`` from openpyxl; every label and
  number function treats them alike (:func:`linkage.io.labels.norm_label`).
"""

from __future__ import annotations

import html
import re
import threading
import zipfile
from dataclasses import dataclass, field

import numpy as np

from . import xlsx_hidden

try:
    from python_calamine import CalamineWorkbook
except ImportError:  # pragma: no cover - python-calamine is a dependency
    CalamineWorkbook = None

__all__ = ["calamine_sheet", "sheet_members", "SheetFacts", "scan_sheet_xml"]

#: Cells above which a sheet is left to openpyxl (a dimension like A1:XFD1048576).
MAX_CELLS = 50_000_000
_CHUNK = 1 << 20
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]*)([0-9]*)(?::([A-Z]+)([0-9]+))?"')
_ROW_R = re.compile(rb'<row\b[^>]*?\br="([0-9]+)"')
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_PLAIN_TYPES = frozenset({str, float, int, bool})


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


@dataclass
class SheetFacts:
    """What the scan of one sheet's XML found (see :func:`scan_sheet_xml`)."""

    max_row: int | None = None  # of the dimension
    max_col: int | None = None
    last_row: int = 0  # r of the last <row> element
    plain: bool = True  # no prefixed tags, error cells or _xHHHH_ escapes
    xml_with_formulas: bytes | None = None  # the XML, kept when it has formula cells
    error: BaseException | None = None
    reasons: list = field(default_factory=list)
    hidden: xlsx_hidden.HiddenLines = field(default_factory=xlsx_hidden.HiddenLines)


def scan_sheet_xml(path, member: str) -> SheetFacts:
    """Dimension, last row, formulas and what calamine reads otherwise, in one pass.

    The sheet's XML is decompressed in 1 MiB chunks (zlib releases the GIL, so this runs
    beside calamine); only a sheet holding formulas is kept whole, for the regex of
    unsaved formulas.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.xlsx"
    >>> wb = openpyxl.Workbook(); wb.active["C4"] = 1.5; wb.save(p)
    >>> f = scan_sheet_xml(p, "xl/worksheets/sheet1.xml")
    >>> f.max_row, f.max_col, f.last_row, f.plain
    (4, 3, 4, True)
    """
    facts = SheetFacts()
    try:
        with zipfile.ZipFile(path) as z, z.open(member.lstrip("/")) as fh:
            _scan(fh, facts)
    except (KeyError, OSError, zipfile.BadZipFile, ValueError) as exc:
        facts.error = exc
    return facts


def _scan(fh, facts: SheetFacts) -> None:
    kept, prev, first = None, b"", True
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            break
        text = prev[-4096:] + chunk  # a tag cut by the chunk boundary is seen whole
        if first:
            first = False
            m = _DIMENSION.search(text)
            if m and m.group(3):
                facts.max_col, facts.max_row = _col_number(m.group(3)), int(m.group(4))
            elif m and m.group(1):
                facts.max_col, facts.max_row = _col_number(m.group(1)), int(m.group(2) or 1)
            if b"<sheetData" not in text and b":sheetData" in text:
                facts.plain = False
                facts.reasons.append("prefixed tags")
        odd = b' t="e"' in text or (b"_x" in text and _ESCAPE.search(text))
        if facts.plain and odd:
            facts.plain = False
            facts.reasons.append("error cells or _xHHHH_ escapes")
        xlsx_hidden.feed(facts.hidden, text)  # hidden rows and columns
        rows = list(_ROW_R.finditer(text))
        if rows:
            facts.last_row = max(facts.last_row, int(rows[-1].group(1)))
        if kept is None and (b"<f>" in text or b"<f " in text or b"<f/>" in text):
            kept = [prev]
        if kept is not None:
            kept.append(chunk)
        prev = chunk
    if kept is not None:
        facts.xml_with_formulas = b"".join(kept)


_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")


def sheet_members(path) -> dict:
    """Sheet name -> its XML member in the zip (``xl/worksheets/sheet1.xml``), in order.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.xlsx"
    >>> wb = openpyxl.Workbook(); wb.active.title = "io"; _ = wb.create_sheet("x & y")
    >>> wb.save(p)
    >>> sheet_members(p)
    {'io': 'xl/worksheets/sheet1.xml', 'x & y': 'xl/worksheets/sheet2.xml'}
    """
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml")
        rels = z.read("xl/_rels/workbook.xml.rels")
    targets = {}
    for m in _REL.finditer(rels):
        a = dict(_ATTR.findall(m.group(1)))
        target = a.get(b"Target", b"").decode()
        if target.startswith("/"):
            target = target.lstrip("/")
        elif not target.startswith("xl/"):
            target = "xl/" + target
        targets[a.get(b"Id", b"").decode()] = target
    out = {}
    for m in _SHEET.finditer(book):
        a = dict(_ATTR.findall(m.group(1)))
        rid = next((v for k, v in a.items() if k.endswith(b":id")), b"").decode()
        out[html.unescape(a.get(b"name", b"").decode("utf-8"))] = targets.get(rid)
    return out


def _empty_shared_string(path) -> bool:
    """True when the workbook has an empty shared string (read as "" by openpyxl)."""
    try:
        with zipfile.ZipFile(path) as z:
            sst = z.read("xl/sharedStrings.xml")
    except (KeyError, OSError, zipfile.BadZipFile):
        return False
    return bool(re.search(rb"<si>\s*(<t\s*/>|<t[^>]*>\s*</t>)\s*</si>", sst)) or bool(
        _ESCAPE.search(sst)
    )


def calamine_sheet(path, name: str, member: str | None):
    """(cells, facts) of one sheet read by calamine, or (None, reason) when openpyxl must.

    ``cells`` is the object array openpyxl's read-only reader would give (see the module
    notes); ``facts`` the :class:`SheetFacts` of the sheet's XML (its formulas too).
    """
    if CalamineWorkbook is None:
        return None, "python-calamine cannot be imported"
    if not member:
        return None, "sheet not found in the workbook's relationships"
    found = []
    scan = threading.Thread(target=lambda: found.append(scan_sheet_xml(path, member)))
    scan.start()
    try:
        data = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
        rows = data.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own kinds for features it lacks
        scan.join()
        return None, f"calamine: {exc}"
    scan.join()
    facts = found[0]
    if facts.error is not None or not facts.plain or facts.max_col is None:
        return None, "sheet XML: " + (
            str(facts.error) if facts.error else ", ".join(facts.reasons) or "no dimension"
        )
    if _empty_shared_string(path):
        return None, "empty shared strings or escapes"
    return _shape_like_openpyxl(rows, facts)


def _shape_like_openpyxl(rows: list, facts: SheetFacts):
    height = min(facts.last_row, facts.max_row)
    width = facts.max_col if height else 0
    if height * width > MAX_CELLS:
        return None, "dimension too large"
    got = np.array(rows, dtype=object) if rows and rows[0] else np.empty((len(rows), 0), object)
    if got.ndim != 2:
        return None, "ragged calamine rows"
    flat = got.ravel()
    kinds = set(map(type, flat))
    if kinds - _PLAIN_TYPES:
        odd = kinds - _PLAIN_TYPES
        return None, f"cells of type {sorted(k.__name__ for k in odd)}"
    empty = flat == ""
    flat[empty] = None
    outside = ~empty.reshape(got.shape)
    outside[:height, :width] = False
    if outside.any():
        return None, "cells outside the sheet's dimension"
    cells = np.full((height, width), None, dtype=object)
    h, w = min(height, got.shape[0]), min(width, got.shape[1])
    cells[:h, :w] = got[:h, :w]
    return cells, facts
