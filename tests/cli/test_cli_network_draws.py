"""``linkage network --draws``: the Monte Carlo files next to the point estimates."""

import numpy as np
import pandas as pd
from click.testing import CliRunner

from linkage.cli import main
from linkage.io import data_path, load_example_network
from linkage.network.extraction import firm_extraction


def test_network_draws_at_zero_cv_equal_the_point_estimates(tmp_path):
    firms, transactions = data_path("sentra", "firms.csv"), data_path("sentra", "transactions.csv")
    args = ["network", "--firms", str(firms), "--transactions", str(transactions), "--no-html"]
    out = tmp_path / "o"
    result = CliRunner().invoke(
        main, [*args, "--out", str(out), "--draws", "3", "--value-cv", "0", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    sentra = pd.read_csv(out / "sentra.csv").set_index("sentra")
    draws = pd.read_csv(out / "sentra_draws.csv").set_index("sentra")
    expect = (sentra["activity"] == "active").astype(float)
    np.testing.assert_array_equal(draws.loc[sentra.index, "share_active"], expect)
    np.testing.assert_allclose(draws["excess_p5"], draws["excess_p95"], rtol=1e-12)
    assert {"linkages_draws.csv", "firms_draws.csv"} <= {p.name for p in out.iterdir()}
    rerun = CliRunner().invoke(main, [*args, "--out", str(out), "--draws", "3", "--value-cv", "0"])
    assert rerun.exit_code == 1 and "--force" in rerun.output


def test_network_extraction_writes_every_firm_in_each_format(tmp_path):
    firms, transactions = data_path("sentra", "firms.csv"), data_path("sentra", "transactions.csv")
    args = ["network", "--firms", str(firms), "--transactions", str(transactions), "--no-html"]
    for fmt in ("csv", "xlsx"):
        out = tmp_path / fmt
        result = CliRunner().invoke(
            main, [*args, "--out", str(out), "--extraction", "--format", fmt]
        )
        assert result.exit_code == 0, result.output
    got = pd.read_csv(tmp_path / "csv" / "firm_extraction.csv")
    want = firm_extraction(load_example_network())
    assert got["firm_id"].tolist() == want.index.tolist()
    np.testing.assert_allclose(got["total"], want["total"], rtol=1e-12)
    sheet = pd.read_excel(
        tmp_path / "xlsx" / "results.xlsx", sheet_name="firm_extraction", engine="openpyxl"
    )
    np.testing.assert_allclose(sheet["total_share"], got["total_share"], rtol=1e-12)
