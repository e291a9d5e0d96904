"""Which lines of a wide table are its sectors: labels that are a row and a column.

:func:`find_sectors` pairs sector rows with sector columns by key (or takes the sectors
given), drops labels that are a row and a column but not a sector (imports,
:func:`drop_false_sectors`), pairs a row and a column with one misspelt label
(:func:`match_misspelt`) and reports columns in another order than the rows and
non-sector rows between sector rows.
"""

from __future__ import annotations

import difflib
import re

import numpy as np

from ..errors import DataQualityWarning, InputFileError
from .labels import is_employment_name, loose_key, norm_label
from .wide_lines import ValueBlock

__all__ = ["find_sectors", "drop_false_sectors", "match_misspelt", "warn_negative_flows"]


def find_sectors(p: ValueBlock, r_idx, c_idx, sectors, diag) -> tuple[list, list]:
    """Sector rows and their columns, in the rows' order, among the kept lines.

    With ``sectors`` given, those labels (as rows, by key or label) in that order;
    otherwise every row whose key is also a column's, neither a total, then the repairs
    and reports of this module.

    Raises
    ------
    InputFileError
        A given sector missing as a row or a column; no sector at all.
    """
    rows, cols, short = p.rows, p.cols, p.grid.short
    col_of = {cols.key[j]: j for j in c_idx if not cols.strong[j]}
    if sectors is not None:
        sec_r = _given_sectors(rows, r_idx, col_of, sectors, p.grid.path)
    else:
        sec_r = [i for i in r_idx if rows.key[i] in col_of and not rows.strong[i]]
    if not sec_r:
        raise InputFileError("no labels appear both as a row and as a column", path=p.grid.path)
    sec_c = [col_of[rows.key[i]] for i in sec_r]
    if sectors is not None:
        return sec_r, sec_c
    sec_r, sec_c = drop_false_sectors(rows, cols, sec_r, sec_c, p.values, diag, short)
    sec_r, sec_c = match_misspelt(rows, cols, r_idx, c_idx, sec_r, sec_c, diag, short)
    warn_negative_flows(rows, cols, sec_r, sec_c, p.values, diag, short)
    _report_order(rows, sec_r, sec_c, diag, short)
    _report_gaps(rows, r_idx, sec_r, p.keep_r, diag, short)
    return sec_r, sec_c


def _given_sectors(rows, r_idx, col_of, sectors, path) -> list:
    """Rows of the sectors given (by key or label), each of which must also be a column."""
    row_of = {rows.key[i]: i for i in r_idx}
    row_of.update({norm_label(rows.label[i]): i for i in r_idx})
    found = [row_of.get(norm_label(s)) for s in sectors]
    missing = [
        s for s, i in zip(sectors, found, strict=True) if i is None or rows.key[i] not in col_of
    ]
    if missing:
        raise InputFileError(
            f"sectors not found both as a row and as a column: {missing[:5]}", path=path
        )
    return found


def _report_order(rows, sec_r, sec_c, diag, short) -> None:
    """Warn when the sector columns are in another order than the sector rows."""
    if sec_c == sorted(sec_c):
        return
    diag.add(
        "sector_order",
        f"{short}: sector columns are in a different order from the "
        "sector rows; columns were matched to rows by label (first differences: "
        + ", ".join(
            [
                f"{rows.label[i]!r}"
                for i, c, s in zip(sec_r, sec_c, sorted(sec_c), strict=True)
                if c != s
            ][:3]
        )
        + ")",
        level="warning",
        warn=DataQualityWarning,
        stacklevel=7,
    )


def _report_gaps(rows, r_idx, sec_r, keep_r, diag, short) -> None:
    """Report the kept non-sector rows between the first and the last sector row."""
    rset = set(sec_r)
    rs_pos = [i for i in r_idx if i in rset]
    if rs_pos != list(range(rs_pos[0], rs_pos[-1] + 1)) and len(rs_pos) > 1:
        gaps = [rows.label[i] for i in range(rs_pos[0], rs_pos[-1]) if i not in rset and keep_r[i]]
        diag.add(
            "sector_gaps",
            f"{short}: non-sector rows between sector rows: {gaps[:5]}",
            len(gaps),
        )


_IMPORTS = re.compile(
    r"^(less |dikurangi |minus |\(-\) ?)?(total |jumlah )?(imports?|impor|tuonti)"
    r"( (barang dan jasa|of goods and services|c\.?i\.?f\.?))?$"
)


