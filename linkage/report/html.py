"""One self-contained HTML report: :func:`write_report`, and :func:`write_outputs` for the CLI.

The report puts together what was read (with its warnings), the linkage table, the
key-sector chart, the multipliers, the sector and firm network pages and the sentra
activity table, each with a short explanation a district official can follow. Sections
appear only for what was given. Everything is inside the one UTF-8 file (the chart as
inline SVG, each network page in an ``<iframe srcdoc>`` sandboxed to scripts only), so it
opens with no internet.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import LinkageError
from ..viz.page import VIS_NETWORK_VERSION, asset, esc, write_text

__all__ = ["write_report", "write_outputs", "report_html", "frame_html"]


# ------------------------------------------------------------------------- formatting
def _fmt(value, kind: str = "num") -> str:
    """Text of one cell: money with thousands separators, indices with 3 decimals ..."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if kind == "share":
            return f"{100 * v:.1f}%"
        if kind == "money" or abs(v) >= 1000:
            return f"{v:,.0f}"
        if kind == "p":
            return f"{v:.3f}"
        return f"{v:.3f}" if abs(v) >= 0.01 or v == 0 else f"{v:.3g}"
    if isinstance(value, tuple):
        return " / ".join(str(v) for v in value)
    return str(value)


def frame_html(
    frame: pd.DataFrame,
    *,
    kinds: dict | None = None,
    row_class=None,
    index_label: str | None = None,
    max_rows: int = 500,
) -> str:
    """A DataFrame as an escaped HTML table (every cell goes through ``html.escape``).

    Parameters
    ----------
    frame : DataFrame
    kinds : dict, optional
        Column -> "share", "money", "p" or "num" formatting.
    row_class : callable, optional
        Row (Series) -> CSS class of the row ("key", "active", "passive" ...).
    index_label : str, optional
    max_rows : int
        Longer frames are cut, with a note.

    Examples
    --------
    >>> f = pd.DataFrame({"bl_total": [1.23456]}, index=["<b>batik</b>"])
    >>> text = frame_html(f)
    >>> '<td class="t">&lt;b&gt;batik&lt;/b&gt;</td><td>1.235</td>' in text
    True
    """
    kinds = kinds or {}
    label = index_label if index_label is not None else (frame.index.name or "")
    head = [f'<th class="t">{esc(str(label).replace("_", " "))}</th>']
    text_cols = []
    for col in frame.columns:
        is_text = not pd.api.types.is_numeric_dtype(frame[col]) or frame[col].dtype == bool
        text_cols.append(is_text)
        cls = ' class="t"' if is_text else ""
        head.append(f"<th{cls}>{esc(str(col).replace('_', ' '))}</th>")
    rows = []
    shown = frame.iloc[:max_rows]
    for idx, row in shown.iterrows():
        cls = row_class(row) if row_class is not None else ""
        cells = [f'<td class="t">{esc(_fmt(idx))}</td>']
        for col, is_text in zip(frame.columns, text_cols, strict=True):
            c = ' class="t"' if is_text else ""
            cells.append(f"<td{c}>{esc(_fmt(row[col], kinds.get(col, 'num')))}</td>")
        rows.append(f'<tr class="{esc(cls)}">' if cls else "<tr>")
        rows[-1] += "".join(cells) + "</tr>"
    note = ""
    if len(frame) > max_rows:
        note = (
            f'<p class="note">Showing the first {max_rows:,} of {len(frame):,} rows; the '
            f"CSV files next to this report have all of them.</p>"
        )
    return (
        '<div class="table-wrap"><table class="data"><thead><tr>'
        + "".join(head)
        + "</tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></div>"
        + note
    )


def _diagnostics_html(diagnostics, limit: int = 40) -> str:
    if diagnostics is None or not len(diagnostics):
        return '<p class="note">Nothing to report: the input was read as it is.</p>'
    findings = sorted(diagnostics, key=lambda f: f.level != "warning")
    items = [
        f'<li class="{esc(f.level)}">{esc(f.level)}: {esc(f.message)}</li>'
        for f in findings[:limit]
    ]
    if len(findings) > limit:
        items.append(f"<li>... and {len(findings) - limit} more</li>")
    return '<ul class="diag">' + "".join(items) + "</ul>"


def _survey_findings(network, metrics):
    """What reading the survey found, then what computing the firm figures found (outputs
    raised, closed loops): one list for "What was read"."""
    from ..core.diagnostics import Diagnostics

    found = list(network.diagnostics)
    extra = getattr(metrics, "attrs", {}).get("diagnostics") if metrics is not None else None
    if extra is not None:
        found += list(extra)
    return Diagnostics(found)


