"""Garbage cycles are collected on the GUI thread only, even while the training thread is the one
allocating (see gdlab.gui.gc_policy: a collection on the training thread that destroys Qt
objects can deadlock against the GUI thread)."""
import gc
import threading

import pytest

from gdlab.core.presets import load_preset
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
