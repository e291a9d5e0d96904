"""Machine description and the generated ``RESULTS.md`` (from the JSON files of a run)."""

from __future__ import annotations

import json
import os
import platform
import time
from importlib import metadata
from pathlib import Path

from benchmarks import cases as C

HERE = Path(__file__).resolve().parent
BLAS_ENV = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)
PACKAGES = (
    "linkage",
    "numpy",
    "scipy",
    "pandas",
    "pymrio",
    "networkx",
    "igraph",
    "leidenalg",
    "pyvis",
    "playwright",
    "psutil",
    "threadpoolctl",
)


def _meminfo(field):
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def mem_available():
    return _meminfo("MemAvailable")


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas():
    try:
        import numpy  # noqa: F401  (load the BLAS before asking threadpoolctl)
        import scipy.linalg  # noqa: F401
        from threadpoolctl import threadpool_info

        info = threadpool_info()
        return [
            f"{d.get('internal_api')} {d.get('version')} kernel={d.get('architecture')} "
            f"threads={d.get('num_threads')} ({Path(d.get('filepath', '')).name})"
            for d in info
        ]
    except ImportError:
        try:
            import numpy as np

            cfg = np.show_config(mode="dicts")
            b = cfg["Build Dependencies"]["blas"]
            return [f"{b.get('name')} {b.get('version')} (numpy.show_config; no threadpoolctl)"]
        except Exception:  # pragma: no cover
            return ["unknown"]


def _git():
    import subprocess

    root = HERE.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "linkage"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    changed = sorted({ln[3:] for ln in dirty if ln.strip()})
    return {"commit": head or None, "uncommitted_in_linkage": changed}


