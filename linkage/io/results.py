"""The CSV layouts of the result files, shared by the commands and the report.

``linkage analyze``, ``linkage network``, ``linkage report`` and ``linkage demo`` write the
same files (``linkages.csv``, ``firms.csv``, ``sentra.csv`` ...); the frames are shaped here
once so that a file has the same columns whichever command wrote it: the label column
first (``sector``, ``firm_id``, ``sentra``, ``community``), no pandas index, UTF-8.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["sector_frame", "firm_table", "write_csv"]


def sector_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its sector index as the first column, named ``sector``.

    A multi-regional (region, sector) index becomes the columns ``sector, region``.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("n", "farm")], names=["region", "sector"])
    >>> sector_frame(pd.DataFrame({"m": [1.5]}, index=idx)).columns.tolist()
    ['sector', 'region', 'm']
    >>> sector_frame(pd.DataFrame({"m": [1.5]}, index=["farm"])).columns.tolist()
    ['sector', 'm']
    """
    if isinstance(frame.index, pd.MultiIndex):
        flat = frame.reset_index()
        names = [
            name if name is not None else f"level_{k}" for k, name in enumerate(frame.index.names)
        ]
        sector_col = "sector" if "sector" in names else names[-1]
        flat = flat.rename(columns={sector_col: "sector"})
        others = [c for c in names if c != sector_col]
        return flat[["sector", *others, *frame.columns]]
    flat = frame.copy()
    flat.index = flat.index.rename("sector")
    return flat.reset_index()


def firm_table(net, metrics: pd.DataFrame, communities: pd.Series | None = None) -> pd.DataFrame:
    """One row per listed firm, ``firm_id`` first: its attributes, community, then its metrics.

    Parameters
    ----------
    net : SupplyNetwork
    metrics : DataFrame
        ``net.firm_metrics()``.
    communities : Series, optional
        The community of each firm (indexed by firm_id), e.g.
        ``Clusters.firm_communities(net)``; it becomes the ``community`` column.

    Examples
    --------
    >>> import warnings
    >>> from linkage.io.examples import load_example_network
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     net = load_example_network()
    >>> firm_table(net, net.firm_metrics()).columns[:4].tolist()
    ['firm_id', 'name', 'sector', 'sentra']
    """
    frame = net.firms.drop(columns=[c for c in net.firms.columns if c in metrics.columns])
    frame = pd.concat([net.firms[["sector"]], frame], axis=1).join(metrics.drop(columns="sector"))
    if communities is not None:
        frame["community"] = communities.reindex(frame.index).to_numpy()
    first = [
        c
        for c in ("name", "sector", "sentra", "region", "community", "workers", "size_class")
        if c in frame.columns
    ]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    frame.index.name = "firm_id"
    return frame.reset_index()


def write_csv(frame: pd.DataFrame, path) -> Path:
    """Write a result frame (already shaped, label column first) as UTF-8 CSV, no index."""
    path = Path(path)
    frame.to_csv(path, index=False, encoding="utf-8")
    return path
