"""Building a supply network: the steps behind :meth:`SupplyNetwork.from_frames` and
:meth:`SupplyNetwork.from_arrays`.

Each function returns the network's parts (a dict of its attributes) and its
:class:`~linkage.core.diagnostics.Diagnostics`; the class puts them together. Ids are
resolved to node codes once (firms first, in firm-list order, then the other ids by first
appearance in the transactions); everything after works on the integer codes.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..errors import InvalidNetworkError
from .cooperation import cooperation_ties, empty_cooperation
from .edges import merge_pairs
from .findings import report_network
from .firms import firm_table
from .outside import flag_collectors, outside_parties, party_marks, pattern_marks
from .parties import listed_parties
from .reader import TableReader
from .transactions import array_rows, transaction_rows
from .validation import check_on_invalid, fail, intermediary_regex

__all__ = ["frames_parts", "arrays_parts", "network_parts", "parts_from_codes"]

#: The tables of a survey, in the order they are read.
TABLES = ("firms", "transactions", "cooperation", "parties")


def frames_parts(
    firms,
    transactions,
    cooperation=None,
    parties=None,
    *,
    intermediary_pattern: str | None = None,
    on_invalid: str = "error",
    sources: dict | None = None,
    reader: TableReader | None = None,
) -> tuple[dict, Diagnostics]:
    """The parts of a network built from its tables (see :meth:`SupplyNetwork.from_frames`).

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "x"]})
    >>> tx = pd.DataFrame({"supplier": ["A"], "buyer": ["PGP"], "value": [3.0]})
    >>> parts, diag = frames_parts(firms, tx)
    >>> parts["nodes"].tolist(), parts["parties"]["role"].tolist()
    (['A', 'B', 'PGP'], ['outside_buyer'])
    """
    check_on_invalid(on_invalid)
    reader = TableReader() if reader is None else reader
    names = {key: key for key in TABLES}
    names.update(sources or {})
    notes: list = []
    tables = {}
    for key, data in zip(TABLES, (firms, transactions, cooperation, parties), strict=True):
        tables[key], names[key] = reader.load(data, names[key], notes)
    pattern = intermediary_regex(intermediary_pattern)
    diag = Diagnostics()
    for note in notes:
        diag.add("encoding", note, level="warning")
    for key in TABLES:
        tables[key], names[key] = reader.sheet(tables[key], key, names[key], diag)
    firm_frame = firm_table(tables["firms"], names["firms"], diag, on_invalid, reader)
    tx = transaction_rows(tables["transactions"], names["transactions"], diag, on_invalid, reader)
    party_frame = None
    if tables["parties"] is not None:
        party_frame = listed_parties(tables["parties"], names["parties"], diag, reader)
    parts = network_parts(firm_frame, tx, party_frame, pattern, names, diag)
    if tables["cooperation"] is not None:
        parts["cooperation"] = cooperation_ties(
            tables["cooperation"],
            parts["nodes"],
            parts["n_firms"],
            names["cooperation"],
            diag,
            reader,
        )
    else:
        parts["cooperation"] = empty_cooperation()
    parts["_sources"] = names
    return parts, diag


def arrays_parts(
    source,
    target,
    value,
    *,
    n_firms: int,
    node_ids=None,
    firms: pd.DataFrame | None = None,
    is_intermediary=None,
    on_invalid: str = "error",
) -> tuple[dict, Diagnostics]:
    """The parts of a network built from node codes (see :meth:`SupplyNetwork.from_arrays`).

    Examples
    --------
    >>> parts, diag = arrays_parts([0, 1], [1, 2], [5.0, 1.0], n_firms=2)
    >>> parts["nodes"].tolist(), parts["edges"]["value"].tolist()
    (['F0', 'F1', 'P0'], [5.0, 1.0])
    """
    check_on_invalid(on_invalid)
    src = np.asarray(source, dtype=np.int64)
    dst = np.asarray(target, dtype=np.int64)
    val = np.asarray(value, dtype=float)
    if not (src.shape == dst.shape == val.shape) or src.ndim != 1:
        raise InvalidNetworkError(
            f"source, target and value must be 1-d of equal length; got shapes "
            f"{src.shape}, {dst.shape}, {val.shape}"
        )
    n_firms = int(n_firms)
    nodes = _array_nodes(src, dst, n_firms, node_ids)
    diag = Diagnostics()
    firm_frame = firm_table(_firm_attributes(firms, nodes, n_firms), "firms", diag, on_invalid)
    keep = array_rows(src, dst, val, diag, on_invalid)
    rows = np.arange(len(val)) + 2
    tx = {"value": val[keep], "channel": None, "rows": rows[keep], "n_read": len(val)}
    names = {key: key for key in ("firms", "transactions", "parties", "cooperation")}
    parts = parts_from_codes(firm_frame, nodes, src[keep], dst[keep], tx, None, None, names, diag)
    if is_intermediary is not None:
        flags = np.asarray(is_intermediary, dtype=bool)
        if flags.shape != (len(nodes),):
            raise InvalidNetworkError(
                f"is_intermediary must have shape ({len(nodes)},), has {flags.shape}"
            )
        parts["is_intermediary"] = flags.copy()
        parts["parties"]["is_intermediary"] = flags[n_firms:]
    parts["cooperation"] = empty_cooperation()
    parts["_sources"] = names
    return parts, diag


def _array_nodes(src, dst, n_firms: int, node_ids) -> pd.Index:
    """The node ids (default ``F0, F1, ...`` then ``P0, P1, ...``); every code in range."""
    top = int(max(src.max(initial=-1), dst.max(initial=-1))) + 1
    if node_ids is None:
        n_nodes = max(top, n_firms)
        node_ids = [f"F{i}" for i in range(n_firms)] + [f"P{i}" for i in range(n_nodes - n_firms)]
    nodes = pd.Index(np.asarray(node_ids, dtype=object).astype(str), name="node", dtype="str")
    n_nodes = len(nodes)
    bad = (src < 0) | (src >= n_nodes) | (dst < 0) | (dst >= n_nodes)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        fail(
            "transactions",
            f"node code out of range 0..{n_nodes - 1}",
            row=k + 2,
            value=(int(src[k]), int(dst[k])),
        )
    if not nodes.is_unique or n_firms > n_nodes:
        raise InvalidNetworkError("node_ids must be unique and hold at least n_firms ids")
    return nodes


def _firm_attributes(firms, nodes: pd.Index, n_firms: int) -> pd.DataFrame:
    """The firm list of :meth:`SupplyNetwork.from_arrays`: the attributes in node order
    with the firms' node ids (default sector ``"unknown"``)."""
    frame = pd.DataFrame(firms) if firms is not None else pd.DataFrame(index=range(n_firms))
    if len(frame) != n_firms:
        raise InvalidNetworkError(f"firms has {len(frame)} rows but n_firms is {n_firms}")
    frame = frame.reset_index(drop=True).assign(firm_id=nodes[:n_firms].to_numpy())
    if "sector" not in frame.columns:
        frame["sector"] = "unknown"
    return frame


