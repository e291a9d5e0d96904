"""Options of the commands that write the report and pages: ``--lang`` and ``--pdf``.

``--lang en|id`` picks the language of the report, the pages and the key-sector chart
(English or Bahasa Indonesia; the result tables are the same in both);
``--pdf`` also prints ``report.pdf`` with headless Chromium. The pipeline functions take
them as ``lang=`` and ``pdf=`` (:func:`linkage.pipeline.write_outputs`).
"""

from __future__ import annotations

import click

from ..viz.i18n import LANGS

__all__ = ["lang_option", "pdf_option"]


def lang_option(command):
    """``--lang [en|id]`` (default en), passed to the command as ``lang``."""
    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        default="en",
        show_default=True,
        help="Language of the report and pages: en (English) or id (Bahasa Indonesia). "
        "The result tables are the same in both.",
    )(command)


def pdf_option(command):
    """``--pdf``: also write report.pdf with headless Chromium, passed as ``pdf``."""
    return click.option(
        "--pdf",
        is_flag=True,
        help="Also print the report to report.pdf with headless Chromium (a one-line "
        "message when Chromium is not installed).",
    )(command)
