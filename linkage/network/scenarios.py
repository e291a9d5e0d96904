"""What-if scenarios on a supply network: middlemen bypassed, a firm removed or added.

Every scenario is pure: it returns a new :class:`~linkage.network.model.SupplyNetwork` and
a short list of notes (what moved, how much) and never changes the network it is given.

* :func:`redirect_intermediaries`: a share of what each middleman (*pengepul*) buys from
  its suppliers goes directly to its buyers;
* :func:`remove_firms`: listed firms leave the sentra with all their transactions;
* :func:`add_firm`: a new listed firm with its transactions, checked like survey rows.

The new network keeps the firms, the outside parties (names, kinds, regions, middleman
marks) and the cooperation ties; an outside party left without any transaction is dropped
(a note). Its diagnostics are the old network's plus a ``scenario`` finding per note.
"""

from __future__ import annotations

import difflib
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.diagnostics import Diagnostics
from ..errors import InvalidNetworkError, LinkageWarning
from .build import parts_from_codes
from .firms import firm_table
from .model import SupplyNetwork
from .reader import TableReader
from .transactions import transaction_rows
from .validation import fail

__all__ = ["redirect_intermediaries", "remove_firms", "add_firm"]


# ============================================================================ helpers
def _did_you_mean(wanted: str, known) -> str:
    """``"; did you mean 'X'?"`` for the closest known ids ("" when none is close)."""
    known = [str(k) for k in known]
    close = difflib.get_close_matches(str(wanted), known, n=3, cutoff=0.6)
    if not close:
        folded = {k.lower().replace(" ", "").replace("-", ""): k for k in known}
        key = str(wanted).lower().replace(" ", "").replace("-", "")
        close = [folded[key]] if key in folded else []
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _edge_arrays(net) -> dict:
    """The edge table as arrays: source, target, value, value_intermediary, channel, n_rows."""
    e = net.edges
    has_channel = "channel" in e.columns
    return {
        "src": e["source"].to_numpy(np.int64),
        "dst": e["target"].to_numpy(np.int64),
        "val": e["value"].to_numpy(float),
        "via": e["value_intermediary"].to_numpy(float) if has_channel else np.zeros(len(e)),
        "channel": e["channel"].to_numpy(object) if has_channel else np.full(len(e), "", object),
        "n_rows": e["n_rows"].to_numpy(np.int64),
        "has_channel": has_channel,
    }


def _rebuild(net, firms, nodes, is_intermediary, edges: dict, cooperation, notes) -> tuple:
    """The network with these firms, nodes and edges: code arrays ``src, dst, val, via,
    channel, n_rows`` whose pieces of one pair are summed (the channel is the first
    piece's). Outside parties left without trade are dropped (a note)."""
    n_nodes, n_firms = len(nodes), len(firms)
    key = edges["src"] * n_nodes + edges["dst"]
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    sums = {
        name: np.bincount(inverse, weights=edges[name], minlength=len(uniq))
        for name in ("val", "via", "n_rows")
    }
    # pieces that cancel (a link cut to nothing) leave the network
    keep = sums["val"] > 1e-9 * max(1.0, float(np.abs(edges["val"]).max(initial=0.0)))
    uniq, sums = uniq[keep], {name: v[keep] for name, v in sums.items()}
    channel = edges["channel"][first[keep]]
    s_code, d_code = uniq // n_nodes, uniq % n_nodes
    # outside parties without any trade left leave the network
    traded = np.zeros(n_nodes, dtype=bool)
    traded[:n_firms] = True
    traded[s_code], traded[d_code] = True, True
    if not traded.all():
        gone = nodes[~traded]
        notes.append(
            f"{len(gone)} outside part(y/ies) left without any transaction and dropped: "
            f"{gone[:5].tolist()}"
        )
    new_code = np.cumsum(traded) - 1
    nodes, is_intermediary = nodes[traded], np.asarray(is_intermediary)[traded]
    parties = net.parties.reindex(nodes[n_firms:])
    party_frame = pd.DataFrame(
        {c: parties[c].fillna("").astype(str) for c in ("kind", "name", "region") if c in parties}
    )
    names = {"firms": "firms", "transactions": "transactions", "parties": "parties"}
    tx = {
        "value": sums["val"],
        "channel": None,
        "product": None,
        "rows": np.arange(len(uniq)) + 2,
        "n_read": len(uniq),
    }
    s_new, d_new = new_code[s_code], new_code[d_code]
    parts = parts_from_codes(
        firms, nodes, s_new, d_new, tx, party_frame, None, names, Diagnostics()
    )
    parts["edges"]["n_rows"] = np.maximum(sums["n_rows"], 1).astype(np.int64)
    if edges["has_channel"]:
        parts["edges"]["channel"] = pd.array(channel.astype(str), dtype="str")
        parts["edges"]["value_intermediary"] = np.minimum(sums["via"], sums["val"])
    parts["is_intermediary"] = is_intermediary.copy()
    parts["parties"]["is_intermediary"] = is_intermediary[n_firms:]
    parts["cooperation"] = cooperation
    parts["_sources"] = getattr(net, "_sources", names)
    parts["_n_rows_read"], parts["_n_rows_used"] = net._n_rows_read, net._n_rows_used
    diag = Diagnostics()
    diag.extend(net.diagnostics)
    for note in notes:
        diag.add("scenario", note)
    with warnings.catch_warnings():  # the old network's warnings were issued when it was read
        warnings.simplefilter("ignore", LinkageWarning)
        new = SupplyNetwork._from_parts(parts, diag, 2)
    return new, list(notes)


