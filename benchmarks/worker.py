"""The subprocess side of the suite: generate one input, or time one variant on it.

Run by ``benchmarks/run.py``, never by hand::

    python -m benchmarks.worker generate '{"kind": "dense", "params": {...}, "path": ...}'
    python -m benchmarks.worker variant  '{"kind": "dense", "variant": "numpy_inv", ...}'

The last line on stdout is one JSON object. Memory: after the inputs are loaded and the
variant's untimed ``prepare`` step is done, the kernel's high-water mark of resident memory
is reset (``/proc/self/clear_refs``, Linux); ``peak_extra_bytes`` is the new high-water mark
minus the resident size at that moment, i.e. what the timed operation added on top of its
inputs (the BLAS libraries' one-time work buffers are touched by a warm-up before, like the
imports). ``peak_total_bytes`` is the high-water mark of the whole process (``ru_maxrss``).
Where the reset is not possible, a 2 ms sampling thread measures the peak instead.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import threading
import time
import traceback
from pathlib import Path

import numpy as np


# ---------------------------------------------------------------------------- memory
def _status_kib(field):
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_bytes():
    kib = _status_kib("VmRSS")
    if kib is not None:
        return kib * 1024
    try:
        import psutil

        return psutil.Process().memory_info().rss
    except ImportError:  # pragma: no cover
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def reset_peak() -> bool:
    """Reset the resident-set high-water mark (VmHWM); True when the kernel allows it."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return _status_kib("VmHWM") is not None
    except OSError:
        return False


class PeakSampler:
    """Fallback peak meter: samples the resident size every 2 ms in a thread."""

    def __init__(self):
        self.peak = rss_bytes()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes())
            time.sleep(0.002)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, rss_bytes())


# ---------------------------------------------------------------------------- inputs
def generate(spec):
    """Build the input of a case and save it under spec['path'] (npz)."""
    from benchmarks import generators

    kind, params, path = spec["kind"], spec["params"], Path(spec["path"])
    t0 = time.perf_counter()
    if kind == "dense":
        t = generators.dense_table(params["n"], seed=params.get("seed", 0))
        arrays = {"Z": t.Z, "f": t.f, "x": t.x, "v": t.v}
        meta = t.meta
    elif kind == "network":
        net = generators.firm_network(
            params["n_firms"],
            per_firm=params.get("per_firm", 10),
            spectral_radius=params.get("spectral_radius", 0.6),
            seed=params.get("seed", 0),
        )
        Z = net.Z
        arrays = {
            "Z_data": Z.data,
            "Z_indices": Z.indices,
            "Z_indptr": Z.indptr,
            "x": net.x,
            "f": net.f,
        }
        meta = net.meta
    else:
        raise ValueError(f"unknown kind {kind!r}")
    meta["generate_s"] = round(time.perf_counter() - t0, 3)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, meta=np.array(json.dumps(meta)), **arrays)
    os.replace(tmp, path)
    return {"status": "ok", "meta": meta, "peak_total_bytes": _maxrss()}


def load(path):
    import scipy.sparse as sp

    with np.load(path) as z:
        data = {k: z[k] for k in z.files}
    meta = json.loads(str(data.pop("meta")))
    if "Z_data" in data:
        n = data["x"].size
        data["Z"] = sp.csr_array(
            (data.pop("Z_data"), data.pop("Z_indices"), data.pop("Z_indptr")), shape=(n, n)
        )
    return data, meta


