"""A griffe extension for the docs site: Sphinx markup in the numpydoc docstrings as Markdown.

The docstrings follow numpydoc, whose cross-references (``:func:`linkages```) and maths
(``.. math::``) are reStructuredText that mkdocstrings shows verbatim. Before rendering,
this extension turns a role into inline code of its target (``~`` keeps the last
component, as Sphinx does) and a ``math`` directive into a fenced block of its LaTeX. The
docstrings themselves are not changed.

>>> rst_to_markdown("See :func:`~linkage.analysis.linkages` and :math:`x_j`.")
'See `linkages` and `x_j`.'
"""

from __future__ import annotations

import re

import griffe

ROLE = re.compile(r":(?:py:)?(?:func|class|meth|attr|mod|data|obj|exc|const|math):`([^`]+)`")
MATH = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<rest>.*)$")


def _role(match: re.Match) -> str:
    target = match.group(1)
    if target.startswith("~"):
        target = target[1:].rsplit(".", 1)[-1]
    return f"`{target}`"


def _math_blocks(lines: list[str]) -> list[str]:
    out, i = [], 0
    while i < len(lines):
        match = MATH.match(lines[i])
        if match is None:
            out.append(lines[i])
            i += 1
            continue
        indent, body = match["indent"], [match["rest"]] if match["rest"] else []
        i += 1
        while i < len(lines) and (not lines[i].strip() or _deeper(lines[i], indent)):
            body.append(lines[i].strip())
            i += 1
        formula = "\n".join(f"{indent}{line}" for line in _trim(body))
        out.extend([f"{indent}```latex", formula, f"{indent}```", ""])
    return out


def _deeper(line: str, indent: str) -> bool:
    return len(line) - len(line.lstrip()) > len(indent)


def _trim(body: list[str]) -> list[str]:
    while body and not body[0]:
        body.pop(0)
    while body and not body[-1]:
        body.pop()
    return body


def rst_to_markdown(text: str) -> str:
    """Sphinx roles and ``math`` directives of a docstring as Markdown."""
    return ROLE.sub(_role, "\n".join(_math_blocks(text.splitlines())))


class SphinxMarkup(griffe.Extension):
    """Rewrites each docstring's Sphinx markup before mkdocstrings parses it."""

    def on_object(self, *, obj, loader, **kwargs) -> None:  # noqa: ARG002
        if obj.docstring is not None:
            obj.docstring.value = rst_to_markdown(obj.docstring.value)