def _find_nodes(net, ids, what: str, firms_only: bool) -> np.ndarray:
    """Node codes of ``ids``; an unknown id (or, with ``firms_only``, a party) is an error."""
    ids = [str(i).strip() for i in ([ids] if isinstance(ids, str) else list(ids))]
    if not ids:
        raise InvalidNetworkError(f"no {what} given")
    codes = net.nodes.get_indexer(ids)
    for wanted, code in zip(ids, codes, strict=True):
        if code < 0:
            pool = net.nodes[: net.n_firms] if firms_only else net.nodes
            raise InvalidNetworkError(
                f"{what} {wanted!r} is not in the network{_did_you_mean(wanted, pool)}"
            )
        if firms_only and code >= net.n_firms:
            raise InvalidNetworkError(
                f"{what} {wanted!r} is an outside party, not a listed firm"
                f"{_did_you_mean(wanted, net.nodes[: net.n_firms])}"
            )
    return np.unique(codes)


# ============================================================================ redirect
def redirect_intermediaries(net, share: float, *, intermediaries=None) -> tuple:
    """Redirect a share of the trade through middlemen to go directly to their buyers.

    For each intermediary ``I`` (buying ``V`` in all, ``v_S`` from supplier ``S``, and
    selling ``W`` in all, ``w_b`` to buyer ``b``), a share of the goods it buys is sold by
    its suppliers directly to its buyers, allocated in proportion to its sales to each
    buyer: supplier ``S`` sells ``share * v_S * w_b / max(V, W)`` more to ``b``; the edge
    ``S -> I`` loses the same total and ``I -> b`` loses ``share * w_b * v_S / V`` for each
    such ``S``.

    Assumptions: the buyers then pay the supplier's price, so the intermediary's margin on
    that share disappears (``W - V`` when it sells more than it buys); every supplier's
    total sales are unchanged (value is conserved otherwise: what the buyers stop paying
    is exactly the margin removed). When an intermediary buys more than its recorded sales
    (``V > W``: stock, or sales the survey did not record) its recorded sales are taken to
    be resold at cost: only the goods behind them are redirected and the rest
    (``V - W``) stays with it, so with ``share=1`` the intermediary keeps only that
    margin-free remainder. An intermediary with purchases but no sales (or sales but no
    purchases) has nothing to redirect and is left unchanged (said in the notes); trade
    between two intermediaries, and goods that would go back to the firm that sold them,
    stay with the intermediary. All intermediaries are redirected at once, on the trade
    of the given network.

    Parameters
    ----------
    net : SupplyNetwork
    share : float
        Between 0 (nothing changes) and 1.
    intermediaries : sequence of str, optional
        Ids of the middlemen to bypass (any node, a firm trading as one too); default the
        nodes the network marks as intermediaries.

    Returns
    -------
    (SupplyNetwork, list of str)
        The new network and the notes (what moved, how much).

    Raises
    ------
    InvalidNetworkError
        A share outside [0, 1], an unknown id (with the closest ids), no intermediaries.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["clay", "pots"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "PGP"], "buyer": ["PGP", "SHOP"],
    ...                    "value": [80.0, 100.0]})
    >>> net = SupplyNetwork.from_frames(firms, tx, intermediary_pattern="^PGP")
    >>> new, notes = redirect_intermediaries(net, 0.5)
    >>> new.edges[["source", "target", "value"]].to_numpy().tolist()
    [[0.0, 2.0, 40.0], [0.0, 3.0, 40.0], [2.0, 3.0, 50.0]]
    >>> print(notes[0])
    redirected 50% of the trade of 1 intermediar(y/ies): 40 moved from supplier ->
    intermediary to supplier -> buyer (1 new link(s)); the intermediaries sell 50 less, the
    margin removed is 10
    """
    share = float(share)
    if not 0.0 <= share <= 1.0:
        raise InvalidNetworkError(f"the share to redirect must be between 0 and 1 (got {share})")
    if intermediaries is None:
        mark = np.asarray(net.is_intermediary, dtype=bool).copy()
        if not mark.any():
            raise InvalidNetworkError(
                "the network has no intermediaries (mark them with a parties file, kind "
                "'intermediary', or --intermediary-pattern), so there is nothing to redirect"
            )
    else:
        mark = np.zeros(net.n_nodes, dtype=bool)
        mark[_find_nodes(net, intermediaries, "intermediary", firms_only=False)] = True
    e = _edge_arrays(net)
    flows, notes = _redirected(net, e, mark, share)
    joined = {
        name: np.concatenate([e[name], flows[name]])
        for name in ("src", "dst", "val", "via", "channel", "n_rows")
    }
    joined["has_channel"] = e["has_channel"]
    return _rebuild(net, net.firms, net.nodes, net.is_intermediary, joined, net.cooperation, notes)


