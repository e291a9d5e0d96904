"""The generated pages of the docs site: the API reference, from each subpackage's ``__all__``.

``gen_pages.py`` writes these pages at build time (mkdocs-gen-files);
``tests/test_docs_site.py`` reads the same text without building the site. Each public
name is rendered from where it is defined (``linkage.analysis.linkages.linkages``), since
a subpackage's function can share its name with a module of it (``linkages``), which
would hide the function from mkdocstrings' rendering of the subpackage.

>>> pages = reference_pages()
>>> "::: linkage.core.table.IOTable" in pages["reference/core.md"]
True
"""

from __future__ import annotations

import inspect
from importlib import import_module

from griffe_rst import rst_to_markdown

import linkage

#: the subpackages of the API reference, in the order of the layers, bottom first
SUBPACKAGES = ("core", "io", "analysis", "network", "viz", "report", "pipeline")


def defined_at(package: str, name: str) -> str:
    """The dotted path where ``linkage.<package>.<name>`` is defined (for mkdocstrings)."""
    obj = getattr(import_module(f"linkage.{package}"), name)
    module = getattr(obj, "__module__", None) or ""
    qualname = getattr(obj, "__qualname__", None)
    if (inspect.isclass(obj) or inspect.isfunction(obj)) and module.startswith("linkage."):
        return f"{module}.{qualname}"
    return f"linkage.{package}.{name}"


def _summary(package: str, name: str) -> str:
    doc = inspect.getdoc(getattr(import_module(f"linkage.{package}"), name)) or ""
    line = doc.strip().split("\n\n", 1)[0].replace("\n", " ")
    return rst_to_markdown(line).replace("|", "\\|")


def package_page(package: str) -> str:
    """``reference/<package>.md``: the subpackage's docstring, then each name of its ``__all__``."""
    names = import_module(f"linkage.{package}").__all__
    lines = [
        f"# `linkage.{package}`",
        "",
        f"::: linkage.{package}",
        "    options:",
        "      members: false",
        "      show_root_heading: false",
        "      show_root_toc_entry: false",
        "",
    ]
    for name in names:
        lines += [f"::: {defined_at(package, name)}", "    options:", "      heading_level: 2", ""]
    return "\n".join(lines)


def index_page() -> str:
    """``reference/index.md``: every name of ``linkage._API``, linked to its entry."""
    lines = [
        "# API reference",
        "",
        "`import linkage` gives the names below (loaded lazily, on first use); each is",
        "documented on the page of the subpackage that defines it. The layers, bottom first:",
        "`core` < `io`, `analysis`, `network` < `viz`, `report` < `pipeline` < `cli`",
        "([architecture](../architecture.md)).",
        "",
        "| name | from | what it does |",
        "|---|---|---|",
    ]
    for name in sorted(linkage._API, key=str.lower):
        package = linkage._API[name]
        target = defined_at(package, name)
        summary = _summary(package, name)
        lines.append(f"| [`linkage.{name}`][{target}] | `linkage.{package}` | {summary} |")
    return "\n".join(lines) + "\n"


def reference_pages() -> dict[str, str]:
    """Every generated reference page, path under ``docs/`` -> Markdown."""
    pages = {"reference/index.md": index_page()}
    for package in SUBPACKAGES:
        pages[f"reference/{package}.md"] = package_page(package)
    return pages
