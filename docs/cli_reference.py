"""The command-line reference page, from click's own description of every command.

The ``linkage`` group loads its commands lazily (``linkage.cli._LazyGroup``); this page
asks the group for them, as ``linkage --help`` does, so a new command in ``_COMMANDS``
appears without an edit here. Each command's help, usage line and options are click's
(``Command.get_usage``, ``Parameter.get_help_record``: the same text and defaults as
``linkage COMMAND --help``), escaped as HTML: help texts hold ``<TABLE name>`` and
``intermediary|supplier|buyer``, which Markdown would read as a tag or a table cell.

>>> page = cli_page()
>>> "## linkage analyze" in page and "--solver" in page
True
"""

from __future__ import annotations

import html
import inspect
import re

import click

from linkage.cli import main

#: `code` in a help text (already HTML-escaped)
CODE = re.compile(r"`([^`]+)`")


def _paragraphs(text: str) -> list[str]:
    """Click's help text as HTML paragraphs (``\\b`` keeps a block's line breaks)."""
    out = []
    for block in inspect.cleandoc(text or "").split("\n\n"):
        if not block.strip():
            continue
        if block.lstrip().startswith("\b"):
            lines = block.lstrip()[1:].strip("\n")
            out.append(f"<pre>{html.escape(lines)}</pre>")
        else:
            para = CODE.sub(r"<code>\1</code>", html.escape(" ".join(block.split())))
            out.append(f"<p>{para}</p>")
    return out


def _options_table(command: click.Command, ctx: click.Context) -> list[str]:
    rows = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:  # an argument, or a hidden option
            continue
        names, help_text = record
        rows.append(
            f"<tr><td><code>{html.escape(names)}</code></td><td>{html.escape(help_text)}</td></tr>"
        )
    if not rows:
        return []
    head = "<tr><th>Option</th><th>Description</th></tr>"
    return ["<table>", f"<thead>{head}</thead>", "<tbody>", *rows, "</tbody>", "</table>"]


def command_section(command: click.Command, ctx: click.Context, level: int = 2) -> str:
    """One command: its heading, help, usage line and options."""
    title = ctx.command_path
    lines = [f"{'#' * level} {title}", ""]
    lines += _paragraphs(command.help) + [""]
    lines += ["```text", command.get_usage(ctx), "```", ""]
    lines += _options_table(command, ctx) + [""]
    return "\n".join(lines)


def cli_page() -> str:
    """``cli.md``: the group, then every command in the order of ``linkage --help``."""
    root = click.Context(main, info_name="linkage")
    lines = [
        "# Command line",
        "",
        "Generated from the click definitions when the site is built: the same text as",
        "`linkage --help` and `linkage COMMAND --help`. Bad input ends with one line naming",
        "the file, row, column and value, and a non-zero exit, never a traceback.",
        "",
        command_section(main, root),
    ]
    for name in main.list_commands(root):
        command = main.get_command(root, name)
        lines.append(
            command_section(command, click.Context(command, info_name=name, parent=root), 3)
        )
    return "\n".join(lines)
