"""Tests for linkage.viz (network and sector pages, key-sector chart) on the generated HTML.

What a browser does with the pages is checked in test_browser.py; here: no remote
resources, safe embedding of any firm name, the embedded data equal the network's, UTF-8.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from builders import EVIL, IMG, UNICODE, fake_clusters, make_network
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import IOTable
from linkage.analysis import largest_coefficients
from linkage.pipeline import network_html, sector_html
from linkage.viz import key_sector_chart, key_sector_svg, network_page_data
from linkage.viz.layout import layout_positions
from linkage.viz.page import json_for_html

pytestmark = pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")


def plain(data: dict) -> dict:
    """The page data as the browser sees it (after JSON)."""
    return json.loads(json_for_html(data))


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="linkage-data">(.*?)</script>', page, re.S)
    assert m is not None
    return json.loads(m.group(1))


def remote_references(page: str) -> list:
    """src/href/url() values and @import that point to http(s) or protocol-relative URLs."""
    pattern = (
        r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//"""
        r"""|url\(\s*["']?\s*(?:https?:)?//|@import"""
    )
    return re.findall(pattern, page, flags=re.I)


@pytest.fixture(scope="module")
def net():
    return make_network()


@pytest.fixture(scope="module")
def page(net):
    return network_html(net, fake_clusters(net))


# ----------------------------------------------------------------------- offline
def test_page_has_no_remote_resources(page):
    assert remote_references(page) == []
    assert "<link" not in page.lower()
    # only three script elements: the data, vis-network, linkage's script; none with src
    scripts = re.findall(r"<script\b[^>]*>", page, flags=re.I)
    assert len(scripts) == 3
    assert not any("src" in s for s in scripts)
    assert "vis-network" in page and "10.1.5" in page


def test_remote_reference_check_can_fail():
    assert remote_references('<script src="https://unpkg.com/x.js"></script>')
    assert remote_references('<link href="//cdn.example/x.css">')


# ----------------------------------------------------------------------- escaping
def test_firm_names_cannot_break_out_of_the_data(page, net):
    assert EVIL not in page and IMG not in page
    assert "alert(1)" in page  # present, but only inside JSON escapes
    assert page.count("</script>") == 3
    data = page_data(page)
    labels = data["nodes"]["label"]
    assert labels[:3] == [EVIL, IMG, UNICODE]
    assert "Pengepul Haji Ali" in labels  # party name from the parties file


def test_title_is_escaped(net):
    page = network_html(net, title="<b>Sentra</b> & co")
    assert "<title>&lt;b&gt;Sentra&lt;/b&gt; &amp; co</title>" in page


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_json_for_html_round_trips_any_text(text):
    embedded = json_for_html({"name": text})
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert json.loads(embedded)["name"] == text


# ----------------------------------------------------------------------- data = network
def test_embedded_nodes_and_edges_equal_the_network(page, net):
    data = page_data(page)
    assert len(data["nodes"]["id"]) == net.n_nodes
    assert data["nodes"]["id"] == net.nodes.tolist()
    e = data["edges"]
    assert len(e["from"]) == len(net.edges) + len(net.cooperation)
    trade = {
        (f, t, v)
        for f, t, v, k in zip(e["from"], e["to"], e["value"], e["type"], strict=True)
        if k in (0, 1)
    }
    expected = {
        (int(s), int(t), float(v))
        for s, t, v in net.edges[["source", "target", "value"]].itertuples(index=False)
    }
    assert trade == expected
    coop = {(f, t) for f, t, k in zip(e["from"], e["to"], e["type"], strict=True) if k == 2}
    assert coop == set(
        zip(net.cooperation["a"].tolist(), net.cooperation["b"].tolist(), strict=True)
    )
    # type 0 = between surveyed firms, 1 = with an outside party
    for f, t, k in zip(e["from"], e["to"], e["type"], strict=True):
        if k != 2:
            assert k == (0 if f < net.n_firms and t < net.n_firms else 1)


def test_shapes_colours_and_borders(page, net):
    data = page_data(page)
    shape = dict(zip(data["nodes"]["id"], data["nodes"]["shape"], strict=True))
    assert [shape[f] for f in "ABCDEF"] == [0] * 6
    assert shape["PGP1"] == 1 and shape["MINE"] == 2 and shape["KAIN"] == 2
    assert shape["SHOP"] == 3
    border = data["nodes"]["border"]
    assert border[:6] == [1, 1, 1, 2, 2, 2] and set(border[6:]) == {0}
    colour = data["nodes"]["color"]
    assert colour[0] == colour[1] == colour[2] != colour[3] == colour[4] == colour[5]
    assert data["colors"]["title"].startswith("community")


