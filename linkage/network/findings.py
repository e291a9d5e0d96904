"""What a built network says about the survey: outside ids, near misses, firms without trade.

:func:`report_network` adds to the diagnostics the facts a person checks before trusting
the results: how many ids are outside parties, which of them are probably listed firms
written differently (another case, leading zeros, the firm's name instead of its id), and
whether the transactions involve the listed firms at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from .lookalike import lookalike

__all__ = ["report_network"]


def report_network(
    firm_frame: pd.DataFrame,
    nodes: pd.Index,
    edges: pd.DataFrame,
    parties: pd.DataFrame,
    names: dict,
    diag: Diagnostics,
) -> None:
    """Report the outside parties, ids that look like firms', and firms without trade.

    Parameters
    ----------
    firm_frame : DataFrame
        The firm list, indexed by firm id (the first nodes).
    nodes : Index of str
    edges : DataFrame
        ``source``, ``target``, ``value`` (merged pairs).
    parties : DataFrame
        The outside parties with their ``role``.
    names : dict
        Names of the ``firms`` and ``transactions`` files in messages.
    diag : Diagnostics

    Examples
    --------
    >>> firms = pd.DataFrame({"sector": ["x", "x"]}, index=pd.Index(["A", "B"], name="firm_id"))
    >>> edges = pd.DataFrame({"source": [0], "target": [2], "value": [5.0]})
    >>> parties = pd.DataFrame({"role": ["outside_buyer"]}, index=["a "])
    >>> d = Diagnostics()
    >>> report_network(firms, pd.Index(["A", "B", "a "]), edges, parties,
    ...                {"firms": "firms", "transactions": "tx"}, d)
    >>> sorted(d.codes())
    ['firms_without_transactions', 'outside_like_firm', 'outside_parties']
    """
    firm_ids = firm_frame.index
    n_firms = len(firm_ids)
    outside = nodes[n_firms:]
    source = names["transactions"]
    if len(outside):
        roles = parties["role"].value_counts()
        diag.add(
            "outside_parties",
            f"{source}: {len(outside)} id(s) not in the firm list are kept as outside "
            f"parties ({int(roles.get('outside_supplier', 0))} suppliers, "
            f"{int(roles.get('outside_buyer', 0))} buyers, "
            f"{int(roles.get('both', 0))} both); e.g. {outside[:5].tolist()}",
            count=len(outside),
        )
        if "name" in firm_frame.columns:
            _flag_firm_names(firm_frame, outside, source, diag)
        _flag_lookalike_ids(firm_ids, outside, source, diag)
    src, dst = edges["source"].to_numpy(), edges["target"].to_numpy()
    between = (src >= n_firms) & (dst >= n_firms)
    if between.any() and between.all():
        diag.add(
            "no_firm_trade",
            f"{source}: no transaction involves a listed firm: the ids "
            f"there (e.g. {outside[:3].tolist()}) are not those of {names['firms']} "
            f"(e.g. {firm_ids[:3].tolist()}); check that both files use the same ids",
            level="warning",
        )
    if between.any():
        diag.add(
            "outside_to_outside",
            f"{source}: {int(between.sum())} pair(s) trade between two outside "
            f"parties (value {edges['value'].to_numpy()[between].sum():,.0f}); they are in "
            "the network but in no firm's purchases or sales",
            count=int(between.sum()),
        )
    _report_isolated(firm_ids, src, dst, len(nodes), names["firms"], diag)


def _flag_lookalike_ids(firm_ids, outside, source, diag) -> None:
    """Warn about outside ids that differ from a firm id only in case, spaces, leading zeros."""
    like = lookalike(firm_ids, outside)
    if not (like >= 0).any():
        return
    pairs = [
        f"{o!r}~{firm_ids[k]!r}"
        for o, k in zip(outside[like >= 0][:5], like[like >= 0][:5], strict=True)
    ]
    diag.add(
        "outside_like_firm",
        f"{source}: {int((like >= 0).sum())} outside part(y/ies) "
        f"differ from a listed firm id only in case, spaces, '-', '_' or leading zeros "
        f"({', '.join(pairs)}); ids are compared exactly, so they are outside "
        "parties: correct the ids if they are the same firm",
        count=int((like >= 0).sum()),
        level="warning",
    )


def _flag_firm_names(firm_frame, outside, source, diag) -> None:
    """Warn about outside ids that are the name of a listed firm (case-insensitive):
    transactions written with names instead of ids."""
    key = firm_frame["name"].astype(str).str.strip().str.lower()
    key = pd.Index(key.where(key != "", None))
    unique = ~key.duplicated(keep=False) & key.notna()
    hit = key[unique].get_indexer(outside.str.lower())
    pos = np.where(hit >= 0, np.flatnonzero(unique)[np.maximum(hit, 0)], -1)
    if not (pos >= 0).any():
        return
    pairs = ", ".join(
        f"{o!r} is {firm_frame.index[k]!r}"
        for o, k in zip(outside[pos >= 0][:5], pos[pos >= 0][:5], strict=True)
    )
    diag.add(
        "outside_is_firm_name",
        f"{source}: {int((pos >= 0).sum())} outside part(y/ies) are the "
        f"names of listed firms ({pairs}); transactions must name firms by firm_id, so "
        "these are outside parties: replace the names by the ids",
        count=int((pos >= 0).sum()),
        level="warning",
    )


def _report_isolated(firm_ids, src, dst, n_nodes, source, diag) -> None:
    """Report the firms with no transaction (a warning when none has one)."""
    n_firms = len(firm_ids)
    sells = np.bincount(src, minlength=n_nodes) > 0
    buys = np.bincount(dst, minlength=n_nodes) > 0
    isolated = ~(sells[:n_firms] | buys[:n_firms])
    if not isolated.any():
        return
    none = bool(isolated.all())
    what = (
        f"none of the {n_firms} firm(s) has a transaction"
        if none
        else f"{int(isolated.sum())} firm(s) have no transactions"
    )
    diag.add(
        "firms_without_transactions",
        f"{source}: {what}; they are kept ({firm_ids[isolated][:5].tolist()})",
        count=int(isolated.sum()),
        level="warning" if none else "info",
    )
