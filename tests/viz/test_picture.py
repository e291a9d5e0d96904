"""The static pictures of the graph pages (viz.picture) and the pages in Bahasa Indonesia."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest
from builders import EVIL, fake_clusters, make_network

from linkage import IOTable, linkages
from linkage.analysis import largest_coefficients
from linkage.viz import network_html, network_page_data, sector_page_data
from linkage.viz.picture import _scale, graph_svg

pytestmark = pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")


@pytest.fixture(scope="module")
def net():
    return make_network()


def _data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="linkage-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def _drawing(svg: str) -> str:
    """The picture without its legend (the legend follows the last node name or shape)."""
    return svg.split("<defs>", 1)[1]


def test_picture_draws_every_node_at_the_page_positions(net):
    data = network_page_data(net, fake_clusters(net), metrics=net.firm_metrics())
    svg = graph_svg(data)
    n, m = len(data["nodes"]["x"]), len(data["edges"]["from"])
    shapes = len(re.findall(r"<(?:circle|polygon|rect) ", svg))
    legend_rows = len(set(np.asarray(data["nodes"]["shape"]).tolist()))
    legend_rows += min(len(data["colors"]["items"]), 16)
    assert shapes == n + legend_rows
    used_types = len(set(np.asarray(data["edges"]["type"]).tolist()))
    assert svg.count("<line ") == m + used_types
    # the page's positions, scaled by one factor into the 800-unit-wide drawing
    px, py, _, _ = _scale(data)
    x, y = np.asarray(data["nodes"]["x"]), np.asarray(data["nodes"]["y"])
    s = (px[1:] - px[0]) / np.where(x[1:] != x[0], x[1:] - x[0], np.nan)
    assert np.nanstd(s) < 1e-9 * np.nanmean(s)
    assert np.allclose(py - py[0], (y - y[0]) * np.nanmean(s))
    assert px.min() >= 0 and px.max() <= 800


def test_picture_escapes_names_and_caps_the_links(net):
    data = network_page_data(net, metrics=None)
    svg = graph_svg(data, max_edges=5)
    assert EVIL not in svg and "&lt;/script&gt;" in svg
    arrows = svg.count("marker-end=")
    assert arrows <= 5


def test_sector_picture_labels_every_sector():
    t = IOTable.from_arrays(
        [[150, 500, 10], [200, 100, 40], [5, 60, 30]],
        final_demand=[350, 1700, 300],
        sectors=["farm & fish", "manufacturing", "services"],
    )
    data = sector_page_data(t, linkages(t), largest_coefficients(t, "A", 6))
    svg = graph_svg(data)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", _drawing(svg))
    assert {"farm &amp; fish", "manufacturing", "services"} <= set(texts)


def test_pages_carry_the_picture_for_print_only(net):
    page = network_html(net)
    assert '<figure class="print-picture"><svg' in page
    css = page[page.index("@media print") :]
    assert ".graph-wrap { display: none; }" in css
    assert ".print-picture { display: none; }" in page  # hidden on screen


def test_indonesian_page_texts(net):
    page = network_html(net, fake_clusters(net), lang="id")
    data = _data(page)
    assert '<html lang="id">' in page and data["locale"] == "id-ID"
    assert data["text"]["find_label"] == "Cari usaha"
    assert data["text"]["counts"].startswith("Menampilkan {shown} dari {total} usaha")
    assert data["shapes"][1]["label"] == "Pengepul di luar survei"
    assert {row["label"] for row in data["tooltip"]} >= {"Keterkaitan ke belakang (BL)"}
    assert "Cara membaca gambar ini" in page and "Paskan ke layar" in page
    english = network_html(net, fake_clusters(net))
    assert _data(english)["text"]["find_label"] == "Find a firm"
    assert _data(english)["shapes"][1]["label"] == "Middleman (pengepul) outside the survey"


def test_collapsed_page_in_indonesian(net):
    page = network_html(net, fake_clusters(net), max_nodes=5, lang="id")
    data = _data(page)
    assert data["collapsed"] and data["notice"].startswith("Jaringan ini memiliki")
    assert data["counts"]["node_noun"] == "kelompok"
    assert any(
        label.startswith("Penjualan dari satu")
        for label in [e["label"] for e in data["edge_types"]]
    )


def test_a_crowded_picture_names_the_largest_nodes_only():
    from builders import random_table

    t = random_table(70, 0)
    data = sector_page_data(t, linkages(t), largest_coefficients(t, "A", 140))
    assert data["labels"] and len(data["nodes"]["x"]) == 70
    svg = graph_svg(data)
    # the names at the nodes are centred under them; the legend's are not
    names = [
        html.unescape(n) for n in re.findall(r'<text[^>]*text-anchor="middle"[^>]*>([^<]*)<', svg)
    ]
    assert len(names) == 50
    largest = np.argsort(-np.asarray(data["nodes"]["size"]), kind="stable")[:50]
    assert set(names) == {str(data["nodes"]["label"][i]) for i in largest}
