"""The interactive supplier-buyer network page: :func:`network_html`.

Firms are circles (size by output, workers or linkage; colour by community, sentra or
sector; border by the activity of their sentra), outside parties have their own shapes
(middlemen / *pengepul*, outside suppliers, outside buyers), trade is an arrow from seller
to buyer whose width grows with the value, cooperation ties are dashed. Above
``max_nodes`` nodes the page shows one node per sentra (or community, or sector) and says
so. Positions are computed here (:mod:`linkage.viz.layout`), so the page opens at once.

This module checks the options and writes the page; the data come from
:mod:`linkage.viz.network_full` (firm by firm) or :mod:`linkage.viz.network_collapsed` (one
node per group), the node shapes, borders and labels from :mod:`linkage.viz.network_nodes`.
"""

from __future__ import annotations

from pathlib import Path

from .network_collapsed import collapsed_network_data
from .network_full import full_network_data
from .network_nodes import membership
from .page import esc, render_graph_page, write_text

__all__ = ["network_html", "network_page_data"]

DEFAULT_MAX_NODES = 5000
DEFAULT_MAX_EDGES = 50000

_SIZE_BY = ("output", "workers", "linkage", "sales", "none")
_COLOR_BY = ("auto", "community", "sentra", "sector")


# ------------------------------------------------------------------------- page data
def network_page_data(
    network,
    clusters=None,
    *,
    size_by: str = "output",
    color_by: str = "auto",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    max_edges: int | None = DEFAULT_MAX_EDGES,
    collapse_by: str = "auto",
    physics: bool = False,
    metrics=None,
    seed: int = 0,
    units: str = "Rp",
) -> dict:
    """The data a network page draws (see :func:`network_html` for the parameters)."""
    if size_by not in _SIZE_BY:
        raise ValueError(
            f"The 'size_by' parameter of network_html must be one of {set(_SIZE_BY)}. "
            f"Got {size_by!r} instead."
        )
    if color_by not in _COLOR_BY:
        raise ValueError(
            f"The 'color_by' parameter of network_html must be one of {set(_COLOR_BY)}. "
            f"Got {color_by!r} instead."
        )
    member = membership(network, clusters)
    if max_nodes is not None and network.n_nodes > max_nodes:
        return collapsed_network_data(
            network,
            clusters,
            member,
            max_nodes=max_nodes,
            max_edges=max_edges,
            collapse_by=collapse_by,
            physics=physics,
            seed=seed,
            units=units,
        )
    return full_network_data(
        network,
        clusters,
        member,
        size_by=size_by,
        color_by=color_by,
        max_edges=max_edges,
        physics=physics,
        metrics=metrics,
        seed=seed,
        units=units,
    )


# ------------------------------------------------------------------------- page
def _explain_network(data: dict) -> str:
    c = data["counts"]
    parts = ["<h2>How to read this picture</h2>", "<ul>"]
    if data["collapsed"]:
        parts.append(f"<li>{esc(data['notice'])}</li>")
    else:
        parts.append(
            f"<li>Each <b>circle</b> is one of the {c['firms']:,} firms in the survey (IKM, "
            f"small and household industries). {esc(data['size_note'])} The colour shows the "
            f"firm's {esc(data['colors']['title'])}.</li>"
        )
    parts.append(
        "<li>Other shapes are <b>outside parties</b>: buyers and sellers named in the survey "
        "who are not surveyed firms. A dark <b>diamond</b> is a middleman (<i>pengepul</i>) who "
        "collects the firms' products; a <b>triangle</b> is an outside supplier, an upside-down "
        "triangle an outside buyer.</li>"
        "<li>An <b>arrow</b> is a sale, from seller to buyer; thicker arrows carry more money. "
        "Dark arrows are sales between surveyed firms (the local linkages a sentra lives on), "
        "light grey ones go to or come from outside. <b>Dashed green lines</b> are cooperation "
        "ties: shared equipment, buying raw materials together, joint marketing.</li>"
    )
    if any(b["label"].startswith("active") for b in data["borders"]):
        parts.append(
            "<li>The <b>border</b> tells what kind of cluster the firm's sentra is. A thick "
            "green border: an <b>active</b> sentra, whose firms trade with each other or work "
            "together. A dashed black border: a <b>passive</b> sentra, whose firms sit close "
            "together but mostly buy from outside and sell through middlemen.</li>"
        )
    if data["collapsed"]:
        parts.append(
            "<li>Hover over a circle to see the group's figures: its firms, workers and "
            "output, the trade that stays inside it and its sales to and purchases from "
            "other groups. Use <b>Find</b> to search a group by name. Scroll to zoom, drag "
            "to move.</li></ul>"
        )
    else:
        parts.append(
            "<li>Hover over a shape to see its figures; click it to keep them at the left. "
            "<b>BL</b> (backward linkage) is how much a firm's purchases pull on the others; "
            "<b>FL</b> (forward linkage) is how much the others depend on what it sells. "
            "1 is the average; above 1 means stronger than average. <i>Inputs bought "
            "locally</i> is the share of the firm's purchases made from firms inside the "
            "study area.</li>"
            "<li>Use <b>Find a firm</b> to search by name, and <b>Show only</b> to look at "
            "one sentra, community or sector. Scroll to zoom, drag to move.</li></ul>"
        )
    return "\n".join(parts)


