"""Run the benchmark suite: ``python -m benchmarks.run [--quick] [--cases NAME ...]``.

Run from the repository root. For every case the input is generated once (seeded, cached
under ``--cache``), then every variant runs in a fresh subprocess (``benchmarks/worker.py``)
that reports its wall time and peak memory; the parent also kills a variant that passes
its time or memory limit. Results go to ``<out>/<case>.json``; at the end the report
(``RESULTS.md``) is regenerated from every JSON file in ``<out>``, so re-running one case
updates its rows and keeps the others.

Defaults: the full suite writes ``benchmarks/results/`` and ``benchmarks/RESULTS.md``;
``--quick`` (seconds; for CI) writes ``benchmarks/results/quick/`` and its own
``RESULTS.md`` there. ``--out DIR`` puts both the JSON files and ``RESULTS.md`` in DIR.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks import cases as C
from benchmarks import report

# the batch benchmark (issue 16): a helper module like bench_pages, run with its run()
C.PLUGINS.setdefault(
    "plugin_batch",
    ("benchmarks.bench_batch", "batch helper: every district of a province, 2 workers vs serial"),
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: seconds to wait before each run for other work on the machine to stop (--wait)
MAX_WAIT_QUIET = 0.0


def _keep_best_ratio(kept: dict, new: dict) -> None:
    """Keep the best in-process ratio to one product over the runs of a variant.

    Each run's ratio is its own best time over its own best product, both timed in that one
    process; the first run's outputs alone would report the first run's ratio beside the
    best time of all runs.
    """
    ratio = new.get("time_in_matvecs_here")
    if ratio is not None and ratio < kept.get("time_in_matvecs_here", float("inf")):
        kept["time_in_matvecs_here"] = ratio
        kept["matvec_here_s"] = new.get("matvec_here_s")


def _child_env():
    env = dict(os.environ)
    extra = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + extra if extra else "")
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def _rss_of(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _cpu_times():
    with open("/proc/stat") as fh:
        vals = [int(v) for v in fh.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    return sum(vals), idle


def cpu_busy(interval=0.5):
    """Share of all cores busy (with anything) over ``interval`` seconds; None off Linux."""
    try:
        t0, i0 = _cpu_times()
        time.sleep(interval)
        t1, i1 = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    return 1.0 - (i1 - i0) / max(t1 - t0, 1)


def wait_for_quiet(max_wait, threshold=0.25):
    """Wait (at most ``max_wait`` s) until the machine is idle; return the busy share seen."""
    waited, busy = 0.0, cpu_busy()
    while busy is not None and busy > threshold and waited < max_wait:
        time.sleep(2.0)
        waited += 2.5
        busy = cpu_busy()
    return {"cpu_busy_before": None if busy is None else round(busy, 3), "waited_s": waited}


def run_child(mode, spec, timeout, mem_limit):
    """Run ``python -m benchmarks.worker MODE SPEC``; kill it past timeout or mem_limit."""
    cmd = [sys.executable, "-m", "benchmarks.worker", mode, json.dumps(spec)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env=_child_env())
        killed, peak_seen = None, 0
        while proc.poll() is None:
            elapsed = time.perf_counter() - t0
            rss = _rss_of(proc.pid) or 0
            peak_seen = max(peak_seen, rss)
            if elapsed > timeout:
                killed = f"timeout: still running after {timeout:.0f} s"
            elif rss > mem_limit:
                killed = f"memory limit: resident {rss / 2**30:.1f} GiB > {mem_limit / 2**30:.1f}"
            if killed:
                proc.kill()  # our own child, by its pid
                proc.wait()
                break
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if killed:
        return {"status": killed, "process_s": round(wall, 3), "rss_seen_bytes": peak_seen}
    lines = [ln for ln in stdout.strip().splitlines() if ln.startswith("{")]
    if not lines:
        return {
            "status": f"crashed (exit code {proc.returncode})",
            "stderr": stderr[-2000:],
            "process_s": round(wall, 3),
        }
    result = json.loads(lines[-1])
    result["process_s"] = round(wall, 3)
    if result.get("status") != "ok" and stderr:
        result["stderr"] = stderr[-2000:]
    return result


def _input_path(case, cache):
    key = json.dumps({"kind": case.kind, **case.params}, sort_keys=True)
    digest = hashlib.sha1(key.encode()).hexdigest()[:10]
    return Path(cache) / f"{case.kind}-{digest}.npz"


def _max_rel_diff(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape:
        return None
    scale = np.maximum(np.abs(b), 1e-300)
    return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0


def compare_vectors(case, vec_paths, x):
    """Largest relative difference of each variant's index vectors from the reference's."""
    ref_name = case.reference
    if not ref_name or ref_name not in vec_paths:
        return {}
    with np.load(vec_paths[ref_name]) as z:
        ref = {k: z[k] for k in z.files}
    pos = x > 0  # conventions for zero-output sectors differ (pymrio: Ghosh row sum 0)
    diffs = {}
    for name, path in vec_paths.items():
        with np.load(path) as z:
            got = {k: z[k] for k in z.files}
        d = {}
        for k in got:
            if k in ref:
                val = _max_rel_diff(got[k][pos], ref[k][pos])
                if val is not None:
                    d[k] = val
        diffs[name] = {"vs": ref_name, "max_rel_diff": max(d.values()) if d else None, **d}
    return diffs


def run_case(case, cache, out_dir, log):
    """Generate the input (cached), run every variant, write ``<out_dir>/<case>.json``."""
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    result = {
        "case": case.name,
        "kind": case.kind,
        "description": case.description,
        "params": case.params,
        "command": f"python -m benchmarks.run --cases {case.name}",
        "started": started,
        "machine": report.machine_summary(),
        "mem_available_bytes_before": report.mem_available(),
        "loadavg_before": os.getloadavg(),
        "variants": {},
    }
    if case.kind == "plugin":
        module = case.params["module"]
        if not (ROOT / (module.replace(".", "/") + ".py")).exists():
            result["variants"]["run"] = {"status": f"missing: {module} not in the tree"}
            log(f"  {case.name}: {module} missing")
        else:
            spec = {"module": module, "quick": case.params.get("quick", False)}
            quiet = wait_for_quiet(MAX_WAIT_QUIET)
            res = run_child("plugin", spec, case.timeout, case.mem_limit)
            res.update(quiet)
            result["variants"]["run"] = res
            log(f"  {case.name}: {res.get('status')} in {res.get('process_s')} s")
        _write(out_dir, case.name, result)
        return result

    path = _input_path(case, cache)
    if not path.exists():
        log(f"  {case.name}: generating input -> {path}")
        gen = run_child(
            "generate",
            {"kind": case.kind, "params": case.params, "path": str(path)},
            timeout=900,
            mem_limit=case.mem_limit,
        )
        if gen.get("status") != "ok":
            result["generate"] = gen
            log(f"  {case.name}: generation failed: {gen.get('status')} {gen.get('error', '')}")
            _write(out_dir, case.name, result)
            return result
    with np.load(path) as z:
        result["input"] = json.loads(str(z["meta"]))
        x = z["x"]

    vec_dir = Path(tempfile.mkdtemp(prefix="linkage-bench-vec-"))
    vec_paths = {}
    # interleave the repeats (a, b, c, a, b, c, ...) so a burst of load on the machine
    # does not hit one contender only; each repeat is a fresh process; keep the fastest
    rounds = max([case.repeats.get(v, 1) for v in case.variants] + [1])
    for r in range(rounds):
        for name in case.variants:
            if r >= case.repeats.get(name, 1) or (
                r > 0 and result["variants"].get(name, {}).get("status") != "ok"
            ):
                continue
            spec = {
                "variant": name,
                "kind": case.kind,
                "path": str(path),
                "inner": case.inner,
                "vectors_path": str(vec_dir / f"{name}.npz") if r == 0 else None,
            }
            quiet = wait_for_quiet(MAX_WAIT_QUIET)
            res = run_child("variant", spec, case.timeout, case.mem_limit)
            res.update(quiet)
            res["description"] = C.VARIANTS[name][2]
            prev = result["variants"].get(name)
            if prev is None:
                res["runs"] = 1
                result["variants"][name] = res
            elif res.get("status") == "ok" and prev.get("status") == "ok":
                prev["runs"] += 1
                prev["cpu_busy_before"] = max(
                    prev.get("cpu_busy_before") or 0, res.get("cpu_busy_before") or 0
                )
                prev["times_s"] = prev["times_s"] + res["times_s"]
                prev["time_s"] = min(prev["time_s"], res["time_s"])
                prev["cpu_s"] = min(prev["cpu_s"], res["cpu_s"])
                prev["peak_extra_bytes"] = max(prev["peak_extra_bytes"], res["peak_extra_bytes"])
                prev["peak_total_bytes"] = max(prev["peak_total_bytes"], res["peak_total_bytes"])
                _keep_best_ratio(prev.setdefault("outputs", {}), res.get("outputs") or {})
            if r == 0 and res.get("status") == "ok" and (vec_dir / f"{name}.npz").exists():
                vec_paths[name] = vec_dir / f"{name}.npz"
            status = res.get("status")
            if status == "ok":
                shown = f"{res['time_s']:.3f} s"
            else:
                shown = f"{status} {res.get('error', '')}"
            log(f"  {case.name} / {name} [{r + 1}]: {shown}")
    for name, d in compare_vectors(case, vec_paths, x).items():
        result["variants"][name]["check"] = d
    for p in vec_paths.values():
        p.unlink(missing_ok=True)
    vec_dir.rmdir() if not any(vec_dir.iterdir()) else None
    result["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    _write(out_dir, case.name, result)
    return result


def _write(out_dir, name, result):
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f".{name}.json.tmp"
    tmp.write_text(json.dumps(result, indent=1, default=str) + "\n")
    os.replace(tmp, out_dir / f"{name}.json")


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Benchmarks of linkage beside numpy.linalg.inv and pymrio.",
    )
    p.add_argument("--quick", action="store_true", help="tiny inputs, seconds (CI)")
    p.add_argument("--cases", nargs="+", metavar="NAME", help="run only these cases")
    p.add_argument(
        "--variants", nargs="+", metavar="NAME", help="run only these variants of each case"
    )
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    p.add_argument("--out", type=Path, help="results folder (RESULTS.md goes there too)")
    p.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "linkage-bench-cache",
        help="where generated inputs are kept (default: %(default)s)",
    )
    p.add_argument("--report-only", action="store_true", help="only rebuild RESULTS.md")
    p.add_argument(
        "--wait",
        type=float,
        default=None,
        metavar="S",
        help="before each run, wait up to S seconds until the CPUs are idle "
        "(default 15, 0 with --quick); the busy share seen is recorded",
    )
    args = p.parse_args(argv)
    global MAX_WAIT_QUIET
    MAX_WAIT_QUIET = args.wait if args.wait is not None else (0.0 if args.quick else 15.0)

    suite = C.suite(args.quick)
    if args.list:
        for c in suite:
            print(f"{c.name:24s} {c.description}  [{', '.join(c.variants) or c.params}]")
        return 0
    if args.out is not None:
        out_dir, report_path = args.out, args.out / "RESULTS.md"
    elif args.quick:
        out_dir = HERE / "results" / "quick"
        report_path = out_dir / "RESULTS.md"
    else:
        out_dir, report_path = HERE / "results", HERE / "RESULTS.md"

    if args.cases:
        known = {c.name for c in suite}
        unknown = [c for c in args.cases if c not in known]
        if unknown:
            p.error(f"unknown case(s) {unknown}; known: {sorted(known)}")
        suite = [c for c in suite if c.name in args.cases]
    if args.variants:
        unknown = [v for v in args.variants if v not in C.VARIANTS]
        if unknown:
            p.error(f"unknown variant(s) {unknown}; known: {sorted(C.VARIANTS)}")
        for c in suite:
            c.variants = [v for v in c.variants if v in args.variants]

    def log(msg):
        print(msg, flush=True)

    if not args.report_only:
        t0 = time.perf_counter()
        for case in suite:
            log(f"{case.name}: {case.description}")
            run_case(case, args.cache, out_dir, log)
        log(f"suite done in {time.perf_counter() - t0:.0f} s")
    report.write_report(out_dir, report_path, quick=args.quick)
    log(f"results: {out_dir}/ ; report: {report_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