def test_tooltip_values(page, net):
    data = page_data(page)
    v = data["nodes"]["values"]
    i = net.nodes.get_loc("B")
    assert v["sector"][i] == "ceramics" and v["sentra"][i] == "Plered"
    assert v["workers"][i] == 12 and v["output"][i] == 300.0
    assert v["sales"][i] == 120.0 and v["purchases"][i] == 45.0  # B->C 120; A->B 40, C->B 5
    assert v["activity"][i] == "active"
    m = net.firm_metrics()
    assert v["bl"][i] == pytest.approx(m.loc["B", "bl_total"], rel=1e-3)
    assert v["local_input_share"][i] == pytest.approx(m.loc["B", "local_input_share"])
    keys = {f["key"] for f in data["tooltip"]}
    assert {
        "sector",
        "sentra",
        "workers",
        "sales",
        "purchases",
        "local_input_share",
        "bl",
        "fl",
    } <= keys


def test_sizes_grow_with_output(net):
    data = plain(network_page_data(net, size_by="output"))
    size = np.array(data["nodes"]["size"][:6])
    output = net.firms["output"].to_numpy()
    order = np.argsort(output)
    assert np.all(np.diff(size[order]) >= 0) and size[order][-1] > size[order][0]
    by_workers = np.array(plain(network_page_data(net, size_by="workers"))["nodes"]["size"][:6])
    assert by_workers.argmax() == 5  # PT Batik Besar, 150 workers


def test_filters_cover_sentra_community_sector(page):
    data = page_data(page)
    filters = {f["key"]: f for f in data["filters"]}
    assert set(filters) == {"sentra", "community", "sector"}
    assert filters["sentra"]["options"] == ["Plered", "Trusmi"]
    assert filters["sentra"]["codes"][:6] == [0, 0, 0, 1, 1, 1]
    assert set(filters["sentra"]["codes"][6:]) == {-1}


def test_bad_options_are_refused(net):
    with pytest.raises(ValueError, match="size_by"):
        network_page_data(net, size_by="turnover")
    with pytest.raises(ValueError, match="color_by"):
        network_page_data(net, color_by="rainbow")
    with pytest.raises(TypeError, match="clusters"):
        network_page_data(net, clusters=[1, 2])


# ----------------------------------------------------------------------- big networks
def test_collapse_above_max_nodes_keeps_every_rupiah(net):
    data = plain(network_page_data(net, fake_clusters(net), max_nodes=5))
    assert data["collapsed"] and "more than the 5 points" in data["notice"]
    labels = data["nodes"]["label"]
    assert labels[:2] == ["Plered", "Trusmi"]
    assert set(labels[2:]) == {"Middlemen (pengepul)", "Outside suppliers", "Outside buyers"}
    v, e = data["nodes"]["values"], data["edges"]
    between = sum(val for val, k in zip(e["value"], e["type"], strict=True) if k in (0, 1))
    internal = sum(x for x in v["internal"] if x is not None)
    assert between + internal == pytest.approx(net.edges["value"].sum())
    assert internal == pytest.approx(40 + 30 + 120 + 5)  # trade inside Plered
    assert v["members"] == [3, 3, 1, 2, 1]
    assert data["nodes"]["border"][:2] == [1, 2]
    page = network_html(net, max_nodes=5)
    assert "more than the 5 points" in page_data(page)["notice"]


def test_max_edges_keeps_the_largest_and_says_so(net):
    data = plain(network_page_data(net, max_edges=5))
    e = data["edges"]
    assert len(e["from"]) == 5 and "3 largest of 10 trade links" in data["notice"]
    trade = sorted((v for v, k in zip(e["value"], e["type"], strict=True) if k != 2), reverse=True)
    assert trade == sorted(net.edges["value"], reverse=True)[:3]


def test_layout_is_seeded_finite_and_separates_components():
    src, dst = [0, 1, 3, 4], [1, 2, 4, 5]
    x1, y1 = layout_positions(6, src, dst, seed=7)
    x2, y2 = layout_positions(6, src, dst, seed=7)
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert np.isfinite(x1).all() and np.isfinite(y1).all()
    box = [
        (x1[list(c)].min(), x1[list(c)].max(), y1[list(c)].min(), y1[list(c)].max())
        for c in ((0, 1, 2), (3, 4, 5))
    ]
    disjoint_x = box[0][1] < box[1][0] or box[1][1] < box[0][0]
    disjoint_y = box[0][3] < box[1][2] or box[1][3] < box[0][2]
    assert disjoint_x or disjoint_y
    pts = np.column_stack([x1, y1])
    d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1)) + np.eye(6) * 1e9
    assert d.min() > 20  # no two nodes on top of each other


