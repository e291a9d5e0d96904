"""Shocks as sector-by-scenario matrices: checked against a table's sectors, bridged from
a spending classification.

A shock is a change in final demand (or, for the Ghosh model, in primary inputs) by sector,
one column per scenario. Spending is often planned in another classification (a DAK Fisik
budget split into buildings, machines and packaging units); a bridge maps each spending
category to sectors with shares that sum to 1.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from ..errors import InvalidTableError

__all__ = ["shock_frame", "bridge_shock", "BRIDGE_TOLERANCE"]

#: Largest allowed gap between 1 and the sum of a spending category's shares.
BRIDGE_TOLERANCE = 1e-6


def _as_frame(shock, what: str) -> pd.DataFrame:
    """A Series becomes a one-scenario frame named after the Series (or ``"shock"``)."""
    if isinstance(shock, pd.Series):
        return shock.to_frame(shock.name if shock.name is not None else "shock")
    if isinstance(shock, pd.DataFrame):
        return shock
    if isinstance(shock, dict):
        return pd.Series(shock, dtype=float).to_frame("shock")
    raise TypeError(
        f"{what} must be a Series, DataFrame or dict indexed by label, not {type(shock)}"
    )


def _unknown_labels_message(unknown, known, what: str, where: str) -> str:
    shown = []
    for label in list(unknown)[:5]:
        close = difflib.get_close_matches(str(label), [str(k) for k in known], n=3)
        hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
        shown.append(f"{label!r}{hint}")
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    return f"{len(unknown)} {what} not {where}: {', '.join(shown)}{more}"


def _checked_values(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    if frame.index.has_duplicates:
        dup = frame.index[frame.index.duplicated()].unique().tolist()[:5]
        raise InvalidTableError(f"{what}: repeated labels {dup}")
    if frame.columns.has_duplicates:
        dup = frame.columns[frame.columns.duplicated()].unique().tolist()[:5]
        raise InvalidTableError(f"{what}: repeated scenario names {dup}")
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise InvalidTableError(f"{what} is empty")
    try:
        values = frame.astype(float)
    except (TypeError, ValueError) as exc:
        raise InvalidTableError(f"{what} has non-numeric values ({exc})") from None
    if not np.isfinite(values.to_numpy()).all():
        raise InvalidTableError(f"{what} has missing or non-finite values")
    return values


def shock_frame(shock, sectors: pd.Index, *, what: str = "shock") -> pd.DataFrame:
    """A shock as a frame indexed by ``sectors`` (absent sectors 0), one column per scenario.

    Parameters
    ----------
    shock : Series, DataFrame or dict
        Change by sector label; a DataFrame has one column per scenario.
    sectors : pandas.Index
        The table's sectors.
    what : str
        What the shock is, for messages.

    Returns
    -------
    DataFrame
        ``len(sectors)`` rows in the table's order, float values.

    Raises
    ------
    InvalidTableError
        A label that is not a sector (with the closest sector names), repeated labels,
        non-numeric or non-finite values, an empty shock.

    Examples
    --------
    >>> shock_frame(pd.Series({"b": 2.0}, name="dak"), pd.Index(["a", "b"]))
       dak
    a  0.0
    b  2.0
    """
    frame = _checked_values(_as_frame(shock, what), what)
    unknown = frame.index.difference(sectors, sort=False)
    if len(unknown):
        raise InvalidTableError(
            f"{what}: "
            + _unknown_labels_message(unknown, sectors, "label(s)", "sectors of the table")
        )
    return frame.reindex(sectors, fill_value=0.0)


def _bridge_matrix(bridge) -> pd.DataFrame:
    """Categories x sectors shares from a long frame (category, sector, share) or a matrix."""
    if isinstance(bridge, pd.DataFrame) and {"category", "sector", "share"} <= set(bridge.columns):
        dup = bridge.duplicated(["category", "sector"])
        if dup.any():
            first = bridge.loc[dup, ["category", "sector"]].iloc[0].tolist()
            raise InvalidTableError(f"bridge: the pair {first} is given more than once")
        shares = pd.to_numeric(bridge["share"], errors="coerce")
        if shares.isna().any():
            bad = bridge.loc[shares.isna(), "share"].iloc[0]
            raise InvalidTableError(f"bridge: non-numeric share {bad!r}")
        long = bridge.assign(share=shares)
        matrix = long.pivot(index="category", columns="sector", values="share")
        order_c = pd.unique(long["category"])
        order_s = pd.unique(long["sector"])
        return matrix.reindex(index=order_c, columns=order_s).fillna(0.0)
    if isinstance(bridge, pd.DataFrame):
        return _checked_values(bridge, "bridge")
    raise TypeError("bridge must be a DataFrame: long (category, sector, share) or a matrix")


def bridge_shock(shock, bridge, sectors: pd.Index) -> pd.DataFrame:
    """Spending by category turned into a shock by sector through a bridge.

    Parameters
    ----------
    shock : Series, DataFrame or dict
        Spending by category (one column per scenario).
    bridge : DataFrame
        Either long, with columns ``category``, ``sector``, ``share``, or a matrix with
        categories as rows and sectors as columns. The shares of each category must be
        non-negative and sum to 1 (within :data:`BRIDGE_TOLERANCE`).
    sectors : pandas.Index
        The table's sectors.

    Returns
    -------
    DataFrame
        The shock by sector, ``bridgeᵀ @ spending``, in the table's sector order.

    Raises
    ------
    InvalidTableError
        Shares that do not sum to 1 or are negative, a category of the shock without a
        bridge row, a bridge sector the table does not have.

    Examples
    --------
    >>> bridge = pd.DataFrame({"category": ["building", "building", "machines"],
    ...                        "sector": ["construction", "trade", "machinery"],
    ...                        "share": [0.9, 0.1, 1.0]})
    >>> spend = pd.Series({"building": 100.0, "machines": 50.0}, name="dak")
    >>> bridge_shock(spend, bridge, pd.Index(["construction", "machinery", "trade", "food"]))
                    dak
    construction   90.0
    machinery      50.0
    trade          10.0
    food            0.0
    """
    matrix = _bridge_matrix(bridge)
    if (matrix.to_numpy() < 0).any():
        row = matrix.index[(matrix.to_numpy() < 0).any(axis=1)][0]
        raise InvalidTableError(f"bridge: category {row!r} has a negative share")
    totals = matrix.sum(axis=1)
    off = totals[(totals - 1.0).abs() > BRIDGE_TOLERANCE]
    if len(off):
        shown = ", ".join(f"{c!r} sums to {v:.6g}" for c, v in off.head(5).items())
        raise InvalidTableError(f"bridge: the shares of each category must sum to 1; {shown}")
    unknown = matrix.columns.difference(sectors, sort=False)
    if len(unknown):
        raise InvalidTableError(
            "bridge: " + _unknown_labels_message(unknown, sectors, "sector(s)", "in the table")
        )
    spending = _checked_values(_as_frame(shock, "spending"), "spending")
    missing = spending.index.difference(matrix.index, sort=False)
    if len(missing):
        raise InvalidTableError(
            "spending: "
            + _unknown_labels_message(missing, matrix.index, "categor(ies)", "in the bridge")
        )
    by_sector = matrix.loc[spending.index].T @ spending
    return shock_frame(by_sector, sectors)
