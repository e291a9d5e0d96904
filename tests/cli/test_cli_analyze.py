"""Tests of ``linkage analyze`` through click's CliRunner."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from linkage.analysis.linkages import LINKAGE_COLUMNS
from linkage.cli import main


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


def test_households_spending_more_than_wages_still_analyze(tmp_path, runner):
    # consumption 2050 against wages 650: no type II, everything else written
    path = tmp_path / "hh.csv"
    path.write_text(
        "sector,a,b,household consumption,total output\n"
        "a,150,500,350,1000\nb,200,100,1700,2000\n"
        "wages,300,350,,\nsurplus,350,1050,,\n"
    )
    result = runner.invoke(main, ["analyze", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "note: type II: the model closed with households is not productive" in result.output
    mult = pd.read_csv(tmp_path / "o" / "multipliers.csv")
    assert "income_type_i" in mult and "income_type_ii" not in mult


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


# ------------------------------------------------------------------ deeper-analysis options


def example_path():
    from linkage.io.examples import data_path

    return data_path("example_table.csv")


def two_region_table(sectors_per_region=2):
    """A balanced 2-region table with (region, sector) labels (region north, south)."""
    from linkage import IOTable

    if sectors_per_region == 1:
        # docs/multiregional.md worked example: x = (100, 100), L = [[4/3, 2/9], [2/3, 16/9]]
        Z, f = np.array([[20.0, 10.0], [30.0, 40.0]]), np.array([70.0, 30.0])
        labels = [("north", "farm"), ("south", "farm")]
    else:
        Z = np.array([[20, 10, 5, 2], [8, 30, 3, 6], [4, 2, 25, 12], [3, 7, 9, 40]], dtype=float)
        f = np.array([70.0, 80.0, 60.0, 90.0])
        labels = [("north", "farm"), ("north", "mill"), ("south", "farm"), ("south", "mill")]
    x = Z.sum(axis=1) + f
    idx = pd.MultiIndex.from_tuples(labels, names=["region", "sector"])
    return IOTable.from_arrays(Z, final_demand=f, value_added=x - Z.sum(axis=0), sectors=idx)


def write_two_region_csv(path, sep="|", sectors_per_region=2):
    """The 2-region table in a one-label wide CSV ('<region><sep><sector>' labels)."""
    from linkage import write_table
    from linkage.analysis.region_labels import join_region_labels

    return write_table(join_region_labels(two_region_table(sectors_per_region), sep), path)


def run_ok(runner, *args):
    result = runner.invoke(main, ["analyze", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result


def one_error_line(result):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.output
    return lines[0]


def test_extraction_option_matches_the_library(tmp_path, runner):
    from linkage import load_example_table
    from linkage.analysis.extraction import EXTRACTION_COLUMNS, extraction

    out = tmp_path / "o"
    result = run_ok(runner, example_path(), "--extraction", "--out", out)
    ext = pd.read_csv(out / "extraction.csv", encoding="utf-8")
    table = load_example_table()
    expected = extraction(table)
    assert list(ext.columns) == ["sector", *EXTRACTION_COLUMNS]
    assert ext["sector"].tolist() == table.sectors.tolist()  # the table's sector order
    np.testing.assert_allclose(ext[list(EXTRACTION_COLUMNS)], expected, rtol=1e-12)
    top = expected["total_share"].idxmax()
    wrote = [line for line in result.output.splitlines() if "extraction.csv" in line]
    assert len(wrote) == 1 and wrote[0].startswith(f"wrote {out / 'extraction.csv'}")
    assert top in wrote[0]
    assert not (out / "important_coefficients.csv").exists()
    assert not (out / "regional_linkages.csv").exists()


def test_influence_option_writes_the_n_most_important(tmp_path, runner):
    from linkage import load_example_table

    out = tmp_path / "o"
    result = run_ok(runner, example_path(), "--influence", 4, "--out", out)
    ic = pd.read_csv(out / "important_coefficients.csv", encoding="utf-8")
    assert len(ic) == 4 and ic["rank"].tolist() == [1, 2, 3, 4]
    assert (np.diff(ic["elasticity"]) <= 0).all()  # best first
    # by hand: elasticity e_ij = a_ij m_i x_j / X with m = 1'L, x = L f, dense n x n
    t = load_example_table()
    A = np.asarray(t.A)
    L = np.linalg.inv(np.eye(t.n) - A)
    x = L @ t.f
    e = A * L.sum(axis=0)[:, None] * x[None, :] / x.sum()
    order = np.argsort(-e, axis=None)[:4]
    rows, cols = np.unravel_index(order, e.shape)
    np.testing.assert_allclose(ic["elasticity"], e[rows, cols], rtol=1e-9)
    assert ic["supplier"].tolist() == t.sectors[rows].tolist()
    assert ic["buyer"].tolist() == t.sectors[cols].tolist()
    assert f"wrote {out / 'important_coefficients.csv'} (4 coefficients" in result.output


def test_influence_needs_n_at_least_one(tmp_path, runner):
    out = tmp_path / "o"
    result = runner.invoke(main, ["analyze", str(example_path()), "--influence", "0"])
    assert result.exit_code == 2 and "--influence" in result.output
    assert not out.exists()


def test_influence_asking_for_more_than_there_are(tmp_path, runner):
    table = write_mb_csv(tmp_path / "mb.csv")  # 4 nonzero coefficients
    out = tmp_path / "o"
    result = run_ok(runner, table, "--influence", 10, "--out", out)
    assert len(pd.read_csv(out / "important_coefficients.csv")) == 4
    assert "4 coefficients of the 10 asked for" in result.output


def test_by_region_by_hand(tmp_path, runner):
    """docs/multiregional.md: two regions, one sector each, numbers worked by hand."""
    table = write_two_region_csv(tmp_path / "mr.csv", sectors_per_region=1)
    out = tmp_path / "o"
    result = run_ok(runner, table, "--by-region", "--out", out)
    reg = pd.read_csv(out / "regional_linkages.csv")
    assert reg.columns[:2].tolist() == ["sector", "region"]
    assert reg["region"].tolist() == ["north", "south"]
    np.testing.assert_allclose(reg["bl_intra"], [4 / 3, 16 / 9])
    np.testing.assert_allclose(reg["bl_inter"], [2 / 3, 2 / 9])
    np.testing.assert_allclose(reg["intraregional"], [1.25, 1 / 0.6])
    np.testing.assert_allclose(reg["feedback"], [4 / 3 - 1.25, 16 / 9 - 1 / 0.6])
    pairs = pd.read_csv(out / "region_pairs.csv")
    np.testing.assert_allclose(pairs["output"], [70 * 4 / 3, 70 * 2 / 3, 30 * 2 / 9, 30 * 16 / 9])
    assert "in 2 regions" in result.output
    assert f"wrote {out / 'region_pairs.csv'} (4 region pairs" in result.output


@pytest.mark.parametrize("sep", ["|", "::"])
def test_by_region_with_every_option(tmp_path, runner, sep):
    from linkage.analysis.extraction import extraction
    from linkage.analysis.multiregional import regional_linkages, spillover_feedback

    t = two_region_table()
    table = write_two_region_csv(tmp_path / "mr.csv", sep=sep)
    out = tmp_path / "o"
    args = ["--by-region", "--extraction", "--influence", 3, "--out", out]
    result = run_ok(runner, table, *args, *(["--region-sep", sep] if sep != "|" else []))
    files = ["linkages.csv", "multipliers.csv", "extraction.csv", "regional_linkages.csv"]
    sectors = ["farm", "mill", "farm", "mill"]
    regions = ["north", "north", "south", "south"]
    for name in files:
        frame = pd.read_csv(out / name, encoding="utf-8")
        assert frame.columns[:2].tolist() == ["sector", "region"], name
        assert frame["sector"].tolist() == sectors and frame["region"].tolist() == regions
        assert str(out / name) in result.output
    reg = pd.read_csv(out / "regional_linkages.csv")
    expected = regional_linkages(t)
    np.testing.assert_allclose(reg[list(expected.columns)], expected, rtol=1e-12)
    pairs = pd.read_csv(out / "region_pairs.csv")
    expected_pairs = spillover_feedback(t)
    pd.testing.assert_frame_equal(pairs, expected_pairs, check_exact=False, rtol=1e-12)
    ext = pd.read_csv(out / "extraction.csv")
    np.testing.assert_allclose(ext.iloc[:, 2:], extraction(t), rtol=1e-12)
    ic = pd.read_csv(out / "important_coefficients.csv")
    assert ic.columns[1:5].tolist() == ["supplier_region", "supplier", "buyer_region", "buyer"]
    assert len(ic) == 3 and (np.diff(ic["elasticity"]) <= 0).all()


@pytest.mark.parametrize(
    "labels, sep, expect",
    [
        (None, "|", "no sector label contains the region separator '|'"),
        (["Jabar|padi", "Jabar|jagung"], "|", "at least two regions"),
        (["Jabar|padi", "jagung"], "|", "1 of 2 sector labels have no region separator"),
        (["Jabar|padi", "Jatim|padi"], "", "--region-sep must not be empty"),
    ],
)
def test_by_region_refuses_single_region_tables(tmp_path, runner, labels, sep, expect):
    if labels is None:
        table = example_path()
    else:
        text = write_mb_csv(tmp_path / "one.csv").read_text()
        text = text.replace("agriculture", labels[0]).replace("manufacturing", labels[1])
        table = tmp_path / "one.csv"
        table.write_text(text)
    out = tmp_path / "o"
    result = runner.invoke(
        main, ["analyze", str(table), "--by-region", "--region-sep", sep, "--out", str(out)]
    )
    line = one_error_line(result)
    assert expect in line and str(table) in line
    if sep:
        assert f"'<region>{sep}<sector>'" in line  # says how to label regions
    assert not out.exists()  # nothing written


@pytest.mark.parametrize(
    "option, name",
    [
        (["--extraction"], "extraction.csv"),
        (["--influence", "2"], "important_coefficients.csv"),
        (["--by-region"], "regional_linkages.csv"),
        (["--by-region"], "region_pairs.csv"),
    ],
)
def test_force_protects_the_new_files(tmp_path, runner, option, name):
    table = write_two_region_csv(tmp_path / "mr.csv")
    out = tmp_path / "o"
    out.mkdir()
    (out / name).write_text("mine\n")
    refused = runner.invoke(main, ["analyze", str(table), *option, "--out", str(out)])
    assert refused.exit_code != 0 and "--force" in refused.output
    assert str(out / name) in refused.output  # the new file alone blocks the run
    assert not (out / "linkages.csv").exists()  # refused before writing anything
    run_ok(runner, table, "--out", out)  # a run that does not write `name` is not blocked
    assert (out / name).read_text() == "mine\n"
    (out / "linkages.csv").write_text("old\n")
    again = runner.invoke(main, ["analyze", str(table), *option, "--out", str(out)])
    assert again.exit_code != 0 and "--force" in again.output
    assert (out / name).read_text() == "mine\n"
    assert (out / "linkages.csv").read_text() == "old\n"
    run_ok(runner, table, *option, "--out", out, "--force")
    assert pd.read_csv(out / name).shape[0] > 1


def test_wages_and_household_chosen_by_option(tmp_path, runner):
    path = tmp_path / "t.csv"
    path.write_text(
        "sector,agriculture,manufacturing,Belanja keluarga,exports,total output\n"
        "agriculture,150,500,40,310,1000\n"
        "manufacturing,200,100,320,1380,2000\n"
        "Pendapatan pekerja,300,500,,,\n"
        "Surplus usaha,350,900,,,\n"
    )
    plain = runner.invoke(main, ["analyze", str(path), "--out", str(tmp_path / "a")])
    assert plain.exit_code == 0 and "no primary-input row recognized as wages" in plain.output
    result = runner.invoke(
        main,
        ["analyze", str(path), "--out", str(tmp_path / "b"),
         "--wages", "pendapatan pekerja", "--household", "Belanja keluarga"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    mult = pd.read_csv(tmp_path / "b" / "multipliers.csv")
    np.testing.assert_allclose(mult["income"], [0.442244, 0.379538], atol=1e-6)
    assert "income_type_ii" in mult
    bad = runner.invoke(
        main, ["analyze", str(path), "--out", str(tmp_path / "c"), "--wages", "gaji"]
    )
    assert bad.exit_code == 1
    assert bad.output.count("\n") == 1 and "'gaji' not found" in bad.output
    assert "Pendapatan pekerja" in bad.output
    assert not (tmp_path / "c").exists()


def test_summary_says_which_sheet_of_several_was_read(tmp_path, runner):
    import openpyxl

    wb = openpyxl.Workbook()
    for k, region in enumerate(["Jabar", "Jatim"]):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = region
        for row in (
            ["sector", "a", "b", "households"],
            ["a", 150, 500, 350 + k],
            ["b", 200, 100, 1700],
            ["value added", 650 + k, 1400],
        ):
            ws.append(row)
    wb.save(tmp_path / "regions.xlsx")
    out = str(tmp_path / "o")
    result = runner.invoke(main, ["analyze", str(tmp_path / "regions.xlsx"), "--out", out])
    assert result.exit_code == 0, result.output
    assert "note: " in result.output and "'Jabar'" in result.output
    assert "--sheet" in result.output
    out2 = str(tmp_path / "o2")
    result = runner.invoke(
        main, ["analyze", str(tmp_path / "regions.xlsx"), "--out", out2, "--sheet", "Jatim"]
    )
    assert result.exit_code == 0, result.output
    assert "note: regions.xlsx: read sheet 'Jatim' (as asked), one of 2 sheets" in result.output


def test_default_out_folder_names_the_sheet(tmp_path, runner, monkeypatch):
    """Two sheets of one workbook analysed without --out do not share a folder (issue 18)."""
    path = tmp_path / "two.xlsx"
    wide = pd.read_csv(write_mb_csv(tmp_path / "mb.csv"))
    doubled = wide.copy()
    doubled[wide.columns[1:]] = wide[wide.columns[1:]] * 2
    with pd.ExcelWriter(path) as xl:
        wide.to_excel(xl, sheet_name="Jawa Barat", index=False)
        doubled.to_excel(xl, sheet_name="Jawa Timur (2016)", index=False)
    monkeypatch.chdir(tmp_path)
    for sheet in ("Jawa Barat", "Jawa Timur (2016)"):
        result = runner.invoke(main, ["analyze", str(path), "--sheet", sheet])
        assert result.exit_code == 0, result.output
    first = tmp_path / "linkage-out" / "two-Jawa_Barat"
    second = tmp_path / "linkage-out" / "two-Jawa_Timur_2016"
    assert "wrote linkage-out/two-Jawa_Timur_2016/linkages.csv" in result.output
    assert pd.read_csv(first / "linkages.csv").equals(pd.read_csv(second / "linkages.csv"))
    mult = [pd.read_csv(d / "multipliers.csv") for d in (first, second)]
    assert (
        mult[0]["sector"].tolist() == mult[1]["sector"].tolist() == ["agriculture", "manufacturing"]
    )
    # without --sheet the folder is the workbook's name, as before
    assert runner.invoke(main, ["analyze", str(path)]).exit_code == 0
    assert (tmp_path / "linkage-out" / "two" / "linkages.csv").exists()