def _redirected(net, e: dict, mark: np.ndarray, share: float) -> tuple[dict, list]:
    """The changes of :func:`redirect_intermediaries` as edge pieces (cuts negative) and
    the notes."""
    n = net.n_nodes
    src, dst, val = e["src"], e["dst"], e["val"]
    V = np.bincount(dst, weights=val, minlength=n)  # purchases of every node
    W = np.bincount(src, weights=val, minlength=n)  # sales of every node
    notes = _idle_notes(net, mark, V, W)
    active = mark & (V > 0) & (W > 0)
    ins = active[dst] & ~mark[src]  # S -> I, S not a middleman
    outs = active[src] & ~mark[dst]  # I -> b, b not a middleman
    big = np.where(active, np.maximum(V, W), 1.0)
    # direct flows S -> b: share * v_S * w_b / max(V, W), summed over the intermediaries
    P = sp.csr_array((val[ins], (src[ins], dst[ins])), shape=(n, n))
    Q = sp.csr_array((val[outs] / big[src[outs]], (src[outs], dst[outs])), shape=(n, n))
    D = (P @ Q).tocoo()
    back = D.row == D.col  # goods that would go back to the firm that sold them: stay
    d_src, d_dst, d_val = D.row[~back], D.col[~back], share * D.data[~back]
    # the edges S -> I lose what S now sells directly; I -> b lose the sales behind it
    w_back = _lookup(src, dst, val, dst[ins], src[ins], n)  # I -> S, when S buys from I
    v_back = _lookup(src, dst, val, dst[outs], src[outs], n)  # b -> I, when b sells to I
    w_non = np.bincount(src[outs], weights=val[outs], minlength=n)
    v_non = np.bincount(dst[ins], weights=val[ins], minlength=n)
    cut_in = share * val[ins] * (w_non[dst[ins]] - w_back) / big[dst[ins]]
    cut_out = share * val[outs] * (v_non[src[outs]] - v_back) / V[src[outs]]
    ratio = np.divide(e["via"], val, out=np.zeros_like(val), where=val > 0)
    pieces = {
        "src": np.concatenate([src[ins], src[outs], d_src]),
        "dst": np.concatenate([dst[ins], dst[outs], d_dst]),
        "val": np.concatenate([-cut_in, -cut_out, d_val]),
        "via": np.concatenate([-cut_in * ratio[ins], -cut_out * ratio[outs], 0 * d_val]),
        "channel": np.concatenate(
            [e["channel"][ins], e["channel"][outs], np.full(len(d_val), "direct", object)]
        ),
        "n_rows": np.zeros(int(ins.sum() + outs.sum()) + len(d_val), np.int64),
    }
    new_links = int((~np.isin((d_src * n + d_dst)[d_val > 0], src * n + dst)).sum())
    moved, sold_less = float(cut_in.sum()), float(cut_out.sum())
    notes.insert(
        0,
        f"redirected {share:.0%} of the trade of {int(active.sum())} intermediar(y/ies): "
        f"{_money(moved)} moved from supplier -> intermediary to supplier -> buyer "
        f"({new_links} new link(s)); the intermediaries sell {_money(sold_less)} less, the "
        f"margin removed is {_money(sold_less - moved)}",
    )
    return pieces, notes


