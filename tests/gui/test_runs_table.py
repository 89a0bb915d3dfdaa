"""The runs table: runs driven by the core appear with their final costs; overlay, rename, delete,
CSV export and the saved session."""
import csv
import json
import math
from datetime import datetime

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from gdlab.core.files.presets import load_preset
from gdlab.core.run.training import make_run
from gdlab.gui.plots.cost import CostPlot
from gdlab.gui.runs_table import COLUMNS, MAX_POINTS, MAX_RECORDS, RunsView, cost_overlay, overlay_items, summarize
from gdlab.gui.view_data import Frame

ITERATIONS = 150


@pytest.fixture
def view(qtbot):
    view = RunsView()
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


def drive(view, experiment, iterations=ITERATIONS, chunk=50, when=datetime(2025, 3, 4, 10, 15, 0)):
    """A core run, fed snapshot by snapshot to start_run/update_run."""
    run = make_run(experiment)
    record = view.start_run(experiment, when)
    since = 0
    while run.iteration < iterations:
        run.step(chunk)
        snap = run.snapshot(since)
        since = snap.start + len(snap.iterations)
        view.update_run(record, snap.iteration, (snap.iterations, snap.train_cost), snap.train_cost[-1],
                        snap.test_cost[-1], snap.status)
    return run, record


def cell(view, row, column):
    return view.model.index(row, COLUMNS.index(column)).data()


def click_row(qtbot, view, row, modifier=Qt.KeyboardModifier.NoModifier):
    rect = view.table.visualRect(view.model.index(row, 2))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


@pytest.fixture
def two_runs(view):
    xor = load_preset("xor")
    fast = xor.replace(learning_rate=0.5, max_iterations=ITERATIONS)
    slow = xor.replace(learning_rate=0.05, max_iterations=ITERATIONS)
    return drive(view, fast), drive(view, slow)


def test_two_runs_with_different_learning_rates_show_the_cores_final_costs(view, two_runs):
    (fast, a), (slow, b) = two_runs
    assert view.records() == [a, b] and view.model.rowCount() == 2
    for row, (run, record) in enumerate(two_runs):
        history = run.history_columns()
        assert record.iterations == ITERATIONS and record.train_cost == history["train_cost"][-1]
        assert record.test_cost == history["test_cost"][-1]
        assert cell(view, row, "Iterations") == "150" and cell(view, row, "Status") == "max iterations"
        assert cell(view, row, "Train J") == f"{history['train_cost'][-1]:.4g}"
        assert cell(view, row, "Test J") == f"{history['test_cost'][-1]:.4g}"
        x, y = record.history
        assert np.array_equal(x, history["iteration"]) and np.array_equal(y, history["train_cost"])
    assert a.train_cost < b.train_cost, "α = 0.5 gets further than α = 0.05 in 150 iterations"
    assert cell(view, 0, "Setup") == "2-4-1 tanh · sgd α=0.5 · full batch"
    assert cell(view, 1, "Setup") == "2-4-1 tanh · sgd α=0.05 · full batch"
    assert cell(view, 0, "Name") == "Run 1" and cell(view, 1, "Time") == "10:15:00"
    assert a.experiment()["learning_rate"] == 0.5