def network_parts(
    firm_frame: pd.DataFrame,
    tx: dict,
    party_frame: pd.DataFrame | None,
    pattern: re.Pattern | None,
    names: dict,
    diag: Diagnostics,
) -> dict:
    """Resolve the transaction ids to node codes, then build (see :func:`parts_from_codes`).

    Firms get codes ``0 .. n_firms - 1`` in firm-list order; every other id is an outside
    party, numbered by first appearance in the transactions (row by row, supplier first).

    Examples
    --------
    >>> firms = pd.DataFrame({"sector": ["x"]}, index=pd.Index(["A"], name="firm_id"))
    >>> tx = {"supplier": np.array(["S", "A"], dtype=object),
    ...       "buyer": np.array(["A", "B"], dtype=object), "value": np.array([1.0, 2.0]),
    ...       "channel": None, "product": None, "rows": np.array([2, 3]), "n_read": 2}
    >>> names = {"firms": "firms", "transactions": "tx", "parties": "parties"}
    >>> network_parts(firms, tx, None, None, names, Diagnostics())["nodes"].tolist()
    ['A', 'S', 'B']
    """
    firm_ids = firm_frame.index
    n_firms = len(firm_ids)
    # one hash pass: firms first (codes 0..n_firms-1, ids are unique), then the
    # transaction ids row by row (supplier, buyer), so unknown ids are numbered by
    # first appearance
    pairs = np.column_stack([tx["supplier"], tx["buyer"]]).ravel()
    everything = np.concatenate([firm_ids.to_numpy(dtype=object), pairs])
    codes, uniques = pd.factorize(everything)
    codes = codes[n_firms:].astype(np.int64)
    nodes = pd.Index(np.asarray(uniques, dtype=object).astype(str), name="node", dtype="str")
    return parts_from_codes(
        firm_frame, nodes, codes[0::2], codes[1::2], tx, party_frame, pattern, names, diag
    )


def parts_from_codes(
    firm_frame: pd.DataFrame,
    nodes: pd.Index,
    codes_s: np.ndarray,
    codes_b: np.ndarray,
    tx: dict,
    party_frame: pd.DataFrame | None,
    pattern: re.Pattern | None,
    names: dict,
    diag: Diagnostics,
) -> dict:
    """Everything after id resolution: merge pairs, mark middlemen, type parties, report.

    Returns the attributes of the network (``nodes, n_firms, n_nodes, is_firm, firms,
    edges, is_intermediary, parties``) and the transaction rows read and used.

    Examples
    --------
    >>> firms = pd.DataFrame({"sector": ["x", "x"]}, index=pd.Index(["A", "B"], name="firm_id"))
    >>> tx = {"value": np.array([2.0, 3.0]), "channel": None, "rows": np.array([2, 3]),
    ...       "n_read": 2}
    >>> names = {"firms": "firms", "transactions": "tx", "parties": "parties"}
    >>> parts = parts_from_codes(firms, pd.Index(["A", "B"]), np.array([0, 0]),
    ...                          np.array([1, 1]), tx, None, None, names, Diagnostics())
    >>> parts["edges"][["source", "target", "value", "n_rows"]].to_numpy().tolist()
    [[0.0, 1.0, 5.0, 2.0]]
    """
    n_firms = len(firm_frame.index)
    n_nodes = len(nodes)
    edges = merge_pairs(codes_s, codes_b, tx, n_nodes, names["transactions"], diag)
    marks = party_marks(nodes, n_firms, party_frame, names["parties"], diag)
    if pattern is not None:
        marks["is_intermediary"] = marks["is_intermediary"] | pattern_marks(
            nodes, n_firms, pattern, diag
        )
    if "channel" in edges.columns:
        flag_collectors(
            edges, n_firms, marks["is_intermediary"], nodes, names["transactions"], diag
        )
    parties = outside_parties(nodes, n_firms, codes_s, codes_b, edges, marks)
    report_network(firm_frame, nodes, edges, parties, names, diag)
    is_firm = np.zeros(n_nodes, dtype=bool)
    is_firm[:n_firms] = True
    return {
        "nodes": nodes,
        "n_firms": n_firms,
        "n_nodes": n_nodes,
        "is_firm": is_firm,
        "firms": firm_frame,
        "edges": edges,
        "is_intermediary": marks["is_intermediary"],
        "parties": parties,
        "_n_rows_read": tx["n_read"],
        "_n_rows_used": len(tx["value"]),
    }
