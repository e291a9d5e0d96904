"""Benchmark: a 1,000,000-firm, 10,000,000-transaction supply network and its firm linkages.

Builds a synthetic network from arrays (heavy-tailed degrees, a few hub middlemen, outside
suppliers), turns it into a :class:`linkage.SupplyNetwork` with
:meth:`~linkage.SupplyNetwork.from_arrays`, and computes :meth:`firm_metrics` (purchases,
sales, shares, degrees and the firm-level backward and forward linkages from the sparse
Leontief core). Firm outputs are set so that the spectral radius of ``A`` lies in 0.3-0.8
(it is estimated and recorded). Time per stage and peak memory (``ru_maxrss``, and the
``tracemalloc`` peak of the metrics stage) go to ``benchmarks/results/network.json``.

Run: ``python benchmarks/bench_network.py [n_firms] [n_transactions]``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results" / "network.json"


def make_arrays(
    n_firms: int,
    n_transactions: int,
    seed: int = 0,
    n_hubs: int = 20,
    n_suppliers: int | None = None,
    input_ratio: float = 0.8,
):
    """Synthetic edge arrays: (source, target, value, n_nodes, output, is_intermediary).

    60 % of transactions are between firms (both ends drawn with heavy-tailed, Pareto
    activity weights), 25 % are sales of firms to ``n_hubs`` middlemen (hubs) and 15 %
    purchases from outside suppliers. A firm's output is the larger of its sales and its
    purchases from firms over ``input_ratio`` (so every column of A sums to at most
    ``input_ratio`` and the spectral radius stays below it).
    """
    rng = np.random.default_rng(seed)
    n_suppliers = n_suppliers or max(n_firms // 100, 10)
    n_nodes = n_firms + n_hubs + n_suppliers
    m_ff = int(0.60 * n_transactions)
    m_hub = int(0.25 * n_transactions)
    m_sup = n_transactions - m_ff - m_hub

    activity = rng.pareto(1.5, n_firms) + 1.0  # heavy-tailed
    p = activity / activity.sum()
    cdf = np.cumsum(p)

    def draw(k):
        return np.minimum(np.searchsorted(cdf, rng.random(k)), n_firms - 1)

    src = np.concatenate(
        [
            draw(m_ff),
            draw(m_hub),
            n_firms + n_hubs + rng.integers(0, n_suppliers, m_sup),
        ]
    )
    hub_p = rng.pareto(1.0, n_hubs) + 1.0
    dst = np.concatenate(
        [
            rng.integers(0, n_firms, m_ff),
            n_firms + rng.choice(n_hubs, m_hub, p=hub_p / hub_p.sum()),
            rng.integers(0, n_firms, m_sup),
        ]
    )
    loops = src == dst
    dst[loops] = (dst[loops] + 1) % n_firms
    value = np.round(rng.lognormal(15.0, 1.2, n_transactions), -3) + 1000.0
    among = (src < n_firms) & (dst < n_firms)
    sales = np.bincount(src[src < n_firms], weights=value[src < n_firms], minlength=n_firms)
    bought = np.bincount(dst[among], weights=value[among], minlength=n_firms)
    output = np.maximum(sales, bought / input_ratio)
    is_int = np.zeros(n_nodes, dtype=bool)
    is_int[n_firms : n_firms + n_hubs] = True
    return src, dst, value, n_nodes, output, is_int


def spectral_radius(A, iterations: int = 60, seed: int = 0) -> float:
    """Power-iteration estimate of the spectral radius of a nonnegative sparse A."""
    rng = np.random.default_rng(seed)
    v = rng.random(A.shape[0]) + 0.1
    rho = 0.0
    for _ in range(iterations):
        w = A @ v
        norm = np.linalg.norm(w)
        if norm == 0:
            return 0.0
        rho = norm / np.linalg.norm(v)
        v = w / norm
    return float(rho)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run(
    n_firms: int = 1_000_000, n_transactions: int = 10_000_000, seed: int = 0, method: str = "auto"
) -> dict:
    """Build the network and compute firm metrics; returns timings (s) and memory (MB)."""
    import pandas as pd

    from linkage.core.table import input_coefficients
    from linkage.network import SupplyNetwork
    from linkage.network.metrics import _firm_Z, firm_output

    out = {
        "n_firms": n_firms,
        "n_transactions": n_transactions,
        "seed": seed,
        "method_requested": method,
        "load_average_start": os.getloadavg()[0],
    }
    t0 = time.perf_counter()
    src, dst, val, n_nodes, output, is_int = make_arrays(n_firms, n_transactions, seed)
    out["time_generate_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    firms = pd.DataFrame(
        {"sector": np.char.add("S", (np.arange(n_firms) % 50).astype(str)), "output": output}
    )
    net = SupplyNetwork.from_arrays(
        src, dst, val, n_firms=n_firms, firms=firms, is_intermediary=is_int
    )
    out["time_build_s"] = time.perf_counter() - t0
    out["n_nodes"] = net.n_nodes
    out["n_edges"] = len(net.edges)
    out["rss_after_build_mb"] = _rss_mb()
    del src, dst, val

    A = input_coefficients(_firm_Z(net), firm_output(net))
    out["spectral_radius"] = spectral_radius(sp_csr(A))
    del A

    tracemalloc.start()
    t0 = time.perf_counter()
    metrics = net.firm_metrics(solver=method)
    out["time_firm_metrics_s"] = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out["tracemalloc_peak_firm_metrics_mb"] = peak / 1024**2
    out["method"] = metrics.attrs["method"]
    out["residual"] = float(metrics.attrs["residual"])
    out["bl_total_mean"] = float(metrics["bl_total"].mean())
    out["fl_total_max"] = float(metrics["fl_total"].max())

    t0 = time.perf_counter()
    table = net.to_iotable()
    out["time_to_iotable_s"] = time.perf_counter() - t0
    out["iotable_sectors"] = table.n
    out["peak_rss_mb"] = _rss_mb()
    out["load_average_end"] = os.getloadavg()[0]  # other processes on the machine
    out["python"] = platform.python_version()
    out["machine"] = platform.machine()
    return out


def sp_csr(A):
    import scipy.sparse as sp

    return sp.csr_array(A)


def main(argv=None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    n_firms = int(float(argv[0])) if argv else 1_000_000
    n_tx = int(float(argv[1])) if len(argv) > 1 else 10 * n_firms
    result = run(n_firms, n_tx)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