def test_selecting_both_and_overlay_draws_two_dashed_curves_of_their_histories(qtbot, view, two_runs):
    (fast, a), (slow, b) = two_runs
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 400)
    plot.show()
    view.overlay_changed.connect(lambda records: overlay_items(plot, records))
    assert not view.overlay_button.isEnabled()
    click_row(qtbot, view, 0)
    click_row(qtbot, view, 1, Qt.KeyboardModifier.ControlModifier)
    assert view.selected_records() == [a, b]
    with qtbot.waitSignal(view.overlay_changed, timeout=2000) as signal:
        qtbot.mouseClick(view.overlay_button, Qt.MouseButton.LeftButton)
    assert signal.args[0] == [a, b]
    overlay = cost_overlay(plot)
    assert len(overlay.curves) == 2
    for curve, run in zip(overlay.curves, (fast, slow)):
        x, y = curve.getData()
        history = run.history_columns()
        assert np.array_equal(x, history["iteration"]) and np.array_equal(y, history["train_cost"])
        assert curve.opts["pen"].style() == Qt.PenStyle.DashLine
        assert curve in plot.plot_item.items
    colours = {curve.opts["pen"].color().name() for curve in overlay.curves}
    assert len(colours) == 2 and not colours & {"#0072b2", "#e69f00"}, "distinct, and not train/test's colours"
    legend = [label.text for _, label in plot.plot_item.legend.items]
    assert legend[-2:] == ["Run 1", "Run 2"]
    # the log axis maps them as it maps the plot's own curves
    plot.set_log(True)
    assert np.allclose(overlay.curves[0].getData()[1], np.log10(fast.history_columns()["train_cost"]))
    plot.set_log(False)
    # a new configuration of the plot (a fresh run) keeps the overlay in the new legend
    plot.configure_network()
    overlay.refresh()
    assert [label.text for _, label in plot.plot_item.legend.items][-2:] == ["Run 1", "Run 2"]
    # clearing removes them
    with qtbot.waitSignal(view.overlay_changed, timeout=2000) as signal:
        qtbot.mouseClick(view.clear_overlay_button, Qt.MouseButton.LeftButton)
    assert signal.args[0] == [] and overlay.curves == []
    assert not any(item.opts.get("name") in ("Run 1", "Run 2") for item in plot.plot_item.items
                   if hasattr(item, "opts"))


def test_rename_in_place_and_delete(qtbot, view, two_runs):
    (_, a), (_, b) = two_runs
    view.select_rows([0, 1])
    view.overlay_selected()
    click_row(qtbot, view, 0)
    emitted = []
    view.overlay_changed.connect(emitted.append)
    qtbot.mouseClick(view.rename_button, Qt.MouseButton.LeftButton)
    editor = view.table.findChild(QLineEdit)
    assert editor is not None and editor.text() == "Run 1"
    editor.selectAll()
    qtbot.keyClicks(editor, "fast run")  # QTest types ASCII only
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: a.name == "fast run", timeout=2000)   # the delegate commits through a queued call
    assert cell(view, 0, "Name") == "fast run"
    assert emitted == [[a, b]], "the overlay's legend follows the new name"
    # deleting an overlaid run removes it from the overlay too
    click_row(qtbot, view, 1)
    with qtbot.waitSignal(view.record_deleted, timeout=2000) as deleted:
        qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert deleted.args[0] is b and view.records() == [a] and emitted[-1] == [a]
    # and the Delete key in the table
    click_row(qtbot, view, 0)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert view.records() == [] and emitted[-1] == []


