"""Tests for linkage.network.communities and linkage.network.activity: hand-built networks
with clear answers.

Every activity column is checked against a dense reference written here with plain loops
over the definition (docs/clusters.md), not against the vectorized code.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import SupplyNetwork
from linkage.errors import InvalidNetworkError
from linkage.network.activity import (
    ActivityRule,
    colocation_groups,
    group_cooperation_density,
    group_purity,
    group_trade,
    permutation_pvalues,
)
from linkage.network.classify import ACTIVITY_COLUMNS, classify_activity
from linkage.network.communities import Clusters, detect_communities, find_clusters
from linkage.network.detection import (
    _detect_within,
    _detect_within_union,
    canonical_labels,
    detect_arrays,
    detection_edges,
    modularity,
)
from linkage.network.sentra import sentra_labels

DATA = Path(__file__).resolve().parents[2] / "data" / "sentra"

# the hand-built networks leave firms without a sentra on purpose
pytestmark = pytest.mark.filterwarnings("ignore::linkage.errors.DataQualityWarning")


# ----------------------------------------------------------------- helpers
def network(firms, tx, coop=None, **kw):
    firms = pd.DataFrame(firms)
    if "sector" not in firms:
        firms["sector"] = "x"
    tx = pd.DataFrame(tx, columns=["supplier", "buyer", "value"])
    if coop is not None:
        coop = pd.DataFrame(coop, columns=["firm_a", "firm_b"]).assign(kind="shared_equipment")
    return SupplyNetwork.from_frames(firms, tx, coop, **kw)


def reference(net, groups, exclude=()):
    """Dense, loop-by-loop reference of the deterministic activity columns."""
    Z = net.trade_matrix().toarray()
    W = Z.sum()
    s_out, s_in = Z.sum(axis=1), Z.sum(axis=0)
    ids = list(net.nodes)
    coop = net.cooperation
    coop_pairs = {(int(a), int(b)) for a, b in zip(coop["a"], coop["b"], strict=True)}
    rows = {}
    for g, members in groups.items():
        m = [ids.index(x) for x in members]
        inner = [i for i in m if ids[i] not in exclude]
        internal = sum(Z[i, j] for i in inner for j in inner if i != j)
        expected = sum(s_out[i] * s_in[j] / W for i in inner for j in inner if i != j)
        trade = sum(s_out[i] + s_in[i] for i in m)
        ties = [(i, j) for i in inner for j in inner if i != j and Z[i, j] > 0]
        recip = (sum(Z[j, i] > 0 for i, j in ties) / len(ties)) if ties else np.nan
        n = len(m)
        pairs = sum((min(i, j), max(i, j)) in coop_pairs for i in m for j in m if i < j)
        rows[g] = {
            "n_firms": n,
            "internal_value": internal,
            "internal_share": 2 * internal / trade if trade else 0.0,
            "expected_internal_share": 2 * expected / trade if trade else 0.0,
            "excess": (internal / expected) if expected else np.nan,
            "reciprocity": recip,
            "cooperation_density": pairs / (n * (n - 1) / 2) if n > 1 else np.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def check_against_reference(frame, ref):
    for col in ref.columns:
        np.testing.assert_allclose(
            frame.loc[ref.index, col].to_numpy(dtype=float),
            ref[col].to_numpy(dtype=float),
            rtol=1e-12,
            atol=1e-12,
            equal_nan=True,
            err_msg=col,
        )


def two_groups(n=6, background=12, seed=0):
    """Two rings of n firms trading heavily both ways, light random trade among background
    firms, each group buying from an outside supplier and selling to an outside buyer."""
    rng = np.random.default_rng(seed)
    rows = []
    firms = []
    for g, name in enumerate(["Plered", "Jombang"]):
        ids = [f"{name[0]}{i}" for i in range(n)]
        firms += [{"firm_id": f, "sentra": name, "sector": name.lower()} for f in ids]
        for i in range(n):
            rows.append((ids[i], ids[(i + 1) % n], 50.0 + i))
            rows.append((ids[(i + 1) % n], ids[i], 30.0))
        rows.append((f"SUP-{g}", ids[0], 40.0))
        rows.append((ids[-1], f"BUY-{g}", 60.0))
    bg = [f"Z{i}" for i in range(background)]
    firms += [{"firm_id": f, "sentra": "", "sector": "other"} for f in bg]
    for i in range(background):
        j = int(rng.integers(background - 1))
        j = j + (j >= i)
        rows.append((bg[i], bg[j], float(rng.integers(5, 15))))
    rows.append(("P0", "J0", 5.0))  # one light tie between the groups
    return network(firms, rows)


# ----------------------------------------------------------------- hand computations
def test_hand_computed_small_case():
    # A->B 6, B->C 2, C->A 2, B->X 4 (outside buyer), Y->A 6 (outside supplier)
    # s_out: A 6, B 6, C 2, Y 6;  s_in: A 8, B 6, C 2, X 4;  W = 20
    # group {A, B}: internal 6; trade (6+8)+(6+6) = 26; share 12/26
    # expected: A->B 6*6/20 + B->A 6*8/20 = 4.2; expected share 8.4/26; excess 6/4.2
    net = network(
        {"firm_id": list("ABC"), "sentra": ["S", "S", None]},
        [("A", "B", 6), ("B", "C", 2), ("C", "A", 2), ("B", "X", 4), ("Y", "A", 6)],
    )
    r = group_trade(
        net.n_nodes,
        net.edges["source"],
        net.edges["target"],
        net.edges["value"],
        net.is_firm,
        np.array([0, 0, -1, -1, -1]),
        1,
    )
    assert r["internal_value"][0] == 6.0
    assert r["trade"][0] == 26.0
    assert r["internal_share"][0] == pytest.approx(12 / 26)
    assert r["expected_internal_value"][0] == pytest.approx(4.2)
    assert r["expected_internal_share"][0] == pytest.approx(8.4 / 26)
    assert r["excess"][0] == pytest.approx(6 / 4.2)
    out = classify_activity(net, "sentra", n_permutations=9)
    assert list(out.columns) == list(ACTIVITY_COLUMNS)
    assert out.index.name == "sentra" and out.index.tolist() == ["S"]
    row = out.loc["S"]
    assert row["n_firms"] == 2
    assert row["internal_value"] == 6.0
    assert row["internal_share"] == pytest.approx(12 / 26)
    assert row["expected_internal_share"] == pytest.approx(8.4 / 26)
    assert row["excess"] == pytest.approx(12 / 8.4)
    assert row["reciprocity"] == 0.0  # A->B is not returned
    assert row["cooperation_density"] == 0.0
    assert np.isnan(row["community_purity"])  # nothing to compare with
    # 2 of 3 firms: more than half, no permutation test is possible
    assert np.isnan(row["p_value"])
    # no test -> T = share / 0.10 on its own
    assert row["activity_score"] == pytest.approx((12 / 26) / 0.10)
    assert row["activity"] == "active"


def test_two_trading_groups_every_column():
    net = two_groups()
    cl = find_clusters(net, seed=3, n_permutations=199)
    assert isinstance(cl, Clusters)
    s = cl.sentra
    assert list(s.columns) == list(ACTIVITY_COLUMNS) and s.index.name == "sentra"
    assert s.index.tolist() == ["Jombang", "Plered"]
    groups = {g: [f"{g[0]}{i}" for i in range(6)] for g in ["Plered", "Jombang"]}
    check_against_reference(s, reference(net, groups))
    assert (s["n_firms"] == 6).all()
    assert (s["reciprocity"] == 1.0).all()  # every ring tie is returned
    assert (s["cooperation_density"] == 0.0).all()
    # each sentra is exactly one detected community
    assert (s["community_purity"] == 1.0).all()
    for g, members in groups.items():
        assert cl.membership.loc[members].nunique() == 1, g
    assert (s["p_value"] <= 0.01).all()
    assert (s["excess"] > 2).all()
    assert (s["activity"] == "active").all()
    np.testing.assert_allclose(s["activity_score"], s["internal_share"] / 0.10)
    # communities frame: same measures for the community that holds each sentra
    c = cl.communities
    assert c.index.name == "community"
    assert list(c.columns[:5]) == [
        "n_members",
        "n_firms",
        "n_outside",
        "sentra_composition",
        "main_sectors",
    ]
    assert list(c.columns[5:]) == list(ACTIVITY_COLUMNS[1:])
    assert (c["n_members"] == c["n_firms"] + c["n_outside"]).all()
    assert c["n_members"].sum() == net.n_nodes
    assert c["n_firms"].sum() == net.n_firms
    plered = cl.membership["P0"]
    assert c.loc[plered, "sentra_composition"] == "Plered: 6"
    assert c.loc[plered, "main_sectors"] == "plered: 6"
    assert c.loc[plered, "community_purity"] == 1.0
    assert c.loc[plered, "activity"] == "active"


def test_middleman_star_is_passive_even_when_merged():
    # eight batik makers buy from one supplier and all sell to one pengepul
    ids = [f"B{i}" for i in range(8)]
    other = [f"Z{i}" for i in range(10)]
    rows = [(f, "PGP-1", 100.0) for f in ids] + [("SUP-1", f, 40.0) for f in ids]
    rows += [(other[i], other[(i + 1) % 10], 20.0) for i in range(10)]
    firms = {"firm_id": ids + other, "sentra": ["Trusmi"] * 8 + [""] * 10}
    net = network(firms, rows)
    cl = find_clusters(net, seed=0, n_permutations=99)
    # the detector puts the star together with its middleman ...
    star = cl.membership["PGP-1"]
    assert (cl.membership.loc[ids] == star).all()
    row_c = cl.communities.loc[star]
    assert row_c["n_outside"] >= 1 and row_c["n_firms"] == 8
    # ... but the firms do not interact: passive, for the sentra and for the community
    s = cl.sentra.loc["Trusmi"]
    check_against_reference(cl.sentra, reference(net, {"Trusmi": ids}))
    assert s["internal_value"] == 0.0 and s["internal_share"] == 0.0
    assert s["expected_internal_share"] > 0  # they buy and sell, so chance would put some inside
    assert s["excess"] == 0.0
    assert np.isnan(s["reciprocity"]) and s["cooperation_density"] == 0.0
    assert s["community_purity"] == 1.0
    assert s["p_value"] > 0.5
    assert s["activity"] == "passive" and s["activity_score"] == 0.0
    assert row_c["internal_value"] == 0.0 and row_c["activity"] == "passive"


def test_middleman_listed_as_firm_is_not_internal():
    ids = [f"B{i}" for i in range(8)]
    other = [f"Z{i}" for i in range(10)]
    rows = [(f, "PGP-1", 100.0) for f in ids] + [("SUP-1", f, 40.0) for f in ids]
    rows += [(other[i], other[(i + 1) % 10], 20.0) for i in range(10)]
    firms = {"firm_id": ids + ["PGP-1"] + other, "sentra": ["Trusmi"] * 9 + [""] * 10}
    net = network(firms, rows, intermediary_pattern=r"^PGP")
    out = classify_activity(net, "sentra", n_permutations=99)
    check_against_reference(out, reference(net, {"Trusmi": ids + ["PGP-1"]}, exclude={"PGP-1"}))
    assert out.loc["Trusmi", "n_firms"] == 9
    assert out.loc["Trusmi", "internal_value"] == 0.0
    assert out.loc["Trusmi", "activity"] == "passive"
    # without the flag the same data look like dense internal trade
    plain = classify_activity(network(firms, rows), "sentra", n_permutations=0)
    assert plain.loc["Trusmi", "internal_value"] == 800.0


def test_cooperation_only_group_is_active():
    ids = [f"J{i}" for i in range(6)]
    other = [f"Z{i}" for i in range(12)]
    rows = [("SLAG", f, 10.0) for f in ids] + [(f, f"BUY{i % 3}", 30.0) for i, f in enumerate(ids)]
    rows += [(other[i], other[(i + 1) % 12], 20.0) for i in range(12)]
    coop = [("J0", "J1"), ("J1", "J2"), ("J2", "J3"), ("J3", "J4"), ("J4", "J5"), ("J5", "J0")]
    firms = {"firm_id": ids + other, "sentra": ["Jombang"] * 6 + [""] * 12}
    net = network(firms, rows, coop)
    cl = find_clusters(net, seed=0, n_permutations=99)
    s = cl.sentra.loc["Jombang"]
    check_against_reference(cl.sentra, reference(net, {"Jombang": ids}))
    assert s["internal_value"] == 0.0 and s["internal_share"] == 0.0
    assert s["cooperation_density"] == pytest.approx(6 / 15)
    assert np.isnan(s["reciprocity"])
    assert s["activity"] == "active"
    assert s["activity_score"] == pytest.approx(0.4 / 0.10)  # C alone, no trade term
    # with cooperation the firms form one community; purity says so
    assert s["community_purity"] == 1.0
    # cooperation=False: detection sees only trade, the firms split by buyer
    plain = detect_communities(net, cooperation=False, seed=0)
    assert plain.loc[ids].nunique() > 1
    assert plain.attrs["cooperation"] is False


def test_cooperation_with_thinner_trade_adds_up():
    rule = ActivityRule()
    # half the share threshold, half the cooperation threshold, significant trade
    assert rule.score([0.05], [0.01], [0.05]).tolist() == [pytest.approx(1.0)]
    assert rule.classify(rule.score([0.05], [0.01], [0.05])).tolist() == ["active"]
    # the same trade alone is not enough; insignificant trade counts for nothing
    assert rule.classify(rule.score([0.05], [0.01], [0.0])).tolist() == ["passive"]
    assert rule.score([0.9], [0.5], [0.0]).tolist() == [0.0]
    with pytest.raises(ValueError, match="min_share"):
        ActivityRule(min_share=0)


# ----------------------------------------------------------------- p-values
def _planted(n_groups=10, size=20, p_in=0.3, p_out=0.005, seed=0, planted=True, sigma=1.0):
    rng = np.random.default_rng(seed)
    n = n_groups * size
    block = np.repeat(np.arange(n_groups), size)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    same = block[i] == block[j]
    prob = (
        np.where(same, p_in, p_out)
        if planted
        else np.full((n, n), same.mean() * p_in + (1 - same.mean()) * p_out)
    )
    adj = (rng.random((n, n)) < prob) & (i != j)
    s, t = np.nonzero(adj)
    v = rng.lognormal(3, sigma, s.size)
    return n, s, t, v, block


def test_pvalues_small_for_planted_groups_large_for_random():
    n, s, t, v, block = _planted()
    p = permutation_pvalues(n, s, t, v, np.ones(n, bool), block, 10, n_permutations=99, seed=1)
    assert (p == 0.01).all()
    n, s, t, v, block = _planted(planted=False)
    p = permutation_pvalues(n, s, t, v, np.ones(n, bool), block, 10, n_permutations=99, seed=1)
    assert np.median(p) > 0.2 and (p > 0.01).all()


def test_pvalue_seeded_and_undefined_for_majority_group():
    n, s, t, v, block = _planted(n_groups=4, size=10)
    a = permutation_pvalues(n, s, t, v, np.ones(n, bool), block, 4, n_permutations=49, seed=5)
    b = permutation_pvalues(n, s, t, v, np.ones(n, bool), block, 4, n_permutations=49, seed=5)
    np.testing.assert_array_equal(a, b)
    big = np.where(block < 3, 0, -1)  # 30 of 40 firms
    p = permutation_pvalues(n, s, t, v, np.ones(n, bool), big, 1, n_permutations=9)
    assert np.isnan(p[0])


# ----------------------------------------------------------------- detection
def test_seed_reproducibility_and_random_state_restored():
    n, s, t, v, _ = _planted(n_groups=8, size=15, p_in=0.15, p_out=0.03, seed=2)
    u, w_, w = detection_edges(n, s, t, v)
    state = random.getstate()
    runs = {
        seed: [detect_arrays(n, u, w_, w, "leiden", 1.0, seed).tolist() for _ in range(2)]
        for seed in (0, 1, 2)
    }
    assert random.getstate() == state
    for seed, (first, second) in runs.items():
        assert first == second, seed
    for method in ("louvain", "infomap"):
        assert (
            detect_arrays(n, u, w_, w, method, seed=4).tolist()
            == detect_arrays(n, u, w_, w, method, seed=4).tolist()
        )


def test_methods_recover_planted_groups_and_modularity_matches_igraph():
    import igraph as ig

    n, s, t, v, block = _planted(n_groups=5, size=12, p_in=0.5, p_out=0.01, seed=3, sigma=0.2)
    u, w_, w = detection_edges(n, s, t, v)
    for method in ("leiden", "louvain", "infomap"):
        labels = detect_arrays(n, u, w_, w, method, seed=0)
        # same partition as the planted blocks (up to renaming)
        assert pd.crosstab(labels, block).gt(0).sum(axis=1).eq(1).all(), method
        assert len(set(labels)) == 5, method
        g = ig.Graph(n=n, edges=np.column_stack([u, w_]).tolist())
        for gamma in (1.0, 2.5):
            assert modularity(n, u, w_, w, labels, gamma) == pytest.approx(
                g.modularity(labels.tolist(), weights=w.tolist(), resolution=gamma)
            ), method


def test_resolution_splits_merged_groups():
    # 30 cliques of 5 joined in a ring: modularity at gamma=1 merges neighbouring cliques
    # (the resolution limit, Fortunato & Barthelemy 2007); a higher resolution separates them
    rows = []
    for c in range(30):
        ids = [5 * c + k for k in range(5)]
        rows += [(a, b) for a in ids for b in ids if a < b]
        rows.append((ids[4], (5 * c + 5) % 150))
    u, v = np.array(rows).T
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    w = np.ones(lo.size)
    coarse = detect_arrays(150, lo, hi, w, resolution=1.0, seed=0, n_iterations=-1)
    fine = detect_arrays(150, lo, hi, w, resolution=4.0, seed=0, n_iterations=-1)
    assert len(set(coarse)) < 30
    assert len(set(fine)) == 30
    assert (fine == np.repeat(fine[::5], 5)).all()


def _clique_ring(n_cliques=30, size=5):
    rows = []
    for c in range(n_cliques):
        ids = [size * c + k for k in range(size)]
        rows += [(a, b) for a in ids for b in ids if a < b]
        rows.append((ids[-1], (size * c + size) % (size * n_cliques)))
    u, v = np.array(rows).T
    return np.minimum(u, v), np.maximum(u, v)


def test_within_blocks_escape_the_resolution_limit():
    # the ring of 30 five-cliques: globally 17 communities at gamma 1; within blocks of two
    # neighbouring cliques (each its own small network) all 30 cliques come out
    u, v = _clique_ring()
    w = np.ones(u.size)
    block = np.arange(150) // 10
    labels = detect_arrays(150, u, v, w, seed=0, within=block)
    assert len(set(labels)) == 30
    assert (labels == np.repeat(labels[::5], 5)).all()


def test_within_union_equals_loop_per_block():
    rng = np.random.default_rng(7)
    # 6 blocks (sentra) of two 8-firm sub-clusters, weighted; 3 outside parties trading
    # with several blocks; a few ties between blocks (left out)
    n_firms, rows = 96, []
    for c in range(12):
        ids = np.arange(8 * c, 8 * c + 8)
        rows += [
            (a, b, rng.uniform(5, 10)) for a in ids for b in ids if a < b and rng.random() < 0.7
        ]
    for b in range(6):
        rows.append((16 * b + 7, 16 * b + 8, 2.0))  # the two halves of a block touch
        rows.append((16 * b, n_firms + b % 3, 3.0 + b))  # outside party 96..98
    rows += [(5, 40, 9.0), (30, 70, 9.0)]
    u, v, w = (np.array(x) for x in zip(*rows, strict=True))
    u, v = u.astype(int), v.astype(int)
    block = np.r_[np.arange(n_firms) // 16, -1, -1, -1]
    with_union = _detect_within_union(99, u, v, w, block, 1.0, -1)
    with_loop = _detect_within(99, u, v, w, block, "leiden", 1.0, -1, 1)
    assert (canonical_labels(with_union) == canonical_labels(with_loop)).all()
    # communities never span two blocks, and the two halves of a block are told apart
    frame = pd.DataFrame(
        {"c": with_union[:n_firms], "b": block[:n_firms], "half": np.arange(n_firms) // 8}
    )
    assert frame.groupby("c")["b"].nunique().eq(1).all()
    assert frame.groupby("c")["half"].nunique().eq(1).all()
    # outside party 96 trades with blocks 0 and 3 (3 and 6): it joins block 3's community
    assert with_union[96] == with_union[48]


def test_detection_edges_weights_cooperation_like_a_typical_tie():
    # 0-1 trade 2 + 4 = 6 (one tie each way); 1-2 trade 10; cooperation 0-2 and 2-3 (3 has
    # no trade: median tie value 8 is its typical tie)
    u, v, w = detection_edges(
        4,
        np.array([0, 1, 1]),
        np.array([1, 0, 2]),
        np.array([2.0, 4.0, 10.0]),
        np.array([2, 3, 0]),
        np.array([0, 2, 2]),
    )
    got = {(int(a), int(b)): float(x) for a, b, x in zip(u, v, w, strict=True)}
    m0, m2 = 6 / 1, 10 / 1  # mean tie value: node 0 trades 6 with one partner; node 2 10
    assert got == pytest.approx(
        {(0, 1): 6.0, (1, 2): 10.0, (0, 2): np.sqrt(m0 * m2), (2, 3): np.sqrt(m2 * 8.0)}
    )


def test_within_groups_detection_keeps_communities_inside_sentra():
    net = two_groups()
    m = detect_communities(net, within="sentra", seed=0)
    firms = net.firms
    sentra = firms["sentra"].where(firms["sentra"] != "", None)
    per_comm = pd.DataFrame({"c": m.iloc[: net.n_firms].to_numpy(), "s": sentra.to_numpy()})
    # no community mixes firms of two sentra (the P0->J0 tie is left out)
    assert per_comm.dropna().groupby("c")["s"].nunique().max() == 1
    # the outside supplier of Plered joins the Plered community
    assert m["SUP-0"] == m["P0"] and m["BUY-1"] == m["J5"]
    assert m.attrs["within"] == "sentra" and m.attrs["n_communities"] == m.nunique()


def test_within_puts_firms_without_group_together_and_location_can_be_forced():
    net = two_groups()
    m = detect_communities(net, within="sentra", seed=0)
    loose = [f"Z{i}" for i in range(12)]
    grouped = [f"P{i}" for i in range(6)] + [f"J{i}" for i in range(6)]
    # the background firms (no sentra) are detected among themselves, never with a sentra
    assert not set(m.loc[loose]) & set(m.loc[grouped])
    firms = {
        "firm_id": list("ABC"),
        "sentra": ["S", "S", "T"],
        "lat": [-6.64, -6.641, -7.5],
        "lon": [107.39, 107.39, 112.2],
    }
    net = network(firms, [("A", "B", 1.0), ("C", "A", 1.0)])
    s = sentra_labels(net, "location", radius_km=0.5)
    assert s.attrs["source"] == "co-location within 0.5 km"
    assert s.tolist() == ["site-1", "site-1", "site-2"]
    with pytest.raises(InvalidNetworkError, match="no column 'kabupaten'"):
        sentra_labels(net, "kabupaten")


def test_detect_communities_labels_and_attrs():
    net = two_groups()
    m = detect_communities(net, seed=0)
    assert m.name == "community" and m.index.equals(net.nodes)
    assert m.dtype == np.int64
    # canonical numbering: sizes never increase with the label
    sizes = m.value_counts().sort_index()
    assert (np.diff(sizes.to_numpy()) <= 0).all()
    assert set(m.attrs) >= {"method", "resolution", "modularity", "seed", "cooperation"}
    assert 0 < m.attrs["modularity"] < 1


def test_bad_parameters():
    net = two_groups()
    with pytest.raises(ValueError, match="'method' parameter .* Got 'walktrap'"):
        detect_communities(net, method="walktrap")
    with pytest.raises(ValueError, match="infomap has no resolution"):
        detect_communities(net, method="infomap", resolution=2.0)
    with pytest.raises(ValueError, match="resolution"):
        detect_communities(net, resolution=0)
    with pytest.raises(InvalidNetworkError, match="no column 'kecamatan'"):
        classify_activity(net, "kecamatan")
    with pytest.raises(InvalidNetworkError, match="one label per firm"):
        classify_activity(net, [1, 2, 3])


# ----------------------------------------------------------------- groups
def test_colocation_haversine_radius():
    # one degree of latitude is 111.195 km on the mean-radius sphere
    assert colocation_groups([0.0, 1.0], [100.0, 100.0], radius_km=111.3).tolist() == [0, 0]
    assert colocation_groups([0.0, 1.0], [100.0, 100.0], radius_km=111.1).tolist() == [0, 1]
    # chains join (single linkage), missing coordinates get -1
    lat = [-6.0, -6.008, -6.016, np.nan, -7.5]
    assert colocation_groups(lat, [107.0] * 5, radius_km=1.0).tolist() == [0, 0, 0, -1, 1]


def test_sentra_fallbacks_region_then_location():
    tx = [("A", "B", 1.0)]
    net = network({"firm_id": list("ABC"), "region": ["R1", "R1", None]}, tx)
    s = sentra_labels(net)
    assert s.attrs["source"] == "region" and s.tolist() == ["R1", "R1", None]
    net = network(
        {"firm_id": list("ABC"), "lat": [-6.64, -6.641, -7.5], "lon": [107.39, 107.39, 112.2]}, tx
    )
    s = sentra_labels(net, radius_km=2)
    assert s.attrs["source"] == "co-location within 2 km"
    assert s.tolist() == ["site-1", "site-1", "site-2"]
    net = network({"firm_id": list("ABC")}, tx)
    cl = find_clusters(net, n_permutations=0)
    assert cl.sentra_source == "none" and len(cl.sentra) == 0
    assert list(cl.sentra.columns) == list(ACTIVITY_COLUMNS)


def test_composition_text_and_purity():
    # community of 20 firms: 18 from Plered, 2 from Jombang, all trading with each other
    ids = [f"F{i}" for i in range(20)]
    rows = [(a, b, 10.0) for a in ids for b in ids if a < b]
    firms = {
        "firm_id": ids,
        "sentra": ["Plered"] * 18 + ["Jombang"] * 2,
        "sector": ["ceramics"] * 15 + ["clay"] * 3 + ["metal"] * 2,
    }
    cl = find_clusters(network(firms, rows), n_permutations=0)
    assert cl.membership.nunique() == 1
    c = cl.communities.loc[0]
    assert c["sentra_composition"] == "Plered: 18, Jombang: 2"
    assert c["main_sectors"] == "ceramics: 15, clay: 3, metal: 2"
    assert c["community_purity"] == pytest.approx(18 / 20)
    assert cl.sentra.loc["Plered", "community_purity"] == 1.0
    assert group_purity(
        np.array([0, 0, 1, 1, 1]), np.array([3, 3, 4, 5, -1]), np.ones(5, bool), 2
    ).tolist() == [1.0, pytest.approx(1 / 3)]


def test_community_of_outside_parties_only_is_listed():
    # X sells to Y; neither is a firm nor trades with one: a community with no firm
    rows = [("A", "B", 5.0), ("B", "A", 5.0), ("X", "Y", 7.0)]
    net = network({"firm_id": ["A", "B"], "sentra": ["S", "S"]}, rows)
    cl = find_clusters(net, n_permutations=0)
    c = cl.communities
    assert len(c) == cl.membership.nunique() == 2
    assert c["n_members"].sum() == net.n_nodes
    xy = cl.membership["X"]
    assert cl.membership["Y"] == xy
    assert c.loc[xy, ["n_members", "n_firms", "n_outside"]].tolist() == [2, 0, 2]
    assert c.loc[xy, "internal_value"] == 0.0 and c.loc[xy, "activity"] == "passive"
    assert c.loc[xy, "sentra_composition"] == "" and np.isnan(c.loc[xy, "community_purity"])


def test_cooperation_density_counts_pairs_once_and_ignores_outside():
    # ties 0-1 (two kinds), 1-2, 0-3 (3 is outside): group {0, 1, 2}
    d = group_cooperation_density(
        np.array([0, 1, 1, 0]),
        np.array([1, 0, 2, 3]),
        np.array([True, True, True, False]),
        np.array([0, 0, 0, 0]),
        1,
    )
    assert d.tolist() == [pytest.approx(2 / 3)]


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 12), st.integers(0, 40), st.integers(0, 10_000))
def test_group_trade_matches_dense_reference(n_nodes, m, seed):
    rng = np.random.default_rng(seed)
    s = rng.integers(0, n_nodes, m)
    t = rng.integers(0, n_nodes, m)
    keep = s != t
    s, t = s[keep], t[keep]
    v = rng.uniform(0.5, 5, s.size)
    is_firm = rng.random(n_nodes) < 0.7
    labels = rng.integers(-1, 3, n_nodes)
    r = group_trade(n_nodes, s, t, v, is_firm, labels, 3)
    Z = np.zeros((n_nodes, n_nodes))
    np.add.at(Z, (s, t), v)
    W = Z.sum()
    for g in range(3):
        m_ = [i for i in range(n_nodes) if labels[i] == g and is_firm[i]]
        internal = sum(Z[i, j] for i in m_ for j in m_)
        trade = sum(Z[i].sum() + Z[:, i].sum() for i in m_)
        exp = sum(Z[i].sum() * Z[:, j].sum() / W for i in m_ for j in m_ if i != j) if W else 0
        assert r["n_firms"][g] == len(m_)
        assert r["internal_value"][g] == pytest.approx(internal)
        assert r["internal_share"][g] == pytest.approx(2 * internal / trade if trade else 0)
        assert r["expected_internal_share"][g] == pytest.approx(2 * exp / trade if trade else 0)
        assert 0 <= r["internal_share"][g] <= 1 + 1e-12
        assert 0 <= r["expected_internal_share"][g] <= 1 + 1e-12


# ----------------------------------------------------------------- example survey
def _ground_truth():
    text = (DATA / "README.md").read_text()
    rows = re.findall(r"^\|\s*([^|]+?)\s*\|[^\n]*\|\s*(active|passive)\s*\|\s*$", text, re.M)
    return dict(rows)


@pytest.mark.skipif(not (DATA / "firms.csv").exists(), reason="example survey not present")
@pytest.mark.filterwarnings("ignore::linkage.errors.DataQualityWarning")
@pytest.mark.parametrize("method", ["leiden", "louvain", "infomap"])
def test_example_survey_agrees_with_ground_truth(method):
    from linkage import read_network

    truth = _ground_truth()
    assert len(truth) >= 3
    net = read_network(
        DATA / "firms.csv",
        DATA / "transactions.csv",
        DATA / "cooperation.csv",
        DATA / "parties.csv",
    )
    cl = find_clusters(net, method=method, seed=0)
    assert cl.sentra["activity"].to_dict() == truth
    # every sentra is recovered as (nearly) one community, except that Infomap may split
    # the passive ones, whose firms are tied only through their middlemen
    for name, made in truth.items():
        purity = cl.sentra.loc[name, "community_purity"]
        assert purity >= (0.9 if made == "active" or method != "infomap" else 0.3), name
    # a community that holds a sentra has the sentra's activity
    c = cl.communities[cl.communities["n_firms"] >= 10]
    for _, row in c.iterrows():
        main = row["sentra_composition"].split(":")[0]
        assert row["activity"] == truth[main], (main, method)


def test_negative_seed_is_a_clear_error():
    from linkage import SupplyNetwork

    firms = pd.DataFrame({"firm_id": list("AB"), "sector": "x", "sentra": "S"})
    tx = pd.DataFrame({"supplier": ["A"], "buyer": ["B"], "value": [1.0]})
    net = SupplyNetwork.from_frames(firms, tx)
    for call in (
        lambda: find_clusters(net, seed=-1),
        lambda: classify_activity(net, "sentra", seed=-1),
        lambda: detect_communities(net, seed=-1),
    ):
        with pytest.raises(ValueError, match="'seed' parameter must be an integer >= 0. Got -1"):
            call()


def test_twelve_sites_sort_in_firm_order():
    # site names sort as numbers would: site-02 before site-10, in sentra.csv too
    lat = -6.0 - 0.1 * np.arange(12)
    firms = {"firm_id": [f"F{i}" for i in range(12)], "lat": lat, "lon": [107.0] * 12}
    net = network(firms, [("F0", "F1", 1.0)])
    s = sentra_labels(net)
    assert s.tolist() == [f"site-{i:02d}" for i in range(1, 13)]
    cl = find_clusters(net, n_permutations=0)
    assert cl.sentra.index.tolist() == s.tolist()
