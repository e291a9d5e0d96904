"""Firm metrics and the sentra IO table of a :class:`~linkage.network.SupplyNetwork`.

Everything here works on the network's edge arrays (``source``, ``target``, ``value``) with
``numpy.bincount`` and sparse products: no loop over firms or transactions, so it runs on
networks of millions of firms.

Definitions (documented in ``docs/network.md``):

* *inside the study area*: the counterparty is a listed firm; *outside*: an outside party;
  *inside its sentra*: a listed firm with the same (non-missing) ``sentra`` value.
* firm output ``x``: the ``output`` column where given, else the firm's total recorded
  sales (to firms *and* to outside parties: sales to outside buyers are the firm's
  final demand and exports, so they count in output). Where ``x`` is smaller than the
  firm's purchases from other listed firms (its value added would be negative), ``x`` is
  raised to those purchases and the firm is reported.
* the firm network as an IO system: ``Z`` = transactions among listed firms,
  ``A = Z x̂⁻¹``; backward and forward linkages follow :func:`linkage.linkages`
  (``bl_total`` = column sums of ``L = (I - A)⁻¹`` over their mean, ``fl_total`` = row
  sums of the Ghosh inverse ``G = x̂⁻¹ L x̂`` over their mean).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from ..analysis.linkages import linkage_arrays, normalize
from ..core.diagnostics import Diagnostics
from ..core.params import solver_method
from ..core.solver import LeontiefSolver, choose_method
from ..core.table import IOTable, input_coefficients
from ..errors import DataQualityWarning, InvalidNetworkError, SingularSystemError

__all__ = [
    "node_flows",
    "firm_output",
    "firm_linkages",
    "firm_metrics",
    "closed_firms",
    "network_iotable",
]


def _sentra_codes(net) -> np.ndarray:
    """Sentra code per node: -1 for outside parties and firms without a sentra."""
    codes = np.full(net.n_nodes, -1, dtype=np.int64)
    if "sentra" in net.firms.columns:
        c, _ = pd.factorize(net.firms["sentra"], use_na_sentinel=True)
        codes[: net.n_firms] = c
    return codes


def node_flows(net) -> dict:
    """Purchases and sales of every node, split by counterparty; arrays of length n_nodes.

    Keys: ``purchases_total, purchases_sentra, purchases_area, purchases_outside,
    sales_total, sales_sentra, sales_area, sales_outside, sales_intermediary, in_degree,
    out_degree``. ``*_area`` counts counterparties that are listed firms, ``*_outside``
    outside parties, ``*_sentra`` listed firms of the same sentra (NaN when the firms have
    no ``sentra`` column). ``sales_intermediary`` is the value sold to a node marked as a
    middleman plus, for other buyers, the part recorded with ``channel = intermediary``.
    """
    e = net.edges
    n = net.n_nodes
    src, dst = e["source"].to_numpy(), e["target"].to_numpy()
    val = e["value"].to_numpy()
    firm_src, firm_dst = src < net.n_firms, dst < net.n_firms

    def count(idx, weights=None, mask=None):
        if mask is not None:
            idx = idx[mask]
            weights = None if weights is None else weights[mask]
        return np.bincount(idx, weights=weights, minlength=n).astype(float)

    out = {
        "purchases_total": count(dst, val),
        "purchases_area": count(dst, val, firm_src),
        "purchases_outside": count(dst, val, ~firm_src),
        "sales_total": count(src, val),
        "sales_area": count(src, val, firm_dst),
        "sales_outside": count(src, val, ~firm_dst),
    }
    if "sentra" in net.firms.columns:
        s = _sentra_codes(net)
        same = (s[src] >= 0) & (s[src] == s[dst])
        no_sentra = s < 0  # outside parties and firms without a sentra: not defined
        out["purchases_sentra"] = np.where(no_sentra, np.nan, count(dst, val, same))
        out["sales_sentra"] = np.where(no_sentra, np.nan, count(src, val, same))
    else:
        out["purchases_sentra"] = np.full(n, np.nan)
        out["sales_sentra"] = np.full(n, np.nan)
    via = edge_intermediary_value(net)
    out["sales_intermediary"] = count(src, via)
    out["in_degree"] = np.bincount(dst, minlength=n).astype(np.int64)
    out["out_degree"] = np.bincount(src, minlength=n).astype(np.int64)
    return out


def edge_intermediary_value(net) -> np.ndarray:
    """Part of each edge's value sold to or through a middleman.

    The whole value when the buyer is marked as an intermediary, else the part recorded
    with ``channel = intermediary`` (0 without a channel column).
    """
    e = net.edges
    to_int = net.is_intermediary[e["target"].to_numpy()]
    val = e["value"].to_numpy()
    if "value_intermediary" in e.columns:
        return np.where(to_int, val, e["value_intermediary"].to_numpy())
    return np.where(to_int, val, 0.0)


def firm_output(net, diagnostics: Diagnostics | None = None) -> np.ndarray:
    """Output ``x`` of each listed firm (see the module notes); findings go to ``diagnostics``.

    Examples
    --------
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "x"]})
    >>> tx = pd.DataFrame({"supplier": ["A", "B"], "buyer": ["B", "OUT"], "value": [6, 4]})
    >>> firm_output(SupplyNetwork.from_frames(firms, tx))  # B buys 6 but sells 4: raised to 6
    array([6., 6.])
    """
    n = net.n_firms
    e = net.edges
    src, dst = e["source"].to_numpy(), e["target"].to_numpy()
    val = e["value"].to_numpy()
    sales = np.bincount(src[src < n], weights=val[src < n], minlength=n)[:n]
    among = (src < n) & (dst < n)
    bought = np.bincount(dst[among], weights=val[among], minlength=n)[:n]
    x = sales.astype(float)
    if "output" in net.firms.columns:
        given = net.firms["output"].to_numpy(dtype=float)
        has = np.isfinite(given)
        x = np.where(has, given, sales)
        if diagnostics is not None and (~has).any():
            diagnostics.add(
                "output_from_sales",
                f"{int((~has).sum())} firm(s) without an output value use their total recorded "
                "sales as output",
                count=int((~has).sum()),
            )
    low = bought > x * (1 + 1e-12)
    if low.any():
        if diagnostics is not None:
            diagnostics.add(
                "output_raised",
                f"{int(low.sum())} firm(s) buy more from listed firms than their output; their "
                f"output is raised to those purchases ({net.firms.index[low][:5].tolist()})",
                count=int(low.sum()),
                level="warning",
            )
        x = np.where(low, bought, x)
    return x


def _firm_method(A, method: str) -> str:
    """``method``, with ``"auto"`` never resolved to a sparse LU above the dense size.

    The LU of a firm network fills in catastrophically: middlemen and big buyers tie
    thousands of firms together (measured on random 50-firm sentra with cross trade: 18 s
    at 4,000 firms, 69 s at 6,000, over 10 minutes at 20,000, against 0.1-5 s for GMRES).
    Firm systems need only the two solves of the linkage indices, so GMRES is the method
    for every sparse firm network the dense LU does not take.

    Examples
    --------
    >>> _firm_method(sp.eye_array(5_000, format="csc") * 1.5, "auto")
    'iterative'
    >>> _firm_method(sp.eye_array(5_000, format="csc") * 1.5, "splu")
    'splu'
    """
    if method != "auto":
        return method
    chosen = choose_method(A)
    return "iterative" if chosen == "splu" else chosen


def firm_linkages(Z, x, solver: str = "auto", labels=None, *, method=None) -> dict:
    """Firm-level linkages of the IO system ``A = Z x̂⁻¹`` (pure function on arrays).

    Parameters
    ----------
    Z : scipy.sparse array or ndarray, shape (n, n)
        Transactions among firms, ``Z[i, j]`` = sales of i to j.
    x : ndarray, shape (n,)
        Output.
    solver : {"auto", "dense", "splu", "iterative"}
        Method of the firm system's :class:`linkage.LeontiefSolver`; ``"auto"`` uses the
        dense LU for small or dense systems and GMRES otherwise, never SuperLU (see
        :func:`_firm_method`). ``method`` is its deprecated spelling.
    labels : sequence, optional
        Firm ids, for messages.

    Returns
    -------
    dict of ndarray
        ``bl_direct`` (column sums of A), ``fl_direct`` (row sums of B = x̂⁻¹Z),
        ``output_multiplier`` (column sums of L), ``bl_total`` (normalized column sums of
        L), ``fl_total`` (normalized row sums of the Ghosh inverse), plus ``method`` and
        ``residual`` (largest relative residual of the two solves).

    Notes
    -----
    .. math::

        BL_j = \\frac{n \\, \\mathbf{1}'L e_j}{\\mathbf{1}'L\\mathbf{1}}, \\qquad
        FL_i = \\frac{n \\, e_i' G \\mathbf{1}}{\\mathbf{1}'G\\mathbf{1}}, \\qquad
        G\\mathbf{1} = \\hat{x}^{-1} L x

    The arithmetic is :func:`linkage.analysis.linkages.linkage_arrays` (the same as
    :func:`linkage.linkages`): one transposed solve gives the column sums of ``L``, one
    plain solve ``(I - A) w = x`` gives ``G 1 = w / x`` (1 for a firm with zero output,
    whose row of B is zero).

    Examples
    --------
    Miller & Blair (2009), Table 2.3 as two "firms":

    >>> out = firm_linkages(np.array([[150., 500.], [200., 100.]]), np.array([1000., 2000.]))
    >>> out["output_multiplier"].round(4)
    array([1.5182, 1.4521])
    >>> out["bl_total"].round(4)
    array([1.0222, 0.9778])
    """
    x = np.asarray(x, dtype=float)
    A = input_coefficients(sp.csc_array(Z) if sp.issparse(Z) else np.asarray(Z, float), x)
    chosen = _firm_method(A, solver_method(solver, method, caller="firm_linkages"))
    solver = LeontiefSolver(A, method=chosen, labels=labels)
    r = linkage_arrays(solver, A, x)
    return {
        "bl_direct": r["column_sums_A"],
        "fl_direct": r["row_sums_B"],
        "output_multiplier": r["column_sums_L"],
        "bl_total": normalize(r["column_sums_L"]),
        "fl_total": normalize(r["row_sums_G"]),
        "method": solver.method,
        "residual": r["residual"],
    }


_LINKAGE_COLUMNS = ("bl_direct", "fl_direct", "output_multiplier", "bl_total", "fl_total")


def closed_firms(Z, x, tol: float = 1e-9) -> np.ndarray:
    """Firms in a closed loop: no chain of suppliers leads from them to value added.

    With ``x >= `` purchases from firms, every column of ``A = Z x̂⁻¹`` sums to at most 1.
    A firm *leaks* (has value added) when its column sums to less than 1 (or it has no
    output); a firm is fine when it leaks or buys from a fine firm. ``I - A`` is singular
    exactly when some firms are not fine: they buy only from each other and pass their
    whole output on, so ``(I - A)⁻¹`` has no meaning for them. Found by one breadth-first
    search from the leaking firms along supplier-to-buyer links.

    Parameters
    ----------
    Z : sparse array or ndarray, shape (n, n)
        ``Z[i, j]`` = sales of firm i to firm j.
    x : ndarray, shape (n,)
    tol : float
        A column of ``A`` summing to ``1 - tol`` or more has no value added.

    Returns
    -------
    ndarray of bool, shape (n,)

    Examples
    --------
    Firms 1 and 2 sell 5 to each other; firm 1 also sells 2 to firm 0. Firm 2 passes on all
    it buys, but it buys from firm 1, which has value added (output 7, inputs 5): no loop.
    With firm 1's output 5 neither has value added and they buy only from each other:

    >>> Z = np.array([[0, 0, 0], [2.0, 0, 5], [0, 5, 0]])
    >>> closed_firms(Z, np.array([10.0, 7.0, 5.0])).tolist()
    [False, False, False]
    >>> closed_firms(Z, np.array([10.0, 5.0, 5.0])).tolist()
    [False, True, True]
    """
    Z = sp.csr_array(Z)
    n = Z.shape[0]
    x = np.asarray(x, dtype=float)
    bought = np.asarray(Z.sum(axis=0)).ravel()
    leaks = (x <= 0) | (bought < x * (1 - tol))
    if leaks.all():
        return np.zeros(n, dtype=bool)
    # node n is a source linked to every leaking firm; links run supplier -> buyer
    coo = Z.tocoo()
    src = np.concatenate([coo.row, np.full(int(leaks.sum()), n)])
    dst = np.concatenate([coo.col, np.flatnonzero(leaks)])
    graph = sp.csr_array((np.ones(src.size), (src, dst)), shape=(n + 1, n + 1))
    reached = breadth_first_order(graph, n, directed=True, return_predecessors=False)
    closed = np.ones(n, dtype=bool)
    closed[reached[reached < n]] = False
    return closed


def _firm_Z(net) -> sp.csr_array:
    n = net.n_firms
    e = net.edges
    src, dst = e["source"].to_numpy(), e["target"].to_numpy()
    among = (src < n) & (dst < n)
    return sp.csr_array((e["value"].to_numpy()[among], (src[among], dst[among])), shape=(n, n))


def firm_metrics(net, solver: str = "auto", *, method=None) -> pd.DataFrame:
    """Per-firm purchases, sales, shares, degrees and linkages, indexed by ``firm_id``.

    Columns: ``sector`` (and ``sentra`` when given), ``purchases_total,
    purchases_sentra, purchases_area, purchases_outside, sales_total, sales_sentra,
    sales_area, sales_outside, local_input_share, intermediary_sales_share, in_degree,
    out_degree, output, bl_direct, fl_direct, output_multiplier, bl_total, fl_total,
    linkage_class``. Shares are NaN for a firm without purchases (sales). ``output`` is the
    ``x`` of the IO system (see the module notes). ``linkage_class`` is ``key`` (bl and fl
    > 1), ``backward``, ``forward`` or ``weak``. ``.attrs`` has ``method``, ``residual``
    and ``diagnostics``.

    When the firm system is not productive (a closed loop of firms with no value added)
    the linkage columns are NaN and a :class:`~linkage.errors.DataQualityWarning` says
    which firms are involved.

    Examples
    --------
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["x", "x"]})
    >>> tx = pd.DataFrame({"supplier": ["CLAY", "A", "B"], "buyer": ["A", "B", "PGP"],
    ...                    "value": [2, 4, 10]})
    >>> m = SupplyNetwork.from_frames(firms, tx, intermediary_pattern="^PGP").firm_metrics()
    >>> m[["purchases_total", "local_input_share", "intermediary_sales_share"]]
             purchases_total  local_input_share  intermediary_sales_share
    firm_id
    A                    2.0                0.0                       0.0
    B                    4.0                1.0                       1.0
    """
    solver = solver_method(solver, method, caller="firm_metrics")
    diag = Diagnostics()
    flows = node_flows(net)
    n = net.n_firms
    cols = {k: v[:n] for k, v in flows.items()}
    with np.errstate(divide="ignore", invalid="ignore"):
        local = np.where(
            cols["purchases_total"] > 0, cols["purchases_area"] / cols["purchases_total"], np.nan
        )
        via = np.where(
            cols["sales_total"] > 0, cols["sales_intermediary"] / cols["sales_total"], np.nan
        )
    frame = pd.DataFrame(index=net.firms.index)
    frame["sector"] = net.firms["sector"]
    if "sentra" in net.firms.columns:
        frame["sentra"] = net.firms["sentra"]
    for key in (
        "purchases_total",
        "purchases_sentra",
        "purchases_area",
        "purchases_outside",
        "sales_total",
        "sales_sentra",
        "sales_area",
        "sales_outside",
    ):
        frame[key] = cols[key]
    frame["local_input_share"] = local
    frame["intermediary_sales_share"] = via
    frame["in_degree"] = cols["in_degree"]
    frame["out_degree"] = cols["out_degree"]
    x = firm_output(net, diag)
    frame["output"] = x
    Z = _firm_Z(net)
    closed = closed_firms(Z, x)
    if closed.any():
        diag.add(
            "closed_loop",
            f"{int(closed.sum())} firm(s) buy only from each other and have no value added, "
            f"a closed loop with no way out to the rest of the economy (as recorded; usually "
            f"an incomplete sales record): their linkages are not defined (NaN) and the other "
            f"firms' linkages are computed without them ({net.firms.index[closed][:10].tolist()})",
            count=int(closed.sum()),
            level="warning",
            warn=DataQualityWarning,
        )
    try:
        if closed.all():
            lk = {k: np.full(n, np.nan) for k in _LINKAGE_COLUMNS}
            lk.update(method="", residual=np.nan)
        elif closed.any():
            keep = np.flatnonzero(~closed)
            part = firm_linkages(
                sp.csr_array(Z)[keep][:, keep], x[keep], solver, labels=net.firms.index[keep]
            )
            lk = {k: v for k, v in part.items() if k in ("method", "residual")}
            for key in _LINKAGE_COLUMNS:
                full = np.full(n, np.nan)
                full[keep] = part[key]
                lk[key] = full
        else:
            lk = firm_linkages(Z, x, solver, labels=net.firms.index)
    except SingularSystemError as exc:
        message = (
            f"firm linkages not computed: the firm network is not a productive IO system ({exc})"
        ).splitlines()[0]
        diag.add("linkages_failed", message, level="warning", warn=DataQualityWarning)
        lk = {
            k: np.full(n, np.nan)
            for k in ("bl_direct", "fl_direct", "output_multiplier", "bl_total", "fl_total")
        }
        lk.update(method="", residual=np.nan)
    for key in ("bl_direct", "fl_direct", "output_multiplier", "bl_total", "fl_total"):
        frame[key] = lk[key]
    bl, fl = frame["bl_total"].to_numpy(), frame["fl_total"].to_numpy()
    cls = np.select([(bl > 1) & (fl > 1), bl > 1, fl > 1], ["key", "backward", "forward"], "weak")
    cls = np.where(np.isnan(bl), "", cls)
    frame["linkage_class"] = pd.array(cls.astype(str), dtype="str")
    frame.attrs.update(method=lk["method"], residual=lk["residual"], diagnostics=diag)
    return frame


# ---------------------------------------------------------------------------- IO table
def _area_mask(net, area) -> np.ndarray:
    n = net.n_firms
    if area is None:
        return np.ones(n, dtype=bool)
    if (
        isinstance(area, (np.ndarray, pd.Series, list, tuple))
        and len(area) == n
        and all(isinstance(v, (bool, np.bool_)) for v in np.asarray(area, dtype=object))
    ):
        return np.asarray(area, dtype=bool)
    names = [area] if isinstance(area, str) else [str(a) for a in area]
    mask = np.zeros(n, dtype=bool)
    missing = []
    for name in names:
        found = False
        for col in ("sentra", "region"):
            if col in net.firms.columns:
                hit = (net.firms[col] == name).fillna(False).to_numpy(dtype=bool)
                if hit.any():
                    mask |= hit
                    found = True
                    break
        if not found:
            missing.append(name)
    if missing:
        known = []
        for col in ("sentra", "region"):
            if col in net.firms.columns:
                known += net.firms[col].dropna().unique().tolist()[:10]
        raise InvalidNetworkError(
            f"area {missing} matches no firm's sentra or region; known: {known}"
        )
    return mask


def _party_in_region(net, inside):
    """(region known, in a region of the inside firms) per node, when parties have regions."""
    if "region" not in net.parties.columns or "region" not in net.firms.columns:
        return None
    firm_region = net.firms["region"].to_numpy(dtype=object)[inside]
    regions = set(pd.Series(firm_region).dropna().tolist()) - {""}
    pr = np.full(net.n_nodes, "", dtype=object)
    pr[net.n_firms :] = net.parties["region"].to_numpy(dtype=object)
    known = pr != ""
    same = np.array([r in regions for r in pr], dtype=bool)
    return known, same


def network_iotable(net, by: str = "sector", area=None) -> IOTable:
    """Aggregate the firms inside ``area`` into an IO table by the firm column ``by``.

    Parameters
    ----------
    net : SupplyNetwork
    by : str
        Firm column that defines the table's sectors (``sector``, ``sentra``, ...).
        Missing values form the sector ``"unknown"``.
    area : None, str, list of str or bool array, optional
        Which listed firms are *inside* the table: ``None`` all listed firms (the study
        area); a name or names of ``sentra`` values (or of ``region`` values when no
        sentra has that name); or a boolean mask over the firm list.

    Returns
    -------
    IOTable
        ``Z = P'WP`` over the inside firms (P the firm-to-sector indicator). Primary
        inputs, one row each: ``imports from outside parties`` (split into ``... in the
        region``, ``... outside the region`` and ``... (region unknown)`` when the parties
        file and the firms both have a ``region``), ``imports from other
        listed firms`` (only with an ``area``; split into ``... in the region`` / ``... in
        other regions`` when ``region`` is known), and ``value added`` (output minus all
        inputs; negative values are reported per sector). Final-demand columns: ``sales to
        intermediaries``, ``sales to other outside buyers``, ``sales to other listed
        firms`` (only with an ``area``, split by region like the imports) and, when firm
        outputs exceed recorded sales, ``other sales (output not in transactions)``.

    Notes
    -----
    Every transaction with at least one inside firm appears exactly once: in Z (both
    inside), in an import row (buyer inside) or in a final-demand column (seller inside).
    Transactions with no inside firm are not part of the table; their number and value are
    in the table's diagnostics.

    Examples
    --------
    >>> from linkage.network import SupplyNetwork
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "sector": ["clay", "pots"]})
    >>> tx = pd.DataFrame({"supplier": ["MINE", "A", "B"], "buyer": ["A", "B", "SHOP"],
    ...                    "value": [2, 4, 10]})
    >>> t = SupplyNetwork.from_frames(firms, tx).to_iotable()
    >>> t.Z_frame()
    sector  clay  pots
    sector
    clay     0.0   4.0
    pots     0.0   0.0
    >>> t.value_added
    sector                         clay  pots
    primary_inputs
    imports from outside parties    2.0   0.0
    value added                     2.0   6.0
    """
    if by not in net.firms.columns:
        raise InvalidNetworkError(
            f"cannot aggregate by {by!r}: the firms have columns {list(net.firms.columns)}"
        )
    diag = Diagnostics()
    diag.extend(net.diagnostics)
    n = net.n_firms
    inside = _area_mask(net, area)
    labels = net.firms[by].astype(object).where(net.firms[by].notna(), "unknown")
    labels = labels.astype(str).to_numpy(dtype=object)
    grp_codes, sectors = pd.factorize(pd.Index(labels[inside]), sort=True)
    k = len(sectors)
    if k == 0:
        raise InvalidNetworkError(f"area {area!r} selects no firms")
    group = np.full(net.n_nodes, -1, dtype=np.int64)
    group[np.flatnonzero(inside)] = grp_codes

    e = net.edges
    src, dst = e["source"].to_numpy(), e["target"].to_numpy()
    val = e["value"].to_numpy()
    in_node = np.zeros(net.n_nodes, dtype=bool)
    in_node[:n] = inside
    s_in, d_in = in_node[src], in_node[dst]
    s_firm, d_firm = src < n, dst < n

    # Z = P' W P over inside firms, as a sparse product
    ids = np.flatnonzero(inside)
    P = sp.csr_array((np.ones(len(ids)), (np.arange(len(ids)), grp_codes)), shape=(len(ids), k))
    pos = np.full(net.n_nodes, -1, dtype=np.int64)
    pos[ids] = np.arange(len(ids))
    both = s_in & d_in
    W = sp.csr_array((val[both], (pos[src[both]], pos[dst[both]])), shape=(len(ids), len(ids)))
    Z = (P.T @ W @ P).tocsr()
    Z.sum_duplicates()

    regions = None
    if "region" in net.firms.columns and area is not None:
        reg = net.firms["region"].to_numpy(dtype=object)
        area_regions = set(pd.unique(reg[inside & pd.notna(reg)]))
        regions = np.zeros(net.n_nodes, dtype=bool)
        regions[:n] = np.array([r in area_regions for r in reg], dtype=bool)

    def by_group(node_codes, mask):
        return np.bincount(group[node_codes[mask]], weights=val[mask], minlength=k)

    # imports: purchases of inside firms from anyone outside the table
    imports = {}
    buy = d_in & ~s_in
    party_region = _party_in_region(net, inside)
    if party_region is None:
        imports["imports from outside parties"] = by_group(dst, buy & ~s_firm)
    else:
        known, same_region = party_region
        from_party = buy & ~s_firm
        imports["imports from outside parties in the region"] = by_group(
            dst, from_party & known[src] & same_region[src]
        )
        imports["imports from outside parties outside the region"] = by_group(
            dst, from_party & known[src] & ~same_region[src]
        )
        if (from_party & ~known[src]).any():
            imports["imports from outside parties (region unknown)"] = by_group(
                dst, from_party & ~known[src]
            )
    if area is not None:
        other = buy & s_firm
        if regions is None:
            imports["imports from other listed firms"] = by_group(dst, other)
        else:
            same = regions[src]
            imports["imports from other listed firms in the region"] = by_group(dst, other & same)
            imports["imports from listed firms in other regions"] = by_group(dst, other & ~same)

    # final demand: sales of inside firms to anyone outside the table
    fd = {}
    sell = s_in & ~d_in
    via = edge_intermediary_value(net)
    out_party = sell & ~d_firm
    fd["sales to intermediaries"] = np.bincount(
        group[src[out_party]], weights=via[out_party], minlength=k
    )
    fd["sales to other outside buyers"] = np.bincount(
        group[src[out_party]], weights=(val - via)[out_party], minlength=k
    )
    if area is not None:
        other = sell & d_firm
        if regions is None:
            fd["sales to other listed firms"] = by_group(src, other)
        else:
            same = regions[dst]
            fd["sales to other listed firms in the region"] = by_group(src, other & same)
            fd["sales to listed firms in other regions"] = by_group(src, other & ~same)

    outside_table = ~s_in & ~d_in
    if outside_table.any():
        diag.add(
            "outside_table",
            f"{int(outside_table.sum())} trade link(s) with no firm inside the table (value "
            f"{val[outside_table].sum():,.0f}) are not part of it",
            count=int(outside_table.sum()),
        )

    # output: firm output aggregated; unrecorded sales close the row
    x_firm = firm_output(net, diag)
    x = np.bincount(grp_codes, weights=x_firm[ids], minlength=k)
    z_row = np.asarray(Z.sum(axis=1)).ravel()
    z_col = np.asarray(Z.sum(axis=0)).ravel()
    recorded = z_row + sum(fd.values())
    gap = x - recorded
    tol = 1e-9 * np.maximum(np.abs(x), 1.0)
    if (gap > tol).any():
        fd["other sales (output not in transactions)"] = np.where(gap > tol, gap, 0.0)
    if (gap < -tol).any():
        x = np.where(gap < -tol, recorded, x)
        diag.add(
            "output_below_sales",
            f"recorded sales exceed the output given for {int((gap < -tol).sum())} sector(s); "
            "their output is the recorded sales",
            count=int((gap < -tol).sum()),
            level="warning",
        )
    inputs = z_col + sum(imports.values())
    va = x - inputs
    negative = va < -tol
    if negative.any():
        bad = [f"{sectors[i]!r} ({va[i]:,.0f})" for i in np.flatnonzero(negative)[:5]]
        diag.add(
            "negative_value_added",
            f"value added (output minus inputs) is negative in {int(negative.sum())} "
            f"sector(s): {', '.join(bad)}",
            count=int(negative.sum()),
            level="warning",
            warn=DataQualityWarning,
        )
    primary = pd.DataFrame(imports, index=pd.Index(sectors, name="sector")).T
    primary.loc["value added"] = va
    primary.index.name = "primary_inputs"
    final = pd.DataFrame(fd, index=pd.Index(sectors, name="sector"))
    final.columns.name = "final_demand"
    Zt = Z.toarray() if k <= 2000 else Z
    return IOTable.from_arrays(
        Zt,
        final_demand=final,
        value_added=primary,
        total_output=x,
        sectors=pd.Index(sectors, name="sector"),
        name=f"sentra IO table by {by}" + (f" ({area})" if isinstance(area, str) else ""),
        diagnostics=diag,
    )
