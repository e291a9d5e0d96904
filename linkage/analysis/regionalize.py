"""Regional input-output tables from a national (or provincial) one.

A district rarely has its own survey-based table. The usual non-survey route (Miller &
Blair 2009, ch. 8) takes the reference economy's input coefficients ``a_ij`` and scales
them down by a *location quotient* that measures how well the region can supply itself:

.. math::

    r_{ij} = a_{ij} \\min(1, LQ_{ij})

:func:`regionalize` builds the regional table in named steps: the measures by table sector
(:mod:`linkage.analysis.concordance` when the classifications differ), the location
quotients (:mod:`linkage.analysis.lq`), the regional output, the intermediate block and
primary inputs, the final demand and the employment (choices: ``docs/regional.md``).
Balancing to known totals: :func:`linkage.analysis.ras.ras`; choosing the method and
``delta`` against known tables: :mod:`linkage.analysis.calibration`; references:
:mod:`linkage.analysis.lq`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..core.diagnostics import Diagnostics
from ..core.numeric import safe_divide, safe_reciprocal
from ..core.params import check_choice
from ..core.table import DEFAULT_BALANCE_RTOL, IOTable
from ..errors import DataQualityWarning, InvalidTableError, UnbalancedTableWarning
from .concordance import CONCORDANCES, apply_concordance
from .lq import METHODS, check_delta, lq_matrix, measure_series, regional_coefficients

__all__ = [
    "MEASURES",
    "RegionalResult",
    "regionalize",
    "REST_OF_COUNTRY",
    "EXPORTS_REST_OF_COUNTRY",
]

MEASURES = ("output", "grdp", "employment")
#: Primary-input row holding the region's purchases from the rest of the reference economy.
REST_OF_COUNTRY = "imports from rest of country"
#: Final-demand column holding what the region's producers sell beyond the reference economy's
#: final-demand pattern scaled to their output: sales to industries in the rest of the
#: reference economy.
EXPORTS_REST_OF_COUNTRY = "exports to rest of country"


@dataclass
class RegionalResult:
    """What :func:`regionalize` builds, with ``details=True``.

    Attributes
    ----------
    table : IOTable
        The regional table.
    lq : DataFrame
        Location quotients used (see :func:`linkage.analysis.lq.location_quotients`),
        ``.attrs`` with lambda.
    slq : Series
        Simple location quotients.
    lam : float
        Flegg's lambda (1 for SLQ and CILQ).
    regional_output : Series
        ``x_r`` by sector.
    national_output : Series
        The reference table's output by sector (after any aggregation).
    measure : DataFrame
        Regional and national measure by table sector (after concordance).
    diagnostics : Diagnostics
        Everything that was derived, reinterpreted or looks suspicious.
    """

    table: IOTable
    lq: pd.DataFrame
    slq: pd.Series
    lam: float
    regional_output: pd.Series
    national_output: pd.Series
    measure: pd.DataFrame
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def _measure_name(values, name: str) -> str:
    """``"regional measure"``, with the file it was read from when known
    (:func:`linkage.io.read_measure` sets ``attrs["source"]``)."""
    source = values.attrs.get("source") if isinstance(values, (pd.Series, pd.DataFrame)) else None
    return f"{name} measure ({source})" if source else f"{name} measure"


def _label_array(values, labels, name):
    """An unlabelled 1-D array of the table's length is taken in the table's sector order."""
    if isinstance(values, (pd.Series, pd.DataFrame, dict)):
        return values
    a = np.asarray(values)
    if a.ndim == 1 and a.size == len(labels):
        return pd.Series(a, index=labels)
    raise InvalidTableError(
        f"{name} must be labelled by sector, or an array of {len(labels)} values in "
        f"the table's sector order (got shape {a.shape})"
    )


def _align(measure: pd.Series, sectors: pd.Index, name: str, diag=None) -> pd.Series:
    """The measure in the table's sector order; sectors the table lacks are an error unless
    their value is 0 (then dropped, and said in ``diag``)."""
    labels = [str(s) for s in sectors]
    known = set(labels)
    missing = [s for s in labels if s not in measure.index]
    extra = [s for s in measure.index if s not in known]
    nonzero = [s for s in extra if measure[s] != 0]
    if missing or nonzero:
        parts = []
        if missing:
            parts.append(f"missing {missing[:5]}{' ...' if len(missing) > 5 else ''}")
        if nonzero:
            parts.append(f"not in the table {nonzero[:5]}{' ...' if len(nonzero) > 5 else ''}")
        raise InvalidTableError(
            f"{name} does not match the table's sectors: {'; '.join(parts)} (give a mapping "
            "for another classification)"
        )
    if extra and diag is not None:
        diag.add(
            "zero_sectors_dropped",
            f"{name}: {len(extra)} sector(s) not in the table with value 0 left out: {extra[:5]}",
            count=len(extra),
        )
    return measure.reindex(labels)


def _report_unbalanced_reference(table, x_r, sectors, diag) -> None:
    """Column j of the regional table adds up to ``x_r,j (1'Z + v)_j / x_n,j``: it inherits
    the reference table's relative column gap; say so once, for the caller."""
    x_n = np.asarray(table.x, dtype=float)
    col = np.asarray(table.Z.sum(axis=0)).ravel() + table.v
    rel = safe_divide(col - x_n, x_n)
    bad = (np.abs(rel) > DEFAULT_BALANCE_RTOL) & (x_r > 0)
    if not bad.any():
        return
    order = np.flatnonzero(bad)[np.argsort(-np.abs(rel[bad]), kind="stable")]
    worst = ", ".join(f"{str(sectors[k])!r} {rel[k]:+.2%}" for k in order[:5])
    diag.add(
        "reference_unbalanced",
        f"the reference table's column totals (1'Z + v) differ from its output in "
        f"{int(bad.sum())} sector(s) the region has; the regional table inherits the same "
        f"relative gaps (column total / output - 1): {worst}",
        count=int(bad.sum()),
        level="warning",
        warn=UnbalancedTableWarning,
        stacklevel=4,
    )


def _add_line(block, labels, line, name, sectors, diag, kind) -> pd.DataFrame:
    """``block`` (n x k, sectors as rows) with ``line`` as a new first entry ``name``, or
    added to an existing entry of that name (a table regionalized before), as a frame with
    the entries as rows and the sectors as columns."""
    if name in labels:
        k = labels.index(name)
        block = block.copy()
        block[:, k] += line
        diag.add(
            f"rest_of_country_{kind}_combined",
            f"the table already has a {kind} {name!r} (it was regionalized before): the "
            "region's new trade with the rest of the reference economy is added to it",
        )
        return pd.DataFrame(block.T, index=labels, columns=sectors)
    return pd.DataFrame(np.column_stack([line, block]).T, index=[name, *labels], columns=sectors)


def regionalize(
    table: IOTable,
    regional,
    national=None,
    method: str = "flq",
    delta: float = 0.3,
    mapping=None,
    measure: str = "output",
    *,
    concordance: str = "split",
    region: str = "",
    split_final_demand: bool = True,
    details: bool = False,
):
    """Derive a regional IO table from a national (or provincial) one by location quotients.

    Parameters
    ----------
    table : IOTable
        The reference economy's table (national, or a province when regionalizing to a
        district). Its intermediate block should hold domestic flows.
    regional : Series, dict or two-column DataFrame
        The region's measure by sector (output, GRDP or employment).
    national : same, optional
        The same measure for the reference economy. Default: the table's total output
        (``measure="output"``) or its employment (``measure="employment"``); required for
        ``measure="grdp"``.
    method : {"slq", "cilq", "flq", "aflq"}
    delta : float
        FLQ/AFLQ parameter in [0, 1) (Flegg & Webber 1997 suggest 0.3).
    mapping : Series, dict or two-column DataFrame, optional
        Pairs (table sector, regional sector), when the measure uses another
        classification; either column order (the side holding only table sectors is the
        table side). Every table sector must appear; a table sector may have several
        regional sectors (regional data finer: their measures are summed) and a regional
        sector several table sectors (coarser: see ``concordance``).
    measure : {"output", "grdp", "employment"}
        What the measure is. Output is used as the region's output directly; GRDP and
        employment are turned into output with the reference economy's output-to-measure
        ratio: ``x_r,i = m_r,i * x_n,i / m_n,i``.
    concordance : {"split", "aggregate"}
        With a mapping: ``"split"`` keeps the table's classification and divides each
        regional sector's measure (and the national one if given in the regional
        classification) among its table sectors in proportion to the table's national
        output; ``"aggregate"`` sums the table to groups of table sectors that share
        regional sectors (see ``docs/regional.md``).
    region : str
        Name of the region, used in the table's name.
    split_final_demand : bool
        Final-demand categories scaled from the reference table plus
        ``"exports to rest of country"`` (True), or the residual ``x_r - Z_r 1`` in one
        column (False).
    details : bool
        Return a :class:`RegionalResult` instead of the table alone.

    Returns
    -------
    IOTable or RegionalResult
        Intermediate block: the region's purchases from regional producers,
        ``Z_r = R x̂_r`` with ``R = A ∘ min(1, LQ)``. Primary inputs: the reference table's
        rows scaled by its coefficients (``v_kj / x_j * x_r,j``) plus a row
        ``"imports from rest of country"`` = ``Σ_i (a_ij - r_ij) x_r,j``. Final demand:
        each of the reference table's categories scaled like the primary inputs
        (``f_ik / x_n,i * x_r,i``) plus a column ``"exports to rest of country"`` holding
        the rest of ``x_r - Z_r 1`` (what the region's producers sell to industries
        elsewhere in the reference economy), so rows and columns balance whenever the
        reference table does. A table regionalized before gets its existing row and column
        of these names added to.

    Examples
    --------
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=[350, 1700],
    ...                         value_added=[650, 1400], sectors=["agri", "manu"])
    >>> reg = regionalize(t, {"agri": 300, "manu": 100}, method="flq", delta=0.3)
    >>> reg.x
    array([300., 100.])
    >>> bool((reg.A <= t.A + 1e-15).all())
    True
    >>> float(reg.balance()["rel_gap"].abs().max()) < 1e-12
    True
    """
    func = "regionalize"
    check_choice("method", method, METHODS, func)
    check_choice("measure", measure, MEASURES, func)
    check_choice("concordance", concordance, CONCORDANCES, func)
    delta = check_delta(delta, func)
    if table.is_multiregional:
        raise InvalidTableError("regionalize needs a single-region table, got a multi-regional one")
    diag = Diagnostics()
    table, r, n = _measures_by_sector(
        table, regional, national, mapping, measure, concordance, diag
    )
    sectors = table.sectors
    rv, nv = r.to_numpy(dtype=float), n.to_numpy(dtype=float)
    _check_reference_activity(r.index, rv, nv, measure)
    lq, slq, lam = lq_matrix(rv, nv, method=method, delta=delta)
    _report_regional_excess(r.index, rv, nv, diag)
    x_n = np.asarray(table.x, dtype=float)
    x_r = _regional_output(r.index, rv, nv, x_n, measure, diag)

    A = table.A.toarray() if sp.issparse(table.A) else np.asarray(table.A, dtype=float)
    Rc = regional_coefficients(A, lq)
    Z_r = Rc * x_r[np.newaxis, :]
    inv_xn = safe_reciprocal(x_n)
    share_x = x_r * inv_xn  # the region's share of each sector's output
    value_added = _regional_primary_inputs(table, A, Rc, x_r, share_x, diag)
    _report_unbalanced_reference(table, x_r, sectors, diag)
    final_demand = _regional_final_demand(
        table, Z_r, x_r, share_x, r.index, split_final_demand, diag
    )
    employment = _regional_employment(table, measure, rv, inv_xn, x_r, diag)
    diag.add(
        "regionalized",
        f"{method.upper()} regionalization"
        + (f", delta={delta:g}, lambda={lam:.6g}" if method in ("flq", "aflq") else "")
        + f"; regional share of the measure R/N = {rv.sum() / nv.sum():.6g}",
    )
    name = f"{table.name or 'table'} regionalized to {region or 'region'} ({method.upper()})"
    with warnings.catch_warnings():
        # reported above (the reference table's own gaps) or already by the caller's table
        warnings.simplefilter("ignore", DataQualityWarning)
        warnings.simplefilter("ignore", UnbalancedTableWarning)
        reg = IOTable.from_arrays(
            Z_r,
            final_demand=final_demand,
            value_added=value_added,
            total_output=x_r,
            employment=employment,
            sectors=sectors,
            name=name,
            units=table.units,
            diagnostics=diag,
        )
    if not details:
        return reg
    return _regional_result(reg, lq, slq, lam, method, delta, r.index, x_r, x_n, rv, nv)


# ---------------------------------------------------------------------------- the steps
def _regional_result(reg, lq, slq, lam, method, delta, index, x_r, x_n, rv, nv):
    """The :class:`RegionalResult` of ``details=True``: the table and what built it."""
    lq_frame = pd.DataFrame(lq, index=index.rename("seller"), columns=index.rename("buyer"))
    slq_s = pd.Series(slq, index=index, name="slq")
    lq_frame.attrs.update(
        method=method,
        delta=delta if method in ("flq", "aflq") else None,
        slq=slq_s,
        **{"lambda": lam},
    )
    return RegionalResult(
        table=reg,
        lq=lq_frame,
        slq=slq_s,
        lam=lam,
        regional_output=pd.Series(x_r, index=index, name="regional_output"),
        national_output=pd.Series(x_n, index=index, name="national_output"),
        measure=pd.DataFrame({"regional": rv, "national": nv}, index=index),
        diagnostics=reg.diagnostics,
    )


def _measures_by_sector(table, regional, national, mapping, measure, concordance, diag):
    """The regional and national measures as Series in the (possibly aggregated) table's
    sector order; the national one defaults to the table's output or employment."""
    labels = [str(s) for s in table.sectors]
    rname, nname = _measure_name(regional, "regional"), _measure_name(national, "national")
    r = measure_series(_label_array(regional, labels, rname), rname)
    n = None if national is None else measure_series(_label_array(national, labels, nname), nname)
    if mapping is not None:
        table, r, n = apply_concordance(table, mapping, r, n, concordance, diag, (rname, nname))
    r = _align(r, table.sectors, rname, diag)
    if n is None:
        n = _national_from_table(table, measure, r.index, diag)
    else:
        n = _align(n, table.sectors, nname, diag)
    return table, r, n


def _national_from_table(table, measure: str, index: pd.Index, diag) -> pd.Series:
    """The national measure the table holds: its output, or its employment."""
    if measure == "output":
        return pd.Series(np.asarray(table.x, dtype=float), index=index)
    if measure == "employment" and table.employment is not None:
        n = pd.Series(table.employment.to_numpy(), index=index)
        diag.add("national_from_table", "national employment taken from the table")
        return n
    raise InvalidTableError(
        f"measure={measure!r} needs the national {measure} by sector (the table does "
        "not hold it); pass national="
    )


def _check_reference_activity(index: pd.Index, rv, nv, measure: str) -> None:
    """Regional activity in a sector the reference economy lacks is an error."""
    absent = (nv == 0) & (rv > 0)
    if absent.any():
        k = int(np.flatnonzero(absent)[0])
        raise InvalidTableError(
            f"sector {index[k]!r} has regional activity ({rv[k]:g}) but none in the reference "
            f"economy (national {measure} 0); the location quotient is undefined"
        )


def _report_regional_excess(index: pd.Index, rv, nv, diag) -> None:
    """Warn about sectors whose regional measure exceeds the national one."""
    over = rv > nv * (1 + 1e-9)
    if over.any():
        diag.add(
            "regional_exceeds_national",
            f"regional measure exceeds the national one in {int(over.sum())} sector(s): "
            f"{list(index[over][:5])}",
            count=int(over.sum()),
            level="warning",
            warn=DataQualityWarning,
            stacklevel=4,
        )


def _regional_output(index: pd.Index, rv, nv, x_n, measure: str, diag) -> np.ndarray:
    """``x_r``: the measure itself, or the measure times the national output-to-measure
    ratio; zero where the table has no input structure to give the sector."""
    if measure == "output":
        x_r = rv.copy()
    else:
        x_r = np.zeros_like(rv)
        ok = nv > 0
        x_r[ok] = rv[ok] * x_n[ok] / nv[ok]
        diag.add(
            "output_from_measure",
            f"regional output = regional {measure} x national output / national {measure} "
            "(the reference economy's output-to-measure ratio, sector by sector)",
            count=int(ok.sum()),
        )
    no_structure = (rv > 0) & (x_n == 0)
    if no_structure.any():
        diag.add(
            "no_input_structure",
            f"{int(no_structure.sum())} sector(s) have regional {measure} but the table has "
            f"zero output there, so no input structure to give them: "
            f"{list(index[no_structure][:5])} get zero regional output",
            count=int(no_structure.sum()),
            level="warning",
            warn=DataQualityWarning,
            stacklevel=4,
        )
        x_r[no_structure] = 0.0
    zero = x_r == 0
    if zero.any():
        diag.add(
            "zero_regional_activity",
            f"{int(zero.sum())} sector(s) with no regional activity get zero output and zero "
            f"coefficients: {list(index[zero][:10])}",
            count=int(zero.sum()),
        )
    return x_r


def _regional_primary_inputs(table, A, Rc, x_r, share_x, diag) -> pd.DataFrame:
    """The reference table's primary-input rows scaled to the region, with the purchases
    from the rest of the reference economy, ``Σ_i (a_ij - r_ij) x_r,j``, as a row."""
    sectors = table.sectors
    rest = ((A - Rc) * x_r[np.newaxis, :]).sum(axis=0)
    pi_r = table.primary_inputs.to_numpy(dtype=float) * share_x[:, np.newaxis]
    pi_labels = [str(c) for c in table.primary_inputs.columns]
    return _add_line(pi_r, pi_labels, rest, REST_OF_COUNTRY, sectors, diag, "row")


def _regional_final_demand(table, Z_r, x_r, share_x, index, split, diag) -> pd.DataFrame:
    """Final demand ``x_r - Z_r 1``: split into the reference table's categories scaled to
    the region plus the exports to the rest of the country, or in one residual column."""
    sectors = table.sectors
    f_r = x_r - Z_r.sum(axis=1)
    neg = f_r < -1e-9 * np.maximum(x_r, 1.0)
    if neg.any():
        diag.add(
            "negative_residual_final_demand",
            f"residual final demand x_r - Z_r 1 is negative in {int(neg.sum())} sector(s) "
            f"(the region uses more of them than it makes): {list(index[neg][:5])}",
            count=int(neg.sum()),
            level="warning",
            warn=DataQualityWarning,
            stacklevel=4,
        )
    if not split:
        diag.add("final_demand_residual", "regional final demand = x_r - Z_r 1 in one column")
        return pd.DataFrame(f_r[:, np.newaxis], index=sectors, columns=["final demand (residual)"])
    fd_r = table.final_demand.to_numpy(dtype=float) * share_x[:, np.newaxis]
    beyond = f_r - fd_r.sum(axis=1)
    fd_labels = [str(c) for c in table.final_demand.columns]
    final_demand = _add_line(
        fd_r, fd_labels, beyond, EXPORTS_REST_OF_COUNTRY, sectors, diag, "column"
    ).T
    diag.add(
        "final_demand_split",
        "regional final demand: each of the reference table's final-demand categories "
        "times the region's share of the sector's output (x_r,i / x_n,i); the rest of "
        f"x_r - Z_r 1 in {EXPORTS_REST_OF_COUNTRY!r} (the region's sales to industries "
        "in the rest of the reference economy)",
    )
    low = beyond < -1e-9 * np.maximum(x_r, 1.0)
    if low.any():
        diag.add(
            "negative_exports_rest_of_country",
            f"{EXPORTS_REST_OF_COUNTRY!r} is negative in {int(low.sum())} sector(s): the "
            "region's own industries buy more of them than the reference economy's "
            f"pattern leaves for them: {list(index[low][:5])}",
            count=int(low.sum()),
        )
    return final_demand


def _regional_employment(table, measure: str, rv, inv_xn, x_r, diag):
    """Jobs by sector: the measure itself, or national jobs per unit of output times x_r."""
    if measure == "employment":
        return rv
    if table.employment is not None:
        employment = table.employment.to_numpy(dtype=float) * inv_xn * x_r
        diag.add("employment_scaled", "regional employment = national jobs per unit output x x_r")
        return employment
    return None
