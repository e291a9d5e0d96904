"""Communities in a supply network, and active versus passive sentra.

:func:`detect_communities` finds groups of firms that trade (and cooperate) more with each
other than with the rest, with Leiden, Louvain or Infomap on one weighted undirected graph.
:func:`classify_activity` measures, for any grouping of firms (the sentra, or the detected
communities), whether the group is an **active** agglomeration -- its firms trade with each
other beyond what their sizes explain, or act jointly -- or a **passive** one, with the
null model, permutation test and rule of :mod:`linkage.network.activity`. :func:`find_clusters` does
both and returns a :class:`Clusters` record with one frame per sentra and one per community.

The numeric work happens in private functions on integer node codes; pandas labels are put
on at the end. The rule, thresholds and references are in ``docs/clusters.md``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.params import check_choice, check_seed
from .activity import ActivityRule, count_keys
from .classify import (
    ACTIVITY_COLUMNS,
    activity_frame,
    activity_measures,
    classify_activity,
    network_trade,
    start_group_pvalues,
)
from .detection import LARGE_GRAPH_EDGES, METHODS, detect_arrays, detection_edges, modularity
from .sentra import node_codes, sentra_labels

__all__ = [
    "METHODS",
    "ACTIVITY_COLUMNS",
    "Clusters",
    "detect_communities",
    "classify_activity",
    "find_clusters",
    "sentra_labels",
    "ActivityRule",
]


def detect_communities(
    network,
    method="leiden",
    resolution=1.0,
    seed=0,
    cooperation=True,
    *,
    within=None,
    cooperation_weight=1.0,
    n_iterations=None,
    trials=10,
):
    """Communities of a supply network: groups that trade and cooperate mostly among themselves.

    Detection runs on one undirected weighted graph of firms **and** outside parties: the
    trade between two nodes in both directions summed, plus (``cooperation=True``) one edge
    per cooperating pair weighted like a typical trade tie of the two (see
    :func:`detection_edges`). Outside parties take part (a middleman can pull his suppliers
    into one community) but are reported apart by :func:`find_clusters`.

    Parameters
    ----------
    network : SupplyNetwork
    method : {"leiden", "louvain", "infomap"}
        ``"leiden"``: igraph's Leiden (Traag et al. 2019) maximizing modularity;
        ``"louvain"``: igraph's multilevel; ``"infomap"``: igraph's Infomap (flow-based,
        for comparison; ``resolution`` must stay 1).
    resolution : float
        Modularity resolution gamma. Modularity cannot see communities smaller than about
        sqrt(W) in weight in a network of total weight W (the resolution limit): raise
        gamma (e.g. 2-10) or use ``within`` to find small sentra in a large network.
    seed : int
        Seeds Python's ``random`` (igraph's generator) for the run; its state is restored.
        The same seed gives the same partition.
    cooperation : bool
        Add the cooperation ties to the graph (``False``: trade only).
    within : str or array_like, optional
        Detect separately inside each group of firms: a firm column (``"sentra"``,
        ``"region"``) or one label per firm. Trade between firms of different groups is
        left out of detection; an outside party joins the community of the group it trades
        with most. Each group is then its own small network, free of the resolution limit
        of the whole.
    cooperation_weight : float
        Weight of a cooperation tie relative to a typical trade tie of the pair.
    n_iterations : int, optional
        Leiden iterations (negative: until the partition is stable); by default 2, or 1 on
        graphs of more than a million edges (see :func:`detect_arrays`).
    trials : int
        Infomap trials.

    Returns
    -------
    Series indexed like ``network.nodes``, int labels (0 = largest community), name
    ``"community"``; ``.attrs``: method, n_iterations, resolution, seed, cooperation, within,
    modularity (of the partition on the detection graph, at this resolution),
    n_communities.

    Examples
    --------
    >>> from linkage import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": list("ABCDEF"), "sector": ["x"] * 6})
    >>> tx = pd.DataFrame({"supplier": list("ABCDEFC"), "buyer": list("BCAEFDD"),
    ...                    "value": [5, 5, 5, 5, 5, 5, 1]})
    >>> m = detect_communities(SupplyNetwork.from_frames(firms, tx), seed=1)
    >>> m.tolist()
    [0, 0, 0, 1, 1, 1]
    >>> round(m.attrs["modularity"], 3)   # 2 * (15/31 - (31/62)**2)
    0.468
    """
    labels, membership = _detect(
        network, method, resolution, seed, cooperation, within, cooperation_weight,
        n_iterations, trials,
    )  # fmt: skip
    return membership()


def _detect(
    network, method, resolution, seed, cooperation, within, cooperation_weight, n_iterations,
    trials,
):  # fmt: skip
    """The labels of :func:`detect_communities` and a function that makes its Series
    (find_clusters first starts the communities' test with the labels; the modularity in
    its attrs is Leiden's quality, or for the other methods a pass over the edges)."""
    check_choice("method", method, METHODS, "detect_communities")
    check_seed(seed)
    if not (np.isfinite(resolution) and resolution > 0):
        raise ValueError(f"resolution must be a positive number. Got {resolution!r} instead.")
    if method == "infomap" and resolution != 1.0:
        raise ValueError("infomap has no resolution parameter; leave resolution at 1.0")
    u, v, w = _network_detection_edges(network, cooperation, cooperation_weight)
    if method == "infomap":
        # Infomap's partition depends on the edges' order (Leiden's and Louvain's do not):
        # it gets them by (u, v), their order before detection_edges chose (v, u)
        order = np.lexsort((v, u))
        u, v, w = u[order], v[order], w[order]
    block = None
    within_name = None
    if within is not None:
        block, _ = node_codes(network, within, "within")
        # firms without a group are detected together, as one more group
        loose = np.asarray(network.is_firm, dtype=bool) & (block < 0)
        block[loose] = block.max(initial=-1) + 1
        within_name = within if isinstance(within, str) else "groups"
    if n_iterations is None:
        n_iterations = 2 if u.size < LARGE_GRAPH_EDGES else 1
    labels, quality = detect_arrays(
        network.n_nodes,
        u,
        v,
        w,
        method,
        resolution,
        seed,
        within=block,
        n_iterations=n_iterations,
        trials=trials,
        return_quality=True,
    )

    def membership():
        out = pd.Series(labels, index=network.nodes, name="community")
        out.attrs.update(
            method=method,
            n_iterations=n_iterations,
            resolution=float(resolution),
            seed=seed,
            cooperation=bool(cooperation),
            within=within_name,
            # Leiden's own value when it has one (within 1e-12 of ours; no pass over the edges)
            modularity=quality
            if quality is not None
            else modularity(network.n_nodes, u, v, w, labels, resolution),
            n_communities=int(labels.max(initial=-1)) + 1,
        )
        return out

    return labels, membership


def _network_detection_edges(network, cooperation, cooperation_weight):
    e = network.edges
    coop = network.cooperation
    a = b = None
    if cooperation and len(coop):
        a, b = coop["a"].to_numpy(), coop["b"].to_numpy()
    return detection_edges(
        network.n_nodes,
        e["source"].to_numpy(),
        e["target"].to_numpy(),
        e["value"].to_numpy(dtype=float),
        a,
        b,
        cooperation_weight,
    )


@dataclass(frozen=True)
class Clusters:
    """Communities and the activity of sentra and communities (from :func:`find_clusters`).

    Attributes
    ----------
    membership : Series
        Community of every node (firms and outside parties), as :func:`detect_communities`.
    sentra : DataFrame
        Index ``"sentra"``, columns :data:`ACTIVITY_COLUMNS`; ``community_purity`` is the
        share of the sentra's firms in its most common community.
    communities : DataFrame
        Index ``"community"``: ``n_members, n_firms, n_outside, sentra_composition,
        main_sectors`` then the activity columns; ``community_purity`` is the share of the
        community's firms in its most common sentra.
    method : str
    resolution : float
    seed : int
    sentra_source : str
        Where the sentra came from (``"sentra"``, ``"region"``, ``"co-location ..."``,
        ``"none"``).
    """

    membership: pd.Series
    sentra: pd.DataFrame
    communities: pd.DataFrame
    method: str
    resolution: float
    seed: int
    sentra_source: str = "sentra"

    def firm_communities(self, network) -> pd.Series:
        """The community of each firm, indexed by firm_id (for a ``community`` column)."""
        return self.membership.iloc[: network.n_firms].set_axis(network.firms.index)


def _composition(codes, values, n_groups, top):
    """Text "name: count, ..." of the most common values per group (firms only).

    Per group, the ``top`` most common values (ties by name) and the count of the others;
    a missing value reads ``(none)``. Counted on integer codes: the values are factorized
    once, their names ranked once, and the (group, value) pairs counted by ``np.unique``."""
    out = np.full(n_groups, "", dtype=object)
    ok = codes >= 0
    if not ok.any():
        return out
    vcodes, uniq = pd.factorize(pd.Series(values)[ok], use_na_sentinel=True)
    # values with the same text are one value, as the text is what is shown
    names, vcodes = _merged_names(uniq, np.asarray(vcodes, dtype=np.int64))
    rank = np.empty(len(names), dtype=np.int64)
    rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    span = len(names)
    keys, counts = count_keys(codes[ok] * span + rank[vcodes], n_groups * span)
    g, r = keys // span, keys % span
    order = np.lexsort((r, -counts, g))
    g, r, counts = g[order], r[order], counts[order]
    start = np.searchsorted(g, g, side="left")
    place = np.arange(g.size) - start
    by_rank = np.empty(len(names), dtype=object)
    by_rank[rank] = names
    shown = place < top
    parts = [f"{v}: {n}" for v, n in zip(by_rank[r[shown]], counts[shown].tolist(), strict=True)]
    gs = g[shown]
    bounds = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1], True])
    text = [", ".join(parts[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    rest = np.bincount(g[~shown], weights=counts[~shown], minlength=n_groups)
    has_rest = np.bincount(g[~shown], minlength=n_groups) > 0
    for i, grp in enumerate(gs[bounds[:-1]].tolist()):
        out[grp] = text[i] + (f", others: {int(rest[grp])}" if has_rest[grp] else "")
    return out


def _merged_names(uniq, vcodes):
    """The distinct texts of factorized values (missing: ``(none)``), codes onto them."""
    texts = [str(u) for u in uniq] + ["(none)"]
    index = {}
    to_text = np.array([index.setdefault(t, len(index)) for t in texts], dtype=np.int64)
    return list(index), to_text[vcodes]


def _in_thread(fn, *args):
    """Start ``fn(*args)`` in a thread; returns a function that waits for its value (and
    re-raises its error)."""
    out = {}

    def run():
        try:
            out["value"] = fn(*args)
        except BaseException as exc:  # re-raised by the caller
            out["error"] = exc

    thread = threading.Thread(target=run, name="network-trade", daemon=True)
    thread.start()

    def result():
        thread.join()
        if "error" in out:
            raise out["error"]
        return out["value"]

    return result


def _community_info(network, membership, sentra_of_firm, measures, source):
    """Members, outside parties, sentra and sector composition of each community."""
    labels = membership.to_numpy()
    n_firms = measures["n_firms"]
    k = n_firms.size
    n_members = np.bincount(labels, minlength=k)
    is_firm = np.asarray(network.is_firm, dtype=bool)
    firm_codes = np.where(is_firm, labels, -1)[: network.n_firms]
    sen = sentra_of_firm.array
    sectors = network.firms["sector"].array
    info = pd.DataFrame(
        {
            "n_members": n_members.astype(np.int64),
            "n_firms": n_firms,
            "n_outside": (n_members - n_firms).astype(np.int64),
            "sentra_composition": _composition(firm_codes, sen, k, top=5)
            if source != "none"
            else np.full(k, "", dtype=object),
            "main_sectors": _composition(firm_codes, sectors, k, top=3),
        }
    )
    info["sentra_composition"] = info["sentra_composition"].astype("str")
    info["main_sectors"] = info["main_sectors"].astype("str")
    return info


def find_clusters(
    network,
    method="leiden",
    resolution=1.0,
    seed=0,
    cooperation=True,
    *,
    within=None,
    sentra=None,
    radius_km=1.0,
    n_permutations=199,
    rule=None,
    cooperation_weight=1.0,
    n_iterations=None,
):
    """Detect communities and classify every sentra and community as active or passive.

    Parameters
    ----------
    network : SupplyNetwork
    method, resolution, seed, cooperation, within, cooperation_weight, n_iterations
        As in :func:`detect_communities`.
    sentra : str, optional
        Where the sentra come from (see :func:`sentra_labels`): by default the ``sentra``
        column, else ``region``, else co-location of ``lat``/``lon`` within ``radius_km``.
    radius_km : float
    n_permutations : int
        Permutations of the test (same ``seed``), the same for the sentra and the
        communities: each gets the p-values :func:`classify_activity` gives it alone. The
        sentra's test runs in a thread while the communities are detected.
    rule : ActivityRule, optional

    Returns
    -------
    Clusters

    Examples
    --------
    >>> from linkage import SupplyNetwork
    >>> pot, bat = [f"P{i}" for i in range(5)], [f"B{i}" for i in range(5)]
    >>> firms = pd.DataFrame({"firm_id": pot + bat, "sector": ["ceramics"] * 5 + ["batik"] * 5,
    ...                       "sentra": ["Plered"] * 5 + ["Trusmi"] * 5})
    >>> tx = pd.DataFrame({"supplier": pot + bat, "buyer": pot[1:] + pot[:1] + ["PGP"] * 5,
    ...                    "value": 10.0})
    >>> cl = find_clusters(SupplyNetwork.from_frames(firms, tx), n_permutations=99)
    >>> cl.sentra["activity"].tolist()
    ['active', 'passive']
    >>> cl.communities[["n_members", "n_outside", "sentra_composition", "activity"]]
               n_members  n_outside sentra_composition activity
    community
    0                  6          1          Trusmi: 5  passive
    1                  5          0          Plered: 5   active
    """
    check_seed(seed)
    t0 = time.perf_counter()
    sentra_of_firm = sentra_labels(network, sentra, radius_km=radius_km)
    source = sentra_of_firm.attrs.get("source", "none")
    s_codes, s_names = node_codes(network, sentra_of_firm, "groups")
    # the sentra test needs no communities: it runs in a thread (compiled, without the GIL)
    # while the graph is built and Leiden runs; the communities' test runs after, on the
    # same permutations (same seed), each as classify_activity alone would give it
    sentra_test = start_group_pvalues(network, [s_codes], len(s_names), seed, n_permutations)
    # the network-wide half of the frames needs no communities either: a thread computes it
    # while the graph is built (scipy's kernels and most numpy loops release the GIL)
    trade_job = _in_thread(network_trade, network)
    labels, make_membership = _detect(
        network, method, resolution, seed, cooperation, within, cooperation_weight,
        n_iterations, 10,
    )  # fmt: skip
    t1 = time.perf_counter()
    # node_codes of the membership: the canonical labels 0..k-1, outside parties -1
    c_codes = np.where(np.asarray(network.is_firm, dtype=bool), labels, -1)
    c_names = pd.Index(np.arange(int(labels.max(initial=-1)) + 1, dtype=np.int64))
    (p_sentra,) = sentra_test.result()
    # the communities' test on the same permutations, in two threads: the second starts
    # from the generator state after the first half (counted by the sentra test), so the
    # p-values are those of one loop; the frames are built meanwhile
    comm_test = start_group_pvalues(
        network, [c_codes], len(c_names), seed, n_permutations, draws=sentra_test.draws,
        n_threads=2, prepared=sentra_test.prepared,
    )  # fmt: skip
    membership = make_membership()
    trade = trade_job()
    kw = dict(rule=rule, seed=seed, n_permutations=n_permutations)
    sentra_frame = activity_frame(
        network, s_codes, s_names, p_sentra, purity_codes=c_codes, index_name="sentra",
        trade=trade, **kw,
    )  # fmt: skip
    c_purity = s_codes if source != "none" else None
    c_measures = activity_measures(
        network, c_codes, len(c_names), purity_codes=c_purity, trade=trade
    )
    info = _community_info(network, membership, sentra_of_firm, c_measures, source)
    (p_comm,) = comm_test.result()
    comm = activity_frame(
        network, c_codes, c_names, p_comm, purity_codes=c_purity, index_name="community",
        measures=c_measures, **kw,
    )  # fmt: skip
    info.index = comm.index
    communities = pd.concat([info, comm.drop(columns="n_firms")], axis=1)
    communities.attrs.update(comm.attrs)
    communities.attrs.update(membership.attrs)
    communities.attrs["seconds"] = {"detect": t1 - t0, "classify": time.perf_counter() - t1}
    return Clusters(
        membership=membership,
        sentra=sentra_frame,
        communities=communities,
        method=method,
        resolution=float(resolution),
        seed=seed,
        sentra_source=source,
    )
