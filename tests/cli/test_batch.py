"""`linkage batch` on local Dask workers and on a separately started scheduler (issue 16).

Each batch starts a cluster (a few seconds), so one batch run is shared by the tests that
only read its results (the ``first_run`` fixture).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

from linkage import IOTable, write_table
from linkage.cli import main
from linkage.cli.batch import run_command
from linkage.pipeline.batch import MARKER, SUMMARY_COLUMNS, is_complete, plan_batch, run_batch
from linkage.pipeline.batch_manifest import Task, read_manifest

SIZES = {"two": 2, "three": 3, "five": 5}


def _table(n: int, shift: float) -> IOTable:
    """A small balanced table: Z = 10 + i + 2 j (+ shift), final demand 100 + 7 i."""
    z = np.array([[10.0 + i + 2 * j + shift for j in range(n)] for i in range(n)])
    f = 100.0 + 7.0 * np.arange(n)
    x = z.sum(axis=1) + f
    return IOTable.from_arrays(
        z, final_demand=f, value_added=x - z.sum(axis=0), sectors=[f"s{i}" for i in range(n)]
    )


def _visible(folder: Path) -> dict[str, bytes]:
    """The files a single command wrote (the batch's hidden marker left out)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """Three small tables and a broken one, and a manifest (one path relative) of all four."""
    root = tmp_path_factory.mktemp("batch")
    folder = root / "tables"
    folder.mkdir()
    for k, (name, n) in enumerate(SIZES.items()):
        write_table(_table(n, k), folder / f"{name}.csv")
    (folder / "broken.csv").write_text("sector,a,b\na,1,x\nb,2,3\n", encoding="utf-8")
    rows = [
        ("two", "analyze tables/two.csv"),  # relative to the folder the batch runs in
        ("three", f"analyze '{folder / 'three.csv'}' --extraction"),
        ("five", f"analyze '{folder / 'five.csv'}'"),
        ("broken", f"analyze '{folder / 'broken.csv'}'"),
    ]
    manifest = root / "manifest.csv"
    pd.DataFrame(rows, columns=["name", "command"]).to_csv(manifest, index=False)
    return root, folder, manifest


@pytest.fixture(scope="module")
def first_run(tables):
    """The manifest on two local workers, run once from the tables' parent folder."""
    root, _, manifest = tables
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(
            main, ["batch", str(manifest), "--out", "out", "--workers", "2", "--quiet"]
        )
    finally:
        os.chdir(cwd)
    return result, root / "out"


def _single(args: list[str], out: Path) -> dict[str, bytes]:
    """What the single command writes into ``out``."""
    r = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert r.exit_code == 0, r.output
    return _visible(out)


def test_each_task_equals_its_single_command(first_run, tables, tmp_path):
    result, out = first_run
    _, folder, _ = tables
    assert result.exit_code == 1, result.output  # one task failed
    for name, extra in (("two", []), ("three", ["--extraction"]), ("five", [])):
        single = _single(["analyze", str(folder / f"{name}.csv"), *extra], tmp_path / name)
        assert _visible(out / name) == single  # the same files, byte for byte
    assert "extraction.csv" in _visible(out / "three")
    assert not (out / "broken").exists()
    assert not list(out.glob(".*.tmp-*"))  # no temporary folder left


def test_a_broken_task_is_listed_while_the_others_finish(first_run, tables):
    result, out = first_run
    failures = pd.read_csv(out / "failures.csv")
    assert failures["name"].tolist() == ["broken"]
    single = CliRunner().invoke(main, ["analyze", str(tables[1] / "broken.csv"), "--out", "x"])
    message = single.output.strip().splitlines()[-1]
    assert message.startswith("error: ")
    assert failures["error"].iloc[0] == message[len("error: ") :]  # the same one line
    assert "1 failed" in result.output and "failed broken:" in result.output


def test_summary_and_tidy_linkages(first_run):
    _, out = first_run
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    assert summary["name"].tolist() == ["two", "three", "five", "broken"]
    assert summary["status"].tolist() == ["done", "done", "done", "failed"]
    ok = summary.set_index("name").loc[["two", "three", "five"]]
    assert ok["sectors"].astype(int).tolist() == [2, 3, 5]
    tidy = pd.read_parquet(out / "linkages.parquet")
    assert list(tidy.columns) == ["task", "sector", "measure", "value"]
    for name in ("two", "three", "five"):
        lk = pd.read_csv(out / name / "linkages.csv")
        row = ok.loc[name]
        assert int(row["key_sectors"]) == int((lk["key_sector"] == "key").sum())
        assert row["top_backward"] == lk.loc[lk["bl_total"].idxmax(), "sector"]
        assert row["top_forward"] == lk.loc[lk["fl_total"].idxmax(), "sector"]
        assert 0 <= float(row["residual"]) < 1e-10
        mine = tidy[(tidy["task"] == name) & (tidy["measure"] == "bl_total")]
        assert mine["sector"].tolist() == lk["sector"].tolist()
        assert mine["value"].tolist() == pytest.approx(lk["bl_total"].tolist(), rel=1e-15)
    assert set(tidy["task"]) == {"two", "three", "five"}


def test_a_batch_killed_halfway_resumes_without_redoing_finished_tasks(tables, scheduler, tmp_path):
    folder = tables[1]
    names = [f"t{i:02d}" for i in range(12)]
    command = f"analyze '{folder / 'five.csv'}' --extraction --influence 3"
    manifest = tmp_path / "many.csv"
    pd.DataFrame({"name": names, "command": command}).to_csv(manifest, index=False)
    out = tmp_path / "out"
    batch = [sys.executable, "-c", "from linkage.cli import main; main()", "batch"]
    killed = subprocess.Popen(
        [*batch, str(manifest), "--out", str(out), "--workers", "1", "--quiet"],
        start_new_session=True,  # its own process group: the batch and its workers
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not list(out.glob(f"*/{MARKER}")):
            assert killed.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()
    finished = sorted(p.parent.name for p in out.glob(f"*/{MARKER}"))
    assert 1 <= len(finished) < len(names)  # killed halfway
    folders = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert folders == finished  # a task folder is there only when complete
    before = {n: (out / n / "extraction.csv").stat().st_mtime_ns for n in finished}

    args = ["batch", str(manifest), "--out", str(out), "--scheduler", scheduler]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1
    assert refused.output.count("\n") == 1 and "--resume" in refused.output
    r = CliRunner().invoke(main, [*args, "--resume"])
    assert r.exit_code == 0, r.output
    assert {n: (out / n / "extraction.csv").stat().st_mtime_ns for n in finished} == before
    assert not list(out.glob(".*.tmp-*"))  # the killed task's temporary folder removed
    summary = pd.read_csv(out / "summary.csv").set_index("name")
    assert summary.index.tolist() == names
    expected = {n: "kept" if n in finished else "done" for n in names}
    assert summary["status"].to_dict() == expected
    assert summary["residual"].notna().all()  # the kept tasks' figures are not lost
    files = {n: _visible(out / n) for n in names}
    assert all(f == files[names[0]] for f in files.values())  # the same table, same files
    assert set(pd.read_parquet(out / "linkages.parquet")["task"]) == set(names)


def test_a_changed_command_is_not_kept_by_resume(first_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(first_run[1], out)
    marker = json.loads((out / "two" / MARKER).read_text())
    assert marker["command"] == "analyze tables/two.csv"
    marker["command"] = "analyze tables/two.csv --extraction"
    (out / "two" / MARKER).write_text(json.dumps(marker))
    tasks = read_manifest(first_run[1].parent / "manifest.csv", ["analyze"])
    todo, kept = plan_batch(tasks, out, resume=True)
    assert [t.name for t in kept] == ["three", "five"]
    assert [t.name for t in todo] == ["two", "broken"]
    assert not is_complete(out / "two", tasks[0])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name,command\n,analyze a.csv\n", "row 2, column 'name': empty task name"),
        ("name,command\na,analyze a.csv\nb,analyze b.csv\nA,analyze c.csv\n", "repeats row 2"),
        ("name,command\n../up,analyze a.csv\n", "row 2, column 'name': task name '../up'"),
        ("name,command\na,frobnicate a.csv\n", "'frobnicate' is not a command of linkage"),
        ("name,command\na,batch m.csv\n", "'batch' is not a command of linkage"),
        ("name,command\na,analyze a.csv --out x\n", "row 2, column 'command': --out is set"),
        ("name,command\na,analyze 'a.csv\n", "cannot split the command"),
        ("name,cmd\na,analyze a.csv\n", "row 1: no 'command' column"),
        ("name,command\n", "lists no task"),
    ],
)
def test_manifest_errors_are_one_line(tmp_path, text, expected):
    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["batch", str(tmp_path / "m.csv"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1
    assert r.output.count("\n") == 1, r.output
    assert r.output.startswith(f"error: {tmp_path / 'm.csv'}")
    assert expected in r.output
    assert not (tmp_path / "o").exists()


def _wait_for(path: Path, proc, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, "the scheduler stopped"
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def scheduler(tables, tmp_path_factory):
    """A scheduler and one worker started as separate processes (``dask scheduler`` and
    ``dask worker``), listening on 127.0.0.1; yields the scheduler's address."""
    root = tables[0]
    scheduler_file = tmp_path_factory.mktemp("cluster") / "scheduler.json"
    common = dict(cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1"]
            + ["--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)],
            **common,
        )
    ]
    try:
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file"]
                + [str(scheduler_file), "--nthreads", "1", "--no-nanny", "--no-dashboard"],
                **common,
            )
        )
        _wait_for(scheduler_file, procs[0])
        yield json.loads(scheduler_file.read_text())["address"]
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_same_manifest_on_a_separately_started_scheduler(first_run, tables, scheduler, tmp_path):
    manifest = tables[2]
    assert scheduler.startswith("tcp://127.0.0.1:")
    out = tmp_path / "remote"
    args = ["batch", str(manifest), "--out", str(out), "--scheduler", scheduler]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 1, r.output  # the broken task, as on the local cluster
    for name in ("two", "three", "five"):
        assert _visible(out / name) == _visible(first_run[1] / name)
    assert pd.read_csv(out / "failures.csv").equals(pd.read_csv(first_run[1] / "failures.csv"))


def test_real_icraf_provinces_through_tables(shared_data, scheduler, tmp_path):
    icraf = shared_data / "indonesia_34prov_icraf"
    if not icraf.is_dir():
        pytest.skip("ICRAF province tables not present")
    folder = tmp_path / "provinces"
    folder.mkdir()
    for province in ("KepRi", "SumBar", "Papua_Barat"):
        (folder / province).symlink_to(icraf / province)  # links, the data stay in shared/
    out = tmp_path / "out"
    args = ["batch", "--tables", str(folder), "--out", str(out), "--scheduler", scheduler]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    manifest = pd.read_csv(out / "manifest.csv")
    assert manifest["name"].tolist() == ["KepRi", "Papua_Barat", "SumBar"]
    summary = pd.read_csv(out / "summary.csv").set_index("name")
    assert (summary["status"] == "done").all()
    assert summary["sectors"].to_dict() == {"KepRi": 32, "Papua_Barat": 40, "SumBar": 19}
    single = _single(["analyze", str(icraf / "KepRi")], tmp_path / "single")
    assert _visible(out / "KepRi") == single


def test_commands_in_threads_of_one_worker_keep_their_own_output(tables, tmp_path):
    """A worker with several threads (dask worker --nthreads 4) runs one command at a time:
    each failure keeps its own error line, each success its own files."""
    folder = tables[1]
    tasks = [
        Task(f"t{i}", "", (("analyze", str(folder / "three.csv")),))
        if i % 3 == 0
        else Task(f"t{i}", "", (("analyze", str(tmp_path / f"missing{i}.csv")),))
        for i in range(12)
    ]
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=4, processes=False, dashboard_address=None
    )
    with cluster, Client(cluster) as client:
        outcomes = run_batch(client, tasks, tmp_path / "out", run_command)
    for i, outcome in enumerate(outcomes):
        if i % 3 == 0:
            assert outcome.status == "done" and "3 sectors" in outcome.log
        else:
            assert outcome.error == f"{tmp_path / f'missing{i}.csv'}: no such file or folder"


def _numbers(folder: Path) -> dict:
    """Each CSV file of a folder as a frame (to compare numbers, not bytes)."""
    return {p.name: pd.read_csv(p) for p in sorted(folder.glob("*.csv"))}


def test_every_district_of_a_province_through_grdp(shared_data, scheduler, tmp_path):
    prov17 = shared_data / "indonesia_prov17_2016"
    if not prov17.is_dir():
        pytest.skip("BPS 2016 provincial tables not present")
    grdp = next(prov17.glob("PDRB Lapangan Usaha Kab Kota*.xlsx"))
    table = next(prov17.glob("Tabel Input-Output Provinsi Kepulauan Riau*.xlsx"))
    out = tmp_path / "kepri"
    args = ["batch", "--grdp", str(grdp), "--province-table", str(table), "--out", str(out)]
    r = CliRunner().invoke(main, [*args, "--scheduler", scheduler])
    assert r.exit_code == 0, r.output
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == 7 and (summary["status"] == "done").all()
    assert (summary["sectors"] == 17).all()
    single = tmp_path / "single"
    for command in (
        ["regionalize", str(table), "--grdp", str(grdp), "--district", "Kota Batam"],
        ["analyze", str(single / "regional_table.csv")],
    ):
        assert CliRunner().invoke(main, [*command, "--out", str(single)]).exit_code == 0
    batch, alone = _numbers(out / "2171-kota-batam"), _numbers(single)
    assert list(batch) == ["linkages.csv", "lq.csv", "multipliers.csv", "regional_table.csv"]
    assert list(batch) == list(alone)
    for name, frame in batch.items():  # equal up to the last digit (BLAS threads may differ)
        pd.testing.assert_frame_equal(frame, alone[name], rtol=1e-13, check_exact=False)


@pytest.mark.parametrize(
    "args, expected",
    [
        (["m.csv", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
        (["--grdp", "p.xlsx"], "--grdp and --province-table go together"),
        (["m.csv", "--tables", "t"], "give a MANIFEST, or --tables FOLDER"),
        (["m.csv", "--options", "--extraction"], "--options is for the shortcuts"),
        (["--tables", "t", "--province", "73"], "--province needs --grdp"),
    ],
)
def test_usage_errors_before_any_cluster(tmp_path, args, expected):
    r = CliRunner().invoke(main, ["batch", *args, "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert expected in r.output
    assert not (tmp_path / "o").exists()
