"""Output, income, employment and value-added multipliers of an input-output table.

Open model (type I): ``m_j = Σ_i c_i l_ij`` for a coefficient vector ``c`` (wages, jobs or
value added per unit of output), all in one transposed solve with the factorization of
``I - A``. Type II closes the model with respect to households (Miller & Blair 2009,
ch. 6). The wages row, household-consumption column and value-added row are found by
their labels (Indonesian, English and Finnish names, BPS codes) unless given.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.numeric import safe_divide
from ..core.params import table_solver
from ..core.solver import LeontiefSolver
from ..errors import InvalidTableError, SingularSystemError
from .closed import closed_coefficients, closed_solver
from .roles import ROLES, choose, value_added_choice

__all__ = [
    "multipliers",
    "multiplier_arrays",
    "household_accounts",
    "household_coefficients",
    "employment_values",
    "value_added_values",
]


def _pick(frame: pd.DataFrame, spec, key: str, notes: list):
    """Choose a column of ``frame`` (sectors x categories) by ``spec``.

    ``spec`` None: the label found by the rules of :mod:`linkage.analysis.roles` (the
    choice and its rule go to ``notes``; none found: None, with a note; two or more: an
    error); False: skip; a label: must exist; array-like: values by sector. Returns
    (values or None, label or None).
    """
    role = ROLES.get(key)
    what, n = (role.what if role else key), len(frame.index)
    if spec is False:
        notes.append(f"{what}: not used (switched off)")
        return None, None
    label = spec is None or isinstance(spec, (str, int, tuple)) and not isinstance(spec, bool)
    if label and role is None:
        raise InvalidTableError(f"{what} must be values by sector, not {spec!r}")
    if label:
        found = choose(frame.columns, key, spec)
        if found is None:
            notes.append(
                f"{what}: no {role.where} recognized as {what} (by name or code); its "
                f"multipliers are omitted; name it with {role.option} LABEL"
            )
            return None, None
        notes.append(found.note())
        return frame[found.labels[0]].to_numpy(dtype=float), found.labels[0]
    if isinstance(spec, pd.Series) and not spec.index.equals(frame.index):
        if set(spec.index) == set(frame.index):
            spec = spec.reindex(frame.index)
    values = np.asarray(spec, dtype=float).ravel()
    if values.shape != (n,):
        raise InvalidTableError(f"{what} must have shape ({n},), has {values.shape}")
    if not np.all(np.isfinite(values)):
        raise InvalidTableError(f"{what} has non-finite values")
    return values, "(given)"


def household_accounts(table, wages=None, household=None, notes: list | None = None):
    """The wages row and household-consumption column of ``table``, found as
    :func:`multipliers` finds them.

    ``wages`` and ``household`` as in :func:`multipliers`; ``notes`` collects what was
    guessed or missing. Returns ``(wages or None, label, household or None, label)``.

    Examples
    --------
    >>> from linkage import IOTable
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]],
    ...     final_demand=pd.DataFrame({"household consumption": [50, 400],
    ...                                "exports": [300, 1300]}),
    ...     value_added=pd.DataFrame([[300, 500], [550, 1000]], index=["wages", "surplus"]))
    >>> w, wl, h, hl = household_accounts(t)
    >>> w.tolist(), wl, h.tolist(), hl
    ([300.0, 500.0], 'wages', [50.0, 400.0], 'household consumption')
    """
    notes = [] if notes is None else notes
    wage_values, wage_label = _pick(table.primary_inputs, wages, "wages", notes)
    hh_values, hh_label = _pick(table.final_demand, household, "household", notes)
    return wage_values, wage_label, hh_values, hh_label


def value_added_values(table, spec=None, notes: list | None = None):
    """Value added by sector: the given values or row label(s), a 'value added' row, or
    the primary inputs that are neither imports nor totals (the rules of
    :mod:`linkage.analysis.roles`, stated in ``notes``). Returns ``(values or None, label)``."""
    notes = [] if notes is None else notes
    pi = table.primary_inputs
    if spec is False:
        notes.append("value added: not used (switched off)")
        return None, None
    labels = spec is None or isinstance(spec, (str, tuple))
    if not labels and not isinstance(spec, (pd.Series, np.ndarray)):
        labels = all(isinstance(c, (str, tuple)) for c in spec)
    if not labels:
        return _pick(pi, spec, "value_added", notes)
    found = value_added_choice(pi.columns, spec)
    if found is None:
        notes.append("value added: only import/total rows among primary inputs; omitted")
        return None, None
    notes.append(found.note())
    return pi[list(found.labels)].to_numpy(dtype=float).sum(axis=1), found.label


def multiplier_arrays(
    solver: LeontiefSolver,
    A,
    *,
    wage_coef=None,
    employment_coef=None,
    value_added_coef=None,
    household_coef=None,
    household_own_coef: float = 0.0,
    labels=None,
) -> dict:
    """Output, income, employment and value-added multipliers from coefficient vectors.

    Parameters
    ----------
    solver : LeontiefSolver
        Factorization of ``I - A`` (the open model).
    A : ndarray or scipy.sparse array
        Input coefficients (for the closed model).
    wage_coef, employment_coef, value_added_coef : ndarray (n,), optional
        Per unit of output: ``w_i = wages_i / x_i``, ``e_i = jobs_i / x_i``,
        ``v_i = value added_i / x_i``.
    household_coef : ndarray (n,), optional
        Household consumption per unit of total household income, ``h_i = c_i / W``:
        with ``wage_coef`` it closes the model with respect to households.
    household_own_coef : float
        Households' purchases of household labour per unit of household income (the
        household-household cell of Miller & Blair 2009, section 2.5), default 0.

    Returns
    -------
    dict of ndarray
        ``output`` always; ``income``, ``income_type_i`` with wages; ``employment``,
        ``employment_type_i`` with employment; ``value_added`` with value added;
        and with wages and households the closed-model ``output_total``,
        ``income_total``, ``income_type_ii`` (and ``employment_type_ii``). Type I/II
        ratios are NaN where the sector's own coefficient is 0. ``residual``: the worst
        relative residual.

    Notes
    -----
    Open model: ``m_j = Σ_i c_i l_ij``, i.e. ``(I - A)ᵀ m = c``, all coefficient vectors
    in one transposed solve. Closed model: the (n+1)-sector system

    .. math::

        \\bar A = \\begin{pmatrix} A & h \\\\ w^\\top & a_{hh} \\end{pmatrix}, \\qquad
        \\bar L = (I - \\bar A)^{-1}

    solved with a new :class:`LeontiefSolver`; ``income_total_j = l̄_{n+1,j}``,
    ``output_total_j = Σ_{i<=n} l̄_ij``, ``income_type_ii_j = l̄_{n+1,j} / w_j``.

    Examples
    --------
    >>> A = np.array([[0.15, 0.25], [0.20, 0.05]])
    >>> m = multiplier_arrays(LeontiefSolver(A), A, value_added_coef=np.array([0.65, 0.70]))
    >>> m["value_added"].round(12)      # balanced table: each unit of demand is 1 of VA
    array([1., 1.])
    """
    n = solver.n
    rhs = {"output": np.ones(n)}
    if wage_coef is not None:
        rhs["income"] = wage_coef
    if employment_coef is not None:
        rhs["employment"] = employment_coef
    if value_added_coef is not None:
        rhs["value_added"] = value_added_coef
    M = solver.solve(np.column_stack(list(rhs.values())), transpose=True)
    residual = solver.last_info.residual
    out = {name: M[:, k] for k, name in enumerate(rhs)}
    if wage_coef is not None:
        out["income_type_i"] = safe_divide(out["income"], wage_coef, np.nan)
    if employment_coef is not None:
        out["employment_type_i"] = safe_divide(out["employment"], employment_coef, np.nan)
    if wage_coef is not None and household_coef is not None:
        Abar = closed_coefficients(A, wage_coef, household_coef, household_own_coef)
        closed = closed_solver(solver, Abar, labels)
        cols = [np.r_[np.ones(n), 0.0], np.r_[np.zeros(n), 1.0]]
        if employment_coef is not None:
            cols.append(np.r_[employment_coef, 0.0])
        Mbar = closed.solve(np.column_stack(cols), transpose=True)[:n]
        residual = max(residual, closed.last_info.residual)
        out["output_total"] = Mbar[:, 0]
        out["income_total"] = Mbar[:, 1]
        out["income_type_ii"] = safe_divide(Mbar[:, 1], wage_coef, np.nan)
        if employment_coef is not None:
            out["employment_type_ii"] = safe_divide(Mbar[:, 2], employment_coef, np.nan)
    out["residual"] = residual
    return out


_MULTIPLIER_ORDER = [
    "output",
    "output_total",
    "income",
    "income_type_i",
    "income_total",
    "income_type_ii",
    "employment",
    "employment_type_i",
    "employment_type_ii",
    "value_added",
]


def multipliers(
    table,
    wages=None,
    household=None,
    employment=None,
    value_added=None,
    *,
    household_income=None,
    household_own: float = 0.0,
    solver=None,
    method: str | None = None,
) -> pd.DataFrame:
    """Output, income (simple, type I, type II), employment and value-added multipliers.

    Parameters
    ----------
    table : IOTable
    wages : str, array_like, False or None
        The wages row: a label of ``table.primary_inputs`` (the published primary-input
        rows), values by sector, or False to skip. Default: the row named "Upah dan
        gaji", "wages", "compensation of employees" ... or with BPS code 201; an exact
        name beats a label that only contains one, and two rows under the deciding rule
        are an error (:mod:`linkage.analysis.roles`).
    household : str, array_like, False or None
        The household-consumption column of ``table.final_demand`` (default: "Konsumsi
        Rumah Tangga", "household consumption" ... or BPS code 3011; never the NPISH
        column, "LNPRT"), or values by
        sector, or False. With wages it closes the model for the type II multipliers.
    employment : array_like, False or None
        Jobs by sector; default ``table.employment``.
    value_added : str, array_like, False or None
        A label or a list of labels (summed). Default: a "value added"/"nilai tambah"
        row (BPS 2090) if there is one (never a tax or a part such as "Value added
        tax"), else the sum of the primary-input rows that are not imports or totals.
    household_income : float, optional
        Total household income ``W`` that divides household consumption in the closed
        model (``x_{n+1}`` of Miller & Blair 2009, section 2.5); default the sum of the
        wages row plus ``household_own``.
    household_own : float
        Households' purchases of household labour (domestic services), the
        household-household cell of the closed model; default 0.
    solver : LeontiefSolver or {"auto", "dense", "splu", "iterative"}, optional
        As in :func:`linkages`; the closed model is solved with the same method.
    method : str, optional
        Deprecated spelling of ``solver``.

    Returns
    -------
    DataFrame
        Indexed by sector; ``output`` always, then whichever of ``output_total``,
        ``income``, ``income_type_i``, ``income_total``, ``income_type_ii``,
        ``employment``, ``employment_type_i``, ``employment_type_ii``, ``value_added``
        the table supports. A row or column that is absent just omits its columns; the
        reasons are listed in ``.attrs["notes"]``. ``.attrs`` also has ``method``,
        ``residual``, ``wages``, ``household``, ``value_added`` (labels used).
        Type I/II ratios are NaN for sectors with zero wages (or jobs): the ratio is not
        defined there (counted in the notes).

    Raises
    ------
    InvalidTableError
        An explicit row or column label that the table does not have.

    Notes
    -----
    With ``w_j = wages_j / x_j``: simple income multiplier ``Σ_i w_i l_ij``; type I
    ``= Σ_i w_i l_ij / w_j``; type II ``= l̄_{n+1,j} / w_j`` from the model closed with
    respect to households (households become sector n+1, selling labour ``w`` and buying
    ``h = c / W``). Employment uses ``e_j = jobs_j / x_j``, value added
    ``v_j = VA_j / x_j``. Zero-output sectors have zero coefficients.

    References
    ----------
    Miller, R. E., & Blair, P. D. (2009). *Input-Output Analysis*, 2nd ed., ch. 6
    (multipliers; type I and II). doi:10.1017/CBO9780511626982

    Examples
    --------
    >>> import pandas as pd
    >>> from linkage import IOTable
    >>> sectors = ["agriculture", "manufacturing"]
    >>> fd = pd.DataFrame({"household consumption": [250, 1200], "exports": [100, 500]},
    ...                   index=sectors)
    >>> va = pd.DataFrame({"agriculture": [300, 350], "manufacturing": [800, 600]},
    ...                   index=["wages", "surplus"])
    >>> t = IOTable.from_arrays([[150, 500], [200, 100]], final_demand=fd,
    ...                         value_added=va, sectors=sectors)
    >>> m = multipliers(t)
    >>> m[["output", "income", "income_type_i", "income_type_ii", "value_added"]].round(4)
                   output  income  income_type_i  income_type_ii  value_added
    sector
    agriculture    1.5182  0.4818         1.6062          5.4850          1.0
    manufacturing  1.4521  0.5479         1.3696          4.6773          1.0
    >>> m.attrs["wages"], m.attrs["household"]
    ('wages', 'household consumption')
    """
    solver = table_solver(table, solver, method, caller="multipliers")
    notes: list[str] = []
    x = np.asarray(table.x, dtype=float)
    wage_values, wage_label, hh_values, hh_label = household_accounts(
        table, wages, household, notes
    )
    jobs, jobs_label = employment_values(table, employment, notes)
    va_values, va_label = value_added_values(table, value_added, notes)
    household_coef, W = household_coefficients(
        hh_values, wage_values, household_income, household_own, notes
    )
    r = _solve_open_and_closed(
        solver,
        table,
        household_coef,
        W,
        notes,
        household_own_coef=0.0 if W is None or household_coef is None else household_own / W,
        wage_coef=None if wage_values is None else safe_divide(wage_values, x, 0.0),
        employment_coef=None if jobs is None else safe_divide(jobs, x, 0.0),
        value_added_coef=None if va_values is None else safe_divide(va_values, x, 0.0),
    )
    for name in ("income_type_i", "income_type_ii", "employment_type_i", "employment_type_ii"):
        if name in r and np.isnan(r[name]).any():
            k = int(np.isnan(r[name]).sum())
            notes.append(f"{name}: undefined (NaN) for {k} sector(s) with a zero own coefficient")
    columns = [c for c in _MULTIPLIER_ORDER if c in r]
    frame = pd.DataFrame({c: r[c] for c in columns}, index=table.sectors)
    frame.attrs = {
        "method": solver.method,
        "residual": float(r["residual"]),
        "wages": None if wage_label is None else str(wage_label),
        "household": None if hh_label is None else str(hh_label),
        "employment": jobs_label,
        "value_added": None if va_label is None else str(va_label),
        "notes": notes,
    }
    return frame


def employment_values(table, employment, notes: list):
    """Jobs by sector and where they came from: given, the table's, or none (with a note)."""
    if employment is False:
        notes.append("employment: not used (switched off)")
        return None, None
    if employment is None:
        if table.employment is None:
            notes.append("employment: the table has none; employment multipliers omitted")
            return None, None
        return table.employment.to_numpy(dtype=float), "table.employment"
    frame = pd.DataFrame(index=table.sectors)
    return _pick(frame, employment, "employment", notes)


def household_coefficients(hh_values, wage_values, household_income, household_own, notes):
    """``h = c / W`` (household consumption per unit of household income) and ``W``; None
    (with the reason in ``notes``) when the model cannot be closed."""
    if hh_values is not None and wage_values is not None:
        W = float(household_income) if household_income is not None else None
        W = float(wage_values.sum()) + float(household_own) if W is None else W
        if W <= 0:
            notes.append("type II: total household income is not positive; type II omitted")
            return None, W
        return hh_values / W, W
    if hh_values is not None:
        notes.append("type II: needs a wages row as well; omitted")
    elif wage_values is not None:
        notes.append("type II: needs a household-consumption column; omitted")
    return None, None


def _solve_open_and_closed(
    solver, table, household_coef, W, notes: list, household_own_coef=0.0, **coefs
) -> dict:
    """:func:`multiplier_arrays`; when the model closed with households is not productive,
    again without type II (the open model is fine: it is solved first)."""
    try:
        return multiplier_arrays(
            solver,
            table.A,
            household_coef=household_coef,
            household_own_coef=household_own_coef,
            labels=table.sectors,
            **coefs,
        )
    except SingularSystemError:
        if household_coef is None:
            raise
    # households spending more than their income W make the closed model non-productive
    notes.append(
        "type II: the model closed with households is not productive (household "
        f"consumption is {household_coef.sum():.3g} times the household income W = "
        f"{W:.6g}); type II omitted; pass household_income= (e.g. total value added) "
        "if households have more income than wages"
    )
    return multiplier_arrays(solver, table.A, household_coef=None, labels=table.sectors, **coefs)
