"""Shared plumbing of the HTML pages: assets, safe JSON embedding, the page template, writing.

Every page is one self-contained UTF-8 file: the vis-network build and linkage's own script
and style (``linkage/viz/assets``) are copied into it, the data travel as JSON in a
``<script type="application/json">`` element, and the script builds every label, tooltip
and table cell with ``textContent``. Nothing is fetched from a network.

Escaping: every string that comes from input (sector, firm, sentra, region and party
names, column and category names, file names, titles, notes and warnings that quote
them) goes through exactly one of these helpers, chosen by where it lands:

- :func:`esc`: HTML text and double-quoted attribute values (``srcdoc`` included), and
  the text and attributes of the SVG pictures written inline in a page
  (:mod:`linkage.viz.picture`); ``& < > " '`` become character references.
- :func:`json_for_html`: data inside ``<script type="application/json">``; ``< > &`` and
  U+2028/U+2029 become ``\\u`` escapes, so ``</script>``, ``<script`` and ``<!--`` cannot
  end the element or start a comment, and ``JSON.parse`` gives back the original text.
- :func:`isolate`: a name set inside a sentence or next to a number (plain text, before
  one of the two above); right-to-left text or a direction override in it cannot reorder
  the words and figures around it.
- The page script (``graph.js``) puts strings on the page with ``textContent``, DOM
  properties and ``createTextNode`` only, never ``innerHTML``.
- CSS (``graph.css``, ``report.css``) never contains input; the key-sector chart
  (:mod:`linkage.viz.charts`) draws names with ``parse_math=False``, so ``$...$`` is
  text, not mathtext, and matplotlib escapes its SVG text.
"""

from __future__ import annotations

import html
import json
import math
import re
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from .i18n import html_lang, locale, t

__all__ = [
    "VIS_NETWORK_VERSION",
    "asset",
    "esc",
    "isolate",
    "json_for_html",
    "render_graph_page",
    "write_text",
]

#: Version of the vis-network standalone build in ``linkage/viz/assets`` (see its README.txt).
VIS_NETWORK_VERSION = "10.1.5"

#: Colours of groups (communities, sentra, sectors): Tableau 10 then its light variants.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#a0cbe8",
    "#ffbe7d",
    "#8cd17d",
    "#f1ce63",
    "#86bcb6",
    "#d37295",
    "#fabfd2",
    "#b6992d",
    "#499894",
    "#d4a6c8",
)


