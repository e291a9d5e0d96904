"""mkdocs-gen-files script: writes the API reference pages (``site_pages.py``) and the
command-line reference (``cli_reference.py``)."""

import sys
from pathlib import Path

import mkdocs_gen_files

sys.path.insert(0, str(Path(__file__).parent))

from cli_reference import cli_page  # noqa: E402
from site_pages import reference_pages  # noqa: E402

for path, text in {**reference_pages(), "cli.md": cli_page()}.items():
    with mkdocs_gen_files.open(path, "w") as page:
        page.write(text)
