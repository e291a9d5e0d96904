"""Smoke test of the benchmark suite: ``python -m benchmarks.run --quick`` runs and writes
well-formed results.

Only a few variants of the quick cases run here (each is a fresh process), so the test
takes seconds; the benchmarks themselves are not timed tests.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ["numpy_inv", "numpy_full", "linkage_dense", "linkage_iterative", "matvec"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.run",
        "--quick",
        "--out",
        str(out),
        "--cache",
        str(out / "cache"),
        "--variants",
        *VARIANTS,
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out, proc.stdout


def test_quick_writes_one_json_per_case_and_a_report(quick_run):
    out, stdout = quick_run
    names = sorted(p.stem for p in out.glob("*.json"))
    assert names == ["dense_n200", "network_1k"]
    report = (out / "RESULTS.md").read_text()
    assert "## Machine" in report and "## Targets (issue 8)" in report
    assert "### dense_n200" in report and "### network_1k" in report
    assert "BLAS" in report and "numpy" in report


def test_dense_case_is_well_formed_and_correct(quick_run):
    out, _ = quick_run
    res = json.loads((out / "dense_n200.json").read_text())
    assert res["command"] == "python -m benchmarks.run --cases dense_n200"
    assert res["input"]["n"] == 200 and res["input"]["zero_output_sectors"] == 2
    assert set(res["variants"]) == {"numpy_inv", "numpy_full", "linkage_dense", "linkage_iterative"}
    for name, v in res["variants"].items():
        assert v["status"] == "ok", (name, v)
        assert 0 < v["time_s"] < 60 and np.isfinite(v["time_s"])
        assert v["peak_total_bytes"] > 10 * 2**20  # an interpreter with numpy loaded
        assert v["peak_extra_bytes"] >= 0
    # linkage agrees with the explicit inverse on every index vector
    for name in ("linkage_dense", "linkage_iterative"):
        chk = res["variants"][name]["check"]
        assert chk["vs"] == "numpy_full"
        assert chk["max_rel_diff"] < 1e-9, chk
        assert {"colsum_L", "rowsum_L", "rowsum_G", "colsum_A", "rowsum_B"} <= set(chk)
    assert res["variants"]["linkage_dense"]["outputs"]["method"] == "dense"
    assert res["variants"]["linkage_dense"]["outputs"]["residual"] < 1e-12


def test_network_case_reports_the_matvec_unit(quick_run):
    out, _ = quick_run
    res = json.loads((out / "network_1k.json").read_text())
    assert res["input"]["transactions"] == 10_000
    assert abs(res["input"]["spectral_radius"] - 0.6) < 1e-6
    mv = res["variants"]["matvec"]
    assert mv["status"] == "ok" and 0 < mv["outputs"]["matvec_s"] < 1
    it = res["variants"]["linkage_iterative"]
    assert it["status"] == "ok" and it["outputs"]["residual"] <= 1e-10
    assert it["outputs"]["method"] == "iterative"