def palette(k: int) -> list[str]:
    """``k`` distinct colours: the fixed palette, then golden-angle hues.

    Examples
    --------
    >>> palette(2)
    ['#4e79a7', '#f28e2b']
    >>> len(set(palette(50)))
    50
    """
    colours = list(PALETTE[:k])
    i = 0
    while len(colours) < k:
        hue = (i * 137.508) % 360
        light = (45, 60, 35)[(i // 7) % 3]
        colours.append(_hsl_hex(hue, 55, light))
        i += 1
    return colours


def _hsl_hex(h: float, s: float, lum: float) -> str:
    import colorsys

    r, g, b = colorsys.hls_to_rgb(h / 360, lum / 100, s / 100)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


@cache
def asset(name: str) -> str:
    """Text of a file shipped in ``linkage/viz/assets`` (read as UTF-8, cached).

    Examples
    --------
    >>> "vis-network" in asset("vis-network.min.js")[:200]
    True
    """
    text = resources.files("linkage.viz.assets").joinpath(name).read_text(encoding="utf-8")
    if name.endswith(".js") and ("</script" in text.lower() or "<!--" in text):
        # would end the inline <script> element early; never true of the shipped files
        raise RuntimeError(f"asset {name} cannot be inlined in a <script> element")
    return text


def json_for_html(obj) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` (and the JavaScript line separators) are written as ``\\u``
    escapes, so a value such as ``</script><script>alert(1)</script>`` cannot end the
    element; ``JSON.parse`` gives back the original text. NaN and infinities become null.

    Examples
    --------
    >>> json_for_html({"name": "</script><b>&"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    >>> json.loads(json_for_html({"name": "</script>"}))["name"]
    '</script>'
    >>> json_for_html([float("nan"), 1.5])
    '[null,1.5]'
    """
    text = json.dumps(_clean(obj), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _clean(obj):
    """Plain Python containers with NaN/inf as None (numpy arrays and scalars converted)."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind == "f":
            return [None if not math.isfinite(v) else v for v in obj.tolist()]
        return [_clean(v) for v in obj.tolist()] if obj.dtype.kind == "O" else obj.tolist()
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        return v if math.isfinite(v) else None
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if obj is None or isinstance(obj, (str, int, bool)):
        return obj
    try:  # pandas NA / NaT and other missing markers
        import pandas as pd

        if pd.isna(obj):
            return None
    except (TypeError, ValueError):
        pass
    return str(obj)


def rounded(values, digits: int = 6) -> np.ndarray:
    """Values rounded to ``digits`` significant digits (smaller JSON, same reading).

    Examples
    --------
    >>> rounded([1234567.0, 0.000123456, 0.0]).tolist()
    [1234570.0, 0.000123456, 0.0]
    """
    v = np.asarray(values, dtype=float)
    out = v.copy()
    ok = np.isfinite(v) & (v != 0)
    mag = np.floor(np.log10(np.abs(v[ok])))
    scale = 10.0 ** (digits - 1 - mag)
    out[ok] = np.round(v[ok] * scale) / scale
    return out


def write_text(path, text: str) -> Path:
    """Write ``text`` to ``path`` as UTF-8 (creating the folder) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


#: ``{{T:key}}`` in a template: the message ``key`` of the page's language.
_MESSAGE = re.compile(r"\{\{T:([a-z0-9_.]+)\}\}")

#: The texts the page script shows (graph.js reads them from ``data["text"]``).
_SCRIPT_TEXTS = (
    "click_hint",
    "find_placeholder",
    "find_label",
    "all",
    "counts",
    "shapes",
    "colour",
    "more_groups",
    "border",
    "lines",
    "from",
    "to",
    "value",
)


def script_texts(lang: str = "en", *, item: str | None = None, noun: str | None = None) -> dict:
    """The texts of the page script in ``lang``; ``{fields}`` filled in by the script.

    Examples
    --------
    >>> script_texts("id", item="usaha")["find_label"]
    'Cari usaha'
    >>> script_texts("en")["counts"]
    'Showing {shown} of {total} nodes and {shown_links} of {total_links} links.'
    """
    texts = {k: t(f"js.{k}", lang) for k in _SCRIPT_TEXTS}
    item = item if item is not None else t("js.item.node", lang)
    texts["find_label"] = texts["find_label"].replace("{item}", item)
    texts["find_placeholder"] = texts["find_placeholder"].replace("{item}", item)
    noun = noun if noun is not None else t("js.noun.nodes", lang)
    texts["counts"] = texts["counts"].replace("{noun}", noun)
    return texts


def render_graph_page(
    data: dict,
    *,
    title: str,
    subtitle: str = "",
    explain_html: str = "",
    lang: str = "en",
    picture: str = "",
) -> str:
    """The complete HTML of a graph page (vis-network + linkage's graph script inlined).

    Parameters
    ----------
    data : dict
        The page data (see ``linkage/viz/assets/graph.js`` for its fields); the script's
        texts and number locale of ``lang`` are added as ``text`` and ``locale``.
    title, subtitle : str
        Plain text; escaped here.
    explain_html : str
        Trusted HTML written by linkage (dynamic parts already escaped by the caller).
    lang : {"en", "id"}
        Language of the page's own texts and ``<html lang>``.
    picture : str
        The static drawing shown in print instead of the interactive one (an ``<svg>``
        from :func:`linkage.viz.picture.graph_svg`), or "" for none.
    """
    data = dict(data)
    data.setdefault(
        "text",
        script_texts(lang, item=data.get("item"), noun=(data.get("counts") or {}).get("node_noun")),
    )
    data.setdefault("locale", locale(lang))
    template = _MESSAGE.sub(
        lambda m: t(m.group(1), lang, vis_version=VIS_NETWORK_VERSION), asset("graph.html")
    )
    if picture:
        picture = (
            f'<figure class="print-picture">{picture}'
            f"<figcaption>{esc(t('page.picture', lang))}</figcaption></figure>"
        )
    parts = {
        "{{LANG}}": html_lang(lang),
        "{{TITLE}}": esc(title),
        "{{SUBTITLE}}": esc(subtitle),
        "{{EXPLAIN}}": explain_html,
        "{{PICTURE}}": picture,
        "{{CSS}}": asset("graph.css"),
        "{{VIS_VERSION}}": VIS_NETWORK_VERSION,
        "{{DATA}}": json_for_html(data),
        "{{VIS_JS}}": asset("vis-network.min.js"),
        "{{APP_JS}}": asset("graph.js"),
    }
    # one pass, so text inserted for one placeholder is never searched for another
    pattern = re.compile("|".join(re.escape(k) for k in parts))
    return pattern.sub(lambda m: parts[m.group(0)], template)


def esc(value) -> str:
    """HTML-escape any value for text written by Python into a page.

    Examples
    --------
    >>> esc("<b>Batik & co</b>")
    '&lt;b&gt;Batik &amp; co&lt;/b&gt;'
    """
    return html.escape(str(value), quote=True)


def isolate(value) -> str:
    """``value`` as text between Unicode directional isolates (FSI ... PDI).

    For a name put inside a sentence or next to a number: right-to-left text or a
    direction override (U+202E) in the name then stays inside it, and the words and
    figures around it read as written. Escape the result for its context afterwards.

    Examples
    --------
    >>> isolate("\\u202eevil") + " (3)" == "\\u2068\\u202eevil\\u2069 (3)"
    True
    """
    return f"\u2068{value}\u2069"