def _explain(*paragraphs: str) -> str:
    return '<div class="explain">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>"


def _iframe(page: str, title: str) -> str:
    return (
        f'<iframe class="graph" title="{esc(title)}" sandbox="allow-scripts" '
        f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
    )


def _label(value) -> str:
    return " / ".join(str(v) for v in value) if isinstance(value, tuple) else str(value)


def _names(values, limit: int = 8) -> str:
    values = [_label(v) for v in values]
    text = ", ".join(values[:limit])
    if len(values) > limit:
        text += f" and {len(values) - limit} more"
    return text


# ------------------------------------------------------------------------- sections
def _section(anchor: str, title: str, body: str) -> tuple[str, str, str]:
    return anchor, title, f'<section id="{anchor}"><h2>{esc(title)}</h2>\n{body}\n</section>'


def _pct(value) -> str | None:
    """``"42%"``, or None when the share is undefined (NaN or missing)."""
    if value is None or not math.isfinite(float(value)):
        return None
    return f"{100 * float(value):.0f}%"


def _trade_sentence(summary: dict) -> str:
    """The survey's trade shares in one sentence; an undefined share is said in words.

    Examples
    --------
    >>> text = _trade_sentence({"inside_share": 0.2, "local_input_share": float("nan"),
    ...                         "intermediary_sales_share": 1.0})
    >>> text.split("; ")[1]
    'they report no purchases, and <b>100%</b> of their sales go through middlemen.'
    """
    inside = _pct(summary.get("inside_share"))
    if inside is None:
        return ""
    local = _pct(summary.get("local_input_share"))
    via = _pct(summary.get("intermediary_sales_share"))
    buys = (
        f"<b>{local}</b> of their purchases come from other surveyed firms"
        if local
        else "they report no purchases"
    )
    sells = f"<b>{via}</b> of their sales go through middlemen" if via else "they report no sales"
    if summary["inside_share"] < 0.5:
        return f"Only <b>{inside}</b> of the firms' trade is with each other; {buys}, and {sells}."
    sells = f"{via} of their sales go through middlemen" if via else "they report no sales"
    return f"<b>{inside}</b> of the firms' trade is with each other; {sells}."