def machine_summary():
    """What a reader needs to compare these numbers with another machine's."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        cores = os.cpu_count()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu": _cpu_model(),
        "cores": cores,
        "ram_bytes": _meminfo("MemTotal"),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "blas": _blas(),
        "blas_env": {k: os.environ.get(k) for k in BLAS_ENV},
        "versions": versions,
        "git": _git(),
    }


# ---------------------------------------------------------------------------- formatting
def _b(x):
    if x is None:
        return "-"
    for unit, k in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(x) >= k:
            return f"{x / k:.3g} {unit}"
    return f"{x:.0f} B"


def _s(x):
    if x is None:
        return "-"
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def _g(x, digits=3):
    return "-" if x is None else f"{x:.{digits}g}"


def load_results(out_dir):
    res = {}
    for p in sorted(Path(out_dir).glob("*.json")):
        try:
            d = json.loads(p.read_text())
        except json.JSONDecodeError:
            continue
        if isinstance(d, dict) and "case" in d:
            res[d["case"]] = d
    return res


def _target_rows(results):
    rows = []
    for t in C.targets():
        res = results.get(t.case)
        if res is None:
            rows.append((t, None, "case not run", None))
            continue
        measured, note = t.evaluate(res)
        ok = None if measured is None else measured <= t.limit
        rows.append((t, measured, note, ok))
    return rows


def _variant_table(res):
    vs = res.get("variants", {})
    inv = vs.get("numpy_inv", {})
    inv_t = inv.get("time_s") if inv.get("status") == "ok" else None
    mv = vs.get("matvec", {})
    unit = (mv.get("outputs") or {}).get("matvec_s") if mv.get("status") == "ok" else None
    n = res.get("params", {}).get("n") or res.get("params", {}).get("n_firms")
    lines = [
        "| variant | status | time s (best) | runs | x inv | in matvecs | peak extra | "
        "extra / n^2 doubles | peak process | method | residual | max rel diff |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, v in vs.items():
        out = v.get("outputs") or {}
        ok = v.get("status") == "ok"
        t = v.get("time_s") if ok else None
        extra = v.get("peak_extra_bytes") if ok else None
        dense = res["kind"] == "dense"
        per_n2 = extra / (8.0 * n * n) if (extra is not None and n and dense) else None
        chk = v.get("check") or {}
        diff = chk.get("max_rel_diff")
        status = v.get("status", "?")
        if not ok:
            status = (status + " " + (v.get("error") or "")).strip().replace("|", "/")[:120]
        if name == "matvec" and ok:
            t = unit
        lines.append(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                name,
                status,
                _s(t),
                v.get("runs", "-"),
                _g(t / inv_t) if (t is not None and inv_t and name != "matvec") else "-",
                _g(out["time_in_matvecs_here"])
                if out.get("time_in_matvecs_here")
                else (_g(t / unit) if (t is not None and unit and name != "matvec") else "-"),
                _b(extra),
                _g(per_n2),
                _b(v.get("peak_total_bytes")),
                out.get("method", "-") or "-",
                _g(out.get("residual"), 2),
                f"{_g(diff, 2)} vs {chk['vs']}" if diff is not None else "-",
            )
        )
    return lines


def write_report(out_dir, report_path, quick=False):
    """Regenerate RESULTS.md from every ``<case>.json`` in ``out_dir``."""
    out_dir, report_path = Path(out_dir), Path(report_path)
    results = load_results(out_dir)
    order = {c.name: i for i, c in enumerate(C.quick_suite() + C.full_suite())}
    results = dict(sorted(results.items(), key=lambda kv: (order.get(kv[0], 1e9), kv[0])))
    m = machine_summary()
    first = min((r.get("started", "") for r in results.values()), default="")
    last = max((r.get("finished", r.get("started", "")) for r in results.values()), default="")
    L = []
    L.append("# linkage benchmark results" + (" (--quick)" if quick else ""))
    L.append("")
    L.append(
        "Generated by `python -m benchmarks.run" + (" --quick" if quick else "") + "` from the "
        f"JSON files in `{_rel(out_dir)}/` (cases run {first} ... {last}). Do not edit by "
        "hand: re-run a case with `python -m benchmarks.run --cases NAME` and this file is "
        "rebuilt. What each case measures: `benchmarks/README.md`."
    )
    L.append("")
    L.append("## Machine")
    L.append("")
    L.append(f"- CPU: {m['cpu']}, {m['cores']} cores available; RAM {_b(m['ram_bytes'])}")
    L.append(f"- OS: {m['os']}; Python {m['python']}")
    for b in m["blas"] or []:
        L.append(f"- BLAS: {b}")
    env = ", ".join(f"{k}={v!r}" for k, v in m["blas_env"].items())
    L.append(f"- BLAS environment: {env} (None = unset)")
    L.append(
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v is not None)
    )
    commits = sorted(
        {
            (r.get("machine") or {}).get("git", {}).get("commit") or "?"
            for r in results.values()
            if (r.get("machine") or {}).get("git")
        }
    )
    if commits:
        L.append(
            f"- Code measured: git commit(s) {', '.join(commits)} (per case in its JSON, "
            "with any uncommitted files under linkage/)"
        )
    L.append(f"- Report written: {m['date']}")
    loads = [tuple(r.get("loadavg_before") or ()) for r in results.values()]
    if loads:
        worst = max((lv[0] for lv in loads if lv), default=0.0)
        L.append(
            f"- Highest 1-min load average seen at the start of a case: {worst:.2f} on "
            f"{m['cores']} cores (other work on the machine slows every contender alike; "
            "repeats are interleaved and the fastest is kept)"
        )
    L.append("")

    L.append("## Targets (issue 8)")
    L.append("")
    L.append("Rows marked (issue 14) carry issue 14's limits (the 1e6-firm networks).")
    L.append("")
    if quick:
        L.append("The targets are evaluated on the full suite; `--quick` runs none of their cases.")
        L.append("")
    L.append("| target | measured | limit | pass | detail | reproduce |")
    L.append("|---|---|---|---|---|---|")
    for t, measured, note, ok in _target_rows(results):
        verdict = "n/a" if ok is None else ("PASS" if ok else "**FAIL**")
        if t.info and ok is not None:
            verdict = "(info: " + ("below" if ok else "above") + " the limit)"
        meas = (
            "-"
            if measured is None
            else (f"{measured:.2e}" if abs(measured) < 1e-3 else f"{measured:.3g}")
        )
        limit = f"{t.limit:.0e}" if t.limit < 1e-3 else f"{t.limit:g}"
        cmd = f"`python -m benchmarks.run --cases {t.case}`"
        label = t.label + (" (issue 14)" if getattr(t, "issue", 8) == 14 else "")
        L.append(f"| {label} | {meas} {t.unit} | {limit} {t.unit} | {verdict} | {note} | {cmd} |")
    L.append("")

    if not quick:
        for path in findings_files():
            L.append(path.read_text().rstrip())
            L.append("")

    L.append("## All cases")
    L.append("")
    L.append(
        "Time: wall seconds of the operation alone (inputs loaded and, for linkage, the "
        "`IOTable` and its `A` built before the clock), fastest of all runs; each run is a "
        "fresh process. `x inv`: time over `numpy.linalg.inv(I - A)` in the same case. "
        "`in matvecs`: time over one sparse product `A @ v` (CSR) timed in the same process "
        "right after the operation (same machine load). Peak extra: high-water "
        "mark of resident memory during the operation minus resident memory just before it. "
        "Peak process: high-water mark of the whole process (interpreter, inputs, table). "
        "Max rel diff: largest relative difference of the raw index vectors (column and row "
        "sums of L, Ghosh row sums, direct sums, CVs) from the reference variant, over "
        "sectors with positive output."
    )
    L.append("")
    for name, res in results.items():
        L.append(f"### {name}")
        L.append("")
        L.append(f"{res.get('description', '')}. Reproduce: `{res.get('command')}`.")
        inp = res.get("input")
        if inp:
            keys = [k for k in inp if k not in ("generator",)]
            L.append("")
            L.append("Input: " + ", ".join(f"{k}={inp[k]}" for k in keys))
        if res.get("generate"):
            L.append("")
            L.append(f"Input generation failed: {res['generate'].get('status')}")
        L.append("")
        if res["kind"] == "plugin":
            v = res["variants"].get("run", {})
            L.append(
                f"Status: {v.get('status')}; wall {_s(v.get('time_s'))} s; peak process "
                f"{_b(v.get('peak_total_bytes'))}."
            )
            if v.get("error"):
                L.append("")
                L.append(f"Error: `{v['error'][:300]}`")
            out = v.get("outputs")
            if isinstance(out, dict):
                L.append("")
                L.append("| key | value |")
                L.append("|---|---|")
                for k, val in out.items():
                    L.append(f"| {k} | {json.dumps(val, default=str)[:200]} |")
        else:
            L.extend(_variant_table(res))
            auto = (res["variants"].get("linkage_auto") or {}).get("outputs") or {}
            if auto.get("method_reason"):
                L.append("")
                L.append(f"`auto` chose `{auto.get('method')}`: {auto['method_reason']}.")
        L.append("")
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text("\n".join(L) + "\n")
    return report_path


#: Topic files of ``benchmarks/findings/`` in the order RESULTS.md embeds them (others follow
#: alphabetically), so each piece of work writes its own file and none edits RESULTS.md.
FINDINGS_ORDER = ("kernel", "dense", "clusters", "readers", "extraction", "batch")


def findings_files():
    """``FINDINGS.md`` and then ``findings/*.md``: the hand-written parts of RESULTS.md."""
    topics = {p.stem: p for p in sorted((HERE / "findings").glob("*.md"))}
    ordered = [topics.pop(name) for name in FINDINGS_ORDER if name in topics]
    head = [HERE / "FINDINGS.md"] if (HERE / "FINDINGS.md").exists() else []
    return head + ordered + list(topics.values())


def _rel(p):
    try:
        return str(Path(p).resolve().relative_to(HERE.parent))
    except ValueError:
        return str(p)
