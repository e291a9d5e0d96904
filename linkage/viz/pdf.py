"""Print an HTML file to PDF with headless Chromium: :func:`print_pdf`.

The report and the pages carry a print stylesheet (every interactive drawing replaced by
its static picture, tables wrapped so that no column is lost, a page break before each
section); printing is Chromium's own ``--headless --print-to-pdf``, run as a program, so no
Python browser driver is needed. When no Chromium is installed the error says so in one
line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..errors import LinkageError

__all__ = ["find_chromium", "print_pdf", "ChromiumMissingError"]

#: Programs tried in order (after the ``LINKAGE_CHROMIUM`` environment variable).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=10000",
)


class ChromiumMissingError(LinkageError, FileNotFoundError):
    """No Chromium to print with."""


def find_chromium() -> str | None:
    """The Chromium program to print with (``$LINKAGE_CHROMIUM``, then the usual names on
    the PATH, then /usr/bin/chromium), or None.

    Examples
    --------
    >>> path = find_chromium()
    >>> path is None or Path(path).exists()
    True
    """
    given = os.environ.get("LINKAGE_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def print_pdf(html_path, pdf_path=None, *, chromium: str | None = None, timeout: float = 180):
    """Print ``html_path`` to ``pdf_path`` (default: same name, ``.pdf``) and return it.

    Raises
    ------
    ChromiumMissingError
        No Chromium found (one line: what to install).
    LinkageError
        Chromium ran but wrote no PDF (its last error line in the message).
    """
    html_path = Path(html_path).resolve()
    pdf_path = Path(pdf_path) if pdf_path is not None else html_path.with_suffix(".pdf")
    program = chromium or find_chromium()
    if program is None:
        raise ChromiumMissingError(
            f"{pdf_path.name} not written: Chromium is not installed (install the 'chromium' "
            f"package, or set LINKAGE_CHROMIUM to its program); {html_path.name} is written "
            f"and prints from any browser"
        )
    pdf_path = pdf_path.resolve()
    pdf_path.unlink(missing_ok=True)
    command = [program, *_ARGS, f"--print-to-pdf={pdf_path}", html_path.as_uri()]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise LinkageError(f"{pdf_path.name} not written: Chromium took over {timeout} s") from exc
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        last = (done.stderr.strip().splitlines() or ["no error output"])[-1]
        raise LinkageError(
            f"{pdf_path.name} not written: Chromium exited {done.returncode}: {last}"
        )
    return pdf_path
