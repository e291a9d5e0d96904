"""--lang on the commands that write pages: the page's language and its words."""

from click.testing import CliRunner

from linkage.cli import main
from linkage.io import data_path


def test_report_and_network_pages_in_bahasa_indonesia(tmp_path):
    runner = CliRunner()
    table = data_path("example_table.csv")
    result = runner.invoke(
        main, ["report", str(table), "--out", str(tmp_path / "r"), "--lang", "id"]
    )
    assert result.exit_code == 0, result.output
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="id"' in page and "keterkaitan ke belakang" in page.lower()
    firms, transactions = data_path("sentra", "firms.csv"), data_path("sentra", "transactions.csv")
    args = ["network", "--firms", str(firms), "--transactions", str(transactions)]
    result = runner.invoke(main, [*args, "--out", str(tmp_path / "n"), "--lang", "id"])
    assert result.exit_code == 0, result.output
    assert '<html lang="id"' in (tmp_path / "n" / "network.html").read_text(encoding="utf-8")
    result = runner.invoke(main, [*args, "--out", str(tmp_path / "e"), "--lang", "fr"])
    assert result.exit_code == 2 and "'fr' is not one of 'en', 'id'" in result.output
