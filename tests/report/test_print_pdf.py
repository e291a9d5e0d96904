"""The report printed by headless Chromium (issue 18 item 1): every graph as a picture and
every table column on paper.

``write_outputs(..., pdf=True)`` prints the demo report to report.pdf; its text (read with
pypdf) must hold every column header of every table, the last column's first value of each
table (a column cut at the right edge would lose it), and the captions and legends of the
static pictures that replace the interactive sector map and network in print. Skips when
/usr/bin/chromium is absent, except under CI=true where that is a failure.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pypdf
import pytest

from linkage.errors import LinkageError
from linkage.io import load_example_network, load_example_table
from linkage.pipeline import write_outputs, write_report
from linkage.report.format import _fmt, column_label
from linkage.viz.i18n import t
from linkage.viz.pdf import ChromiumMissingError, print_pdf

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning"),
]

CHROMIUM = Path("/usr/bin/chromium")


def _need_chromium():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not installed (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: the browser test must run)")
        pytest.skip(reason)


def _words(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(str(path))
    return _words(" ".join(page.extract_text() or "" for page in reader.pages))


def _shown_tables(result):
    """Each table the report shows: (frame as shown, formatting kinds)."""
    lk = result.table.linkages
    cols = ["key_sector", "bl_total", "fl_total", "bl_direct", "fl_direct", "output_multiplier"]
    cols += ["fl_rasmussen", "bl_cv", "fl_cv"]
    share = {"internal_share": "share", "expected_internal_share": "share"}
    share |= {"cooperation_density": "share", "community_purity": "share", "p_value": "p"}
    clusters = result.network.clusters
    communities = clusters.communities.sort_values("n_members", ascending=False)
    return [
        (lk[[c for c in cols if c in lk]], {}),
        (result.table.multipliers, {}),
        (clusters.sentra, share),
        (communities, share),
    ]


@pytest.fixture(scope="module", params=["en", "id"])
def printed(request, tmp_path_factory):
    _need_chromium()
    out = tmp_path_factory.mktemp(f"print-{request.param}")
    result = write_outputs(
        out,
        table=load_example_table(),
        network=load_example_network(),
        sources={"IO table": "example_table.csv"},
        lang=request.param,
        pdf=True,
    )
    return request.param, result, _pdf_text(out / "report.pdf")


def test_report_pdf_is_written_and_listed(printed):
    _, result, text = printed
    assert [p.name for p in result.files[:2]] == ["report.html", "report.pdf"]
    assert result.files[1].read_bytes().startswith(b"%PDF")
    assert len(text) > 2000


def test_every_column_header_and_last_column_is_printed(printed):
    lang, result, text = printed
    squeezed = re.sub(r"\s+", "", text)
    for frame, kinds in _shown_tables(result):
        for col in [frame.index.name, *frame.columns]:
            for word in column_label(col, lang).split():
                assert word in text, f"header {col!r} ({word!r}) not in the PDF"
        last = frame.columns[-1]
        value = _fmt(frame[last].iloc[0], kinds.get(last, "num"), lang)
        assert re.sub(r"\s+", "", value) in squeezed, f"{last} = {value} not printed"
    firms = ["sector", "sentra", "sales_total", "purchases_total", "local_input_share"]
    firms += ["intermediary_sales_share", "bl_total", "fl_total", "linkage_class", "firm_id"]
    for col in firms:
        for word in column_label(col, lang).split():
            assert word in text, f"firm table header {col!r} ({word!r}) not in the PDF"


def test_every_graph_is_printed_as_a_picture(printed):
    lang, _, text = printed
    for what in ("map.what", "net.what"):
        caption = _words(t("report.print_picture", lang, what=t(what, lang)))
        assert caption in text, caption
    # legend texts that only the pictures carry (the interactive frames do not print)
    assert t("sp.shape", lang) in text
    assert _words(t("np.shape.middleman", lang)) in text


def test_html_has_the_pictures_and_hides_the_frames_in_print(printed):
    _, result, _ = printed
    page = result.files[0].read_text(encoding="utf-8")
    assert page.count('<figure class="graph-print"><svg') == 2
    css = page[page.index("@media print") :]
    assert "iframe.graph { display: none; }" in css and ".graph-print { display: block;" in css


def test_without_chromium_the_error_is_one_line(tmp_path, monkeypatch):
    table = load_example_table()
    monkeypatch.setenv("LINKAGE_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(ChromiumMissingError) as info:
        write_report(tmp_path / "report.html", table=table, pdf=True)
    message = str(info.value)
    assert "\n" not in message and "Chromium is not installed" in message
    assert message.startswith("report.pdf not written")
    assert (tmp_path / "report.html").exists() and not (tmp_path / "report.pdf").exists()
    assert isinstance(info.value, LinkageError)


def test_print_pdf_reports_a_failing_chromium(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(LinkageError, match="p.pdf not written: Chromium exited 1"):
        print_pdf(page, chromium="/bin/false")


def test_a_table_too_wide_for_the_paper_loses_its_last_column(tmp_path):
    """What the column test relies on: Chromium cuts what does not fit on the paper, so a
    cut column's value is missing from the PDF text."""
    _need_chromium()
    cells = "".join(f"<td>column{i:02d}value</td>" for i in range(30))
    page = tmp_path / "wide.html"
    page.write_text(f"<table style='white-space:nowrap'><tr>{cells}</tr></table>", "utf-8")
    text = _pdf_text(print_pdf(page))
    assert "column00value" in text and "column29value" not in text
