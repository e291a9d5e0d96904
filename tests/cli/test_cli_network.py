"""The ``linkage network`` command: files written, summary printed, refusal to overwrite,
the sector table read back by the IO-table reader (and ``linkage analyze``), communities,
active/passive sentra and the network page."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from linkage.cli import main
from linkage.io.examples import data_path
from linkage.network.communities import ACTIVITY_COLUMNS

pytestmark = pytest.mark.filterwarnings("ignore::linkage.errors.DataQualityWarning")

SENTRA = data_path("sentra")


def _args(out, *extra):
    return [
        "network",
        "--firms",
        str(SENTRA / "firms.csv"),
        "--transactions",
        str(SENTRA / "transactions.csv"),
        "--cooperation",
        str(SENTRA / "cooperation.csv"),
        "--parties",
        str(SENTRA / "parties.csv"),
        "--out",
        str(out),
        *extra,
    ]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("net")
    res = CliRunner().invoke(main, _args(out))
    return res, out


def test_writes_files_and_prints_summary(result):
    res, out = result
    assert res.exit_code == 0, res.output
    for name in (
        "firms.csv",
        "sector_table.csv",
        "outside_parties.csv",
        "sentra.csv",
        "communities.csv",
        "network.html",
    ):
        assert (out / name).is_file()
        assert str(out / name) in res.output  # listed as written
    for words in (
        "105",
        "outside parties",
        "local input share",
        "via intermediaries",
        "trade inside",
        "1 duplicate rows merged",
        "TRS-23",
    ):
        assert words in res.output
    firms = pd.read_csv(out / "firms.csv", keep_default_na=False, na_values=[""])
    source = pd.read_csv(SENTRA / "firms.csv", keep_default_na=False, na_values=[""])
    assert firms.columns[0] == "firm_id"
    assert firms["firm_id"].tolist() == source["firm_id"].tolist()  # one row per listed firm
    for col in (
        "bl_total",
        "fl_total",
        "local_input_share",
        "intermediary_sales_share",
        "size_class",
        "name",
    ):
        assert col in firms.columns
    # awkward names survive the round trip
    assert set(source["name"]) == set(firms["name"])
    parties = pd.read_csv(out / "outside_parties.csv", keep_default_na=False)
    assert parties.columns[0] == "party_id" and "EXPORT-BALI" in parties["party_id"].tolist()


def test_refuses_to_overwrite(result):
    _, out = result
    res = CliRunner().invoke(main, _args(out))
    assert res.exit_code != 0 and "--force" in res.output
    res = CliRunner().invoke(main, _args(out, "--force"))
    assert res.exit_code == 0, res.output


def test_bad_input_is_one_line(tmp_path):
    tx = pd.read_csv(SENTRA / "transactions.csv", dtype=str)
    tx.loc[4, "value"] = "lima juta"
    tx.to_csv(tmp_path / "tx.csv", index=False)
    args = [
        "network",
        "--firms",
        str(SENTRA / "firms.csv"),
        "--transactions",
        str(tmp_path / "tx.csv"),
        "--out",
        str(tmp_path / "o"),
    ]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1
    error = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "row 6, column 'value'" in error[0] and "lima juta" in error[0]
    res = CliRunner().invoke(main, args + ["--skip-invalid"])
    assert res.exit_code == 0 and "1 invalid skipped" in res.output


def test_sector_table_round_trips(result):
    _, out = result
    from linkage.io import read_network

    readers = importlib.import_module("linkage.io.tables")
    net = read_network(
        SENTRA / "firms.csv", SENTRA / "transactions.csv", parties=SENTRA / "parties.csv"
    )
    table = net.to_iotable()
    back = readers.read_table(out / "sector_table.csv")
    assert back.sectors.tolist() == table.sectors.tolist()
    np.testing.assert_allclose(np.asarray(back.Z), table.Z, rtol=0, atol=0)
    np.testing.assert_allclose(back.x, table.x, rtol=1e-12)
    np.testing.assert_allclose(back.final_demand.to_numpy(), table.final_demand.to_numpy())
    indices = pytest.importorskip("linkage.analysis.linkages")
    a = indices.linkages(back)
    b = indices.linkages(table)
    np.testing.assert_allclose(a["bl_total"], b["bl_total"], rtol=1e-10)
    np.testing.assert_allclose(a["fl_total"], b["fl_total"], rtol=1e-10)


def test_sector_table_through_analyze(result, tmp_path):
    _, out = result
    pytest.importorskip("linkage.cli.analyze")
    res = CliRunner().invoke(
        main, ["analyze", str(out / "sector_table.csv"), "--out", str(tmp_path / "a")]
    )
    assert res.exit_code == 0, res.output
    written = pd.read_csv(tmp_path / "a" / "linkages.csv", index_col=0)
    from linkage import linkages
    from linkage.io import read_network

    net = read_network(
        SENTRA / "firms.csv", SENTRA / "transactions.csv", parties=SENTRA / "parties.csv"
    )
    direct = linkages(net.to_iotable())
    assert f"{len(direct)} sectors" in res.output
    assert sorted(written.index) == sorted(direct.index)
    np.testing.assert_allclose(written.loc[direct.index, "bl_total"], direct["bl_total"], rtol=1e-9)
    np.testing.assert_allclose(written.loc[direct.index, "fl_total"], direct["fl_total"], rtol=1e-9)


# ---------------------------------------------------------------- communities and sentra
#: How data/make_example_survey.py made the four sentra ("made as" in data/sentra/README.md).
MADE_AS = {
    "Plered ceramics": "active",
    "Jombang aluminium": "active",
    "Trusmi batik": "passive",
    "Tanggulangin leather": "passive",
}


def _read(path):
    return pd.read_csv(path, keep_default_na=False, na_values=[""], encoding="utf-8")


def test_cluster_files_have_their_columns(result):
    _, out = result
    sentra = _read(out / "sentra.csv")
    assert sentra.columns.tolist() == ["sentra", *ACTIVITY_COLUMNS]
    comm = _read(out / "communities.csv")
    assert comm.columns.tolist() == [
        "community",
        "n_members",
        "n_firms",
        "n_outside",
        "sentra_composition",
        "main_sectors",
        *ACTIVITY_COLUMNS[1:],
    ]
    assert comm["community"].tolist() == list(range(len(comm)))
    firms = _read(out / "firms.csv")
    assert firms.columns[0] == "firm_id" and "community" in firms.columns
    assert firms["community"].notna().all()
    page = (out / "network.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "PLR-01" in page


def test_sentra_classified_as_the_survey_was_made(result):
    res, out = result
    sentra = _read(out / "sentra.csv").set_index("sentra")
    assert sentra["activity"].to_dict() == MADE_AS
    assert sentra["n_firms"].sum() == 105
    active = sentra["activity"] == "active"
    assert (sentra.loc[active, "activity_score"] >= 1).all()
    assert (sentra.loc[~active, "activity_score"] < 1).all()
    assert (sentra.loc[active, "p_value"] <= 0.05).all()
    # the printed summary: one line per sentra with its class, score and p-value
    lines = res.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("sentra activity"))
    assert "199 relabellings" in lines[start]
    printed = {}
    for line in lines[start + 1 : start + 5]:
        name, rest = line.strip().split("  ", 1)
        printed[name] = rest.split()
    assert {name: words[0] for name, words in printed.items()} == MADE_AS
    for name, words in printed.items():
        assert words[1:3] == ["score", f"{sentra.loc[name, 'activity_score']:.2f}"]
        assert words[3:5] == ["p-value", f"{sentra.loc[name, 'p_value']:.3f}"]
    n_comm = len(_read(out / "communities.csv"))
    assert lines[start + 5].startswith(f"communities: {n_comm} (leiden, resolution 1, seed 0;")


def test_firm_communities_agree_with_communities_csv(result):
    _, out = result
    firms = _read(out / "firms.csv")
    comm = _read(out / "communities.csv").set_index("community")
    counts = firms["community"].value_counts().reindex(comm.index, fill_value=0)
    assert counts.tolist() == comm["n_firms"].tolist()
    assert set(firms["community"]) <= set(comm.index)
    assert (comm["n_members"] == comm["n_firms"] + comm["n_outside"]).all()
    # the sentra composition text counts the same firms
    for c, row in comm.iterrows():
        members = firms.loc[firms["community"] == c, "sentra"].value_counts()
        top = row["sentra_composition"].split(", ")[0]
        if members.size:
            assert top == f"{members.index[0]}: {members.iloc[0]}"


def _run(out, *extra):
    return CliRunner().invoke(main, _args(out, "--permutations", "19", *extra))


def test_no_html_skips_the_page(tmp_path):
    res = _run(tmp_path, "--no-html")
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "network.html").exists()
    assert "network.html" not in res.output
    for name in ("firms.csv", "sentra.csv", "communities.csv"):
        assert (tmp_path / name).is_file()


@pytest.mark.parametrize("name", ["sentra.csv", "communities.csv", "network.html"])
def test_force_protects_the_new_files(tmp_path, name):
    (tmp_path / name).write_text("keep me", encoding="utf-8")
    res = _run(tmp_path)
    assert res.exit_code != 0 and "--force" in res.output and name in res.output
    assert (tmp_path / name).read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "firms.csv").exists()  # nothing written before the check
    if name == "network.html":  # not written with --no-html, so not in the way
        res = _run(tmp_path, "--no-html")
        assert res.exit_code == 0, res.output
        assert (tmp_path / name).read_text(encoding="utf-8") == "keep me"
    res = _run(tmp_path, "--force")
    assert res.exit_code == 0, res.output
    assert (tmp_path / name).read_text(encoding="utf-8") != "keep me"


def test_same_seed_same_files(tmp_path):
    names = ("firms.csv", "sentra.csv", "communities.csv", "network.html")
    runs = []
    for run in ("a", "b"):
        res = _run(tmp_path / run, "--seed", "7")
        assert res.exit_code == 0, res.output
        runs.append({n: (tmp_path / run / n).read_bytes() for n in names})
    assert runs[0] == runs[1]
    assert "seed 7" in res.output


def test_detection_options_reach_the_output(tmp_path):
    res = _run(tmp_path / "base", "--no-html")
    assert res.exit_code == 0, res.output
    base = _read(tmp_path / "base" / "communities.csv")
    # a higher resolution finds smaller communities
    res = _run(tmp_path / "fine", "--no-html", "--resolution", "5")
    assert res.exit_code == 0 and "resolution 5" in res.output, res.output
    assert len(_read(tmp_path / "fine" / "communities.csv")) > len(base)
    # within sentra: no community spans two sentra
    res = _run(tmp_path / "within", "--no-html", "--within", "sentra", "--no-cooperation")
    assert res.exit_code == 0, res.output
    assert "within each sentra, trade only" in res.output
    within = _read(tmp_path / "within" / "communities.csv")
    has_firms = within["n_firms"] > 0
    assert (within.loc[has_firms, "community_purity"] == 1).all()
    assert (~within["sentra_composition"].str.contains(",")).all()
    # another method; the sentra classes do not depend on detection
    res = _run(tmp_path / "infomap", "--no-html", "--detection", "INFOMAP")
    assert res.exit_code == 0 and "(infomap, seed 0" in res.output, res.output
    sentra = _read(tmp_path / "infomap" / "sentra.csv").set_index("sentra")
    assert sentra["activity"].to_dict() == MADE_AS


def test_too_few_permutations_are_explained(tmp_path):
    res = CliRunner().invoke(main, _args(tmp_path, "--permutations", "9", "--no-html"))
    assert res.exit_code == 0, res.output
    assert "smallest possible p-value is 0.1" in res.output
    assert "--permutations 19 or more" in res.output
    res = CliRunner().invoke(main, _args(tmp_path, "--permutations", "0", "--no-html", "--force"))
    assert res.exit_code == 0, res.output
    assert "no permutation test" in res.output and "p-value n/a" in res.output
    assert _read(tmp_path / "sentra.csv")["p_value"].isna().all()


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--resolution", "-1"], "--resolution must be a positive number (got -1)"),
        (["--resolution", "0"], "--resolution must be a positive number (got 0)"),
        (["--resolution", "nan"], "--resolution must be a positive number (got nan)"),
        (["--detection", "walktrap"], "--detection must be one of leiden, louvain, infomap"),
        (["--method", "walktrap"], "--detection must be one of leiden, louvain, infomap"),
        (["--detection", "infomap", "--resolution", "2"], "infomap has no resolution"),
        (["--permutations", "-5"], "--permutations must be 0 or more (got -5)"),
        (["--within", "kecamatan"], "has no column 'kecamatan'"),
        (["--seed", "-1"], "--seed must be 0 or more (got -1)"),
        (["--max-nodes", "-5"], "--max-nodes must be 0 or more (got -5)"),
    ],
)
def test_bad_detection_options_are_one_line(tmp_path, extra, message):
    out = tmp_path / "o"
    res = CliRunner().invoke(main, _args(out, *extra))
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    errors = [line for line in res.output.splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and errors[0].startswith("error: ") and message in errors[0]
    assert not out.exists() or not any(out.iterdir())  # nothing written


def test_many_sentra_are_summarised_not_listed_one_by_one(tmp_path):
    # a provincial survey: 45 sentra of 3 firms; the console lists 30 and counts the rest
    ids = [f"F{i:03d}" for i in range(135)]
    firms = pd.DataFrame(
        {"firm_id": ids, "sector": "batik", "sentra": [f"Sentra {i // 3:02d}" for i in range(135)]}
    )
    tx = pd.DataFrame({"supplier": ids, "buyer": ids[1:] + ids[:1], "value": 10.0})
    firms.to_csv(tmp_path / "firms.csv", index=False)
    tx.to_csv(tmp_path / "tx.csv", index=False)
    res = CliRunner().invoke(
        main,
        [
            "network",
            "--firms",
            str(tmp_path / "firms.csv"),
            "--transactions",
            str(tmp_path / "tx.csv"),
            "--no-html",
            "--permutations",
            "0",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert res.exit_code == 0, res.output
    lines = [line for line in res.output.splitlines() if line.startswith("  Sentra ")]
    assert len(lines) == 30
    n_active = int((_read(tmp_path / "o" / "sentra.csv")["activity"] == "active").sum())
    assert f"... and 15 more sentra; {n_active} of all 45 are active" in res.output
    assert "sentra.csv" in res.output.split("... and 15 more")[1].splitlines()[0]


def test_method_is_the_hidden_old_name_of_detection(tmp_path):
    """--method named the solver in analyze and the detection here; --detection now does."""
    res = _run(tmp_path / "old", "--no-html", "--method", "louvain")
    assert res.exit_code == 0, res.output
    assert "(louvain, resolution 1, seed 0" in res.output
    assert "warning: --method is the old name of --detection" in res.output
    both = _run(tmp_path / "both", "--no-html", "--method", "louvain", "--detection", "leiden")
    assert both.exit_code == 2 and "not both" in both.output
    help_text = CliRunner().invoke(main, ["network", "--help"]).output
    assert "--detection" in help_text and "--method" not in help_text
