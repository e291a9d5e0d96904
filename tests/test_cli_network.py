"""The ``linkage network`` command: files written, summary printed, refusal to overwrite,
and the sector table read back by the IO-table reader (and ``linkage analyze``)."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from linkage.cli import main
from linkage.datasets import data_path

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
    for name in ("firms.csv", "sector_table.csv", "outside_parties.csv"):
        assert (out / name).is_file()
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
    from linkage.network import read_network

    readers = importlib.import_module("linkage.readers")
    net = read_network(
        SENTRA / "firms.csv", SENTRA / "transactions.csv", parties=SENTRA / "parties.csv"
    )
    table = net.to_iotable()
    back = readers.read_table(out / "sector_table.csv")
    assert back.sectors.tolist() == table.sectors.tolist()
    np.testing.assert_allclose(np.asarray(back.Z), table.Z, rtol=0, atol=0)
    np.testing.assert_allclose(back.x, table.x, rtol=1e-12)
    np.testing.assert_allclose(back.final_demand.to_numpy(), table.final_demand.to_numpy())
    indices = pytest.importorskip("linkage.indices")
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
    from linkage.network import read_network

    net = read_network(
        SENTRA / "firms.csv", SENTRA / "transactions.csv", parties=SENTRA / "parties.csv"
    )
    direct = linkages(net.to_iotable())
    assert f"{len(direct)} sectors" in res.output
    assert sorted(written.index) == sorted(direct.index)
    np.testing.assert_allclose(written.loc[direct.index, "bl_total"], direct["bl_total"], rtol=1e-9)
    np.testing.assert_allclose(written.loc[direct.index, "fl_total"], direct["fl_total"], rtol=1e-9)