def _lookup(src, dst, val, q_src, q_dst, n) -> np.ndarray:
    """Value of the edges ``q_src -> q_dst`` (0 where there is none)."""
    key = src * n + dst
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    want = q_src * n + q_dst
    pos = np.minimum(np.searchsorted(sorted_key, want), max(len(key) - 1, 0))
    if len(key) == 0:
        return np.zeros(len(want))
    hit = sorted_key[pos] == want
    return np.where(hit, val[order][pos], 0.0)


def _idle_notes(net, mark, V, W) -> list:
    """Notes on marked intermediaries that buy but do not sell, or sell but do not buy."""
    notes = []
    for what, idle in (
        ("buy but sell nothing", mark & (V > 0) & (W == 0)),
        ("sell but buy nothing", mark & (W > 0) & (V == 0)),
        ("have no trade", mark & (V == 0) & (W == 0)),
    ):
        if idle.any():
            ids = net.nodes[idle][:5].tolist()
            notes.append(f"{int(idle.sum())} intermediar(y/ies) {what}, left unchanged: {ids}")
    return notes


# ============================================================================ remove
def remove_firms(net, ids) -> tuple:
    """The network without the listed firms ``ids`` and all their transactions.

    Parameters
    ----------
    net : SupplyNetwork
    ids : str or sequence of str
        Firm ids (``firm_id`` of the firm list).

    Returns
    -------
    (SupplyNetwork, list of str)
        The new network and the notes: per firm its sector, its transactions and their
        value; the cooperation ties removed; outside parties left without trade.

    Raises
    ------
    InvalidNetworkError
        An id that is not a listed firm (with the closest ids), or every firm removed.

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["clay", "pots"]})
    >>> tx = pd.DataFrame({"supplier": ["MINE", "A", "B"], "buyer": ["A", "B", "SHOP"],
    ...                    "value": [2, 4, 10]})
    >>> new, notes = remove_firms(SupplyNetwork.from_frames(firms, tx), ["A"])
    >>> new.nodes.tolist(), notes[0]
    (['B', 'SHOP'], "removed firm 'A' (clay): 2 transaction(s), sold 4, bought 2")
    >>> remove_firms(new, "b")
    Traceback (most recent call last):
    ...
    linkage.errors.InvalidNetworkError: firm 'b' is not in the network; did you mean 'B'?
    """
    codes = _find_nodes(net, ids, "firm", firms_only=True)
    if len(codes) == net.n_firms:
        raise InvalidNetworkError("cannot remove every firm of the network")
    e = _edge_arrays(net)
    gone = np.zeros(net.n_nodes, dtype=bool)
    gone[codes] = True
    cut = gone[e["src"]] | gone[e["dst"]]
    sold = np.bincount(e["src"], weights=e["val"], minlength=net.n_nodes)
    bought = np.bincount(e["dst"], weights=e["val"], minlength=net.n_nodes)
    n_tx = np.bincount(e["src"], minlength=net.n_nodes) + np.bincount(
        e["dst"], minlength=net.n_nodes
    )
    notes = [
        f"removed firm {net.nodes[c]!r} ({net.firms['sector'].iloc[c]}): {n_tx[c]} "
        f"transaction(s), sold {_money(sold[c])}, bought {_money(bought[c])}"
        for c in codes[:5]
    ]
    if len(codes) > 5:
        notes.append(
            f"... and {len(codes) - 5} more firm(s); {int(cut.sum())} transaction(s) removed "
            f"in all, value {_money(float(e['val'][cut].sum()))}"
        )
    code_map = np.cumsum(~gone) - 1
    coop = net.cooperation
    tie_gone = gone[coop["a"].to_numpy()] | gone[coop["b"].to_numpy()]
    if tie_gone.any():
        notes.append(f"{int(tie_gone.sum())} cooperation tie(s) of the removed firm(s) dropped")
    coop = coop[~tie_gone].reset_index(drop=True)
    coop = coop.assign(a=code_map[coop["a"].to_numpy()], b=code_map[coop["b"].to_numpy()])
    kept = {name: e[name][~cut] for name in ("val", "via", "channel", "n_rows")}
    kept["src"], kept["dst"] = code_map[e["src"][~cut]], code_map[e["dst"][~cut]]
    kept["has_channel"] = e["has_channel"]
    firms = net.firms[~gone[: net.n_firms]]
    nodes, is_int = net.nodes[~gone], np.asarray(net.is_intermediary)[~gone]
    return _rebuild(net, firms, nodes, is_int, kept, coop, notes)


