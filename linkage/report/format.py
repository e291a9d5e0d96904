"""Formatting shared by the report's sections: cells, tables, findings, explanations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..viz.i18n import number, percent, significant, t
from ..viz.page import esc, isolate

__all__ = ["frame_html"]


# ------------------------------------------------------------------------- formatting
def _fmt(value, kind: str = "num", lang: str = "en") -> str:
    """Text of one cell: money with thousands separators, indices with 3 decimals ...

    Numbers are written for ``lang`` (``1,234`` / ``1.234``); known class names (key,
    active, ...) are translated.

    Examples
    --------
    >>> _fmt(1234.5, lang="id"), _fmt(0.4251, "share", "id"), _fmt("active", lang="id")
    ('1.234', '42,5%', 'aktif')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, (bool, np.bool_)):
        return t("yes" if value else "no", lang)
    if isinstance(value, (int, np.integer)):
        return number(int(value), lang)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if kind == "share":
            return percent(v, lang, 1)
        if kind == "money" or abs(v) >= 1000:
            return number(v, lang)
        if kind == "p":
            return number(v, lang, 3)
        return number(v, lang, 3) if abs(v) >= 0.01 or v == 0 else significant(v, lang)
    if isinstance(value, tuple):
        return " / ".join(str(v) for v in value)
    return category(value, lang)


def category(value, lang: str = "en") -> str:
    """A class name from the results (key, backward, active, small ...) in ``lang``;
    any other text (sector and firm names) as it is.

    Examples
    --------
    >>> category("passive", "id"), category("batik", "id")
    ('pasif', 'batik')
    """
    text = str(value)
    try:
        return t(f"value.{text}", lang)
    except KeyError:
        return text


def column_label(name, lang: str = "en") -> str:
    """Header of a result column (``bl_total`` -> ``bl total`` / ``BL total``).

    Examples
    --------
    >>> column_label("output_multiplier", "id"), column_label("odd_name", "id")
    ('pengganda output', 'odd name')
    """
    try:
        return t(f"column.{name}", lang)
    except KeyError:
        return str(name).replace("_", " ")


def frame_html(
    frame: pd.DataFrame,
    *,
    kinds: dict | None = None,
    row_class=None,
    index_label: str | None = None,
    max_rows: int = 500,
    lang: str = "en",
) -> str:
    """A DataFrame as an escaped HTML table (every cell goes through :func:`~linkage.viz.page.esc`).

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
    lang : {"en", "id"}
        Language of the headers, class names and numbers (``1,234.5`` / ``1.234,5``).

    Examples
    --------
    >>> f = pd.DataFrame({"bl_total": [1.23456]}, index=["<b>batik</b>"])
    >>> text = frame_html(f)
    >>> '<td class="t">&lt;b&gt;batik&lt;/b&gt;</td><td>1.235</td>' in text
    True
    """
    kinds = kinds or {}
    label = index_label if index_label is not None else (frame.index.name or "")
    head = [f'<th class="t">{esc(column_label(label, lang) if label else "")}</th>']
    text_cols = []
    for col in frame.columns:
        is_text = not pd.api.types.is_numeric_dtype(frame[col]) or frame[col].dtype == bool
        text_cols.append(is_text)
        cls = ' class="t"' if is_text else ""
        head.append(f"<th{cls}>{esc(column_label(col, lang))}</th>")
    rows = []
    shown = frame.iloc[:max_rows]
    for idx, row in shown.iterrows():
        cls = row_class(row) if row_class is not None else ""
        cells = [f'<td class="t">{esc(_fmt(idx, lang=lang))}</td>']
        for col, is_text in zip(frame.columns, text_cols, strict=True):
            c = ' class="t"' if is_text else ""
            cells.append(f"<td{c}>{esc(_fmt(row[col], kinds.get(col, 'num'), lang))}</td>")
        rows.append(f'<tr class="{esc(cls)}">' if cls else "<tr>")
        rows[-1] += "".join(cells) + "</tr>"
    note = ""
    if len(frame) > max_rows:
        cut = t(
            "table.rows_cut", lang, shown=number(max_rows, lang), total=number(len(frame), lang)
        )
        note = f'<p class="note">{cut}</p>'
    return (
        '<div class="table-wrap"><table class="data"><thead><tr>'
        + "".join(head)
        + "</tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></div>"
        + note
    )


def _diagnostics_html(diagnostics, limit: int = 40, lang: str = "en") -> str:
    """The readers' findings as a list; their messages are the readers' own (English), so
    in another language each carries ``lang="en"``."""
    if diagnostics is None or not len(diagnostics):
        return f'<p class="note">{t("diag.nothing", lang)}</p>'
    findings = sorted(diagnostics, key=lambda f: f.level != "warning")
    mark = "" if lang == "en" else ' lang="en"'
    items = [
        f'<li class="{esc(f.level)}">{esc(category_level(f.level, lang))}: '
        f"<span{mark}>{esc(f.message)}</span></li>"
        if mark
        else f'<li class="{esc(f.level)}">{esc(f.level)}: {esc(f.message)}</li>'
        for f in findings[:limit]
    ]
    if len(findings) > limit:
        items.append(f"<li>{t('diag.more', lang, n=number(len(findings) - limit, lang))}</li>")
    return '<ul class="diag">' + "".join(items) + "</ul>"


def category_level(level, lang: str = "en") -> str:
    """The name of a finding's level (warning, info) in ``lang``."""
    try:
        return t(f"level.{level}", lang)
    except KeyError:
        return str(level)


def _survey_findings(network, metrics):
    """What reading the survey found, then what computing the firm figures found (outputs
    raised, closed loops): one list for "What was read"."""
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
        f'srcdoc="{esc(page)}"></iframe>'
    )


def _label(value) -> str:
    return " / ".join(str(v) for v in value) if isinstance(value, tuple) else str(value)


def _names(values, limit: int = 8, lang: str = "en") -> str:
    values = [isolate(_label(v)) for v in values]
    text = ", ".join(values[:limit])
    if len(values) > limit:
        text = t("names.more", lang, names=text, n=number(len(values) - limit, lang))
    return text


def _section(anchor: str, title: str, body: str) -> tuple[str, str, str]:
    return anchor, title, f'<section id="{anchor}"><h2>{esc(title)}</h2>\n{body}\n</section>'
