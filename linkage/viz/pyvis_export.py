"""The supplier-buyer network as a :class:`pyvis.network.Network`, for notebook users.

The offline pages (:func:`linkage.viz.network_html`) do not use pyvis (see
:mod:`linkage.viz`); this export is for those who want to keep working with a pyvis object
in a notebook. It carries the same picture as the page: the same positions, sizes,
colours, shapes, borders and tooltips, from :func:`network_page_data`. pyvis is an
optional extra: ``pip install "linkage[pyvis]"``.
"""

from __future__ import annotations

import html

import numpy as np

from .network_page import network_page_data

__all__ = ["to_pyvis"]


def _require_pyvis():
    try:
        from pyvis.network import Network
    except ImportError as exc:
        raise ImportError(
            'to_pyvis needs pyvis, an optional extra: pip install "linkage[pyvis]"'
        ) from exc
    return Network


def _tooltip(data: dict, i: int) -> str:
    """Plain-text tooltip of node ``i``: its label and every value the page shows."""
    values = data["nodes"]["values"]
    lines = [str(data["nodes"]["label"][i])]
    for tip in data["tooltip"]:
        value = values[tip["key"]][i]
        if isinstance(value, float) and not np.isfinite(value):
            continue
        if value == "" or value is None:
            continue
        lines.append(f"{tip['label']}: {value}")
    return "\n".join(lines)


def _titles(data: dict) -> list[str]:
    """The node tooltips, as pyvis will show them.

    vis-network shows a string title as plain text, but pyvis's page switches to its own
    popup, which sets ``innerHTML``, as soon as one title contains ``"href"``; then every
    title is HTML-escaped (line breaks as ``<br>``) so the names still read as text.

    Examples
    --------
    >>> data = {"nodes": {"label": ["<b>A</b>", "href"], "values": {}}, "tooltip": []}
    >>> _titles(data)
    ['&lt;b&gt;A&lt;/b&gt;', 'href']
    """
    titles = [_tooltip(data, i) for i in range(len(data["nodes"]["label"]))]
    if any("href" in title for title in titles):
        titles = [html.escape(title).replace("\n", "<br>") for title in titles]
    return titles


def _add_nodes(net, data: dict) -> None:
    nodes = data["nodes"]
    colours = [item["color"] for item in data["colors"]["items"]]
    titles = _titles(data)
    for i, node_id in enumerate(nodes["id"]):
        shape = data["shapes"][int(nodes["shape"][i])]
        code = int(nodes["color"][i])
        colour = shape["color"] or (colours[code] if 0 <= code < len(colours) else "#9a9a9a")
        border = data["borders"][min(int(nodes["border"][i]), len(data["borders"]) - 1)]
        net.add_node(
            str(node_id),
            label=str(nodes["label"][i]),
            shape=shape["shape"],
            color={"background": colour, "border": border["color"]},
            borderWidth=border["width"],
            shapeProperties={"borderDashes": bool(border["dashes"])},
            title=titles[i],
            x=float(nodes["x"][i]),
            y=float(nodes["y"][i]),
            size=float(nodes["size"][i]),
            physics=False,
        )


def _add_edges(net, data: dict) -> None:
    ids = data["nodes"]["id"]
    edges = data["edges"]
    for k in range(len(edges["from"])):
        kind = data["edge_types"][int(edges["type"][k])]
        net.add_edge(
            str(ids[int(edges["from"][k])]),
            str(ids[int(edges["to"][k])]),
            width=float(edges["width"][k]),
            color=kind["color"],
            dashes=bool(kind["dashes"]),
            arrows="to" if kind["arrows"] else "",
            title=f"{kind['value_label']}: {edges['value'][k]}",
        )


def to_pyvis(
    network,
    clusters=None,
    *,
    metrics=None,
    max_nodes: int | None = None,
    height: str = "750px",
    **options,
):
    """The network as a pyvis ``Network``: firms, outside parties, trade and cooperation.

    Parameters
    ----------
    network : SupplyNetwork
    clusters : Clusters or Series, optional
        Colours by community and borders by sentra activity, as on the page.
    metrics : DataFrame, optional
        ``network.firm_metrics()``, for the firms' linkages in the tooltips.
    max_nodes : int or None
        Above this many nodes one node per sentra; None (default) draws every firm.
    height : str
        Height of the pyvis canvas.
    **options
        ``size_by``, ``color_by``, ``max_edges``, ``collapse_by``, ``seed``, ``units`` of
        :func:`linkage.viz.network_html`.

    Returns
    -------
    pyvis.network.Network
        Directed; nodes at the page's positions with physics off. Show it in a notebook
        with ``net.show("network.html", notebook=True)``.

    Examples
    --------
    >>> from linkage import load_example_network
    >>> net = to_pyvis(load_example_network())
    >>> len(net.nodes) > 0, net.directed
    (True, True)
    """
    Network = _require_pyvis()
    data = network_page_data(network, clusters, max_nodes=max_nodes, metrics=metrics, **options)
    net = Network(height=height, directed=True, cdn_resources="in_line")
    net.toggle_physics(False)
    _add_nodes(net, data)
    _add_edges(net, data)
    return net
