"""The sections of the report, one function each: given results in, one HTML section out.

Each returns ``(anchor, title, html)`` or None when its results were not given; none
computes anything.
"""

from __future__ import annotations

import numpy as np

from ..viz.charts import CLASS_TEXT, key_sector_svg
from ..viz.network_page import network_html
from ..viz.page import esc
from ..viz.sector_page import sector_html
from .format import (
    _diagnostics_html,
    _explain,
    _fmt,
    _iframe,
    _section,
    _survey_findings,
    frame_html,
)


def read_section(table, network, metrics, summary, sources):
    """What was read: the files, the table and the survey, with their findings."""
    read = []
    if sources:
        read.append(
            "<ul>"
            + "".join(f"<li><b>{esc(k)}</b>: {esc(v)}</li>" for k, v in sources.items())
            + "</ul>"
        )
    if table is not None:
        read.append(
            f"<h3>Input-output table{': ' + esc(table.name) if table.name else ''}</h3>"
            f"<p>{table.n:,} sectors, {table.final_demand.shape[1]} final-demand columns, "
            f"{table.primary_inputs.shape[1]} primary-input rows"
            f"{', values in ' + esc(table.units) if table.units else ''}; total output "
            f"{_fmt(float(np.sum(table.x)), 'money')}.</p>" + _diagnostics_html(table.diagnostics)
        )
    if network is not None:
        s = summary or {}
        line = (
            f"{network.n_firms:,} firms, {network.n_nodes - network.n_firms:,} outside "
            f"parties, {len(network.edges):,} supplier-buyer pairs, "
            f"{len(network.cooperation):,} cooperation ties"
        )
        if s:
            line += (
                f"; {s.get('transactions_read', 0):,} transaction rows read, "
                f"{s.get('transactions_used', 0):,} used"
            )
        read.append(
            f"<h3>Sentra survey</h3><p>{esc(line)}.</p>"
            + _diagnostics_html(_survey_findings(network, metrics))
        )
    if read:
        return _section(
            "read",
            "What was read",
            _explain(
                "The files this report is based on and what was noticed while reading them. "
                "<b>Warnings</b> are things that may change the results (for example rows that "
                "were skipped, or a table whose rows and columns do not add up); "
                "<b>info</b> lines are normal facts. Nothing is dropped without being listed "
                "here."
            )
            + "".join(read),
        )


def key_sector_section(linkages, threshold):
    """The key-sector chart and the linkage table."""
    if linkages is not None:
        chart = ""
        if {"bl_total", "fl_total"} <= set(linkages.columns):
            chart = f'<div class="chart">{key_sector_svg(linkages, threshold=threshold)}</div>'
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
        body = (
            _explain(
                "Every sector buys inputs from other sectors and sells its products to them. "
                "The <b>backward linkage (BL)</b> measures how much a sector's production pulls "
                "on the sectors it buys from, directly and through the whole chain of suppliers. "
                "The <b>forward linkage (FL)</b> measures how much the other sectors depend on "
                "what it sells. Both are scaled so that <b>1 is the average</b> sector.",
                "A <b>key sector</b> has both above 1 (top right of the chart): money spent "
                "there spreads through the local economy in both directions. "
                + esc("; ".join(f"{k}: {v}" for k, v in CLASS_TEXT.items()))
                + ". "
                "The <i>cv</i> columns (dispersion) are low when a sector's effect is spread "
                "over many sectors and high when it falls on a few.",
            )
            + chart
            + "<h3>Linkage table</h3>"
            + frame_html(
                shown, row_class=lambda r: "key" if str(r.get("key_sector", "")) == "key" else ""
            )
        )
        return _section("key-sectors", "Key sectors and linkages", body)


def multiplier_section(multipliers):
    """The multiplier table."""
    if multipliers is not None and len(multipliers.columns):
        body = _explain(
            "A <b>multiplier</b> says how much the whole economy changes when final demand "
            "for one sector (for example its exports or government purchases) grows by one "
            "unit. <b>output</b>: total production needed in all sectors; <b>income</b>: "
            "wages paid in all sectors; <b>employment</b>: jobs (per unit of money, as the "
            "table's jobs figures); <b>value added</b>: income created. <i>type I</i> "
            "compares the total with the sector's own direct effect; <i>total</i> and "
            "<i>type II</i> also count what workers spend from their wages.",
        ) + frame_html(multipliers)
        return _section("multipliers", "Multipliers", body)


def sector_map_section(table, linkages, multipliers, coefficients, options):
    """The sector page of the table in an iframe (when its coefficients were computed)."""
    if table is None or linkages is None or coefficients is None:
        return None
    page = sector_html(
        table,
        linkages,
        coefficients,
        multipliers=multipliers,
        matrix=options["matrix"],
        seed=options["seed"],
        units=options["units"],
    )
    return _section(
        "sector-map",
        "Sector map",
        _explain(
            "The sectors of the table as a network: circles are sectors (bigger "
            "ones produce more, red ones are key sectors) and arrows are the "
            "largest flows of inputs from one sector to another. Hover over a "
            "circle to see its figures; scroll to zoom."
        )
        + _iframe(page, "Sector map"),
    )


