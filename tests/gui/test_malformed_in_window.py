"""Every file of the malformed corpus, opened in a real lab window: refused, with a dialog that
names the problem, and the session untouched (same experiment, same iteration, still stepping)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt

from gdlab.gui.main_window import MainWindow

CORPUS = Path(__file__).resolve().parents[1] / "data" / "malformed"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))
TIMEOUT = 10_000


def _huge_files(tmp_path: Path) -> dict[Path, list[str]]:
    """The 50 MB files, made by the corpus script into ``tmp_path``."""
    spec = importlib.util.spec_from_file_location("gdlab_make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {write(tmp_path / name): words for name, (write, words) in module.HUGE.items()}


@pytest.fixture
def window(qtbot, make_window):
    """The xor window ten iterations in: a session with something to lose."""
    window = make_window("xor")
    window.step_ten()
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 10, timeout=TIMEOUT)
    yield window
    if shiboken6.isValid(window):  # else closed (and deleted) already
        window.close()


def _state(window: MainWindow) -> dict:
    snap = window.session.latest.snapshot
    return {"name": window.experiment.name, "experiment": window.experiment.to_json(), "path": window.path,
            "title": window.windowTitle(), "iteration": snap.iteration,
            "session experiment": window.session.latest.experiment.name,
            "recent": window.settings.value("recent_files", [])}


@pytest.mark.slow
def test_every_malformed_file_is_refused_and_the_session_is_untouched(qtbot, window, tmp_path):
    files = {CORPUS / name: [name] + spec["words"] + ([spec["field"]] if spec["field"] else [])
             for name, spec in sorted(EXPECTED.items())}
    files.update({path: words for path, words in _huge_files(tmp_path).items()})
    assert len(files) >= 32
    problems = []
    for path, words in files.items():
        before = _state(window)
        window._last_error_box = None
        if window.open_path(path) is not False:
            problems.append(f"{path.name}: open_path did not return False")
            continue
        box = window._last_error_box
        if box is None or not box.isVisible():
            problems.append(f"{path.name}: no error dialog")
            continue
        text = box.text()
        missing = [w for w in words if w not in text]
        if missing:
            problems.append(f"{path.name}: the dialog does not say {missing}: {text!r}")
        box.close()
        qtbot.waitUntil(lambda box=box: not shiboken6.isValid(box) or not box.isVisible(), timeout=TIMEOUT)
        after = _state(window)
        if after != before:
            changed = sorted(k for k in before if before[k] != after[k])
            problems.append(f"{path.name}: the session changed ({', '.join(changed)})")
        # the run still steps, from where it was
        iteration = after["iteration"]
        window.step_once()
        qtbot.waitUntil(lambda n=iteration + 1: window.session.latest.snapshot.iteration == n, timeout=TIMEOUT)
    assert not problems, "\n".join(problems)
    assert window.session.latest.snapshot.iteration == 10 + len(files)
    assert window.experiment.name == "xor"


@pytest.mark.slow
def test_a_damaged_settings_value_falls_back_and_a_files_text_is_never_markup(qtbot, settings, make_window, capsys,
                                                                              tmp_path):
    settings.setValue("text_scale", "not a number")
    runs = {"format": "gdlab-runs", "version": 1, "next_id": 2, "runs": [{"id": "one"}]}  # a damaged runs table
    (tmp_path / "session.json").write_text(json.dumps({"format": "gdlab-session", "version": 1,
                                                       "last_experiment": None, "runs": runs}))
    window = make_window("xor")
    assert window.text_scale == 1.0
    err = capsys.readouterr().err
    assert "the setting text_scale" in err
    assert "the runs table in" in err and "runs[0].name: missing" in err and "it starts empty" in err
    assert window.runs_view.records() == [] and "it starts empty" in window.statusBar().currentMessage()
    named = window.experiment.replace(name="<img src=x><h1>Banner</h1>")
    window.load_experiment(named.replace(description="<b>bold?</b>"))
    assert "&lt;img src=x&gt;&lt;h1&gt;Banner" in window.scenario.text()
    assert "&lt;b&gt;bold?&lt;/b&gt;" in window.scenario.text()
    assert window.lecture_caption.textFormat() == Qt.TextFormat.PlainText
