"""Network scenarios: middlemen bypassed, firms removed or added (linkage.network.scenarios)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from linkage.errors import InvalidNetworkError
from linkage.io import load_example_network
from linkage.network import SupplyNetwork
from linkage.network.scenarios import add_firm, redirect_intermediaries, remove_firms
from linkage.pipeline.scenarios import network_scenario

FIRMS = pd.DataFrame(
    {"firm_id": ["A", "B", "C"], "sector": ["clay", "clay", "pots"], "output": [40, 20, 150]}
)


def pgp_network(purchases=(30.0, 10.0), sales=(50.0, 25.0), extra=()):
    """PGP buys from A and B and sells to C (a firm) and SHOP (outside); A buys from MINE,
    C sells to MARKET."""
    rows = [
        ("A", "PGP", purchases[0]),
        ("B", "PGP", purchases[1]),
        ("PGP", "C", sales[0]),
        ("PGP", "SHOP", sales[1]),
        ("MINE", "A", 5.0),
        ("C", "MARKET", 100.0),
        *extra,
    ]
    tx = pd.DataFrame(rows, columns=["supplier", "buyer", "value"])
    return SupplyNetwork.from_frames(FIRMS, tx, intermediary_pattern="^PGP")


def edge_dict(net):
    e = net.edges
    return {
        (net.nodes[s], net.nodes[t]): v
        for s, t, v in zip(e["source"], e["target"], e["value"], strict=True)
    }


def sales(net, node):
    return sum(v for (s, _), v in edge_dict(net).items() if s == node)


def purchases(net, node):
    return sum(v for (_, b), v in edge_dict(net).items() if b == node)


def test_the_moved_values_by_hand():
    # V = 40 bought, W = 75 sold (margin 35); 40 % redirected; max(V, W) = 75
    net = pgp_network()
    new, notes = redirect_intermediaries(net, 0.4)
    got = edge_dict(new)
    expected = {
        ("A", "PGP"): 30 - 0.4 * 30,  # 18
        ("B", "PGP"): 10 - 0.4 * 10,  # 6
        ("PGP", "C"): 50 - 0.4 * 50,  # 30
        ("PGP", "SHOP"): 25 - 0.4 * 25,  # 15
        ("A", "C"): 0.4 * 30 * 50 / 75,  # 8
        ("A", "SHOP"): 0.4 * 30 * 25 / 75,  # 4
        ("B", "C"): 0.4 * 10 * 50 / 75,  # 8/3
        ("B", "SHOP"): 0.4 * 10 * 25 / 75,  # 4/3
        ("MINE", "A"): 5.0,
        ("C", "MARKET"): 100.0,
    }
    assert got.keys() == expected.keys()
    for pair, value in expected.items():
        assert got[pair] == pytest.approx(value, rel=1e-12), pair
    # moved 16 at the supplier's price, sold 30 less: the margin 14 on that share is gone
    assert "16 moved" in notes[0] and "sell 30 less" in notes[0]
    assert "margin removed is 14" in notes[0] and "4 new link(s)" in notes[0]
    # the sentra table: what PGP resold to C is now trade between the firms (Z)
    before, after = net.to_iotable(), new.to_iotable()
    assert before.Z_frame().loc["clay", "pots"] == 0
    assert after.Z_frame().loc["clay", "pots"] == pytest.approx(8 + 8 / 3)
    assert after.final_demand.loc["clay", "sales to intermediaries"] == pytest.approx(24.0)


def test_value_is_conserved_except_the_margin():
    net = pgp_network()
    for share in (0.1, 0.4, 0.75, 1.0):
        new, _ = redirect_intermediaries(net, share)
        for supplier in ("A", "B", "MINE", "C"):  # every supplier sells as much as before
            assert sales(new, supplier) == pytest.approx(sales(net, supplier), rel=1e-12)
        margin = share * (75 - 40)
        paid_before = purchases(net, "C") + purchases(net, "SHOP")
        paid_after = purchases(new, "C") + purchases(new, "SHOP")
        assert paid_before - paid_after == pytest.approx(margin, rel=1e-12)
        total = net.edges["value"].sum() - new.edges["value"].sum()
        assert total == pytest.approx(margin + share * 40, rel=1e-12)  # the margin + PGP's cut


def test_share_zero_leaves_the_network_and_the_tables_unchanged():
    for net in (pgp_network(), load_example_network_quietly()):
        new, _ = redirect_intermediaries(net, 0.0)
        pd.testing.assert_frame_equal(new.edges, net.edges)
        before, after = net.to_iotable(), new.to_iotable()
        pd.testing.assert_frame_equal(after.Z_frame(), before.Z_frame())
        pd.testing.assert_frame_equal(after.final_demand, before.final_demand)
        pd.testing.assert_frame_equal(after.value_added, before.value_added)
        np.testing.assert_array_equal(after.x, before.x)


def test_share_one_when_the_intermediary_sells_more_than_it_buys():
    new, notes = redirect_intermediaries(pgp_network(), 1.0)
    got = edge_dict(new)
    assert not any("PGP" in pair for pair in got)  # nothing left: no trade, dropped
    assert got[("A", "C")] == pytest.approx(30 * 50 / 75)
    assert got[("B", "SHOP")] == pytest.approx(10 * 25 / 75)
    assert "PGP" not in new.nodes and any("dropped" in n for n in notes)


def test_share_one_keeps_only_the_margin_free_remainder():
    # PGP buys 100 and records sales of 50: it keeps the 50 it bought but did not resell
    net = pgp_network(purchases=(60.0, 40.0), sales=(30.0, 20.0))
    new, notes = redirect_intermediaries(net, 1.0)
    got = edge_dict(new)
    assert got[("A", "PGP")] == pytest.approx(30.0) and got[("B", "PGP")] == pytest.approx(20.0)
    assert ("PGP", "C") not in got and ("PGP", "SHOP") not in got
    assert got[("A", "C")] == pytest.approx(60 * 30 / 100)
    assert got[("B", "SHOP")] == pytest.approx(40 * 20 / 100)
    assert purchases(new, "C") == pytest.approx(30.0)  # bought at cost: no margin to remove
    assert "margin removed is 0" in notes[0]


def test_goods_back_to_their_seller_and_trade_between_intermediaries_stay():
    # C sells 20 to PGP and buys 50 from it; PGP also sells 10 to another middleman
    net = pgp_network(extra=[("C", "PGP", 20.0), ("PGP", "PGP2", 10.0), ("PGP2", "SHOP", 9.0)])
    new, _ = redirect_intermediaries(net, 1.0)
    got = edge_dict(new)
    assert ("C", "C") not in got
    assert got[("PGP", "PGP2")] == 10.0 and got[("PGP2", "SHOP")] == 9.0
    assert got[("C", "PGP")] > 0 and got[("PGP", "C")] > 0  # C's own goods come back
    for supplier in ("A", "B", "C"):
        assert sales(new, supplier) == pytest.approx(sales(net, supplier), rel=1e-12)


def test_idle_intermediaries_are_left_unchanged_and_said():
    tx = pd.DataFrame(
        {"supplier": ["A", "PGP2", "B"], "buyer": ["PGP1", "C", "C"], "value": [5.0, 7.0, 1.0]}
    )
    net = SupplyNetwork.from_frames(FIRMS, tx, intermediary_pattern="^PGP")
    new, notes = redirect_intermediaries(net, 0.5)
    pd.testing.assert_frame_equal(new.edges, net.edges)
    assert any("buy but sell nothing, left unchanged: ['PGP1']" in n for n in notes)
    assert any("sell but buy nothing, left unchanged: ['PGP2']" in n for n in notes)


def test_scenarios_do_not_change_the_network_they_are_given():
    net = pgp_network()
    edges, firms, nodes = net.edges.copy(), net.firms.copy(), net.nodes.copy()
    redirect_intermediaries(net, 0.5)
    remove_firms(net, ["A"])
    add_firm(
        net,
        {"firm_id": "D", "sector": "pots"},
        pd.DataFrame({"supplier": ["A"], "buyer": ["D"], "value": [2.0]}),
    )
    pd.testing.assert_frame_equal(net.edges, edges)
    pd.testing.assert_frame_equal(net.firms, firms)
    assert net.nodes.equals(nodes)


def test_redirect_errors_are_one_line():
    net = pgp_network()
    with pytest.raises(InvalidNetworkError, match=r"between 0 and 1 \(got 1.5\)"):
        redirect_intermediaries(net, 1.5)
    with pytest.raises(InvalidNetworkError, match="'PGX' is not in .*did you mean 'PGP'"):
        redirect_intermediaries(net, 0.5, intermediaries=["PGX"])
    plain = SupplyNetwork.from_frames(
        FIRMS, pd.DataFrame({"supplier": ["A"], "buyer": ["B"], "value": [1.0]})
    )
    with pytest.raises(InvalidNetworkError, match="no intermediaries") as info:
        redirect_intermediaries(plain, 0.5)
    assert "\n" not in str(info.value)


def test_a_firm_named_as_intermediary_is_bypassed():
    # B trades as a middleman: buys from A, sells to C
    tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "C"], "value": [10.0, 10.0]})
    net = SupplyNetwork.from_frames(FIRMS, tx)
    new, _ = redirect_intermediaries(net, 0.5, intermediaries=["B"])
    assert edge_dict(new) == {("A", "B"): 5.0, ("A", "C"): 5.0, ("B", "C"): 5.0}


def test_remove_firms_counts_what_goes():
    net = pgp_network()
    new, notes = remove_firms(net, ["A"])
    assert "A" not in new.nodes and "MINE" not in new.nodes  # MINE only sold to A
    assert notes[0] == "removed firm 'A' (clay): 2 transaction(s), sold 30, bought 5"
    assert any("dropped: ['MINE']" in n for n in notes)
    assert new.n_firms == 2 and len(new.edges) == len(net.edges) - 2
    assert edge_dict(new)[("PGP", "C")] == 50.0


def test_remove_an_unknown_firm_is_one_line_with_did_you_mean():
    net = pgp_network()
    with pytest.raises(InvalidNetworkError) as info:
        remove_firms(net, ["a"])
    assert str(info.value) == "firm 'a' is not in the network; did you mean 'A'?"
    with pytest.raises(InvalidNetworkError, match="'SHOP' is an outside party, not a listed"):
        remove_firms(net, "SHOP")
    with pytest.raises(InvalidNetworkError, match="cannot remove every firm"):
        remove_firms(net, ["A", "B", "C"])


def test_remove_drops_the_cooperation_ties_of_the_firm():
    coop = pd.DataFrame({"firm_a": ["A", "B"], "firm_b": ["B", "C"]})
    tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "C"], "value": [1.0, 2.0]})
    net = SupplyNetwork.from_frames(FIRMS, tx, coop)
    new, notes = remove_firms(net, "A")
    assert len(new.cooperation) == 1
    a, b = new.cooperation[["a", "b"]].iloc[0]
    assert (new.nodes[a], new.nodes[b]) == ("B", "C")
    assert "1 cooperation tie(s)" in notes[-1]


def test_add_firm_adds_its_trade_and_keeps_the_rest():
    net = pgp_network()
    tx = pd.DataFrame({"supplier": ["A", "D"], "buyer": ["D", "PGP"], "value": [4.0, 6.0]})
    new, notes = add_firm(net, {"firm_id": "D", "sector": "pots", "output": 12.0}, tx)
    assert new.n_firms == 4 and new.nodes[3] == "D"
    got = edge_dict(new)
    assert got[("A", "D")] == 4.0 and got[("D", "PGP")] == 6.0
    assert {k: v for k, v in got.items() if "D" not in k} == edge_dict(net)
    assert new.is_intermediary[new.nodes.get_loc("PGP")]
    assert new.to_iotable().x.tolist() == [60.0, 162.0]
    assert notes == ["added firm 'D' (pots): 2 transaction(s), sold 6, bought 4"]


@pytest.mark.parametrize(
    "rows, message",
    [
        ([("D", "SHOPP", 1.0)], "row 2, column 'buyer': unknown id: .*did you mean 'SHOP'"),
        ([("A", "D", 2.0), ("D", "C", -3.0)], "row 3, column 'value'"),
        ([("A", "D", 2.0), ("A", "C", 3.0)], "row 3: the row does not involve the added firm"),
        ([("A", "D", "lots")], "row 2, column 'value'"),
    ],
)
def test_add_firm_transactions_are_checked_like_survey_rows(rows, message):
    tx = pd.DataFrame(rows, columns=["supplier", "buyer", "value"])
    with pytest.raises(InvalidNetworkError, match=message) as info:
        add_firm(pgp_network(), {"firm_id": "D", "sector": "pots"}, tx)
    assert "\n" not in str(info.value) and str(info.value).startswith("transactions, row")


def test_add_firm_errors_on_the_firm():
    tx = pd.DataFrame({"supplier": ["A"], "buyer": ["D"], "value": [1.0]})
    with pytest.raises(InvalidNetworkError, match="'A' is already a listed firm"):
        add_firm(pgp_network(), {"firm_id": "A", "sector": "pots"}, tx)
    with pytest.raises(InvalidNetworkError, match="'SHOP' is already an outside party"):
        add_firm(pgp_network(), {"firm_id": "SHOP", "sector": "pots"}, tx)
    with pytest.raises(InvalidNetworkError, match="column 'workers'"):
        add_firm(pgp_network(), {"firm_id": "D", "sector": "pots", "workers": -2}, tx)
    with pytest.raises(InvalidNetworkError, match="sector"):
        add_firm(pgp_network(), {"firm_id": "D"}, tx)


def load_example_network_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_example_network()


def test_example_survey_redirect_changes_final_demand_not_the_linkages():
    # the example's pengepul sell only to outside buyers: bypassing them turns sales to
    # intermediaries into sales to other outside buyers; Z and x, so every linkage, stay
    net = load_example_network_quietly()
    r = network_scenario(net, "redirect", share=0.5)
    assert (r.change["change"] == 0).all()
    fd0, fd1 = r.table_before.final_demand, r.table_after.final_demand
    moved = fd0["sales to intermediaries"] - fd1["sales to intermediaries"]
    assert (moved > 0).all()
    np.testing.assert_allclose(
        fd1["sales to other outside buyers"] - fd0["sales to other outside buyers"], moved
    )
    # what moved is half of what the pengepul sell to their buyers (they buy more than
    # they record selling, so the recorded sales are resold at cost)
    pgp = net.is_intermediary[net.edges["source"].to_numpy()]
    assert moved.sum() == pytest.approx(0.5 * net.edges["value"][pgp].sum(), rel=1e-12)


def test_example_survey_remove_changes_the_linkages_where_it_should():
    net = load_example_network_quietly()
    r = network_scenario(net, "remove", ids=["PLR-01"])
    ch = r.change.set_index(["measure", "sector"])["change"]
    assert ch["total_output", "clay and sand quarrying"] == -177384000.0
    assert ch["total_output", "ceramics"] == 0.0
    # PLR-01 sold clay to the potters: the ceramics column loses inputs from clay
    assert (
        r.table_after.Z_frame().loc["clay and sand quarrying", "ceramics"]
        < (r.table_before.Z_frame().loc["clay and sand quarrying", "ceramics"])
    )
    assert ch["output_multiplier", "ceramics"] != 0.0
    # sectors of other sentra, not linked to Plered's clay: multipliers unchanged
    for sector in ("batik/textiles", "leather goods"):
        assert ch["output_multiplier", sector] == pytest.approx(0.0, abs=1e-12)
        assert ch["bl_direct", sector] != 0.0  # normalized by the mean, which moved


def test_example_survey_add_firm_raises_its_sector():
    net = load_example_network_quietly()
    firm = {
        "firm_id": "JBG-99",
        "sector": "metal casting",
        "sentra": "Jombang aluminium",
        "output": 90_000_000,
    }
    tx = pd.DataFrame(
        {
            "supplier": ["JBG-01", "JBG-99"],
            "buyer": ["JBG-99", "PGP-JBG-1"],
            "value": [30_000_000, 80_000_000],
            "channel": ["direct", "pengepul"],
        }
    )
    r = network_scenario(net, "add", firm=firm, transactions=tx)
    ch = r.change.set_index(["measure", "sector"])["change"]
    assert ch["total_output", "metal casting"] == 90_000_000
    fd = (
        r.table_after.final_demand["sales to intermediaries"]
        - (r.table_before.final_demand["sales to intermediaries"])
    )
    assert fd["metal casting"] == 80_000_000 and fd.drop("metal casting").eq(0).all()
    assert ch["bl_direct", "metal casting"] != 0.0


def test_network_scenario_rejects_unknown_scenarios_and_options():
    net = pgp_network()
    with pytest.raises(ValueError, match="unknown scenario 'grow'"):
        network_scenario(net, "grow")
    with pytest.raises(ValueError, match=r"takes the options \['ids'\], not \['share'\]"):
        network_scenario(net, "remove", share=0.5)


def test_the_new_networks_work_like_read_ones():
    net = load_example_network_quietly()
    tx = pd.DataFrame({"supplier": ["PLR-01"], "buyer": ["PLR-99"], "value": [5.0]})
    firm = {"firm_id": "PLR-99", "sector": "ceramics", "sentra": "Plered ceramics"}
    for new, _ in (
        redirect_intermediaries(net, 0.5),
        remove_firms(net, ["PLR-02"]),
        add_firm(net, firm, tx),
    ):
        assert new.firms.dtypes.to_dict() == net.firms.dtypes.to_dict()
        assert new.parties.columns.tolist() == net.parties.columns.tolist()
        assert new.edges.columns.tolist() == net.edges.columns.tolist()
        metrics = new.firm_metrics()
        assert metrics.index.equals(new.firms.index)
        assert new.to_networkx().number_of_nodes() == new.n_nodes
        assert new.diagnostics.count("scenario") >= 1
    redirected, _ = redirect_intermediaries(net, 0.5)
    s0, s1 = net.summary(), redirected.summary()
    assert s1["value_between_outside"] == pytest.approx(0.5 * s0["value_between_outside"])
    assert s1["intermediary_sales_share"] < s0["intermediary_sales_share"]
