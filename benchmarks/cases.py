"""What the suite measures: cases (one generated input each), their variants, and the targets.

A *case* is one input (a dense table of n sectors, or a firm network of n firms) or one
helper module (``bench_network``, ``bench_clusters``, ``bench_pages``). A *variant* is one
contender computing the same outputs on that input: ``linkage`` with each solver method,
``numpy.linalg.inv`` and pymrio. Each variant runs in a fresh subprocess (see
``benchmarks/worker.py``); this module holds the plain functions that subprocess calls and
no timing or process code.

Every contender starts from the same arrays (``A``, ``Z``, ``x``), so the clock measures
what differs: solving, inverting, summing. The raw index vectors are saved and compared
across variants (``max_rel_diff`` against the case's reference variant).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

GiB = 1024**3

# ---------------------------------------------------------------------------- variants
# Each variant has prepare(data) -> state (not timed; part of the memory baseline) and
# op(state) -> dict of outputs (timed). Vectors in the output dict are saved for the
# cross-check; scalars go into the JSON.

VECTOR_KEYS = ("colsum_L", "rowsum_L", "rowsum_G", "colsum_A", "rowsum_B", "cv_col", "cv_row")


def _coefficients(Z, x):
    """A = Z x̂⁻¹ with zero columns where x = 0 (dense or sparse)."""
    import scipy.sparse as sp

    inv_x = np.divide(1.0, x, out=np.zeros_like(x), where=x > 0)
    if sp.issparse(Z):
        return (Z @ sp.diags_array(inv_x)).tocsc()
    return Z * inv_x[np.newaxis, :]


def _ratio(num, den, where_zero):
    return np.divide(num, den, out=np.full_like(num, where_zero, dtype=float), where=den != 0)


# numpy: the textbook way, form L ------------------------------------------------------
def prepare_numpy(data):
    Z, x = data["Z"], data["x"]
    return {"A": _coefficients(Z, x), "x": x}


def op_numpy_inv(state):
    """``numpy.linalg.inv(I - A)`` alone: the unit of the dense target."""
    A = state["A"]
    L = np.linalg.inv(np.eye(A.shape[0]) - A)
    return {"colsum_L": L.sum(axis=0)}


def op_numpy_full(state):
    """The whole index set from the explicit inverse (as linkage defines it), CVs included."""
    A, x = state["A"], state["x"]
    n = A.shape[0]
    L = np.linalg.inv(np.eye(n) - A)
    col, row = L.sum(axis=0), L.sum(axis=1)
    out = {
        "colsum_L": col,
        "rowsum_L": row,
        "rowsum_G": _ratio(L @ x, x, 1.0),  # G 1 = x̂⁻¹ L x; unit row where x = 0
        "colsum_A": A.sum(axis=0),
        "rowsum_B": _ratio(A @ x, x, 0.0),
    }
    mu_c, mu_r = col / n, row / n
    out["cv_col"] = _ratio(L.std(axis=0, ddof=1), mu_c, 0.0)
    out["cv_row"] = _ratio(L.std(axis=1, ddof=1), mu_r, 0.0)
    return out


# pymrio: calc_L and calc_G on labelled DataFrames ----------------------------------------
def prepare_pymrio(data):
    import pandas as pd
    import pymrio  # noqa: F401  (import cost outside the clock)
    from pymrio.tools import iomath

    Z, x = data["Z"], data["x"]
    labels = pd.Index([f"s{i}" for i in range(len(x))], name="sector")
    Zf = pd.DataFrame(Z, index=labels, columns=labels)
    xf = pd.DataFrame({"indout": x}, index=labels)
    A = iomath.calc_A(Zf, xf)
    return {"A": A, "x": xf, "Z": Zf}


def op_pymrio(state):
    """pymrio 0.7: ``calc_L(A)`` (dense inverse), ``calc_G(None, L=L, x=x)``, then sums."""
    from pymrio.tools import iomath

    A, xf = state["A"], state["x"]
    L = iomath.calc_L(A)
    G = iomath.calc_G(None, L=L, x=xf)
    x = xf["indout"].to_numpy()
    return {
        "colsum_L": L.sum(axis=0).to_numpy(),
        "rowsum_L": L.sum(axis=1).to_numpy(),
        "rowsum_G": G.sum(axis=1).to_numpy(),  # pymrio gives 0 (not 1) where x = 0
        "colsum_A": A.sum(axis=0).to_numpy(),
        "rowsum_B": _ratio(A.to_numpy() @ x, x, 0.0),
    }


# linkage -------------------------------------------------------------------------------
def prepare_linkage(data):
    import warnings

    from linkage import IOTable, linkages  # noqa: F401  (import cost outside the clock)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-output sectors are reported: expected here
        table = IOTable.from_arrays(
            data["Z"], final_demand=data["f"], total_output=data["x"], name="benchmark"
        )
    table.A  # noqa: B018  cached input coefficients: an input, as for the other contenders
    return {"table": table}


def _op_linkage(state, method, dispersion):
    import warnings

    from linkage import linkages

    table = state["table"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lk = linkages(table, solver=method, dispersion=dispersion, normalized=False)
    solver = table.solver(method)
    info = solver.last_info
    out = {
        "colsum_L": lk["output_multiplier"].to_numpy(),
        "rowsum_L": lk["fl_rasmussen"].to_numpy(),
        "rowsum_G": lk["fl_total"].to_numpy(),
        "colsum_A": lk["bl_direct"].to_numpy(),
        "rowsum_B": lk["fl_direct"].to_numpy(),
        "method": lk.attrs.get("method"),
        "method_reason": lk.attrs.get("method_reason"),
        "dispersion_method": lk.attrs.get("dispersion_method"),
        "residual": lk.attrs.get("residual"),
        "dispersion": lk.attrs.get("dispersion"),
        "products_with_A": getattr(solver, "products", None),
        "last_iterations": getattr(info, "iterations", None),
    }
    if dispersion and lk.attrs.get("dispersion") == "exact":
        out["cv_col"] = lk["bl_cv"].to_numpy()
        out["cv_row"] = lk["fl_cv"].to_numpy()
    return out


def _with_env(prepare, **env):
    """``prepare`` that first sets environment variables: each variant runs in its own
    subprocess (benchmarks/worker.py), so they hold for that variant only."""

    def f(data):
        import os

        os.environ.update(env)
        return prepare(data)

    return f


def _linkage_op(method, dispersion=False):
    def op(state):
        return _op_linkage(state, method, dispersion)

    op.__doc__ = (
        f"``linkage.linkages(table, solver={method!r}, dispersion={dispersion})`` "
        "(all indices; table and A built before the clock)"
    )
    return op


# sparse matrix-vector product: the unit of the network target ---------------------------
def prepare_matvec(data):
    import scipy.sparse as sp

    A = _coefficients(sp.csr_array(data["Z"]), data["x"])
    return {"csc": A, "csr": A.tocsr(), "v": np.random.default_rng(0).random(A.shape[0])}


def op_matvec(state, repeats=15):
    """Best of 15 ``A @ v`` (CSR, the fastest scipy layout here) and the CSC time too."""
    import time

    times = {}
    for name in ("csr", "csc"):
        A, v = state[name], state["v"]
        best = float("inf")
        for _ in range(repeats):
            t = time.perf_counter()
            A @ v
            best = min(best, time.perf_counter() - t)
        times[name] = best
    return {"matvec_s": times["csr"], "matvec_csc_s": times["csc"], "nnz": int(state["csr"].nnz)}


VARIANTS = {
    # name: (prepare, op, description)
    "numpy_inv": (prepare_numpy, op_numpy_inv, "numpy.linalg.inv(I - A) alone"),
    "numpy_full": (prepare_numpy, op_numpy_full, "numpy inverse + all indices incl. CVs"),
    "pymrio": (prepare_pymrio, op_pymrio, "pymrio calc_L + calc_G + sums"),
    "linkage_auto": (prepare_linkage, _linkage_op("auto"), "linkage, method='auto'"),
    "linkage_dense": (prepare_linkage, _linkage_op("dense"), "linkage, method='dense'"),
    "linkage_splu": (prepare_linkage, _linkage_op("splu"), "linkage, method='splu'"),
    "linkage_iterative": (
        prepare_linkage,
        _linkage_op("iterative"),
        "linkage, method='iterative'",
    ),
    "linkage_dense_dispersion": (
        prepare_linkage,
        _linkage_op("dense", True),
        "linkage, method='dense', dispersion=True (L streamed)",
    ),
    "linkage_auto_dispersion": (
        prepare_linkage,
        _linkage_op("auto", True),
        "linkage, method='auto', dispersion=True (L streamed)",
    ),
    "linkage_default": (
        prepare_linkage,
        _linkage_op("auto", "auto"),
        "linkage.linkages(table) as a user calls it: solver and dispersion 'auto' "
        "(below 11585 sectors with a dense LU: L formed once, every index from it)",
    ),
    "linkage_auto_numba": (
        _with_env(prepare_linkage, LINKAGE_NUMBA="1", LINKAGE_NO_NUMBA="0"),
        _linkage_op("auto"),
        "linkage, method='auto', LINKAGE_NUMBA=1 (numba's products too, where GMRES runs on A)",
    ),
    "linkage_auto_scipy": (
        _with_env(prepare_linkage, LINKAGE_NUMBA="0", LINKAGE_NO_NUMBA="1"),
        _linkage_op("auto"),
        "linkage, method='auto', scipy's sparse products only (LINKAGE_NO_NUMBA=1)",
    ),
    "matvec": (prepare_matvec, op_matvec, "one sparse product A @ v (unit)"),
}


# ---------------------------------------------------------------------------- cases
@dataclass
class Case:
    """One benchmark input and the contenders run on it."""

    name: str
    kind: str  # "dense" | "network" | "plugin"
    params: dict
    variants: list[str] = field(default_factory=list)
    repeats: dict = field(default_factory=dict)  # variant -> subprocess runs (default 1)
    inner: int = 1  # timed repetitions inside one subprocess (small inputs)
    timeout: float = 600.0
    mem_limit: float = 20 * GiB
    reference: str | None = None  # variant whose vectors the others are compared with
    description: str = ""


def _dense(n, variants, repeats=None, inner=1, reference="numpy_full", **kw):
    return Case(
        name=f"dense_n{n}",
        kind="dense",
        params={"n": n, "seed": 1},
        variants=variants,
        repeats=repeats or {},
        inner=inner,
        reference=reference,
        description=f"dense table, {n} sectors, column sums of A in 0.2-0.7, 1 % zero-output",
        **kw,
    )


def _network(n, rho, variants, repeats=None, name=None, reference=None, **kw):
    label = name or f"network_{_short(n)}_rho{int(round(rho * 10))}"
    return Case(
        name=label,
        kind="network",
        params={"n_firms": n, "spectral_radius": rho, "seed": 1, "per_firm": 10},
        variants=variants,
        repeats=repeats or {},
        reference=reference,
        description=(
            f"firm network, {n:,} firms, {10 * n:,} transactions, heavy-tailed degrees, "
            f"spectral radius {rho}"
        ),
        **kw,
    )


def _short(n):
    for div, suffix in ((1_000_000, "m"), (1_000, "k")):
        if n % div == 0:
            return f"{n // div}{suffix}"
    return str(n)


ALL_DENSE = [
    "numpy_inv",
    "numpy_full",
    "pymrio",
    "linkage_dense",
    "linkage_splu",
    "linkage_iterative",
    "linkage_auto",
    "linkage_dense_dispersion",
    "linkage_default",
]
BIG_DENSE = [v for v in ALL_DENSE if v != "linkage_splu"]
# linkage_auto: Gauss-Seidel sweeps compiled by numba (the default); _scipy: the fallback
BIG_NET = ["matvec", "linkage_iterative", "linkage_auto", "linkage_auto_scipy"]
NET3 = {"linkage_auto": 3, "linkage_auto_scipy": 3}

PLUGINS = {
    # case name -> (module, description)
    "plugin_network": ("benchmarks.bench_network", "network helper: SupplyNetwork at scale"),
    "plugin_clusters": ("benchmarks.bench_clusters", "clusters helper: detection + activity"),
    "plugin_pages": ("benchmarks.bench_pages", "pages helper: network page in Chromium"),
    "plugin_readers": ("benchmarks.bench_readers", "readers: 1000-sector xlsx, 2000-sector CSV"),
    "plugin_extraction": ("benchmarks.bench_extraction", "extraction of every firm, 20,000 firms"),
}


def _plugin_cases(quick):
    return [
        Case(
            name=name,
            kind="plugin",
            params={"module": module, "quick": quick},
            description=desc,
            timeout=300.0 if quick else 900.0,
        )
        for name, (module, desc) in PLUGINS.items()
    ]


def quick_suite():
    """Seconds in total: small inputs, every contender once."""
    return [
        _dense(200, ALL_DENSE, inner=2),
        _network(
            1000,
            0.6,
            [
                "matvec",
                "linkage_splu",
                "linkage_iterative",
                "linkage_auto",
                "linkage_auto_numba",
                "linkage_auto_scipy",
                "linkage_dense",
            ],
            name="network_1k",
            reference="linkage_dense",
        ),
    ]


def full_suite():
    """The whole suite: about 10-15 minutes on 2 cores (input generation cached)."""
    timed3 = {v: 3 for v in ("numpy_inv", "linkage_dense", "linkage_iterative", "linkage_auto")}
    return [
        _dense(100, ALL_DENSE, inner=5),
        _dense(500, ALL_DENSE, inner=3),
        _dense(1000, ALL_DENSE, inner=3),
        _dense(2000, BIG_DENSE, inner=2),
        _dense(4000, BIG_DENSE, repeats=timed3),
        _dense(
            8000,
            ["numpy_inv", "pymrio", "linkage_auto", "linkage_dense_dispersion"],
            reference="numpy_inv",
            timeout=900.0,
        ),
        # auto picked splu here until c5b9e39 (n <= 20000): linkage_splu shows what that cost
        _network(
            10_000,
            0.6,
            ["matvec", "linkage_iterative", "linkage_auto", "linkage_splu", "linkage_dense"],
            reference="linkage_dense",
            timeout=300.0,
        ),
        _network(100_000, 0.6, BIG_NET, reference="linkage_iterative", timeout=300.0),
        # the default and its fallback interleaved, best of 3 (the machine's load varies)
        _network(1_000_000, 0.6, BIG_NET, repeats=NET3, reference="linkage_iterative"),
        _network(1_000_000, 0.8, BIG_NET, repeats=NET3, reference="linkage_iterative"),
    ] + _plugin_cases(quick=False)


def suite(quick: bool):
    """The cases of a run. ``--quick`` leaves out the helpers' modules (minutes each)."""
    return quick_suite() if quick else full_suite()


