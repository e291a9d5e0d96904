"""Progress of long steps: shown on a terminal, never in pipes, logs or with --quiet."""

from click.testing import CliRunner

import linkage.cli._progress as progress
from linkage.cli import main
from linkage.cli._progress import Steps
from linkage.io import data_path


def test_steps_report_what_ran_and_for_how_long_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(progress, "SHOWN_AFTER", 0.0)
    steps = Steps(enabled=True)
    with steps("reading the table"):
        pass
    steps.callback("solving")
    steps.close()
    err = capsys.readouterr().err
    assert "reading the table:" in err and "solving:" in err and " s" in err


def test_steps_are_silent_when_disabled_or_quiet(monkeypatch, capsys):
    monkeypatch.setattr(progress, "SHOWN_AFTER", 0.0)
    for steps in (Steps(enabled=False), Steps(quiet=True)):
        with steps("reading"):
            pass
        steps.close()
    assert capsys.readouterr().err == ""


def test_commands_take_quiet_and_print_no_progress_into_a_pipe(tmp_path):
    table = data_path("example_table.csv")
    result = CliRunner().invoke(main, ["analyze", str(table), "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    plain = CliRunner().invoke(main, ["analyze", str(table), "--out", str(tmp_path), "--force"])
    assert plain.exit_code == 0 and "analyzing" not in plain.output  # not a terminal
