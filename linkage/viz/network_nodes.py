"""What a network page reads about each node of a SupplyNetwork, and how it draws it.

The legend of node shapes (a firm, or one kind of outside party) and borders (the activity
class of the firm's sentra); per node: its shape code, border code, label and community.
Both network pages use these, the full one (:mod:`linkage.viz.network_full`) per firm and
the collapsed one (:mod:`linkage.viz.network_collapsed`) per group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .i18n import t

__all__ = [
    "shapes",
    "borders",
    "party_group_labels",
    "party_kinds",
    "SHAPES",
    "BORDERS",
    "PARTY_GROUP_LABELS",
    "BORDER_CODE",
    "membership",
    "sentra_activity",
    "party_kind",
    "node_labels",
    "text_column",
    "float_column",
]

_PARTIES = ("middleman", "supplier", "buyer", "both")


def shapes(lang: str = "en") -> list:
    """Node shapes, index 0 a firm, then the kinds of outside party, labelled in ``lang``.

    Examples
    --------
    >>> [s["shape"] for s in shapes("id")][:2], shapes("id")[1]["label"]
    (['dot', 'diamond'], 'Pengepul di luar survei')
    """
    look = [("dot", None), ("diamond", "#3b3b3b"), ("triangle", "#9a9a9a")]
    look += [("triangleDown", "#9a9a9a"), ("square", "#6b6b6b")]
    names = ("firm",) + _PARTIES
    return [
        {"shape": shape, "label": t(f"np.shape.{name}", lang), "color": colour}
        for (shape, colour), name in zip(look, names, strict=True)
    ]


def party_group_labels(lang: str = "en") -> list:
    """Name of the node that stands for all outside parties of one shape (collapsed page)."""
    return [""] + [t(f"np.group.{name}", lang) for name in _PARTIES]


def party_kinds(lang: str = "en") -> list:
    """What the tooltip calls each shape (firm, middleman, outside supplier ...)."""
    return [t(f"np.kind.{name}", lang) for name in ("firm",) + _PARTIES]


def borders(lang: str = "en") -> list:
    """Node borders by the activity of the firm's sentra: none, active, passive."""
    return [
        {"label": t("np.border.none", lang), "color": "#555555", "width": 1, "dashes": False},
        {"label": t("np.border.active", lang), "color": "#1a7f37", "width": 4, "dashes": False},
        {"label": t("np.border.passive", lang), "color": "#111111", "width": 3, "dashes": True},
    ]


# English, as before the catalogues (node shapes: index 0 is a firm, then the parties)
SHAPES = shapes("en")
#: Name of the node that stands for all outside parties of one shape (collapsed page).
PARTY_GROUP_LABELS = party_group_labels("en")
BORDERS = borders("en")
#: Border code (index into BORDERS) of a sentra's activity class.
BORDER_CODE = {"active": 1, "passive": 2}


def membership(network, clusters):
    """Community label per node (Series indexed like network.nodes) or None.

    ``clusters`` is a Clusters result (its ``membership``) or a Series of labels by node id.

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["batik", "batik"],
    ...                       "name": ["Batik Sari", ""]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B", "KAIN"], "buyer": ["B", "PGP", "A"],
    ...                    "value": [5, 9, 2]})
    >>> parties = pd.DataFrame({"party_id": ["PGP"], "kind": ["intermediary"],
    ...                         "name": ["Pengepul Ali"]})
    >>> net = SupplyNetwork.from_frames(firms, tx, parties=parties)
    >>> membership(net, pd.Series({"A": 0, "B": 0, "PGP": 1})).tolist()
    [0.0, 0.0, 1.0, nan]
    """
    if clusters is None:
        return None
    member = getattr(clusters, "membership", clusters)
    if not isinstance(member, pd.Series):
        raise TypeError(
            f"clusters must be a Clusters result or a Series of community labels, "
            f"got {type(clusters).__name__}"
        )
    member = member.copy()
    member.index = member.index.astype(str)
    return member.reindex(network.nodes)