def drop_false_sectors(rows, cols, sec_r, sec_c, vals, diag, short):
    """Drop labels that are a row and a column but not a sector: imports.

    A competitive-import table has an imports row (a primary input) and an imports
    column (final demand, usually negative) with the same name. A label is dropped when
    it names imports, or when its column buys a negative total from the other sectors
    and nothing positive from any sector, itself included (an imports column under
    another name). A sector
    with some negative flows (a subsidy, a stock change booked in the flows) but some
    positive purchases too is kept: its negative entries are warned about
    (:func:`warn_negative_flows`), never a reason to drop the sector.
    """
    keep = []
    block = vals[np.ix_(sec_r, sec_c)] if sec_r else np.zeros((0, 0))
    # what each column buys from the other sectors: the column sum less the diagonal,
    # summed again in the order of before where that could change its sign
    fast = block.sum(axis=0) - np.diag(block) if sec_r else np.zeros(0)
    near = fast <= 1e-9 * np.abs(block).sum(axis=0) if sec_r else np.zeros(0, bool)
    for k, (i, j) in enumerate(zip(sec_r, sec_c, strict=True)):
        bought = float(fast[k])
        if near[k]:
            others = [r for r in sec_r if r != i]
            bought = float(vals[others, j].sum()) if others else 0.0
        # an imports column under another name buys nothing from anyone, itself included
        buys = bool(np.any(block[:, k] > 0))
        if _IMPORTS.match(norm_label(rows.label[i])) or (bought < 0 and not buys):
            why = "names imports" if bought >= 0 else f"its column sums to {bought:.6g}"
            diag.add(
                "not_a_sector",
                f"{short}: {rows.label[i]!r} is a row and a column but not a sector "
                f"({why}): the row is read as a primary input, the column as final demand",
            )
        else:
            keep.append((i, j))
    if not keep:
        return sec_r, sec_c
    return [i for i, _ in keep], [j for _, j in keep]


def warn_negative_flows(rows, cols, sec_r, sec_c, vals, diag, short) -> None:
    """Note the negative flows between sectors (kept as read), naming the first ones (the
    table's constructor warns that Z has negative entries; this says which)."""
    block = vals[np.ix_(sec_r, sec_c)]
    neg = np.argwhere(block < 0)
    if not neg.size:
        return
    shown = ", ".join(
        f"{rows.label[sec_r[a]]!r} -> {cols.label[sec_c[b]]!r} ({block[a, b]:.6g})"
        for a, b in neg[:3]
    )
    diag.add(
        "negative_flows",
        f"{short}: {len(neg)} negative flows between sectors, kept as read (a subsidy or "
        f"a stock change booked in the flows?): {shown}{' ...' if len(neg) > 3 else ''}",
        len(neg),
    )


#: Row and column labels at least this similar (difflib ratio, without case, spaces or
#: punctuation) are one sector misspelt, when neither matches anything else.
MISSPELT_RATIO = 0.85
#: Misspelt labels are looked for only among this many (row, column) or (label, sector)
#: pairs, to keep large tables fast.
MISSPELT_MAX_PAIRS = 20_000


def match_misspelt(rows, cols, r_idx, c_idx, sec_r, sec_c, diag, short):
    """Pair a row and a column that are one sector with a misspelt label, with a warning.

    Candidates are rows and columns that matched nothing, are neither totals nor
    employment (nor a row and a column with one label, left apart on purpose) and lie
    among the sector lines or next to them; a pair must be each other's most similar
    candidate, at least :data:`MISSPELT_RATIO` alike. The sector takes the row's label.
    """
    taken_r, taken_c = set(sec_r), set(sec_c)
    rc = [
        i for i in _near_block(r_idx, taken_r, rows.strong) if not is_employment_name(rows.label[i])
    ]
    cc = _near_block(c_idx, taken_c, cols.strong)
    if not rc or not cc or len(rc) * len(cc) > MISSPELT_MAX_PAIRS:
        return sec_r, sec_c
    rk = {i: loose_key(norm_label(rows.label[i])) for i in rc}
    ck = {j: loose_key(norm_label(cols.label[j])) for j in cc}

    def ratio(a, b):
        return difflib.SequenceMatcher(None, a, b).ratio() if a and b else 0.0

    # equal keys were left apart on purpose (drop_false_sectors)
    sim = {(i, j): ratio(rk[i], ck[j]) * (rows.key[i] != cols.key[j]) for i in rc for j in cc}
    pairs = []
    for i in rc:
        j = max(cc, key=lambda j: sim[i, j])
        if sim[i, j] >= MISSPELT_RATIO and max(rc, key=lambda r: sim[r, j]) == i:
            pairs.append((i, j))
    for i, j in pairs:
        diag.add(
            "misspelt_sector",
            f"{short}: row {rows.label[i]!r} and column {cols.label[j]!r} are read as one "
            "sector (nearly the same label, and neither matches another line); correct "
            "the label if they are different",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=7,
        )
    if not pairs:
        return sec_r, sec_c
    both = sorted([*zip(sec_r, sec_c, strict=True), *pairs])
    return [i for i, _ in both], [j for _, j in both]


def _near_block(idx, taken, strong) -> list:
    """Lines of ``idx`` that are not sectors (``taken``) nor totals and lie between the
    first and last sector line or right next to them (totals not counted)."""
    lines = [q for q in idx if not strong[q]]
    pos = [k for k, q in enumerate(lines) if q in taken]
    if not pos:
        return []
    lo, hi = max(pos[0] - 1, 0), min(pos[-1] + 1, len(lines) - 1)
    return [q for q in lines[lo : hi + 1] if q not in taken]
