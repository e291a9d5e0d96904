"""The pyvis export (optional extra ``linkage[pyvis]``): the same picture as the page."""

from __future__ import annotations

import pytest
from builders import EVIL, fake_clusters, make_network

from linkage.viz import network_page_data, to_pyvis

pyvis = pytest.importorskip("pyvis")
pytestmark = pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")


@pytest.fixture(scope="module")
def net():
    return make_network()


def test_to_pyvis_has_every_node_and_link_at_the_page_positions(net):
    clusters = fake_clusters(net)
    data = network_page_data(net, clusters, max_nodes=None)
    pv = to_pyvis(net, clusters)
    assert isinstance(pv, pyvis.network.Network)
    assert pv.directed
    assert [n["id"] for n in pv.nodes] == [str(i) for i in data["nodes"]["id"]]
    assert len(pv.edges) == len(data["edges"]["from"])
    first = pv.nodes[0]
    assert (first["x"], first["y"]) == (data["nodes"]["x"][0], data["nodes"]["y"][0])
    assert first["physics"] is False


def test_to_pyvis_keeps_shapes_colours_and_cooperation_dashes(net):
    clusters = fake_clusters(net)
    data = network_page_data(net, clusters, max_nodes=None)
    pv = to_pyvis(net, clusters)
    shapes = {s["shape"] for s in data["shapes"]}
    assert {n["shape"] for n in pv.nodes} <= shapes
    colours = {item["color"] for item in data["colors"]["items"]}
    firm = pv.nodes[0]
    assert firm["color"]["background"] in colours
    kinds = data["edges"]["type"]
    coop = [e for e, k in zip(pv.edges, kinds, strict=True) if k == 2]
    trade = [e for e, k in zip(pv.edges, kinds, strict=True) if k != 2]
    assert trade and all(e["arrows"] == "to" and not e["dashes"] for e in trade)
    assert all(e["dashes"] and e["arrows"] == "" for e in coop)


def test_to_pyvis_tooltips_are_plain_text_of_the_firm(net):
    pv = to_pyvis(net)
    titles = {n["id"]: n["title"] for n in pv.nodes}
    assert titles["A"].splitlines()[0] == EVIL  # the name as text, as the survey wrote it
    assert titles["PGP1"].splitlines()[0] == "Pengepul Haji Ali"
    assert any(line.startswith("Sentra: Plered") for line in titles["A"].splitlines())


def test_to_pyvis_writes_a_page(net, tmp_path):
    pv = to_pyvis(net)
    path = tmp_path / "pyvis.html"
    pv.write_html(str(path))
    text = path.read_text(encoding="utf-8")
    assert "vis-network" in text or "vis.Network" in text
