"""Which group each node is in: per-node codes from labels, and the sentra of each firm.

:func:`node_codes` turns per-firm or per-node labels (a column, a Series, an array) into
integer codes; :func:`sentra_labels` decides a firm's sentra (the ``sentra`` column, else
``region``, else co-location).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidNetworkError
from .activity import colocation_groups

__all__ = ["node_codes", "sentra_labels"]


def node_codes(network, values, what):
    """Per-node integer codes (-1 = none) and the group names, from per-firm/per-node values.

    Every label that occurs on any node is a group (a community of outside parties only
    is a group of 0 firms); outside parties themselves get code -1; missing and blank
    labels are no group. Factorizing works on the distinct labels, so it is fast for a
    million firms.
    """
    if isinstance(values, str):
        if values not in network.firms.columns:
            raise InvalidNetworkError(
                f"{what}: the firm list has no column {values!r} (columns: "
                f"{', '.join(map(str, network.firms.columns))})"
            )
        values = network.firms[values]
    n_nodes, n_firms = network.n_nodes, network.n_firms
    if isinstance(values, pd.Series):
        if len(values) == n_nodes and values.index.equals(network.nodes):
            ser = values.reset_index(drop=True)
        elif len(values) == n_firms and values.index.equals(network.firms.index):
            ser = values.reset_index(drop=True).reindex(pd.RangeIndex(n_nodes))
        else:
            ser = values.set_axis(values.index.astype(str)).reindex(network.nodes)
            ser = ser.reset_index(drop=True)
    else:
        arr = np.asarray(values)
        if arr.shape == (n_nodes,):
            ser = pd.Series(arr)
        elif arr.shape == (n_firms,):
            ser = pd.Series(arr).reindex(pd.RangeIndex(n_nodes))
        else:
            raise InvalidNetworkError(
                f"{what}: expected one label per firm ({n_firms}) or per node ({n_nodes}), "
                f"got shape {arr.shape}"
            )
    codes, names = pd.factorize(ser, sort=True)
    codes = np.asarray(codes, dtype=np.int64)
    names = pd.Index(names)
    if names.dtype.kind not in "iufb":
        keep = ~(names.astype(str).str.strip() == "")
        if not keep.all():
            new = np.where(keep, np.cumsum(keep) - 1, -1)
            codes = np.where(codes >= 0, new[np.maximum(codes, 0)], -1)
            names = names[keep]
    codes[~np.asarray(network.is_firm, dtype=bool)] = -1
    return codes, names


def sentra_labels(network, by=None, *, radius_km=1.0) -> pd.Series:
    """The sentra of each firm: the ``sentra`` column, else ``region``, else co-location.

    Parameters
    ----------
    network : SupplyNetwork
    by : str, optional
        ``"sentra"``, ``"region"``, ``"location"`` (co-location from ``lat``/``lon``) or
        another column of the firm list. By default the first that is present and not
        empty among sentra, region, location.
    radius_km : float
        Co-location radius: firms within this great-circle distance of each other, directly
        or through a chain of firms, form one site (see
        :func:`linkage.network.activity.colocation_groups`). Sites are named ``site-1``,
        ``site-2`` ... in firm-list order, zero-padded when there are ten or more
        (``site-01`` ... ``site-12``) so that they sort in that order.

    Returns
    -------
    Series indexed by firm_id, name ``"sentra"`` (object; None for a firm without one);
    ``.attrs["source"]`` says where the groups came from (``"none"`` if nothing was found).

    Examples
    --------
    >>> from linkage import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B", "C"], "sector": ["x"] * 3,
    ...                       "region": ["Plered", "Plered", "Jombang"]})
    >>> tx = pd.DataFrame({"supplier": ["A"], "buyer": ["B"], "value": [1.0]})
    >>> s = sentra_labels(SupplyNetwork.from_frames(firms, tx))
    >>> s.tolist(), s.attrs["source"]
    (['Plered', 'Plered', 'Jombang'], 'region')
    """
    firms = network.firms
    candidates = [by] if by is not None else ["sentra", "region", "location"]
    for name in candidates:
        if name == "location":
            if {"lat", "lon"} <= set(firms.columns):
                lat = pd.to_numeric(firms["lat"], errors="coerce").to_numpy(dtype=float)
                lon = pd.to_numeric(firms["lon"], errors="coerce").to_numpy(dtype=float)
                if np.isfinite(lat).any():
                    codes = colocation_groups(lat, lon, radius_km)
                    # zero-padded, so that sites sort in firm-list order (site-02 < site-10)
                    width = len(str(int(codes.max(initial=0)) + 1))
                    numbers = np.char.zfill((codes + 1).astype(str), width)
                    values = np.where(codes >= 0, np.char.add("site-", numbers), None)
                    out = pd.Series(values.astype(object), index=firms.index, name="sentra")
                    out.attrs["source"] = f"co-location within {radius_km:g} km"
                    return out
            if by is not None:
                raise InvalidNetworkError("sentra from location: the firm list has no lat/lon")
            continue
        if name in firms.columns:
            col = firms[name].to_numpy(dtype=object).copy()
            blank = pd.isna(col) | (
                pd.Series(col, dtype=object).astype(str).str.strip().to_numpy() == ""
            )
            col[blank] = None
            if (~blank).any() or by is not None:
                out = pd.Series(col, index=firms.index, name="sentra", dtype=object)
                out.attrs["source"] = name
                return out
        elif by is not None:
            raise InvalidNetworkError(
                f"sentra: the firm list has no column {name!r} (columns: "
                f"{', '.join(map(str, firms.columns))})"
            )
    out = pd.Series(np.full(len(firms), None, dtype=object), index=firms.index, name="sentra")
    out.attrs["source"] = "none"
    return out
