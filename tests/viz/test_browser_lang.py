"""The Indonesian page and the print view in headless Chromium (issue 18 items 1 and 2).

The page script shows its texts from the page's language (legend, counts, search box) and
formats numbers with its locale; in print the interactive canvas is hidden and the static
picture shown. Skips when /usr/bin/chromium is absent, except under CI=true.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from builders import fake_clusters, make_network

from linkage.pipeline import network_html, write_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning"),
]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not installed (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: the browser test must run)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _open(browser, path):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_function("window.linkageGraph && window.linkageGraph.ready", timeout=60_000)
    return page, errors


def test_indonesian_page_script_texts(browser, tmp_path):
    net = make_network()
    path = network_html(net, fake_clusters(net), tmp_path / "network.html", lang="id")
    page, errors = _open(browser, path)
    assert errors == []
    assert page.evaluate("document.documentElement.lang") == "id"
    legend = page.inner_text("#legend")
    assert "Bentuk" in legend and "Garis" in legend and "Warna: komunitas" in legend
    assert "Shapes" not in legend and "Lines" not in legend
    counts = page.inner_text("#counts")
    n = page.evaluate("linkageGraph.nodes.length")
    assert counts.startswith(f"Menampilkan {n} dari {n} usaha dan pihak luar")
    assert page.inner_text("label[for=search]") == "Cari usaha"
    assert page.inner_text("#filters option") == "semua"
    # numbers in the page's locale: the script's money format of a large value
    text = page.evaluate("new Intl.NumberFormat(linkageGraph.data.locale).format(1234567.5)")
    assert text in ("1.234.568", "1.234.567,5")
    page.close()


def test_print_view_shows_the_picture_not_the_canvas(browser, tmp_path):
    net = make_network()
    path = network_html(net, None, tmp_path / "network.html")
    page, _ = _open(browser, path)
    visible = """(s) => { const e = document.querySelector(s);
                          return !!e && e.getBoundingClientRect().height > 0; }"""
    assert page.evaluate(visible, "#graph") and not page.evaluate(visible, ".print-picture")
    page.emulate_media(media="print")
    assert not page.evaluate(visible, "#graph") and page.evaluate(visible, ".print-picture svg")
    page.close()


def test_report_print_view_has_pictures_instead_of_frames(browser, tmp_path):
    from builders import report_table

    net = make_network()
    path = write_report(tmp_path / "report.html", table=report_table(), network=net, lang="id")
    page = browser.new_page(viewport={"width": 800, "height": 1100})
    page.goto(path.resolve().as_uri())
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => [...document.querySelectorAll('iframe.graph, .graph-print svg')]
                 .map(e => [e.tagName.toLowerCase(), e.getBoundingClientRect().height > 100])"""
    )
    assert shown == [["iframe", False], ["svg", True], ["iframe", False], ["svg", True]]
    page.close()
