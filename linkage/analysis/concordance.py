"""Concordances: measures and tables brought from one sector classification to another.

Regional data (GRDP, employment) often use another classification than the reference
table. A mapping pairs table sectors with regional sectors; :func:`apply_concordance`
(called by :func:`linkage.analysis.regionalize.regionalize`) then either splits each
regional sector's measure among its table sectors in proportion to national output
(``concordance="split"``; :func:`split_measure` on its own) or sums the table to the
groups of table sectors that share regional sectors (``concordance="aggregate"``;
:func:`aggregate_table`). See ``docs/regional.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ..core.diagnostics import Diagnostics
from ..core.numeric import safe_divide
from ..core.params import check_choice
from ..core.table import IOTable
from ..errors import InvalidTableError
from .aggregation import aggregate

__all__ = ["CONCORDANCES", "aggregate_table", "split_measure", "apply_concordance"]

#: How :func:`apply_concordance` brings a coarser regional classification to the table's.
CONCORDANCES = ("split", "aggregate")


def _mapping_series(mapping, table_sectors: pd.Index | None) -> pd.Series:
    """mapping (Series, dict or two-column frame: table sector -> regional sector) as a Series
    indexed by the table's sectors; every table sector must be mapped exactly once."""
    if isinstance(mapping, pd.DataFrame):
        if mapping.shape[1] != 2:
            raise InvalidTableError(
                f"mapping must have two columns (table sector, regional sector), has "
                f"{mapping.shape[1]}: {list(mapping.columns)[:5]}"
            )
        keys = mapping.iloc[:, 0].astype(str).str.strip()
        if keys.duplicated().any():
            dup = keys[keys.duplicated()].unique().tolist()[:5]
            raise InvalidTableError(f"mapping lists table sectors more than once: {dup}")
        mapping = pd.Series(mapping.iloc[:, 1].astype(str).str.strip().to_numpy(), index=keys)
    elif isinstance(mapping, dict):
        mapping = pd.Series(mapping)
    if not isinstance(mapping, pd.Series):
        raise InvalidTableError("mapping must be a Series, dict or two-column DataFrame")
    mapping = pd.Series([str(v) for v in mapping.to_numpy()], index=[str(k) for k in mapping.index])
    if table_sectors is None:
        return mapping
    labels = [str(s) for s in table_sectors]
    missing = [s for s in labels if s not in mapping.index]
    if missing:
        raise InvalidTableError(
            f"mapping has no regional sector for {len(missing)} table sector(s): {missing[:5]}"
        )
    extra = [s for s in mapping.index if s not in set(labels)]
    if extra:
        raise InvalidTableError(
            f"mapping names {len(extra)} sector(s) that are not in the table: {extra[:5]}"
        )
    return pd.Series(
        mapping.reindex(labels).to_numpy(),
        index=pd.Index(labels, name="sector"),
        name="regional_sector",
    )


def aggregate_table(table: IOTable, mapping) -> IOTable:
    """Aggregate a table to a coarser classification (sum rows and columns of each group).

    Parameters
    ----------
    table : IOTable
    mapping : Series, dict or two-column DataFrame
        Table sector -> group. Groups appear in order of first appearance.

    Returns
    -------
    IOTable
        Z, final demand, primary inputs, output and employment summed by group.

    Examples
    --------
    >>> t = IOTable.from_arrays([[1, 2, 0], [0, 1, 1], [1, 0, 2]], final_demand=[7, 8, 7],
    ...                         sectors=["a1", "a2", "b"])
    >>> agg = aggregate_table(t, {"a1": "A", "a2": "A", "b": "B"})
    >>> agg.Z_frame()
    sector    A    B
    sector
    A       4.0  1.0
    B       1.0  2.0
    >>> agg.x
    array([20., 10.])
    """
    return aggregate(table, sectors=_mapping_series(mapping, table.sectors))


