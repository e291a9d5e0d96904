"""Scales shared by the graph pages: node sizes, edge widths, colour groups, category codes."""

from __future__ import annotations

import numpy as np

from .page import palette

__all__ = ["scale_sizes", "edge_widths", "group_colours", "categorical"]


def scale_sizes(q, lo=7.0, hi=42.0) -> np.ndarray:
    """Node radius from a non-negative quantity: area proportional to the quantity."""
    q = np.asarray(q, dtype=float)
    ok = np.isfinite(q) & (q > 0)
    out = np.full(len(q), lo)
    if ok.any():
        out[ok] = lo + (hi - lo) * np.sqrt(q[ok] / q[ok].max())
    return np.round(out, 1)


def edge_widths(values, lo=1.0, hi=9.0) -> np.ndarray:
    """Line width from a positive value, on a log scale between the smallest and largest."""
    v = np.asarray(values, dtype=float)
    out = np.full(len(v), lo)
    ok = np.isfinite(v) & (v > 0)
    if ok.sum() > 0:
        lv = np.log(v[ok])
        span = lv.max() - lv.min()
        out[ok] = lo + (hi - lo) * ((lv - lv.min()) / span if span > 0 else 0.5)
    return np.round(out, 2)


def group_colours(codes_labels, counts):
    order = np.argsort(-np.asarray(counts), kind="stable")
    colours = palette(len(order))
    items = [None] * len(order)
    for rank, g in enumerate(order):
        items[g] = {"label": str(codes_labels[g]), "color": colours[rank], "count": int(counts[g])}
    # list in the legend by size
    return [items[g] for g in order], np.argsort(order, kind="stable")


def categorical(values: np.ndarray, mask: np.ndarray):
    """Integer codes (-1 outside ``mask`` or empty) and their sorted labels."""
    vals = np.asarray(values, dtype=object)
    use = mask & np.array([v != "" for v in vals], dtype=bool)
    labels = sorted({str(v) for v in vals[use]})
    lookup = {v: i for i, v in enumerate(labels)}
    codes = np.array(
        [lookup[str(v)] if u else -1 for v, u in zip(vals, use, strict=True)], dtype=np.int64
    )
    return codes, labels
