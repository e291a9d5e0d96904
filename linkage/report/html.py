"""One self-contained HTML report: :func:`report_html` renders given results.

The report puts together what was read (with its warnings), the linkage table, the
key-sector chart, the multipliers, the sector and firm network pages and the sentra
activity table, each with a short explanation a district official can follow. Sections
appear only for what was given; nothing is computed here
(:func:`linkage.pipeline.write_report` computes what is missing). Everything is inside
the one UTF-8 file (the chart as inline SVG, each network page in an ``<iframe srcdoc>``
sandboxed to scripts only), so it opens with no internet.
"""

from __future__ import annotations

import datetime as _dt
import re

from .. import __version__
from ..viz.i18n import check_lang, html_lang, number, t
from ..viz.page import VIS_NETWORK_VERSION, asset, esc
from .findings import summary_section
from .sections import (
    firms_section,
    glossary_section,
    key_sector_section,
    multiplier_section,
    network_section,
    read_section,
    sector_map_section,
    sentra_section,
)

__all__ = ["report_html"]


def report_html(
    *,
    table=None,
    linkages=None,
    multipliers=None,
    coefficients=None,
    network=None,
    clusters=None,
    metrics=None,
    summary=None,
    title: str | None = None,
    subtitle: str | None = None,
    sources: dict | None = None,
    threshold: float = 1.0,
    max_nodes: int | None = 5000,
    seed: int = 0,
    units: str | None = None,
    sector_matrix: str = "A",
    notes: list | None = None,
    lang: str = "en",
) -> str:
    """The report as HTML text, from results already computed.

    Parameters
    ----------
    table : IOTable, optional
    linkages, multipliers : DataFrame, optional
        :func:`linkage.linkages` and :func:`linkage.multipliers` of ``table``.
    coefficients : tuple of arrays, optional
        The largest coefficients of ``sector_matrix`` for the sector map
        (:func:`linkage.analysis.largest_coefficients`); no map without them.
    network : SupplyNetwork, optional
    clusters : Clusters, optional
        Colours the network by community and adds the sentra activity table.
    metrics : DataFrame, optional
        ``network.firm_metrics()``: the firm linkages and the strongest firms.
    summary : dict, optional
        ``network.summary()``: what the survey held.
    title, subtitle, sources, threshold, max_nodes, seed, units, sector_matrix, notes
        Page title (default "Linkage report" in ``lang``) and subtitle, what was read
        (dict what -> file), key-sector threshold, the network page's node limit, layout
        seed, money unit, the matrix of the sector map ("A" or "L"), and notes for the
        summary (what could not be computed).
    lang : {"en", "id"}
        Language of every text, of the numbers shown and of ``<html lang>``.

    Returns
    -------
    str

    Examples
    --------
    >>> from linkage import IOTable, linkages
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         sectors=["agriculture", "manufacturing"])
    >>> text = report_html(table=t, linkages=linkages(t))
    >>> "Key sectors and linkages" in text, "Sector map" in text
    (True, False)
    >>> '<html lang="id">' in report_html(table=t, linkages=linkages(t), lang="id")
    True
    """
    check_lang(lang)
    notes = list(notes or [])
    page = {"max_nodes": max_nodes, "seed": seed, "units": units, "matrix": sector_matrix}
    sections = [
        read_section(table, network, metrics, summary, sources, lang),
        key_sector_section(linkages, threshold, lang),
        multiplier_section(multipliers, lang),
        sector_map_section(table, linkages, multipliers, coefficients, page, lang),
        network_section(network, clusters, metrics, page, lang),
        sentra_section(clusters, lang),
        firms_section(network, metrics, lang),
    ]
    # the short summary goes first; built last so it lists every note from above
    sections.insert(
        0, summary_section(table, linkages, multipliers, network, clusters, summary, notes, lang)
    )
    sections = [s for s in sections if s is not None] + [glossary_section(lang)]
    toc = " ".join(f'<a href="#{a}">{esc(head)}</a>' for a, head, _ in sections)
    if subtitle is None:
        parts = []
        if table is not None:
            parts.append(t("report.subtitle.sectors", lang, n=number(table.n, lang)))
        if network is not None:
            parts.append(t("report.subtitle.firms", lang, n=number(network.n_firms, lang)))
        subtitle = ", ".join(parts)
    footer = t(
        "report.footer",
        lang,
        version=esc(__version__),
        date=_dt.date.today().isoformat(),
        vis_version=VIS_NETWORK_VERSION,
    )
    values = {
        "{{LANG}}": html_lang(lang),
        "{{FOOTER}}": footer,
        "{{CONTENTS}}": esc(t("report.contents", lang)),
        "{{TITLE}}": esc(title if title is not None else t("report.title", lang)),
        "{{SUBTITLE}}": esc(subtitle),
        "{{TOC}}": toc,
        "{{BODY}}": "\n".join(s for _, _, s in sections),
        "{{CSS}}": asset("report.css"),
    }
    pattern = re.compile("|".join(re.escape(k) for k in values))
    return pattern.sub(lambda m: values[m.group(0)], asset("report.html"))