def split_measure(measure, mapping, weights) -> pd.Series:
    """Split a measure given by group to the members of each group in proportion to weights.

    Parameters
    ----------
    measure : Series
        Value by group (regional sector).
    mapping : Series
        Member (table sector) -> group, indexed by member.
    weights : Series
        Weight by member (national output); a group with positive measure needs a positive
        total weight.

    Returns
    -------
    Series indexed like ``mapping``.

    Examples
    --------
    >>> m = pd.Series({"a1": "A", "a2": "A", "b": "B"})
    >>> w = pd.Series({"a1": 1.0, "a2": 3.0, "b": 2.0})
    >>> split_measure(pd.Series({"A": 10.0, "B": 5.0}), m, w)
    a1    2.5
    a2    7.5
    b     5.0
    dtype: float64
    """
    groups = mapping.to_numpy()
    missing = sorted({g for g in groups if g not in measure.index})
    if missing:
        raise InvalidTableError(
            f"the measure has no value for regional sector(s) {missing[:5]} named in the mapping"
        )
    unused = [g for g in measure.index if g not in set(groups) and measure[g] != 0]
    if unused:
        raise InvalidTableError(
            f"the measure has non-zero values for regional sector(s) {unused[:5]} that the "
            "mapping does not use (they would be dropped)"
        )
    w = weights.reindex(mapping.index).to_numpy(dtype=float)
    wsum = pd.Series(w).groupby(groups).sum()
    total_w = wsum.reindex(groups).to_numpy()
    mvals = measure.reindex(groups).to_numpy(dtype=float)
    bad = (total_w <= 0) & (mvals > 0)
    if bad.any():
        g = groups[np.flatnonzero(bad)[0]]
        raise InvalidTableError(
            f"regional sector {g!r} has a measure of {measure[g]!r} but its table sectors have "
            "zero national output, so it cannot be split"
        )
    share = safe_divide(w, np.maximum(total_w, 0.0))  # 0 in a group of no weight
    return pd.Series(mvals * share, index=mapping.index)


def _concordance_pairs(mapping, labels) -> pd.DataFrame:
    """A mapping as (table sector, regional sector) pairs, columns ``table`` and ``regional``.

    Accepts a dict or Series (key -> value) or a two-column frame, in either orientation:
    the column (or side) holding only table sectors is the table side (the first when both
    do). A table sector may have several regional sectors and a regional sector several
    table sectors. Every table sector must appear.
    """
    if isinstance(mapping, pd.DataFrame):
        if mapping.shape[1] != 2:
            raise InvalidTableError(
                f"mapping must have two columns (table sector, regional sector), has "
                f"{mapping.shape[1]}: {list(mapping.columns)[:5]}"
            )
        a, b = mapping.iloc[:, 0].tolist(), mapping.iloc[:, 1].tolist()
    elif isinstance(mapping, (dict, pd.Series)):
        items = list(mapping.items())
        a, b = [k for k, _ in items], [v for _, v in items]
    else:
        raise InvalidTableError("mapping must be a Series, dict or two-column DataFrame")
    a = [str(v).strip() for v in a]
    b = [str(v).strip() for v in b]
    known = set(labels)
    if all(v in known for v in a):
        pairs = pd.DataFrame({"table": a, "regional": b})
    elif all(v in known for v in b):
        pairs = pd.DataFrame({"table": b, "regional": a})
    else:
        bad_a = [v for v in dict.fromkeys(a) if v not in known][:5]
        bad_b = [v for v in dict.fromkeys(b) if v not in known][:5]
        raise InvalidTableError(
            "mapping: neither column holds only table sectors (first column has "
            f"{bad_a} not in the table, second column {bad_b})"
        )
    pairs = pairs.drop_duplicates(ignore_index=True)
    missing = [s for s in labels if s not in set(pairs["table"])]
    if missing:
        raise InvalidTableError(
            f"mapping has no regional sector for {len(missing)} table sector(s): {missing[:5]}"
        )
    return pairs


