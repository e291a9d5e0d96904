"""Issue 17 item 1: every semantic guess (value added, wages, households) is stated with
its rule; two or more candidates, or a tax taken for value added, is a one-line error
naming the candidates and the option that settles it, in the Python API and the CLI."""

import warnings

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from linkage import IOTable, read_table
from linkage.analysis.multipliers import multipliers
from linkage.analysis.roles import choose, value_added_choice
from linkage.cli import main
from linkage.errors import InvalidTableError


def _table(pi_rows, fd_cols=("Konsumsi Rumah Tangga", "Ekspor")):
    sectors = ["a", "b"]
    k = len(fd_cols)
    fd = pd.DataFrame(
        {c: [350 / k, 1700 / k] for c in fd_cols},
        index=sectors,
    )
    m = len(pi_rows)
    va = pd.DataFrame({"a": [650 / m] * m, "b": [1400 / m] * m}, index=list(pi_rows))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return IOTable.from_arrays(
            [[150, 500], [200, 100]], final_demand=fd, value_added=va, sectors=sectors
        )


def test_exact_value_added_beats_value_added_tax_and_says_so():
    t = _table(["Value added", "Value added tax"])
    m = multipliers(t)
    assert m.attrs["value_added"] == "Value added"
    note = next(n for n in m.attrs["notes"] if n.startswith("value added"))
    assert "exact name" in note and "Value added tax" in note


def test_value_added_tax_alone_is_never_value_added():
    t = _table(["Value added tax", "Wages"])
    with pytest.raises(InvalidTableError, match=r"Value added tax.*--value-added-rows"):
        multipliers(t)
    with pytest.raises(InvalidTableError, match="other value added"):
        multipliers(_table(["other value added", "Wages"]))


def test_two_value_added_rows_is_an_error_naming_both_and_the_option():
    t = _table(["Gross value added at basic prices", "Value added at market prices"])
    with pytest.raises(InvalidTableError) as exc:
        multipliers(t)
    msg = str(exc.value)
    assert "\n" not in msg and "--value-added-rows" in msg
    assert "Gross value added at basic prices" in msg and "market prices" in msg
    m = multipliers(t, value_added="Gross value added at basic prices")
    assert m.attrs["value_added"] == "Gross value added at basic prices"
    assert any("given (--value-added-rows)" in n for n in m.attrs["notes"])


def test_value_added_rows_given_as_a_list_are_summed():
    t = _table(["Upah", "Surplus", "Impor"])
    m = multipliers(t, value_added=["Upah", "Surplus"])
    assert m.attrs["value_added"] == "Upah + Surplus"
    v = (t.primary_inputs["Upah"] + t.primary_inputs["Surplus"]).to_numpy() / t.x
    np.testing.assert_allclose(m["value_added"], v @ np.linalg.inv(np.eye(2) - t.A))
    default = multipliers(t)
    assert any("except imports" in n and "Impor" in n for n in default.attrs["notes"])


def test_npish_is_never_households_but_a_joint_column_is_stated():
    cols = ["Konsumsi LNPRT", "Non-profit institutions serving households", "Ekspor"]
    assert choose(cols, "household") is None
    c = choose(["Konsumsi Rumah Tangga dan LNPRT", "Ekspor"], "household")
    assert c.labels == ("Konsumsi Rumah Tangga dan LNPRT",) and "NPISH" in c.rule
    t = _table(["Upah dan gaji", "Surplus"], ("Households", "NPISH", "Exports"))
    assert multipliers(t).attrs["household"] == "Households"


def test_two_wage_rows_are_an_error_and_a_misspelt_option_gets_a_suggestion():
    t = _table(["Upah pekerja", "Gaji pegawai", "Surplus"])
    with pytest.raises(InvalidTableError, match=r"wages: 2 primary-input rows fit.*--wages"):
        multipliers(t)
    with pytest.raises(InvalidTableError, match="did you mean 'Upah pekerja'"):
        multipliers(t, wages="Upah pekerjaa")
    assert multipliers(t, wages="upah pekerja").attrs["wages"] == "Upah pekerja"


def test_every_choice_is_in_the_notes_with_its_rule():
    m = multipliers(_table(["201 Upah dan gaji", "Surplus usaha"]))
    notes = m.attrs["notes"]
    assert any(n.startswith("wages: '201 Upah dan gaji' (rule: exact name or code)") for n in notes)
    assert any(n.startswith("household consumption: 'Konsumsi Rumah Tangga'") for n in notes)
    assert any(n.startswith("value added:") and "rule:" in n for n in notes)


def test_choose_rules():
    assert choose(["2090 Nilai Tambah Bruto", "2010 Upah"], "value_added").rule.startswith("exact")
    assert value_added_choice(["Impor", "Jumlah input"]) is None
    assert choose(["Surplus"], "wages") is None


MB = (
    "sector,agri,manu,households,total output\n"
    "agri,150,500,350,1000\nmanu,200,100,1700,2000\n"
    "Gross value added at basic prices,600,1300,,\nValue added adjustment,50,100,,\n"
)


def test_cli_ambiguity_is_one_line_and_the_option_settles_it(tmp_path):
    p = tmp_path / "va.csv"
    p.write_text(MB, encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(main, ["analyze", str(p), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1 and "Traceback" not in r.output
    line = [x for x in r.output.splitlines() if "value added" in x]
    assert line and "--value-added-rows" in line[0]
    r = runner.invoke(
        main,
        [
            "analyze",
            str(p),
            "--out",
            str(tmp_path / "o"),
            "--value-added-rows",
            "Gross value added at basic prices",
            "--value-added-rows",
            "Value added adjustment",
        ],
    )
    assert r.exit_code == 0, r.output
    chosen = "'Gross value added at basic prices + Value added adjustment' (rule: given"
    assert f"value added: {chosen}" in r.output
    t = read_table(p)
    m = pd.read_csv(tmp_path / "o" / "multipliers.csv")
    np.testing.assert_allclose(m["value_added"], [1.0, 1.0], atol=1e-9)
    assert t.n == 2