def sentra_activity(network, clusters) -> np.ndarray:
    """Border code per node from the activity class of the firm's sentra (0 elsewhere).

    The codes index :data:`BORDERS`; the classes come from ``clusters.sentra["activity"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["batik", "batik"],
    ...                       "name": ["Batik Sari", ""]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B", "KAIN"], "buyer": ["B", "PGP", "A"],
    ...                    "value": [5, 9, 2]})
    >>> parties = pd.DataFrame({"party_id": ["PGP"], "kind": ["intermediary"],
    ...                         "name": ["Pengepul Ali"]})
    >>> net = SupplyNetwork.from_frames(firms, tx, parties=parties)
    >>> sentra_activity(net, None)
    array([0, 0, 0, 0])
    """
    codes = np.zeros(network.n_nodes, dtype=np.int64)
    table = getattr(clusters, "sentra", None)
    firms = network.firms
    if table is None or "activity" not in getattr(table, "columns", ()) or "sentra" not in firms:
        return codes
    activity = table["activity"].astype(str)
    activity.index = activity.index.astype(str)
    per_firm = firms["sentra"].astype(str).map(activity)
    codes[: network.n_firms] = per_firm.map(BORDER_CODE).fillna(0).to_numpy(dtype=np.int64)
    return codes


def party_kind(network) -> np.ndarray:
    """Shape code of every node: 0 firm, 1 middleman, 2 outside supplier, 3 buyer, 4 both.

    The codes index :data:`SHAPES`.

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["batik", "batik"],
    ...                       "name": ["Batik Sari", ""]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B", "KAIN"], "buyer": ["B", "PGP", "A"],
    ...                    "value": [5, 9, 2]})
    >>> parties = pd.DataFrame({"party_id": ["PGP"], "kind": ["intermediary"],
    ...                         "name": ["Pengepul Ali"]})
    >>> net = SupplyNetwork.from_frames(firms, tx, parties=parties)
    >>> party_kind(net)
    array([0, 0, 1, 2])
    """
    kind = np.zeros(network.n_nodes, dtype=np.int64)
    parties = network.parties
    if network.n_nodes > network.n_firms:
        p = parties.reindex(network.nodes[network.n_firms :])
        role = p["role"].astype(str).to_numpy() if "role" in p else np.full(len(p), "both")
        code = np.where(role == "outside_supplier", 2, np.where(role == "outside_buyer", 3, 4))
        if "is_intermediary" in p:
            code = np.where(p["is_intermediary"].fillna(False).to_numpy(dtype=bool), 1, code)
        kind[network.n_firms :] = code
    return kind


def text_column(frame, column, n, default="") -> np.ndarray:
    """A column as an object array of strings (``default`` where missing or absent).

    Examples
    --------
    >>> import pandas as pd
    >>> text_column(pd.DataFrame({"sector": ["batik", None]}), "sector", 2).tolist()
    ['batik', '']
    >>> text_column(None, "sector", 2, "?").tolist()
    ['?', '?']
    """
    if frame is None or column not in frame:
        return np.full(n, default, dtype=object)
    values = frame[column]
    out = values.astype(object).where(values.notna(), default).to_numpy()
    return np.array([str(v) for v in out], dtype=object)


def float_column(frame, column, n) -> np.ndarray:
    """A column as floats (NaN where not a number, all NaN when absent).

    Examples
    --------
    >>> import pandas as pd
    >>> float_column(pd.DataFrame({"workers": [3, "n/a"]}), "workers", 2)
    array([ 3., nan])
    """
    if frame is None or column not in frame:
        return np.full(n, np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def node_labels(network) -> np.ndarray:
    """The name of every firm and party, or its id when it has no name.

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["batik", "batik"],
    ...                       "name": ["Batik Sari", ""]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B", "KAIN"], "buyer": ["B", "PGP", "A"],
    ...                    "value": [5, 9, 2]})
    >>> parties = pd.DataFrame({"party_id": ["PGP"], "kind": ["intermediary"],
    ...                         "name": ["Pengepul Ali"]})
    >>> net = SupplyNetwork.from_frames(firms, tx, parties=parties)
    >>> node_labels(net).tolist()
    ['Batik Sari', 'B', 'Pengepul Ali', 'KAIN']
    """
    ids = np.asarray(network.nodes.astype(str), dtype=object)
    labels = ids.copy()
    nf = network.n_firms
    if "name" in network.firms:
        names = text_column(network.firms, "name", nf)
        labels[:nf] = np.where([bool(s.strip()) for s in names], names, ids[:nf])
    if nf < network.n_nodes and "name" in network.parties:
        names = text_column(network.parties.reindex(network.nodes[nf:]), "name", len(ids) - nf)
        labels[nf:] = np.where([bool(s.strip()) for s in names], names, ids[nf:])
    return labels
