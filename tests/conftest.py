"""Test-wide settings: no display is ever needed, nothing is written outside a temporary home,
Hypothesis draws the same examples on every run, and a hung test ends the run instead of hanging
it. Also the fixtures every folder shares: a numpy-only Python, and gdlab run in this process
(``run_cli``) or in a fresh process with no display (``gdlab``)."""
import faulthandler
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

from gdlab.cli import main

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

# A temporary home for the whole session (each xdist worker has its own), set before Qt starts:
# the app, its log, its autosave and every gdlab subprocess a test starts write under it, never
# into the real home. The GDLAB_LOG_DIR that a developer may have set is dropped for the same reason.
TEST_HOME = Path(tempfile.mkdtemp(prefix="gdlab-test-home-")).resolve()
REAL_HOME = os.environ.get("HOME", "")
os.environ["HOME"] = str(TEST_HOME)
for variable, folder in (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                         ("XDG_STATE_HOME", ".local/state"), ("XDG_CACHE_HOME", ".cache")):
    (TEST_HOME / folder).mkdir(parents=True, exist_ok=True)
    os.environ[variable] = str(TEST_HOME / folder)
os.environ.pop("GDLAB_LOG_DIR", None)

# The same examples on every run and no example database on disk; the example counts are each
# test's own (set beside it), so CI runs exactly what a developer runs.
settings.register_profile("gdlab", derandomize=True, database=None, deadline=None, print_blob=True)
settings.load_profile("gdlab")

# pytest's own faulthandler_timeout only prints the stacks and lets a deadlocked test hang CI
# for ever. This one prints every thread's stack and then exits the process, so a deadlock
# (two threads waiting on each other in C, which no exception can interrupt) turns CI red.
HANG_SECONDS = 180
_terminal = []  # the real stderr, saved before pytest's output capture swaps file descriptor 2


def pytest_configure(config):
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            _terminal.append(os.fdopen(os.dup(2), "w"))
    else:
        _terminal.append(sys.__stderr__)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=_terminal[0] if _terminal else sys.__stderr__)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


SLOW_SECONDS = 2.0
_unmarked_slow: list[tuple[float, str]] = []


def pytest_runtest_logreport(report):
    """Note every test over SLOW_SECONDS that the inner loop (-m "not slow") would still run."""
    if report.when == "call" and report.duration > SLOW_SECONDS and "slow" not in report.keywords:
        _unmarked_slow.append((report.duration, report.nodeid))


def pytest_terminal_summary(terminalreporter):
    """After the ten slowest (--durations=10 in pyproject.toml): the slow tests the inner loop runs."""
    if _unmarked_slow:
        terminalreporter.section(f"tests over {SLOW_SECONDS:.0f} s without @pytest.mark.slow")
        for seconds, nodeid in sorted(_unmarked_slow, reverse=True):
            terminalreporter.write_line(f"{seconds:6.2f}s {nodeid}")


def pytest_unconfigure(config):
    while _terminal:
        stream = _terminal.pop()
        if stream is not sys.__stderr__:
            stream.close()
    shutil.rmtree(TEST_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def numpy_only_env(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """(folder, environment) of a Python that sees the standard library and numpy, nothing else:
    run it as ``python -S -s`` with this environment, whose ``PYTHONPATH`` is a folder holding
    only numpy."""
    lib = tmp_path_factory.mktemp("numpy-only")
    site = Path(np.__file__).resolve().parent.parent
    for name in ("numpy", "numpy.libs"):
        if (site / name).exists():
            os.symlink(site / name, lib / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(lib)
    return lib, env


@pytest.fixture(scope="session")
def numpy_only_python(numpy_only_env):
    """``numpy_only_python(script, *args)``: run ``script`` from its own folder with the
    numpy-only Python (:func:`numpy_only_env`), as a CompletedProcess with text output."""
    _, env = numpy_only_env

    def run(script: Path, *args) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-S", "-s", str(script), *map(str, args)], cwd=script.parent,
                              env=env, capture_output=True, text=True, timeout=120)
    return run


def no_display_env(**extra) -> dict[str, str]:
    """The environment of a machine without a display: no DISPLAY, no Wayland, no Qt platform
    chosen, and hash seeds left random (so reproducible output cannot lean on a fixed one)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "QT_HASH_SEED")}
    env["PYTHONHASHSEED"] = "random"
    env.update(extra)
    return env


@pytest.fixture
def run_cli(capsys):
    """``run_cli(*args) -> (exit code, stdout, stderr)`` of ``gdlab ARGS`` run in this process."""
    def run(*args):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def gdlab():
    """``gdlab(*args, cwd=None, **env)``: ``python -m gdlab ARGS`` in a fresh process with no
    display (``env`` adds variables), as a CompletedProcess with text output."""
    def run(*args, cwd=None, **env) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "gdlab", *map(str, args)], capture_output=True, text=True,
                              timeout=300, env=no_display_env(**env), cwd=cwd)
    return run


@pytest.fixture(scope="session")
def qapp():
    """The QApplication of every Qt test (pytest-qt's qtbot uses this fixture): the one gdlab
    makes, :func:`gdlab.gui.app.make_app`, with its garbage-collection policy that a training
    session requires, not pytest-qt's plain QApplication."""
    from gdlab.gui.app import make_app

    return make_app(["gdlab-tests"])
