"""Precomputed node positions for the graph pages (igraph layouts, seeded and scaled).

Pages draw with physics off, so positions are computed here once: Fruchterman-Reingold
(igraph uses a grid approximation above 1,000 nodes), which lays out 20,000 nodes in about
two seconds. DrL was measured at 37 s for 5,000 and 340 s for 20,000 nodes and is not used.
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
        Pixels per node: the drawing spans about ``spacing * sqrt(n)`` pixels.

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
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        niter = 500 if n <= 5000 else 300
        coords = graph.layout_fruchterman_reingold(
            weights=w.tolist() if len(w) else None, niter=niter, grid="auto"
        )
    finally:
        ig.set_random_number_generator(random)
    xy = np.asarray(coords.coords, dtype=float)
    xy -= xy.mean(axis=0)
    extent = np.abs(xy).max()
    if extent > 0:
        xy *= (spacing * np.sqrt(n) / 2 + 250) / extent
    return np.round(xy[:, 0], 1), np.round(xy[:, 1], 1)
