"""Multi-regional tables: intra- and inter-regional linkages, spillover and feedback effects,
and aggregation with a concordance (pymrio conversion: :mod:`linkage.io.pymrio`).

A multi-regional table is an :class:`linkage.IOTable` whose sectors are a
``(region, sector)`` MultiIndex. Partition ``A`` and ``L = (I - A)⁻¹`` by region. For a
purchasing sector ``j`` in region ``r`` (Miller & Blair 2009, ch. 3):

- the *intra-regional* part of its output multiplier is ``Σ_{i∈r} l_ij`` and the
  *inter-regional* (spillover) part ``Σ_{i∉r} l_ij``;
- the *intraregional-only* multiplier ignores trade: column sums of ``(I - A_rr)⁻¹``;
- the *feedback* effect is the difference ``Σ_{i∈r} l_ij - 1ᵀ(I - A_rr)⁻¹ e_j ≥ 0``:
  output of ``r`` that returns through purchases from other regions that in turn buy
  from ``r``.

All of it takes one factorization of ``I - A`` with ``2R`` right-hand sides (one
indicator vector per region, plain and transposed) and one factorization per diagonal
block ``I - A_rr``, never the full ``L``. Derivations: ``docs/multiregional.md``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.diagnostics import Diagnostics
from ..core.params import table_solver
from ..core.solver import LeontiefSolver
from ..core.table import IOTable
from ..errors import DataQualityWarning, InvalidTableError, LinkageWarning

__all__ = [
    "regional_linkages",
    "regional_linkage_arrays",
    "spillover_feedback",
    "aggregate",
    "region_codes",
    "region_sector_levels",
    "split_region_column",
    "split_region_labels",
    "join_region_labels",
    "REGION_SEPARATOR",
]

#: Final-demand columns named ``"<region>|<category>"`` keep the consuming region
#: (pymrio's ``Y`` columns) through a round trip.
REGION_SEPARATOR = "|"


def region_sector_levels(index: pd.Index) -> tuple[int, int]:
    """Positions of the region and sector levels of a (region, sector) MultiIndex."""
    names = list(index.names)
    region = names.index("region") if "region" in names else 0
    sector = names.index("sector") if "sector" in names else index.nlevels - 1
    if region == sector:
        sector = index.nlevels - 1 if region != index.nlevels - 1 else 0
    return region, sector


def region_codes(table) -> tuple[pd.Index, np.ndarray]:
    """Regions (in order of first appearance) and each sector's region code.

    Raises
    ------
    InvalidTableError
        When the table's sectors are not a ``(region, sector)`` MultiIndex.
    """
    index = table.sectors
    if not isinstance(index, pd.MultiIndex):
        raise InvalidTableError(
            "a multi-regional table needs (region, sector) labels; this table's sectors are "
            f"a plain index ({list(index[:3])} ...)"
        )
    level = index.get_level_values(region_sector_levels(index)[0])
    regions = pd.Index(pd.unique(np.asarray(level, dtype=object)), name="region")
    return regions, regions.get_indexer(level)


def _indicator(codes: np.ndarray, R: int) -> np.ndarray:
    E = np.zeros((codes.size, R))
    E[np.arange(codes.size), codes] = 1.0
    return E


def _block(A, idx: np.ndarray):
    if sp.issparse(A):
        return sp.csc_array(sp.csr_array(A)[idx][:, idx])
    return np.asarray(A)[np.ix_(idx, idx)]


def regional_linkage_arrays(A, codes: np.ndarray, solver: LeontiefSolver, f=None) -> dict:
    """Intra/inter-regional column and row sums of ``L`` and intraregional-only multipliers.

    Parameters
    ----------
    A : ndarray or sparse, shape (n, n)
    codes : ndarray of int, shape (n,)
        Region code of each sector, ``0 .. R-1``.
    solver : LeontiefSolver
        Factorization of ``I - A``.
    f : ndarray, optional
        Final demand; when given, also ``by_demand_region`` (n × R), ``L f⁽ˢ⁾`` for the
        final demand of each region's products, and ``intra_demand`` (n,), the output
        ``(I - A_ss)⁻¹ f_s`` of each region's own block.

    Returns
    -------
    dict of ndarray
        ``col_by_region`` (n × R): ``Σ_{i∈s} l_ij``; ``row_by_region`` (n × R):
        ``Σ_{k∈s} l_ik``; ``intraregional`` (n,): column sums of ``(I - A_rr)⁻¹``;
        ``residual``.

    Examples
    --------
    Two regions with one sector each:

    >>> A = np.array([[0.2, 0.1], [0.3, 0.4]])
    >>> r = regional_linkage_arrays(A, np.array([0, 1]), LeontiefSolver(A))
    >>> r["col_by_region"].round(4)
    array([[1.3333, 0.6667],
           [0.2222, 1.7778]])
    >>> r["intraregional"].round(4)     # 1 / (1 - 0.2), 1 / (1 - 0.4)
    array([1.25  , 1.6667])
    """
    n = codes.size
    R = int(codes.max()) + 1 if n else 0
    E = _indicator(codes, R)
    col = solver.solve(E, transpose=True)
    res = solver.last_info.residual
    rhs = E if f is None else np.column_stack([E, E * np.asarray(f, float)[:, None]])
    U = solver.solve(rhs)
    res = max(res, solver.last_info.residual)
    out = {"col_by_region": col, "row_by_region": U[:, :R]}
    intra = np.empty(n)
    intra_f = np.empty(n) if f is not None else None
    for s in range(R):
        idx = np.flatnonzero(codes == s)
        # each block I - A_rr is a new system, solved with the full system's method
        sub = LeontiefSolver(_block(A, idx), method=solver.requested_method)
        intra[idx] = sub.solve(np.ones(idx.size), transpose=True)
        res = max(res, sub.last_info.residual)
        if f is not None:
            intra_f[idx] = sub.solve(np.asarray(f, float)[idx])
            res = max(res, sub.last_info.residual)
    out["intraregional"] = intra
    if f is not None:
        out["by_demand_region"] = U[:, R:]
        out["intra_demand"] = intra_f
    out["residual"] = float(res)
    return out


def regional_linkages(table, solver=None, *, method: str | None = None) -> pd.DataFrame:
    """Intra- and inter-regional backward and forward linkages of every (region, sector).

    Parameters
    ----------
    table : IOTable
        Sectors labelled by a ``(region, sector)`` MultiIndex.
    solver : LeontiefSolver or {"auto", "dense", "splu", "iterative"}, optional
        Solver of the full system (see :func:`linkage.linkages`); the diagonal blocks
        ``I - A_rr`` are solved with the same method.
    method : str, optional
        Deprecated spelling of ``solver``.

    Returns
    -------
    DataFrame
        Indexed like ``table.sectors``, columns:

        - ``output_multiplier``: ``Σ_i l_ij``;
        - ``bl_intra``: ``Σ_{i∈r} l_ij``, output in the sector's own region ``r``;
        - ``bl_inter``: ``Σ_{i∉r} l_ij``, output in other regions (spillover);
        - ``intraregional``: column sum of ``(I - A_rr)⁻¹``, the own-region multiplier
          of the region in isolation;
        - ``feedback``: ``bl_intra - intraregional``;
        - ``spillover_share``: ``bl_inter / output_multiplier``;
        - ``fl_total``, ``fl_intra``, ``fl_inter``: row sums of ``L`` (Rasmussen
          forward linkage: output of the sector per unit of final demand of every
          sector) split into sectors of the same and of other regions.

        ``.attrs``: ``method``, ``residual``, ``regions``.

    Examples
    --------
    Two regions, one sector each (worked by hand in ``docs/multiregional.md``):

    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("north", "farm"), ("south", "farm")],
    ...                                 names=["region", "sector"])
    >>> t = IOTable.from_arrays([[20, 10], [30, 40]], final_demand=[70, 30], sectors=idx)
    >>> out = regional_linkages(t)
    >>> out[["bl_intra", "bl_inter", "intraregional", "feedback"]].round(4)
                   bl_intra  bl_inter  intraregional  feedback
    region sector
    north  farm      1.3333    0.6667         1.2500    0.0833
    south  farm      1.7778    0.2222         1.6667    0.1111
    """
    s = table_solver(table, solver, method, caller="regional_linkages")
    regions, codes = region_codes(table)
    r = regional_linkage_arrays(table.A, codes, s)
    own = np.arange(codes.size), codes
    col, row = r["col_by_region"], r["row_by_region"]
    m = col.sum(axis=1)
    bl_intra = col[own]
    fl_total = row.sum(axis=1)
    fl_intra = row[own]
    frame = pd.DataFrame(
        {
            "output_multiplier": m,
            "bl_intra": bl_intra,
            "bl_inter": m - bl_intra,
            "intraregional": r["intraregional"],
            "feedback": bl_intra - r["intraregional"],
            "spillover_share": np.divide(m - bl_intra, m, out=np.zeros_like(m), where=m != 0),
            "fl_total": fl_total,
            "fl_intra": fl_intra,
            "fl_inter": fl_total - fl_intra,
        },
        index=table.sectors,
    )
    frame.attrs.update(method=s.method, residual=r["residual"], regions=list(regions))
    return frame


def spillover_feedback(table, solver=None, *, method: str | None = None) -> pd.DataFrame:
    """Output of each region caused by the final demand for each region's products.

    With ``f⁽ˢ⁾`` the final demand for the products of region ``s`` (zero elsewhere),
    ``x = Σ_s L f⁽ˢ⁾``; the output of region ``r`` caused by ``f⁽ˢ⁾`` is
    ``1_rᵀ L f⁽ˢ⁾``. For ``r = s`` it splits into the *intraregional* effect
    ``1ᵀ(I - A_ss)⁻¹ f_s`` (the region alone) and the *feedback* effect (the rest);
    for ``r ≠ s`` it is the *spillover* from ``s`` to ``r``.

    Parameters
    ----------
    table : IOTable
        Sectors labelled by a ``(region, sector)`` MultiIndex.
    solver : LeontiefSolver or str, optional
        As in :func:`regional_linkages` (``method`` is its deprecated spelling).

    Returns
    -------
    DataFrame
        One row per (demand_region, output_region) pair, columns ``demand_region``,
        ``output_region``, ``output``, ``intraregional``, ``feedback``, ``spillover``
        (two of the last three are 0 on each row: ``output = intraregional + feedback``
        on the diagonal, ``output = spillover`` off it) and ``share`` (of the output
        caused by that demand region). ``output`` sums to ``1ᵀL f``.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("north", "farm"), ("south", "farm")],
    ...                                 names=["region", "sector"])
    >>> t = IOTable.from_arrays([[20, 10], [30, 40]], final_demand=[70, 30], sectors=idx)
    >>> spillover_feedback(t)[["demand_region", "output_region", "output", "feedback"]].round(2)
      demand_region output_region  output  feedback
    0         north         north   93.33      5.83
    1         north         south   46.67      0.00
    2         south         north    6.67      0.00
    3         south         south   53.33      3.33
    """
    s = table_solver(table, solver, method, caller="spillover_feedback")
    regions, codes = region_codes(table)
    r = regional_linkage_arrays(table.A, codes, s, f=table.f)
    R = len(regions)
    E = _indicator(codes, R)
    X = E.T @ r["by_demand_region"]  # X[out_region, demand_region]
    intra = E.T @ r["intra_demand"]  # per region, its own block's output
    rows = []
    for d in range(R):
        total = X[:, d].sum()
        for o in range(R):
            out = float(X[o, d])
            diag = o == d
            rows.append(
                {
                    "demand_region": regions[d],
                    "output_region": regions[o],
                    "output": out,
                    "intraregional": float(intra[d]) if diag else 0.0,
                    "feedback": out - float(intra[d]) if diag else 0.0,
                    "spillover": 0.0 if diag else out,
                    "share": out / total if total else 0.0,
                }
            )
    frame = pd.DataFrame(rows)
    frame.attrs.update(method=s.method, residual=r["residual"])
    return frame


def _relabel(table, sectors) -> IOTable:
    emp = None if table.employment is None else table.employment.to_numpy()
    with warnings.catch_warnings():
        # the same table under new labels: its warnings were issued when it was built
        warnings.simplefilter("ignore", LinkageWarning)
        return IOTable.from_arrays(
            table.Z,
            final_demand=table.final_demand.set_axis(sectors, axis=0),
            value_added=table.primary_inputs.set_axis(sectors, axis=0).T,
            total_output=np.asarray(table.x),
            employment=emp,
            sectors=sectors,
            name=table.name,
            units=table.units,
            diagnostics=table.diagnostics,
        )


def split_region_labels(table, sep: str = REGION_SEPARATOR) -> IOTable:
    """A ``(region, sector)`` table from one whose labels read ``"<region><sep><sector>"``.

    Wide CSV/Excel files have one label column; this is how a multi-regional table
    travels through them (:func:`join_region_labels` is the inverse). A table that is
    already multi-regional is returned unchanged.

    Raises
    ------
    InvalidTableError
        When a label has no ``sep`` (the message lists the first ones).

    Examples
    --------
    >>> t = IOTable.from_arrays([[1, 2], [3, 4]], final_demand=[5, 6],
    ...                         sectors=["Jabar|padi", "Jatim|padi"])
    >>> split_region_labels(t).sectors.tolist()
    [('Jabar', 'padi'), ('Jatim', 'padi')]
    """
    if isinstance(table.sectors, pd.MultiIndex):
        return table
    labels = [str(s) for s in table.sectors]
    bad = [s for s in labels if sep not in s]
    if bad:
        raise InvalidTableError(
            f"{len(bad)} of {len(labels)} sector labels have no region separator {sep!r} "
            f"(expected '<region>{sep}<sector>'): {bad[:5]}"
        )
    pairs = [tuple(part.strip() for part in s.split(sep, 1)) for s in labels]
    return _relabel(table, pd.MultiIndex.from_tuples(pairs, names=["region", "sector"]))


def join_region_labels(table, sep: str = REGION_SEPARATOR) -> IOTable:
    """The inverse of :func:`split_region_labels`: labels ``"<region><sep><sector>"``.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.MultiIndex.from_tuples([("n", "a"), ("s", "a")], names=["region", "sector"])
    >>> t = IOTable.from_arrays([[1, 2], [3, 4]], final_demand=[5, 6], sectors=idx)
    >>> join_region_labels(t).sectors.tolist()
    ['n|a', 's|a']
    """
    if not isinstance(table.sectors, pd.MultiIndex):
        return table
    ri, si = region_sector_levels(table.sectors)
    labels = [f"{lab[ri]}{sep}{lab[si]}" for lab in table.sectors]
    return _relabel(table, pd.Index(labels, name="sector"))


# ---------------------------------------------------------------------------- aggregation
def _as_mapping(mapping, what: str) -> dict:
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
    index = table.sectors
    smap = _as_mapping(sectors, "sector")
    rmap = _as_mapping(regions, "region")
    multi = isinstance(index, pd.MultiIndex)
    if rmap and not multi:
        raise InvalidTableError("regions can be aggregated only in a (region, sector) table")
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
    known = set(index) | set(
        index.get_level_values(region_sector_levels(index)[1]) if multi else index
    )
    extra = [k for k in smap if k not in known]
    if missing_s:
        if multi:
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
    if multi:
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


def split_region_column(label: str):
    """``("Jabar", "households")`` from a final-demand label ``"Jabar|households"``, else None.

    Examples
    --------
    >>> split_region_column("Jabar|households"), split_region_column("exports")
    (('Jabar', 'households'), None)
    """
    if REGION_SEPARATOR in label:
        reg, cat = label.split(REGION_SEPARATOR, 1)
        return reg, cat
    return None


def _aggregate_region_columns(fd: pd.DataFrame, rmap: dict) -> pd.DataFrame:
    if not rmap:
        return fd
    parts = [split_region_column(str(c)) for c in fd.columns]
    if not all(p is not None and p[0] in {str(k) for k in rmap} for p in parts):
        return fd
    smap = {str(k): str(v) for k, v in rmap.items()}
    new = [f"{smap[p[0]]}{REGION_SEPARATOR}{p[1]}" for p in parts]
    out = fd.T.groupby(pd.Index(new, name=fd.columns.name), sort=False).sum().T
    return out
