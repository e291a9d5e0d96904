"""The order of the detection edges: sorted by (v, u), what igraph indexes fastest.

Leiden and Louvain give the same partition whatever the order of the edges (their per-node
sums add the same numbers in the same order); Infomap does not, so
:func:`detect_communities` hands it the edges by ``(u, v)``, their order before.
"""

from __future__ import annotations

import random

import igraph as ig
import numpy as np
import pandas as pd
import pytest

from benchmarks.bench_clusters import generate
from linkage import SupplyNetwork
from linkage.network import detection
from linkage.network.communities import detect_communities
from linkage.network.detection import canonical_labels, detect_arrays, detection_edges


def _planted(n_firms=3000, seed=0):
    src, dst, val, n_firms, n_nodes, sentra, _ = generate(n_firms, 10 * n_firms, 40, seed)
    return src, dst, val, n_firms, n_nodes, sentra


def test_detection_edges_sorted_by_larger_end_and_equal_to_a_dense_sum():
    rng = np.random.default_rng(1)
    n = 40
    src, dst = rng.integers(0, n, 500), rng.integers(0, n, 500)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    val = rng.random(src.size) + 0.1
    a, b = rng.integers(0, n, 30), rng.integers(0, n, 30)
    for coop in (None, (a, b)):
        u, v, w = detection_edges(n, src, dst, val, *(coop or (None, None)))
        assert np.all(u < v)
        key = v * n + u
        assert np.all(np.diff(key) > 0)  # strictly increasing: sorted by (v, u), distinct
        # the trade part by hand: both directions summed on a dense matrix
        dense = np.zeros((n, n))
        np.add.at(dense, (np.minimum(src, dst), np.maximum(src, dst)), val)
        got = np.zeros((n, n))
        got[u, v] = w
        if coop is None:
            np.testing.assert_allclose(got, dense, rtol=1e-15)
        else:
            # cooperation only adds weight, on trade pairs or new pairs
            assert np.all(got >= dense * (1 - 1e-15))
            assert np.count_nonzero(got) >= np.count_nonzero(dense)


@pytest.mark.parametrize("seed", [0, 5])
def test_leiden_and_louvain_do_not_depend_on_the_edge_order(seed):
    src, dst, val, _, n_nodes, _ = _planted(seed=seed)
    u, v, w = detection_edges(n_nodes, src, dst, val)
    old = np.lexsort((v, u))  # the (u, v) order of before
    rev = np.random.default_rng(seed).permutation(u.size)  # any order
    for method in ("leiden", "louvain"):
        ref = detect_arrays(n_nodes, u, v, w, method, seed=seed)
        for order in (old, rev):
            got = detect_arrays(n_nodes, u[order], v[order], w[order], method, seed=seed)
            np.testing.assert_array_equal(got, ref)
    # igraph's own strength of every node: the same bits in both orders
    g_new = detection.igraph_graph(n_nodes, u, v)
    g_old = detection.igraph_graph(n_nodes, u[old], v[old])
    assert g_new.strength(weights=w.tolist()) == g_old.strength(weights=w[old].tolist())


def test_infomap_gets_the_edges_by_u_then_v():
    src, dst, val, n_firms, n_nodes, sentra = _planted(1500, seed=2)
    firms = pd.DataFrame({"sector": "craft", "sentra": pd.Categorical(sentra)})
    net = SupplyNetwork.from_arrays(
        src, dst, val, n_firms=n_firms, node_ids=np.arange(n_nodes).astype(str), firms=firms
    )
    got = detect_communities(net, method="infomap", seed=2, trials=2)
    e = net.edges
    u, v, w = detection_edges(
        n_nodes, e["source"].to_numpy(), e["target"].to_numpy(), e["value"].to_numpy(float)
    )
    order = np.lexsort((v, u))
    u, v, w = u[order], v[order], w[order]
    g = ig.Graph(n=n_nodes, edges=list(zip(u.tolist(), v.tolist(), strict=True)), directed=False)
    state = random.getstate()
    random.seed(2)
    ref = g.community_infomap(edge_weights=w.tolist(), trials=2)
    random.setstate(state)
    np.testing.assert_array_equal(got.to_numpy(), canonical_labels(np.asarray(ref.membership)))
