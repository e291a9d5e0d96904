"""One self-contained HTML report of the results of a table and/or a sentra survey."""

from .html import frame_html, report_html, write_outputs, write_report

__all__ = ["write_report", "write_outputs", "report_html", "frame_html"]
