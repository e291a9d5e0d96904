"""The bad-input corpus (tests/corpus/, issue 17 item 6) run through the command line.

Every row of ``tests/corpus/cases.csv`` is one failure class: a command line on the small
files beside it, the exit code, and what stderr must say. A failing case must print
exactly one line on stderr, ``error: ...`` (``Error: ...`` from click for a usage error,
after click's usage lines), naming the file and containing every fragment (row and column
where the class has them); a case that runs must print exactly the expected number of
``warning:`` lines, containing the fragments. No case may print a traceback.
"""

import csv
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from linkage.cli import main

CORPUS = Path(__file__).resolve().parent / "corpus"


def _cases():
    with open(CORPUS / "cases.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


CASES = _cases()


def _fragments(case) -> list[str]:
    return [f for f in case["fragments"].split("|") if f]


def test_corpus_is_complete():
    """At least 40 classes, unique ids, and every corpus file named in a command exists."""
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)
    used = set()
    for case in CASES:
        used.update(w for w in shlex.split(case["command"]) if (CORPUS / w).is_file())
    data = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx")}
    sidecars = {name for name in data if name.endswith(".sectors.csv")}  # beside a table
    unused = data - used - sidecars - {"cases.csv"}
    assert not unused, f"corpus files no case runs: {sorted(unused)}"


def _run(case, tmp_path, monkeypatch):
    monkeypatch.chdir(CORPUS)
    args = [*shlex.split(case["command"]), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{case['id']}: uncaught {result.exception!r}") from (result.exception)
    return result


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_case(case, tmp_path, monkeypatch):
    result = _run(case, tmp_path, monkeypatch)
    stderr, stdout = result.stderr, result.stdout
    assert "Traceback" not in stderr + stdout
    assert result.exit_code == int(case["exit"]), (stdout, stderr)
    lines = stderr.strip().splitlines()
    if result.exit_code == 2:  # click's usage error: usage lines, then one "Error:" line
        errors = [line for line in lines if line.startswith("Error:")]
        assert len(errors) == 1 and lines[-1] == errors[0], stderr
        message = errors[0]
    elif result.exit_code:
        assert len(lines) == 1, stderr
        message = lines[0]
        assert message.startswith("error: "), message
        if case["names"]:
            assert case["names"] in message, message
    else:
        assert not any(line.startswith(("error", "Error")) for line in lines), stderr
        warned = [line for line in lines if line.startswith("warning: ")]
        assert len(warned) == int(case["warnings"]), stderr
        message = "\n".join(warned)
    for fragment in _fragments(case):
        assert fragment in message, (fragment, message)
    if case["stdout"]:
        assert case["stdout"] in stdout, stdout
