"""The report's "In short" section: key sectors, the survey's trade and sentra in a few lines."""

from __future__ import annotations

import math

from ..viz.page import esc
from .format import _explain, _label, _names, _section


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


def summary_section(table, linkages, multipliers, network, clusters, summary, notes):
    """The findings and every note, or None when there is nothing to say."""
    body_intro = _findings(table, linkages, multipliers, network, clusters, summary)
    if not (body_intro or notes):
        return None
    extra = "".join(f'<p class="warn">{esc(n)}</p>' for n in notes)
    return _section(
        "summary",
        "In short",
        _explain(
            "The main findings, in a few lines. The sections below explain each one and "
            "show the figures behind it."
        )
        + body_intro
        + extra,
    )
