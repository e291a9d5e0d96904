"""Firm metrics of a :class:`~linkage.network.SupplyNetwork` (the sentra IO table is
:mod:`linkage.network.aggregate`).

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

from ..analysis.accuracy import EPS
from ..analysis.linkages import linkage_arrays, normalize
from ..core.diagnostics import Diagnostics
from ..core.params import solver_method
from ..core.solver import LeontiefSolver, choose_method
from ..core.table import input_coefficients
from ..errors import DataQualityWarning, SingularSystemError

__all__ = [
    "node_flows",
    "firm_output",
    "firm_linkages",
    "firm_metrics",
    "closed_firms",
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
        L), ``fl_total`` (normalized row sums of the Ghosh inverse), plus ``method``,
        ``residual`` (largest relative residual of the two solves), ``accuracy`` (a bound
        of the relative error of every entry of the total linkages, each relative to
        itself; refined below ``1e-11`` when a solve missed it; ``inf`` when no
        entrywise bound is known) and ``accuracy_by_column``.

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
    m, e_m = _per_entry(solver, A, np.ones(x.size), r["column_sums_L"], True)
    g = r["row_sums_G"]
    w, e_w = _per_entry(solver, A, x, np.where(x > 0, g * x, 0.0), False)
    g = np.where(x > 0, w / np.where(x > 0, x, 1.0), g)
    accuracy = {
        "output_multiplier": e_m + EPS,
        "bl_total": 2 * e_m + (x.size + 2) * EPS,
        "fl_total": 2 * e_w + (x.size + 3) * EPS,
    }
    return {
        "bl_direct": r["column_sums_A"],
        "fl_direct": r["row_sums_B"],
        "output_multiplier": m,
        "bl_total": normalize(m),
        "fl_total": normalize(g),
        "method": solver.method,
        "residual": r["residual"],
        "accuracy": max(accuracy.values()),
        "accuracy_by_column": accuracy,
    }


def _per_entry(solver, A, b, u, transpose: bool, target: float = 1e-11):
    """``u`` (a solution of ``(I - A) u = b``, ``b > 0`` where ``u != 0``) with a relative
    error bound valid for every entry at once, refined while it misses ``target``.

    For ``A >= 0``: ``|e| <= L|r| <= max_i(|s_i| / b_i) L b = max_i(|s_i| / b_i) u`` with
    ``s`` the residual plus its rounding, so ``max |s| / b`` bounds every entry's relative
    error; it costs one product per check, no extra solve (unless refining).
    """
    At = A.T if transpose else A
    bound = np.inf
    for step in range(3):
        R = b - (u - At @ u)
        S = np.abs(R) + 4 * EPS * (np.abs(b) + np.abs(u) + np.abs(At @ u))
        live = b > 0
        if np.any(S[~live] > 0):  # a residual where b = 0: no entrywise bound from b
            bound = np.inf
        else:
            bound = float(np.max(S[live] / b[live], initial=0.0))
        if bound <= target or step == 2:
            break
        u = u + solver.solve(R, transpose=transpose)
    return u, bound


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
    > 1), ``backward``, ``forward`` or ``weak``. ``.attrs`` has ``method``, ``residual``,
    ``accuracy`` (worst relative error bound of one entry of the total linkages, see
    :func:`firm_linkages`) and ``diagnostics``.

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
    lk = _linkages_or_nan(Z, x, closed, solver, net.firms.index, diag)
    for key in ("bl_direct", "fl_direct", "output_multiplier", "bl_total", "fl_total"):
        frame[key] = lk[key]
    bl, fl = frame["bl_total"].to_numpy(), frame["fl_total"].to_numpy()
    cls = np.select([(bl > 1) & (fl > 1), bl > 1, fl > 1], ["key", "backward", "forward"], "weak")
    cls = np.where(np.isnan(bl), "", cls)
    frame["linkage_class"] = pd.array(cls.astype(str), dtype="str")
    frame.attrs.update(
        method=lk["method"],
        residual=lk["residual"],
        accuracy=lk.get("accuracy", np.nan),
        diagnostics=diag,
    )
    return frame


def _linkages_or_nan(Z, x, closed, solver, labels, diag) -> dict:
    """:func:`firm_linkages` of the firms outside closed loops, NaN for the others (and for
    all when the firm system is not productive, said in ``diag``)."""
    n = x.size
    try:
        if closed.all():
            lk = {k: np.full(n, np.nan) for k in _LINKAGE_COLUMNS}
            lk.update(method="", residual=np.nan)
        elif closed.any():
            keep = np.flatnonzero(~closed)
            part = firm_linkages(
                sp.csr_array(Z)[keep][:, keep], x[keep], solver, labels=labels[keep]
            )
            lk = {k: v for k, v in part.items() if k in ("method", "residual", "accuracy")}
            for key in _LINKAGE_COLUMNS:
                full = np.full(n, np.nan)
                full[keep] = part[key]
                lk[key] = full
        else:
            lk = firm_linkages(Z, x, solver, labels=labels)
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
    return lk
