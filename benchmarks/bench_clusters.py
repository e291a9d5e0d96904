"""Benchmark: community detection and active/passive classification at scale.

Generates a synthetic firm network from arrays -- sentra of ``sentra_size`` firms, half of
them *active* (firms trade with each other) and half *passive* (firms buy from outside
suppliers and sell to their sentra's middleman hub) -- builds a
:class:`linkage.SupplyNetwork` with ``from_arrays`` and runs
:func:`linkage.network.communities.find_clusters` on it. Records wall time of each step, the peak
resident memory of the process, and how well the planted truth is recovered, in
``benchmarks/results/clusters.json`` (one entry per size).

The anchor is **one raw igraph ``community_leiden`` call** on the same graph in the same
run (the graph :func:`find_clusters` detects on, built before the clock, weights as a
list, the same objective, resolution, iterations and seed): ``ratio_to_raw_leiden`` is
``find_clusters`` (its defaults: 199 permutations) over that call. The two alternate
``--repeats`` times; the load average before each is recorded (the 2 cores are shared).

Run::

    python benchmarks/bench_clusters.py                 # 1,000,000 firms, 10,000,000 transactions
    python benchmarks/bench_clusters.py --firms 300000 --transactions 3000000 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results" / "clusters.json"


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def generate(n_firms=1_000_000, n_transactions=10_000_000, sentra_size=50, seed=0):
    """Planted sentra network as arrays.

    Returns ``source, target, value, n_firms, n_nodes, sentra (per firm), active (per
    sentra)``. Node codes: firms ``0..n_firms-1``, then one middleman per passive sentra,
    then ``n_firms // 200`` outside suppliers shared by everybody.
    """
    rng = np.random.default_rng(seed)
    n_sentra = n_firms // sentra_size
    sentra = np.minimum(np.arange(n_firms) // sentra_size, n_sentra - 1)
    active = np.arange(n_sentra) % 2 == 0
    passive_ids = np.flatnonzero(~active)
    hub_of = np.full(n_sentra, -1, dtype=np.int64)
    hub_of[passive_ids] = n_firms + np.arange(passive_ids.size)
    n_suppliers = max(n_firms // 200, 1)
    first_supplier = n_firms + passive_ids.size
    n_nodes = first_supplier + n_suppliers

    per_firm = n_transactions / n_firms
    is_active = active[sentra]
    # each firm: a number of internal trades (active), sales to its hub (passive),
    # purchases from outside suppliers, and a little random trade anywhere
    n_int = np.where(is_active, rng.poisson(0.6 * per_firm, n_firms), 0)
    n_hub = np.where(is_active, 0, rng.poisson(0.3 * per_firm, n_firms))
    n_sup = rng.poisson(0.25 * per_firm, n_firms)
    n_rand = rng.poisson(np.where(is_active, 0.15, 0.45) * per_firm, n_firms)

    firms = np.arange(n_firms)
    src_int = np.repeat(firms, n_int)
    base = sentra[src_int] * sentra_size
    size = np.minimum(sentra_size, n_firms - base)
    off = (src_int - base + 1 + (rng.random(src_int.size) * (size - 1)).astype(np.int64)) % size
    dst_int = base + off

    src_hub = np.repeat(firms, n_hub)
    dst_hub = hub_of[sentra[src_hub]]

    dst_sup = np.repeat(firms, n_sup)
    src_sup = first_supplier + rng.integers(0, n_suppliers, dst_sup.size)

    src_rand = np.repeat(firms, n_rand)
    dst_rand = rng.integers(0, n_firms, src_rand.size)

    source = np.concatenate([src_int, src_hub, src_sup, src_rand])
    target = np.concatenate([dst_int, dst_hub, dst_sup, dst_rand])
    value = rng.lognormal(16, 1.0, source.size)  # rupiah, median ~9 million
    keep = source != target
    return (source[keep], target[keep], value[keep], n_firms, n_nodes, sentra, active)


def run(
    n_firms=1_000_000,
    n_transactions=10_000_000,
    *,
    method="leiden",
    resolution=1.0,
    n_permutations=199,
    within=None,
    seed=0,
    sentra_size=50,
    write=True,
    quick=False,
    repeats=1,
) -> dict:
    """Generate, build, detect and classify; return (and record) times and memory.

    ``detect_and_classify_s`` is the time of :func:`linkage.network.communities.find_clusters` (the
    60 s target); ``end_to_end_s`` adds generating the arrays and building the network.
    ``quick=True`` (the suite's quick mode) runs 100,000 firms / 1,000,000 transactions.
    ``raw_leiden_s`` is the anchor (see the module); with ``repeats`` > 1 the lists of
    both times and their ratios are recorded; ``ratio_to_raw_leiden`` (wall) and
    ``cpu_ratio_to_raw_leiden`` are over all repeats, the other times the fastest.
    """
    if quick:
        n_firms, n_transactions = 100_000, 1_000_000
    import warnings

    from linkage import SupplyNetwork
    from linkage.errors import DataQualityWarning
    from linkage.network.communities import find_clusters

    warnings.simplefilter("ignore", DataQualityWarning)  # duplicate pairs are expected here

    import os

    load_before = os.getloadavg()[0]
    times = {}
    t0 = time.perf_counter()
    src, dst, val, n_firms, n_nodes, sentra, active = generate(
        n_firms, n_transactions, sentra_size, seed
    )
    times["generate_s"] = time.perf_counter() - t0

    t = time.perf_counter()
    firms = pd.DataFrame({"sector": "craft", "sentra": pd.Categorical(sentra)})
    net = SupplyNetwork.from_arrays(
        src, dst, val, n_firms=n_firms, node_ids=np.arange(n_nodes).astype(str), firms=firms
    )
    times["build_network_s"] = time.perf_counter() - t

    pairs = []
    for _ in range(max(1, int(repeats))):
        raw_s, raw_labels, load_raw = _raw_leiden(net, resolution, seed, within)
        load_fc = os.getloadavg()[0]
        t, c, tc = time.perf_counter(), time.process_time(), time.thread_time()
        cl = find_clusters(
            net,
            method=method,
            resolution=resolution,
            seed=seed,
            n_permutations=n_permutations,
            within=within,
        )
        fc_s, fc_cpu = time.perf_counter() - t, time.process_time() - c
        fc_main = time.thread_time() - tc
        pairs.append(
            (fc_s, raw_s[0], load_raw, load_fc, cl.communities.attrs["seconds"], fc_cpu, raw_s[1],
             fc_main)
        )  # fmt: skip
    best = min(range(len(pairs)), key=lambda i: pairs[i][0])
    times["detect_and_classify_s"] = min(p[0] for p in pairs)
    times["raw_leiden_s"] = min(p[1] for p in pairs)
    times["detect_s"] = pairs[best][4]["detect"]
    times["classify_s"] = pairs[best][4]["classify"]
    times["end_to_end_s"] = time.perf_counter() - t0
    same_partition = None
    if raw_labels is not None:
        same_partition = bool(np.array_equal(raw_labels, cl.membership.to_numpy()))

    s = cl.sentra
    truth = (
        pd.Series(np.where(active, "active", "passive"), index=pd.Index(np.arange(active.size)))
        .reindex(s.index.astype(np.int64))
        .to_numpy()
    )
    agree = float((s["activity"].to_numpy() == truth).mean())
    result = {
        "n_firms": int(n_firms),
        "n_nodes": int(net.n_nodes),
        "n_transactions": int(src.size),
        "n_edges": int(len(net.edges)),
        "method": method,
        "resolution": resolution,
        "within": within,
        "n_permutations": int(n_permutations),
        **{k: round(v, 2) for k, v in times.items()},
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "n_communities": int(cl.membership.attrs["n_communities"]),
        "modularity": round(float(cl.membership.attrs["modularity"]), 4),
        "n_sentra": int(len(s)),
        "sentra_activity_agreement": round(agree, 4),
        "mean_sentra_purity": round(float(s["community_purity"].mean()), 4),
        # all repeats together (not the best pair: the load moves between the two calls)
        "ratio_to_raw_leiden": round(sum(p[0] for p in pairs) / sum(p[1] for p in pairs), 3),
        "cpu_ratio_to_raw_leiden": round(sum(p[5] for p in pairs) / sum(p[6] for p in pairs), 3),
        "ratios": [round(p[0] / p[1], 3) for p in pairs],
        # the fastest find_clusters over the fastest raw call (best of N, each alone)
        "best_wall_ratio": round(min(p[0] for p in pairs) / min(p[1] for p in pairs), 3),
        # CPU of the calling thread only: the critical path, without the test threads
        "find_clusters_runs_main_thread_cpu_s": [round(p[7], 2) for p in pairs],
        "main_thread_cpu_ratios": [round(p[7] / p[6], 3) for p in pairs],
        "find_clusters_runs_s": [round(p[0], 2) for p in pairs],
        "raw_leiden_runs_s": [round(p[1], 2) for p in pairs],
        # CPU seconds of the process: less sensitive to the other jobs on the 2 cores
        "cpu_ratios": [round(p[5] / p[6], 3) for p in pairs],
        "find_clusters_runs_cpu_s": [round(p[5], 2) for p in pairs],
        "raw_leiden_runs_cpu_s": [round(p[6], 2) for p in pairs],
        "loadavg_before_raw": [round(p[2], 2) for p in pairs],
        "loadavg_before_find_clusters": [round(p[3], 2) for p in pairs],
        "same_partition_as_raw_leiden": same_partition,
        "permutation_backend": permutation_backend(),
        # other processes share the 2 cores: the 1-minute load average says how much
        "loadavg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    if write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        key = f"{n_firms}_{method}" + (f"_within-{within}" if within else "")
        old[key] = result
        RESULTS.write_text(json.dumps(old, indent=2, sort_keys=True) + "\n")
    return result


def _raw_leiden(net, resolution, seed, within):
    """One raw ``community_leiden`` call on the graph find_clusters detects on: seconds,
    canonical labels (None with ``within``: the anchor is then the whole graph) and the
    load average before it. Graph and weight list are made before the clock."""
    import os
    import random

    from linkage.network.communities import _network_detection_edges
    from linkage.network.detection import (
        LARGE_GRAPH_EDGES,
        canonical_labels,
        igraph_graph,
    )

    u, v, w = _network_detection_edges(net, True, 1.0)
    g = igraph_graph(net.n_nodes, u, v)
    weights = w.tolist()
    n_iterations = 2 if u.size < LARGE_GRAPH_EDGES else 1
    del u, v, w
    state = random.getstate()
    random.seed(seed)
    load = os.getloadavg()[0]
    t, c = time.perf_counter(), time.process_time()
    cl = g.community_leiden(
        objective_function="modularity",
        weights=weights,
        resolution=resolution,
        n_iterations=n_iterations,
    )
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    random.setstate(state)
    labels = None if within else canonical_labels(np.asarray(cl.membership))
    return (seconds, cpu), labels, load


def permutation_backend():
    from linkage.network.permutation import backend

    return backend()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--firms", type=int, default=1_000_000)
    p.add_argument("--transactions", type=int, default=10_000_000)
    p.add_argument("--method", default="leiden")
    p.add_argument("--resolution", type=float, default=1.0)
    p.add_argument("--permutations", type=int, default=199)
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--within", default=None)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    result = run(
        a.firms,
        a.transactions,
        method=a.method,
        resolution=a.resolution,
        n_permutations=a.permutations,
        within=a.within,
        seed=a.seed,
        repeats=a.repeats,
    )
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
