"""Tests for linkage.report and the `linkage report` / `linkage demo` commands."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from builders import EVIL, fake_clusters, make_network
from builders import report_table as _table
from click.testing import CliRunner

from linkage import IOTable
from linkage.cli import main
from linkage.pipeline import write_report
from linkage.report import frame_html

pytestmark = pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")

REMOTE = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I
)


def _iframes(text):
    return [html.unescape(m) for m in re.findall(r'srcdoc="([^"]*)"', text)]


def test_table_only_report(tmp_path):
    out = write_report(tmp_path / "r.html", table=_table())
    text = out.read_bytes().decode("utf-8")
    for title in (
        "What was read",
        "Key sectors and linkages",
        "Multipliers",
        "Sector map",
        "Words used in this report",
    ):
        assert f"<h2>{title}</h2>" in text
    for title in ("Supplier-buyer network", "Sentra: active or passive?", "Firms with"):
        assert title not in text
    assert "<script>x</script>" not in text.split("<iframe")[0]
    assert "&lt;script&gt;x&lt;/script&gt;" in text
    assert "Kabupaten Śrī" in text
    assert "<svg" in text  # the chart is inline
    assert REMOTE.findall(text) == []
    frames = _iframes(text)
    assert len(frames) == 1 and "vis-network" in frames[0] and REMOTE.findall(frames[0]) == []
    assert 'sandbox="allow-scripts"' in text


def test_network_report_has_network_and_sentra_sections(tmp_path):

    net = make_network()
    out = write_report(
        tmp_path / "r.html",
        network=net,
        clusters=fake_clusters(net),
        sources={"firms": "firms<1>.csv"},
    )
    text = out.read_text(encoding="utf-8")
    assert "<h2>Supplier-buyer network of the sentra</h2>" in text
    assert "<h2>Sentra: active or passive?</h2>" in text
    assert "<h2>Key sectors and linkages</h2>" not in text
    assert "firms&lt;1&gt;.csv" in text
    assert EVIL not in text
    (frame,) = _iframes(text)
    assert EVIL not in frame and "\\u003c/script\\u003e" in frame
    assert '<tr class="active">' in text and '<tr class="passive">' in text
    assert "Passive</b> sentra" in text and "Trusmi" in text


def test_report_needs_something(tmp_path):
    with pytest.raises(ValueError, match="at least"):
        write_report(tmp_path / "r.html")


def test_frame_html_escapes_every_cell():
    frame = pd.DataFrame(
        {"name": ["<b>x</b>"], "share": [0.25], "n": [1234567]}, index=pd.Index(["a&b"], name="<i>")
    )
    text = frame_html(frame, kinds={"share": "share"})
    assert "<b>" not in text and "<i>" not in text
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "a&amp;b" in text
    assert "25.0%" in text and "1,234,567" in text


def test_demo_command(tmp_path):
    runner = CliRunner()
    out = tmp_path / "demo"
    result = runner.invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert {
        "report.html",
        "network.html",
        "sectors.html",
        "key_sectors.png",
        "key_sectors.svg",
        "linkages.csv",
        "multipliers.csv",
        "firms.csv",
        "sentra.csv",
        "communities.csv",
    } <= names
    assert "report.html in a web browser" in result.output
    text = (out / "report.html").read_text(encoding="utf-8")
    assert REMOTE.findall(text) == [] and len(_iframes(text)) == 2
    sentra = pd.read_csv(out / "sentra.csv", index_col=0)
    assert set(sentra["activity"]) <= {"active", "passive"}
    firms = pd.read_csv(out / "firms.csv")
    assert firms.columns[0] == "firm_id" and "community" in firms.columns
    # never overwrite without --force
    again = runner.invoke(main, ["demo", "--out", str(out)])
    assert again.exit_code != 0 and "--force" in again.output
    forced = runner.invoke(main, ["demo", "--out", str(out), "--force"])
    assert forced.exit_code == 0, forced.output


def test_report_command_with_table_and_survey(tmp_path):
    from linkage.io.examples import data_path

    runner = CliRunner()
    sentra = data_path("sentra")
    out = tmp_path / "rep"
    result = runner.invoke(
        main,
        [
            "report",
            str(data_path("example_table.csv")),
            "--firms",
            str(sentra / "firms.csv"),
            "--transactions",
            str(sentra / "transactions.csv"),
            "--cooperation",
            str(sentra / "cooperation.csv"),
            "--parties",
            str(sentra / "parties.csv"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = (out / "report.html").read_text(encoding="utf-8")
    assert "example_table.csv" in text and "<h2>Sentra: active or passive?</h2>" in text


def test_report_command_usage_errors(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["report", "--out", str(tmp_path / "x")])
    assert result.exit_code != 0 and "give a TABLE" in result.output
    result = runner.invoke(main, ["report", "--firms", __file__, "--out", str(tmp_path / "x")])
    assert result.exit_code != 0 and "go together" in result.output


def test_singular_table_gives_a_note_not_a_crash(tmp_path):
    # A = [[0, 1], [1, 0]]: I - A is singular, so no linkages or multipliers
    t = IOTable.from_arrays([[0, 10.0], [10.0, 0]], final_demand=[0, 0], sectors=["a", "b"])
    text = write_report(tmp_path / "r.html", table=t).read_text(encoding="utf-8")
    assert "Linkages could not be computed" in text and "singular" in text
    assert "<h2>Key sectors and linkages</h2>" not in text
    assert text.index("<h2>In short</h2>") < text.index("<h2>What was read</h2>")


def test_report_files_have_the_layout_of_analyze_and_network(tmp_path):
    from linkage.cli import main
    from linkage.io.examples import data_path

    runner = CliRunner()
    sentra = data_path("sentra")
    survey = [
        "--firms",
        str(sentra / "firms.csv"),
        "--transactions",
        str(sentra / "transactions.csv"),
        "--cooperation",
        str(sentra / "cooperation.csv"),
        "--parties",
        str(sentra / "parties.csv"),
    ]
    table = str(data_path("example_table.csv"))
    runs = {
        "report": ["report", table, *survey, "--out", str(tmp_path / "report")],
        "analyze": ["analyze", table, "--out", str(tmp_path / "analyze")],
        "network": ["network", *survey, "--no-html", "--out", str(tmp_path / "network")],
    }
    for args in runs.values():
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
    for name, other in [
        ("linkages.csv", "analyze"),
        ("multipliers.csv", "analyze"),
        ("firms.csv", "network"),
        ("sentra.csv", "network"),
        ("communities.csv", "network"),
    ]:
        mine = pd.read_csv(tmp_path / "report" / name)
        theirs = pd.read_csv(tmp_path / other / name)
        assert mine.columns.tolist() == theirs.columns.tolist(), name
        pd.testing.assert_frame_equal(mine, theirs, check_exact=False, rtol=1e-12)


def _findings_text(text):
    return text.split("<h2>In short</h2>")[1].split("</section>")[0]


def test_findings_never_show_nan_shares(tmp_path):
    from linkage import SupplyNetwork
    from linkage.network.communities import find_clusters

    # every firm sells to one middleman and buys nothing: no purchases, so no local input
    # share; then firms that only buy: no sales, so no share of sales via middlemen
    firms = pd.DataFrame(
        {"firm_id": list("ABCD"), "sector": ["batik"] * 4, "sentra": ["Trusmi"] * 4}
    )
    sell = pd.DataFrame({"supplier": list("ABCD"), "buyer": ["PGP"] * 4, "value": 5.0})
    buy = pd.DataFrame({"supplier": ["KAIN"] * 4, "buyer": list("ABCD"), "value": 5.0})
    for tx, absent in ((sell, "purchases"), (buy, "sales")):
        net = SupplyNetwork.from_frames(firms, tx, intermediary_pattern="^PGP")
        text = write_report(
            tmp_path / "r.html", network=net, clusters=find_clusters(net, n_permutations=0)
        ).read_text("utf-8")
        short = _findings_text(text)
        assert "nan" not in short.lower(), short
        assert "trade is with each other" in short
        assert f"no {absent}" in short


def test_report_command_skips_invalid_rows_and_marks_middlemen_like_network(tmp_path):
    from linkage.io.examples import data_path

    sentra = data_path("sentra")
    tx = pd.read_csv(sentra / "transactions.csv", dtype=str)
    tx.loc[1, "value"] = "-5"  # row 3 of the file
    tx.loc[2, "supplier"] = None  # row 4: empty supplier id
    tx.to_csv(tmp_path / "tx.csv", index=False)
    args = [
        "report",
        "--firms",
        str(sentra / "firms.csv"),
        "--transactions",
        str(tmp_path / "tx.csv"),
    ]
    runner = CliRunner()
    res = runner.invoke(main, [*args, "--out", str(tmp_path / "a")])
    assert res.exit_code == 1
    (error,) = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert "tx.csv, row 3, column 'value'" in error and "--skip-invalid" in error
    res = runner.invoke(
        main,
        [*args, "--skip-invalid", "--intermediary-pattern", "^PGP", "--out", str(tmp_path / "b")],
    )
    assert res.exit_code == 0, res.output
    assert "2 invalid skipped" in res.output
    text = (tmp_path / "b" / "report.html").read_text(encoding="utf-8")
    assert "the value is negative (rows 3)" in text and "supplier id is empty (rows 4)" in text
    assert re.search(r"\(([1-9]\d*) of them middlemen", text)


@pytest.mark.parametrize("command", ["report", "demo"])
def test_negative_seed_is_one_line_before_any_work(tmp_path, command):
    from linkage.io.examples import data_path

    sentra = data_path("sentra")
    out = tmp_path / "o"
    args = [command, "--seed", "-1", "--out", str(out)]
    if command == "report":
        args += [
            "--firms",
            str(sentra / "firms.csv"),
            "--transactions",
            str(sentra / "transactions.csv"),
        ]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1, res.output
    (error,) = [line for line in res.output.splitlines() if "error" in line.lower()]
    assert error == "error: --seed must be 0 or more (got -1)"
    assert not out.exists() or not any(out.iterdir())


def test_report_lists_the_firm_metrics_warnings(tmp_path):
    # findings made while computing firm figures (a closed loop, outputs raised) belong in
    # "What was read" with the reading findings
    from linkage import SupplyNetwork

    firms = pd.DataFrame({"firm_id": list("ABLM"), "sector": "x", "sentra": "S"})
    tx = pd.DataFrame(
        {
            "supplier": ["A", "L", "M", "B"],
            "buyer": ["B", "M", "L", "OUT"],
            "value": [5.0, 9.0, 9.0, 7.0],
        }
    )
    net = SupplyNetwork.from_frames(firms, tx)
    text = write_report(tmp_path / "r.html", network=net).read_text(encoding="utf-8")
    read = text.split("<h2>What was read</h2>")[1].split("</section>")[0]
    assert "closed loop" in read and "[&#x27;L&#x27;, &#x27;M&#x27;]" in read