def _check_measure_groups(measure: pd.Series, pairs: pd.DataFrame, name: str) -> None:
    """Every regional sector of the mapping has a value, and no value is left unmapped."""
    groups = set(pairs["regional"])
    missing = [g for g in dict.fromkeys(pairs["regional"]) if g not in measure.index]
    if missing:
        raise InvalidTableError(
            f"{name} has no value for regional sector(s) {missing[:5]} named in the mapping"
        )
    unused = [g for g in measure.index if g not in groups and measure[g] != 0]
    if unused:
        raise InvalidTableError(
            f"{name} has non-zero values for regional sector(s) {unused[:5]} that the mapping "
            "does not use (they would be dropped)"
        )


def _split_to_table(measure: pd.Series, pairs: pd.DataFrame, labels, weights, name):
    """Each regional sector's value divided among its table sectors by ``weights``, summed
    by table sector (``W m`` with ``W[j, g] = w_j / Σ_{k in g} w_k``)."""
    _check_measure_groups(measure, pairs, name)
    w = pd.Series(weights, index=labels).reindex(pairs["table"]).to_numpy(dtype=float)
    total = pd.Series(w).groupby(pairs["regional"].to_numpy()).transform("sum").to_numpy()
    vals = measure.reindex(pairs["regional"]).to_numpy(dtype=float)
    bad = (total <= 0) & (vals > 0)
    if bad.any():
        g = pairs["regional"].iloc[int(np.flatnonzero(bad)[0])]
        raise InvalidTableError(
            f"regional sector {g!r} has a {name} of {measure[g]:g} but its table sectors "
            "have zero national output, so it cannot be split"
        )
    share = safe_divide(w, np.maximum(total, 0.0))
    out = pd.Series(vals * share).groupby(pairs["table"].to_numpy()).sum()
    return out.reindex(labels)


def _components(pairs: pd.DataFrame, labels) -> pd.Series:
    """Table sector -> its group: the table sectors linked through shared regional sectors.

    A group is named after its only regional sector, else its only table sector, else its
    regional sectors joined by ``+``.
    """
    regional = pd.Index(pd.unique(pairs["regional"].to_numpy()))
    n = len(labels)
    ti = pd.Index(labels).get_indexer(pairs["table"])
    gi = n + regional.get_indexer(pairs["regional"])
    size = n + len(regional)
    graph = sp.csr_array((np.ones(ti.size), (ti, gi)), shape=(size, size))
    _, comp = connected_components(graph, directed=False)
    names = {}
    for c in pd.unique(comp[:n]):
        tables = [labels[k] for k in np.flatnonzero(comp[:n] == c)]
        groups = [regional[k] for k in np.flatnonzero(comp[n:] == c)]
        names[c] = groups[0] if len(groups) == 1 else tables[0] if len(tables) == 1 else None
        names[c] = names[c] or "+".join(groups)
    return pd.Series([names[c] for c in comp[:n]], index=pd.Index(labels, name="sector"))


def apply_concordance(
    table: IOTable,
    mapping,
    regional: pd.Series,
    national: pd.Series | None = None,
    concordance: str = "split",
    diagnostics: Diagnostics | None = None,
    names: tuple[str, str] = ("regional measure", "national measure"),
):
    """Bring the measures (and, to aggregate, the table) to one classification.

    Parameters
    ----------
    table : IOTable
    mapping : Series, dict or two-column DataFrame
        Pairs (table sector, regional sector), in either column order (see
        :func:`linkage.analysis.regionalize.regionalize`); every table sector appears.
    regional : Series
        The region's measure by regional sector.
    national : Series, optional
        The reference economy's measure, by regional sector or by table sector.
    concordance : {"split", "aggregate"}
        ``"split"`` divides each regional sector's value among its table sectors in
        proportion to the table's output; ``"aggregate"`` sums the table (and the
        measures) to the groups of table sectors that share regional sectors.
    diagnostics : Diagnostics, optional
        Where what was done is recorded.
    names : (str, str)
        Names of the two measures, for messages.

    Returns
    -------
    (table, regional, national)
        The table (aggregated or as given) and the measures by its sectors (``national``
        None when not given).

    Examples
    --------
    >>> t = IOTable.from_arrays([[1, 2, 0], [0, 1, 1], [1, 0, 2]], final_demand=[7, 8, 7],
    ...                         sectors=["a1", "a2", "b"])
    >>> r = pd.Series({"A": 6.0, "B": 2.0})
    >>> _, split, _ = apply_concordance(t, {"a1": "A", "a2": "A", "b": "B"}, r)
    >>> split.tolist()  # A split by national output 10 : 10
    [3.0, 3.0, 2.0]
    >>> agg, summed, _ = apply_concordance(t, {"a1": "A", "a2": "A", "b": "B"}, r,
    ...                                    concordance="aggregate")
    >>> agg.sectors.tolist(), summed.tolist()
    (['A', 'B'], [6.0, 2.0])
    """
    check_choice("concordance", concordance, CONCORDANCES, "apply_concordance")
    diag = Diagnostics() if diagnostics is None else diagnostics
    labels = [str(s) for s in table.sectors]
    pairs = _concordance_pairs(mapping, labels)
    if concordance == "aggregate":
        return _aggregate_to_groups(table, pairs, regional, national, diag, names)
    return _split_to_sectors(table, pairs, regional, national, diag, names)


