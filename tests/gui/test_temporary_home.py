"""The suite runs under a temporary home: what the app writes (settings, log, autosave) and what
a gdlab subprocess writes lands there, never in the developer's real home."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from gdlab.gui import autosave, errors

TEMP = Path(tempfile.gettempdir()).resolve()


def _home() -> Path:
    return Path(os.environ["HOME"]).resolve()


def test_home_and_the_xdg_folders_are_a_temporary_folder():
    home = _home()
    assert home.is_relative_to(TEMP) and home.name.startswith("gdlab-test-home-"), home
    assert Path.home().resolve() == home
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        assert Path(os.environ[variable]).resolve().is_relative_to(home), variable
    assert errors.LOG_ENV not in os.environ, "a developer's own log folder is not used by the tests"


def test_the_apps_log_autosave_and_settings_folders_are_under_it(qapp):
    home = _home()
    for location in (QStandardPaths.StandardLocation.AppLocalDataLocation,
                     QStandardPaths.StandardLocation.AppConfigLocation,
                     QStandardPaths.StandardLocation.GenericStateLocation):
        assert Path(QStandardPaths.writableLocation(location)).resolve().is_relative_to(home), location
    assert errors.log_dir().resolve().is_relative_to(home)
    assert autosave.default_folder().resolve().is_relative_to(home)


def test_a_gdlab_subprocess_inherits_it():
    probe = "import pathlib; print(pathlib.Path.home())"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert Path(out.stdout.strip()).resolve() == _home()
