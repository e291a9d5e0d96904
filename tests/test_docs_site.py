"""The documentation site (mkdocs.yml) covers every page, command, option and public name.

These checks read the site's sources without building it (the strict build runs in
.ci/run): the nav of mkdocs.yml against the files in docs/, the generated CLI reference
(docs/cli_reference.py) against the click commands of ``linkage.cli._COMMANDS``, and the
generated API reference pages (docs/site_pages.py) against ``linkage._API``.
"""

from __future__ import annotations

import importlib.util
import sys
from importlib import import_module
from pathlib import Path

import click
import pytest

import linkage
from linkage.cli import _COMMANDS

yaml = pytest.importorskip("yaml")  # PyYAML comes with mkdocs (the docs extra)

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _docs_module(name: str):
    """A helper script of the site (docs/<name>.py), imported as the build imports it."""
    if name == "site_pages":
        _docs_module("griffe_rst")  # which it imports
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _nav_pages(entry) -> list[str]:
    if isinstance(entry, str):
        return [entry] if entry.endswith(".md") else []
    if isinstance(entry, dict):
        return [page for value in entry.values() for page in _nav_pages(value)]
    if isinstance(entry, list):
        return [page for item in entry for page in _nav_pages(item)]
    return []


@pytest.fixture(scope="module")
def config() -> dict:
    # mkdocs.yml has no python tags, so the safe loader reads it
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reference_pages() -> dict[str, str]:
    pytest.importorskip("griffe")
    return _docs_module("site_pages").reference_pages()


def test_every_docs_page_is_in_the_nav(config):
    nav = set(_nav_pages(config["nav"]))
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    missing = [page for page in pages if page not in nav]
    assert not missing, (
        f"docs/{', docs/'.join(missing)} not in the nav of mkdocs.yml: add "
        f"'- <Title>: {missing[0]}' under 'Methodology' (or where it belongs), "
        "or the site build skips the page"
    )


def test_every_nav_entry_is_a_page(config, reference_pages):
    """A nav entry names a file in docs/ or a page generated at build time."""
    nav = _nav_pages(config["nav"])
    generated = {*reference_pages, "cli.md"}
    unknown = [p for p in nav if not (DOCS / p).is_file() and p not in generated]
    assert unknown == []
    assert set(reference_pages) <= set(nav), "a generated reference page is not in the nav"


def test_cli_reference_documents_every_command_and_option():
    """Each command of ``_COMMANDS``, imported from its module (not through the lazy group),
    has its section, its usage line and every visible option in the generated page."""
    page = _docs_module("cli_reference").cli_page()
    assert "<code>--version</code>" in page
    missing = []
    for name, module in sorted(_COMMANDS.items()):
        command = import_module(f"linkage.cli.{module}").command
        heading = f"### linkage {name}\n"
        if heading not in page:
            missing.append(f"command {name}")
            continue
        section = page.split(heading, 1)[1].split("\n### ", 1)[0]
        if f"Usage: linkage {name} " not in section:
            missing.append(f"{name} usage")
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                names = [*param.opts, *param.secondary_opts]
                missing += [f"{name} {opt}" for opt in names if opt not in section]
            elif isinstance(param, click.Argument) and param.name.upper() not in section:
                missing.append(f"{name} argument {param.name}")
    assert missing == []


def test_cli_reference_escapes_help_text():
    """``<TABLE name>`` in a help text stays text: Markdown would read it as an HTML tag."""
    command = click.Command("x", help="Writes ./out/<TABLE name> and `a|b`.")
    ctx = click.Context(command, info_name="x")
    section = _docs_module("cli_reference").command_section(command, ctx)
    assert "./out/&lt;TABLE name&gt; and <code>a|b</code>." in section
    assert "<TABLE" not in section


def test_api_reference_has_every_public_name(reference_pages):
    site_pages = _docs_module("site_pages")
    index = reference_pages["reference/index.md"]
    missing = []
    for name, package in sorted(linkage._API.items()):
        page = reference_pages.get(f"reference/{package}.md", "")
        target = site_pages.defined_at(package, name)
        if f"::: {target}\n" not in page or f"[`linkage.{name}`][{target}]" not in index:
            missing.append(f"{name} ({package})")
    assert missing == []


def test_the_reference_renders_the_objects_not_modules_of_the_same_name(reference_pages):
    """``linkage.analysis.linkages`` is a function and a module; the page names the function."""
    griffe = pytest.importorskip("griffe")
    package = griffe.load("linkage", search_paths=[str(ROOT)], resolve_aliases=False)
    targets = [
        line.removeprefix("::: ")
        for text in reference_pages.values()
        for line in text.splitlines()
        if line.startswith("::: linkage.")
    ]
    wrong = []
    for target in targets:
        obj = package[target.removeprefix("linkage.")] if target != "linkage" else package
        if obj.is_module and target.count(".") > 1:
            wrong.append(target)
    assert "linkage.analysis.linkages.linkages" in targets
    assert wrong == []


@pytest.mark.parametrize(
    "rst, markdown",
    [
        (":func:`~linkage.analysis.linkages` and :class:`IOTable`", "`linkages` and `IOTable`"),
        ("with :math:`W` the weight", "with `W` the weight"),
        (".. math:: Q = 1", "```latex\nQ = 1\n```\n"),
        ("Text\n\n.. math::\n\n    a = b\n    c = d\n\nmore", "```latex\na = b\nc = d\n```"),
    ],
)
def test_sphinx_markup_becomes_markdown(rst, markdown):
    pytest.importorskip("griffe")
    assert markdown in _docs_module("griffe_rst").rst_to_markdown(rst)
