"""The report and the pages in Bahasa Indonesia and English (issue 18 item 2).

The two catalogues must hold the same keys with the same ``{fields}``; the demo report in
Indonesian must have no English sentence left in what people see (the visible text of the
report, of its frames, of the pages, of the pictures and of the texts the page script
shows), apart from names from the data and the readers' own messages, which are marked
``lang="en"``; numbers are written ``1.234,5``.
"""

from __future__ import annotations

import html
import json
import re
import string

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from linkage.cli._lang import lang_option, pdf_option
from linkage.io import load_example_network, load_example_table
from linkage.pipeline import sector_html, write_outputs, write_report
from linkage.report import frame_html
from linkage.viz.i18n import LANGS, messages, number, percent, t

pytestmark = pytest.mark.filterwarnings("ignore::linkage.errors.LinkageWarning")

#: English words that never occur in an Indonesian sentence of the report (function words
#: and the report's own vocabulary); "total", "output", "input", "info" and "per" are
#: Indonesian too.
ENGLISH = set(
    """the of and to from with is are for by this that which their its each only more than has
    have not what how who when where there these those be been was were will can all one
    them they it as at an or if into over under any other
    sector sectors firm firms linkage linkages multiplier multipliers buyer buyers supplier
    suppliers sales sale purchases middleman middlemen outside key backward forward weak
    active passive community communities cooperation share trade page picture report read
    show showing find legend shapes lines colour border shown figures drawing circle circles
    arrow arrows largest bigger average strong value values type class income employment
    added words survey surveyed parties party ties links link hover click scroll zoom""".split()
)


def _fields(text):
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _catalogue_problems(en: dict, idn: dict) -> list[str]:
    """Keys in one catalogue only, and keys whose ``{fields}`` differ or are empty."""
    problems = [f"only in en: {k}" for k in sorted(set(en) - set(idn))]
    problems += [f"only in id: {k}" for k in sorted(set(idn) - set(en))]
    for key in sorted(set(en) & set(idn)):
        if _fields(en[key]) != _fields(idn[key]):
            problems.append(f"fields differ: {key}")
        if not en[key].strip() or not idn[key].strip():
            problems.append(f"empty: {key}")
    return problems


def test_catalogues_have_the_same_keys_and_fields():
    assert not _catalogue_problems(messages("en"), messages("id"))
    assert len(messages("en")) > 250


def test_a_key_missing_in_either_catalogue_is_found():
    en, idn = messages("en"), messages("id")
    idn.pop("summary.title")
    assert _catalogue_problems(en, idn) == ["only in id: summary.title".replace("id", "en", 1)]
    en2, idn2 = messages("en"), messages("id")
    en2.pop("glossary.title")
    idn2["read.table_line"] = idn2["read.table_line"].replace("{total}", "")
    assert _catalogue_problems(en2, idn2) == [
        "only in id: glossary.title",
        "fields differ: read.table_line",
    ]


def test_unknown_language_is_a_one_line_error(tmp_path):
    table = load_example_table()
    for call in (
        lambda: write_report(tmp_path / "r.html", table=table, lang="fr"),
        lambda: sector_html(table, lang="EN"),
        lambda: write_outputs(tmp_path, table=table, lang="de"),
    ):
        with pytest.raises(ValueError, match=r"^Unknown language '\w+': choose one of en, id\.$"):
            call()
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("value", "decimals", "en", "idn"),
    [
        (1234.5, 1, "1,234.5", "1.234,5"),
        (1234567, 0, "1,234,567", "1.234.567"),
        (-0.125, 3, "-0.125", "-0,125"),
        (40_200_000.0, 0, "40,200,000", "40.200.000"),
    ],
)
def test_numbers_for_people(value, decimals, en, idn):
    assert number(value, "en", decimals) == en
    assert number(value, "id", decimals) == idn


def test_table_cells_headers_and_classes_in_indonesian():
    frame = pd.DataFrame(
        {"key_sector": ["key"], "output_multiplier": [1.23456], "internal_share": [0.4251]},
        index=pd.Index(["batik"], name="sector"),
    )
    idn = frame_html(frame, kinds={"internal_share": "share"}, lang="id")
    assert "<th>pengganda output</th>" in idn and '<th class="t">sektor</th>' in idn
    assert "<td>1,235</td>" in idn and "<td>42,5%</td>" in idn
    assert '<td class="t">kunci</td>' in idn and '<td class="t">batik</td>' in idn
    en = frame_html(frame, kinds={"internal_share": "share"})
    assert "<th>output multiplier</th>" in en and "<td>1.235</td>" in en
    assert "<td>42.5%</td>" in en and '<td class="t">key</td>' in en
    assert percent(0.5, "id") == "50%"


def test_lang_option_on_a_command():
    @click.command()
    @lang_option
    @pdf_option
    def cmd(lang, pdf):
        click.echo(f"{lang} {pdf}")

    runner = CliRunner()
    assert runner.invoke(cmd, []).output.strip() == "en False"
    assert runner.invoke(cmd, ["--lang", "id", "--pdf"]).output.strip() == "id True"
    bad = runner.invoke(cmd, ["--lang", "fr"])
    assert bad.exit_code == 2 and "'en', 'id'" in bad.output


# ------------------------------------------------------------------------- the demo report
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's outputs in both languages (what `linkage demo --lang` writes)."""
    table, network = load_example_table(), load_example_network()
    out = {}
    for lang in LANGS:
        folder = tmp_path_factory.mktemp(f"demo-{lang}")
        write_outputs(
            folder,
            table=table,
            network=network,
            sources={t("source.table", lang): "example_table.csv"},
            title=t("demo.title", lang),
            lang=lang,
        )
        out[lang] = folder
    return table, network, out


