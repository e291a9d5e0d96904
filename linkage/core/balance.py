"""Is the table balanced? Row totals against column totals per sector, and the message.

A sector's row total ``Z 1 + f`` (what it sells) and its column total ``1'Z + 1'v`` (what
it spends) should both equal its total output ``x``. :func:`balance_frame` lays the
totals and the larger gap side by side; :func:`unbalanced_message` counts the sectors
beyond a tolerance and names the worst, saying which total is larger.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_BALANCE_RTOL", "balance_frame", "unbalanced_message"]

#: Relative gap between row total and column total above which a sector is unbalanced.
DEFAULT_BALANCE_RTOL = 1e-3


def balance_gaps(x, row_total, col_total) -> tuple[np.ndarray, np.ndarray]:
    """``gap`` and ``rel_gap`` of :func:`balance_frame`, from the arrays alone.

    Examples
    --------
    >>> gap, rel = balance_gaps(np.array([100.0, 0.0]), np.array([100.0, 0.0]),
    ...                         np.array([90.0, 5.0]))
    >>> gap.tolist(), rel.tolist()
    ([-10.0, 5.0], [-0.1, inf])
    """
    gap = col_total - x
    row_gap = row_total - x
    gap = np.where(np.abs(row_gap) > np.abs(gap), row_gap, gap)
    safe_x = np.where(x != 0, x, 1.0)
    rel = np.where(x != 0, gap / safe_x, np.where(gap != 0, np.inf, 0.0))
    return gap, rel


def balance_frame(x, row_total, col_total, sectors) -> pd.DataFrame:
    """Total output, row total and column total per sector, with the larger gap.

    Returns
    -------
    DataFrame
        Columns ``total_output, row_total, column_total, gap, rel_gap``: ``gap`` is
        ``column_total - total_output``, or ``row_total - total_output`` when that is
        larger in size; ``rel_gap = gap / total_output`` (where output is 0: 0 for no
        gap, infinite otherwise).

    Examples
    --------
    >>> balance_frame(np.array([100.0, 0.0]), np.array([100.0, 0.0]),
    ...               np.array([90.0, 5.0]), ["A", "B"])
       total_output  row_total  column_total   gap  rel_gap
    A         100.0      100.0          90.0 -10.0     -0.1
    B           0.0        0.0           5.0   5.0      inf
    """
    gap, rel = balance_gaps(x, row_total, col_total)
    return pd.DataFrame(
        {
            "total_output": x,
            "row_total": row_total,
            "column_total": col_total,
            "gap": gap,
            "rel_gap": rel,
        },
        index=sectors,
    )


def _amount(v: float) -> str:
    """A money amount for a message: thousands separators, no false precision."""
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.4g}"


def _sector_gap(label, row: float, col: float, x: float, rtol: float) -> str:
    """``sector 'X': row total 120 vs column total 100 (row larger, +16.7% of x)``."""
    diff = row - col
    side = "row larger" if diff > 0 else "column larger" if diff < 0 else "equal"
    digits = 1 if abs(diff) >= 0.01 * abs(x) else 2  # a gap of 0.1 % shows as +0.10%
    share = "x = 0" if x == 0 else f"{diff / x:+.{digits}%} of x"
    text = f"sector {label!r}: row total {_amount(row)} vs column total {_amount(col)}"
    text += f" ({side}, {share}"
    if x != 0 and abs(x - row) > rtol * abs(x):
        text += f"; x = {_amount(x)}"
    return text + ")"


def unbalanced_message(balance: pd.DataFrame, rtol: float, x_given: bool, worst: int = 5):
    """Count the unbalanced sectors and say, for the worst, which total is larger.

    A sector is unbalanced when its row total (``Z 1 + f``, what it sells) or its column
    total (``1'Z + 1'v``, what it spends) differs from the total output ``x`` the table
    uses by more than ``rtol * x`` (the ``rel_gap`` of :meth:`IOTable.balance`).

    Parameters
    ----------
    balance : DataFrame
        :meth:`IOTable.balance` of the table.
    rtol : float
        Tolerance on ``|rel_gap|``.
    x_given : bool
        True when total output was given to the table, False when it is the row total.
    worst : int
        How many sectors to name, largest ``|rel_gap|`` first.

    Returns
    -------
    (int, str)
        The number of unbalanced sectors and a one-line message (``""`` when none).

    Examples
    --------
    >>> bal = pd.DataFrame({"total_output": [100.0, 120.0], "row_total": [100.0, 120.0],
    ...                     "column_total": [100.0, 100.0], "gap": [0.0, -20.0],
    ...                     "rel_gap": [0.0, -1 / 6]}, index=["A", "X"])
    >>> n, msg = unbalanced_message(bal, 1e-3, x_given=False)
    >>> n
    1
    >>> print(msg)
    table is unbalanced: in 1 of 2 sectors the row total (Z1 + f, sales) or the column
    total (1'Z + 1'v, inputs) differs from total output x by more than 0.10% of x; x is
    the row total (the default, as no total output was given); the row total is larger in
    1 of them, the column total in 0; worst: sector 'X': row total 120 vs column total 100
    (row larger, +16.7% of x); table.balance() lists every sector
    """
    gap = balance["rel_gap"].abs()
    bad = gap[gap > rtol].sort_values(ascending=False, kind="stable")
    if not len(bad):
        return 0, ""
    used = "the row total (the default, as no total output was given)"
    if x_given:
        x, row = balance["total_output"], balance["row_total"]
        k = int(((x - row).abs() > rtol * x.abs()).sum())
        used = "the total output given to the table " + (
            f"(it differs from the row total in {k} sector{'s' if k != 1 else ''})"
            if k
            else "(equal to the row total in every sector)"
        )
    diff = balance.loc[bad.index, "row_total"] - balance.loc[bad.index, "column_total"]
    sides = (
        f"the row total is larger in {int((diff > 0).sum())} of them, "
        f"the column total in {int((diff < 0).sum())}"
    )
    rows = balance.loc[bad.index[:worst]]
    named = ", ".join(
        _sector_gap(label, r.row_total, r.column_total, r.total_output, rtol)
        for label, r in zip(rows.index, rows.itertuples(index=False), strict=True)
    )
    return len(bad), (
        f"table is unbalanced: in {len(bad)} of {len(balance)} sectors the row total "
        f"(Z1 + f, sales) or the column total (1'Z + 1'v, inputs) differs from total output "
        f"x by more than {rtol:.2%} of x; x is {used}; {sides}; worst: {named}; "
        "table.balance() lists every sector"
    )
