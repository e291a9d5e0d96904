"""The wide IO-table layout: sectors as rows and as columns, in one CSV file or sheet.

From a :class:`~linkage.io.grid.Grid` of raw cells this module finds the header row
and the label column, decides which rows and columns are sectors, final demand, primary
inputs, employment or totals, parses the numbers and builds an :class:`~linkage.IOTable`.

Rules (documented for users in ``docs/formats.md``):

- **sectors** are the labels that appear both as a row and as a column (compared without
  case and extra spaces; a leading numeric code such as ``7310 Building cleaning`` is
  ignored when that makes more labels match). Columns are put in the rows' order; a
  different order is reported.
- **totals** are never data, nor sectors. A line is a total when its name (or BPS code) is a total
  name (``total``, ``jumlah``, ``total output`` ...), or when it equals the sum of other
  lines of its block (intermediate sum plus some final-demand columns, or some
  primary-input rows) and has at least three non-zero numbers: for lines named like a
  total, value added or output exactly (one line or more) or within 1 % (two lines or
  more), for other names within 0.01 % (two lines or more) or within 1 % of all other
  lines together. Each total is compared with what it
  should equal and the gap reported. The total-output column gives ``x`` as published.
- repeated labels: an error for sectors; other repeated rows or columns are renamed
  ``"<label> (2)"`` with a warning.
- a row named like **employment** (``employment``, ``jobs``, ``tenaga kerja``, ``labour``)
  becomes ``table.employment`` (not when it names compensation or wages); of several
  such rows the first is used and the others are skipped, never primary inputs.
- other columns are **final demand**, other rows **primary inputs**; but lines above the
  first sector row or left of the first sector column are labels (codes, numbering) and
  are skipped with a warning. Rows or columns without any number (second header rows,
  codes, notes) are skipped and counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..core.table import DEFAULT_BALANCE_RTOL, IOTable
from ..errors import DataQualityWarning, InputFileError
from .construct import table_from_arrays
from .grid import Grid
from .labels import is_employment_name, is_total_name, norm_label
from .vocabulary_check import check_final_demand, check_primary_inputs, parse_label_list
from .wide_layout import LineSpec, locate_wide
from .wide_lines import (
    ValueBlock,
    check_labels,
    check_numbers,
    parse_block,
    rename_duplicates,
    report_hidden_lines,
    skip_header_lines,
    skip_text_lines,
)
from .wide_sectors import find_sectors
from .wide_totals import split_totals

__all__ = [
    "norm_label",
    "is_total_name",
    "is_employment_name",
    "LineSpec",
    "locate_wide",
    "build_wide",
]


def build_wide(
    grid: Grid,
    rows: LineSpec,
    cols: LineSpec,
    *,
    decimal=None,
    thousands=None,
    sectors=None,
    final_demand=None,
    primary_inputs=None,
    name="",
    units="",
    balance_rtol=DEFAULT_BALANCE_RTOL,
    diagnostics: Diagnostics | None = None,
    skip_hidden: bool = False,
) -> IOTable:
    """Classify the lines of a located wide table, parse its numbers, build the IOTable.

    The steps: parse the value cells (:mod:`linkage.io.wide_lines`), skip the lines that
    are not data, find the sectors (:mod:`linkage.io.wide_sectors`), the employment row,
    the totals among the other lines (:mod:`linkage.io.wide_totals`), then assemble the
    table from the sector block, final demand, primary inputs and employment.
    The final-demand columns and primary-input rows are stated and their labels checked
    (:mod:`linkage.io.vocabulary_check`); ``final_demand`` / ``primary_inputs`` (lists or
    comma-separated labels) name the ones whose labels are not known names.
    Rows and columns hidden in an Excel sheet are read and warned about, or skipped with
    ``skip_hidden=True`` (:func:`~linkage.io.wide_lines.report_hidden_lines`).
    """
    diag = Diagnostics()
    diag.extend(grid.diagnostics)
    if diagnostics is not None:
        diag.extend(diagnostics)
    block = parse_block(grid, rows, cols, decimal, thousands, diag)
    skip_text_lines(block, diag)
    skip_header_lines(block, sectors, diag)
    report_hidden_lines(block, skip_hidden, diag)
    check_labels(block, diag)
    check_numbers(block, decimal, diag)
    r_idx, c_idx = np.flatnonzero(block.keep_r), np.flatnonzero(block.keep_c)
    rename_duplicates(block, r_idx, c_idx, diag)
    sec_r, sec_c = find_sectors(block, r_idx, c_idx, sectors, diag)
    set_r, set_c = set(sec_r), set(sec_c)
    other_c = [j for j in c_idx if j not in set_c]
    other_r, emp_r = _employment_rows(rows, [i for i in r_idx if i not in set_r], diag, grid.short)
    fd_c, pi_r, total_output = split_totals(
        block.values, rows, cols, (sec_r, sec_c), (other_r, other_c), balance_rtol, diag, grid.short
    )
    check_final_demand(block, fd_c, sec_r, parse_label_list(final_demand), diag)
    check_primary_inputs(block, pi_r, sec_c, parse_label_list(primary_inputs), diag)
    labels = pd.Index([rows.label[i] for i in sec_r], name="sector")
    arrays = _blocks(block, labels, (sec_r, sec_c), fd_c, pi_r, emp_r, diag)
    del block  # the parsed cells go before the table is built: its Z is the block's copy
    if not fd_c:
        raise InputFileError(
            "no final-demand columns (columns that are neither sectors nor "
            "totals); cannot compute total output",
            path=grid.path,
        )
    return table_from_arrays(
        path=grid.path,
        stacklevel=4,
        total_output=total_output,
        sectors=labels,
        name=name,
        units=units,
        balance_rtol=balance_rtol,
        diagnostics=diag,
        copy=False,  # Z is _blocks' own copy, referenced nowhere else
        **arrays,
    )


def _employment_rows(rows: LineSpec, other_r: list, diag, short) -> tuple[list, list]:
    """The non-sector rows without employment rows, and the employment row (a list of at
    most one: the first row named like employment; persons are not a primary input)."""
    emp_r = [i for i in other_r if is_employment_name(rows.label[i]) and not rows.strong[i]]
    if len(emp_r) > 1:
        # persons are not money: the other employment rows are skipped, never inputs
        diag.add(
            "employment_rows",
            f"{short}: several employment rows "
            f"{[rows.label[i] for i in emp_r]}; the first is used, the others are "
            "skipped (persons are not a primary input)",
            len(emp_r) - 1,
            level="warning",
            warn=DataQualityWarning,
            stacklevel=6,
        )
    return [i for i in other_r if i not in emp_r], emp_r[:1]


def _blocks(p: ValueBlock, labels, sec, fd_c, pi_r, emp_r, diag) -> dict:
    """``Z``, final demand, value added and employment of the table, as the constructor
    takes them; cells where primary inputs meet final demand are reported, not stored."""
    (sec_r, sec_c), vals, rows, cols, short = sec, p.values, p.rows, p.cols, p.grid.short
    final_demand = pd.DataFrame(
        vals[np.ix_(sec_r, fd_c)], index=labels, columns=[cols.label[j] for j in fd_c]
    )
    value_added = pd.DataFrame(
        vals[np.ix_(pi_r, sec_c)], index=[rows.label[i] for i in pi_r], columns=labels
    )
    corner = vals[np.ix_(pi_r, fd_c)] if pi_r and fd_c else np.zeros((0, 0))
    nz = int(np.count_nonzero(corner))
    if nz:
        diag.add(
            "primary_final_block",
            f"{short}: {nz} non-zero cells where primary-input rows "
            f"meet final-demand columns (e.g. imports or taxes on final use, sum "
            f"{corner.sum():.6g}) are not part of the IOTable and were not stored",
            nz,
        )
    employment = None
    if emp_r:
        employment = pd.Series(vals[emp_r[0], sec_c], index=labels)
        extra = vals[emp_r[0], fd_c] if fd_c else np.zeros(0)
        diag.add("employment_row", f"{short}: row {rows.label[emp_r[0]]!r} read as employment")
        if np.count_nonzero(extra):
            diag.add(
                "employment_extra",
                f"{short}: employment row has "
                f"{np.count_nonzero(extra)} values in final-demand columns; ignored",
                int(np.count_nonzero(extra)),
            )
    return dict(
        Z=vals[np.ix_(sec_r, sec_c)],
        final_demand=final_demand,
        value_added=value_added if pi_r else None,
        employment=employment,
    )
