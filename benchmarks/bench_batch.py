"""Benchmark: the district batch (``linkage batch --grdp``) on 2 Dask workers vs serial.

Every district of one province in the BPS 2016 GRDP workbook is regionalized from the
province's table and analyzed (``regionalize ... && analyze {out}/regional_table.csv``,
the tasks of :func:`linkage.pipeline.batch_manifest.district_tasks`), three ways:

* ``serial``: the tasks one after another in this process (:func:`execute_task` in a
  loop, the same runner as the batch; no process start-up per command, so this is the
  fastest serial baseline, faster than a shell loop over ``linkage`` commands);
* ``dask_1``, ``dask_2``: :func:`run_batch` on a local cluster of 1 and 2 worker
  processes, timed with the cluster's start-up (what a user waits for) and without it
  (from the first submit to the last result).

Every task's files are compared with the serial run's: byte for byte, and as numbers (the
workers use one BLAS thread each, this process may use more, so the last digit of a
solve may differ). Input: the real
tables in ``../shared/data/real/indonesia_prov17_2016`` (the case is skipped without
them): Sulawesi Selatan's 24 districts, or Kepulauan Riau's 7 with ``quick``. Results go
to ``benchmarks/results/batch.json``.

Run: ``python benchmarks/bench_batch.py [--quick]`` or ``python -m benchmarks.run --cases
plugin_batch``.
"""

from __future__ import annotations

import io
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from linkage.cli.batch import run_command
from linkage.pipeline.batch import execute_task, run_batch
from linkage.pipeline.batch_manifest import district_tasks
from linkage.pipeline.executor import dask_client

RESULTS = Path(__file__).resolve().parent / "results" / "batch.json"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "indonesia_prov17_2016"
GRDP = "PDRB Lapangan Usaha Kab Kota Dalam Milyar Seluruh Indonesia ADHK tahun 2016.xlsx"
TABLE = (
    "Tabel Input-Output Provinsi {} Transaksi Domestik Atas Dasar Harga Produsen "
    "(17 Lapangan Usaha) 2016 (Juta Rupiah).xlsx"
)


def _files(folder: Path) -> dict:
    """Task name -> {file name: bytes} of a batch folder (markers and batch files left out)."""
    return {
        d.name: {p.name: p.read_bytes() for p in sorted(d.iterdir()) if not p.name.startswith(".")}
        for d in sorted(folder.iterdir())
        if d.is_dir() and not d.name.startswith(".")
    }


def _compare(reference: dict, other: dict) -> dict:
    """Files equal byte for byte, and the largest relative difference of their numbers."""
    same, worst = 0, 0.0
    for task, files in reference.items():
        if set(other.get(task, {})) != set(files):
            return {"same_files": False}
        for name, data in files.items():
            same += other[task][name] == data
            a = pd.read_csv(io.BytesIO(data)).select_dtypes("number").to_numpy()
            b = pd.read_csv(io.BytesIO(other[task][name])).select_dtypes("number").to_numpy()
            scale = np.maximum(np.abs(a), 1e-300)
            worst = max(worst, float(np.nanmax(np.abs(a - b) / scale, initial=0.0)))
    n = sum(len(files) for files in reference.values())
    return {"same_files": True, "files": n, "bytes_equal": same, "max_rel_diff": worst}


def _serial(tasks, out: Path) -> dict:
    out.mkdir(parents=True)
    t, cpu = time.perf_counter(), time.process_time()
    for task in tasks:
        outcome = execute_task(task, str(out), run_command)
        if outcome.status != "done":
            raise RuntimeError(f"{task.name}: {outcome.error}")
    return {"run_s": time.perf_counter() - t, "cpu_s": time.process_time() - cpu}


def _on_dask(tasks, out: Path, workers: int) -> dict:
    t0 = time.perf_counter()
    with dask_client(workers=workers) as client:
        t1 = time.perf_counter()
        cpu0 = client.run(time.process_time)  # CPU seconds of each worker process
        outcomes = run_batch(client, tasks, out, run_command)
        t2 = time.perf_counter()
        cpu1 = client.run(time.process_time)
    t3 = time.perf_counter()
    failed = [o.name for o in outcomes if o.status != "done"]
    if failed:
        raise RuntimeError(f"tasks failed on {workers} workers: {failed}")
    cpu = sorted(cpu1[w] - cpu0[w] for w in cpu0)
    return {"startup_s": t1 - t0, "run_s": t2 - t1, "total_s": t3 - t0, "worker_cpu_s": cpu}


def run(quick: bool = False, out: Path | None = RESULTS) -> dict:
    """Time the district batch serially and on 1 and 2 workers; return the measurements."""
    if not DATA.is_dir():
        return {"status": f"skipped: {DATA} not present"}
    load_before = os.getloadavg()[0]
    province = "Kepulauan Riau" if quick else "Sulawesi Selatan"
    tasks = district_tasks(DATA / GRDP, DATA / TABLE.format(province))
    folder = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    try:
        serial = _serial(tasks, folder / "serial")
        reference = _files(folder / "serial")
        runs = {}
        for workers in (1, 2):
            runs[f"dask_{workers}"] = _on_dask(tasks, folder / f"dask_{workers}", workers)
            check = _compare(reference, _files(folder / f"dask_{workers}"))
            runs[f"dask_{workers}"]["vs_serial"] = check
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    results = {
        "province": province,
        "tasks": len(tasks),
        "serial": serial,
        **runs,
        "speedup_2_vs_serial_total": serial["run_s"] / runs["dask_2"]["total_s"],
        "speedup_2_vs_serial_run": serial["run_s"] / runs["dask_2"]["run_s"],
        "speedup_2_vs_1_run": runs["dask_1"]["run_s"] / runs["dask_2"]["run_s"],
        # on an idle machine the run takes as long as its busiest worker's CPU time: this
        # ratio is what two cores give when nothing else runs (load makes the wall ratios
        # smaller)
        "cpu_bound_speedup_2_vs_serial": serial["cpu_s"] / max(runs["dask_2"]["worker_cpu_s"]),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_avg_1m_before": load_before,
        "load_avg_1m_after": os.getloadavg()[0],
    }
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
