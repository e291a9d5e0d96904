"""Benchmark: hypothetical extraction of every firm of a 20,000-firm network (issue 14 item 5).

Input: ``benchmarks.generators.firm_network(20_000, spectral_radius=0.6, seed=0)`` (10
transactions per firm, middlemen and big buyers, 40 % of trade inside the sentra). The
new method is :func:`linkage.network.extraction.firm_extraction_arrays` (closed forms,
``l_jj - 1`` for every firm by the deflated block series) on the whole network. The old
method, the one ``linkage.extraction`` used before (``diag(L)`` from GMRES solves with
unit columns, in blocks), is timed on the first ``subset`` firms and extrapolated
linearly (its cost is the same per firm); the ratio is old / new. Both wall and CPU
seconds of this process are recorded: on a shared machine the CPU seconds are what the
method costs. The two diagonals are compared on the subset (largest relative
difference) and the new method's stated accuracy is recorded.

The anchor is one float64 CSR product of the firm system (best of 30, before and after):
``new_wall_in_products`` is the new method's wall time in such products. The new method also
runs on one thread, interleaved with the default runs (CPU seconds without the second core;
the numbers must be identical).

Run: ``python -m benchmarks.bench_extraction [--quick]`` or, in the suite,
``python -m benchmarks.run --cases plugin_extraction``.
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp

from benchmarks.generators import firm_network
from linkage.analysis.extraction import worst_accuracy
from linkage.core.solver import LeontiefSolver
from linkage.core.table import input_coefficients
from linkage.network.extraction import BLOCK, SINGLE_BELOW, THREADS, firm_extraction_arrays


def _clock():
    return time.perf_counter(), time.process_time()


def _since(start):
    wall, cpu = _clock()
    return round(wall - start[0], 2), round(cpu - start[1], 2)


def old_diagonal(A, positions) -> np.ndarray:
    """``diag(L)`` at ``positions`` as ``extraction`` computed it before: GMRES solves of
    unit columns in blocks (``LeontiefSolver.columns``)."""
    s = LeontiefSolver(A, "iterative")
    step = s.default_block_size()
    out = np.empty(positions.size)
    for s0 in range(0, positions.size, step):
        chunk = positions[s0 : s0 + step]
        out[s0 : s0 + step] = s.columns(chunk)[chunk, np.arange(chunk.size)]
    return out


def product_seconds(A, repeats: int = 30) -> float:
    """Best wall seconds of one float64 CSR product ``A @ v`` (the anchor unit)."""
    v = np.ones(A.shape[0])
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        A @ v
        best = min(best, time.perf_counter() - t)
    return best


def _new(net, threads=None):
    calls = []
    start = _clock()
    r = firm_extraction_arrays(net.Z, net.x, threads=threads, progress=lambda d, t: calls.append(d))
    wall, cpu = _since(start)
    return r, wall, cpu, calls


def run(
    quick: bool = False, n_firms: int | None = None, subset: int | None = None, repeats=None
) -> dict:
    """Time the new method on every firm (best of ``repeats`` with the default threads and
    with one thread, interleaved) and the old one on a subset (extrapolated); the anchor,
    one CSR product of the firm system, is measured before and after in the same process."""
    n = n_firms or (2_000 if quick else 20_000)
    subset = min(n, subset or (n if quick else 512))
    repeats = repeats or (1 if quick else 2)
    net = firm_network(n, spectral_radius=0.6, seed=0)
    out = {"n_firms": n, "transactions": int(net.Z.nnz), "load_before": os.getloadavg()[0]}
    out.update(block=BLOCK, threads=THREADS, single_below=SINGLE_BELOW, repeats=repeats)
    A_csr = sp.csr_array(input_coefficients(sp.csc_array(net.Z), np.asarray(net.x, float)))
    anchor = [product_seconds(A_csr)]
    runs, runs1 = [], []
    for _ in range(repeats):  # interleaved, so a burst of load does not hit one of them only
        runs.append(_new(net))
        runs1.append(_new(net, threads=1))
    r, wall, cpu, calls = min(runs, key=lambda t: t[1])
    out["new_wall_s"], out["new_cpu_s"] = wall, cpu
    out["new_wall_s_all"] = [t[1] for t in runs]
    out["new_cpu_s_all"] = [t[2] for t in runs]
    out["new_method"] = r["method"]
    out["new_accuracy"] = worst_accuracy(r["accuracy"])
    out["progress_calls"] = len(calls)
    out["progress_monotone_to_end"] = bool(calls == sorted(calls) and calls[-1] == n)
    r1, out["new_1thread_wall_s"], out["new_1thread_cpu_s"], _ = min(runs1, key=lambda t: t[1])
    out["new_1thread_wall_s_all"] = [t[1] for t in runs1]
    out["new_1thread_cpu_s_all"] = [t[2] for t in runs1]
    out["threads_same_numbers"] = bool(np.array_equal(r1["diagonal"], r["diagonal"]))
    A = input_coefficients(sp.csc_array(net.Z), np.asarray(net.x, dtype=float))
    pos = np.arange(subset)
    start = _clock()
    d_old = old_diagonal(A, pos)
    wall, cpu = _since(start)
    scale = n / subset
    out.update(old_subset=subset, old_subset_wall_s=wall, old_subset_cpu_s=cpu)
    out["old_wall_s_extrapolated"] = round(wall * scale, 1)
    out["old_cpu_s_extrapolated"] = round(cpu * scale, 1)
    out["old_over_new_wall"] = round(wall * scale / max(out["new_wall_s"], 1e-9), 2)
    out["old_over_new_cpu"] = round(cpu * scale / max(out["new_cpu_s"], 1e-9), 2)
    d_new = r["diagonal"][:subset]
    out["diagonal_max_rel_diff"] = float(np.max(np.abs(d_new - d_old) / d_old))
    anchor.append(product_seconds(A_csr))
    out["product_s"] = min(anchor)
    out["product_s_before_after"] = anchor
    out["new_wall_in_products"] = round(out["new_wall_s"] / out["product_s"], 0)
    out["load_after"] = os.getloadavg()[0]
    return out


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=1))
