"""The sections of the report, one function each: given results in, one HTML section out.

Each returns ``(anchor, title, html)`` or None when its results were not given; none
computes anything.
"""

from __future__ import annotations

import numpy as np

from ..viz.charts import key_sector_svg
from ..viz.i18n import number, t
from ..viz.network_page import network_page, network_page_data
from ..viz.page import esc, isolate
from ..viz.picture import graph_svg
from ..viz.sector_page import sector_page, sector_page_data
from .format import (
    _diagnostics_html,
    _explain,
    _fmt,
    _iframe,
    _section,
    _survey_findings,
    frame_html,
)


def read_section(table, network, metrics, summary, sources, lang="en"):
    """What was read: the files, the table and the survey, with their findings."""
    read = []
    if sources:
        read.append(
            "<ul>"
            + "".join(
                f"<li><b>{esc(isolate(k))}</b>: {esc(isolate(v))}</li>" for k, v in sources.items()
            )
            + "</ul>"
        )
    if table is not None:
        line = t(
            "read.table_line",
            lang,
            n=number(table.n, lang),
            fd=number(table.final_demand.shape[1], lang),
            pi=number(table.primary_inputs.shape[1], lang),
            units=t("read.units", lang, units=esc(table.units)) if table.units else "",
            total=_fmt(float(np.sum(table.x)), "money", lang),
        )
        read.append(
            f"<h3>{t('read.table', lang)}{': ' + esc(table.name) if table.name else ''}</h3>"
            f"<p>{line}</p>" + _diagnostics_html(table.diagnostics, lang=lang)
        )
    if network is not None:
        read.append(_survey_read(network, metrics, summary or {}, lang))
    if read:
        return _section(
            "read", t("read.title", lang), _explain(t("read.explain", lang)) + "".join(read)
        )


def _survey_read(network, metrics, s, lang):
    """What the survey held, and what reading it found."""
    line = t(
        "read.survey_line",
        lang,
        firms=number(network.n_firms, lang),
        outside=number(network.n_nodes - network.n_firms, lang),
        pairs=number(len(network.edges), lang),
        ties=number(len(network.cooperation), lang),
    )
    if s:
        line += t(
            "read.survey_rows",
            lang,
            read=number(s.get("transactions_read", 0), lang),
            used=number(s.get("transactions_used", 0), lang),
        )
    return f"<h3>{t('read.survey', lang)}</h3><p>{esc(line)}.</p>" + _diagnostics_html(
        _survey_findings(network, metrics), lang=lang
    )


def key_sector_section(linkages, threshold, lang="en"):
    """The key-sector chart and the linkage table."""
    if linkages is not None:
        chart = ""
        if {"bl_total", "fl_total"} <= set(linkages.columns):
            svg = key_sector_svg(linkages, threshold=threshold, lang=lang)
            chart = f'<div class="chart">{svg}</div>'
        cols = [
            c
            for c in (
                "key_sector",
                "bl_total",
                "fl_total",
                "bl_direct",
                "fl_direct",
                "output_multiplier",
                "fl_rasmussen",
                "bl_cv",
                "fl_cv",
            )
            if c in linkages.columns
        ]
        shown = linkages[cols]
        classes = "; ".join(
            f"{t('class.name.' + k, lang)}: {t('class.' + k, lang)}"
            for k in ("key", "backward", "forward", "weak")
        )
        body = (
            _explain(t("keys.explain1", lang), t("keys.explain2", lang, classes=esc(classes)))
            + chart
            + f"<h3>{t('keys.table', lang)}</h3>"
            + frame_html(
                shown,
                row_class=lambda r: "key" if str(r.get("key_sector", "")) == "key" else "",
                lang=lang,
            )
        )
        return _section("key-sectors", t("keys.title", lang), body)


def multiplier_section(multipliers, lang="en"):
    """The multiplier table."""
    if multipliers is not None and len(multipliers.columns):
        body = _explain(t("mult.explain", lang)) + frame_html(multipliers, lang=lang)
        return _section("multipliers", t("mult.title", lang), body)