def _maxrss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def _blas():
    try:
        from threadpoolctl import threadpool_info

        return [
            {k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for d in threadpool_info()
        ]
    except ImportError:
        return None


# ---------------------------------------------------------------------------- variants
def warm_up_blas():
    """Touch the BLAS libraries' one-time buffers (numpy's and scipy's OpenBLAS are two
    libraries) so that the first large call of a variant does not count them as its memory."""
    import scipy.linalg as sla

    a = np.full((1024, 1024), 1e-3)
    a @ a
    np.linalg.solve(np.eye(1024) + a, np.ones(1024))
    sla.lu_factor(np.eye(1024) + a, check_finite=False)
    sla.blas.dgemm(1.0, a, a)
    del a


def _matvec_unit(state, repeats=7):
    """Best time of one ``A @ v`` (CSR) in this process: the unit for sparse tables, taken
    next to the timed operation so that both see the same machine load."""
    import scipy.sparse as sp

    table = state.get("table") if isinstance(state, dict) else None
    if table is None or not sp.issparse(table.A):
        return None
    A = sp.csr_array(table.A)
    v = np.ones(A.shape[0])
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        A @ v
        best = min(best, time.perf_counter() - t)
    del A
    return best


def run_variant(spec):
    from benchmarks.cases import VARIANTS, VECTOR_KEYS

    name = spec["variant"]
    prepare, op, _ = VARIANTS[name]
    rss_start = rss_bytes()
    warm_up_blas()
    data, meta = load(spec["path"])
    inner = int(spec.get("inner", 1))
    times, cpu, extras, units = [], [], [], []
    outputs = None
    method = "clear_refs"
    for _ in range(inner):
        state = prepare(data)
        if _ == inner - 1:
            del data  # the state holds what the variant needs
        gc.collect()
        base = rss_bytes()
        if reset_peak():
            t0, c0 = time.perf_counter(), time.process_time()
            outputs = op(state)
            t1, c1 = time.perf_counter(), time.process_time()
            peak = _status_kib("VmHWM") * 1024
        else:
            method = "sampling"
            with PeakSampler() as s:
                t0, c0 = time.perf_counter(), time.process_time()
                outputs = op(state)
                t1, c1 = time.perf_counter(), time.process_time()
            peak = s.peak
        times.append(t1 - t0)
        cpu.append(c1 - c0)
        extras.append(max(peak - base, 0))
        unit = _matvec_unit(state)
        if unit is not None:
            units.append(unit)
        del state
        gc.collect()
    vectors = {k: np.asarray(outputs.pop(k)) for k in VECTOR_KEYS if k in outputs}
    if spec.get("vectors_path") and vectors:
        np.savez(spec["vectors_path"], **vectors)
    scalars = {k: _jsonable(v) for k, v in outputs.items()}
    if units:
        scalars["matvec_here_s"] = min(units)
        scalars["time_in_matvecs_here"] = min(times) / min(units)
    return {
        "status": "ok",
        "time_s": min(times),
        "times_s": times,
        "cpu_s": min(cpu),
        "peak_extra_bytes": int(max(extras)),
        "peak_total_bytes": int(_maxrss()),
        "rss_after_imports_bytes": int(rss_start),
        "memory_method": method,
        "outputs": scalars,
        "blas": _blas(),
        "loadavg": os.getloadavg(),
        "meta": meta,
    }


def run_plugin(spec):
    import importlib
    import inspect

    mod = importlib.import_module(spec["module"])
    fn = mod.run
    sig = inspect.signature(fn)
    kwargs = {}
    if "quick" in sig.parameters:
        kwargs["quick"] = bool(spec.get("quick"))
    # the helpers' own result files are theirs: this run records into the suite's JSON only
    if hasattr(mod, "RESULTS"):
        import tempfile

        mod.RESULTS = Path(tempfile.mkdtemp(prefix="linkage-bench-plugin-")) / "results.json"
    if "out" in sig.parameters:
        kwargs["out"] = None
    if "write" in sig.parameters:
        kwargs["write"] = False
    gc.collect()
    base = rss_bytes()
    t0 = time.perf_counter()
    out = fn(**kwargs)
    t1 = time.perf_counter()
    return {
        "status": "ok",
        "time_s": t1 - t0,
        "peak_total_bytes": int(_maxrss()),
        "rss_before_bytes": int(base),
        "kwargs": kwargs,
        "outputs": _jsonable(out),
        "loadavg": os.getloadavg(),
    }


def _jsonable(v):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return v.tolist() if v.size <= 100 else f"<array shape {v.shape}>"
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, float) and v != v:
        return None
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return repr(v)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    mode, spec = argv[0], json.loads(argv[1])
    try:
        if mode == "generate":
            result = generate(spec)
        elif mode == "variant":
            result = run_variant(spec)
        elif mode == "plugin":
            result = run_plugin(spec)
        else:
            raise ValueError(f"unknown mode {mode!r}")
    except MemoryError as exc:
        result = {"status": "memory error", "error": str(exc)[:500]}
    except Exception as exc:  # reported in the results, never hidden
        result = {
            "status": "error",
            "error": f"{type(exc).__name__}: {exc}"[:2000],
            "traceback": traceback.format_exc()[-4000:],
        }
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
