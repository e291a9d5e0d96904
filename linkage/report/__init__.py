"""The printable, offline HTML report: sections that render results, never compute them."""

from .format import frame_html
from .html import report_html

__all__ = ["report_html", "frame_html"]
