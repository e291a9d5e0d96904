"""The pages in a real browser: Debian's headless Chromium driven by playwright.

Checks what only a browser can: the page makes no network request (every non-file request
is blocked and counted), logs no console error, vis-network loads and draws, the drawn node
and edge counts equal the network's, hovering and selecting a firm shows its name and
figures, and a firm named ``</script><script>alert(1)</script>`` appears as text without
running anything. Skips when /usr/bin/chromium is absent, except under CI=true where that
is a failure (`.ci/run` installs the `chromium` apt package). Never `playwright install`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning"),
]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing(reason):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright Python package is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Watch:
    """A page whose outside requests are blocked and counted and whose errors are kept."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1300, "height": 900})
        self.blocked, self.errors, self.dialogs = [], [], []

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)

    def open(self, path, frame=None):
        self.page.goto(Path(path).resolve().as_uri())
        return self.page

    def close(self):
        self.page.close()


def _ready(target, timeout=60_000):
    target.wait_for_function("window.linkageGraph && window.linkageGraph.ready", timeout=timeout)


def _node_xy(page, i):
    return page.evaluate(
        """(i) => { const n = linkageGraph.network; const p = n.canvasToDOM(n.getPosition(i));
                    const r = document.getElementById('graph').getBoundingClientRect();
                    return [r.left + p.x, r.top + p.y]; }""",
        i,
    )


@pytest.fixture(scope="module")
def network_and_clusters():
    from builders import make_network

    from linkage.network.communities import find_clusters

    net = make_network()
    return net, find_clusters(net, n_permutations=49)


def test_network_page_in_chromium(browser, network_and_clusters, tmp_path):
    from builders import EVIL, IMG

    from linkage.pipeline import network_html

    net, clusters = network_and_clusters
    path = network_html(net, clusters, tmp_path / "network.html")
    w = Watch(browser)
    page = w.open(path)
    _ready(page)

    # offline, no errors, renderer loaded and drew something
    assert w.blocked == [] and w.errors == [] and w.dialogs == []
    assert page.evaluate("typeof vis !== 'undefined' && typeof vis.Network === 'function'")
    inked = page.evaluate(
        """() => { const c = document.querySelector('#graph canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let k = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) k++;
                   return k; }"""
    )
    assert inked > 500
    counts = page.evaluate("[linkageGraph.nodes.length, linkageGraph.edges.length]")
    assert counts == [net.n_nodes, len(net.edges) + len(net.cooperation)]

    # hovering firm 0 (named EVIL) shows its name as text and its figures
    x, y = _node_xy(page, 0)
    page.mouse.move(x, y)
    page.wait_for_selector("#tooltip:not([hidden])", timeout=5000)
    tip = page.inner_text("#tooltip")
    assert EVIL in tip
    for label in (
        "Sector",
        "clay",
        "Sentra",
        "Plered",
        "Workers",
        "Sales",
        "Purchases",
        "Backward linkage (BL)",
        "Forward linkage (FL)",
        "Community",
    ):
        assert label in tip
    assert page.evaluate("document.querySelectorAll('#tooltip script, #tooltip img').length") == 0

    # clicking selects the firm and keeps its figures at the left
    page.mouse.click(x, y)
    page.wait_for_function("linkageGraph.network.getSelectedNodes().length === 1")
    assert page.evaluate("linkageGraph.network.getSelectedNodes()") == [0]
    assert EVIL in page.inner_text("#details")

    # the other hostile name: drawn as text, nothing ran
    page.fill("#search", "onerror")
    page.wait_for_selector("#matches button")
    assert page.inner_text("#matches button") == IMG
    page.click("#matches button")
    assert page.evaluate("linkageGraph.network.getSelectedNodes()") == [1]
    assert IMG in page.inner_text("#details")
    assert page.evaluate("document.querySelectorAll('body script').length") == 3
    assert page.evaluate("document.querySelectorAll('img').length") == 0

    # search by name, then filter one sentra
    page.fill("#search", "batik sari")
    page.press("#search", "Enter")
    assert page.evaluate("linkageGraph.network.getSelectedNodes()") == [3]
    page.select_option("#filter-sentra", label="Trusmi")
    visible = page.evaluate("linkageGraph.nodes.get({filter: n => !n.hidden}).map(n => n.id)")
    # Trusmi's three firms, and the outside parties they trade with (pengepul, cloth)
    partners = [net.nodes.get_loc("PGP1"), net.nodes.get_loc("KAIN")]
    assert sorted(visible) == sorted([3, 4, 5] + partners)
    assert "Showing 5 of" in page.inner_text("#counts")
    assert page.is_hidden("#tooltip")
    # outside parties can be switched off
    page.uncheck("#toggle-0")
    visible = page.evaluate("linkageGraph.nodes.get({filter: n => !n.hidden}).map(n => n.id)")
    assert sorted(visible) == [3, 4, 5]
    page.check("#toggle-0")

    page.screenshot(path=str(tmp_path / "network.png"), full_page=True)
    assert w.blocked == [] and w.errors == [] and w.dialogs == []
    w.close()


def test_collapsed_page_says_so(browser, network_and_clusters, tmp_path):
    from linkage.pipeline import network_html

    net, clusters = network_and_clusters
    path = network_html(net, clusters, tmp_path / "big.html", max_nodes=5)
    w = Watch(browser)
    page = w.open(path)
    _ready(page)
    assert page.is_visible("#notice")
    assert "more than the 5 points" in page.inner_text("#notice")
    assert page.evaluate("linkageGraph.nodes.length") == 5
    assert w.blocked == [] and w.errors == [] and w.dialogs == []
    w.close()


def test_report_in_chromium(browser, network_and_clusters, tmp_path):
    from builders import report_table as _table

    from linkage.pipeline import write_report

    net, clusters = network_and_clusters
    path = write_report(tmp_path / "report.html", table=_table(), network=net, clusters=clusters)
    w = Watch(browser)
    page = w.open(path)
    frames = page.locator("iframe.graph")
    assert frames.count() == 2
    drawn = []
    for i in range(2):
        frames.nth(i).scroll_into_view_if_needed()
        inner = frames.nth(i).element_handle().content_frame()
        _ready(inner)
        drawn.append(inner.evaluate("[linkageGraph.nodes.length, linkageGraph.edges.length]"))
    assert drawn[0][0] == 3  # the sectors
    assert drawn[1] == [net.n_nodes, len(net.edges) + len(net.cooperation)]
    assert page.evaluate("document.querySelectorAll('main svg').length") >= 1  # the chart
    assert w.blocked == [] and w.errors == [] and w.dialogs == []
    w.close()


def test_blocking_is_real(browser, tmp_path):
    """The request counter sees a page that does fetch from the internet."""
    page_file = tmp_path / "remote.html"
    page_file.write_text('<img src="https://example.org/x.png">', encoding="utf-8")
    w = Watch(browser)
    w.open(page_file).wait_for_timeout(300)
    assert w.blocked == ["https://example.org/x.png"]
    w.close()


def test_physics_option_settles(browser, network_and_clusters, tmp_path):
    from linkage.pipeline import network_html

    net, clusters = network_and_clusters
    path = network_html(net, clusters, tmp_path / "physics.html", physics=True)
    w = Watch(browser)
    page = w.open(path)
    _ready(page)
    assert page.evaluate("linkageGraph.nodes.length") == net.n_nodes
    assert w.blocked == [] and w.errors == [] and w.dialogs == []
    w.close()