# ---------------------------------------------------------------------------- targets
@dataclass
class Target:
    """A target of the issue, evaluated from one case's results."""

    id: str
    label: str
    case: str
    limit: float
    unit: str
    evaluate: object  # callable(case_result) -> (measured, note)
    info: bool = False  # shown for comparison, not a target of the issue
    issue: int = 8  # the issue that set the limit


def _v(res, variant, key="time_s"):
    v = res.get("variants", {}).get(variant, {})
    return v.get(key) if v.get("status") == "ok" else None


def _ratio_to_inv(variant):
    def f(res):
        t, ref = _v(res, variant), _v(res, "numpy_inv")
        if t is None or ref is None:
            return None, "not measured"
        return t / ref, f"{t:.3g} s / {ref:.3g} s"

    return f


def _extra_mem(variant, n):
    def f(res):
        b = _v(res, variant, "peak_extra_bytes")
        if b is None:
            return None, "not measured"
        return b / (8 * n * n), f"{b / 2**20:.0f} MiB extra"

    return f


def _total_mem(variant, unit=GiB):
    def f(res):
        b = _v(res, variant, "peak_total_bytes")
        if b is None:
            return None, "not measured"
        return b / unit, f"{b / 2**20:.0f} MiB peak, {_v(res, variant):.3g} s"

    return f


