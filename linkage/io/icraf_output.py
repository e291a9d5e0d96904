"""Total output and money units of an ICRAF table: negative row totals, output per worker.

A negative row total is not an output (:func:`nonnegative_output` replaces it, see
:mod:`linkage.io.icraf`); output per worker far from the usual range in juta Rupiah
suggests other money units (:func:`check_units`).
"""

from __future__ import annotations

import numpy as np

from ..errors import DataQualityWarning
from .icraf_files import ICRAF_FILES

__all__ = ["nonnegative_output", "check_units"]

#: A negative row total smaller than this share of mean output is rounding noise (set to 0).
NEGLIGIBLE_OUTPUT = 1e-6

#: Output per worker (juta Rupiah) outside this range suggests other money units.
PLAUSIBLE_OUTPUT_PER_WORKER = (1.0, 5_000.0)


def check_units(table, prov):
    """Warn when output per worker is outside :data:`PLAUSIBLE_OUTPUT_PER_WORKER`."""
    if table.employment is None or table.employment.sum() <= 0:
        return
    per_worker = float(table.x.sum() / table.employment.sum())
    lo, hi = PLAUSIBLE_OUTPUT_PER_WORKER
    if not lo <= per_worker <= hi:
        table.diagnostics.add(
            "odd_units",
            f"{prov}: total output per worker is {per_worker:,.0f} (in the table's money unit); "
            f"in juta Rupiah the usual range is {lo:,.0f}-{hi:,.0f}: money values or "
            "employment may not be in the assumed units",
            level="warning",
            warn=DataQualityWarning,
            stacklevel=5,
        )


def nonnegative_output(Z, F, V, sectors, fd_names, prov, diag):
    """Total output for the table when a row total ``Z 1 + F 1`` is negative, else None.

    A negative output is not an output: ``a_ij = z_ij / x_j`` would flip the sign of the
    column. Such a sector gets its column total ``1'Z + 1'V`` (what it spent on inputs)
    when that is positive, and 0 otherwise (a zero-output sector: zero coefficients). The
    negative final demand is kept. Negligible negatives (rounding) are reported apart.
    """
    row = Z.sum(axis=1) + F.sum(axis=1)
    neg = np.flatnonzero(row < 0)
    if not len(neg):
        return None
    col = Z.sum(axis=0) + V.sum(axis=0)
    x = row.copy()
    x[neg] = np.where(col[neg] > 0, col[neg], 0.0)
    noise = np.abs(row[neg]) <= NEGLIGIBLE_OUTPUT * max(float(np.abs(row).mean()), 1e-300)
    source = f"row sum of {ICRAF_FILES['Z']} and {ICRAF_FILES['fd']}"
    rule = "x is the column total (1'Z + 1'V, its inputs) where positive, else 0"
    for code, idx in (("negative_output_noise", neg[noise]), ("negative_output", neg[~noise])):
        if not len(idx):
            continue
        each = "; ".join(_negative_sector(i, sectors, Z, F, fd_names, col, x) for i in idx[:5])
        more = f" (and {len(idx) - 5} more)" if len(idx) > 5 else ""
        if code == "negative_output_noise":
            text = (
                f"{prov}: total output ({source}) is negative but negligible (below "
                f"{NEGLIGIBLE_OUTPUT:g} of mean output) for {len(idx)} sector(s): {each}"
                f"{more}; {rule}"
            )
        else:
            text = (
                f"{prov}: total output ({source}) is negative for {len(idx)} sector(s): "
                f"{each}{more}; a negative output would flip the sign of the sector's input "
                f"coefficients, so {rule} (zero output: zero coefficients); its negative "
                "final demand is kept"
            )
        diag.add(code, text, len(idx), level="warning", warn=DataQualityWarning, stacklevel=5)
    return x


def _negative_sector(i, sectors, Z, F, fd_names, col, x) -> str:
    """``'S' (row 60): row total -44,536,370.36 = intermediate sales 0 + final demand ...``."""
    parts = [f"{fd_names[j]} {F[i, j]:,.2f}" for j in np.flatnonzero(F[i] < 0)[:3]]
    neg_fd = f" (negative: {', '.join(parts)})" if parts else ""
    return (
        f"{sectors[i]!r} (row {i + 1}): row total {Z[i].sum() + F[i].sum():,.2f} = "
        f"intermediate sales {Z[i].sum():,.2f} + final demand {F[i].sum():,.2f}{neg_fd}, "
        f"column total {col[i]:,.2f}, x set to {x[i]:,.2f}"
    )
