"""session.json: the last experiment and the runs table live in a file of the data folder, not in
QSettings; a damaged file gives a sentence and an empty table, never a crash."""
import json
from datetime import datetime

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from gdlab.core.files.presets import load_preset
from gdlab.gui.folders import data_folder
from gdlab.gui.runs_table import RunsView
from gdlab.gui.session_file import (
    SESSION_NAME,
    move_settings_values,
    read_session,
    session_folder,
    session_text,
    write_session,
)


@pytest.fixture
def ini(tmp_path):
    return QSettings(str(tmp_path / "gdlab.ini"), QSettings.Format.IniFormat)


def _table(qtbot) -> RunsView:
    view = RunsView()
    qtbot.addWidget(view)
    record = view.start_run(load_preset("xor"), datetime(2025, 3, 4, 10, 15, 0))
    view.update_run(record, 3, (np.arange(4), np.array([0.9, 0.7, 0.5, 0.25])), 0.25, 0.3, "converged")
    return view


def test_the_runs_table_round_trips_through_the_file(qtbot, tmp_path):
    view = _table(qtbot)
    experiment = load_preset("lr-too-large")
    write_session(tmp_path, session_text(experiment.to_json(), view.to_json()))
    saved = read_session(tmp_path)
    assert saved.problems == [] and saved.experiment == experiment
    other = RunsView()
    qtbot.addWidget(other)
    assert other.from_json(saved.runs) == 1
    new, old = other.records()[0], view.records()[0]
    assert (new.name, new.iterations, new.train_cost, new.status) == (old.name, 3, 0.25, "converged")
    assert np.array_equal(new.history[1], old.history[1])
    assert [p.name for p in tmp_path.iterdir()] == [SESSION_NAME], "no temporary file left behind"
    assert read_session(tmp_path / "nothing-here").problems == []


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe binary", b'{"format": "gdlab-runs"}', b"[" * 100_000,
                                     b'{"format": "gdlab-session", "version": 99}'])
def test_a_malformed_file_gives_a_message_not_a_crash(tmp_path, content):
    (tmp_path / SESSION_NAME).write_bytes(content)
    saved = read_session(tmp_path)
    assert saved.experiment is None and saved.runs is None
    problem, = saved.problems
    assert str(tmp_path / SESSION_NAME) in problem and "the runs table starts empty" in problem
    aside, = tmp_path.glob("session.corrupt-*.json")
    assert aside.read_bytes() == content, "set aside, not deleted"


def test_a_session_file_that_is_a_folder_or_too_large_is_refused(tmp_path, monkeypatch):
    (tmp_path / SESSION_NAME).mkdir()
    assert "is a folder" in read_session(tmp_path).problems[0]
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / SESSION_NAME).write_bytes(b" " * 2000)
    monkeypatch.setattr("gdlab.gui.session_file.MAX_SESSION_BYTES", 1000)
    assert "at most" in read_session(tmp_path / "big").problems[0]


def test_a_bad_experiment_is_left_out_and_the_runs_kept(qtbot, tmp_path):
    doc = json.loads(session_text(load_preset("xor").to_json(), _table(qtbot).to_json()))
    doc["last_experiment"]["learning_rate"] = "fast"
    (tmp_path / SESSION_NAME).write_text(json.dumps(doc))
    saved = read_session(tmp_path)
    assert saved.experiment is None and saved.runs is not None
    assert "the last experiment" in saved.problems[0] and "learning_rate" in saved.problems[0]


def test_the_settings_values_of_an_earlier_gdlab_move_to_the_file_once(qtbot, tmp_path, ini):
    runs = _table(qtbot).to_json()
    ini.setValue("last_experiment", load_preset("xor").to_json())
    ini.setValue("runs", runs)
    ini.setValue("theme", "dark")
    notes = move_settings_values(ini, tmp_path)
    assert any("moved last_experiment, runs" in note for note in notes)
    assert sorted(ini.allKeys()) == ["theme"], "no settings key holds the table or the experiment"
    saved = read_session(tmp_path)
    assert saved.experiment == load_preset("xor") and json.loads(saved.runs) == json.loads(runs)
    assert move_settings_values(ini, tmp_path) == [], "once"
    ini.setValue("runs", "{damaged")
    assert move_settings_values(ini, tmp_path)[-1].startswith("removed runs"), "the newer file wins"
    assert ini.allKeys() == ["theme"] and read_session(tmp_path).runs is not None


def test_the_file_lives_beside_an_ini_settings_file_else_in_the_data_folder(qapp, tmp_path, ini):
    assert session_folder(ini) == tmp_path.resolve()
    assert session_folder(QSettings()) == data_folder()