def _in_matvecs(variant):
    def f(res):
        v = res.get("variants", {}).get(variant, {})
        unit = (v.get("outputs") or {}).get("matvec_here_s")
        t = _v(res, variant)
        if t is None or unit is None:
            return None, "not measured"
        mv = res.get("variants", {}).get("matvec", {})
        other = (mv.get("outputs") or {}).get("matvec_s") if mv.get("status") == "ok" else None
        note = f"{t:.3g} s / {unit * 1e3:.3g} ms per product (same process)"
        if other:
            note += f"; {t / other:.0f} with the separate matvec run's {other * 1e3:.3g} ms"
        return t / unit, note

    return f


def _residual(variant):
    def f(res):
        r = (res.get("variants", {}).get(variant, {}).get("outputs") or {}).get("residual")
        return (r, "relative residual of all solves") if r is not None else (None, "n/a")

    return f


def _plugin_seconds(keys):
    def f(res):
        out = (res.get("variants", {}).get("run", {}) or {}).get("outputs") or {}
        for k in keys:
            if isinstance(out.get(k), (int, float)):
                return float(out[k]), f"{k} from the helper's run()"
        return None, "helper's benchmark did not report it"

    return f


def _page_seconds(n_firms, mode="full"):
    def f(res):
        out = (res.get("variants", {}).get("run", {}) or {}).get("outputs") or {}
        rows = out.get("cases") if isinstance(out, dict) else None
        if not isinstance(rows, list):
            return None, "helper's benchmark did not report it"
        other = ""
        for row in rows:
            if isinstance(row, dict) and row.get("n_firms") == n_firms and row.get("mode") != mode:
                other = (
                    f"; mode {row.get('mode')!r} ({row.get('nodes_drawn')} nodes drawn): "
                    f"{row.get('time_to_first_render_s')} s"
                )
        for row in rows:
            if isinstance(row, dict) and row.get("n_firms") == n_firms and row.get("mode") == mode:
                return float(row["time_to_first_render_s"]), (
                    f"time to first stable render, mode {mode!r}, {row.get('nodes_drawn')} nodes "
                    f"and {row.get('edges_drawn')} links drawn, "
                    f"{row.get('requests_blocked')} requests, "
                    f"{row.get('console_errors')} console errors{other}"
                )
        return None, f"no {n_firms}-firm {mode!r} row in the helper's output"

    return f


