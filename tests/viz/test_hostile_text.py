"""Hostile text in every page and in the report (issue 17 item 8).

A table and a survey whose every label is hostile (script end tags, attribute breakers,
comment openers, mathtext, JavaScript string breakers, U+2028, very long, right-to-left,
emoji, links) go through :func:`linkage.pipeline.write_outputs`, ``sector_html``,
``network_html`` and the pyvis export, in English and Bahasa Indonesia. Statically: no
special character of a name reaches the HTML unescaped, the tokenizer finds only the
page's own scripts and no event-handler attribute, and every embedded JSON block parses
back to the original names. In Chromium (mark ``browser``): nothing runs
(``window.__pwned`` stays undefined, no dialog) and the names are shown as text.
"""

from __future__ import annotations

import html
import json
import os
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from linkage import IOTable
from linkage.network import SupplyNetwork
from linkage.pipeline import network_html, sector_html, write_outputs

pytestmark = pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")

#: Names that break out of a script, an attribute, a comment, mathtext or a JS string, a
#: name with a link (pyvis shows titles with "href" as HTML), line separators, a very
#: long name, right-to-left text with an override, emoji, backslashes and format fields.
HOSTILE = [
    "</script><script>window.__pwned=1</script>",
    '"><img src=x onerror="window.__pwned=1">',
    "<!-- x",
    "$\\alpha$ & $\\frac$",
    "'; window.__pwned=1; alert(1); '",
    "line\u2028sep\u2029para",
    "Sentra " + "panjang " * 40 + "end",
    "W" * 400,
    "\u0645\u0631\u0643\u0632 \u202eevil",
    "Batik \U0001f9f5\U0001f3ed",
    '<a href="javascript:window.__pwned=1">link</a><img src=y onerror=window.__pwned=1>',
    "back\\slash \\u003c/script\\u003e {n} %s &amp;",
]
#: Characters that must never reach a page unescaped.
SPECIAL = '<>"'


def hostile_table() -> IOTable:
    """A balanced 11-sector table: sectors, final-demand and value-added columns, name and
    units all hostile."""
    n = len(HOSTILE)
    rng = np.random.default_rng(0)
    z = rng.uniform(1.0, 10.0, (n, n))
    f = rng.uniform(50.0, 100.0, (n, 2))
    x = z.sum(axis=1) + f.sum(axis=1)
    va = x - z.sum(axis=0)
    return IOTable.from_arrays(
        z,
        final_demand=pd.DataFrame(f, columns=[HOSTILE[1], HOSTILE[4]]),
        value_added=pd.DataFrame(
            {"wages " + HOSTILE[0]: 0.6 * va, HOSTILE[3]: 0.4 * va}, index=HOSTILE
        ).T,
        sectors=HOSTILE,
        name=HOSTILE[0],
        units=HOSTILE[1],
    )


def firm_ids() -> list[str]:
    return [f"{h[:24]}#{i}" for i, h in enumerate(HOSTILE)]


def party_ids() -> list[str]:
    return ["P" + HOSTILE[0], "P" + HOSTILE[1], "P" + HOSTILE[10]]


def hostile_network() -> SupplyNetwork:
    """Eleven firms (ids, names, sectors, sentra hostile) in two sentra, three outside
    parties with hostile ids and names, trade in a ring and to a middleman, ties."""
    n = len(HOSTILE)
    ids, parties = firm_ids(), party_ids()
    rng = np.random.default_rng(1)
    firms = pd.DataFrame(
        {
            "firm_id": ids,
            "sector": [HOSTILE[i % 3] for i in range(n)],
            "sentra": [HOSTILE[8] if i < 6 else HOSTILE[4] for i in range(n)],
            "workers": list(range(2, 2 + n)),
            "output": rng.uniform(100.0, 1000.0, n).round(1),
            "name": HOSTILE[::-1],
        }
    )
    sup = ids + ids + [parties[0], ids[2]]
    buy = [ids[(i + 1) % n] for i in range(n)] + [parties[1]] * n + [ids[0], parties[2]]
    tx = pd.DataFrame(
        {"supplier": sup, "buyer": buy, "value": rng.uniform(5.0, 50.0, len(sup)).round(1)}
    )
    coop = pd.DataFrame(
        {"firm_a": ids[:3], "firm_b": ids[3:6], "kind": [HOSTILE[5], "joint_marketing", HOSTILE[8]]}
    )
    party = pd.DataFrame(
        {
            "party_id": parties,
            "kind": ["supplier", "intermediary", "buyer"],
            "name": [HOSTILE[6], HOSTILE[7], HOSTILE[10]],
        }
    )
    return SupplyNetwork.from_frames(firms, tx, coop, party)


