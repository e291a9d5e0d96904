"""The fast clusters path equals the one before it: graph building, the permutation test.

``_reference_pvalues`` is a copy of ``linkage.network.activity.permutation_pvalues`` as it
was before the compiled statistic and the shared draws (numpy, one permutation at a
time); the new code must give exactly its p-values on the same seed, with numba and
without. Planted networks come from ``benchmarks/generators.py`` and the helper's
generator in ``benchmarks/bench_clusters.py``.
"""

from __future__ import annotations

import random
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd
import pytest

from benchmarks.bench_clusters import generate
from benchmarks.generators import firm_network
from linkage import SupplyNetwork
from linkage.network import detection, permloop, permutation
from linkage.network.classify import classify_activity, start_group_pvalues
from linkage.network.communities import detect_communities, find_clusters
from linkage.network.detection import (
    canonical_labels,
    detect_arrays,
    igraph_graph,
    modularity,
)
from linkage.network.permutation import permutation_pvalues, permutation_pvalues_many
from linkage.network.sentra import node_codes, sentra_labels

DATA = Path(__file__).resolve().parents[2] / "data" / "sentra"

pytestmark = pytest.mark.filterwarnings("ignore::linkage.errors.DataQualityWarning")


# ----------------------------------------------------------------- the reference
def _reference_pvalues(
    n_nodes, source, target, value, is_firm, labels, n_groups, *, n_permutations, seed, exclude
):
    """permutation_pvalues before this change (copied; only reformatted)."""
    source = np.asarray(source, dtype=np.int64)
    target = np.asarray(target, dtype=np.int64)
    value = np.asarray(value, dtype=float)
    is_firm = np.asarray(is_firm, dtype=bool)
    lab = np.asarray(labels, dtype=np.int64).copy()
    lab[~is_firm] = -1
    s_out = np.bincount(source, weights=value, minlength=n_nodes)
    s_in = np.bincount(target, weights=value, minlength=n_nodes)
    W = float(value.sum())
    total, sxs = s_out + s_in, s_out * s_in
    firm_pos = np.full(n_nodes, -1, dtype=np.int64)
    firms = np.flatnonzero(is_firm)
    firm_pos[firms] = np.arange(firms.size)
    ff = is_firm[source] & is_firm[target]
    fs, ft, fw = firm_pos[source[ff]], firm_pos[target[ff]], value[ff]
    f_out, f_in, f_tot, f_sxs = s_out[firms], s_in[firms], total[firms], sxs[firms]
    f_excl = np.zeros(firms.size, bool) if exclude is None else np.asarray(exclude)[firms]
    base = lab[firms]

    def statistic(fl):
        keep = fl >= 0
        g = fl[keep]
        trade = np.bincount(g, weights=f_tot[keep], minlength=n_groups)
        if f_excl.any():
            fl = np.where(f_excl, -1, fl)
            keep = fl >= 0
            g = fl[keep]
        ls, lt = fl[fs], fl[ft]
        inside = (ls == lt) & (ls >= 0)
        internal = np.bincount(ls[inside], weights=fw[inside], minlength=n_groups)
        expected = np.zeros(n_groups)
        if W > 0:
            expected = (
                np.maximum(
                    np.bincount(g, weights=f_out[keep], minlength=n_groups)
                    * np.bincount(g, weights=f_in[keep], minlength=n_groups)
                    - np.bincount(g, weights=f_sxs[keep], minlength=n_groups),
                    0.0,
                )
                / W
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(trade > 0, 2.0 * (internal - expected) / trade, 0.0)

    observed = statistic(base)
    rng = np.random.default_rng(seed)
    hits = np.zeros(n_groups)
    for _ in range(int(n_permutations)):
        hits += statistic(base[rng.permutation(base.size)]) >= observed - 1e-12
    p = (1.0 + hits) / (1.0 + int(n_permutations))
    keep = lab >= 0
    p[np.bincount(lab[keep], weights=total[keep], minlength=n_groups) <= 0] = 1.0
    p[2 * np.bincount(base[base >= 0], minlength=n_groups) > firms.size] = np.nan
    return p


@pytest.fixture(params=["numba", "numpy"])
def backend(request, monkeypatch):
    if request.param == "numpy":
        monkeypatch.setenv("LINKAGE_NO_NUMBA", "1")
    else:
        monkeypatch.delenv("LINKAGE_NO_NUMBA", raising=False)
        if permloop.compiled() is None:
            pytest.skip("numba does not import here")
    assert permutation.backend() == request.param
    return request.param


def _planted_generator(n_firms=3000, seed=0):
    """firm_network of benchmarks/generators.py as node arrays (firms only, with hubs)."""
    net = firm_network(n_firms, seed=seed, sentra_size=30)
    Z = net.Z.tocoo()
    keep = Z.row != Z.col
    return Z.row[keep], Z.col[keep], Z.data[keep], n_firms, np.asarray(net.sentra)


def _planted_helper(n_firms=4000, seed=0):
    """The helper's planted active/passive sentra (firms, middlemen, outside suppliers)."""
    src, dst, val, n_firms, n_nodes, sentra, _ = generate(n_firms, 10 * n_firms, 40, seed)
    return src, dst, val, n_nodes, n_firms, sentra


# ----------------------------------------------------------------- equality
@pytest.mark.parametrize("seed", [0, 7])
def test_pvalues_equal_the_reference_on_planted_networks(backend, seed):
    src, dst, val, n_nodes, n_firms, sentra = _planted_helper(seed=seed)
    is_firm = np.arange(n_nodes) < n_firms
    lab = np.full(n_nodes, -1)
    lab[:n_firms] = sentra
    lab[:n_firms:13] = -1  # some firms in no sentra
    k = int(sentra.max()) + 1
    excl = np.zeros(n_nodes, bool)
    excl[[3, 50, 777]] = True  # middlemen listed as firms
    for exclude in (None, excl):
        kw = dict(n_permutations=99, seed=seed, exclude=exclude)
        new = permutation_pvalues(n_nodes, src, dst, val, is_firm, lab, k, **kw)
        ref = _reference_pvalues(n_nodes, src, dst, val, is_firm, lab, k, **kw)
        np.testing.assert_array_equal(new, ref)
    # the planted truth: active sentra (even ids) significant, passive ones not mostly
    active = np.arange(k) % 2 == 0
    assert (new[active] <= 0.05).mean() > 0.95
    assert (new[~active] <= 0.05).mean() < 0.2


def test_pvalues_equal_the_reference_on_the_generators_network(backend):
    src, dst, val, n, sentra = _planted_generator()
    is_firm = np.ones(n, bool)
    # the sentra, and a coarse grouping with large groups (like communities)
    for lab in (sentra, sentra % 7):
        k = int(lab.max()) + 1
        kw = dict(n_permutations=49, seed=3, exclude=None)
        new = permutation_pvalues(n, src, dst, val, is_firm, lab, k, **kw)
        np.testing.assert_array_equal(
            new, _reference_pvalues(n, src, dst, val, is_firm, lab, k, **kw)
        )


def test_shared_draws_equal_separate_calls(backend):
    src, dst, val, n_nodes, n_firms, sentra = _planted_helper(2000, seed=1)
    is_firm = np.arange(n_nodes) < n_firms
    a = np.r_[sentra, np.full(n_nodes - n_firms, -1)]
    b = np.r_[sentra // 5, np.full(n_nodes - n_firms, -1)]
    ka, kb = int(a.max()) + 1, int(b.max()) + 1
    pa, pb = permutation_pvalues_many(
        n_nodes, src, dst, val, is_firm, [(a, ka), (b, kb)], n_permutations=59, seed=4
    )
    kw = dict(n_permutations=59, seed=4)
    np.testing.assert_array_equal(
        pa, permutation_pvalues(n_nodes, src, dst, val, is_firm, a, ka, **kw)
    )
    np.testing.assert_array_equal(
        pb, permutation_pvalues(n_nodes, src, dst, val, is_firm, b, kb, **kw)
    )


def test_pvalues_within_monte_carlo_error_of_a_long_run():
    """199 permutations (the default) against 1999 with another seed: the difference of
    two Monte Carlo estimates of the same p stays within a few standard errors."""
    src, dst, val, n, n_firms, sentra = _planted_helper(2000, seed=2)
    is_firm = np.arange(n) < n_firms
    lab = np.r_[sentra, np.full(n - n_firms, -1)]
    k = int(sentra.max()) + 1
    p = permutation_pvalues(n, src, dst, val, is_firm, lab, k, seed=0)
    q = permutation_pvalues(n, src, dst, val, is_firm, lab, k, n_permutations=1999, seed=9)
    se = np.sqrt(q * (1 - q) / 199 + q * (1 - q) / 1999) + 1 / 200
    assert np.all(np.abs(p - q) <= 4 * se)
    assert np.any(q < 0.05) and np.any(q > 0.5)  # the test separates the groups


# ----------------------------------------------------------------- edge cases
def test_edge_cases_one_firm_no_internal_trade_isolated(backend):
    # firms 0-3 trade in a ring (group 0); firm 4 alone (group 1); firms 5-6 sell only to
    # the outside party 12 (group 2, no internal trade); firms 7-8 trade nothing (group 3,
    # isolated); firms 9-11 in no group
    src = np.array([0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 4])
    dst = np.array([1, 2, 3, 0, 9, 12, 12, 10, 11, 9, 0])
    val = np.array([5.0, 5, 5, 5, 2, 3, 3, 1, 1, 1, 1])
    is_firm = np.r_[np.ones(12, bool), False]
    lab = np.array([0, 0, 0, 0, 1, 2, 2, 3, 3, -1, -1, -1, -1])
    kw = dict(n_permutations=199, seed=0, exclude=None)
    p = permutation_pvalues(13, src, dst, val, is_firm, lab, 4, **kw)
    np.testing.assert_array_equal(p, _reference_pvalues(13, src, dst, val, is_firm, lab, 4, **kw))
    assert p[0] < 0.05  # the ring
    assert p[1] == 1.0  # one firm: nothing internal, ever
    assert p[3] == 1.0  # isolated firms: no trade
    assert p[2] > 0.5
    # a group of more than half the firms cannot be tested
    big = np.r_[np.zeros(9, int), np.full(4, -1)]
    assert np.isnan(permutation_pvalues(13, src, dst, val, is_firm, big, 1, **kw)[0])
    # no trade at all, no firms, no permutations
    none = permutation_pvalues(4, [], [], [], np.ones(4, bool), np.array([0, 0, 1, 2]), 3)
    assert none.tolist() == [1.0, 1.0, 1.0]
    assert permutation_pvalues(2, [0], [1], [1.0], np.zeros(2, bool), [-1, -1], 0).size == 0
    zero = permutation_pvalues(13, src, dst, val, is_firm, lab, 4, n_permutations=0)
    assert zero[0] == 1.0 and zero[1] == 1.0


# ----------------------------------------------------------------- the graph
def test_graph_from_memoryviews_is_the_numpy_graph():
    rng = np.random.default_rng(0)
    u, v = rng.integers(0, 50, 200), rng.integers(0, 50, 200)
    old = ig.Graph(n=60, edges=np.column_stack([u, v]), directed=False)
    # int64, int32 and strided (non-contiguous) inputs give the same graph
    for a, b in ((u, v), (u.astype(np.int32), v.astype(np.int32)), (np.c_[u, v][:, 0], v)):
        new = igraph_graph(60, a, b)
        assert new.vcount() == 60 and not new.is_directed()
        assert new.get_edgelist() == old.get_edgelist()
    assert igraph_graph(3, np.array([], int), np.array([], int)).ecount() == 0
    with pytest.raises(ValueError, match="same length"):
        igraph_graph(60, u, v[:-1])


@pytest.mark.parametrize("seed", [0, 3])
def test_same_communities_as_the_numpy_graph(seed):
    src, dst, val, n_nodes, _, _ = _planted_helper(3000, seed=seed)
    u, v, w = detection.detection_edges(n_nodes, src, dst, val)
    g = ig.Graph(n=n_nodes, edges=np.column_stack([u, v]), directed=False)
    for method in ("leiden", "louvain", "infomap"):
        # weights as a list, the way the code did before the memoryview
        state = random.getstate()
        random.seed(seed)
        if method == "leiden":
            ref = g.community_leiden(
                objective_function="modularity", weights=w.tolist(), resolution=1.0,
                n_iterations=2,
            )  # fmt: skip
        elif method == "louvain":
            ref = g.community_multilevel(weights=w.tolist(), resolution=1.0)
        else:
            ref = g.community_infomap(edge_weights=w.tolist(), trials=2)
        random.setstate(state)
        labels = detect_arrays(n_nodes, u, v, w, method, seed=seed, trials=2)
        np.testing.assert_array_equal(labels, canonical_labels(np.asarray(ref.membership)))


# ----------------------------------------------------------------- Leiden's quality
def test_leiden_quality_is_the_modularity_by_hand():
    # two triangles joined by one edge, unit weights: W = 7, inside 3 + 3, strengths
    # 7 + 7, so Q = 6/7 - 2 (7/14)^2 = 5/14 (Newman 2006)
    u = np.array([0, 0, 1, 3, 3, 4, 2])
    v = np.array([1, 2, 2, 4, 5, 5, 3])
    labels, q = detect_arrays(6, u, v, np.ones(7), return_quality=True)
    assert labels.tolist() == [0, 0, 0, 1, 1, 1]
    assert abs(q - 5 / 14) < 1e-15


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("resolution", [0.5, 1.0, 2.5])
def test_leiden_quality_equals_our_modularity(seed, resolution):
    src, dst, val, n_nodes, _, _ = _planted_helper(2000, seed=seed)
    u, v, w = detection.detection_edges(n_nodes, src, dst, val)
    for n_iterations in (1, 2, -1):
        labels, q = detect_arrays(
            n_nodes, u, v, w, resolution=resolution, seed=seed, n_iterations=n_iterations,
            return_quality=True,
        )  # fmt: skip
        ours = modularity(n_nodes, u, v, w, labels, resolution)
        # the same sums in another order: equal to rounding (seen: 1e-14 at 2.6 M edges,
        # 1e-13 at 8.6 M), not to the last bit
        assert abs(q - ours) <= 1e-12, (q, ours)
        # and a partition moved by one node has another modularity: the test can fail
        moved = labels.copy()
        moved[0] = labels[np.flatnonzero(labels != labels[0])[0]]
        assert abs(modularity(n_nodes, u, v, w, moved, resolution) - q) > 1e-9
    for method in ("louvain", "infomap"):
        assert detect_arrays(n_nodes, u, v, w, method, return_quality=True)[1] is None
    within = np.arange(n_nodes) % 3
    assert detect_arrays(n_nodes, u, v, w, within=within, return_quality=True)[1] is None
    assert detect_arrays(4, u[:0], v[:0], w[:0], return_quality=True)[1] is None


def test_membership_modularity_is_leidens_quality_or_ours():
    net = _network(2000, seed=1)
    e = net.edges
    u, v, w = detection.detection_edges(
        net.n_nodes, e["source"].to_numpy(), e["target"].to_numpy(), e["value"].to_numpy(float)
    )
    for method in ("leiden", "louvain"):
        m = detect_communities(net, method, seed=2, cooperation=False)
        ours = modularity(net.n_nodes, u, v, w, m.to_numpy(), 1.0)
        if method == "leiden":
            _, q = detect_arrays(net.n_nodes, u, v, w, seed=2, return_quality=True)
            assert m.attrs["modularity"] == q
            assert abs(m.attrs["modularity"] - ours) <= 1e-12
        else:
            assert m.attrs["modularity"] == ours  # no quality: our pass, as before


# ----------------------------------------------------------------- find_clusters
def _network(n_firms=3000, seed=0):
    src, dst, val, n_nodes, n_firms, sentra = _planted_helper(n_firms, seed)
    firms = pd.DataFrame({"sector": "craft", "sentra": pd.Categorical(sentra)})
    return SupplyNetwork.from_arrays(
        src, dst, val, n_firms=n_firms, node_ids=np.arange(n_nodes).astype(str), firms=firms
    )


def _check_find_clusters_equals_two_classifications(net, **kw):
    cl = find_clusters(net, seed=0, **kw)
    sentra = sentra_labels(net, None)
    alone = classify_activity(
        net, sentra, seed=0, purity_against=cl.membership, index_name="sentra"
    )
    pd.testing.assert_frame_equal(cl.sentra, alone)
    comm = classify_activity(
        net, cl.membership, seed=0, purity_against=sentra, index_name="community"
    )
    pd.testing.assert_frame_equal(cl.communities[list(comm.columns)], comm, check_flags=False)
    return cl


def test_find_clusters_shared_draws_equal_separate_classifications(backend):
    net = _network()
    cl = _check_find_clusters_equals_two_classifications(net)
    truth = np.where(cl.sentra.index.astype(int) % 2 == 0, "active", "passive")
    assert (cl.sentra["activity"].to_numpy() == truth).mean() > 0.95


@pytest.mark.skipif(not (DATA / "firms.csv").exists(), reason="example survey not present")
def test_example_survey_pvalues_equal_the_reference(backend):
    from linkage import read_network
    from linkage.network.sentra import node_codes

    net = read_network(
        DATA / "firms.csv", DATA / "transactions.csv", DATA / "cooperation.csv",
        DATA / "parties.csv",
    )  # fmt: skip
    cl = _check_find_clusters_equals_two_classifications(net)
    e = net.edges
    args = (
        net.n_nodes,
        e["source"].to_numpy(),
        e["target"].to_numpy(),
        e["value"].to_numpy(dtype=float),
        np.asarray(net.is_firm, bool),
    )
    excl = np.asarray(getattr(net, "is_intermediary", np.zeros(net.n_nodes, bool)), bool)
    sentra = sentra_labels(net, None)
    for groups, frame in ((sentra, cl.sentra), (cl.membership, cl.communities)):
        codes, names = node_codes(net, groups, "groups")
        ref = _reference_pvalues(*args, codes, len(names), n_permutations=199, seed=0, exclude=excl)
        np.testing.assert_array_equal(frame["p_value"].to_numpy(), ref)


def test_prepared_arrays_of_the_sentra_test_give_the_same_pvalues(backend):
    net = _network(2000, seed=2)
    s_codes, s_names = node_codes(net, sentra_labels(net, None), "groups")
    first = start_group_pvalues(net, [s_codes], len(s_names), 0, 49)
    (p_first,) = first.result()
    labels = detect_communities(net, seed=0).to_numpy()
    c_codes = np.where(np.asarray(net.is_firm, bool), labels, -1)
    k = int(labels.max()) + 1
    (alone,) = start_group_pvalues(net, [c_codes], k, 0, 49).result()
    job = start_group_pvalues(
        net, [c_codes], k, 0, 49, draws=first.draws, n_threads=2, prepared=first.prepared
    )
    (given,) = job.result()
    assert job.prepared is first.prepared  # reused, not rebuilt
    np.testing.assert_array_equal(given, alone)
    (again,) = start_group_pvalues(
        net, [s_codes], len(s_names), 0, 49, prepared=job.prepared
    ).result()
    np.testing.assert_array_equal(again, p_first)