def _findings(table, linkages, multipliers, network, clusters, summary) -> str:
    items = []
    if linkages is not None and "key_sector" in linkages:
        cls = linkages["key_sector"].astype(str)
        key = linkages.index[cls == "key"]
        if len(key):
            items.append(
                f"<b>Key sectors</b> (strong links both to suppliers and to buyers): "
                f"{esc(_names(key))}."
            )
        else:
            items.append("No sector has both backward and forward linkages above average.")
        if "output_multiplier" in linkages:
            top = linkages["output_multiplier"].astype(float).nlargest(3)
            items.append(
                "Largest <b>output multipliers</b>: "
                + esc(", ".join(f"{_label(i)} ({v:.2f})" for i, v in top.items()))
                + "."
            )
    if summary is not None:
        items.append(
            f"The survey covers <b>{summary['firms']:,} firms</b> trading with "
            f"{summary['outside_parties']:,} outside parties "
            f"({summary['intermediaries']:,} of them middlemen, <i>pengepul</i>)."
        )
        trade = _trade_sentence(summary)
        if trade:
            items.append(trade)
    sentra = getattr(clusters, "sentra", None)
    if sentra is not None and "activity" in sentra and len(sentra):
        act = sentra["activity"].astype(str)
        active, passive = sentra.index[act == "active"], sentra.index[act == "passive"]
        if len(active):
            items.append(
                f"<b>Active</b> sentra (firms trade or work together): {esc(_names(active))}."
            )
        if len(passive):
            items.append(
                f"<b>Passive</b> sentra (firms sit together but barely interact): "
                f"{esc(_names(passive))}."
            )
    if not items:
        return ""
    return '<ul class="findings">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def report_html(
    *,
    table=None,
    linkages=None,
    multipliers=None,
    network=None,
    clusters=None,
    metrics=None,
    title: str = "Linkage report",
    subtitle: str | None = None,
    sources: dict | None = None,
    threshold: float = 1.0,
    method: str = "auto",
    max_nodes: int | None = 5000,
    seed: int = 0,
    units: str | None = None,
    sector_matrix: str = "A",
    notes: list | None = None,
) -> str:
    """The report as HTML text (see :func:`write_report`)."""
    from ..viz.charts import CLASS_TEXT, key_sector_svg
    from ..viz.network_page import network_html
    from ..viz.sector_page import sector_html

    notes = list(notes or [])
    if table is not None and linkages is None:
        try:
            from ..analysis.linkages import linkages as compute_linkages

            linkages = compute_linkages(table, method=method, threshold=threshold)
        except LinkageError as exc:
            notes.append(f"Linkages could not be computed: {exc}")
    if table is not None and multipliers is None:
        try:
            from ..analysis.linkages import multipliers as compute_multipliers

            multipliers = compute_multipliers(table, method=method)
        except LinkageError as exc:
            notes.append(f"Multipliers could not be computed: {exc}")
    summary = network.summary() if network is not None and hasattr(network, "summary") else None
    if network is not None and metrics is None and hasattr(network, "firm_metrics"):
        try:
            metrics = network.firm_metrics()
        except Exception:  # noqa: BLE001 - the firm sections are optional
            metrics = None

    sections = []

    # what was read
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
        sections.append(
            _section(
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
        )

    # key sectors
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
        sections.append(_section("key-sectors", "Key sectors and linkages", body))

    # multipliers
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
        sections.append(_section("multipliers", "Multipliers", body))

    # sector page
    if table is not None and linkages is not None:
        try:
            page = sector_html(
                table,
                linkages=linkages,
                multipliers=multipliers,
                matrix=sector_matrix,
                threshold=threshold,
                method=method,
                seed=seed,
                units=units,
            )
            sections.append(
                _section(
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
            )
        except LinkageError as exc:
            notes.append(f"Sector map not drawn: {exc}")

    # firm network
    if network is not None:
        page = network_html(
            network,
            clusters,
            max_nodes=max_nodes,
            metrics=metrics,
            seed=seed,
            units=units if units is not None else "Rp",
        )
        sections.append(
            _section(
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
        )

    # sentra activity
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
        sections.append(_section("sentra", "Sentra: active or passive?", body))

    # firms with the strongest linkages
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
            sections.append(_section("firms", "Firms with the strongest linkages", body))

    # the short summary goes first; built last so it lists every note from above
    body_intro = _findings(table, linkages, multipliers, network, clusters, summary)
    if body_intro or notes:
        extra = "".join(f'<p class="warn">{esc(n)}</p>' for n in notes)
        sections.insert(
            0,
            _section(
                "summary",
                "In short",
                _explain(
                    "The main findings, in a few lines. The sections below explain each one and "
                    "show the figures behind it."
                )
                + body_intro
                + extra,
            ),
        )

    # glossary
    sections.append(
        _section(
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
    )

    toc = " ".join(f'<a href="#{a}">{esc(t)}</a>' for a, t, _ in sections)
    if subtitle is None:
        parts = []
        if table is not None:
            parts.append(f"{table.n:,} sectors")
        if network is not None:
            parts.append(f"{network.n_firms:,} surveyed firms")
        subtitle = ", ".join(parts)
    from .. import __version__

    values = {
        "{{TITLE}}": esc(title),
        "{{SUBTITLE}}": esc(subtitle),
        "{{TOC}}": toc,
        "{{BODY}}": "\n".join(s for _, _, s in sections),
        "{{CSS}}": asset("report.css"),
        "{{VERSION}}": esc(__version__),
        "{{DATE}}": _dt.date.today().isoformat(),
        "{{VIS_VERSION}}": VIS_NETWORK_VERSION,
    }
    pattern = re.compile("|".join(re.escape(k) for k in values))
    return pattern.sub(lambda m: values[m.group(0)], asset("report.html"))


def write_report(
    path, *, table=None, linkages=None, multipliers=None, network=None, clusters=None, **options
) -> Path:
    """Write one self-contained HTML report (UTF-8) and return its path.

    Parameters
    ----------
    path : str or Path
    table : IOTable, optional
        Linkages and multipliers are computed from it when not given.
    linkages, multipliers : DataFrame, optional
        From :func:`linkage.linkages` and :func:`linkage.multipliers`.
    network : SupplyNetwork, optional
    clusters : Clusters, optional
        From :func:`linkage.network.communities.find_clusters`: colours the network by community and
        adds the sentra activity table.
    **options
        ``metrics`` (firm metrics already computed), ``title``, ``subtitle``, ``sources``
        (dict: what -> file, listed under "What was read"), ``threshold``, ``method``,
        ``max_nodes``, ``seed``, ``units``, ``sector_matrix`` ("A" or "L"), ``notes``.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         value_added=[650, 1400], sectors=["agriculture", "manufacturing"])
    >>> out = write_report(pathlib.Path(tempfile.mkdtemp()) / "report.html", table=t)
    >>> text = out.read_text(encoding="utf-8")
    >>> "Key sectors and linkages" in text, "Sentra: active or passive?" in text
    (True, False)
    """
    if table is None and network is None and linkages is None:
        raise ValueError("write_report needs at least a table, linkages or a network")
    page = report_html(
        table=table,
        linkages=linkages,
        multipliers=multipliers,
        network=network,
        clusters=clusters,
        **options,
    )
    return write_text(Path(path), page)


# ------------------------------------------------------------------------- CLI pipeline
#: Files :func:`write_outputs` may write (checked before anything is written).
OUTPUT_FILES = (
    "report.html",
    "sectors.html",
    "network.html",
    "key_sectors.png",
    "key_sectors.svg",
    "linkages.csv",
    "multipliers.csv",
    "firms.csv",
    "sentra.csv",
    "communities.csv",
)


def output_files(table: bool, network: bool) -> list[str]:
    """Names :func:`write_outputs` writes for a table and/or a network."""
    names = ["report.html"]
    if table:
        names += [
            "sectors.html",
            "key_sectors.png",
            "key_sectors.svg",
            "linkages.csv",
            "multipliers.csv",
        ]
    if network:
        names += ["network.html", "firms.csv", "sentra.csv", "communities.csv"]
    return names


def write_outputs(
    out,
    *,
    table=None,
    network=None,
    sources=None,
    title="Linkage report",
    seed: int = 0,
    method: str = "auto",
    max_nodes: int | None = 5000,
    progress=None,
) -> dict:
    """Run the analysis and write the report, the pages, the chart and CSV tables.

    Used by ``linkage report`` and ``linkage demo``. ``out`` must exist (the command
    checks for files it would overwrite first). ``progress`` is called with a short text
    before each step. Returns ``{"files": [...], "linkages", "multipliers", "clusters",
    "summary"}``.
    """
    from ..io.results import firm_table, sector_frame, write_csv
    from ..viz.charts import key_sector_chart
    from ..viz.network_page import network_html
    from ..viz.sector_page import sector_html

    say = progress or (lambda text: None)
    out = Path(out)
    files, result, notes = [], {}, []
    linkages = multipliers = clusters = metrics = None
    if table is not None:
        from ..analysis.linkages import linkages as compute_linkages
        from ..analysis.linkages import multipliers as compute_multipliers

        say("linkages and multipliers")
        linkages = compute_linkages(table, method=method)
        try:
            multipliers = compute_multipliers(table, method=method)
        except LinkageError as exc:
            notes.append(f"Multipliers could not be computed: {exc}")
        files.append(write_csv(sector_frame(linkages), out / "linkages.csv"))
        if multipliers is not None:
            files.append(write_csv(sector_frame(multipliers), out / "multipliers.csv"))
        for suffix in ("png", "svg"):
            files.append(key_sector_chart(linkages, out / f"key_sectors.{suffix}"))
        say("sector page")
        files.append(
            sector_html(
                table,
                out / "sectors.html",
                linkages=linkages,
                multipliers=multipliers,
                method=method,
                seed=seed,
            )
        )
    if network is not None:
        from ..network.communities import find_clusters

        say("communities and sentra activity")
        clusters = find_clusters(network, seed=seed)
        metrics = network.firm_metrics()
        firms = firm_table(network, metrics, clusters.firm_communities(network))
        files += [
            write_csv(firms, out / "firms.csv"),
            write_csv(clusters.sentra.reset_index(), out / "sentra.csv"),
            write_csv(clusters.communities.reset_index(), out / "communities.csv"),
        ]
        say("network page")
        files.append(
            network_html(
                network,
                clusters,
                out / "network.html",
                metrics=metrics,
                max_nodes=max_nodes,
                seed=seed,
            )
        )
        result["summary"] = network.summary()
    say("report")
    files.insert(
        0,
        write_report(
            out / "report.html",
            table=table,
            linkages=linkages,
            multipliers=multipliers,
            network=network,
            clusters=clusters,
            metrics=metrics,
            sources=sources,
            title=title,
            seed=seed,
            method=method,
            max_nodes=max_nodes,
            notes=notes,
        ),
    )
    result.update(files=files, linkages=linkages, multipliers=multipliers, clusters=clusters)
    return result