class Document(HTMLParser):
    """An HTML document as a browser's tokenizer sees it: tags with their attributes, the
    text of each ``<script>`` element, the rest of the text (entities decoded), and the
    documents inside ``<iframe srcdoc>``."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.raw = text
        self.tags, self.scripts, self.texts, self.frames = [], [], [], []
        self._script = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script":
            self._script = (attrs, [])
        if tag == "iframe" and "srcdoc" in attrs:
            self.frames.append(Document(attrs["srcdoc"]))

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        else:
            self.texts.append(data)

    @property
    def text(self) -> str:
        return "\x00".join(self.texts)

    def data(self) -> list:
        """Every ``application/json`` script, parsed."""
        return [json.loads(s) for a, s in self.scripts if a.get("type") == "application/json"]


def strings(obj) -> set:
    """Every string inside parsed JSON (keys and values)."""
    if isinstance(obj, dict):
        return set(obj) | set().union(*(strings(v) for v in obj.values()))
    if isinstance(obj, list):
        return set().union(*(strings(v) for v in obj)) if obj else set()
    return {obj} if isinstance(obj, str) else set()


# ------------------------------------------------------------------------- the outputs
@pytest.fixture(scope="module", params=["en", "id"])
def outputs(request, tmp_path_factory):
    """Every page and the report of the hostile table and survey, in one language."""
    lang = request.param
    out = tmp_path_factory.mktemp(f"hostile-{lang}")
    table, net = hostile_table(), hostile_network()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_outputs(
            out,
            table=table,
            network=net,
            sources={HOSTILE[0]: HOSTILE[1] + ".csv", "survey": HOSTILE[2] + ".xlsx"},
            title=HOSTILE[11],
            lang=lang,
        )
        sector_html(table, out / "sectors_L.html", matrix="L", title=HOSTILE[0], lang=lang)
        network_html(
            net, None, out / "network_groups.html", max_nodes=5, subtitle=HOSTILE[1], lang=lang
        )
    return lang, out, table, net


PAGES = ("sectors.html", "sectors_L.html", "network.html", "network_groups.html")


def _documents(doc: Document):
    yield doc
    for frame in doc.frames:
        yield from _documents(frame)


def _check_document(doc: Document, graph_page: bool) -> None:
    """No name broke out: only the page's own scripts, no handler attribute, no image,
    no comment opener, no raw line separator in a script, the JSON parses."""
    for name in HOSTILE:
        if any(c in name for c in SPECIAL):
            assert name not in doc.raw
    assert "<!--" not in doc.raw
    handlers = [(tag, a) for tag, attrs in doc.tags for a in attrs if a.lower().startswith("on")]
    assert handlers == []
    assert [tag for tag, _ in doc.tags if tag in ("img", "a", "object", "embed")] == [
        tag for tag, attrs in doc.tags if tag == "a" and attrs.get("href", "").startswith("#")
    ]
    kinds = [a.get("type", "js") for a, _ in doc.scripts]
    assert kinds == (["application/json", "js", "js"] if graph_page else [])
    for _, body in doc.scripts:
        assert "\u2028" not in body and "\u2029" not in body
    assert len(doc.data()) == (1 if graph_page else 0)


def test_graph_pages_escape_every_name(outputs):
    lang, out, table, net = outputs
    for name in PAGES:
        doc = Document((out / name).read_text(encoding="utf-8"))
        _check_document(doc, graph_page=True)
        assert doc.frames == []
        (data,) = doc.data()
        labels = data["nodes"]["label"]
        if name.startswith("sectors"):
            assert labels == HOSTILE  # the names round-trip, character for character
            assert data["nodes"]["id"] == HOSTILE
            assert HOSTILE[0] in doc.text  # the title of sectors_L, the table name
        elif name == "network.html":
            assert labels[: net.n_firms] == HOSTILE[::-1]
            assert data["nodes"]["id"][: net.n_firms] == firm_ids()
            assert {HOSTILE[6], HOSTILE[7], HOSTILE[10]} <= set(labels)
            assert {HOSTILE[8], HOSTILE[4]} <= strings(data)  # the sentra filter
        else:
            assert HOSTILE[1] in doc.text  # the subtitle given
            assert {HOSTILE[8], HOSTILE[4]} <= set(labels) | strings(data)
            # right-to-left text cannot move the count next to it in the picture's legend
            assert f"\u2068{HOSTILE[8]}\u2069 (" in doc.text
        if name == "sectors.html":  # the table's name inside the subtitle sentence
            assert f"\u2068{HOSTILE[0]}\u2069: " in doc.text
        # the print picture writes the names as SVG text
        shown = [lab for lab in labels if lab in doc.text]
        assert len(shown) == len(labels), set(labels) - set(shown)


def test_report_escapes_every_name(outputs):
    lang, out, table, net = outputs
    report = Document((out / "report.html").read_text(encoding="utf-8"))
    docs = list(_documents(report))
    assert len(docs) == 3  # the report and its two frames
    _check_document(report, graph_page=False)
    for frame in report.frames:
        _check_document(frame, graph_page=True)
    sector_frame, network_frame = (f.data()[0] for f in report.frames)
    assert sector_frame["nodes"]["label"] == HOSTILE
    assert network_frame["nodes"]["label"][: net.n_firms] == HOSTILE[::-1]
    text = report.text
    for name in HOSTILE:  # the linkage table, the firms, the sentra, title and sources
        assert name in text, name
    assert HOSTILE[1] + ".csv" in text and HOSTILE[2] + ".xlsx" in text
    assert f"\u2068{HOSTILE[0]}\u2069" in text and f": \u2068{HOSTILE[1]}.csv\u2069" in text


def test_key_sector_chart_shows_dollar_names_as_text(outputs):
    lang, out, table, net = outputs
    svg = (out / "key_sectors.svg").read_text(encoding="utf-8")
    doc = Document(svg)
    assert HOSTILE[3] in doc.text  # written as the name, not as mathtext
    assert "\u03b1" not in doc.text  # no alpha drawn
    assert not [tag for tag, _ in doc.tags if tag in ("script", "img", "a", "foreignobject")]
    handlers = [(tag, a) for tag, attrs in doc.tags for a in attrs if a.lower().startswith("on")]
    assert handlers == []
    assert HOSTILE[0][:26] + "..." in doc.text  # the names, truncated on the chart


def test_pyvis_export_titles_with_links_are_escaped(tmp_path):
    pytest.importorskip("pyvis")
    from linkage.viz import to_pyvis

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pv = to_pyvis(hostile_network())
    path = tmp_path / "pyvis.html"
    pv.write_html(str(path))
    doc = Document(path.read_text(encoding="utf-8"))
    handlers = [(tag, a) for tag, attrs in doc.tags for a in attrs if a.lower().startswith("on")]
    assert handlers == []
    assert "<img src=y" not in doc.raw and "</script><script>window" not in doc.raw
    titles = [n["title"] for n in pv.nodes]
    # pyvis shows every title as HTML once one holds "href": they are escaped then
    assert all("<img" not in t for t in titles)
    assert any(t.startswith(html.escape(HOSTILE[1])) for t in titles)


# ------------------------------------------------------------------------- in Chromium
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    def missing(reason):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: the browser test must run)")
        pytest.skip(reason)

    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright Python package is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _open(browser, path):
    """A page at ``path`` (outside requests blocked) and the dialogs it opens."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    dialogs = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())

    def dialog(d):
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(Path(path).resolve().as_uri())
    return page, dialogs