def _page_texts(page: str) -> list[str]:
    """The texts of a graph page's data that its script puts on the screen."""
    m = re.search(r'<script type="application/json" id="linkage-data">(.*?)</script>', page, re.S)
    data = json.loads(m.group(1))
    # the {fields} of the script's texts are filled in by the script with numbers
    texts = [re.sub(r"\{[a-z_]+\}", " ", v) for v in data["text"].values()]
    texts += [data["colors"]["title"], data.get("border_title", "")]
    texts += [i["label"] for i in data["colors"]["items"]]
    for part, keys in (
        ("shapes", ("label",)),
        ("borders", ("label",)),
        ("tooltip", ("label",)),
        ("toggles", ("label",)),
        ("filters", ("label",)),
        ("edge_types", ("label", "from_label", "to_label", "value_label")),
    ):
        texts += [row[k] for row in data[part] for k in keys if row.get(k)]
    texts += [o for f in data["filters"] for o in f["options"]]
    texts += [data.get("notice") or "", data.get("size_note", ""), data.get("legend_note", "")]
    texts += [data["item"], data["counts"]["node_noun"], data.get("edge_meaning", "")]
    for key in ("kind", "class", "activity", "linkage_class", "size_class"):
        texts += [str(v) for v in data["nodes"]["values"].get(key, []) if v]
    return texts


def _visible(text: str) -> str:
    """What a reader sees: the text of the page and of its frames and pictures, and the
    texts its script shows; without code, scripts, styles and parts marked lang="en"."""
    frames = [html.unescape(m) for m in re.findall(r'srcdoc="([^"]*)"', text)]
    parts = []
    for page in [re.sub(r'srcdoc="[^"]*"', "", text), *frames]:
        if 'id="linkage-data"' in page:
            parts += _page_texts(page)
        page = re.sub(r"(?s)<(script|style|code)\b.*?</\1>", " ", page)
        page = re.sub(r'(?s)<span lang="en">.*?</span>', " ", page)
        page = re.sub(r"<[^>]+>", " ", page)
        parts.append(html.unescape(page))
    return " ".join(" ".join(parts).split())


def _data_names(table, network) -> list[str]:
    """Names that come from the data (sectors, firms, parties, sentra), longest first."""
    names = [str(s) for s in table.sectors] + [str(table.name)]
    for frame in (network.firms, network.parties):
        for col in ("name", "sentra", "sector"):
            if col in frame:
                names += frame[col].dropna().astype(str).tolist()
    names += [str(v) for v in network.nodes]
    names += [n[:26] + "..." for n in names if len(n) > 28]  # as the chart shortens them
    return sorted({n for n in names if n.strip()}, key=len, reverse=True)


def _english_left(text: str, names: list[str]) -> list[str]:
    for name in names:
        text = text.replace(name, " ")
    words = re.findall(r"[A-Za-z][A-Za-z0-9_./'-]*", text)
    plain = [w for w in words if w.isalpha() and not w.isupper() and len(w) > 1]
    return sorted({w for w in plain if w.lower() in ENGLISH})


def test_indonesian_demo_has_no_english_sentence_left(demo):
    table, network, out = demo
    names = _data_names(table, network)
    en, idn = messages("en"), messages("id")
    english_sentences = [
        re.sub(r"<[^>]+>|\{[a-z_]+\}", " ", v).split(". ")[0].strip()
        for k, v in en.items()
        if v != idn[k] and len(v.split()) >= 4
    ]
    for name in ("report.html", "sectors.html", "network.html"):
        text = (out["id"] / name).read_text(encoding="utf-8")
        assert '<html lang="id">' in text
        seen = _visible(text)
        left = [s for s in english_sentences if len(s) > 20 and " ".join(s.split()) in seen]
        assert not left, f"{name}: English sentences {left[:3]}"
        words = _english_left(seen, names)
        assert not words, f"{name}: English words left: {words}"
    svg = (out["id"] / "key_sectors.svg").read_text(encoding="utf-8")
    chart = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg)) or _visible(svg)
    assert not _english_left(_visible(svg), names), chart
    assert "KUNCI" in svg and "Keterkaitan ke belakang" in svg


def test_the_scan_finds_english(demo):
    """The same scan on the English report finds English words and sentences."""
    table, network, out = demo
    seen = _visible((out["en"] / "report.html").read_text(encoding="utf-8"))
    assert {"the", "sector", "multipliers"} <= set(_english_left(seen, _data_names(table, network)))


def test_the_frames_and_numbers_follow_the_language(demo):
    table, _, out = demo
    text = (out["id"] / "report.html").read_text(encoding="utf-8")
    frames = [html.unescape(m) for m in re.findall(r'srcdoc="([^"]*)"', text)]
    assert len(frames) == 2 and all('<html lang="id">' in f for f in frames)
    assert all('"locale":"id-ID"' in f for f in frames)
    total = float(table.x.sum())
    assert f"total output {number(total, 'id')}." in text
    assert "Sektor kunci dan keterkaitan" in text and "Istilah dalam laporan ini" in text
    english = (out["en"] / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and f"total output {total:,.0f}." in english


def test_english_pages_keep_their_texts(demo):
    """The English pages say what they said before the catalogues (spot checks)."""
    _, network, out = demo
    page = (out["en"] / "network.html").read_text(encoding="utf-8")
    for text in (
        "Find a firm",
        "Fit to screen",
        "Middleman (pengepul) outside the survey",
        "Border: activity of the firm&#x27;s sentra",
    ):
        assert text in page or text.replace("&#x27;", "'") in page
