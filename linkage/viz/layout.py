"""Precomputed node positions for the graph pages (igraph layouts, seeded and scaled).

Pages draw with physics off, so positions are computed here once: Fruchterman-Reingold
per connected component (with igraph's grid approximation above 200 nodes), which lays
out 20,000 nodes in about two seconds. DrL was measured at 37 s for 5,000 and 340 s for
20,000 nodes and is not used.
"""

from __future__ import annotations

import random

import numpy as np

__all__ = ["layout_positions"]


def layout_positions(n: int, src, dst, weights=None, *, seed: int = 0, spacing: float = 45.0):
    """x, y pixel positions of ``n`` nodes joined by undirected edges ``src``-``dst``.

    Parameters
    ----------
    n : int
    src, dst : array_like of int
        Edge end points (direction and duplicates are ignored; duplicate weights add up).
    weights : array_like of float, optional
        Attraction of each edge (Fruchterman-Reingold); default 1.
    seed : int
        The same seed gives the same picture.
    spacing : float
        Typical gap in pixels: each connected component is scaled so the median distance
        from a node to its nearest neighbour is ``1.6 * spacing``; components are then
        packed in rows, largest first, and isolated nodes put in a grid.

    Returns
    -------
    x, y : ndarray of float, shape (n,)

    Examples
    --------
    >>> x, y = layout_positions(4, [0, 1, 2], [1, 2, 3], seed=1)
    >>> x.shape, bool(np.isfinite(x).all())
    ((4,), True)
    >>> bool(np.allclose(layout_positions(4, [0, 1], [1, 2], seed=3)[0],
    ...                  layout_positions(4, [0, 1], [1, 2], seed=3)[0]))
    True
    """
    import igraph as ig

    if n == 0:
        return np.zeros(0), np.zeros(0)
    if n == 1:
        return np.zeros(1), np.zeros(1)
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    w = np.ones(len(src)) if weights is None else np.asarray(weights, dtype=float)
    keep = src != dst
    a, b = np.minimum(src[keep], dst[keep]), np.maximum(src[keep], dst[keep])
    w = w[keep]
    # combine parallel edges (both directions) by summing their weights
    if len(a):
        key = a * n + b
        uniq, inv = np.unique(key, return_inverse=True)
        w = np.bincount(inv, weights=w)
        a, b = uniq // n, uniq % n
    graph = ig.Graph(n=n, edges=np.column_stack([a, b]).tolist(), directed=False)
    if len(w):
        graph.es["weight"] = w.tolist()
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        xy = _pack_components(graph, spacing)
    finally:
        ig.set_random_number_generator(random)
    return np.round(xy[:, 0], 1), np.round(xy[:, 1], 1)


def _spread(xy: np.ndarray, spacing: float) -> np.ndarray:
    """Scale a layout so the median distance to the nearest neighbour is ``spacing``."""
    from scipy.spatial import cKDTree

    xy = xy - xy.mean(axis=0)
    if len(xy) < 2:
        return xy
    dist, _ = cKDTree(xy).query(xy, k=2)
    d = np.median(dist[:, 1])
    if not np.isfinite(d) or d <= 0:
        d = max(np.abs(xy).max(), 1e-9) / np.sqrt(len(xy))
    return xy * (spacing / d)


def _pack_components(graph, spacing: float) -> np.ndarray:
    """Lay out each connected component apart, then pack them in rows, largest first.

    One Fruchterman-Reingold run on a disconnected graph pushes the components far apart
    and squeezes each into a blob; laying them out one by one keeps every component
    readable and the whole picture compact. Isolated nodes go in a grid at the end.
    """
    n = graph.vcount()
    xy = np.zeros((n, 2))
    comps = sorted(graph.connected_components(), key=len, reverse=True)
    boxes = []  # (members, local coordinates)
    singles = [c[0] for c in comps if len(c) == 1]
    for members in (c for c in comps if len(c) > 1):
        sub = graph.subgraph(members)
        weights = sub.es["weight"] if "weight" in sub.es.attributes() else None
        if len(members) == 2:
            local = np.array([[0.0, 0.0], [1.0, 0.0]])
        else:
            # igraph's "auto" uses the exact O(n^2) forces up to 1,000 nodes (2 s for
            # 1,000); the grid approximation is 6x faster there and looks the same
            niter = 500 if len(members) <= 5000 else 300
            local = np.asarray(
                sub.layout_fruchterman_reingold(
                    weights=weights, niter=niter, grid="grid" if len(members) > 200 else "nogrid"
                ).coords,
                dtype=float,
            )
        boxes.append((np.asarray(members), _spread(local, spacing * 1.6)))
    if singles:
        k = int(np.ceil(np.sqrt(len(singles))))
        grid = np.array([(i % k, i // k) for i in range(len(singles))], dtype=float) * spacing
        boxes.append((np.asarray(singles), grid - grid.mean(axis=0)))
    # shelf packing: rows about as wide as the square root of the total area
    sizes = [np.ptp(loc, axis=0) + 2 * spacing for _, loc in boxes]
    width = max(np.sqrt(sum(wx * wy for wx, wy in sizes)) * 1.2, max(s[0] for s in sizes))
    x0 = y0 = row_h = 0.0
    for (members, loc), (wx, wy) in zip(boxes, sizes, strict=True):
        if x0 > 0 and x0 + wx > width:
            x0, y0, row_h = 0.0, y0 + row_h, 0.0
        lo = loc.min(axis=0)
        xy[members] = loc - lo + np.array([x0 + spacing, y0 + spacing])
        x0 += wx
        row_h = max(row_h, wy)
    return xy - xy.mean(axis=0)