def network_section(network, clusters, metrics, options):
    """The supplier-buyer network page in an iframe."""
    if network is not None:
        page = network_html(
            network,
            clusters,
            max_nodes=options["max_nodes"],
            metrics=metrics,
            seed=options["seed"],
            units=options["units"] if options["units"] is not None else "Rp",
        )
        return _section(
            "network",
            "Supplier-buyer network of the sentra",
            _explain(
                "Who sells to whom in the survey. Circles are the surveyed firms "
                "(<i>IKM</i> and household industries); diamonds are middlemen "
                "(<i>pengepul</i>); triangles are suppliers and buyers outside the survey; "
                "arrows run from seller to buyer and are thicker for larger sales; dashed "
                "green lines are cooperation ties. The page "
                "explains itself under the drawing. Search for a firm or show one sentra at a "
                "time with the boxes on the left."
            )
            + _iframe(page, "Supplier-buyer network"),
        )


def sentra_section(clusters):
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
        body = _explain(
            "A <b>sentra</b> is a centre of small industries in one place. It is "
            "<b>active</b> when its firms do business with each other (one makes parts or "
            "does a step of the work for another) or act together (share equipment, buy raw "
            "materials together, market together). It is <b>passive</b> when firms only sit "
            "next to each other: each buys from outside and sells to the same middlemen, "
            "competing on price. Active sentra pass growth on to their neighbours; passive "
            "ones mostly do not.",
            "<b>internal share</b>: the part of the sentra firms' trade that is with each "
            "other; <b>expected</b>: what it would be if firms chose partners at random "
            "given how much each trades; <b>excess</b>: the ratio of the two (above 1 means "
            "more local trade than chance); <b>cooperation density</b>: the share of possible "
            "pairs of firms that cooperate; <b>p value</b>: the chance of so much internal "
            "trade by accident (small is convincing); <b>activity score</b>: how clearly "
            "active (0 = passive).",
        ) + frame_html(sentra, kinds=kinds, row_class=lambda r: str(r.get("activity", "")))
        comm = getattr(clusters, "communities", None)
        if comm is not None and len(comm):
            body += (
                "<h3>Communities found in the network</h3>"
                + _explain(
                    "Groups of firms (and outside parties) that trade or cooperate more with each "
                    "other than with the rest, found from the data alone. When a community "
                    "matches a sentra, the sentra works as a unit; when it mixes sentra, firms "
                    "are linked across places."
                )
                + frame_html(
                    comm.sort_values("n_members", ascending=False) if "n_members" in comm else comm,
                    kinds=kinds,
                    max_rows=60,
                    row_class=lambda r: str(r.get("activity", "")),
                )
            )
        return _section("sentra", "Sentra: active or passive?", body)


def firms_section(network, metrics):
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
            body = _explain(
                "The 20 firms whose purchases and sales tie them most to the other surveyed "
                "firms (BL + FL, 1 = average firm). Supporting them, or linking other firms "
                "to them, spreads effects furthest. <b>local input share</b>: part of the "
                "firm's purchases bought from firms in the study area; <b>intermediary "
                "sales share</b>: part of its sales that went through middlemen.",
            ) + frame_html(
                top,
                kinds={
                    "local_input_share": "share",
                    "intermediary_sales_share": "share",
                    "sales_total": "money",
                    "purchases_total": "money",
                },
            )
            return _section("firms", "Firms with the strongest linkages", body)


def glossary_section():
    """The words of the report, explained."""
    return _section(
        "glossary",
        "Words used in this report",
        (
            '<dl class="glossary">'
            "<dt>Sentra</dt><dd>A centre of small and household industries making similar "
            "products in one village or district.</dd>"
            "<dt>IKM, IRT</dt><dd><i>Industri Kecil dan Menengah</i> (small and medium "
            "industry) and <i>Industri Rumah Tangga</i> (household industry, 1-4 workers).</dd>"
            "<dt>Pengepul</dt><dd>A middleman who collects products from many makers and sells "
            "them on.</dd>"
            "<dt>Input-output table</dt><dd>A table of how much each sector sells to "
            "every other sector, to final users (households, government, investment, "
            "exports), and what it pays for labour and imports.</dd>"
            "<dt>Backward / forward linkage</dt><dd>How strongly a sector (or firm) is tied to "
            "its suppliers / its buyers; 1 is the average.</dd>"
            "<dt>Multiplier</dt><dd>The total effect on the economy of one more unit of final "
            "demand for a sector.</dd></dl>"
        ),
    )