# ----------------------------------------------------------------------- files
def test_written_file_is_utf8(tmp_path, net):
    out = network_html(net, path=tmp_path / "net.html", title="Sentra Śrī")
    raw = out.read_bytes()
    text = raw.decode("utf-8")  # raises if not UTF-8
    assert UNICODE in text and "Sentra Śrī" in text
    assert '<meta charset="utf-8">' in text


# ----------------------------------------------------------------------- sectors
@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(3)
    n = 8
    Z = rng.uniform(0, 30, (n, n)) * (rng.uniform(size=(n, n)) < 0.6)
    return IOTable.from_arrays(
        Z,
        final_demand=rng.uniform(50, 150, n),
        sectors=[f"s{i}" for i in range(n - 1)] + ["<b>evil</b>"],
    )


@pytest.mark.parametrize("matrix", ["A", "L"])
def test_largest_coefficients_against_dense_reference(table, matrix):
    A = np.asarray(table.A)
    M = A if matrix == "A" else np.linalg.inv(np.eye(table.n) - A)
    off = M.copy()
    np.fill_diagonal(off, 0)
    r, c, v = largest_coefficients(table, matrix, k=5, per_column=False)
    assert np.allclose(v, np.sort(off.ravel())[::-1][:5])
    assert np.allclose(M[r, c], v) and (r != c).all()
    r, c, v = largest_coefficients(table, matrix, k=5)
    for j in range(table.n):  # each column's largest off-diagonal input is kept
        if off[:, j].max() > 0:
            i = off[:, j].argmax()
            assert ((r == i) & (c == j)).any()


def test_sector_page(table):
    from linkage import linkages

    lk = linkages(table)
    page = sector_html(table, linkages=lk)
    assert remote_references(page) == [] and "<b>evil</b>" not in page
    data = page_data(page)
    assert data["nodes"]["label"][-1] == "<b>evil</b>"
    assert len(data["nodes"]["id"]) == table.n
    classes = ["key", "backward", "forward", "weak"]
    assert [classes[c] for c in data["nodes"]["color"]] == lk["key_sector"].tolist()
    assert data["nodes"]["values"]["bl_total"] == pytest.approx(lk["bl_total"].tolist(), rel=1e-3)
    r, c, v = largest_coefficients(table, "A", k=20)  # default: max(2n, 20)
    assert data["edges"]["from"] == r.tolist() and data["edges"]["to"] == c.tolist()


# ----------------------------------------------------------------------- chart
def test_key_sector_chart_png_and_svg(tmp_path):
    frame = pd.DataFrame(
        {
            "bl_total": [1.3, 0.7, 1.1, 0.9],
            "fl_total": [1.2, 1.4, 0.8, 0.6],
            "key_sector": ["key", "forward", "backward", "weak"],
        },
        index=["agriculture", "trade", "batik <&>", "services"],
    )
    png = key_sector_chart(frame, tmp_path / "k.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = key_sector_chart(frame, tmp_path / "k.svg").read_text(encoding="utf-8")
    assert "agriculture" in svg and "batik &lt;&amp;&gt;" in svg
    assert "KEY" in svg and "BACKWARD" in svg
    with pytest.raises(ValueError, match="png or .svg"):
        key_sector_chart(frame, tmp_path / "k.pdf")
    with pytest.raises(ValueError, match="fl_total"):
        key_sector_svg(frame.drop(columns="fl_total"))


def test_collapse_merges_the_smallest_groups_when_still_too_many(net):
    data = plain(network_page_data(net, max_nodes=4))  # 3 kinds of party leave room for 1
    assert data["nodes"]["label"][0] == "(other 2 groups)"
    assert "2 smallest of 2 groups are merged" in data["notice"]
    assert data["nodes"]["values"]["members"][0] == 6


def test_collapsed_page_keeps_the_edge_limit_too(net):
    # a 100,000-firm survey in 2,000 sentra collapsed into 172,534 flows between groups
    # (11 s to draw); the collapsed page keeps max_edges as the full page does
    full = plain(network_page_data(net, fake_clusters(net), max_nodes=5))
    n_flows = sum(1 for k in full["edges"]["type"] if k != 2)
    assert n_flows > 3
    data = plain(network_page_data(net, fake_clusters(net), max_nodes=5, max_edges=3))
    e = data["edges"]
    assert len(e["from"]) <= 3
    assert f"largest of {n_flows} flows between groups" in data["notice"]
    kept = sorted((v for v, k in zip(e["value"], e["type"], strict=True) if k != 2), reverse=True)
    every = sorted(
        (v for v, k in zip(full["edges"]["value"], full["edges"]["type"], strict=True) if k != 2),
        reverse=True,
    )
    assert kept == every[: len(kept)]
    assert data["nodes"]["values"] == full["nodes"]["values"]  # tooltips count every link
