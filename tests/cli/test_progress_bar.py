"""The counted progress bar opens at its first count, with a known total, after ``before``."""

import pandas as pd
from click.testing import CliRunner

import linkage.cli._progress as progress
import linkage.cli.network as network_cli
from linkage.cli import main
from linkage.cli._progress import Steps, counted
from linkage.io import data_path


class RecordingProgress(progress.Progress):
    """rich's Progress that logs when it starts and the totals it is given."""

    events: list = []

    def start(self):
        self.events.append(("start",))
        super().start()

    def add_task(self, description, total=None, **kwargs):
        self.events.append(("add_task", total))
        return super().add_task(description, total=total, **kwargs)

    def update(self, task_id, *, total=None, **kwargs):
        self.events.append(("update", total))
        super().update(task_id, total=total, **kwargs)


def recording(monkeypatch):
    RecordingProgress.events = []
    monkeypatch.setattr(progress, "Progress", RecordingProgress)
    return RecordingProgress.events


def test_bar_opens_at_the_first_count_after_before(monkeypatch, capsys):
    log = recording(monkeypatch)
    with counted("extracting firms", enabled=True, before=lambda: log.append(("before",))) as bar:
        assert log == []  # nothing is shown while earlier steps run
        assert capsys.readouterr().err == ""
        for done in (2, 4, 5):
            bar(done, 5)
    assert log == [("before",), ("start",), ("add_task", 5), ("update", 5), ("update", 5)]
    assert "5/5" in capsys.readouterr().err


def test_bar_never_counted_shows_nothing(monkeypatch, capsys):
    log = recording(monkeypatch)
    with counted("extracting firms", enabled=True, before=lambda: log.append(("before",))):
        pass
    assert log == [] and capsys.readouterr().err == ""


def test_network_extraction_bar_starts_with_the_extraction(monkeypatch, tmp_path):
    """On a terminal: the metrics step's spinner runs first, the bar then has its total."""
    log = recording(monkeypatch)
    monkeypatch.setattr(progress, "SHOWN_AFTER", 0.0)
    shown = []

    class TerminalSteps(Steps):
        def __init__(self, quiet=False):
            super().__init__(enabled=True)

        def _start(self, name):
            shown.append(name)
            super()._start(name)

        def _finish(self):
            if self._name is not None:
                log.append(("step done", self._name))
            super()._finish()

    monkeypatch.setattr(network_cli, "Steps", TerminalSteps)
    firms, transactions = data_path("sentra", "firms.csv"), data_path("sentra", "transactions.csv")
    out = tmp_path / "o"
    args = ["network", "--firms", str(firms), "--transactions", str(transactions), "--no-html"]
    result = CliRunner().invoke(main, [*args, "--out", str(out), "--extraction"])
    assert result.exit_code == 0, result.output
    n = len(pd.read_csv(out / "firm_extraction.csv"))
    start = log.index(("start",))
    assert log[start - 1][0] == "step done" and log[start - 1][1].startswith("firm metrics")
    assert log[start + 1] == ("add_task", n)  # the first count has the total: never 0/?
    assert all(e[1] == n for e in log[start + 1 :] if e[0] in ("add_task", "update"))
    assert shown[-1].startswith("firm metrics")  # no step is started after the bar