def _print_picture(data, what, lang) -> str:
    """The static drawing of a graph page, shown instead of its frame in print."""
    caption = t("report.print_picture", lang, what=t(what, lang))
    return (
        f'<figure class="graph-print">{graph_svg(data, lang=lang)}'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def sector_map_section(table, linkages, multipliers, coefficients, options, lang="en"):
    """The sector page of the table in an iframe (when its coefficients were computed),
    and its static picture for print."""
    if table is None or linkages is None or coefficients is None:
        return None
    data = sector_page_data(
        table,
        linkages,
        coefficients,
        multipliers=multipliers,
        matrix=options["matrix"],
        seed=options["seed"],
        units=options["units"],
        lang=lang,
    )
    page = sector_page(data, table_name=table.name, lang=lang, picture=False)
    return _section(
        "sector-map",
        t("map.title", lang),
        _explain(t("map.explain", lang))
        + _iframe(page, t("map.title", lang))
        + _print_picture(data, "map.what", lang),
    )


def network_section(network, clusters, metrics, options, lang="en"):
    """The supplier-buyer network page in an iframe, and its static picture for print."""
    if network is not None:
        data = network_page_data(
            network,
            clusters,
            max_nodes=options["max_nodes"],
            metrics=metrics,
            seed=options["seed"],
            units=options["units"] if options["units"] is not None else "Rp",
            lang=lang,
        )
        page = network_page(data, lang=lang, picture=False)
        return _section(
            "network",
            t("net.title", lang),
            _explain(t("net.explain", lang))
            + _iframe(page, t("net.frame", lang))
            + _print_picture(data, "net.what", lang),
        )


def sentra_section(clusters, lang="en"):
    """The active/passive table of the sentra and the communities found."""
    sentra = getattr(clusters, "sentra", None)
    if sentra is not None and len(sentra):
        kinds = {
            "internal_share": "share",
            "expected_internal_share": "share",
            "cooperation_density": "share",
            "community_purity": "share",
            "internal_value": "money",
            "p_value": "p",
        }
        body = _explain(t("sentra.explain1", lang), t("sentra.explain2", lang)) + frame_html(
            sentra, kinds=kinds, row_class=lambda r: str(r.get("activity", "")), lang=lang
        )
        comm = getattr(clusters, "communities", None)
        if comm is not None and len(comm):
            body += (
                f"<h3>{t('sentra.communities', lang)}</h3>"
                + _explain(t("sentra.communities_explain", lang))
                + frame_html(
                    comm.sort_values("n_members", ascending=False) if "n_members" in comm else comm,
                    kinds=kinds,
                    max_rows=60,
                    row_class=lambda r: str(r.get("activity", "")),
                    lang=lang,
                )
            )
        return _section("sentra", t("sentra.title", lang), body)


def firms_section(network, metrics, lang="en"):
    """The 20 firms with the strongest linkages (BL + FL)."""
    if network is not None:
        m = metrics
        if m is not None and {"bl_total", "fl_total"} <= set(m.columns) and len(m):
            m = m.copy()
            if "name" in network.firms:
                m.insert(0, "name", network.firms["name"].reindex(m.index).astype(str))
            score = m["bl_total"].fillna(0) + m["fl_total"].fillna(0)
            cols = [
                c
                for c in (
                    "name",
                    "sector",
                    "sentra",
                    "sales_total",
                    "purchases_total",
                    "local_input_share",
                    "intermediary_sales_share",
                    "bl_total",
                    "fl_total",
                    "linkage_class",
                )
                if c in m.columns
            ]
            top = m.loc[score.sort_values(ascending=False).index[:20], cols]
            body = _explain(t("firms.explain", lang)) + frame_html(
                top,
                kinds={
                    "local_input_share": "share",
                    "intermediary_sales_share": "share",
                    "sales_total": "money",
                    "purchases_total": "money",
                },
                lang=lang,
            )
            return _section("firms", t("firms.title", lang), body)


_GLOSSARY = ("sentra", "ikm", "pengepul", "io", "linkage", "multiplier")


def glossary_section(lang="en"):
    """The words of the report, explained."""
    entries = "".join(
        f"<dt>{t('glossary.' + k, lang)}</dt><dd>{t('glossary.' + k + '_text', lang)}</dd>"
        for k in _GLOSSARY
    )
    return _section("glossary", t("glossary.title", lang), f'<dl class="glossary">{entries}</dl>')
