"""Aggregation of sectors and regions with concordances (many-to-one).

``S Z Sᵀ`` with the 0/1 aggregation matrix ``S``: a group's row and column are the sums of
its members'. Works on single- and multi-regional tables (sectors a ``(region, sector)``
MultiIndex); :func:`linkage.analysis.concordance.aggregate_table` is the single-region
front end that :func:`linkage.analysis.regionalize.regionalize` uses.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.diagnostics import Diagnostics
from ..core.table import IOTable
from ..errors import DataQualityWarning, InvalidTableError
from .region_labels import REGION_SEPARATOR, region_sector_levels, split_region_column

__all__ = ["aggregate"]


def _as_mapping(mapping, what: str) -> dict:
    """A concordance (dict, Series or two-column frame, from -> to) as a dict."""
    if mapping is None:
        return {}
    if isinstance(mapping, pd.DataFrame):
        if mapping.shape[1] != 2:
            raise InvalidTableError(
                f"{what} concordance must have two columns (from, to), has {mapping.shape[1]}"
            )
        keys = mapping.iloc[:, 0].tolist()
        dup = pd.Index(keys)[pd.Index(keys).duplicated()].unique().tolist()
        if dup:
            raise InvalidTableError(f"{what} concordance maps {dup[:5]} more than once")
        return dict(zip(keys, mapping.iloc[:, 1].tolist(), strict=True))
    if isinstance(mapping, pd.Series):
        return mapping.to_dict()
    if isinstance(mapping, dict):
        return dict(mapping)
    raise InvalidTableError(f"{what} concordance must be a dict, Series or two-column DataFrame")


def aggregate(table, sectors=None, regions=None, *, name=None) -> IOTable:
    """Aggregate sectors and/or regions of a table with concordances (many-to-one).

    Parameters
    ----------
    table : IOTable
    sectors : dict, Series or two-column DataFrame, optional
        Old sector -> new sector. Keys are sector names (applied in every region) or,
        for a multi-regional table, full ``(region, sector)`` labels (which win).
        Every sector must be mapped: unmapped ones are an error, never dropped.
    regions : dict, Series or two-column DataFrame, optional
        Old region -> new region (multi-regional tables only); every region mapped.
    name : str, optional
        Name of the new table (default: the old name).

    Returns
    -------
    IOTable
        Z, final demand, primary inputs, total output and employment summed by group
        (``S Z Sᵀ`` with the 0/1 aggregation matrix ``S``); groups in order of first
        appearance. Final-demand columns named ``"<region>|<category>"`` are mapped and
        summed by region too. The diagnostics record the aggregation.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_product([["r1", "r2"], ["a", "b"]], names=["region", "sector"])
    >>> t = IOTable.from_arrays(np.arange(16.0).reshape(4, 4), final_demand=[5.0] * 4,
    ...                         sectors=idx)
    >>> agg = aggregate(t, regions={"r1": "all", "r2": "all"})
    >>> agg.Z_frame()
    region          all
    sector            a     b
    region sector
    all    a       20.0  24.0
           b       36.0  40.0
    >>> aggregate(t, sectors={"a": "ab", "b": "ab"}).x
    array([ 38., 102.])
    """
    smap = _as_mapping(sectors, "sector")
    rmap = _as_mapping(regions, "region")
    if rmap and not isinstance(table.sectors, pd.MultiIndex):
        raise InvalidTableError("regions can be aggregated only in a (region, sector) table")
    groups, S = _aggregation_matrix(table.sectors, _group_labels(table.sectors, smap, rmap))
    Zg = S @ table.Z @ S.T
    if not sp.issparse(table.Z):
        Zg = np.asarray(Zg)
    fd = pd.DataFrame(
        S @ table.final_demand.to_numpy(), index=groups, columns=table.final_demand.columns
    )
    fd = _aggregate_region_columns(fd, rmap)
    pi = pd.DataFrame(
        S @ table.primary_inputs.to_numpy(), index=groups, columns=table.primary_inputs.columns
    )
    emp = None if table.employment is None else S @ table.employment.to_numpy()
    diag = Diagnostics()
    diag.add(
        "aggregated",
        f"aggregated from {table.n} to {len(groups)} sectors"
        + (f" ({len(set(rmap.values()))} regions)" if rmap else ""),
        count=table.n,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return IOTable.from_arrays(
            Zg,
            final_demand=fd,
            value_added=pi.T,
            total_output=S @ table.x,
            employment=emp,
            sectors=groups,
            name=table.name if name is None else name,
            units=table.units,
            diagnostics=diag,
        )


def _group_labels(index: pd.Index, smap: dict, rmap: dict) -> list:
    """The new label of every sector (a ``(region, sector)`` tuple in a multi-regional
    table); a sector or region the concordances leave out, or one they name that the
    table lacks, is an error."""
    multi = isinstance(index, pd.MultiIndex)
    new_labels = []
    missing_s, missing_r = [], []
    if multi:
        ri, si = region_sector_levels(index)
        for label in index:
            reg, sec = label[ri], label[si]
            if label in smap:
                new_sec = smap[label]
            elif sec in smap:
                new_sec = smap[sec]
            elif smap:
                missing_s.append(label)
                new_sec = sec
            else:
                new_sec = sec
            if rmap:
                if reg in rmap:
                    new_reg = rmap[reg]
                else:
                    missing_r.append(reg)
                    new_reg = reg
            else:
                new_reg = reg
            new_labels.append((new_reg, new_sec))
    else:
        for sec in index:
            if smap and sec not in smap:
                missing_s.append(sec)
            new_labels.append(smap.get(sec, sec))
    _check_coverage(index, smap, rmap, missing_s, missing_r)
    return new_labels


def _check_coverage(index: pd.Index, smap: dict, rmap: dict, missing_s: list, missing_r: list):
    """Raise for sectors or regions without a group, and for groups of unknown ones."""
    multi = isinstance(index, pd.MultiIndex)
    known = set(index) | set(
        index.get_level_values(region_sector_levels(index)[1]) if multi else index
    )
    extra = [k for k in smap if k not in known]
    if missing_s:
        if multi:
            si = region_sector_levels(index)[1]
            names = list(dict.fromkeys(label[si] for label in missing_s))
            what = f"sector(s) {names[:5]} ({len(missing_s)} (region, sector) labels)"
        else:
            what = f"{len(missing_s)} sector(s): {missing_s[:5]}"
        hint = f"; it names {extra[:5]}, not in the table" if extra else ""
        raise InvalidTableError(f"the sector concordance has no group for {what}{hint}")
    if missing_r:
        missing_r = list(dict.fromkeys(missing_r))
        raise InvalidTableError(
            f"the region concordance has no group for {len(missing_r)} region(s): {missing_r[:5]}"
        )
    if extra:
        raise InvalidTableError(
            f"the sector concordance names {len(extra)} sector(s) not in the table: {extra[:5]}"
        )
    if rmap:
        regions = set(index.get_level_values(region_sector_levels(index)[0]))
        extra_r = [k for k in rmap if k not in regions]
        if extra_r:
            raise InvalidTableError(
                f"the region concordance names {len(extra_r)} region(s) not in the table: "
                f"{extra_r[:5]}"
            )


def _aggregation_matrix(index: pd.Index, new_labels: list):
    """The groups (in order of first appearance) and the 0/1 matrix ``S`` (groups x sectors)."""
    if isinstance(index, pd.MultiIndex):
        groups = pd.MultiIndex.from_tuples(
            list(dict.fromkeys(new_labels)), names=["region", "sector"]
        )
        codes = groups.get_indexer(pd.MultiIndex.from_tuples(new_labels))
    else:
        groups = pd.Index(list(dict.fromkeys(new_labels)), name="sector")
        codes = groups.get_indexer(pd.Index(new_labels))
    S = sp.csr_array(
        (np.ones(codes.size), (codes, np.arange(codes.size))), shape=(len(groups), codes.size)
    )
    return groups, S


def _aggregate_region_columns(fd: pd.DataFrame, rmap: dict) -> pd.DataFrame:
    """Final-demand columns ``"<region>|<category>"`` mapped and summed by new region."""
    if not rmap:
        return fd
    parts = [split_region_column(str(c)) for c in fd.columns]
    if not all(p is not None and p[0] in {str(k) for k in rmap} for p in parts):
        return fd
    smap = {str(k): str(v) for k, v in rmap.items()}
    new = [f"{smap[p[0]]}{REGION_SEPARATOR}{p[1]}" for p in parts]
    out = fd.T.groupby(pd.Index(new, name=fd.columns.name), sort=False).sum().T
    return out
