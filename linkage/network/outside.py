"""Outside parties and middlemen: who is an intermediary, and the table of outside parties.

A node is a middleman (*pengepul*) when the parties file says ``kind=intermediary`` or its
id matches ``intermediary_pattern``. :func:`outside_parties` types every id that is not in
the firm list by its role in the trade (outside supplier, outside buyer or both).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from .lookalike import lookalike_text

__all__ = ["party_marks", "pattern_marks", "flag_collectors", "outside_parties"]


def party_marks(
    nodes: pd.Index, n_firms: int, party_frame: pd.DataFrame | None, source: str, diag: Diagnostics
) -> dict:
    """What the parties file says about each node.

    Parameters
    ----------
    nodes : Index of str
    n_firms : int
    party_frame : DataFrame or None
        From :func:`~linkage.network.parties.listed_parties`.
    source : str
        Name of the parties file in messages.
    diag : Diagnostics
        Receives listed parties that are firms or appear in no transaction.

    Returns
    -------
    dict
        ``is_intermediary`` (bool), ``kind`` and ``name`` (object, "" when not listed)
        per node, and ``region`` (object per node, or None when the file has no region).

    Examples
    --------
    >>> parties = pd.DataFrame({"kind": ["intermediary"], "name": ["Haji Ali"]},
    ...                        index=pd.Index(["PGP"], name="party_id"))
    >>> marks = party_marks(pd.Index(["A", "PGP"]), 1, parties, "parties", Diagnostics())
    >>> marks["is_intermediary"].tolist(), marks["name"].tolist()
    ([False, True], ['', 'Haji Ali'])
    """
    n_nodes = len(nodes)
    marks = {
        "is_intermediary": np.zeros(n_nodes, dtype=bool),
        "kind": np.full(n_nodes, "", dtype=object),
        "name": np.full(n_nodes, "", dtype=object),
        "region": None,
    }
    if party_frame is None:
        return marks
    pos = nodes.get_indexer(party_frame.index)
    listed = pos >= 0
    kind = party_frame["kind"].to_numpy(dtype=object)[listed]
    marks["kind"][pos[listed]] = kind
    marks["name"][pos[listed]] = party_frame["name"].to_numpy(dtype=object)[listed]
    if "region" in party_frame.columns:
        marks["region"] = np.full(n_nodes, "", dtype=object)
        marks["region"][pos[listed]] = party_frame["region"].to_numpy(dtype=object)[listed]
    marks["is_intermediary"][pos[listed]] = kind == "intermediary"
    _report_listed(party_frame.index, pos, nodes, n_firms, source, diag)
    return marks


def _report_listed(listed_ids, pos, nodes, n_firms, source, diag) -> None:
    """Warn about listed parties that are firms; report those in no transaction."""
    listed = pos >= 0
    on_firm = listed & (pos < n_firms)
    if on_firm.any():
        diag.add(
            "party_is_firm",
            f"{source}: {int(on_firm.sum())} listed part(y/ies) are firms of "
            f"the firm list ({listed_ids[on_firm][:5].tolist()}); they stay "
            "firms, a kind 'intermediary' marks them as middlemen",
            count=int(on_firm.sum()),
            level="warning",
        )
    if not (~listed).any():
        return
    unused = listed_ids[~listed]
    hint = lookalike_text(nodes, unused)
    if listed.any():
        text = (
            f"{int((~listed).sum())} listed part(y/ies) appear in no transaction "
            f"and are not in the network ({unused[:5].tolist()}){hint}"
        )
    else:
        text = (
            f"none of the {len(unused)} listed part(y/ies) appears in the "
            f"transactions ({unused[:5].tolist()}), so none is marked as a "
            f"middleman, supplier or buyer{hint}; check that both files use the "
            "same ids"
        )
    diag.add(
        "parties_unused",
        f"{source}: {text}",
        count=int((~listed).sum()),
        level="info" if listed.any() else "warning",
    )


def pattern_marks(nodes: pd.Index, n_firms: int, pattern: re.Pattern, diag: Diagnostics):
    """Nodes whose id matches ``pattern`` (``re.search``), reported with the firms among them.

    Examples
    --------
    >>> d = Diagnostics()
    >>> pattern_marks(pd.Index(["A", "PGP1", "PGP2"]), 1, re.compile("^PGP"), d).tolist()
    [False, True, True]
    >>> d.count("intermediary_pattern")
    2
    """
    with warnings.catch_warnings():  # "has match groups": we only need a bool
        warnings.simplefilter("ignore", UserWarning)
        matched = nodes.to_series().str.contains(pattern, regex=True).to_numpy(bool)
    on_firms = int(matched[:n_firms].sum())
    listed = (
        f": {nodes[:n_firms][matched[:n_firms]][:5].tolist()}; their trade with other firms "
        "never counts as trade inside a sentra"
        if on_firms
        else ""
    )
    diag.add(
        "intermediary_pattern",
        f"intermediary_pattern {pattern.pattern!r} marks {int(matched.sum())} node(s) as "
        f"intermediaries ({on_firms} of them listed firms{listed})",
        count=int(matched.sum()),
        level="warning" if on_firms or not matched.any() else "info",
    )
    return matched


def flag_collectors(
    edges: pd.DataFrame,
    n_firms: int,
    is_intermediary: np.ndarray,
    nodes: pd.Index,
    source: str,
    diag: Diagnostics,
) -> None:
    """Warn about listed firms that buy mostly through sales marked as via an intermediary
    from two or more firms: middlemen surveyed as firms, whose purchases count as trade
    inside their sentra until they are marked as middlemen.

    Examples
    --------
    >>> edges = pd.DataFrame({"source": [0, 1], "target": [2, 2], "value": [5.0, 5.0],
    ...                       "value_intermediary": [5.0, 5.0]})
    >>> d = Diagnostics()
    >>> flag_collectors(edges, 3, np.zeros(3, bool), pd.Index(["A", "B", "PGP"]), "tx", d)
    >>> d.count("firm_buys_via_intermediary")
    1
    """
    n = n_firms
    src, dst = edges["source"].to_numpy(), edges["target"].to_numpy()
    value, via = edges["value"].to_numpy(), edges["value_intermediary"].to_numpy()
    ff = (src < n) & (dst < n)
    d = dst[ff]
    bought = np.bincount(d, weights=value[ff], minlength=n)
    bought_via = np.bincount(d, weights=via[ff], minlength=n)
    sellers_via = np.bincount(d[via[ff] > 0], minlength=n)
    flagged = (sellers_via >= 2) & (bought_via >= 0.5 * bought) & ~is_intermediary[:n]
    if not flagged.any():
        return
    idx = np.flatnonzero(flagged)
    shown = ", ".join(
        f"{nodes[k]!r}: {int(sellers_via[k])} firms, "
        f"{bought_via[k] / bought[k]:.0%} of {bought[k]:,.0f}"
        for k in idx[:5]
    )
    diag.add(
        "firm_buys_via_intermediary",
        f"{source}: {idx.size} listed firm(s) buy mostly through sales "
        f"marked as via an intermediary ({shown}); if they are middlemen (pengepul), mark "
        "them (parties file with kind 'intermediary', or intermediary_pattern / "
        "--intermediary-pattern): until then what they buy counts as trade inside their "
        "sentra, which can make a passive sentra look active",
        count=int(idx.size),
        level="warning",
    )


def outside_parties(
    nodes: pd.Index,
    n_firms: int,
    codes_s: np.ndarray,
    codes_b: np.ndarray,
    edges: pd.DataFrame,
    marks: dict,
) -> pd.DataFrame:
    """One row per outside party: role, middleman flag, trade with the firms, listing.

    Parameters
    ----------
    nodes : Index of str
    n_firms : int
    codes_s, codes_b : ndarray of int
        Supplier and buyer code of every transaction row used.
    edges : DataFrame
        From :func:`~linkage.network.edges.merge_pairs`.
    marks : dict
        From :func:`party_marks` (``is_intermediary`` with the pattern's marks).

    Returns
    -------
    DataFrame
        Indexed by ``party_id``: ``role, is_intermediary, n_transactions,
        value_sold_to_firms, value_bought_from_firms, name, kind`` and ``region`` when
        the parties file has one.

    Examples
    --------
    >>> edges = pd.DataFrame({"source": [0, 2], "target": [1, 0], "value": [3.0, 5.0]})
    >>> marks = party_marks(pd.Index(["A", "B", "MINE"]), 1, None, "parties", Diagnostics())
    >>> outside_parties(pd.Index(["A", "B", "MINE"]), 1, np.array([0, 2]), np.array([1, 0]),
    ...                 edges, marks)[["role", "value_sold_to_firms", "value_bought_from_firms"]]
                          role  value_sold_to_firms  value_bought_from_firms
    party_id
    B            outside_buyer                  0.0                      3.0
    MINE      outside_supplier                  5.0                      0.0
    """
    n_nodes = len(nodes)
    src, dst = edges["source"].to_numpy(), edges["target"].to_numpy()
    summed = edges["value"].to_numpy()
    rows_s = np.bincount(codes_s, minlength=n_nodes)
    rows_b = np.bincount(codes_b, minlength=n_nodes)
    firm_dst, firm_src = dst < n_firms, src < n_firms
    sold = np.bincount(src[firm_dst], weights=summed[firm_dst], minlength=n_nodes)
    bought = np.bincount(dst[firm_src], weights=summed[firm_src], minlength=n_nodes)
    sells = np.bincount(src, minlength=n_nodes) > 0
    buys = np.bincount(dst, minlength=n_nodes) > 0
    sl = slice(n_firms, n_nodes)
    role = np.where(
        sells[sl] & buys[sl], "both", np.where(sells[sl], "outside_supplier", "outside_buyer")
    )
    parties = pd.DataFrame(
        {
            "role": pd.array(role.astype(str), dtype="str"),
            "is_intermediary": marks["is_intermediary"][sl],
            "n_transactions": (rows_s + rows_b)[sl].astype(np.int64),
            "value_sold_to_firms": sold[sl],
            "value_bought_from_firms": bought[sl],
            "name": pd.array(marks["name"][sl].astype(str), dtype="str"),
            "kind": pd.array(marks["kind"][sl].astype(str), dtype="str"),
        },
        index=pd.Index(nodes[sl], name="party_id", dtype="str"),
    )
    if marks["region"] is not None:
        parties["region"] = pd.array(marks["region"][sl].astype(str), dtype="str")
    return parties
