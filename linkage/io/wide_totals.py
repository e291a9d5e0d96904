"""Which non-sector lines of a wide table are totals, and the checks they give.

A final-demand column (or primary-input row) is a total when its name says so or when it
equals the sum of other lines of its block (:func:`find_totals`); each total is compared
with what it should equal and the gap reported. :func:`split_totals` applies this to both
blocks of a table and takes the total-output column as ``x`` as published. The rules are
listed in :mod:`linkage.io.wide`.
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import DataQualityWarning
from .labels import is_total_name, norm_label, strip_code
from .wide_layout import LineSpec

__all__ = ["find_totals", "lone_total_as_data", "split_totals"]

#: A line is recognized as a sum of others by value only if it has this many non-zeros.
MIN_NONZERO_FOR_VALUE_MATCH = 3


def _subset_match(target, others, tol, min_size):
    """Indices of a subset of rows of ``others`` summing to ``target`` within ``tol``, or None."""
    p = others.shape[0]
    scale = max(float(np.abs(target).max()), 1e-300)
    if p == 0 or not np.any(target):
        return None

    def ok(s):
        return np.abs(target - s).max() <= tol * scale

    if p <= 14 and (2**p) * target.size <= 4_000_000:
        bits = ((np.arange(1, 2**p)[:, None] >> np.arange(p)) & 1).astype(float)
        sizes = bits.sum(axis=1)
        sums = bits @ others
        err = np.abs(sums - target).max(axis=1)
        err[sizes < min_size] = np.inf
        k = int(np.argmin(err))
        if err[k] <= tol * scale:
            return list(np.flatnonzero(bits[k]))
        return None
    cums = np.vstack([np.zeros(target.size), np.cumsum(others, axis=0)])
    for a in range(p):
        for b in range(a + min_size, p + 1):
            if ok(cums[b] - cums[a]):
                return list(range(a, b))
    return None


def find_totals(base, lines, names, strong, *, axis_word, balance_rtol, diag, where):
    """Split lines into data and totals; report each total's check.

    Parameters
    ----------
    base : ndarray (n,)
        Sum over the intermediate block along this axis (Z row sums for columns).
    lines : ndarray (p, n)
        Candidate final-demand columns (or primary-input rows), on the sector axis.
    names : list of str
    strong : list of bool
        Known totals (by name or code).

    Returns
    -------
    is_total : list of bool
        True for totals.
    full_gap : list of float
        For totals, the relative gap to the grand sum (intermediate + every data line).
    """
    p = lines.shape[0]
    is_total = [False] * p
    full_gap = [np.inf] * p
    weak = [is_total_name(nm) == "weak" for nm in names]
    for t in range(p):
        others_idx = [j for j in range(p) if j != t and not is_total[j] and not strong[j]]
        comp = np.vstack([base[None, :], lines[others_idx]]) if others_idx else base[None, :]
        comp_names = ["intermediate sum"] + [names[j] for j in others_idx]
        named = strong[t] or weak[t]
        if strong[t]:  # known total: say exactly what it sums, or compare with natural sums
            sub = _subset_match(lines[t], comp, 1e-9, 1)
        elif np.count_nonzero(lines[t]) < MIN_NONZERO_FOR_VALUE_MATCH:
            sub = None  # too few numbers to tell a sum from a coincidence
        elif named:
            sub = _subset_match(lines[t], comp, 1e-6, 1)
            if sub is None:
                sub = _subset_match(lines[t], comp, max(1e-2, balance_rtol), 2)
        elif _rel_gap(lines[t], base) <= 1e-4:
            sub = [0]  # exactly the intermediate sum (e.g. BPS 190d under another name)
        else:
            sub = _subset_match(lines[t], comp, 1e-4, 2)
            if (
                sub is None
                and others_idx
                and _rel_gap(lines[t], comp.sum(axis=0)) <= max(1e-2, balance_rtol)
            ):
                # within 1 % of everything else: a total under any name ("Tuotos", "X")
                sub = list(range(comp.shape[0]))
        if strong[t] or sub is not None:
            is_total[t] = True
            if sub is None:
                # compare with the closest natural sum: everything, or intermediate only
                full = comp.sum(axis=0)
                cands = {"intermediate sum + all " + axis_word: full, "intermediate sum": base}
                if len(others_idx):
                    cands["all " + axis_word] = comp[1:].sum(axis=0)
                gaps = {k: _rel_gap(lines[t], v) for k, v in cands.items()}
                what = min(gaps, key=gaps.get)
                gap = gaps[what]
            else:
                what = " + ".join(comp_names[k] for k in sub[:6]) + (
                    f" + {len(sub) - 6} more" if len(sub) > 6 else ""
                )
                gap = _rel_gap(lines[t], comp[sub].sum(axis=0))
            data_idx = [j for j in range(p) if j != t and not is_total[j] and not strong[j]]
            full_gap[t] = _rel_gap(lines[t], base + lines[data_idx].sum(axis=0))
            level = "warning" if gap > balance_rtol else "info"
            diag.add(
                "total_check",
                f"{where} {names[t]!r} is a total, not data: compared with "
                f"{what}, max relative gap {gap:.2g}",
                level=level,
                warn=DataQualityWarning if level == "warning" else None,
                stacklevel=7,
            )
    return is_total, full_gap


def _rel_gap(a, b):
    scale = np.maximum(np.abs(a), np.abs(b))
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(scale > 0, np.abs(a - b) / np.where(scale > 0, scale, 1), 0.0)
    return float(g.max()) if g.size else 0.0


_FD_TOTAL = re.compile(
    r"^(total |jumlah )?(permintaan akhir|final demand|final uses?|konsumsi akhir)$"
)
_PI_TOTAL = re.compile(
    r"^(total |jumlah )?(input primer|nilai tambah( bruto)?|value added|primary inputs?)$"
)


def lone_total_as_data(spec: LineSpec, idx: list, kind: str, diag, short: str) -> list:
    """Total flags of the non-sector columns (or rows), but a lone aggregate is data.

    When every non-sector column is a total by name and one of them is the total of final
    demand ("Permintaan Akhir", "Total final demand", BPS 3090), that column is the only
    final-demand information the table gives: it is read as one final-demand column.
    Rows likewise: a lone "Input Primer" / value-added row (BPS 2090) is one primary input.
    """
    strong = [spec.strong[q] for q in idx]
    if not idx or not all(strong):
        return strong
    pattern, codes = (
        (_FD_TOTAL, ("3090", "309")) if kind == "column" else (_PI_TOTAL, ("2090", "209"))
    )
    agg = [
        k
        for k, q in enumerate(idx)
        if spec.key[q] in codes or pattern.match(strip_code(norm_label(spec.label[q])))
    ]
    if len(agg) == 1:
        strong[agg[0]] = False
        what = "final-demand categories" if kind == "column" else "primary-input rows"
        diag.add(
            f"lone_total_used_{kind}",
            f"{short}: no separate {what}, only their total {spec.label[idx[agg[0]]]!r}: "
            f"read as one {'final-demand column' if kind == 'column' else 'primary input'}",
        )
    return strong


def split_totals(vals, rows: LineSpec, cols: LineSpec, sec, other, balance_rtol, diag, short):
    """Final-demand columns and primary-input rows that are data, and ``x`` as published.

    ``sec`` are the (rows, columns) of the sectors, ``other`` the other (rows, columns)
    read as data so far. Totals among them are found, checked and dropped; the
    total-output column (closest to intermediate + all final demand, within 5 %) gives
    total output as published, else ``None``.

    Returns
    -------
    fd_c, pi_r : list
        The final-demand columns and the primary-input rows.
    total_output : ndarray or None
    """
    (sec_r, sec_c), (other_r, other_c) = sec, other
    Z = vals[np.ix_(sec_r, sec_c)]
    fd_lines = vals[np.ix_(sec_r, other_c)].T if other_c else np.zeros((0, len(sec_r)))
    fd_strong = lone_total_as_data(cols, other_c, "column", diag, short)
    fd_tot, fd_full = find_totals(
        Z.sum(axis=1),
        fd_lines,
        [cols.label[j] for j in other_c],
        fd_strong,
        axis_word="final-demand columns",
        balance_rtol=balance_rtol,
        diag=diag,
        where=f"{short}: column",
    )
    pi_lines = vals[np.ix_(other_r, sec_c)] if other_r else np.zeros((0, len(sec_c)))
    pi_tot, _ = find_totals(
        Z.sum(axis=0),
        pi_lines,
        [rows.label[i] for i in other_r],
        lone_total_as_data(rows, other_r, "row", diag, short),
        axis_word="primary-input rows",
        balance_rtol=balance_rtol,
        diag=diag,
        where=f"{short}: row",
    )
    fd_c = [j for j, t in zip(other_c, fd_tot, strict=True) if not t]
    total_output = None
    gaps = [(g, -q) for q, (t, g) in enumerate(zip(fd_tot, fd_full, strict=True)) if t]
    if gaps and min(gaps)[0] <= 0.05:
        q = -min(gaps)[1]
        total_output = fd_lines[q]
        diag.add(
            "total_output",
            f"{short}: column {cols.label[other_c[q]]!r} gives total "
            "output x as published; row and column sums are checked against it",
        )
    pi_r = [i for i, t in zip(other_r, pi_tot, strict=True) if not t]
    return fd_c, pi_r, total_output