def _nothing_ran(page, dialogs) -> None:
    page.wait_for_timeout(200)  # an onerror of a broken image would have fired by now
    assert [f.evaluate("typeof window.__pwned") for f in page.frames] == ["undefined"] * len(
        page.frames
    )
    assert dialogs == []
    for f in page.frames:
        assert f.evaluate("document.querySelectorAll('img').length") == 0


def _fits(page) -> None:
    """A name of 400 letters without a space wraps: the page never scrolls sideways and
    the search list and legend stay inside their boxes."""
    page.fill("#search", "WWW") if page.locator("#search").count() else None
    widths = page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll('#matches, #legend')]
                 .map(e => e.scrollWidth - e.clientWidth)"""
    )
    assert widths == [0] * len(widths)


def _found(target, name) -> list:
    """The names the page's search lists for the first characters of ``name``."""
    target.fill("#search", name[:15])
    target.wait_for_selector("#matches button")
    return target.evaluate(
        "Array.from(document.querySelectorAll('#matches button')).map(b => b.textContent)"
    )


def _hover_first_node(page) -> str:
    x, y = page.evaluate(
        """() => { const n = linkageGraph.network; const p = n.canvasToDOM(n.getPosition(0));
                   const r = document.getElementById('graph').getBoundingClientRect();
                   return [r.left + p.x, r.top + p.y]; }"""
    )
    page.mouse.move(x, y)
    page.wait_for_selector("#tooltip:not([hidden])", timeout=5000)
    text = page.evaluate("document.getElementById('tooltip').textContent")
    page.mouse.click(x, y)
    page.wait_for_function("linkageGraph.network.getSelectedNodes().length === 1")
    return text + page.evaluate("document.getElementById('details').textContent")


