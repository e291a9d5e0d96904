"""Cooperation ties between the nodes of a network: :func:`cooperation_ties`.

A cooperation file lists pairs ``firm_a, firm_b`` and optionally the ``kind`` of joint
action (``shared_equipment``, ``joint_procurement``, ``joint_marketing``,
``knowledge_sharing`` ...). Ties are undirected: one row per pair and kind, ``a < b``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from .lookalike import lookalike_text
from .reader import REQUIRED_COLUMNS, TableReader
from .validation import require, row_list, without_blank

__all__ = ["cooperation_ties", "empty_cooperation"]


def empty_cooperation() -> pd.DataFrame:
    """The cooperation frame of a network without ties.

    Examples
    --------
    >>> empty_cooperation().columns.tolist()
    ['a', 'b', 'kind']
    """
    return pd.DataFrame(
        {"a": np.zeros(0, np.int64), "b": np.zeros(0, np.int64), "kind": pd.array([], dtype="str")}
    )


def cooperation_ties(
    frame: pd.DataFrame,
    nodes: pd.Index,
    n_firms: int,
    source: str,
    diag: Diagnostics,
    reader: TableReader | None = None,
) -> pd.DataFrame:
    """The cooperation ties of a network as node codes.

    A tie naming an id that is neither a firm nor a trading party, or a firm with itself,
    is skipped and reported; a tie repeated (in either direction) counts once.

    Parameters
    ----------
    frame : DataFrame
        ``firm_a, firm_b`` and optional ``kind`` (columns as read by ``reader``).
    nodes : Index of str
        The network's node ids (a node's position is its code).
    n_firms : int
        Nodes below this code are listed firms.
    source : str
        Name of the file in messages.
    diag : Diagnostics
    reader : TableReader, optional

    Returns
    -------
    DataFrame
        ``a < b`` (int64 node codes) and ``kind`` (``"unspecified"`` when not given),
        sorted, one row per (a, b, kind).

    Examples
    --------
    >>> coop = pd.DataFrame({"firm_a": ["A", "B", "A"], "firm_b": ["B", "A", "Q"]})
    >>> d = Diagnostics()
    >>> cooperation_ties(coop, pd.Index(["A", "B"]), 2, "coop", d)
       a  b         kind
    0  0  1  unspecified
    >>> d.count("cooperation_unknown_ids"), d.count("cooperation_duplicates")
    (1, 1)
    """
    reader = TableReader() if reader is None else reader
    frame = reader.columns(frame, "cooperation", source, diag)
    require(frame, REQUIRED_COLUMNS["cooperation"], source)
    frame, rows = without_blank(frame, source, diag)
    a_ids = reader.ids(frame["firm_a"], f"{source}, column 'firm_a'", diag)
    b_ids = reader.ids(frame["firm_b"], f"{source}, column 'firm_b'", diag)
    if "kind" in frame.columns:
        kind = frame["kind"].astype(str).str.strip().str.lower()
        kind = kind.where(frame["kind"].notna() & (kind != ""), "unspecified")
        kind = kind.str.replace(r"\s+", "_", regex=True).to_numpy(dtype=object)
    else:
        kind = np.full(len(frame), "unspecified", dtype=object)
    a = nodes.get_indexer(pd.Index(np.where(a_ids == None, "", a_ids).astype(str)))  # noqa: E711
    b = nodes.get_indexer(pd.Index(np.where(b_ids == None, "", b_ids).astype(str)))  # noqa: E711
    unknown = (a < 0) | (b < 0)
    if unknown.any():
        _report_unknown(a, b, a_ids, b_ids, unknown, nodes, rows, source, diag)
    self_tie = ~unknown & (a == b)
    if self_tie.any():
        diag.add(
            "cooperation_self",
            f"{source}: skipped {int(self_tie.sum())} tie(s) of a firm with itself (rows "
            f"{row_list(rows[self_tie])})",
            count=int(self_tie.sum()),
            level="warning",
        )
    keep = ~unknown & ~self_tie
    return _unique_ties(a[keep], b[keep], kind[keep], n_firms, source, diag)


def _report_unknown(a, b, a_ids, b_ids, unknown, nodes, rows, source, diag) -> None:
    """Warn about the ties naming an id that is not a node, with look-alike ids."""
    bad = np.where(a[unknown] < 0, a_ids[unknown], b_ids[unknown])[:5].tolist()
    named = np.r_[a_ids[unknown & (a < 0)], b_ids[unknown & (b < 0)]]
    named = pd.Index(pd.unique(named[~pd.isna(named)]).astype(str))
    hint = lookalike_text(nodes, named)
    diag.add(
        "cooperation_unknown_ids",
        f"{source}: skipped {int(unknown.sum())} cooperation tie(s) naming an id that is "
        f"neither a firm nor a trading party ({bad}; rows {row_list(rows[unknown])})"
        f"{hint}",
        count=int(unknown.sum()),
        level="warning",
    )


def _unique_ties(a, b, kind, n_firms, source, diag) -> pd.DataFrame:
    """One row per (a < b, kind), sorted; repeats and ties with outside parties reported."""
    lo = np.minimum(a, b).astype(np.int64)
    hi = np.maximum(a, b).astype(np.int64)
    ties = pd.DataFrame({"a": lo, "b": hi, "kind": kind.astype(str)})
    deduped = ties.drop_duplicates().sort_values(["a", "b", "kind"]).reset_index(drop=True)
    n_dup = len(ties) - len(deduped)
    if n_dup:
        diag.add(
            "cooperation_duplicates",
            f"{source}: {n_dup} repeated tie(s) (same pair and kind, either direction) were "
            "counted once",
            count=n_dup,
        )
    with_outside = int(((deduped["a"] >= n_firms) | (deduped["b"] >= n_firms)).sum())
    if with_outside:
        diag.add(
            "cooperation_outside",
            f"{source}: {with_outside} tie(s) involve an outside party",
            count=with_outside,
        )
    deduped["kind"] = deduped["kind"].astype("str")
    return deduped