def network_html(
    network,
    clusters=None,
    path=None,
    *,
    size_by: str = "output",
    color_by: str = "auto",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    max_edges: int | None = DEFAULT_MAX_EDGES,
    collapse_by: str = "auto",
    physics: bool = False,
    metrics=None,
    seed: int = 0,
    units: str = "Rp",
    title: str = "Supplier-buyer network",
    subtitle: str | None = None,
):
    """Write an interactive, offline HTML page of a supplier-buyer network.

    Parameters
    ----------
    network : SupplyNetwork
    clusters : Clusters or Series, optional
        From :func:`linkage.network.communities.find_clusters` (colours by community and borders by
        sentra activity) or just a community Series indexed like ``network.nodes``.
    path : str or Path, optional
        Where to write the page (UTF-8). When omitted the HTML text is returned.
    size_by : {"output", "workers", "linkage", "sales", "none"}
        What a firm's circle size shows (area proportional to the quantity).
    color_by : {"auto", "community", "sentra", "sector"}
        ``"auto"``: community when clusters are given, else sentra, else sector.
    max_nodes : int or None
        Above this many nodes (firms plus outside parties) draw one node per sentra
        (``collapse_by``) and say so on the page; None always draws every firm.
    max_edges : int or None
        Draw at most this many links (the largest trade links; all cooperation ties).
    collapse_by : {"auto", "sentra", "community", "sector"}
    physics : bool
        Let vis-network move the nodes (slow above about 1,000 nodes); positions are
        precomputed with igraph either way.
    metrics : DataFrame, optional
        ``network.firm_metrics()``: adds the firms' purchases, sales and linkages to the
        tooltips and the size choices. The page only draws; without metrics it leaves them
        out (:func:`linkage.pipeline.network_html` computes them).
    seed : int
        Seed of the layout.
    units : str
        Money unit shown in tooltips.
    title, subtitle : str
        Plain text (escaped).

    Returns
    -------
    Path or str
        The path written, or the HTML text when ``path`` is None.

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["batik", "batik"],
    ...                       "name": ["<script>alert(1)</script>", "Batik Sari"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "PGP"], "value": [5, 9]})
    >>> page = network_html(SupplyNetwork.from_frames(firms, tx))
    >>> "<script>alert(1)" in page, "\\\\u003cscript\\\\u003ealert(1)" in page
    (False, True)
    """
    data = network_page_data(
        network,
        clusters,
        size_by=size_by,
        color_by=color_by,
        max_nodes=max_nodes,
        max_edges=max_edges,
        collapse_by=collapse_by,
        physics=physics,
        metrics=metrics,
        seed=seed,
        units=units,
    )
    c = data["counts"]
    if subtitle is None:
        subtitle = (
            f"{c['firms']:,} firms, {c['nodes'] - c['firms']:,} outside parties, "
            f"{c['trade_links']:,} trade links, {c['cooperation_ties']:,} cooperation "
            f"ties"
        )
    page = render_graph_page(
        data, title=title, subtitle=subtitle, explain_html=_explain_network(data)
    )
    if path is None:
        return page
    return write_text(Path(path), page)