def _aggregate_to_groups(table, pairs, r, n, diag, names):
    """The table summed to the groups of table sectors linked through regional sectors,
    and the measures summed to the same groups."""
    rname, nname = names
    labels = [str(s) for s in table.sectors]
    summed = pairs["table"].duplicated(keep=False)
    n_by_table = n is not None and set(n.index) == set(labels)
    comp = _components(pairs, labels)
    to_comp = pd.Series(comp.reindex(pairs["table"]).to_numpy(), index=pairs["regional"])
    to_comp = to_comp[~to_comp.index.duplicated()]
    _check_measure_groups(r, pairs, rname)
    r = r[r.index.isin(to_comp.index)].groupby(to_comp.reindex(r.index).dropna()).sum()
    if n is not None:
        if n_by_table:
            n = n.groupby(comp.reindex(n.index).to_numpy()).sum()
        else:
            _check_measure_groups(n, pairs, nname)
            n = n[n.index.isin(to_comp.index)].groupby(to_comp.reindex(n.index).dropna()).sum()
    k = len(pd.unique(comp.to_numpy()))
    table = aggregate_table(table, comp)  # sums groups, names every sector by its group
    if k < len(labels):
        diag.add(
            "concordance_aggregate",
            f"table aggregated from {len(labels)} to {k} sectors to match the regional "
            "classification (table sectors that share a regional sector form one sector)",
            count=len(labels),
        )
    if summed.any():
        diag.add(
            "concordance_sum",
            f"{int(summed.sum())} regional sectors summed into the table's sectors they map to",
            count=int(summed.sum()),
        )
    return table, r, n


def _split_to_sectors(table, pairs, r, n, diag, names):
    """The measures by table sector: regional sectors split by the table's output (and
    summed where several map to one table sector); the table unchanged."""
    rname, nname = names
    labels = [str(s) for s in table.sectors]
    summed = pairs["table"].duplicated(keep=False)
    split = pairs["regional"].duplicated(keep=False)
    n_by_table = n is not None and set(n.index) == set(labels)
    weights = np.asarray(table.x, dtype=float)
    r = _split_to_table(r, pairs, labels, weights, rname)
    if n is not None and not n_by_table:
        n = _split_to_table(n, pairs, labels, weights, nname)
    if summed.any():
        diag.add(
            "concordance_sum",
            f"{int(summed.sum())} regional sectors summed into "
            f"{len(pd.unique(pairs['table'][summed]))} table sector(s) (regional data finer)",
            count=int(summed.sum()),
        )
    if split.any():
        diag.add(
            "concordance_split",
            f"{len(pd.unique(pairs['regional'][split]))} regional sector(s) split to "
            f"{int(split.sum())} table sectors in proportion to the table's total output (SLQ "
            "equal within a group)",
            count=int(split.sum()),
        )
    if not (summed.any() or split.any()):
        diag.add(
            "concordance_one_to_one",
            f"{len(pairs)} regional sectors matched one to one to the table's sectors",
            count=len(pairs),
        )
    return table, r, n
