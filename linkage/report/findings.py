"""The report's "In short" section: key sectors, the survey's trade and sentra in a few lines."""

from __future__ import annotations

import math

from ..viz.i18n import number, percent, t
from ..viz.page import esc, isolate
from .format import _explain, _label, _names, _section


def _pct(value, lang: str = "en") -> str | None:
    """``"42%"``, or None when the share is undefined (NaN or missing)."""
    if value is None or not math.isfinite(float(value)):
        return None
    return percent(value, lang)


def _trade_sentence(summary: dict, lang: str = "en") -> str:
    """The survey's trade shares in one sentence; an undefined share is said in words.

    Examples
    --------
    >>> text = _trade_sentence({"inside_share": 0.2, "local_input_share": float("nan"),
    ...                         "intermediary_sales_share": 1.0})
    >>> text.split("; ")[1]
    'they report no purchases, and <b>100%</b> of their sales go through middlemen.'
    >>> _trade_sentence({"inside_share": 0.6, "intermediary_sales_share": 0.5}, "id")[-40:]
    '; 50% penjualan mereka melalui pengepul.'
    """
    inside = _pct(summary.get("inside_share"), lang)
    if inside is None:
        return ""
    local = _pct(summary.get("local_input_share"), lang)
    via = _pct(summary.get("intermediary_sales_share"), lang)
    buys = t("trade.buys", lang, local=local) if local else t("trade.no_purchases", lang)
    sells = t("trade.sells_bold", lang, via=via) if via else t("trade.no_sales", lang)
    if summary["inside_share"] < 0.5:
        return t("trade.low", lang, inside=inside, buys=buys, sells=sells)
    sells = t("trade.sells", lang, via=via) if via else t("trade.no_sales", lang)
    return t("trade.high", lang, inside=inside, sells=sells)


def _linkage_findings(linkages, lang) -> list:
    """The key sectors and the largest output multipliers."""
    items = []
    cls = linkages["key_sector"].astype(str)
    key = linkages.index[cls == "key"]
    if len(key):
        items.append(t("summary.key", lang, names=esc(_names(key, lang=lang))))
    else:
        items.append(t("summary.no_key", lang))
    if "output_multiplier" in linkages:
        top = linkages["output_multiplier"].astype(float).nlargest(3)
        text = ", ".join(f"{isolate(_label(i))} ({number(v, lang, 2)})" for i, v in top.items())
        items.append(t("summary.top_multipliers", lang, items=esc(text)))
    return items


def _findings(table, linkages, multipliers, network, clusters, summary, lang="en") -> str:
    items = []
    if linkages is not None and "key_sector" in linkages:
        items += _linkage_findings(linkages, lang)
    if summary is not None:
        items.append(
            t(
                "summary.survey",
                lang,
                firms=number(summary["firms"], lang),
                outside=number(summary["outside_parties"], lang),
                middlemen=number(summary["intermediaries"], lang),
            )
        )
        trade = _trade_sentence(summary, lang)
        if trade:
            items.append(trade)
    sentra = getattr(clusters, "sentra", None)
    if sentra is not None and "activity" in sentra and len(sentra):
        act = sentra["activity"].astype(str)
        active, passive = sentra.index[act == "active"], sentra.index[act == "passive"]
        if len(active):
            items.append(t("summary.active", lang, names=esc(_names(active, lang=lang))))
        if len(passive):
            items.append(t("summary.passive", lang, names=esc(_names(passive, lang=lang))))
    if not items:
        return ""
    return '<ul class="findings">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def summary_section(table, linkages, multipliers, network, clusters, summary, notes, lang="en"):
    """The findings and every note, or None when there is nothing to say."""
    body_intro = _findings(table, linkages, multipliers, network, clusters, summary, lang)
    if not (body_intro or notes):
        return None
    extra = "".join(f'<p class="warn">{esc(n)}</p>' for n in notes)
    return _section(
        "summary",
        t("summary.title", lang),
        _explain(t("summary.explain", lang)) + body_intro + extra,
    )
