"""Static charts (matplotlib, Agg backend, PNG or SVG): the key-sector quadrant chart and the
heat-map of the multiplier product matrix.

matplotlib is imported inside the functions (with the non-interactive Agg backend), so
``import linkage`` never loads it.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from .i18n import check_lang, number, t

__all__ = [
    "key_sector_chart",
    "key_sector_svg",
    "plot_multiplier_product_matrix",
    "CLASS_COLOURS",
    "CLASS_TEXT",
]

#: Colour of each key-sector class (also used by the sector page).
CLASS_COLOURS = {
    "key": "#d62728",
    "backward": "#ff7f0e",
    "forward": "#1f77b4",
    "weak": "#9a9a9a",
    "": "#cccccc",
}
#: Plain-language name of each class (English; ``class.<name>`` in the catalogues).
CLASS_TEXT = {k: t(f"class.{k}") for k in ("key", "backward", "forward", "weak")}


def _label_text(label) -> str:
    if isinstance(label, tuple):
        return " / ".join(str(v) for v in label)
    return str(label)


def _bl_fl_classes(frame: pd.DataFrame, threshold: float):
    """BL, FL and the key-sector class of every sector (from ``key_sector`` when given,
    else by ``threshold``); a clear error when a linkage column is missing."""
    for col in ("bl_total", "fl_total"):
        if col not in frame:
            raise ValueError(
                f"key_sector_chart needs the columns bl_total and fl_total of "
                f"linkage.linkages(); {col!r} is missing (columns: {list(frame.columns)})"
            )
    bl = frame["bl_total"].to_numpy(dtype=float)
    fl = frame["fl_total"].to_numpy(dtype=float)
    if "key_sector" in frame:
        cls = frame["key_sector"].astype(str).to_numpy()
    else:
        cls = np.select(
            [(bl > threshold) & (fl > threshold), bl > threshold, fl > threshold],
            ["key", "backward", "forward"],
            "weak",
        )
    return bl, fl, cls


def _scatter_classes(ax, bl, fl, cls, ok, lang="en") -> None:
    """One coloured scatter per key-sector class, labelled with its count."""
    for name in ("key", "backward", "forward", "weak"):
        sel = ok & (cls == name)
        if sel.any():
            ax.scatter(
                bl[sel],
                fl[sel],
                s=46,
                color=CLASS_COLOURS[name],
                edgecolor="#333333",
                linewidth=0.5,
                label=f"{t('class.' + name, lang)} ({number(int(sel.sum()), lang)})",
                zorder=3,
            )


def _quadrants(ax, bl, fl, ok, threshold, lang="en") -> None:
    """Dashed threshold lines, axis limits around the points and the quadrant names."""
    ax.axvline(threshold, color="#555555", linewidth=1, linestyle="--", zorder=1)
    ax.axhline(threshold, color="#555555", linewidth=1, linestyle="--", zorder=1)
    if ok.any():
        lo = min(bl[ok].min(), fl[ok].min(), threshold) * 0.95
        hi_x = max(bl[ok].max(), threshold) * 1.05
        hi_y = max(fl[ok].max(), threshold) * 1.05
        ax.set_xlim(lo, hi_x)
        ax.set_ylim(lo, hi_y)
    # quadrant names in the corners
    for (hx, hy), text in {
        (0.98, 0.98): t("chart.quadrant.key", lang),
        (0.98, 0.02): t("chart.quadrant.backward", lang),
        (0.02, 0.98): t("chart.quadrant.forward", lang),
        (0.02, 0.02): t("chart.quadrant.weak", lang),
    }.items():
        ax.text(
            hx,
            hy,
            text,
            transform=ax.transAxes,
            ha="right" if hx > 0.5 else "left",
            va="top" if hy > 0.5 else "bottom",
            fontsize=9,
            color="#777777",
        )


#: Offsets (points) and alignments tried, in order, for each sector name.
_LABEL_SPOTS = (
    ((4, 3), "left", "bottom"),
    ((4, -3), "left", "top"),
    ((-4, 3), "right", "bottom"),
    ((-4, -3), "right", "top"),
    ((0, 6), "center", "bottom"),
    ((0, -6), "center", "top"),
)


def _place_label(ax, renderer, text, xy, placed, frame_box):
    """Annotate ``xy`` at the first spot whose box overlaps no placed box; None if none fits."""
    for offset, ha, va in _LABEL_SPOTS:
        note = ax.annotate(
            text,
            xy,
            xytext=offset,
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=8,
            color="#222222",
            zorder=4,
            parse_math=False,  # a name such as "$\\alpha$" is text, not mathtext
        )
        box = note.get_window_extent(renderer).expanded(1.04, 1.1)
        inside = frame_box.contains(box.x0, box.y0) and frame_box.contains(box.x1, box.y1)
        if inside and not any(box.overlaps(other) for other in placed):
            placed.append(box)
            return note
        note.remove()
    return None


def _label_points(ax, index, bl, fl, ok, max_labels) -> list:
    """Sector names at the points, strongest (largest bl + fl) first, never overlapping.

    The figure's layout is fixed first, then each name takes the first of a few spots
    around its point whose box overlaps no name already placed; a name with no free spot
    (or beyond ``max_labels``) is left off. Returns the positions (into ``index``) of the
    sectors that were not labelled.
    """
    fig = ax.figure
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    renderer = fig.canvas.get_renderer()
    frame_box = ax.get_window_extent(renderer)
    idx = np.flatnonzero(ok)
    idx = idx[np.argsort(-(bl[idx] + fl[idx]), kind="stable")]
    labels = [_label_text(v) for v in index]
    placed, left_off = [], []
    for i in idx:
        text = labels[i] if len(labels[i]) <= 28 else labels[i][:26] + "..."
        if (
            len(placed) >= max_labels
            or _place_label(ax, renderer, text, (bl[i], fl[i]), placed, frame_box) is None
        ):
            left_off.append(int(i))
    return left_off


def _figure(frame: pd.DataFrame, threshold: float, max_labels: int, title: str | None, lang="en"):
    """The quadrant chart as a matplotlib Figure (Agg, no pyplot state)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    bl, fl, cls = _bl_fl_classes(frame, threshold)
    ok = np.isfinite(bl) & np.isfinite(fl)
    fig = Figure(figsize=(8, 6.2), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _scatter_classes(ax, bl, fl, cls, ok, lang)
    _quadrants(ax, bl, fl, ok, threshold, lang)
    ax.set_xlabel(t("chart.xlabel", lang))
    ax.set_ylabel(t("chart.ylabel", lang))
    ax.set_title(title or t("chart.title", lang), parse_math=False)
    if lang != "en":  # decimal commas on the axes (1,2 in Bahasa Indonesia)
        from matplotlib.ticker import FuncFormatter

        comma = FuncFormatter(lambda v, _pos: f"{v:g}".replace(".", ","))
        ax.xaxis.set_major_formatter(comma)
        ax.yaxis.set_major_formatter(comma)
    ax.grid(True, color="#eeeeee", zorder=0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8, frameon=False, ncol=2)
    _label_points(ax, frame.index, bl, fl, ok, max_labels)
    return fig


def key_sector_chart(
    linkages_frame: pd.DataFrame,
    path,
    *,
    threshold: float = 1.0,
    max_labels: int = 25,
    title: str | None = None,
    lang: str = "en",
) -> Path:
    """Quadrant chart of the normalized total linkages, written as PNG or SVG.

    Each sector is a point at (BL, FL) coloured by its key-sector class; dashed lines at
    ``threshold`` split the key, backward, forward and weak quadrants. Every point is
    labelled when there are at most ``max_labels``, else the strongest ``max_labels``.

    Parameters
    ----------
    linkages_frame : DataFrame
        From :func:`linkage.linkages` (``bl_total``, ``fl_total``, ``key_sector``).
    path : str or Path
        File to write; ``.png`` or ``.svg`` decides the format.
    threshold : float
    max_labels : int
    title : str, optional
    lang : {"en", "id"}
        Language of the axes, legend and quadrant names.

    Returns
    -------
    Path

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> frame = pd.DataFrame({"bl_total": [1.2, 0.8], "fl_total": [1.1, 0.9]},
    ...                      index=["agriculture", "services"])
    >>> out = key_sector_chart(frame, pathlib.Path(tempfile.mkdtemp()) / "key.svg")
    >>> out.read_text(encoding="utf-8").count("agriculture") >= 1
    True
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"key_sector_chart writes .png or .svg files, not {path.name!r}")
    fig = _figure(linkages_frame, threshold, max_labels, title, check_lang(lang))
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".svg":
        path.write_text(_svg_text(fig), encoding="utf-8")
    else:
        fig.savefig(path, format="png", dpi=150)
    return path


def _svg_text(fig) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "linkage"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def key_sector_svg(
    linkages_frame: pd.DataFrame,
    *,
    threshold: float = 1.0,
    max_labels: int = 25,
    title: str | None = None,
    lang: str = "en",
) -> str:
    """The quadrant chart as an ``<svg>`` element to put inside an HTML page.

    matplotlib escapes the sector names (``<`` becomes ``&lt;``), so labels cannot inject
    markup.

    Examples
    --------
    >>> import pandas as pd
    >>> svg = key_sector_svg(pd.DataFrame({"bl_total": [1.2], "fl_total": [0.9]},
    ...                                   index=["<b>x</b>"]))
    >>> svg.startswith("<svg"), "<b>x</b>" in svg, "&lt;b&gt;x&lt;/b&gt;" in svg
    (True, False, True)
    """
    text = _svg_text(_figure(linkages_frame, threshold, max_labels, title, check_lang(lang)))
    return text[text.index("<svg") :]


def plot_multiplier_product_matrix(mpm, path, *, max_sectors: int = 60, title=None):
    """Heat-map of the MPM, rows and columns in hierarchy order, to PNG or SVG (by suffix).

    Parameters
    ----------
    mpm : MultiplierProductMatrix
        From :func:`linkage.multiplier_product_matrix` (charts draw results, they never
        compute them).
    path : str or Path
        ``.png`` or ``.svg``.
    max_sectors : int
        Show at most this many rows and columns (the largest multipliers); the title
        says when sectors were left out.
    title : str, optional

    Returns
    -------
    Path
    """
    if not (hasattr(mpm, "hierarchy") and hasattr(mpm, "labels")):
        raise TypeError(
            "plot_multiplier_product_matrix draws a MultiplierProductMatrix, got "
            f"{type(mpm).__name__}; compute it with linkage.multiplier_product_matrix(table)"
        )
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"heat-map path must end in .png or .svg, got {path.name!r}")
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    rows, cols = mpm.hierarchy()
    k = min(int(max_sectors), len(rows))
    rows, cols = rows[:k], cols[:k]
    block = mpm[list(rows), list(cols)] if k else np.zeros((0, 0))

    def short(label, width=28):
        text = " / ".join(map(str, label)) if isinstance(label, tuple) else str(label)
        return text if len(text) <= width else text[: width - 1] + "…"

    side = max(5.0, min(18.0, 0.28 * k + 3.0))
    fig, ax = plt.subplots(figsize=(side + 3.0, side + 2.0), layout="constrained")
    try:
        im = ax.imshow(block, cmap="viridis", aspect="equal", interpolation="nearest")
        fs = 8 if k <= 30 else 6
        ax.set_yticks(range(k), [short(s) for s in rows], fontsize=fs, parse_math=False)
        ax.set_xticks(
            range(k), [short(s) for s in cols], fontsize=fs, rotation=90, parse_math=False
        )
        ax.set_ylabel("forward multiplier L1 (descending)")
        ax.set_xlabel("backward multiplier 1'L (descending)")
        shown = "" if k == len(mpm.labels) else f" (top {k} of {len(mpm.labels)} sectors)"
        head = title or "Multiplier product matrix"
        head = head if len(head) <= 70 else head[:69] + "…"
        ax.set_title(head + shown, fontsize=10, parse_math=False)
        fig.colorbar(im, ax=ax, label="r_i m_j / V", shrink=0.8)
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path
