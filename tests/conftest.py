"""Test-wide settings: no display is ever needed, and a hung test ends the run instead of
hanging it."""
import faulthandler
import os
import sys

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

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


def pytest_unconfigure(config):
    while _terminal:
        stream = _terminal.pop()
        if stream is not sys.__stderr__:
            stream.close()
