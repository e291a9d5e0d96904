"""Tests for linkage.network / linkage.network.metrics.

The 5-firm example below is computed by hand; every number in the expected values is
derived in the comments next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from builders import FIVE_COOP as COOP
from builders import FIVE_FIRMS as FIRMS
from builders import FIVE_PARTIES as PARTIES
from builders import FIVE_TX as TX
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.errors import DataQualityWarning, InvalidNetworkError
from linkage.network import SupplyNetwork, size_class

pytestmark = pytest.mark.filterwarnings("ignore::linkage.errors.DataQualityWarning")

# The 5-firm survey (tests/builders.py): A (clay, sentra S1, 3 workers), B (pots, S1, 10),
# C (pots, S1, 25), D (pots, S2, 150), E (clay, S2, workers missing). Outside: MINE
# (supplier), PGP (pengepul), SHOP (buyer, not in the parties file).


@pytest.fixture
def net():
    with pytest.warns(DataQualityWarning):
        return SupplyNetwork.from_frames(FIRMS, TX, COOP, PARTIES)


def test_nodes_and_edges(net):
    # firms first in list order, then outside ids by first appearance (rows 2, 7, 8)
    assert net.nodes.tolist() == ["A", "B", "C", "D", "E", "MINE", "PGP", "SHOP"]
    assert net.n_firms == 5 and net.n_nodes == 8
    assert net.is_firm.tolist() == [True] * 5 + [False] * 3
    e = net.edges
    pairs = {
        (net.nodes[s], net.nodes[t]): v
        for s, t, v in zip(e["source"], e["target"], e["value"], strict=True)
    }
    assert pairs == {
        ("A", "B"): 40,
        ("A", "C"): 10,
        ("B", "C"): 20,
        ("C", "D"): 10,
        ("B", "PGP"): 50,
        ("C", "SHOP"): 40,
        ("D", "SHOP"): 60,
        ("MINE", "A"): 20,
        ("MINE", "E"): 5,
        ("E", "D"): 15,
        ("PGP", "SHOP"): 45,
    }
    assert e["source"].dtype == np.int64 and e["target"].dtype == np.int64
    assert int(e.loc[(e["source"] == 0) & (e["target"] == 1), "n_rows"].iloc[0]) == 2
    assert e.loc[e["target"] == 7, "channel"].tolist() == ["direct", "intermediary", "direct"]


def test_firms_frame_and_size_class(net):
    f = net.firms
    assert f.index.name == "firm_id" and f.index.tolist() == list("ABCDE")
    assert f["size_class"].tolist() == ["household", "small", "medium", "large", "unknown"]
    assert f.loc["A", "name"] == "Keramik Bu Siti's & Co"
    assert f.loc["E", "name"] == ""


def test_size_class_band_edges():
    assert size_class([0, 1, 4, 4.5, 5, 19, 20, 99, 100, 5000]).tolist() == [
        "unknown",
        "household",
        "household",
        "household",
        "small",
        "small",
        "medium",
        "medium",
        "large",
        "large",
    ]


def test_parties(net):
    p = net.parties
    assert p.index.tolist() == ["MINE", "PGP", "SHOP"]
    assert p["role"].tolist() == ["outside_supplier", "both", "outside_buyer"]
    assert p["is_intermediary"].tolist() == [False, True, False]
    # MINE: rows 2, 10; PGP: rows 7, 15; SHOP: rows 8, 9, 15
    assert p["n_transactions"].tolist() == [2, 2, 3]
    assert p["value_sold_to_firms"].tolist() == [25, 0, 0]  # MINE: 20 + 5
    assert p["value_bought_from_firms"].tolist() == [0, 50, 100]  # SHOP: 40 + 60
    assert p["kind"].tolist() == ["supplier", "intermediary", ""]
    assert p["name"].tolist() == ["Tambang", "Pengepul", ""]


def test_diagnostics_name_rows(net):
    d = net.diagnostics
    assert d.count("duplicate_transactions") == 1
    dup = next(f for f in d if f.code == "duplicate_transactions")
    assert "rows 3, 12" in dup.message
    assert d.count("self_loops") == 1
    assert "rows 13" in next(f for f in d if f.code == "self_loops").message
    assert d.count("zero_values") == 1
    assert "rows 14" in next(f for f in d if f.code == "zero_values").message
    assert d.count("outside_parties") == 3
    assert d.count("outside_to_outside") == 1
    assert d.count("parties_unused") == 1
    assert d.count("cooperation_unknown_ids") == 1
    assert "rows 5" in next(f for f in d if f.code == "cooperation_unknown_ids").message
    assert d.count("cooperation_self") == 1
    assert d.count("cooperation_duplicates") == 1
    assert d.count("unknown_size") == 1


def test_cooperation(net):
    c = net.cooperation
    assert c[["a", "b"]].to_numpy().tolist() == [[0, 1], [1, 2]]
    assert c["kind"].tolist() == ["shared_equipment", "joint_marketing"]


def test_firm_without_transactions_kept():
    # F has no sentra either: its sentra figures are undefined (NaN), not 0
    firms = pd.concat([FIRMS, pd.DataFrame({"firm_id": ["F"], "sector": ["pots"]})])
    with pytest.warns(DataQualityWarning):
        net = SupplyNetwork.from_frames(firms, TX)
    assert "F" in net.firms.index and net.nodes[5] == "F"
    assert net.diagnostics.count("firms_without_transactions") == 1
    m = net.firm_metrics()
    assert m.loc["F", "sales_total"] == 0 and m.loc["F", "in_degree"] == 0
    assert np.isnan(m.loc["F", "local_input_share"])
    assert np.isnan(m.loc["F", "sales_sentra"]) and m.loc["A", "sales_sentra"] == 50
    assert net.diagnostics.count("missing_sentra") == 1


def test_summary(net):
    s = net.summary()
    assert s["firms"] == 5 and s["outside_parties"] == 3 and s["intermediaries"] == 1
    assert s["transactions_read"] == 14 and s["transactions_used"] == 12 and s["pairs"] == 11
    assert s["duplicate_rows_merged"] == 1 and s["self_loops_skipped"] == 1
    assert s["zero_values_skipped"] == 1 and s["firms_without_transactions"] == 0
    assert s["cooperation_ties"] == 2 and s["cooperation_skipped"] == 2
    # among firms 40+10+20+10+15 = 95; from outside 20+5 = 25; to outside 50+40+60 = 150
    assert s["value_among_firms"] == 95 and s["value_from_outside"] == 25
    assert s["value_to_outside"] == 150 and s["value_between_outside"] == 45
    assert s["total_value"] == 95 + 25 + 150 + 45
    assert s["inside_share"] == pytest.approx(95 / 270)
    assert s["local_input_share"] == pytest.approx(95 / 120)  # purchases 20+40+30+25+5
    assert s["intermediary_sales_share"] == pytest.approx(110 / 245)  # (50 + 60) / sales


# ----------------------------------------------------------------------------- metrics
def test_firm_metrics_flows(net):
    m = net.firm_metrics()
    assert m.index.tolist() == list("ABCDE")
    expect = {
        # A buys 20 from MINE; sells 40 to B and 10 to C (both S1)
        "purchases_total": [20, 40, 30, 25, 5],
        "purchases_area": [0, 40, 30, 25, 0],
        "purchases_outside": [20, 0, 0, 0, 5],
        # D (S2) buys 10 from C (S1) and 15 from E (S2): 15 inside its sentra
        "purchases_sentra": [0, 40, 30, 15, 0],
        "sales_total": [50, 70, 50, 60, 15],
        "sales_area": [50, 20, 10, 0, 15],
        "sales_outside": [0, 50, 40, 60, 0],
        # C sells 10 to D, which is in S2; E sells 15 to D, both S2
        "sales_sentra": [50, 20, 0, 0, 15],
        "in_degree": [1, 1, 2, 2, 1],
        "out_degree": [2, 2, 2, 1, 1],
        # x = total sales (no output column)
        "output": [50, 70, 50, 60, 15],
    }
    for col, values in expect.items():
        assert m[col].tolist() == values, col
    # local input share = purchases from listed firms / all purchases
    np.testing.assert_allclose(m["local_input_share"], [0, 1, 1, 1, 0])
    # B: 50 of 70 to PGP (a middleman); D: 60 of 60 recorded with channel intermediary
    np.testing.assert_allclose(m["intermediary_sales_share"], [0, 5 / 7, 0, 1, 0])


def test_firm_metrics_linkages_by_hand(net):
    m = net.firm_metrics()
    # A = Z / x (column j divided by x_j, x = 50, 70, 50, 60, 15):
    #   a_AB = 40/70 = 4/7; a_AC = 10/50 = .2, a_BC = 20/50 = .4; a_CD = 10/60, a_ED = 15/60
    np.testing.assert_allclose(m["bl_direct"], [0, 4 / 7, 0.6, 25 / 60, 0])
    # B = Z / x (row i divided by x_i): rows A 50/50, B 20/70, C 10/50, D 0, E 15/15
    np.testing.assert_allclose(m["fl_direct"], [1, 2 / 7, 0.2, 0, 1])
    # A is acyclic (A->B->C->D, E->D), so L = I + A + A^2 + A^3; column sums:
    #   A: 1; B: 1 + 4/7 = 11/7; C: 1 + (.2 + 4/7*.4) + .4 = 64/35;
    #   D: 1 + 1/6 + .4/6 + (3/7)/6 + 1/4 = 653/420; E: 1
    colsum = np.array([1, 11 / 7, 64 / 35, 653 / 420, 1])
    np.testing.assert_allclose(m["output_multiplier"], colsum)
    # normalized: 5 * colsum / (2921/420)
    np.testing.assert_allclose(m["bl_total"], colsum * 5 / colsum.sum())
    np.testing.assert_allclose(
        m["bl_total"], [2100 / 2921, 3300 / 2921, 3840 / 2921, 3265 / 2921, 2100 / 2921]
    )
    # Ghosh row sums g = 1 + B g: g_D = 1, g_C = 1 + .2 = 1.2, g_B = 1 + (2/7)1.2 = 47/35,
    #   g_A = 1 + .8 * 47/35 + .2 * 1.2 = 81/35, g_E = 1 + 1 = 2; sum 275/35, mean 11/7
    np.testing.assert_allclose(m["fl_total"], [81 / 55, 47 / 55, 42 / 55, 35 / 55, 70 / 55])
    assert m["linkage_class"].tolist() == ["forward", "backward", "backward", "backward", "forward"]
    assert m.attrs["residual"] < 1e-12


def test_firm_linkages_match_dense_reference_and_core_indices():
    rng = np.random.default_rng(3)
    n = 40
    Z = rng.random((n, n)) * (rng.random((n, n)) < 0.2) * 100
    np.fill_diagonal(Z, 0)
    x = Z.sum(axis=0) / rng.uniform(0.2, 0.7, n) + 1  # value added > 0
    x[5] = 0.0  # a firm with zero output: zero column of A, Ghosh row sum 1
    Z[:, 5] = 0.0
    from linkage.network.metrics import firm_linkages

    out = firm_linkages(sp.csr_array(Z), x, solver="iterative")
    A = np.where(x > 0, Z / np.where(x > 0, x, 1), 0.0)
    L = np.linalg.inv(np.eye(n) - A)
    np.testing.assert_allclose(out["output_multiplier"], L.sum(axis=0), rtol=1e-9)
    Bm = np.where(x[:, None] > 0, Z / np.where(x > 0, x, 1)[:, None], 0.0)
    G = np.linalg.inv(np.eye(n) - Bm)
    g = G.sum(axis=1)
    np.testing.assert_allclose(out["fl_total"], g * n / g.sum(), rtol=1e-9)
    dense = firm_linkages(Z, x, solver="dense")
    np.testing.assert_allclose(dense["bl_total"], out["bl_total"], rtol=1e-9)
    indices = pytest.importorskip("linkage.analysis.linkages")
    from linkage.core.table import IOTable

    keep = x > 0
    Zk = Z[np.ix_(keep, keep)]
    t = IOTable.from_arrays(Zk, total_output=x[keep], final_demand=x[keep] - Zk.sum(axis=1))
    ref = indices.linkages(t, solver="dense")
    mine = firm_linkages(Zk, x[keep], solver="dense")
    np.testing.assert_allclose(mine["bl_total"], ref["bl_total"], rtol=1e-9)
    np.testing.assert_allclose(mine["fl_total"], ref["fl_total"], rtol=1e-9)


def test_output_column_and_raise():
    firms = FIRMS.assign(output=[100, 50, np.nan, 200, 10])
    with pytest.warns(DataQualityWarning):
        net = SupplyNetwork.from_frames(firms, TX)
    from linkage.core.diagnostics import Diagnostics
    from linkage.network.metrics import firm_output

    d = Diagnostics()
    # B's output 50 >= its 40 of purchases from firms; C has none: its sales, 50;
    # E's output 10 is below nothing (it buys from MINE only): stays 10
    np.testing.assert_allclose(firm_output(net, d), [100, 50, 50, 200, 10])
    assert d.count("output_from_sales") == 1
    firms = FIRMS.assign(output=[100, 30, 50, 200, 10])  # B buys 40 from firms, output 30
    with pytest.warns(DataQualityWarning):
        net = SupplyNetwork.from_frames(firms, TX)
    d = Diagnostics()
    np.testing.assert_allclose(firm_output(net, d), [100, 40, 50, 200, 10])
    assert d.count("output_raised") == 1


def test_closed_loop_reports_instead_of_failing():
    firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "x"]})
    tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "A"], "value": [10, 10]})
    net = SupplyNetwork.from_frames(firms, tx)
    with pytest.warns(DataQualityWarning, match="closed loop"):
        m = net.firm_metrics()
    assert m["bl_total"].isna().all() and m["sales_total"].tolist() == [10, 10]


# ----------------------------------------------------------------------------- IO table
def test_iotable_by_sector_by_hand(net):
    t = net.to_iotable()
    assert t.sectors.tolist() == ["clay", "pots"]
    # clay -> pots: A->B 40 + A->C 10 + E->D 15; pots -> pots: B->C 20 + C->D 10
    np.testing.assert_allclose(t.Z_frame().to_numpy(), [[0, 65], [0, 30]])
    # x: clay = A 50 + E 15; pots = B 70 + C 50 + D 60
    np.testing.assert_allclose(t.x, [65, 180])
    fd = t.final_demand
    # pots: B->PGP 50 + D->SHOP 60 (channel intermediary); C->SHOP 40 to other buyers
    assert fd["sales to intermediaries"].tolist() == [0, 110]
    assert fd["sales to other outside buyers"].tolist() == [0, 40]
    assert "other sales (output not in transactions)" not in fd.columns
    va = t.value_added
    assert va.loc["imports from outside parties"].tolist() == [25, 0]
    # VA: clay 65 - 25 = 40; pots 180 - (65 + 30) = 85
    assert va.loc["value added"].tolist() == [40, 85]
    assert float(t.balance()["rel_gap"].abs().max()) == 0.0
    assert t.diagnostics.count("outside_table") == 1  # PGP -> SHOP


def test_iotable_area_by_hand(net):
    t = net.to_iotable(area="S1")  # A, B, C
    np.testing.assert_allclose(t.Z_frame().to_numpy(), [[0, 50], [0, 20]])
    np.testing.assert_allclose(t.x, [50, 120])
    fd = t.final_demand
    assert fd["sales to other listed firms"].tolist() == [0, 10]  # C -> D (S2)
    assert fd["sales to intermediaries"].tolist() == [0, 50]
    assert fd["sales to other outside buyers"].tolist() == [0, 40]
    va = t.value_added
    assert va.loc["imports from outside parties"].tolist() == [20, 0]
    assert va.loc["imports from other listed firms"].tolist() == [0, 0]
    assert va.loc["value added"].tolist() == [30, 50]
    t2 = net.to_iotable(by="sentra", area=None)
    assert t2.sectors.tolist() == ["S1", "S2"]
    # S1 -> S1: A->B 40 + A->C 10 + B->C 20; S1 -> S2: C->D 10; S2 -> S2: E->D 15
    np.testing.assert_allclose(t2.Z_frame().to_numpy(), [[70, 10], [0, 15]])
    with pytest.raises(InvalidNetworkError, match="matches no firm"):
        net.to_iotable(area="nowhere")
    with pytest.raises(InvalidNetworkError, match="cannot aggregate by"):
        net.to_iotable(by="colour")


def test_iotable_region_split_and_unrecorded_output():
    firms = FIRMS.assign(region=["R1", "R1", "R1", "R1", "R2"], output=[60, 70, 50, 60, 15])
    with pytest.warns(DataQualityWarning):
        net = SupplyNetwork.from_frames(firms, TX)
    t = net.to_iotable(area=["S2"])  # D (R1), E (R2)
    va = t.value_added
    # D buys 10 from C (S1, region R1 = D's region)
    assert va.loc["imports from other listed firms in the region", "pots"] == 10
    assert va.loc["imports from listed firms in other regions"].sum() == 0
    t = net.to_iotable()
    # A's output 60 exceeds its recorded sales 50: 10 of unrecorded sales
    assert t.final_demand["other sales (output not in transactions)"].tolist() == [10, 0]
    assert float(t.balance()["rel_gap"].abs().max()) < 1e-12


def _reconcile(net, table, inside):
    """Z + imports + recorded final demand == value of every link with an inside firm."""
    e = net.edges
    node_in = np.zeros(net.n_nodes, bool)
    node_in[: net.n_firms] = inside
    touch = node_in[e["source"].to_numpy()] | node_in[e["target"].to_numpy()]
    expected = e["value"].to_numpy()[touch].sum()
    Z = table.Z.sum()
    imports = table.value_added.drop(index="value added").to_numpy().sum()
    fd = (
        table.final_demand.drop(
            columns=["other sales (output not in transactions)"], errors="ignore"
        )
        .to_numpy()
        .sum()
    )
    return Z + imports + fd, expected


def test_totals_reconcile_to_the_rupiah(net):
    total, expected = _reconcile(net, net.to_iotable(), np.ones(5, bool))
    assert total == expected == 270
    total, expected = _reconcile(net, net.to_iotable(area="S1"), np.array([1, 1, 1, 0, 0], bool))
    assert total == expected


@settings(max_examples=30, deadline=None)
@given(
    n_firms=st.integers(2, 12),
    rows=st.lists(
        st.tuples(st.integers(0, 17), st.integers(0, 17), st.integers(1, 10**9)),
        min_size=1,
        max_size=60,
    ),
    mask_bits=st.integers(0, 2**12 - 1),
    channel_bits=st.integers(0, 2**60 - 1),
)
def test_reconcile_property(n_firms, rows, mask_bits, channel_bits):
    ids = [f"f{i}" for i in range(n_firms)]
    firms = pd.DataFrame({"firm_id": ids, "sector": [f"s{i % 3}" for i in range(n_firms)]})
    tx = pd.DataFrame(
        {
            "supplier": [f"f{a}" if a < n_firms else f"out{a}" for a, _, _ in rows],
            "buyer": [f"f{b}" if b < n_firms else f"out{b}" for _, b, _ in rows],
            "value": [v for _, _, v in rows],
            "channel": [
                "intermediary" if channel_bits >> k & 1 else "direct" for k in range(len(rows))
            ],
        }
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = SupplyNetwork.from_frames(firms, tx, intermediary_pattern="^out1")
        # nothing lost: every row that is not a self-loop is in exactly one edge
        kept = tx["supplier"] != tx["buyer"]
        assert net.edges["value"].sum() == tx.loc[kept, "value"].sum()
        assert net.edges["n_rows"].sum() == kept.sum()
        assert net.diagnostics.count("self_loops") == (~kept).sum()
        inside = np.array([mask_bits >> i & 1 for i in range(n_firms)], bool)
        if not inside.any():
            inside[0] = True
        for area, mask in ((None, np.ones(n_firms, bool)), (inside, inside)):
            table = net.to_iotable(area=area)
            total, expected = _reconcile(net, table, mask)
            assert total == expected  # integer rupiah: exact
            assert float(table.balance()["gap"].abs().max()) <= 1e-6 * max(table.x.max(), 1)


# ----------------------------------------------------------------------------- views
def test_trade_matrix_and_graph_views_agree(net):
    W = net.trade_matrix()
    assert W.shape == (8, 8) and W.sum() == 315
    assert W[0, 1] == 40 and W[5, 0] == 20
    G = net.to_networkx()
    assert G.number_of_nodes() == 8 and G.number_of_edges() == 11
    assert G["A"]["B"]["weight"] == 40 and G["D"]["SHOP"]["channel"] == "intermediary"
    assert G.nodes["A"]["sector"] == "clay" and G.nodes["A"]["kind"] == "firm"
    assert G.nodes["A"]["name"] == "Keramik Bu Siti's & Co"
    assert G.nodes["PGP"]["role"] == "both" and G.nodes["PGP"]["is_intermediary"]
    assert "sector" not in G.nodes["SHOP"]
    g = net.to_igraph()
    assert g.is_directed() and g.vcount() == 8 and g.ecount() == 11
    assert g.vs["name"] == net.nodes.tolist()
    Wi = np.zeros((8, 8))
    for edge, w in zip(g.es, g.es["weight"], strict=True):
        Wi[edge.source, edge.target] = w
    np.testing.assert_array_equal(Wi, W.toarray())
    assert g.vs[6]["role"] == "both" and g.vs[0]["sector"] == "clay"
    assert g.vs[0]["label"] == "Keramik Bu Siti's & Co" and g.vs.find(name="SHOP").index == 7


def test_from_arrays_matches_from_frames(net):
    codes = {k: i for i, k in enumerate(net.nodes)}
    e = TX.iloc[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13]]
    fast = SupplyNetwork.from_arrays(
        e["supplier"].map(codes),
        e["buyer"].map(codes),
        e["value"],
        n_firms=5,
        node_ids=net.nodes,
        firms=FIRMS.drop(columns="firm_id"),
        is_intermediary=net.is_intermediary,
    )
    cols = ["source", "target", "value"]
    pd.testing.assert_frame_equal(fast.edges[cols], net.edges[cols])
    m1 = fast.firm_metrics()
    m2 = net.firm_metrics()
    pd.testing.assert_series_equal(m1["bl_total"], m2["bl_total"])
    pd.testing.assert_series_equal(
        m1["intermediary_sales_share"].iloc[:3], m2["intermediary_sales_share"].iloc[:3]
    )
    with pytest.raises(InvalidNetworkError, match="out of range"):
        SupplyNetwork.from_arrays([0], [9], [1.0], n_firms=2, node_ids=["a", "b", "c"])
    with pytest.raises(InvalidNetworkError, match="row 2, column 'value'"):
        SupplyNetwork.from_arrays([0], [1], [-1.0], n_firms=2)


# ----------------------------------------------------------------------------- validation
def test_ids_compared_as_stripped_strings():
    firms = pd.DataFrame({"firm_id": [1, 2, 3], "sector": ["a", "a", "b"]})
    tx = pd.DataFrame(
        {"supplier": [" 1", "2.0", "3 "], "buyer": ["2", " 3 ", "X "], "value": ["5", " 6 ", "7"]}
    )
    net = SupplyNetwork.from_frames(firms, tx)
    # "2.0" is not the id "2" (text ids are compared as text): it is an outside party
    assert net.nodes.tolist() == ["1", "2", "3", "2.0", "X"]
    assert net.edges["value"].tolist() == [5, 7, 6]  # 1->2, 3->X, 2.0->3
    firms = pd.DataFrame({"firm_id": [1.0, 2.0], "sector": ["a", "a"]})  # spreadsheet floats
    tx = pd.DataFrame({"supplier": ["1"], "buyer": ["2"], "value": [1]})
    assert SupplyNetwork.from_frames(firms, tx).n_nodes == 2


def test_non_numeric_value_is_an_error_naming_row_column_value():
    tx = TX.astype({"value": object})
    tx.loc[3, "value"] = "12 juta"
    with pytest.raises(InvalidNetworkError) as info:
        SupplyNetwork.from_frames(FIRMS, tx)
    msg = str(info.value)
    assert "transactions, row 5, column 'value'" in msg and "'12 juta'" in msg
    assert "\n" not in msg
    with pytest.warns(DataQualityWarning):
        net = SupplyNetwork.from_frames(FIRMS, tx, on_invalid="skip")
    found = next(f for f in net.diagnostics if f.code == "invalid_values")
    assert found.count == 1 and "rows 5" in found.message
    assert net.summary()["invalid_rows_skipped"] == 1


def test_negative_value_error_or_skip():
    tx = TX.copy()
    tx.loc[6, "value"] = -40
    with pytest.raises(InvalidNetworkError, match="row 8, column 'value': the value is negative"):
        SupplyNetwork.from_frames(FIRMS, tx)
    with pytest.warns(DataQualityWarning):
        net = SupplyNetwork.from_frames(FIRMS, tx, on_invalid="skip")
    assert net.diagnostics.count("negative_values") == 1
    assert "rows 8" in next(f for f in net.diagnostics if f.code == "negative_values").message


def test_missing_ids_and_columns():
    tx = TX.copy()
    tx.loc[1, "buyer"] = None
    with pytest.raises(InvalidNetworkError, match="row 3, column 'buyer'"):
        SupplyNetwork.from_frames(FIRMS, tx)
    with pytest.raises(InvalidNetworkError, match=r"missing required column\(s\) \['value'\]"):
        SupplyNetwork.from_frames(FIRMS, TX.drop(columns="value"))
    with pytest.raises(InvalidNetworkError, match="missing required column"):
        SupplyNetwork.from_frames(FIRMS.drop(columns="sector"), TX)


def test_duplicate_firm_ids_are_an_error():
    firms = pd.concat([FIRMS, FIRMS.iloc[[2]]], ignore_index=True)
    firms.loc[5, "workers"] = 26  # the same id with other figures (exact repeats are merged)
    with pytest.raises(InvalidNetworkError, match=r"firm_id 'C' appears 2 times \(rows 4, 7\)"):
        SupplyNetwork.from_frames(firms, TX)


def test_bad_workers_and_parties_kind():
    firms = FIRMS.astype({"workers": object})
    firms.loc[1, "workers"] = "ten"
    with pytest.raises(InvalidNetworkError, match="row 3, column 'workers'"):
        SupplyNetwork.from_frames(firms, TX)
    bad = PARTIES.assign(kind=["supplier", "bank", "buyer"])
    with pytest.raises(InvalidNetworkError, match="row 3, column 'kind'"):
        SupplyNetwork.from_frames(FIRMS, TX, parties=bad)


# ----------------------------------------------------------------------------- files
# ----------------------------------------------------------------------------- example data
def test_example_survey_matches_its_ground_truth():
    from linkage.io.examples import load_example_network

    with pytest.warns(DataQualityWarning):
        net = load_example_network()
    assert net.n_firms > 100
    assert net.diagnostics.count("duplicate_transactions") == 1
    assert net.diagnostics.count("firms_without_transactions") == 1
    assert "EXPORT-BALI" in net.parties.index
    m = net.firm_metrics()
    by = m.groupby("sentra")[["local_input_share", "intermediary_sales_share"]].mean()
    for sentra in ("Plered ceramics", "Jombang aluminium"):  # active
        assert by.loc[sentra, "local_input_share"] > 0.25
        assert by.loc[sentra, "intermediary_sales_share"] < 0.5
    for sentra in ("Trusmi batik", "Tanggulangin leather"):  # passive
        assert by.loc[sentra, "local_input_share"] < 0.05
        assert by.loc[sentra, "intermediary_sales_share"] > 0.8
    jombang = net.firms[net.firms["sentra"] == "Jombang aluminium"]
    assert len(jombang) == 25 and jombang["workers"].sum() > 200
    assert 1.5e9 <= jombang["output"].sum() <= 2.0e9
    t = net.to_iotable()
    total, expected = _reconcile(net, t, np.ones(net.n_firms, bool))
    assert total == expected


# ----------------------------------------------------------------------------- messy files
def test_node_arrays_are_read_only(net):
    with pytest.raises(ValueError):
        net.is_firm[0] = False
    with pytest.raises(ValueError):
        net.is_intermediary[0] = True


def test_example_generator_is_deterministic(tmp_path):
    import importlib.util

    from linkage.io.examples import data_path

    spec = importlib.util.spec_from_file_location(
        "make_example_survey", data_path("make_example_survey.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in ("firms.csv", "transactions.csv", "cooperation.csv", "parties.csv", "README.md"):
        assert (tmp_path / name).read_bytes() == data_path("sentra", name).read_bytes(), name
    assert module.GROUND_TRUTH == {
        "Plered ceramics": "active",
        "Jombang aluminium": "active",
        "Trusmi batik": "passive",
        "Tanggulangin leather": "passive",
    }


def test_party_regions_split_imports():
    firms = FIRMS.assign(region="Purwakarta")
    parties = PARTIES.assign(region=["Purwakarta", "Bandung", ""])
    tx = pd.concat([TX, pd.DataFrame([("FAR", "B", 8, "direct")], columns=TX.columns)])
    net = SupplyNetwork.from_frames(firms, tx, parties=parties)
    assert net.parties["region"].tolist() == ["Purwakarta", "Bandung", "", ""]
    t = net.to_iotable()
    va = t.value_added
    # MINE (same region) sells 20 to A and 5 to E (both clay); FAR (not listed) 8 to B (pots)
    assert va.loc["imports from outside parties in the region"].tolist() == [25, 0]
    assert va.loc["imports from outside parties outside the region"].tolist() == [0, 0]
    assert va.loc["imports from outside parties (region unknown)"].tolist() == [0, 8]
    total, expected = _reconcile(net, t, np.ones(5, bool))
    assert total == expected == 278


def test_ids_differing_only_in_case_are_flagged():
    tx = pd.DataFrame({"supplier": ["a", "B"], "buyer": ["B", "c_"], "value": [1, 2]})
    with pytest.warns(DataQualityWarning, match="only in case"):
        net = SupplyNetwork.from_frames(FIRMS, tx)
    assert net.parties.index.tolist() == ["a", "c_"]  # still outside parties
    assert net.diagnostics.count("outside_like_firm") == 2


def test_ids_differing_only_in_leading_zeros_are_flagged():
    firms = pd.DataFrame({"firm_id": ["001", "002", "PLR-01"], "sector": ["a"] * 3})
    tx = pd.DataFrame(
        {"supplier": ["1", "2", "PLR-1"], "buyer": ["002", "3", "001"], "value": [1, 2, 3]}
    )
    with pytest.warns(DataQualityWarning, match="leading zeros"):
        net = SupplyNetwork.from_frames(firms, tx)
    assert net.parties.index.tolist() == ["1", "2", "3", "PLR-1"]  # never merged silently
    found = next(f for f in net.diagnostics if f.code == "outside_like_firm")
    assert found.count == 3 and "'1'~'001'" in found.message and "'PLR-1'~'PLR-01'" in found.message


def test_no_transaction_with_a_listed_firm_is_a_warning():
    # the firm list says 001, 002; the transactions (re-saved by a spreadsheet) say 1, 2:
    # every row is between two outside parties and the analysis would be empty
    firms = pd.DataFrame({"firm_id": ["001", "002", "003"], "sector": ["a"] * 3})
    tx = pd.DataFrame({"supplier": [1, 2, 3], "buyer": [2, 3, 1], "value": [1, 2, 3]})
    with pytest.warns(DataQualityWarning, match="no transaction involves a listed firm"):
        net = SupplyNetwork.from_frames(firms, tx)
    assert net.diagnostics.count("no_firm_trade") == 1


def test_firm_linkages_of_a_large_survey_do_not_use_a_sparse_lu():
    # 3,500 firms trading at random (half inside 50-firm sentra, a third of the sales to
    # middlemen): a sparse LU fills in catastrophically on such patterns (18 s at 4,000
    # firms, over 10 minutes at 20,000), GMRES takes a fraction of a second
    rng = np.random.default_rng(0)
    n, m = 3500, 17500
    src = rng.integers(0, n, m)
    dst = np.where(
        rng.random(m) < 0.5, (src // 50) * 50 + rng.integers(0, 50, m), rng.integers(0, n, m)
    )
    out = rng.random(m) < 0.3
    dst[out] = n + rng.integers(0, 20, out.sum())
    keep = src != dst
    net = SupplyNetwork.from_arrays(
        src[keep], dst[keep], rng.lognormal(10, 1, keep.sum()), n_firms=n
    )
    m_auto = net.firm_metrics()
    assert m_auto.attrs["method"] == "iterative"
    assert m_auto.attrs["residual"] < 1e-8
    assert np.isfinite(m_auto["bl_total"]).all()
    small = SupplyNetwork.from_arrays([0, 1], [1, 2], [1.0, 2.0], n_firms=2)
    assert small.firm_metrics().attrs["method"] == "dense"


def test_empty_id_error_has_no_nan_value():
    tx = pd.DataFrame({"supplier": ["A", None], "buyer": ["B", "C"], "value": [1, 2]})
    with pytest.raises(InvalidNetworkError) as info:
        SupplyNetwork.from_frames(FIRMS, tx)
    msg = str(info.value)
    assert "row 3, column 'supplier'" in msg and "empty" in msg
    assert "nan" not in msg.lower() and "np." not in msg
    assert "--skip-invalid" in msg


def test_listed_firm_buying_through_the_intermediary_channel_is_flagged():
    # the collector PGP is in the firm list (the team surveyed him too) and every sale to
    # him is recorded as channel "pengepul": unless marked, his purchases count as trade
    # inside the sentra, so the warning says how to mark him
    ids = [f"F{i}" for i in range(5)]
    firms = pd.DataFrame({"firm_id": ids + ["PGP"], "sector": "batik", "sentra": "Trusmi"})
    tx = pd.DataFrame(
        {
            "supplier": ids + ["PGP"],
            "buyer": ["PGP"] * 5 + ["EXPORT"],
            "value": [5.0] * 5 + [30.0],
            "channel": ["pengepul"] * 5 + ["direct"],
        }
    )
    with pytest.warns(DataQualityWarning, match="'PGP'.*intermediary-pattern"):
        net = SupplyNetwork.from_frames(firms, tx)
    found = next(f for f in net.diagnostics if f.code == "firm_buys_via_intermediary")
    assert found.count == 1 and "5 firms" in found.message
    # marked as a middleman: no warning
    marked = SupplyNetwork.from_frames(firms, tx, intermediary_pattern="^PGP$")
    assert marked.diagnostics.count("firm_buys_via_intermediary") == 0
    # one firm buying one lot through a trader is not a collector
    one = tx.iloc[[0, 5]]
    assert (
        SupplyNetwork.from_frames(firms, one).diagnostics.count("firm_buys_via_intermediary") == 0
    )


def test_total_row_of_a_firm_list_is_skipped_not_a_firm():
    for total in (("Jumlah", "", 7), (None, "Jumlah", 7), ("TOTAL", "x", 7)):
        firms = pd.DataFrame(
            [("A", "x", 3), ("B", "x", 4), total], columns=["firm_id", "sector", "workers"]
        )
        tx = pd.DataFrame({"supplier": ["A"], "buyer": ["B"], "value": [5.0]})
        with pytest.warns(DataQualityWarning, match=r"skipped 1 total row\(s\) \(rows 4\)"):
            net = SupplyNetwork.from_frames(firms, tx)
        assert net.firms.index.tolist() == ["A", "B"]
        assert net.firms["workers"].sum() == 7


def test_empty_firm_list_is_a_clear_error():
    firms = pd.DataFrame({"firm_id": [], "sector": []})
    tx = pd.DataFrame({"supplier": ["A"], "buyer": ["B"], "value": [5.0]})
    with pytest.raises(InvalidNetworkError, match="firms: the file has no firms"):
        SupplyNetwork.from_frames(firms, tx)


def test_parties_file_matching_nothing_is_a_warning_with_look_alikes():
    # the parties file spells the middlemen in lower case: no party is recognised, so no
    # sale counts as via a middleman; that must not pass as a normal fact
    tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["PGP-1", "PGP-2"], "value": [5, 6]})
    parties = pd.DataFrame({"party_id": ["pgp-1", "pgp-2"], "kind": "intermediary"})
    with pytest.warns(DataQualityWarning, match=r"none of the 2 listed part.*'pgp-1'~'PGP-1'"):
        net = SupplyNetwork.from_frames(FIRMS, tx, parties=parties)
    assert not net.is_intermediary.any()
    # some listed parties unused is a normal fact (info)
    net = SupplyNetwork.from_frames(FIRMS, TX, parties=PARTIES)
    (found,) = [f for f in net.diagnostics if f.code == "parties_unused"]
    assert found.level == "info"


def test_cooperation_ids_that_look_like_firms_are_named():
    coop = pd.DataFrame({"firm_a": ["a", "B"], "firm_b": ["B", "c "], "kind": "joint_marketing"})
    with pytest.warns(DataQualityWarning, match=r"'a'~'A'.*'c'~'C'|'c'~'C'.*'a'~'A'"):
        net = SupplyNetwork.from_frames(FIRMS, TX, coop)
    assert len(net.cooperation) == 0


def test_channel_spellings_of_field_surveys():
    words = [
        "Tidak langsung",
        "tidak_langsung",
        "melalui pengepul",
        "Pedagang pengumpul",
        "perantara",
        "bakul",
        "agen",
        "via middleman",
        "Penjualan langsung",
        "direct sale",
    ]
    tx = pd.DataFrame(
        {
            "supplier": ["A"] * len(words),
            "buyer": [f"P{i}" for i in range(10)],
            "value": 1.0,
            "channel": words,
        }
    )
    net = SupplyNetwork.from_frames(FIRMS, tx)
    assert net.diagnostics.count("unknown_channel") == 0
    assert net.edges["channel"].tolist() == ["intermediary"] * 8 + ["direct"] * 2


def test_parties_kind_spellings():
    parties = pd.DataFrame(
        {"party_id": ["MINE", "PGP", "SHOP"], "kind": ["Pemasok", "tengkulak", "pembeli"]}
    )
    net = SupplyNetwork.from_frames(FIRMS, TX, parties=parties)
    assert net.parties.loc[["MINE", "PGP", "SHOP"], "kind"].tolist() == [
        "supplier",
        "intermediary",
        "buyer",
    ]
    assert net.parties.loc["PGP", "is_intermediary"]
    bad = parties.assign(kind=["supplier", "bank", "buyer"])
    with pytest.raises(InvalidNetworkError, match="row 3, column 'kind'.*'bank'"):
        SupplyNetwork.from_frames(FIRMS, TX, parties=bad)


def test_transactions_naming_firms_by_name_are_flagged():
    tx = pd.DataFrame(
        {"supplier": ['Gerabah "Mekar"', "A"], "buyer": ["céramique", "B"], "value": [5, 6]}
    )
    with pytest.warns(DataQualityWarning, match=r"names of listed firms.*'Gerabah \"Mekar\"'.*'B'"):
        net = SupplyNetwork.from_frames(FIRMS, tx)
    found = next(f for f in net.diagnostics if f.code == "outside_is_firm_name")
    assert found.count == 2  # case-insensitive: 'céramique' is C's name 'Céramique'


def test_exact_duplicate_firm_rows_are_merged_other_duplicates_stay_errors():
    firms = pd.concat([FIRMS, FIRMS.iloc[[1]]], ignore_index=True)  # B entered twice
    with pytest.warns(DataQualityWarning, match=r"1 firm row\(s\) repeat an earlier row.*rows 7"):
        net = SupplyNetwork.from_frames(firms, TX)
    assert net.firms.index.tolist() == list("ABCDE")
    firms.loc[5, "workers"] = 11  # same id, different figures: which is right?
    with pytest.raises(InvalidNetworkError, match="firm_id 'B' appears 2 times"):
        SupplyNetwork.from_frames(firms, TX)


def test_no_transactions_at_all_is_a_warning():
    tx = pd.DataFrame({"supplier": [], "buyer": [], "value": []})
    with pytest.warns(DataQualityWarning, match=r"none of the 5 firm\(s\) has a transaction"):
        net = SupplyNetwork.from_frames(FIRMS, tx)
    assert net.summary()["firms_without_transactions"] == 5
    (found,) = [
        f
        for f in SupplyNetwork.from_frames(FIRMS, TX).diagnostics
        if f.code == "firms_without_transactions"
    ] or [None]
    assert found is None or found.level == "info"


def test_sentra_spelled_two_ways_is_flagged():
    firms = FIRMS.assign(
        sentra=["Plered", "plered", "Plered ", "Trusmi", "TRUSMI  batik"], region=["Purwakarta"] * 5
    )
    with pytest.warns(DataQualityWarning, match=r"'Plered' and 'plered'"):
        net = SupplyNetwork.from_frames(firms, TX)
    (found,) = [f for f in net.diagnostics if f.code == "sentra_spellings"]
    assert found.count == 1  # 'Trusmi' and 'TRUSMI  batik' are different names
    assert sorted(set(net.firms["sentra"])) == ["Plered", "TRUSMI  batik", "Trusmi", "plered"]
    with pytest.warns(DataQualityWarning, match=r"sector name.*'Pots' and 'pots'"):
        SupplyNetwork.from_frames(FIRMS.assign(sector=["clay", "Pots", "pots", "x", "y"]), TX)


def test_a_closed_loop_leaves_the_other_firms_linkages():
    # two firms that (as recorded) only sell to each other, equal amounts: no value added,
    # a closed loop; the rest of the survey keeps its linkages, as if the loop were absent
    firms = pd.concat(
        [FIRMS, pd.DataFrame({"firm_id": ["L1", "L2"], "sector": "x"})], ignore_index=True
    )
    tx = pd.concat(
        [TX, pd.DataFrame({"supplier": ["L1", "L2"], "buyer": ["L2", "L1"], "value": [100, 100]})],
        ignore_index=True,
    )
    with pytest.warns(DataQualityWarning, match=r"closed loop.*\['L1', 'L2'\]"):
        m = SupplyNetwork.from_frames(firms, tx).firm_metrics()
    ref = SupplyNetwork.from_frames(FIRMS, TX).firm_metrics()
    assert m.loc[["L1", "L2"], "bl_total"].isna().all()
    cols = ["bl_direct", "fl_direct", "output_multiplier", "bl_total", "fl_total"]
    pd.testing.assert_frame_equal(m.loc[list("ABCDE"), cols], ref[cols], rtol=1e-12)
    assert m.loc[["L1", "L2"], "linkage_class"].tolist() == ["", ""]
    assert m["sales_total"].notna().all()
    assert m.attrs["diagnostics"].count("closed_loop") == 2


def test_intermediary_pattern_on_listed_firms_or_nothing_is_a_warning():
    # 'PGP' without '^' also catches a firm whose id contains it; a pattern that matches
    # nothing marks no middleman: both change the results and are warnings
    firms = FIRMS.assign(firm_id=["A", "B", "C", "D-PGP", "E"])
    tx = TX.replace({"D": "D-PGP"})
    with pytest.warns(DataQualityWarning, match=r"1 of them listed firms: \['D-PGP'\]"):
        SupplyNetwork.from_frames(firms, tx, intermediary_pattern="PGP")
    with pytest.warns(DataQualityWarning, match=r"marks 0 node\(s\)"):
        SupplyNetwork.from_frames(FIRMS, TX, intermediary_pattern="^TENGKULAK")
    net = SupplyNetwork.from_frames(FIRMS, TX, intermediary_pattern="^PGP")
    (found,) = [f for f in net.diagnostics if f.code == "intermediary_pattern"]
    assert found.level == "info"


def test_one_row_per_product_is_not_a_duplicate_warning():
    # surveys record each product a firm buys from another on its own row: summing them is
    # normal (info); the same pair and product twice is a real duplicate (warning)
    tx = pd.DataFrame(
        {
            "supplier": ["A", "A", "A", "B"],
            "buyer": ["B", "B", "B", "C"],
            "value": [1, 2, 3, 4],
            "product": ["clay", "glaze", "Clay ", "pots"],
        }
    )
    with pytest.warns(DataQualityWarning) as record:
        net = SupplyNetwork.from_frames(FIRMS, tx)
    dups = [f for f in net.diagnostics if f.code == "duplicate_transactions"]
    assert [(f.level, f.count) for f in dups] == [("info", 1), ("warning", 1)]
    assert "other products" in dups[0].message and "rows 2, 3, 4" in dups[0].message
    assert "rows 2, 4" in dups[1].message  # 'clay' and 'Clay ' are the same product
    assert net.summary()["duplicate_rows_merged"] == 2
    assert net.edges["value"].tolist() == [6, 4]
    assert sum("duplicate" in str(w.message) for w in record) == 1
