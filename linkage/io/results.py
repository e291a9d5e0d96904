"""The CSV layouts of the result files, shared by the commands and the report.

``linkage analyze``, ``linkage network``, ``linkage report`` and ``linkage demo`` write the
same files (``linkages.csv``, ``firms.csv``, ``sentra.csv`` ...); the frames are shaped here
once so that a file has the same columns whichever command wrote it: the label column
first (``sector``, ``firm_id``, ``sentra``, ``community``), no pandas index, UTF-8.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["sector_frame", "coefficient_frame", "firm_table", "write_csv"]


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
        flat = flat[["sector", *others, *frame.columns]]
    else:
        flat = frame.copy()
        flat.index = flat.index.rename("sector")
        flat = flat.reset_index()
    flat.attrs.update(frame.attrs)
    return flat


def coefficient_frame(frame: pd.DataFrame, sectors: pd.Index) -> pd.DataFrame:
    """Coefficients listed by (supplier, buyer) with ``(region, sector)`` labels split.

    ``frame`` is :func:`linkage.important_coefficients` of a table with these
    ``sectors``; for a multi-regional table each label becomes the columns
    ``supplier_region, supplier`` and ``buyer_region, buyer``; plain labels stay.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("n", "a"), ("s", "a")], names=["region", "sector"])
    >>> ic = pd.DataFrame({"rank": [1], "supplier": [("n", "a")], "buyer": [("s", "a")]})
    >>> coefficient_frame(ic, idx).columns.tolist()
    ['rank', 'supplier_region', 'supplier', 'buyer_region', 'buyer']
    """
    if not isinstance(sectors, pd.MultiIndex) or frame.empty:
        return frame
    names = list(sectors.names)
    ri = names.index("region") if "region" in names else 0
    si = names.index("sector") if "sector" in names else len(names) - 1
    out = frame.copy()
    for side in ("supplier", "buyer"):
        labels = frame[side].tolist()
        out[side] = [lab[si] for lab in labels]
        out.insert(out.columns.get_loc(side), f"{side}_region", [lab[ri] for lab in labels])
    out.attrs.update(frame.attrs)
    return out


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
