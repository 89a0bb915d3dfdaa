"""The two entry points: `gdlab` (a console script, every verb) and `gdlab-gui` (a GUI script: the
window's arguments, and no crash where there is no stdout or stderr, as under Windows' pythonw).
The installed scripts themselves run in tests/packaging/test_install.py."""
import sys
import tomllib
from pathlib import Path

import pytest

import gdlab
from gdlab.cli import gui_main

ROOT = Path(__file__).resolve().parents[2]


def test_gdlab_is_a_console_script_and_gdlab_gui_a_gui_script():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"gdlab": "gdlab.cli:main"}
    assert project["gui-scripts"] == {"gdlab-gui": "gdlab.cli:gui_main"}


def test_gdlab_gui_without_stdout_or_stderr_answers_version_and_bad_arguments(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    with pytest.raises(SystemExit) as version:
        gui_main(["--version"])
    assert version.value.code == 0
    assert gui_main([str(tmp_path / "no-such-experiment.json")]) == 2
    with pytest.raises(SystemExit) as usage:
        gui_main(["--no-such-flag"])
    assert usage.value.code == 2
    assert sys.stdout is None and sys.stderr is None  # put back as they were


def test_gdlab_gui_takes_the_window_arguments_only(capsys):
    with pytest.raises(SystemExit) as exc:
        gui_main(["run", "xor", "--out", "x.csv"])  # no verbs: `run` would be an experiment, --out unknown
    assert exc.value.code == 2
    assert "--out" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        gui_main(["--version"])
    assert capsys.readouterr().out == f"gdlab {gdlab.__version__}\n"


def test_gdlab_gui_gives_the_window_writable_streams_where_there_are_none(monkeypatch):
    """Whatever the window's code writes (Qt messages, a log notice) goes to the null device."""
    import gdlab.cli

    def window(args):
        sys.stderr.write("qt: a message\n")
        sys.stderr.flush()
        print("a notice", file=sys.stdout, flush=True)
        return 0 if not sys.stderr.isatty() else 1

    monkeypatch.setitem(gdlab.cli.COMMANDS, gdlab.cli.WINDOW, window)
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert gui_main(["xor"]) == 0
    assert sys.stdout is None and sys.stderr is None
