"""Benchmark: the default ``linkages(table)`` against the obvious numpy code, alternated
(issue 14 item 2).

The suite (``python -m benchmarks.run --cases dense_n500 ...``) runs each contender once,
in its own process, with a few repetitions: on a shared 2-core machine one quiet or busy
moment decides the ratio (n = 500 read 0.77 to 1.68 in one hour). Here each size is
measured in ``rounds`` pairs of fresh processes, numpy first and linkage first in turn,
each process ``inner`` repetitions (a new table and new arrays before each, not timed,
as in the suite): the ratio of the best times, the ratio of the median times, and the
spread of the per-round ratios say whether a verdict holds. Separate processes, not one:
numpy and scipy load two OpenBLAS, and a threaded call of one just after the other's
fights its spinning threads, which would charge each contender for the other.

Contenders (the suite's own variants from :mod:`benchmarks.cases`):

- ``numpy_full``: one ``numpy.linalg.inv(I - A)``, G from L, sums, column and row CVs;
- ``linkage_default``: ``linkage.linkages(table)`` as a user calls it (solver and
  dispersion ``"auto"``), every column read back.

Wall and CPU seconds (``time.process_time``, all threads) and the load average are
recorded; the outputs of the two are compared (largest relative difference).

Run: ``python -m benchmarks.bench_dense [--quick]``; writes
``benchmarks/results/linkages_dense.json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).parent / "results" / "linkages_dense.json"
CONTENDERS = ("numpy_full", "linkage_default")
#: n -> (rounds, inner repetitions per process)
PLAN = {100: (4, 200), 300: (4, 60), 500: (4, 30), 1000: (3, 6), 2000: (3, 2), 4000: (2, 1)}
QUICK_PLAN = {100: (2, 20), 200: (2, 5)}
_CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "linkage-bench-dense"


def _data(n: int) -> dict:
    """The suite's table of n sectors (``dense_table(n, seed=1)``), cached as npz."""
    from benchmarks import generators

    path = _CACHE / f"dense_{n}.npz"
    if path.exists():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    g = generators.dense_table(n, seed=1)
    data = {"Z": g.Z, "f": g.f, "x": g.x, "v": g.v}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **data)
    os.replace(tmp, path)
    return data


def child(variant: str, n: int, inner: int, vectors: str | None) -> dict:
    """One process: ``inner`` timed repetitions of one contender (prepare not timed)."""
    import gc
    import warnings

    from benchmarks.cases import VARIANTS, VECTOR_KEYS
    from benchmarks.worker import warm_up_blas

    warnings.simplefilter("ignore")
    warm_up_blas()
    data = _data(n)
    prepare, op, _ = VARIANTS[variant]
    wall, cpu = [], []
    out = None
    for _ in range(inner):
        state = prepare(data)
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        out = op(state)
        t1, c1 = time.perf_counter(), time.process_time()
        wall.append(t1 - t0)
        cpu.append(c1 - c0)
        del state
    if vectors:
        np.savez(vectors, **{k: np.asarray(out[k]) for k in VECTOR_KEYS if k in out})
    return {"wall_s": wall, "cpu_s": cpu, "loadavg": os.getloadavg()}


def _spawn(variant, n, inner, vectors=None) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.bench_dense", "--child", variant, str(n), str(inner)]
    if vectors:
        cmd.append(vectors)
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _max_rel_diff(a_path, b_path) -> float:
    worst = 0.0
    with np.load(a_path) as a, np.load(b_path) as b:
        for k in a.files:
            if k in b.files:
                x, y = a[k], b[k]
                scale = np.maximum(np.abs(x), np.finfo(float).tiny)
                worst = max(worst, float(np.max(np.abs(x - y) / scale)))
    return worst


def measure(n: int, rounds: int, inner: int) -> dict:
    """``rounds`` pairs of processes for size n, the order alternating."""
    _data(n)  # generated once, outside every clock
    runs = {c: [] for c in CONTENDERS}
    vec = {c: str(_CACHE / f"vectors_{c}_{n}.npz") for c in CONTENDERS}
    for r in range(rounds):
        order = CONTENDERS if r % 2 == 0 else CONTENDERS[::-1]
        for c in order:
            runs[c].append(_spawn(c, n, inner, vec[c] if r == 0 else None))
    best = {c: min(min(x["wall_s"]) for x in runs[c]) for c in CONTENDERS}
    median = {c: float(np.median([t for x in runs[c] for t in x["wall_s"]])) for c in CONTENDERS}
    cpu = {c: min(min(x["cpu_s"]) for x in runs[c]) for c in CONTENDERS}
    per_round = [
        min(b["wall_s"]) / min(a["wall_s"])
        for a, b in zip(runs["numpy_full"], runs["linkage_default"], strict=True)
    ]
    loads = [x["loadavg"][0] for c in CONTENDERS for x in runs[c]]
    return {
        "n": n,
        "rounds": rounds,
        "inner": inner,
        "best_s": best,
        "median_s": median,
        "cpu_best_s": cpu,
        "ratio_best": best["linkage_default"] / best["numpy_full"],
        "ratio_median": median["linkage_default"] / median["numpy_full"],
        "ratio_cpu": cpu["linkage_default"] / cpu["numpy_full"],
        "ratio_per_round": per_round,
        "load_1min": [min(loads), max(loads)],
        "max_rel_diff": _max_rel_diff(vec["numpy_full"], vec["linkage_default"]),
    }


def run(quick: bool = False, write: bool = True, sizes=None) -> dict:
    """Every size of the plan; the results (and the JSON file when ``write``)."""
    plan = QUICK_PLAN if quick else PLAN
    if sizes:
        plan = {n: PLAN.get(n, (3, 3)) for n in sizes}
    rows = []
    for n, (rounds, inner) in plan.items():
        row = measure(n, rounds, inner)
        rows.append(row)
        print(
            f"n={n:5d} linkage/numpy best {row['ratio_best']:.2f} median "
            f"{row['ratio_median']:.2f} cpu {row['ratio_cpu']:.2f} rounds "
            f"{' '.join(f'{r:.2f}' for r in row['ratio_per_round'])}  numpy "
            f"{row['best_s']['numpy_full'] * 1e3:.3f} ms linkage "
            f"{row['best_s']['linkage_default'] * 1e3:.3f} ms  load "
            f"{row['load_1min'][0]:.1f}-{row['load_1min'][1]:.1f}  diff {row['max_rel_diff']:.1e}",
            flush=True,
        )
    result = {
        "benchmark": "linkages_dense",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpus": os.cpu_count(),
        "rows": rows,
    }
    if write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    return result


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        variant, n, inner = argv[1], int(argv[2]), int(argv[3])
        vectors = argv[4] if len(argv) > 4 else None
        print(json.dumps(child(variant, n, inner, vectors)))
        return
    quick = "--quick" in argv
    sizes = [int(a) for a in argv if a.isdigit()]
    run(quick=quick, write=not sizes, sizes=sizes or None)


if __name__ == "__main__":
    main()