def _network_targets(prefix, case, rho, units):
    """Issue 14's targets of one 1e6-firm case: product units (default solver), the same
    with scipy's products only (info), peak memory of the process and the residual."""
    return [
        Target(
            f"{prefix}_matvecs",
            f"1e6 firms / 1e7 transactions, rho {rho}: all indices, time in sparse matvecs",
            case,
            units,
            "matvecs",
            _in_matvecs("linkage_auto"),
            issue=14,
        ),
        Target(
            f"{prefix}_matvecs_scipy",
            f"1e6 firms, rho {rho}: same without numba (LINKAGE_NO_NUMBA=1, the fallback)",
            case,
            units,
            "matvecs",
            _in_matvecs("linkage_auto_scipy"),
            info=True,
            issue=14,
        ),
        Target(
            f"{prefix}_mem",
            f"1e6 firms, rho {rho}: peak memory of the process",
            case,
            2.0,
            "GB",
            _total_mem("linkage_auto", 1e9),
            issue=14,
        ),
        Target(
            f"{prefix}_residual",
            f"1e6 firms, rho {rho}: residual",
            case,
            1e-10,
            "",
            _residual("linkage_auto"),
            issue=14,
        ),
    ]


def targets():
    """The targets of issue 8 (issue 14's for the 1e6-firm networks), in the issue's order."""
    return [
        Target(
            "dense4000_time",
            "dense n=4000: all indices except dispersion, time / "
            "numpy.linalg.inv(I-A) (method auto)",
            "dense_n4000",
            0.30,
            "x inv",
            _ratio_to_inv("linkage_auto"),
        ),
        Target(
            "dense4000_time_dense",
            "dense n=4000: same, method='dense' (one LU; for "
            "comparison, what auto did before it iterated)",
            "dense_n4000",
            0.30,
            "x inv",
            _ratio_to_inv("linkage_dense"),
            info=True,
        ),
        Target(
            "dense4000_mem",
            "dense n=4000: peak extra memory (method dense) / n^2 doubles",
            "dense_n4000",
            1.2,
            "n^2 doubles",
            _extra_mem("linkage_dense", 4000),
        ),
        Target(
            "dense4000_mem_auto",
            "dense n=4000: peak extra memory (method auto) / n^2 doubles",
            "dense_n4000",
            1.2,
            "n^2 doubles",
            _extra_mem("linkage_auto", 4000),
        ),
        Target(
            "dense8000_dispersion",
            "dense n=8000 with dispersion (L streamed): peak memory",
            "dense_n8000",
            24.0,
            "GiB",
            _total_mem("linkage_dense_dispersion"),
        ),
        *_network_targets("net1m", "network_1m_rho6", "0.6", 60.0),
        *_network_targets("net1m8", "network_1m_rho8", "0.8", 100.0),
        Target(
            "clusters_1m",
            "community detection + active/passive classification on the 1e6-firm network",
            "plugin_clusters",
            60.0,
            "s",
            _plugin_seconds(["detect_and_classify_s", "find_clusters_s"]),
        ),
        Target(
            "page_5000",
            "network page of 5,000 firms stable in headless Chromium",
            "plugin_pages",
            3.0,
            "s",
            _page_seconds(5000),
        ),
    ]
