"""gdlab's folders: the data and log folders say gdlab once, and what an earlier gdlab left in the
doubled folders (…/gdlab/gdlab) is moved, once."""
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths

from gdlab.gui import app as app_module
from gdlab.gui import errors, folders
from gdlab.gui.autosave import default_folder
from gdlab.gui.folders import data_folder, log_folder, migrate_folder, undoubled

pytestmark = pytest.mark.usefixtures("qapp")  # the organisation and application names are set


def test_the_data_and_log_folders_do_not_say_gdlab_twice():
    for folder in (data_folder(), log_folder(), default_folder(), errors.log_dir()):
        assert "gdlab/gdlab" not in folder.as_posix(), folder
    assert data_folder() == Path(os.environ["XDG_DATA_HOME"]) / "gdlab"
    assert log_folder() == Path(os.environ["XDG_STATE_HOME"]) / "gdlab" / "logs"
    assert errors.log_dir() == log_folder(), "GDLAB_LOG_DIR is unset in the tests"
    doubled = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    assert Path(doubled) == data_folder() / "gdlab", "Qt's own says it twice: the reason for folders.py"


@pytest.mark.parametrize("location, expected", [
    ("/home/ada/.local/share/gdlab/gdlab", "/home/ada/.local/share/gdlab"),
    ("/home/ada/.local/state/gdlab/gdlab", "/home/ada/.local/state/gdlab"),
    ("C:/Users/ada/AppData/Local/gdlab/gdlab/State", "C:/Users/ada/AppData/Local/gdlab/State"),
    ("/Users/ada/Library/Application Support/gdlab/gdlab", "/Users/ada/Library/Application Support/gdlab"),
    ("/home/gdlab/gdlab/.local/share/gdlab/gdlab", "/home/gdlab/gdlab/.local/share/gdlab"),  # the last pair
    ("/home/ada/.local/share/gdlab", "/home/ada/.local/share/gdlab"),
])
def test_undoubled(location, expected):
    assert undoubled(location, "gdlab", "gdlab") == Path(expected)
    assert undoubled(location, "acme", "gdlab") == Path(location), "a real organisation stays"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_migration_moves_the_old_files_once(tmp_path):
    new = tmp_path / "share" / "gdlab"
    old = new / "gdlab"  # Linux: the old folder lies in the new one
    (old / "autosave").mkdir(parents=True)
    (old / "autosave" / "current.json").write_text("{}")
    (old / "notes.txt").write_text("kept")
    notes = migrate_folder(old, new)
    assert sorted(notes) == [f"moved {old / 'autosave'} to {new / 'autosave'}",
                             f"moved {old / 'notes.txt'} to {new / 'notes.txt'}"]
    assert _tree(new) == {"autosave/current.json": b"{}", "notes.txt": b"kept"}
    assert not old.exists()
    assert migrate_folder(old, new) == [], "the second time: nothing to do, nothing said"
    assert _tree(new) == {"autosave/current.json": b"{}", "notes.txt": b"kept"}


def test_migration_never_overwrites_and_removes_emptied_doubled_parents(tmp_path):
    local = tmp_path / "AppData" / "Local"
    old, new = local / "gdlab" / "gdlab" / "State", local / "gdlab" / "State"  # Windows' state folders
    (old / "logs").mkdir(parents=True)
    (old / "logs" / "gdlab.log").write_text("old log")
    (old / "other.txt").write_text("old")
    (new).mkdir(parents=True)
    (new / "other.txt").write_text("new")
    notes = migrate_folder(old, new)
    assert f"left {old / 'other.txt'}: {new / 'other.txt'} exists" in notes
    assert _tree(new) == {"logs/gdlab.log": b"old log", "other.txt": b"new"}
    assert _tree(old) == {"other.txt": b"old"}, "what the new folder has already stays in the old one"
    (old / "other.txt").unlink()
    assert migrate_folder(old, new) == []
    assert not (local / "gdlab" / "gdlab").exists(), "the emptied gdlab/gdlab goes too"
    assert migrate_folder(tmp_path / "missing", new) == []


def test_the_app_moves_the_legacy_folders_and_says_so_in_the_log(tmp_path, monkeypatch):
    share, state = tmp_path / "share", tmp_path / "state"
    places = {QStandardPaths.StandardLocation.AppLocalDataLocation: share / "gdlab" / "gdlab",
              folders._state_kind(): state / "gdlab" / "gdlab"}
    monkeypatch.setattr(folders, "_location", lambda kind: str(places[kind]))
    monkeypatch.setenv(errors.LOG_ENV, str(tmp_path / "log"))
    (share / "gdlab" / "gdlab" / "autosave").mkdir(parents=True)
    (share / "gdlab" / "gdlab" / "autosave" / "current.json").write_text("{}")
    (state / "gdlab" / "gdlab" / "logs").mkdir(parents=True)
    (state / "gdlab" / "gdlab" / "logs" / "gdlab.log").write_text("old entries\n")
    assert folders.data_folder() == share / "gdlab" and folders.log_folder() == state / "gdlab" / "logs"
    app_module._move_legacy_folders()
    assert (share / "gdlab" / "autosave" / "current.json").read_text() == "{}"
    assert (state / "gdlab" / "logs" / "gdlab.log").read_text() == "old entries\n"
    assert not (share / "gdlab" / "gdlab").exists() and not (state / "gdlab" / "gdlab").exists()
    log = (tmp_path / "log" / "gdlab.log").read_text()
    assert "Moving gdlab's folders" in log and f"to {share / 'gdlab' / 'autosave'}" in log
    app_module._move_legacy_folders()
    assert (tmp_path / "log" / "gdlab.log").read_text() == log, "once: the second start writes nothing"
