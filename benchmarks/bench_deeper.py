"""Timing of extraction, important coefficients, MPM and regional linkages at scale.

Run: ``python -m benchmarks.bench_deeper [--quick]``. Prints one line per case and writes
``benchmarks/results/deeper.json``. Tables come from :mod:`benchmarks.generators` (dense,
balanced, with zero-output sectors) and its firm networks (sparse, heavy tailed).
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from benchmarks.generators import dense_table, firm_network
from linkage import IOTable, extraction, important_coefficients, multiplier_product_matrix
from linkage.analysis.extraction import extraction_reference
from linkage.analysis.multiregional import regional_linkages, spillover_feedback


def _table_dense(n, seed=0):
    g = dense_table(n, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return IOTable.from_arrays(g.Z, final_demand=g.f, value_added=g.v, total_output=g.x)


def _table_sparse(n, seed=0):
    net = firm_network(n, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return IOTable.from_arrays(sp.csr_array(net.Z), final_demand=net.f, total_output=net.x)


def timed(fn, *a, **k):
    t0 = time.perf_counter()
    out = fn(*a, **k)
    return out, time.perf_counter() - t0


def main(quick: bool = False):
    rows = []

    def record(case, n, seconds, **extra):
        row = {"case": case, "n": n, "seconds": round(seconds, 3), **extra}
        rows.append(row)
        print(json.dumps(row), flush=True)

    # closed forms vs brute force (the reference is O(n^4): small n only)
    for n in [60, 120] if quick else [60, 120, 200]:
        t = _table_dense(n)
        out, s_fast = timed(extraction, t)
        ref, s_ref = timed(extraction_reference, t.A, t.f, t.v, t.x)
        err = max(
            float(np.abs(out[c].to_numpy() - ref[c]).max() / t.x.sum())
            for c in ("backward", "forward", "total")
        )
        record(
            "extraction_vs_bruteforce",
            n,
            s_fast,
            brute_force_seconds=round(s_ref, 3),
            max_rel_error=err,
        )
    for n in [1000, 3000] if quick else [1000, 3000, 6000]:
        t = _table_dense(n)
        out, s = timed(extraction, t)
        record("extraction_dense", n, s, method=out.attrs["method"], residual=out.attrs["residual"])
        ic, s = timed(important_coefficients, t, 50)
        record("important_coefficients_dense", n, s)
        M, s = timed(multiplier_product_matrix, t)
        record("mpm_dense", n, s)
    # sparse firm-level systems: everything but diag(L) is a few solves. method="iterative"
    # because "auto" picks SuperLU for these patterns and its fill-in explodes (reported).
    for n in [20_000]:
        t = _table_sparse(n)
        ic, s = timed(important_coefficients, t, 50, solver="iterative")
        record("important_coefficients_sparse", n, s, method=ic.attrs["method"])
        M, s = timed(multiplier_product_matrix, t, solver="iterative")
        record("mpm_sparse", n, s)
        part, s = timed(extraction, t, solver="iterative", sectors=list(t.sectors[:20]))
        record("extraction_sparse_20_sectors", n, s, method=part.attrs["method"])
    # all sectors of a 5000-firm network: the dense LU beats SuperLU (fill-in) by far
    t = _table_sparse(5000)
    out, s = timed(extraction, t, solver="dense")
    record("extraction_sparse_all", 5000, s, method=out.attrs["method"])
    # regional: 34 provinces x 52 sectors (BPS IRIO size)
    rng = np.random.default_rng(0)
    R, S = (10, 52) if quick else (34, 52)
    n = R * S
    reg = np.repeat(np.arange(R), S)
    Z = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < 0.3)
    Z[reg[:, None] != reg[None, :]] *= 0.05
    idx = pd.MultiIndex.from_arrays(
        [[f"p{r}" for r in reg], [f"s{i % S}" for i in range(n)]], names=["region", "sector"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = IOTable.from_arrays(Z, final_demand=rng.uniform(5, 20, n), sectors=idx)
    _, s = timed(regional_linkages, t)
    record("regional_linkages", n, s, regions=R)
    _, s = timed(spillover_feedback, t)
    record("spillover_feedback", n, s, regions=R)
    Path("benchmarks/results").mkdir(parents=True, exist_ok=True)
    Path("benchmarks/results/deeper.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
