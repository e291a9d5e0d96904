"""Benchmark: reading a 1000-sector workbook and a 2000-sector CSV table (issue 14, item 4).

Inputs (generated once, seeded, cached beside the suite's inputs): a balanced dense table
(``benchmarks.generators.dense_table``) written by :func:`linkage.write_table` as
``.xlsx`` (1000 sectors, about 10 MB) and as ``.csv`` (2000 sectors, shortest exact float
text, about 63 MB). Each contender runs in a fresh process; the clock covers the whole
read into an ``IOTable`` (or, for the references, into a DataFrame); *peak extra* is the
resident high-water mark during the read minus the resident size before it (imports
done); CPU seconds (``time.process_time``) are given beside the wall clock. Contenders:

- xlsx: ``read_table`` with calamine (the default), ``read_table`` with openpyxl (calamine
  made unimportable: the anchor, today's reader), ``pandas.read_excel(engine="calamine")``
  and python-calamine's ``to_python`` alone (what the cells cost);
- csv: ``read_table`` through pyarrow (the default), ``read_table`` through the csv module
  (today's reader, the anchor), ``pandas.read_csv`` (numbers parsed, no checks).

The two ``read_table`` results of each file are compared (Z, x, final demand, value added
and the diagnostics). Run: ``python -m benchmarks.bench_readers [--quick]`` or, in the
suite, ``python -m benchmarks.run --cases plugin_readers``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "linkage-bench-cache"
VARIANTS = {
    "xlsx": ["read_table_calamine", "read_table_openpyxl", "pandas_calamine", "calamine_cells"],
    "csv": ["read_table_pyarrow", "read_table_csv_module", "pandas_read_csv"],
}
ANCHOR = {"xlsx": "read_table_openpyxl", "csv": "read_table_csv_module"}


def make_input(kind: str, n: int) -> Path:
    """The cached input file of ``n`` sectors (generated on first use)."""
    from benchmarks.generators import dense_table
    from linkage import IOTable, write_table

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"readers-{n}.{kind}"
    if path.exists():
        return path
    t = dense_table(n, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = IOTable.from_arrays(
            t.Z, final_demand=t.f, total_output=t.x, sectors=[f"sector {i}" for i in range(n)]
        )
    tmp = path.with_suffix(".tmp" + path.suffix)
    write_table(table, tmp)
    os.replace(tmp, path)
    return path


def _status(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def one(variant: str, path: str) -> dict:
    """Run one contender in this process; the JSON line the parent reads."""
    import pandas as pd  # noqa: F401  (imports outside the clock)
    import pyarrow  # noqa: F401
    import python_calamine

    import linkage.io.tables as tables
    from linkage.io import read_table, xlsx

    warnings.simplefilter("ignore")
    if variant == "read_table_openpyxl":
        xlsx.CalamineWorkbook = None
    if variant == "read_table_csv_module":
        tables.read_csv_columns = lambda *a, **k: None
    base = _status("VmRSS")
    exact = _reset_peak()
    t0, c0 = time.perf_counter(), time.process_time()
    if variant.startswith("read_table"):
        out = read_table(path)
    elif variant == "pandas_calamine":
        out = pd.read_excel(path, engine="calamine", header=None)
    elif variant == "calamine_cells":
        out = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    elif variant == "pandas_read_csv":
        out = pd.read_csv(path)
    else:
        raise ValueError(variant)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = _status("VmHWM") - base if exact else None
    res = {
        "variant": variant,
        "time_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "peak_extra_bytes": peak,
    }
    if variant.startswith("read_table"):
        import numpy as np

        res["n"] = out.n
        res["digest"] = {
            "Z_sum": float(np.asarray(out.Z).sum()),
            "x": [float(v) for v in out.x[:5]],
            "fd_sum": float(out.final_demand.to_numpy().sum()),
            "va_sum": float(out.primary_inputs.to_numpy().sum()),
            "findings": [str(f) for f in out.diagnostics.findings],
        }
    return res


def _child(variant: str, path: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "benchmarks.bench_readers", "--one", variant, str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"variant": variant, "status": f"crashed: {proc.stderr[-500:]}"}
    return json.loads(lines[-1])


def run(quick: bool = False, repeats: int = 2) -> dict:
    """Time every contender on both files (best of ``repeats`` fresh processes)."""
    sizes = {"xlsx": 100 if quick else 1000, "csv": 200 if quick else 2000}
    out = {"load_before": os.getloadavg()[0]}
    for kind, n in sizes.items():
        path = make_input(kind, n)
        size = path.stat().st_size
        best = {}
        for _ in range(1 if quick else repeats):
            for v in VARIANTS[kind]:
                r = _child(v, path)
                if v not in best or r.get("time_s", 1e9) < best[v].get("time_s", 1e9):
                    best[v] = r
        anchor = best[ANCHOR[kind]].get("time_s")
        key = f"{kind}_{n}"
        out[f"{key}_file_mb"] = round(size / 2**20, 1)
        for v, r in best.items():
            t, peak = r.get("time_s"), r.get("peak_extra_bytes")
            out[f"{key}_{v}_s"] = t
            out[f"{key}_{v}_cpu_s"] = r.get("cpu_s")
            out[f"{key}_{v}_x_anchor"] = round(t / anchor, 3) if t and anchor else None
            out[f"{key}_{v}_peak_x_file"] = round(peak / size, 2) if peak else None
        a, b = (best[v].get("digest") for v in VARIANTS[kind][:2])
        out[f"{key}_same_table_and_findings"] = a is not None and a == b
    out["load_after"] = os.getloadavg()[0]
    return out


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(one(sys.argv[2], sys.argv[3])))
    else:
        print(json.dumps(run(quick="--quick" in sys.argv), indent=1))
