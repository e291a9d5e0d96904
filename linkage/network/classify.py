"""Active or passive: :func:`classify_activity` for any grouping of the firms of a network.

A group (a sentra, or a detected community) is an **active** agglomeration when its firms
trade with each other beyond what their sizes explain, or act jointly, and **passive**
otherwise; the null model, permutation test and rule are in :mod:`linkage.network.activity`
and ``docs/clusters.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.params import check_seed
from .activity import (
    ActivityRule,
    edge_reciprocated,
    group_cooperation_density,
    group_purity,
    group_reciprocity,
    group_trade,
    internal_ties,
)
from .permutation import PendingPvalues, start_permutation_pvalues
from .sentra import node_codes

__all__ = [
    "ACTIVITY_COLUMNS",
    "activity_frame",
    "activity_measures",
    "network_trade",
    "classify_activity",
    "group_pvalues",
    "start_group_pvalues",
]

#: Columns of :func:`classify_activity`, in order.
ACTIVITY_COLUMNS = (
    "n_firms",
    "internal_value",
    "internal_share",
    "expected_internal_share",
    "excess",
    "reciprocity",
    "cooperation_density",
    "community_purity",
    "p_value",
    "activity",
    "activity_score",
)


def classify_activity(
    network, groups, *, seed=0, n_permutations=199, rule=None, purity_against=None, index_name=None
):
    """Active or passive: internal trade, null model, cooperation, for each group of firms.

    Parameters
    ----------
    network : SupplyNetwork
    groups : str, Series or array_like
        A firm column (``"sentra"``, ``"region"``), a Series indexed by firm or node id (e.g.
        the output of :func:`detect_communities`), or one label per firm or per node.
        Missing labels put a firm in no group; outside parties are never members.
    seed : int
        Seed of the permutation test.
    n_permutations : int
        Relabellings in the permutation test (the smallest p-value is 1/(n+1)). 0 skips
        the test: ``p_value`` is NaN and the trade term rests on the share alone.
    rule : ActivityRule, optional
        Thresholds (default ``ActivityRule()``).
    purity_against : str, Series or array_like, optional
        Second grouping for ``community_purity``: the share of each group's firms in its
        most common group of this one (for sentra, pass the communities; for communities,
        the sentra). NaN when not given.
    index_name : str, optional
        Name of the index (default: the column name, the Series name, or ``"group"``).

    Returns
    -------
    DataFrame, one row per group (sorted labels), columns :data:`ACTIVITY_COLUMNS`:

    ``n_firms``; ``internal_value`` (sales between members); ``internal_share``
    (2 x internal value over members' purchases plus sales with anybody, outside parties
    included); ``expected_internal_share`` (the same under the directed configuration null
    model, w_ij = s_i^out s_j^in / W over the whole network); ``excess`` (their ratio);
    ``reciprocity`` (share of internal ties reciprocated); ``cooperation_density``
    (cooperating member pairs over possible pairs); ``community_purity``; ``p_value``
    (label permutation test of internal minus expected share); ``activity``
    (``active``/``passive``) and ``activity_score`` (>= 1 means active), see
    :class:`ActivityRule`.

    Examples
    --------
    Five potters sell to each other in a ring; five batik makers sell only to a middleman:

    >>> from linkage import SupplyNetwork
    >>> pot, bat = [f"P{i}" for i in range(5)], [f"B{i}" for i in range(5)]
    >>> firms = pd.DataFrame({"firm_id": pot + bat, "sector": ["ceramics"] * 5 + ["batik"] * 5,
    ...                       "sentra": ["Plered"] * 5 + ["Trusmi"] * 5})
    >>> tx = pd.DataFrame({"supplier": pot + bat, "buyer": pot[1:] + pot[:1] + ["PGP"] * 5,
    ...                    "value": 10.0})
    >>> net = SupplyNetwork.from_frames(firms, tx)
    >>> out = classify_activity(net, "sentra", n_permutations=99)
    >>> out[["n_firms", "internal_value", "internal_share", "p_value", "activity"]]
            n_firms  internal_value  internal_share  p_value activity
    sentra
    Plered        5            50.0             1.0     0.02   active
    Trusmi        5             0.0             0.0     0.50  passive
    """
    codes, names = node_codes(network, groups, "groups")
    check_seed(seed)
    p = group_pvalues(network, [codes], len(names), seed, n_permutations)[0]
    if index_name is None:
        if isinstance(groups, str):
            index_name = groups
        elif isinstance(groups, pd.Series) and groups.name is not None:
            index_name = str(groups.name)
        else:
            index_name = "group"
    other = None
    if purity_against is not None:
        other, _ = node_codes(network, purity_against, "purity_against")
    return activity_frame(
        network, codes, names, p, rule=rule, purity_codes=other, index_name=index_name,
        seed=seed, n_permutations=n_permutations,
    )  # fmt: skip


def _trade_arrays(network):
    e = network.edges
    src = e["source"].to_numpy(dtype=np.int64)
    dst = e["target"].to_numpy(dtype=np.int64)
    val = e["value"].to_numpy(dtype=float)
    n = network.n_nodes
    middlemen = np.asarray(getattr(network, "is_intermediary", np.zeros(n, bool)), dtype=bool)
    return src, dst, val, middlemen


def group_pvalues(network, codes_list, n_groups, seed, n_permutations):
    """Permutation p-values of several groupings (node codes) on the same draws.

    ``n_groups`` is one count or one per grouping; NaN everywhere when
    ``n_permutations`` is 0. See :func:`linkage.network.permutation.permutation_pvalues`.
    """
    return start_group_pvalues(
        network, codes_list, n_groups, seed, n_permutations, background=False
    ).result()


def start_group_pvalues(
    network, codes_list, n_groups, seed, n_permutations, *, background=True, draws=None,
    n_threads=1, prepared=None,
):  # fmt: skip
    """:func:`group_pvalues` started in a thread that runs beside the caller (with numba
    the permutations run without the GIL); ``.result()`` waits and returns the list.

    ``draws`` (the ``.draws`` of an earlier job on the same network and seed) splits the
    permutations over ``n_threads`` threads, with the same p-values; ``prepared`` (its
    ``.prepared``) saves recomputing the network's arrays. See
    :func:`linkage.network.permutation.start_permutation_pvalues`.
    """
    ks = [n_groups] * len(codes_list) if np.ndim(n_groups) == 0 else list(n_groups)
    if not (n_permutations and n_permutations > 0):
        return PendingPvalues.finished([np.full(k, np.nan) for k in ks])
    src, dst, val, middlemen = _trade_arrays(network)
    return start_permutation_pvalues(
        network.n_nodes,
        src,
        dst,
        val,
        np.asarray(network.is_firm, dtype=bool),
        list(zip(codes_list, ks, strict=True)),
        n_permutations=n_permutations,
        seed=seed,
        exclude=middlemen,
        background=background,
        draws=draws,
        n_threads=n_threads,
        prepared=prepared,
    )


def network_trade(network):
    """The trade arrays every grouping's measures use, computed once for several groupings
    (:func:`activity_measures`): ``source, target, value, middlemen, is_firm, reciprocated,
    strengths``."""
    src, dst, val, middlemen = _trade_arrays(network)
    is_firm = np.asarray(network.is_firm, dtype=bool)
    member = is_firm & ~middlemen  # the nodes whose ties can be internal
    return {
        "source": src,
        "target": dst,
        "value": val,
        "middlemen": middlemen,
        "is_firm": is_firm,
        "reciprocated": edge_reciprocated(src, dst, member[src] & member[dst]),
        "strengths": (
            np.bincount(src, weights=val, minlength=network.n_nodes),
            np.bincount(dst, weights=val, minlength=network.n_nodes),
        ),
    }


def activity_measures(network, codes, n_groups, *, purity_codes=None, trade=None):
    """The measures of :func:`classify_activity` that need no p-value, one array per column:
    ``n_firms, internal_value, internal_share, expected_internal_share, excess,
    reciprocity, cooperation_density, community_purity`` (the input of
    :func:`activity_frame`, computed while a permutation test still runs); ``trade``:
    :func:`network_trade` of the network, if known."""
    k = int(n_groups)
    trade = network_trade(network) if trade is None else trade
    is_firm, middlemen = trade["is_firm"], trade["middlemen"]
    src, dst, val = trade["source"], trade["target"], trade["value"]
    # the labels gathered over the edges once, for the internal trade and the reciprocity
    ties = internal_ties(src, dst, is_firm, codes, exclude=middlemen)
    stats = group_trade(
        network.n_nodes, src, dst, val, is_firm, codes, k, exclude=middlemen,
        strengths=trade["strengths"], ties=ties,
    )  # fmt: skip
    coop = network.cooperation
    density = group_cooperation_density(
        coop["a"].to_numpy(), coop["b"].to_numpy(), is_firm, codes, k
    )
    if purity_codes is not None:
        purity = group_purity(codes, purity_codes, is_firm, k)
    else:
        purity = np.full(k, np.nan)
    return {
        "n_firms": stats["n_firms"].astype(np.int64),
        "internal_value": stats["internal_value"],
        "internal_share": stats["internal_share"],
        "expected_internal_share": stats["expected_internal_share"],
        "excess": stats["excess"],
        "reciprocity": group_reciprocity(
            src,
            dst,
            is_firm,
            codes,
            k,
            exclude=middlemen,
            reciprocated=trade["reciprocated"],
            ties=ties,
        ),
        "cooperation_density": density,
        "community_purity": purity,
    }


def activity_frame(
    network, codes, names, p, *, rule=None, purity_codes=None, index_name="group", seed=0,
    n_permutations=0, measures=None, trade=None,
):  # fmt: skip
    """The frame of :func:`classify_activity` from node codes and their p-values
    (``measures``: :func:`activity_measures` of the same codes, computed here if None;
    ``trade``: :func:`network_trade`, if known)."""
    rule = ActivityRule() if rule is None else rule
    if measures is None:
        measures = activity_measures(
            network, codes, len(names), purity_codes=purity_codes, trade=trade
        )
    score = rule.score(measures["internal_share"], p, measures["cooperation_density"])
    frame = pd.DataFrame(
        {
            **measures,
            "p_value": p,
            "activity": rule.classify(score),
            "activity_score": score,
        },
        index=pd.Index(names, name=index_name),
    )
    frame["activity"] = frame["activity"].astype("str")
    frame.attrs.update(n_permutations=int(n_permutations or 0), seed=seed, rule=rule)
    return frame
