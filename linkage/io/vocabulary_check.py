"""The columns read as final demand and the rows read as primary inputs: stated and checked.

After the sectors and the totals of a wide table are known, every other column is final
demand and every other row a primary input. :func:`check_final_demand` and
:func:`check_primary_inputs` state which ones (a note naming them) and accept a line only
when its label is a known name (:mod:`linkage.io.vocabulary`), was named by the user
(``final_demand=`` / ``--final-demand``, ``primary_inputs=`` / ``--primary-inputs``) or
was already reported as an unnamed column. Any other label is an ambiguity: it may be a
sector whose row (or column) is missing or misspelt. That is a one-line error naming the
file, the line and its label, the closest sector labels and the option that settles it.
So is a known name nearly equal to a sector's label (:data:`NEAR_SECTOR_RATIO`): the stems
are broad (``other``, ``household``), and ``Household service`` beside the sector
``Household services`` is more likely that sector misspelt than a final-demand column.
"""

from __future__ import annotations

import difflib

from ..errors import InputFileError
from .labels import loose_key, norm_label
from .vocabulary import is_final_demand_name, is_primary_input_name
from .wide_lines import ValueBlock
from .wide_sectors import MISSPELT_RATIO

__all__ = ["OptionalLabels", "parse_label_list", "check_final_demand", "check_primary_inputs"]


class OptionalLabels(tuple):
    """Labels to read as final demand (primary inputs) where a table has them.

    A plain list given as ``final_demand=`` must name lines of the table (a label it does
    not have is an error: a typo, or the wrong table). ``OptionalLabels`` relaxes that
    for one list meant for several tables (``linkage decompose``: two tables, one
    ``--final-demand``); the caller checks that each label was used by some table.
    """


def parse_label_list(value) -> list | OptionalLabels | None:
    """Labels given as a list or as one comma-separated string (``"a,b"``); None stays None.

    Examples
    --------
    >>> parse_label_list("ekspor, stok"), parse_label_list(None)
    (['ekspor', 'stok'], None)
    >>> parse_label_list(OptionalLabels(["jasa "]))
    ('jasa',)
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    labels = [str(v).strip() for v in value if str(v).strip()]
    return OptionalLabels(labels) if isinstance(value, OptionalLabels) else labels


def check_final_demand(p: ValueBlock, fd_c, sec_r, given, diag) -> None:
    """State the final-demand columns; an unknown label is an error (see module doc)."""
    _check(p, "column", fd_c, sec_r, given, diag)


def check_primary_inputs(p: ValueBlock, pi_r, sec_c, given, diag) -> None:
    """State the primary-input rows; an unknown label is an error (see module doc)."""
    _check(p, "row", pi_r, sec_c, given, diag)


#: A known final-demand (primary-input) label at least this similar to a sector label
#: (difflib ratio, without case, spaces, punctuation or a leading code) is an ambiguity:
#: the ratio at which a row and a column are paired as one misspelt sector
#: (:data:`linkage.io.wide_sectors.MISSPELT_RATIO`).
NEAR_SECTOR_RATIO = MISSPELT_RATIO


def sector_keys(sectors) -> dict:
    """Loose key (no case, spaces, punctuation or leading code) -> sector label."""
    keys = {}
    for label in sectors:
        keys.setdefault(loose_key(norm_label(label)), label)
    return keys


def near_sectors(label, keys: dict) -> list:
    """Sector labels nearly equal to ``label`` (see :data:`NEAR_SECTOR_RATIO`), closest
    first; ``keys`` from :func:`sector_keys`.

    Examples
    --------
    >>> keys = sector_keys(["Household services", "Mining"])
    >>> near_sectors("Household service", keys), near_sectors("Households", keys)
    (['Household services'], [])
    """
    key = loose_key(norm_label(label))
    if len(key) < 4:  # abbreviations (hh, va, gos): equal to a short sector code by chance
        return []
    close = difflib.get_close_matches(key, list(keys), n=3, cutoff=NEAR_SECTOR_RATIO)
    return [keys[k] for k in close if k != key]


_WHAT = {
    "column": ("final demand", "--final-demand", "final_demand=", "row"),
    "row": ("primary inputs", "--primary-inputs", "primary_inputs=", "column"),
}


def _check(p: ValueBlock, kind, lines, sec, given, diag) -> None:
    spec, other = (p.cols, p.rows) if kind == "column" else (p.rows, p.cols)
    what, option, keyword, missing = _WHAT[kind]
    wanted = {norm_label(x) for x in given or ()}
    labels = [spec.label[q] for q in lines]
    found = {norm_label(x) for x in labels}
    absent = [x for x in given or () if norm_label(x) not in found]
    if absent and not isinstance(given, OptionalLabels):
        raise InputFileError(
            f"{option} names {absent[:5]}, which are not {kind}s read as {what} "
            f"(those are: {labels[:8]})",
            path=p.grid.path,
        )
    known = is_final_demand_name if kind == "column" else is_primary_input_name
    unnamed = {norm_label(f"column {p.grid.col_name(q)}") for q in p.cols.pos} | {"final demand"}
    sectors = [other.label[s] for s in sec]
    keys = sector_keys(sectors) if lines else {}
    for q in lines:
        key = norm_label(spec.label[q])
        if key in wanted or (kind == "column" and key in unnamed):
            continue
        if known(spec.label[q]):
            _raise_near_sector(p, kind, q, keys)
            continue
        close = difflib.get_close_matches(spec.label[q], sectors, n=3, cutoff=0.6)
        hint = f"; closest sectors: {close}" if close else ""
        raise InputFileError(
            f"{kind} label {spec.label[q]!r} has no matching {missing} and is not a known "
            f"name of {what}: it may be a sector whose {missing} is missing or misspelt"
            f"{hint}. Pass {option} {spec.label[q]!r} ({keyword} in Python) to read it "
            f"as {what}, or correct the label",
            **_where(p, kind, q),
        )
    if lines:
        diag.add(
            f"read_as_{what.replace(' ', '_')}",
            f"{p.grid.short}: {len(lines)} {kind}s without a matching {missing} read as "
            f"{what}: {labels[:8]}{' ...' if len(labels) > 8 else ''}"
            + (f" ({len(wanted & found)} named by {option})" if wanted & found else ""),
        )


def _raise_near_sector(p: ValueBlock, kind, q, keys) -> None:
    """The error for a known name nearly equal to a sector label (module doc)."""
    spec = p.cols if kind == "column" else p.rows
    what, option, keyword, missing = _WHAT[kind]
    near = near_sectors(spec.label[q], keys)
    if not near:
        return
    raise InputFileError(
        f"{kind} label {spec.label[q]!r} has no matching {missing}; it reads as a name of "
        f"{what}, but it is nearly the sector label {near[0]!r}"
        f"{f' (also close: {near[1:]})' if near[1:] else ''}: it may be that sector's "
        f"{kind}, misspelt. Pass {option} {spec.label[q]!r} ({keyword} in Python) to read "
        f"it as {what}, or correct the label",
        **_where(p, kind, q),
    )


def _where(p: ValueBlock, kind, q) -> dict:
    """``path``, ``row`` and ``column`` of line ``q``'s label cell, for the error."""
    if kind == "column":
        return dict(path=p.grid.path, column=p.grid.col_name(p.cols.pos[q]))
    return dict(path=p.grid.path, row=p.grid.rows[p.rows.pos[q]])
