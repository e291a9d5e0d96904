"""The edge table of a network: transaction rows merged into one row per (supplier, buyer).

:func:`merge_pairs` sums the rows of each pair and counts them; repeated rows are reported
(one row per product of a pair is normal, the same product twice is a duplicate); with a
channel column each edge keeps the channel that carries most of its value and the part
sold through an intermediary.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from .validation import row_list

__all__ = ["merge_pairs"]


def merge_pairs(
    codes_s: np.ndarray, codes_b: np.ndarray, tx: dict, n_nodes: int, source: str, diag: Diagnostics
) -> pd.DataFrame:
    """One edge per (supplier, buyer) pair of node codes, sorted by (source, target).

    Parameters
    ----------
    codes_s, codes_b : ndarray of int64, shape (m,)
        Supplier and buyer node code of each transaction row.
    tx : dict
        ``value`` (shape (m,)), ``channel`` (or None), ``product`` (or None) and ``rows``
        (the spreadsheet row numbers), as from
        :func:`~linkage.network.transactions.transaction_rows`.
    n_nodes : int
    source : str
        Name of the transaction file in messages.
    diag : Diagnostics

    Returns
    -------
    DataFrame
        ``source``, ``target`` (int64), ``value`` (float), ``n_rows`` (rows merged) and,
        with a channel, ``channel`` (direct | intermediary | "") and
        ``value_intermediary``.

    Examples
    --------
    >>> tx = {"value": np.array([1.0, 2.0, 4.0]), "channel": None, "product": None,
    ...       "rows": np.array([2, 3, 4])}
    >>> d = Diagnostics()
    >>> merge_pairs(np.array([0, 0, 1]), np.array([1, 1, 0]), tx, 2, "tx", d)
       source  target  value  n_rows
    0       0       1    3.0       2
    1       1       0    4.0       1
    >>> d.count("duplicate_transactions")
    1
    """
    values = tx["value"]
    key = codes_s * n_nodes + codes_b
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    summed = np.bincount(inverse, weights=values, minlength=len(uniq))
    edges = {
        "source": uniq // n_nodes,
        "target": uniq % n_nodes,
        "value": summed,
        "n_rows": counts.astype(np.int64),
    }
    if len(key) - len(uniq):
        _report_duplicates(inverse, tx, source, diag)
    if tx["channel"] is not None:
        edges.update(_pair_channels(inverse, values, summed, tx["channel"], source, diag))
    return pd.DataFrame(edges)


def _pair_channels(inverse, values, summed, channel, source, diag) -> dict:
    """``channel`` (the one carrying most of a pair's value) and ``value_intermediary``."""
    n_pairs = len(summed)
    via = np.where(channel == "intermediary", values, 0.0)
    direct = np.where(channel == "direct", values, 0.0)
    v_int = np.bincount(inverse, weights=via, minlength=n_pairs)
    v_dir = np.bincount(inverse, weights=direct, minlength=n_pairs)
    v_unk = summed - v_int - v_dir
    main = np.full(n_pairs, "", dtype=object)
    main[(v_dir >= v_int) & (v_dir > v_unk)] = "direct"
    main[(v_int > v_dir) & (v_int > v_unk)] = "intermediary"
    mixed = int(((v_int > 0) & (v_dir > 0)).sum())
    if mixed:
        diag.add(
            "mixed_channel",
            f"{source}: {mixed} (supplier, buyer) pair(s) traded both "
            "direct and through an intermediary; the edge's channel is the one with "
            "the larger value, value_intermediary keeps the split",
            count=mixed,
        )
    return {"channel": pd.array(main.astype(str), dtype="str"), "value_intermediary": v_int}


def _report_duplicates(inverse, tx, source, diag) -> None:
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
            diag.add(
                "duplicate_transactions",
                f"{source}: {int(mask.sum())} {what} were summed into "
                f"{np.unique(inverse[mask]).size} pair(s) (rows "
                f"{row_list(tx['rows'][shown])})",
                count=int(mask.sum()),
                level=level,
            )
