"""The batch's parts without a cluster: manifests, shortcuts, atomic task folders (issue 16)."""

from __future__ import annotations

import pytest

from linkage.errors import InputFileError, LinkageError
from linkage.io import read_grdp_workbook
from linkage.pipeline.batch import MARKER, execute_task, plan_batch, write_combined
from linkage.pipeline.batch_manifest import (
    Task,
    _province_code,
    district_tasks,
    parse_command,
    read_manifest,
    table_tasks,
    task_name_problem,
    write_manifest,
)

GRDP = "PDRB Lapangan Usaha Kab Kota Dalam Milyar Seluruh Indonesia ADHK tahun 2016.xlsx"
KEPRI = (
    "Tabel Input-Output Provinsi Kepulauan Riau Transaksi Domestik Atas Dasar Harga "
    "Produsen (17 Lapangan Usaha) 2016 (Juta Rupiah).xlsx"
)


def _writer(args):
    """A runner that writes one file per command into its --out folder."""
    out = args[args.index("--out") + 1]
    with open(f"{out}/{args[0]}.txt", "w") as f:
        f.write(" ".join(args))
    return 0, "", f"relative residual {len(args)}e-16"


def _failing(args):
    return 1, "t.csv, row 3, column 'b': not a number (value 'x')", ""


def _raising(args):
    raise RuntimeError("disk full\nmore")


@pytest.mark.parametrize(
    "name, ok",
    [("aceh", True), ("Kota Makassar", True), ("7371-kota", True), ("Jawa_Timur.v2", True)]
    + [(".hidden", False), ("a/b", False), ("a\\b", False), ("x.", False), ("CON", False)]
    + [("com1.txt", False), ("a:b", False), ("", False), ("x" * 121, False)],
)
def test_task_names_must_be_folder_names(name, ok):
    assert (task_name_problem(name) is None) == ok


def test_a_chain_runs_into_one_folder_with_out_placeholder(tmp_path):
    steps = parse_command("demo a && report {out}/demo.txt 'x y'", ["demo", "report"])
    assert steps == (("demo", "a"), ("report", "{out}/demo.txt", "x y"))
    outcome = execute_task(Task("t", "...", steps), str(tmp_path), _writer)
    assert outcome.status == "done" and outcome.residual == 5e-16  # the largest printed
    written = (tmp_path / "t" / "report.txt").read_text()
    assert f"{tmp_path}/.t.tmp-" in written  # {out} was the temporary folder, renamed after
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [MARKER, "demo.txt", "report.txt"]


@pytest.mark.parametrize("runner", [_failing, _raising])
def test_a_failed_task_leaves_no_folder(tmp_path, runner):
    outcome = execute_task(Task("t", "demo", (("demo",),)), str(tmp_path), runner)
    assert outcome.status == "failed"
    expected = "t.csv, row 3, column 'b': not a number (value 'x')"
    assert outcome.error == (expected if runner is _failing else "RuntimeError: disk full")
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_a_finished_folder_and_plan_refuses_without_flags(tmp_path):
    task = Task("t", "demo", (("demo",),))
    execute_task(task, str(tmp_path), _writer)
    (tmp_path / "t" / "stale.txt").write_text("from an older run")
    with pytest.raises(LinkageError, match="already exists; use --resume"):
        plan_batch([task], tmp_path)
    with pytest.raises(LinkageError, match="not both"):
        plan_batch([task], tmp_path, resume=True, force=True)
    assert plan_batch([task], tmp_path, resume=True) == ([], [task])
    todo, _ = plan_batch([task], tmp_path, force=True)
    execute_task(todo[0], str(tmp_path), _writer)
    assert not (tmp_path / "t" / "stale.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["t"]  # the old folder removed


def test_combined_files_without_linkages(tmp_path):
    tasks = [Task("a", "demo", (("demo",),)), Task("b", "demo", (("demo",),))]
    outcome = execute_task(tasks[0], str(tmp_path), _writer)
    paths = write_combined(tasks, {"a": outcome}, tmp_path)
    summary = paths["summary.csv"].read_text().splitlines()
    assert summary[1:] == ["a,done,,,,,3e-16", "b,not run,,,,,"]
    assert paths["failures.csv"].read_text().strip() == "name,error"


def test_manifest_round_trip_with_quotes(tmp_path):
    steps = (("analyze", "x y.csv", "--extraction"),)
    tasks = [Task("a b", "analyze 'x y.csv' --extraction", steps)]
    read = read_manifest(write_manifest(tasks, tmp_path / "m.csv"), ["analyze"])
    assert read == tasks


def test_manifest_commands_must_be_known(tmp_path):
    (tmp_path / "m.csv").write_text("name,command\na,analyze a.csv && \n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"row 2, column 'command': an empty command"):
        read_manifest(tmp_path / "m.csv", ["analyze"])


def test_table_tasks_take_files_and_icraf_folders(tmp_path):
    (tmp_path / "jatim").mkdir()
    (tmp_path / "jatim" / "02_input_antara.csv").write_text("1")
    (tmp_path / "other").mkdir()
    for name in ("b.xlsx", "long.csv", "long.sectors.csv", "~$b.xlsx", "Kota X!.csv", "README.txt"):
        (tmp_path / name).write_text("")
    tasks = table_tasks(tmp_path, "--extraction --threshold 1.1")
    assert [t.name for t in tasks] == ["kota-x", "b", "jatim", "long"]
    options = ("--extraction", "--threshold", "1.1")
    assert tasks[2].steps == (("analyze", str(tmp_path / "jatim"), *options),)
    with pytest.raises(InputFileError, match="no table in the folder"):
        table_tasks(tmp_path / "other")


@pytest.fixture
def prov17(shared_data):
    folder = shared_data / "indonesia_prov17_2016"
    if not folder.is_dir():
        pytest.skip("BPS 2016 provincial tables not present")
    return folder


def test_district_tasks_of_the_province_the_table_names(prov17):
    tasks = district_tasks(prov17 / GRDP, prov17 / KEPRI)
    assert [t.name for t in tasks] == [
        "2101-karimun",
        "2102-bintan",
        "2103-natuna",
        "2104-lingga",
        "2105-kepulauan-anarnbas",
        "2171-kota-batam",
        "2172-kota-tanjung-pinang",
    ]
    first = tasks[0].steps
    grdp = ("--grdp", str(prov17 / GRDP), "--district", "2101")
    assert first[0] == ("regionalize", str(prov17 / KEPRI), *grdp)
    assert first[1] == ("analyze", "{out}/regional_table.csv")
    grdp = read_grdp_workbook(prov17 / GRDP)
    table = prov17 / KEPRI
    assert _province_code(grdp, "21", table, prov17) == "2100"
    assert _province_code(grdp, "Kepulauan Riau", table, prov17) == "2100"
    assert _province_code(grdp, "Provinsi Sulawesi Selatan", table, prov17) == "7300"
    papua = table.with_name(KEPRI.replace("Kepulauan Riau", "Papua Barat"))
    assert _province_code(grdp, None, papua, prov17) == "9100"  # not Papua (9400)
    with pytest.raises(InputFileError, match="no province 'Atlantis'"):
        _province_code(grdp, "Atlantis", table, prov17)
    with pytest.raises(InputFileError, match="give --province"):
        _province_code(grdp, None, prov17 / "national table.xlsx", prov17)