def test_export_csv_writes_every_row(view, two_runs, tmp_path):
    (fast, a), (slow, b) = two_runs
    a.name = 'fast, "quoted"'
    path = view.export_csv(tmp_path / "runs.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["name", "time", "setup", "iterations", "train_cost", "test_cost", "status"]
    assert rows[1] == ['fast, "quoted"', "2025-03-04T10:15:00", "2-4-1 tanh · sgd α=0.5 · full batch", "150",
                       repr(a.train_cost), repr(a.test_cost), "max_iterations"]
    assert float(rows[2][4]) == slow.history_columns()["train_cost"][-1] and len(rows) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["runs.csv"], "no temporary file left behind"


def test_to_json_and_back(qtbot, view, two_runs):
    (_, a), (_, b) = two_runs
    a.name = "renamed"
    text = view.to_json()
    json.loads(text)
    other = RunsView()
    qtbot.addWidget(other)
    assert other.from_json(text) == 2
    for old, new in zip(view.records(), other.records()):
        assert (new.id, new.name, new.started, new.summary, new.iterations, new.train_cost, new.test_cost,
                new.status, new.experiment_json) == (old.id, old.name, old.started, old.summary, old.iterations,
                                                     old.train_cost, old.test_cost, old.status,
                                                     old.experiment_json)
        (x0, y0), (x1, y1) = old.history, new.history
        assert np.array_equal(x0, x1) and np.allclose(y0, y1, rtol=1e-6)
    assert [other.model.index(r, 0).data() for r in range(2)] == ["renamed", "Run 2"]
    record = other.start_run(load_preset("xor"), datetime(2025, 3, 4, 11, 0, 0))
    assert record.name == "Run 3", "numbering goes on after a restored session"
    with pytest.raises(ValueError, match="not a runs table"):
        other.from_json('{"format": "something else"}')
    with pytest.raises(ValueError, match=r"runs\[0\]\.iterations"):
        other.from_json(text.replace('"iterations":150', '"iterations":"150"', 1))
    assert len(other.records()) == 3, "a bad text changes nothing"


def test_the_table_is_bounded(qtbot, view):
    exp = load_preset("xor")
    deleted = []
    view.record_deleted.connect(deleted.append)
    first = view.start_run(exp, datetime(2025, 1, 1))
    for _ in range(MAX_RECORDS):
        last = view.start_run(exp, datetime(2025, 1, 1))
    assert len(view.records()) == MAX_RECORDS and deleted == [first] and view.records()[-1] is last
    # a long run keeps a bounded curve whose min/max envelope still holds every cost
    iterations = np.arange(20_000)
    costs = 1.0 / (1.0 + iterations) + 0.01 * np.sin(iterations)
    costs[12_345] = 50.0                                     # a spike must stay visible
    for start in range(0, len(iterations), 700):
        view.update_run(last, iterations[start:start + 700][-1], (iterations[start:start + 700],
                                                                  costs[start:start + 700]),
                        costs[min(start + 699, len(costs) - 1)], math.nan, "running")
    x, y = last.history
    assert len(x) <= MAX_POINTS and x[-1] == 19_999 and y[-1] == costs[-1] and y.max() == 50.0
    assert len(view.to_json()) < 60 * MAX_POINTS * MAX_RECORDS


def test_a_running_row_is_redrawn_at_most_five_times_a_second_and_its_end_at_once(qtbot, view):
    """30 frames a second would repaint the table 30 times a second on the GUI thread; the
    changes are coalesced (ROW_REFRESH_MS) and a change of status is shown at once."""
    told = []
    view.model.dataChanged.connect(lambda *args: told.append(args[0].row()))
    record = view.start_run(load_preset("xor"), datetime(2025, 3, 4, 10, 15, 0))
    for k in range(1, 11):
        view.update_run(record, k, (np.array([k]), np.array([1.0 / k])), 1.0 / k, math.nan, "running")
    assert told == [] and cell(view, 0, "Iterations") == "10"  # the model is current; the view is told later
    qtbot.waitUntil(lambda: told == [0], timeout=2000)
    view.update_run(record, 11, (np.array([11]), np.array([0.05])), 0.05, math.nan, "converged")
    assert told == [0, 0]


def test_record_frame_starts_a_run_when_training_leaves_iteration_zero(view):
    exp = load_preset("xor").replace(learning_rate=0.3)
    run = make_run(exp)

    def frame(fresh=False, running=True, since=0):
        return Frame(snapshot=run.snapshot(since), experiment=exp, running=running, iters_per_s=0.0, fresh=fresh,
                     view={})

    view.record_frame(frame(fresh=True, running=False))
    assert view.records() == [], "a loaded experiment is not a run yet"
    run.step(40)
    view.record_frame(frame(since=1))
    (record,) = view.records()
    assert record.status == "running" and record.iterations == 40
    run.step(10)
    view.record_frame(frame(since=41, running=False))
    history = run.history_columns()
    assert record.status == "paused" and record.train_cost == history["train_cost"][-1]
    assert np.array_equal(record.history[1], history["train_cost"]), "row 0 from the first frame is kept"
    run.reset()
    view.record_frame(frame(fresh=True, running=False))
    assert record.status == "stopped" and len(view.records()) == 1
    run.step(5)
    view.record_frame(frame(since=1, running=False))          # Step after a reset: a second run
    assert len(view.records()) == 2 and view.records()[1].iterations == 5
    view.select_rows([1])
    view.delete_selected()                                    # the current run's row deleted: not recorded again
    run.step(5)
    view.record_frame(frame(since=6))
    assert len(view.records()) == 1 and view.current is None
    run.reset()
    view.record_frame(frame(fresh=True, running=False))
    run.step(1)
    view.record_frame(frame(since=1))
    assert [r.name for r in view.records()] == ["Run 1", "Run 3"]


def test_a_surface_race_is_one_run_with_its_best_cost(view):
    exp = load_preset("optimizer-race")
    run = make_run(exp)
    view.record_frame(Frame(run.snapshot(), exp, False, 0.0, True, {}))
    run.step(30)
    view.record_frame(Frame(run.snapshot(1), exp, True, 0.0, False, {}))
    (record,) = view.records()
    costs = run.history_columns()
    best = np.fmin.reduce(np.column_stack([costs[k] for k in costs if k.endswith("_cost")]), axis=1)
    assert record.summary == f"rosenbrock · {len(exp.run_values())} runs"
    assert record.train_cost == best[-1] and math.isnan(record.test_cost) and cell(view, 0, "Test J") == "—"
    assert np.array_equal(record.history[1], best)


def test_summary_shows_a_live_change_of_the_learning_rate():
    xor = load_preset("xor")
    assert summarize(xor.replace(learning_rate=0.1), xor) == "2-4-1 tanh · sgd α=0.5→0.1 · full batch"
    assert summarize(xor.replace(batch_size=16, hidden_layers=[]), None) == "2-1 · sgd α=0.5 · batch 16"


def test_every_control_has_a_tooltip(view):
    assert view.toolTip() and view.table.toolTip()
    for widget in view.findChildren(QPushButton) + view.findChildren(QLabel):
        assert widget.toolTip(), widget.text()
    for column in range(len(COLUMNS)):
        assert view.model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


@pytest.mark.slow
def test_a_real_window_session_fills_the_table(qtbot, settings):
    from gdlab.gui.main_window import MainWindow

    exp = load_preset("xor").replace(max_iterations=300, learning_rate=0.5, playback_speed=0)
    window = MainWindow(exp, settings=settings)
    qtbot.addWidget(window)
    runs = window.runs_view  # the window's own table, fed by the window
    window.show()
    qtbot.waitUntil(lambda: window.session.latest is not None, timeout=10_000)
    assert runs.records() == []
    qtbot.keyClick(window, Qt.Key.Key_Space)                   # start
    qtbot.waitUntil(lambda: window.session.latest.snapshot.status == "max_iterations", timeout=10_000)
    qtbot.waitUntil(lambda: runs.records() and runs.records()[0].status == "max_iterations", timeout=10_000)
    (first,) = runs.records()
    expected = make_run(exp)
    expected.step(300)
    history = expected.history_columns()
    assert first.iterations == 300 and first.train_cost == history["train_cost"][-1]
    assert first.test_cost == history["test_cost"][-1]
    x, y = first.history
    assert x[-1] == 300 and y[-1] == history["train_cost"][-1] and len(x) <= MAX_POINTS
    # a new learning rate and a reset: a second run, the first one kept as it ended
    window.session.set_learning_rate(0.05)
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 0, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_Right)                   # one step
    qtbot.waitUntil(lambda: len(runs.records()) == 2, timeout=10_000)
    second = runs.records()[1]
    qtbot.waitUntil(lambda: second.iterations == 1, timeout=10_000)
    assert first.status == "max_iterations" and second.status == "paused"
    assert "α=0.05" in second.summary
    window.close()
