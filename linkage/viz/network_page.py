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

from .i18n import check_lang, number, t
from .network_collapsed import collapsed_network_data
from .network_full import full_network_data
from .network_nodes import membership
from .page import esc, render_graph_page, write_text
from .picture import graph_svg

__all__ = ["network_html", "network_page", "network_page_data"]

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
    lang: str = "en",
) -> dict:
    """The data a network page draws (see :func:`network_html` for the parameters)."""
    check_lang(lang)
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
            lang=lang,
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
        lang=lang,
    )


# ------------------------------------------------------------------------- page
def _explain_network(data: dict, lang: str = "en") -> str:
    c = data["counts"]
    parts = [t("np.explain.head", lang), "<ul>"]
    if data["collapsed"]:
        parts.append(f"<li>{esc(data['notice'])}</li>")
    else:
        text = t(
            "np.explain.firms",
            lang,
            firms=number(c["firms"], lang),
            size_note=esc(data["size_note"]),
            colour=esc(data["colors"]["title"]),
        )
        parts.append(f"<li>{text}</li>")
    parts.append(f"<li>{t('np.explain.parties', lang)}</li><li>{t('np.explain.arrows', lang)}</li>")
    if len(data["borders"]) > 1:
        parts.append(f"<li>{t('np.explain.border', lang)}</li>")
    if data["collapsed"]:
        parts.append(f"<li>{t('np.explain.hover_groups', lang)}</li></ul>")
    else:
        hover, find = t("np.explain.hover_firms", lang), t("np.explain.find", lang)
        parts.append(f"<li>{hover}</li><li>{find}</li></ul>")
    return "\n".join(parts)


def network_page(
    data: dict,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    lang: str = "en",
    picture: bool = True,
) -> str:
    """The HTML of a network page from its data (:func:`network_page_data`).

    ``picture`` adds the static drawing that replaces the interactive one in print (the
    report leaves it off its frames and prints its own).
    """
    c = data["counts"]
    if subtitle is None:
        subtitle = t(
            "np.subtitle",
            lang,
            firms=number(c["firms"], lang),
            outside=number(c["nodes"] - c["firms"], lang),
            trade=number(c["trade_links"], lang),
            ties=number(c["cooperation_ties"], lang),
        )
    return render_graph_page(
        data,
        title=title if title is not None else t("np.title", lang),
        subtitle=subtitle,
        explain_html=_explain_network(data, lang),
        lang=lang,
        picture=graph_svg(data, lang=lang) if picture else "",
    )


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
    title: str | None = None,
    subtitle: str | None = None,
    lang: str = "en",
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
        Plain text (escaped); the title defaults to "Supplier-buyer network" in ``lang``.
    lang : {"en", "id"}
        Language of the page (texts, numbers, ``<html lang>``).

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
        lang=lang,
    )
    page = network_page(data, title=title, subtitle=subtitle, lang=lang)
    if path is None:
        return page
    return write_text(Path(path), page)
