"""Garbage cycles are collected on the GUI thread only, even while the training thread is the one
allocating (see gdlab.gui.gc_policy: a collection on the training thread that destroys Qt
objects can deadlock against the GUI thread)."""
import gc
import threading

import pytest

from gdlab.core.files.presets import load_preset
from gdlab.gui import gc_policy
from gdlab.gui.app import make_app
from gdlab.gui.gc_policy import INTERVAL_MS
from gdlab.gui.session import TrainingSession

CYCLES = 300


class Cycle:
    """An object in a reference cycle, so only the cyclic collector can free it; its finalizer
    records the thread that ran the collection."""

    def __init__(self, seen: list):
        self.me, self.seen = self, seen

    def __del__(self):
        self.seen.append(threading.current_thread())


@pytest.mark.slow
def test_cycles_die_on_the_gui_thread_while_training_allocates(qtbot):
    session = TrainingSession()
    try:
        assert not gc.isenabled()
        session.load(load_preset("spiral-deep").replace(max_iterations=10**8, tolerance=0.0, grad_tolerance=0.0))
        session.start()
        qtbot.waitUntil(lambda: session.latest is not None and session.latest.snapshot.iteration > 50,
                        timeout=15_000)
        seen: list = []
        for _ in range(CYCLES):
            Cycle(seen)
        qtbot.waitUntil(lambda: len(seen) == CYCLES, timeout=10 * INTERVAL_MS + 10_000)
        assert session.latest.running and session.latest.snapshot.iteration > 50
        assert set(seen) == {threading.main_thread()}
    finally:
        session.shutdown()


def test_the_policy_comes_with_the_application_and_a_session_only_checks_it(qapp, monkeypatch):
    """make_app installs the GUI-thread collector; a session refuses to start a thread without it
    and does not install it as a side effect."""
    original = gc_policy._collector
    assert gc_policy.installed() and not gc.isenabled()  # the tests' application is make_app's
    monkeypatch.setattr(gc_policy, "_collector", None)
    gc.enable()
    try:
        with pytest.raises(RuntimeError, match="make_app"):
            TrainingSession()
        assert not gc_policy.installed() and gc.isenabled(), "a session does not install the policy"
        assert make_app() is qapp
        assert gc_policy.installed() and not gc.isenabled()
        session = TrainingSession()
        assert session.thread.isRunning()
        assert session.shutdown()
    finally:
        made = gc_policy._collector
        if made is not None and made is not original:
            made.timer.stop()
            made.setParent(None)
        gc.disable()
