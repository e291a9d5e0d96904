"""Other views of a supply network, each built from its edge arrays: the sparse trade
matrix, a table of nodes, and networkx and igraph graphs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["trade_matrix", "node_frame", "to_networkx", "to_igraph"]


def trade_matrix(net) -> sp.csr_array:
    """Sparse (n_nodes x n_nodes) matrix; entry [i, j] is the value sold by i to j.

    Examples
    --------
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "OUT"], "value": [3, 4]})
    >>> trade_matrix(SupplyNetwork.from_frames(firms, tx)).sum()
    np.float64(7.0)
    """
    e = net.edges
    return sp.csr_array(
        (e["value"].to_numpy(), (e["source"].to_numpy(), e["target"].to_numpy())),
        shape=(net.n_nodes, net.n_nodes),
    )


def node_frame(net) -> pd.DataFrame:
    """One row per node: ``kind`` (firm | outside), ``role``, ``is_intermediary``, ``name``
    and the firm attributes (missing for outside parties).

    Examples
    --------
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "OUT"], "value": [3, 4]})
    >>> node_frame(SupplyNetwork.from_frames(firms, tx))[["kind", "role", "sector"]]
             kind           role sector
    node
    A        firm           firm      x
    B        firm           firm      y
    OUT   outside  outside_buyer    NaN
    """
    firms = net.firms
    frame = pd.DataFrame(index=net.nodes)
    frame["kind"] = np.where(net.is_firm, "firm", "outside")
    role = np.full(net.n_nodes, "firm", dtype=object)
    role[net.n_firms :] = net.parties["role"].to_numpy(dtype=object)
    frame["role"] = role.astype(str)
    frame["is_intermediary"] = net.is_intermediary
    names = np.full(net.n_nodes, "", dtype=object)
    if "name" in firms.columns:
        names[: net.n_firms] = firms["name"].to_numpy(dtype=object)
    names[net.n_firms :] = net.parties["name"].to_numpy(dtype=object)
    frame["name"] = names.astype(str)
    for col in firms.columns:
        if col == "name":
            continue
        values = firms[col].to_numpy()
        if values.dtype.kind in "fiub":
            full = np.full(net.n_nodes, np.nan)
        else:
            full = np.full(net.n_nodes, None, dtype=object)
        full[: net.n_firms] = values
        frame[col] = full
    return frame


def to_networkx(net):
    """A networkx ``DiGraph``: nodes are ids with their attributes, edges carry ``weight``.

    Firms have ``kind="firm"`` and their columns (``sector``, ``name``, ...); outside
    parties have ``kind="outside"``, ``role`` and ``is_intermediary``. Edge attributes:
    ``weight`` (= value), ``n_rows`` and ``channel`` when known.

    Examples
    --------
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "OUT"], "value": [3, 4]})
    >>> G = to_networkx(SupplyNetwork.from_frames(firms, tx))
    >>> G["A"]["B"]["weight"], G.nodes["OUT"]["role"], G.nodes["A"]["sector"]
    (3.0, 'outside_buyer', 'x')
    """
    import networkx as nx

    G = nx.DiGraph()
    records = node_frame(net).to_dict("records")
    for rec in records:
        for key, value in list(rec.items()):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                del rec[key]
    G.add_nodes_from(zip(net.nodes.tolist(), records, strict=True))
    ids = np.asarray(net.nodes, dtype=object)
    e = net.edges
    attrs = {"weight": e["value"].to_numpy().tolist(), "n_rows": e["n_rows"].tolist()}
    if "channel" in e.columns:
        attrs["channel"] = e["channel"].tolist()
        attrs["value_intermediary"] = e["value_intermediary"].tolist()
    keys = list(attrs)
    G.add_edges_from(
        (u, v, dict(zip(keys, vals, strict=True)))
        for u, v, *vals in zip(
            ids[e["source"].to_numpy()],
            ids[e["target"].to_numpy()],
            *attrs.values(),
            strict=True,
        )
    )
    return G


def to_igraph(net):
    """A directed igraph ``Graph`` built from the edge arrays.

    Vertex ``i`` is ``nodes[i]``: attribute ``name`` is the id (igraph looks vertices
    up by it), ``label`` the firm's or party's name, plus ``kind``, ``role``,
    ``is_intermediary`` and the firm columns; edges carry ``weight`` (= value) and
    ``channel`` when known.

    Examples
    --------
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "y"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "OUT"], "value": [3, 4]})
    >>> g = to_igraph(SupplyNetwork.from_frames(firms, tx))
    >>> g.vcount(), g.ecount(), g.vs["name"]
    (3, 2, ['A', 'B', 'OUT'])
    """
    import igraph as ig

    e = net.edges
    pairs = np.column_stack([e["source"].to_numpy(), e["target"].to_numpy()])
    g = ig.Graph(n=net.n_nodes, edges=pairs.tolist(), directed=True)
    nodes = node_frame(net)
    for col in nodes.columns:
        g.vs["label" if col == "name" else col] = nodes[col].to_numpy().tolist()
    g.vs["name"] = net.nodes.tolist()
    g.es["weight"] = e["value"].to_numpy().tolist()
    if "channel" in e.columns:
        g.es["channel"] = e["channel"].tolist()
    return g
