"""``--final-demand`` / ``--primary-inputs`` on every command that reads a wide table
(analyze, regionalize through transactions_options; impact, report, decompose here)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from linkage.cli import main
from linkage.io import read_table

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
UNKNOWN_COLUMN = str(CORPUS / "table_unknown_column.csv")  # column 'jasa' matches no row
UNKNOWN_ROW = str(CORPUS / "table_unknown_row.csv")  # row 'Laba bersih' matches no column
OK = str(CORPUS / "table_ok.csv")
SHOCK = str(CORPUS / "shock_ok.csv")


def _run(args):
    return CliRunner().invoke(main, args)


@pytest.mark.parametrize(
    "command",
    [
        ["impact", UNKNOWN_COLUMN, "--shock", SHOCK],
        ["report", UNKNOWN_COLUMN],
        ["decompose", UNKNOWN_COLUMN, OK],
    ],
    ids=["impact", "report", "decompose"],
)
def test_unknown_column_is_an_error_the_option_settles(command, tmp_path):
    out = ["--out", str(tmp_path / "out")]
    failed = _run([*command, *out])
    assert failed.exit_code == 1
    (line,) = failed.stderr.strip().splitlines()
    assert "'jasa'" in line and "--final-demand" in line
    settled = _run([*command, "--final-demand", "jasa", *out])
    assert settled.exit_code == 0, settled.stderr


def test_impact_reads_jasa_as_final_demand(tmp_path):
    """The settled table is the one read_table(final_demand=) gives: same output impact."""
    out = tmp_path / "out"
    result = _run(
        ["impact", UNKNOWN_COLUMN, "--shock", SHOCK, "--final-demand", "jasa"] + ["--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(out / "impact.csv")
    output = frame[frame["measure"] == "output"].set_index("sector")["value"]
    t = read_table(UNKNOWN_COLUMN, final_demand="jasa")
    assert list(output.index) == list(t.sectors)
    # Leontief by hand: L = (I - A)^-1, output impact = L @ shock (10, 5)
    L = np.linalg.inv(np.eye(2) - np.asarray(t.A))
    assert np.allclose(output.to_numpy(), L @ [10, 5], rtol=1e-12)


def test_impact_primary_inputs_option(tmp_path):
    args = ["impact", UNKNOWN_ROW, "--shock", SHOCK, "--out", str(tmp_path / "o")]
    assert _run(args).exit_code == 1
    assert _run([*args, "--primary-inputs", "Laba bersih"]).exit_code == 0


def test_decompose_applies_the_labels_to_both_tables(tmp_path):
    """'jasa' is a column of TABLE0 only: fine; a label neither table has is an error."""
    out = ["--out", str(tmp_path / "out")]
    both = _run(["decompose", OK, UNKNOWN_COLUMN, "--final-demand", "jasa", *out])
    assert both.exit_code == 0, both.stderr
    typo = _run(["decompose", UNKNOWN_COLUMN, OK, "--final-demand", "jasa,jasaa", *out, "--force"])
    assert typo.exit_code == 1
    assert "['jasaa']" in typo.stderr and "either table" in typo.stderr


def test_help_lists_the_options():
    for command in ("impact", "report", "decompose", "analyze", "regionalize"):
        text = _run([command, "--help"]).output
        assert "--final-demand" in text and "--primary-inputs" in text, command
        assert "--skip-hidden" in text, command


def test_skip_hidden_on_impact_and_decompose(tmp_path):
    stale = str(CORPUS / "table_hidden_stale_row.xlsx")
    out = ["--out", str(tmp_path / "out"), "--force"]
    warned = _run(["decompose", stale, OK, *out])
    assert warned.exit_code == 0 and "hidden row" in warned.stderr
    skipped = _run(["decompose", stale, OK, "--skip-hidden", *out])
    assert skipped.exit_code == 0 and "warning" not in skipped.stderr, skipped.stderr
    assert _run(["impact", stale, "--shock", SHOCK, "--skip-hidden", *out]).exit_code == 0
