"""Formatting shared by the report's sections: cells, tables, findings, explanations."""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from ..core.diagnostics import Diagnostics
from ..viz.page import esc

__all__ = ["frame_html"]


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


def _section(anchor: str, title: str, body: str) -> tuple[str, str, str]:
    return anchor, title, f'<section id="{anchor}"><h2>{esc(title)}</h2>\n{body}\n</section>'