@pytest.mark.browser
def test_pages_run_no_hostile_script_in_chromium(browser, outputs):
    lang, out, table, net = outputs
    for name in PAGES:
        page, dialogs = _open(browser, out / name)
        page.wait_for_function("window.linkageGraph && window.linkageGraph.ready", timeout=60_000)
        labels = page.evaluate("linkageGraph.data.nodes.label")
        assert labels[0] in _hover_first_node(page)
        for label in labels:
            assert label in _found(page, label)
        if name == "sectors_L.html":
            assert HOSTILE[0] in page.evaluate("document.body.innerText")  # the title
        if name == "network_groups.html":  # the count stays outside right-to-left text
            legend = page.evaluate(
                "Array.from(document.querySelectorAll('#legend .row span')).map(s => s.textContent)"
            )
            assert any(row.startswith(f"\u2068{HOSTILE[8]}\u2069 (") for row in legend)
        _fits(page)
        assert page.evaluate("document.querySelectorAll('script').length") == 3
        _nothing_ran(page, dialogs)
        page.close()


@pytest.mark.browser
def test_report_runs_no_hostile_script_in_chromium(browser, outputs):
    lang, out, table, net = outputs
    page, dialogs = _open(browser, out / "report.html")
    frames = page.locator("iframe.graph")
    assert frames.count() == 2
    for i in range(2):
        frames.nth(i).scroll_into_view_if_needed()
        inner = frames.nth(i).element_handle().content_frame()
        inner.wait_for_function("window.linkageGraph && window.linkageGraph.ready", timeout=60_000)
        for label in inner.evaluate("linkageGraph.data.nodes.label")[:4]:
            assert label in _found(inner, label)
    text = page.evaluate("document.body.textContent")
    for name in HOSTILE:
        assert name in text
    assert page.evaluate("document.title") == HOSTILE[11]
    _fits(page)
    _nothing_ran(page, dialogs)
    page.close()


@pytest.mark.browser
def test_pyvis_export_runs_no_hostile_script_in_chromium(browser, tmp_path):
    pytest.importorskip("pyvis")
    from linkage.viz import to_pyvis

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pv = to_pyvis(hostile_network())
    path = tmp_path / "pyvis.html"
    pv.write_html(str(path))
    page, dialogs = _open(browser, path)
    page.wait_for_function("typeof network !== 'undefined'", timeout=30_000)
    labels = {n["id"]: n["label"] for n in pv.nodes}
    for node in (pv.nodes[1]["id"], pv.nodes[0]["id"]):  # an <img onerror>, a </script>
        x, y, hit = page.evaluate(
            """(id) => { network.moveTo({position: network.getPosition(id), scale: 4});
                         const p = network.canvasToDOM(network.getPosition(id));
                         const c = document.querySelector('#mynetwork canvas');
                         const r = c.getBoundingClientRect();
                         return [r.left + p.x, r.top + p.y, network.getNodeAt(p)]; }""",
            node,
        )
        page.mouse.move(x, y)
        assert hit == node
        # the popup shows the name of the node under the pointer, as text
        page.wait_for_function(
            """(name) => { const p = document.querySelector('div.popup');
                           return p && p.offsetParent && p.textContent.startsWith(name); }""",
            arg=labels[node],
            timeout=5000,
        )
    _nothing_ran(page, dialogs)
    page.close()
