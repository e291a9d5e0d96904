"""Tests of ``linkage analyze`` through click's CliRunner."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from linkage.cli import main
from linkage.indices import LINKAGE_COLUMNS


def write_mb_csv(path):
    """Miller & Blair Table 2.3 in the wide layout, wages split from other value added."""
    path.write_text(
        "sector,agriculture,manufacturing,Konsumsi Rumah Tangga,exports,total output\n"
        "agriculture,150,500,40,310,1000\n"
        "manufacturing,200,100,320,1380,2000\n"
        "Upah dan gaji,300,500,,,\n"
        "Surplus usaha,350,900,,,\n"
    )
    return path


@pytest.fixture
def runner():
    return CliRunner()


def test_analyze_writes_both_files(tmp_path, runner):
    table = write_mb_csv(tmp_path / "mb.csv")
    out = tmp_path / "results"
    result = runner.invoke(main, ["analyze", str(table), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lk = pd.read_csv(out / "linkages.csv")
    assert list(lk.columns) == ["sector", *LINKAGE_COLUMNS]
    assert lk["sector"].tolist() == ["agriculture", "manufacturing"]
    np.testing.assert_allclose(lk["output_multiplier"], [1.5182, 1.4521], atol=5e-5)
    np.testing.assert_allclose(lk["bl_total"], [1.0222, 0.9778], atol=5e-5)
    np.testing.assert_allclose(lk["fl_total"], [1.2083, 0.7917], atol=5e-5)
    mult = pd.read_csv(out / "multipliers.csv")
    assert mult.columns[0] == "sector"
    np.testing.assert_allclose(mult["income"], [0.442244, 0.379538], atol=1e-6)
    assert "income_type_ii" in mult
    # summary: sectors, method, residual, key sectors, where files went
    assert "2 sectors" in result.output
    assert "method: dense" in result.output
    assert "residual" in result.output
    assert "1 key" in result.output and "agriculture" in result.output
    assert str(out / "linkages.csv") in result.output


def test_refuses_to_overwrite_without_force(tmp_path, runner):
    table = write_mb_csv(tmp_path / "mb.csv")
    out = tmp_path / "r"
    assert runner.invoke(main, ["analyze", str(table), "--out", str(out)]).exit_code == 0
    (out / "linkages.csv").write_text("mine\n")
    again = runner.invoke(main, ["analyze", str(table), "--out", str(out)])
    assert again.exit_code != 0
    assert "--force" in again.output
    assert (out / "linkages.csv").read_text() == "mine\n"  # untouched
    forced = runner.invoke(main, ["analyze", str(table), "--out", str(out), "--force"])
    assert forced.exit_code == 0
    assert pd.read_csv(out / "linkages.csv").shape == (2, 10)


def test_default_out_folder_and_options(tmp_path, runner, monkeypatch):
    table = write_mb_csv(tmp_path / "mb.csv")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        main, ["analyze", str(table), "--method", "iterative", "--threshold", "0.9"]
    )
    assert result.exit_code == 0, result.output
    lk = pd.read_csv(tmp_path / "linkage-out" / "mb" / "linkages.csv")
    assert lk["key_sector"].tolist() == ["key", "backward"]
    assert "method: iterative" in result.output


@pytest.mark.parametrize(
    "content, expect",
    [
        (None, "no such file"),
        ("sector,a,b\na,1,2\nb,x,4\n", "mb.csv"),
    ],
)
def test_bad_input_is_one_line_error(tmp_path, runner, content, expect):
    path = tmp_path / "mb.csv"
    if content is not None:
        path.write_text(content)
    result = runner.invoke(main, ["analyze", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and expect in lines[0], result.output
    assert "Traceback" not in result.output


def test_non_productive_table_is_one_line_error(tmp_path, runner):
    path = tmp_path / "bad.csv"
    path.write_text(
        "sector,smelter,mine,exports,total output\nsmelter,600,500,0,1000\nmine,600,100,0,500\n"
    )
    result = runner.invoke(main, ["analyze", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    error = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "smelter" in error[0]
    assert not (tmp_path / "o" / "linkages.csv").exists()


def test_real_tables_run_unmodified(shared_data, runner, tmp_path):
    bps = sorted((shared_data / "indonesia_prov17_2016").glob("Tabel*.xlsx"))
    icraf = sorted(p for p in (shared_data / "indonesia_34prov_icraf").iterdir() if p.is_dir())
    assert len(bps) == 3 and icraf
    for k, path in enumerate([*bps, *icraf[:3]]):
        out = tmp_path / f"o{k}"
        result = runner.invoke(main, ["analyze", str(path), "--out", str(out)])
        assert result.exit_code == 0, (path.name, result.output)
        lk = pd.read_csv(out / "linkages.csv")
        assert lk.shape[1] == 10 and lk["key_sector"].notna().all()


def test_excel_sheet_by_name_or_position(tmp_path, runner):
    path = tmp_path / "two.xlsx"
    wide = pd.read_csv(write_mb_csv(tmp_path / "mb.csv"))
    scaled = wide.copy()
    num = scaled.columns[1:]
    scaled[num] = scaled[num] * 2  # same coefficients, doubled money values
    with pd.ExcelWriter(path) as xl:
        wide.to_excel(xl, sheet_name="first", index=False)
        scaled.to_excel(xl, sheet_name="second", index=False)
    for k, sheet in enumerate(["second", "1"]):
        out = tmp_path / f"o{k}"
        result = runner.invoke(main, ["analyze", str(path), "--sheet", sheet, "--out", str(out)])
        assert result.exit_code == 0, result.output
        lk = pd.read_csv(out / "linkages.csv")
        np.testing.assert_allclose(lk["output_multiplier"], [1.5182, 1.4521], atol=5e-5)
    bad = runner.invoke(main, ["analyze", str(path), "--sheet", "7", "--out", str(tmp_path / "o9")])
    assert bad.exit_code == 1 and "error:" in bad.output
