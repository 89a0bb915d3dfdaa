"""Run histories: rows beyond the memory window go to disk and come back unchanged."""
import numpy as np
import pytest

import gdlab.core.run.network_run as network_run
import gdlab.core.run.surface_race as surface_race
from gdlab.core.files.experiment import Experiment
from gdlab.core.run.history import History
from gdlab.core.run.training import NetworkRun, make_run


def fill(h, n, start=0):
    for k in range(start, start + n):
        r = h.next_row()
        h.column("a")[r] = k
        h.column("b")[r] = (k, -k)


def test_spilled_rows_read_back_exactly_and_memory_stays_bounded():
    h = History({"a": (), "b": (2,)}, keep=8)
    fill(h, 1000)
    assert len(h) == 1000 and h.offset > 900 and h.nbytes == 16 * 8 * 3
    np.testing.assert_array_equal(h.view("a"), np.arange(1000))
    np.testing.assert_array_equal(h.view("b", 3, 7), [[3, -3], [4, -4], [5, -5], [6, -6]])
    np.testing.assert_array_equal(h.copy("a", 995), np.arange(995, 1000))
    recent = h.view("a", h.offset)
    assert recent.base is not None  # served from memory, without copying


def test_truncate_to_zero_and_to_a_spilled_row():
    h = History({"a": (), "b": (2,)}, keep=4)
    fill(h, 50)
    h.truncate(20)
    assert len(h) == 20
    fill(h, 30, start=20)
    np.testing.assert_array_equal(h.view("a"), np.arange(50))
    h.truncate(0)
    assert len(h) == 0 and h.offset == 0
    fill(h, 3)
    np.testing.assert_array_equal(h.view("a"), [0, 1, 2])


def test_replacing_a_column_keeps_the_history_of_kept_sub_columns_on_disk_too():
    h = History({"a": (), "b": (2,)}, keep=4)
    fill(h, 30)
    h.replace_column("b", (3,), [1, None, 0])
    b = h.view("b")
    np.testing.assert_array_equal(b[:, 0], -np.arange(30))
    assert np.isnan(b[:, 1]).all()
    np.testing.assert_array_equal(b[:, 2], np.arange(30))


def test_extend_spills_too():
    h = History({"a": (), "b": (2,)}, keep=5)
    h.extend({"a": np.arange(23.0), "b": np.column_stack([np.arange(23.0), -np.arange(23.0)])})
    np.testing.assert_array_equal(h.view("a"), np.arange(23))


@pytest.mark.parametrize("kind", ["network", "surface"])
def test_a_long_run_with_a_small_window_gives_the_same_history(monkeypatch, kind):
    if kind == "network":
        exp = Experiment(values={"dataset": "xor", "n_samples": 30, "hidden_layers": [3], "max_iterations": 300,
                                 "batch_size": 7})
    else:
        exp = Experiment(kind="surface", values={"surface": "rosenbrock", "learning_rate": 1e-3,
                                                 "max_iterations": 300})
    full = make_run(exp)
    full.step(300)
    monkeypatch.setattr(network_run if kind == "network" else surface_race, "HISTORY_KEEP", 16)
    small = make_run(exp)
    small.step(120)
    if isinstance(small, NetworkRun):
        small.set_tracked(small.tracked_ids[::-1][:5])
        full.set_tracked(full.tracked_ids[::-1][:5])
    small.step(180)
    assert small.history.offset > 200
    for name in full.history.columns:
        np.testing.assert_array_equal(small.history.view(name), full.history.view(name))
    assert small.history_columns().keys() == full.history_columns().keys()