# ============================================================================ add
def add_firm(
    net, firm, transactions: pd.DataFrame, *, reader: TableReader | None = None, sources=None
) -> tuple:
    """The network with one more listed firm and its transactions.

    The firm and its transactions are checked like the rows of a survey (the firm list's
    and the transaction file's rules, e.g. a negative value is an error naming its row and
    column). Every transaction must have the new firm as supplier or buyer, and its other
    side must be a node of the network (an unknown id is an error with the closest ids).

    Parameters
    ----------
    net : SupplyNetwork
    firm : dict or one-row DataFrame (or a file, with a survey ``reader``)
        ``firm_id``, ``sector`` and any of the firm list's other columns.
    transactions : DataFrame
        ``supplier, buyer, value`` and optional ``channel``, ``product``.
    reader : TableReader, optional
        How the rows are read (default: canonical frames;
        :class:`linkage.io.SurveyReader` for survey files as field teams write them).
    sources : dict, optional
        Names of ``"firm"`` and ``"transactions"`` in messages (file names).

    Returns
    -------
    (SupplyNetwork, list of str)

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["clay", "pots"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "SHOP"], "value": [4, 10]})
    >>> net = SupplyNetwork.from_frames(firms, tx)
    >>> new_tx = pd.DataFrame({"supplier": ["A", "C"], "buyer": ["C", "SHOP"],
    ...                        "value": [3, 9]})
    >>> new, notes = add_firm(net, {"firm_id": "C", "sector": "pots"}, new_tx)
    >>> new.nodes.tolist(), notes[0]
    (['A', 'B', 'C', 'SHOP'], "added firm 'C' (pots): 2 transaction(s), sold 9, bought 3")
    >>> bad = pd.DataFrame({"supplier": ["C"], "buyer": ["SHOPP"], "value": [1]})
    >>> try:
    ...     add_firm(net, {"firm_id": "C", "sector": "pots"}, bad)
    ... except InvalidNetworkError as exc:
    ...     print(exc)
    transactions, row 2, column 'buyer': unknown id: not the added firm 'C' and not in the
    network; did you mean 'SHOP'? (value 'SHOPP')
    """
    reader = TableReader() if reader is None else reader
    names = {"firm": "added firm", "transactions": "transactions", **(sources or {})}
    row = _new_firm(net, firm, names["firm"], reader)
    fid = str(row.index[0])
    diag = Diagnostics()
    tx_frame, tx_name = reader.load(transactions, names["transactions"], [])
    tx_frame, tx_name = reader.sheet(tx_frame, "transactions", tx_name, diag)
    tx = transaction_rows(tx_frame, tx_name, diag, "error", reader)
    if len(tx["value"]) == 0:
        fail(tx_name, "no transactions of the added firm (a header but no valid rows)")
    n = net.n_firms
    shifted = np.concatenate([np.arange(n), np.arange(n, net.n_nodes) + 1])  # old -> new code
    codes = {"supplier": None, "buyer": None}
    for col in ("supplier", "buyer"):
        ids = np.asarray(tx[col], dtype=object)
        found = net.nodes.get_indexer(ids)
        mine = ids == fid
        bad = (found < 0) & ~mine
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            fail(
                tx_name,
                f"unknown id: not the added firm {fid!r} and not in the network"
                f"{_did_you_mean(ids[k], [fid, *net.nodes])}",
                row=tx["rows"][k],
                column=col,
                value=ids[k],
            )
        codes[col] = np.where(mine, n, shifted[np.maximum(found, 0)])
    neither = (codes["supplier"] != n) & (codes["buyer"] != n)
    if neither.any():
        k = int(np.flatnonzero(neither)[0])
        fail(tx_name, f"the row does not involve the added firm {fid!r}", row=tx["rows"][k])
    via = np.zeros(len(tx["value"]))
    channel = np.full(len(via), "", dtype=object)
    if tx["channel"] is not None:
        channel = np.asarray(tx["channel"], dtype=object)
        via = np.where(channel == "intermediary", tx["value"], 0.0)
    e = _edge_arrays(net)
    pieces = {
        "src": np.concatenate([shifted[e["src"]], codes["supplier"]]),
        "dst": np.concatenate([shifted[e["dst"]], codes["buyer"]]),
        "val": np.concatenate([e["val"], tx["value"]]),
        "via": np.concatenate([e["via"], via]),
        "channel": np.concatenate([e["channel"], channel]),
        "n_rows": np.concatenate([e["n_rows"], np.ones(len(via), np.int64)]),
        "has_channel": e["has_channel"],
    }
    sold = float(tx["value"][codes["supplier"] == n].sum())
    bought = float(tx["value"][codes["buyer"] == n].sum())
    notes = [
        f"added firm {fid!r} ({row['sector'].iloc[0]}): {len(via)} transaction(s), sold "
        f"{_money(sold)}, bought {_money(bought)}"
    ]
    firms = pd.concat([net.firms, row])
    firms.index.name = net.firms.index.name
    nodes = pd.Index([*net.nodes[:n], fid, *net.nodes[n:]], name=net.nodes.name, dtype="str")
    is_int = np.insert(np.asarray(net.is_intermediary), n, False)
    coop = net.cooperation.assign(
        a=shifted[net.cooperation["a"].to_numpy()], b=shifted[net.cooperation["b"].to_numpy()]
    )
    return _rebuild(net, firms, nodes, is_int, pieces, coop, notes)


def _new_firm(net, firm, source: str, reader: TableReader) -> pd.DataFrame:
    """The added firm as a validated one-row firm list (an id already in use is an error)."""
    data = pd.DataFrame([dict(firm)]) if isinstance(firm, dict) else firm
    frame, source = reader.load(data, source, [])
    frame, source = reader.sheet(frame, "firms", source, Diagnostics())
    row = firm_table(frame, source, Diagnostics(), "error", reader)
    if len(row) != 1:
        fail(source, f"give exactly one firm to add (got {len(row)})")
    fid = str(row.index[0])
    if fid in net.nodes:
        what = "a listed firm" if net.nodes.get_loc(fid) < net.n_firms else "an outside party"
        fail(source, f"firm_id {fid!r} is already {what} of the network", column="firm_id")
    return row
