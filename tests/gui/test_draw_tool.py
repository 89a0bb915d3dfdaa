"""Drawing points in the data view with real mouse events: add, drag, delete, undo, clear."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from gdlab.core.data.customdata import CustomData
from gdlab.core.data.datasets import make_dataset
from gdlab.core.files.experiment import load_experiment
from gdlab.core.files.presets import load_preset
from gdlab.core.run.training import make_run
from gdlab.gui.plots.data_view import DataView
from gdlab.gui.plots.draw_tool import DrawTool


@pytest.fixture
def tool(qtbot):
    box = QWidget()
    layout = QVBoxLayout(box)
    view = DataView()
    tool = DrawTool(view)
    layout.addWidget(tool.toolbar)
    layout.addWidget(view, 1)
    qtbot.addWidget(box)
    box.resize(700, 640)
    box.show()
    qtbot.waitExposed(box)
    tool.box = box  # qtbot keeps only a weak reference
    tool.emitted = []
    tool.points_changed.connect(tool.emitted.append)
    return tool


def pixel(tool, x, y):
    """Widget (viewport) pixel of the data point (x, y), through the ViewBox (once its layout settled)."""
    QApplication.processEvents()
    scene = tool.view.plot_item.vb.mapViewToScene(pg.Point(x, y))
    pos = tool.view.mapFromScene(scene)
    return QPoint(round(pos.x()), round(pos.y()))


def settled_range(tool):
    QApplication.processEvents()
    return tool.view.plot_item.vb.viewRange()


def click(qtbot, tool, x, y, button=Qt.MouseButton.LeftButton):
    qtbot.mouseClick(tool.view.viewport(), button, pos=pixel(tool, x, y))


def pixel_size(tool):
    return max(abs(v) for v in tool.view.plot_item.vb.viewPixelSize())


def start_empty(qtbot, tool):
    tool.set_source(None)
    qtbot.mouseClick(tool.draw_button, Qt.MouseButton.LeftButton)
    assert tool.drawing and tool.draw_button.isChecked()
    (x0, x1), (y0, y1) = tool.view.plot_item.vb.viewRange()
    assert x0 <= -1.4 and x1 >= 1.4 and y0 <= -1.4 and y1 >= 1.4, "an empty plane around the origin"


def drag_first_point_up(qtbot, tool):
    """Press on the point at (-1, -1) and move it to (-1, 0.5), not yet released; returns the viewport."""
    viewport = tool.view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=pixel(tool, -1, -1))
    qtbot.mouseMove(viewport, pos=pixel(tool, -1, -0.25))
    qtbot.mouseMove(viewport, pos=pixel(tool, -1, 0.5))
    return viewport


def draw_square(qtbot, tool):
    """Two points of class 0 (left clicks) and two of class 1 (right clicks)."""
    for x, y in ((-1, -1), (-0.5, -1)):
        click(qtbot, tool, x, y)
    for x, y in ((1, 1), (0.5, 1)):
        click(qtbot, tool, x, y, Qt.MouseButton.RightButton)


def test_clicks_add_points_of_both_classes_and_the_data_emitted_matches(qtbot, tool):
    start_empty(qtbot, tool)
    click(qtbot, tool, -1, -1)
    assert tool.emitted == [None] and "1 point: at least 4 are needed" in tool.hint.text()
    click(qtbot, tool, -0.5, -1)
    click(qtbot, tool, -0.5, -0.5)
    assert tool.emitted == [None] * 3 and "3 points: at least 4 are needed (1 more)" in tool.hint.text()
    click(qtbot, tool, -1, -0.5)
    assert tool.emitted == [None] * 4 and "Only class 0 (orange) so far" in tool.hint.text()
    click(qtbot, tool, 1, 1, Qt.MouseButton.RightButton)
    data = tool.emitted[-1]
    assert isinstance(data, CustomData) and data.task == "binary" and data.source == "drawn"
    assert data.y.tolist() == [0, 0, 0, 0, 1]
    assert np.allclose(data.X, [[-1, -1], [-0.5, -1], [-0.5, -0.5], [-1, -0.5], [1, 1]], atol=2 * pixel_size(tool))
    assert np.array_equal(data.X, tool.X)
    assert tool.hint.text().startswith("5 points (4 orange, 1 blue): binary.\n"
                                       "Left click adds class 0, right click class 1")
    # the tool draws the points at once, in the class colours
    xs, ys = tool.scatter.getData()
    assert np.array_equal(xs, data.X[:, 0]) and np.array_equal(ys, data.X[:, 1])
    brushes = [b.color().name() for b in tool.scatter.data["brush"]]
    assert brushes == ["#e69f00"] * 4 + ["#0072b2"]
    # a third class from the picker: multiclass
    tool.class_combo.setCurrentIndex(2)
    click(qtbot, tool, 0, 1)
    data = tool.emitted[-1]
    assert data.task == "multiclass" and data.n_classes == 3 and data.y.tolist() == [0, 0, 0, 0, 1, 2]


def test_a_class_without_points_is_named_in_the_hint(qtbot, tool):
    start_empty(qtbot, tool)
    tool.class_combo.setCurrentIndex(2)
    for x in (-1, -0.5, 0, 0.5):
        click(qtbot, tool, x, 0)
    click(qtbot, tool, 1, 0, Qt.MouseButton.RightButton)           # right click: class 0
    assert tool.emitted[-1] is None and tool.y.tolist() == [2, 2, 2, 2, 0]
    assert "Class 1 (blue) has no points" in tool.hint.text()


def test_drag_moves_a_point_delete_removes_one_undo_and_clear(qtbot, tool):
    start_empty(qtbot, tool)
    draw_square(qtbot, tool)
    before = tool.X.copy()
    viewport = drag_first_point_up(qtbot, tool)  # press and move; released below
    assert len(tool.emitted) == 4, "a drag emits once, when it ends"
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=pixel(tool, -1, 0.5))
    moved = tool.emitted[-1]
    assert len(tool.emitted) == 5 and len(moved.X) == 4
    assert np.allclose(moved.X[0], [-1, 0.5], atol=2 * pixel_size(tool))
    assert np.array_equal(moved.X[1:], before[1:]) and moved.y.tolist() == [0, 0, 1, 1]
    assert tool.touched == 0
    # Delete removes the point under the mouse
    qtbot.mouseMove(viewport, pos=pixel(tool, 0.5, 1))
    qtbot.keyClick(tool.view, Qt.Key.Key_Delete)
    assert tool.emitted[-1] is None, "three points are too few"
    assert np.array_equal(tool.X, moved.X[[0, 1, 2]])
    # Undo brings it back; undo again reverts the drag
    qtbot.keyClick(tool.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tool.emitted[-1] == moved
    qtbot.mouseClick(tool.undo_button, Qt.MouseButton.LeftButton)
    assert np.array_equal(tool.emitted[-1].X, before)
    # Backspace removes the point touched last (a click on a point touches it without adding one)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pixel(tool, 1, 1))
    assert len(tool.X) == 4 and tool.touched == 2
    qtbot.mouseMove(viewport, pos=pixel(tool, 0, -1.3))     # away from every point
    qtbot.keyClick(tool.view, Qt.Key.Key_Backspace)
    assert np.array_equal(tool.X, before[[0, 1, 3]])
    # Clear empties the plane; Undo brings the points back
    qtbot.mouseClick(tool.clear_button, Qt.MouseButton.LeftButton)
    assert len(tool.X) == 0 and tool.emitted[-1] is None and "0 points" in tool.hint.text()
    assert not tool.view.image.isVisible(), "no decision map of points that are gone"
    assert tool.scatter.getData()[0].size == 0
    tool.undo()
    assert np.array_equal(tool.X, before[[0, 1, 3]])


def test_outside_draw_mode_the_mouse_does_nothing_to_the_points(qtbot, tool):
    tool.set_source(None)
    click(qtbot, tool, 0, 0)
    assert len(tool.X) == 0 and tool.emitted == []
    assert not tool.scatter.isVisible() and not tool.undo_button.isEnabled()


def test_drawing_starts_from_the_generated_dataset_and_hides_the_views_own_points(qtbot, tool):
    exp = load_preset("xor")
    run = make_run(exp)
    view_data = run.view_data()
    tool.view.set_data(*view_data["train"], view_data["task"])
    tool.set_experiment(exp)
    dataset = make_dataset("xor", n_samples=exp["n_samples"], noise=exp["noise"], seed=exp["data_seed"])
    assert np.array_equal(tool.X, dataset.X) and np.array_equal(tool.y, dataset.labels)
    range_before = settled_range(tool)
    (x0, x1), (y0, y1) = range_before
    assert x0 < -1 and x1 > 1 and y0 < -1 and y1 > 1, "the data view shows the whole dataset"
    qtbot.mouseClick(tool.draw_button, Qt.MouseButton.LeftButton)
    assert not tool.view.train_points.isVisible() and tool.scatter.isVisible()
    assert tool.data() == CustomData.from_dataset(dataset).replace(source="drawn")
    click(qtbot, tool, 0.0, 0.0)
    assert tool.emitted[-1].n_samples == dataset.n_samples + 1
    assert settled_range(tool) == range_before, "adding a point keeps the view still"
    # the window hands the drawn data back as the experiment's points: nothing changes
    drawn = tool.emitted[-1]
    tool.view.set_data(drawn.X, drawn.y, drawn.task)
    tool.set_experiment(exp.with_points(drawn))
    assert tool.data() == drawn and settled_range(tool) == range_before
    qtbot.mouseClick(tool.draw_button, Qt.MouseButton.LeftButton)
    assert not tool.drawing and tool.view.train_points.isVisible() and not tool.scatter.isVisible()


def show_sine(tool):
    """The data view showing a regression curve (the sine dataset), as the window draws it."""
    sine = load_preset("xor").replace(dataset="sine")
    view_data = make_run(sine).view_data()
    tool.view.set_data(*view_data["train"], view_data["task"])
    tool.view.set_curve(*view_data["curve"])
    tool.view.refresh()
    tool.set_experiment(sine)
    return sine


def test_regression_data_starts_an_empty_plane_and_a_surface_disables_the_tool(qtbot, tool):
    sine = show_sine(tool)
    qtbot.mouseClick(tool.draw_button, Qt.MouseButton.LeftButton)
    assert len(tool.X) == 0 and "sine is not two-dimensional classes" in tool.hint.text()
    assert not tool.view.fit_curve.isVisible() and tool.view.plot_item.getAxis("left").labelText == "x₂"
    draw_square(qtbot, tool)
    drawn = tool.emitted[-1]
    # the window applies the drawing: the view gets its data and map, the tool gets the points back
    run = make_run(sine.with_points(drawn))
    view_data = run.view_data()
    tool.view.set_data(*view_data["train"], view_data["task"])
    tool.view.set_map(*view_data["map"], view_data["task"], view_data.get("boundary"))
    tool.view.refresh()
    tool.set_experiment(sine.with_points(drawn))
    assert tool.view.image.isVisible() and tool.data() == drawn
    qtbot.mouseClick(tool.draw_button, Qt.MouseButton.LeftButton)
    assert tool.view.train_points.isVisible()
    assert tool.view.plot_item.getAxis("bottom").labelText == "x₁", "the axes of the new data, not the old"
    tool.set_experiment(load_preset("optimizer-race"))
    assert not tool.drawing and not tool.toolbar.isEnabled() and "network experiment" in tool.hint.text()


def test_drawn_points_survive_save_and_load_and_train(qtbot, tool, tmp_path):
    start_empty(qtbot, tool)
    draw_square(qtbot, tool)
    tool.class_combo.setCurrentIndex(2)
    click(qtbot, tool, 0, -1)
    data = tool.emitted[-1]
    exp = load_preset("xor").with_points(data)
    path = exp.save(tmp_path / "drawn.json")
    loaded = load_experiment(path)
    assert loaded.points == data and loaded == exp
    run = make_run(loaded)
    run.step(5)
    snap = run.snapshot()
    assert snap.iteration == 5 and len(snap.train_cost) == 6 and np.isfinite(snap.train_cost).all()


def test_every_control_has_a_tooltip(tool):
    for widget in (tool.toolbar, tool.draw_button, tool.class_combo, tool.undo_button, tool.clear_button, tool.hint):
        assert widget.toolTip(), type(widget).__name__


def test_leaving_draw_mode_without_applying_restores_the_view(qtbot, tool):
    show_sine(tool)
    qtbot.mouseClick(tool.draw_button, Qt.MouseButton.LeftButton)
    assert tool.view.plot_item.titleLabel.text == "Draw your own points"
    click(qtbot, tool, 0, 0)
    qtbot.mouseClick(tool.draw_button, Qt.MouseButton.LeftButton)
    axes = tool.view.plot_item
    assert (axes.getAxis("bottom").labelText, axes.getAxis("left").labelText) == ("input x", "target y")
    assert tool.view.fit_curve.isVisible() and tool.view.train_points.isVisible()
    assert not tool.view.plot_item.vb.state["aspectLocked"], "a curve's axes are not locked to one scale"


def test_imported_points_with_many_named_classes_can_be_drawn_on(qtbot, tool):
    rng = np.random.default_rng(3)
    names = [f"kind {c}" for c in range(8)]
    source = CustomData(rng.normal(size=(40, 2)), np.arange(40) % 8, "multiclass", feature_names=("width", "height"),
                        class_names=names, target_name="kind", source="shapes.csv")
    tool.set_source(source)
    assert tool.class_combo.count() == 8 and tool.class_combo.itemText(7) == "class 7 (kind 7) · blue"
    qtbot.mouseClick(tool.draw_button, Qt.MouseButton.LeftButton)
    assert tool.data() == source.replace(source="drawn")
    tool.class_combo.setCurrentIndex(7)
    assert tool.hint.text().endswith("Left click adds class 7, right click class 0 · drag moves a point · "
                                     "Delete removes · Ctrl+Z undoes")
    click(qtbot, tool, 0, 0)
    data = tool.emitted[-1]
    assert data.class_names == tuple(names) and data.y[-1] == 7 and data.feature_names == ("width", "height")


@pytest.mark.slow
def test_in_a_real_window_the_drawn_points_are_trained_on(qtbot, settings):
    """The window's own tool and wiring: at iteration 0 a click's point becomes the data at once
    (later, the pending-change bar asks first: test_window_features), the network trains on it,
    and the view stays where it was."""
    from gdlab.gui.main_window import MainWindow

    window = MainWindow(load_preset("xor").replace(n_samples=40), settings=settings)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: window._frame is not None, timeout=10_000)
    window.view_tabs.setCurrentWidget(window.data_tab)
    tool = window.draw_tool
    window._redraw()
    qtbot.mouseClick(tool.draw_button, Qt.MouseButton.LeftButton)
    tool.class_combo.setCurrentIndex(2)
    before = settled_range(tool)
    click(qtbot, tool, 0.0, 0.0)
    qtbot.waitUntil(lambda: window.session.latest.experiment.points is not None
                    and window.session.latest.experiment.points.n_samples == 41, timeout=10_000)
    window._redraw()
    points = window.session.latest.experiment.points
    assert points == tool.data() and points.task == "multiclass" and points.y[-1] == 2
    assert settled_range(tool) == before, "the window's new data leaves the view where it was"
    assert tool.scatter.isVisible() and not window.data_view.train_points.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration > 20, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.session.latest.running, timeout=10_000)
    window.close()


def test_redo_after_undo_brings_the_point_back_and_a_new_change_ends_the_redo(qtbot, tool):
    start_empty(qtbot, tool)
    assert not tool.redo_button.isEnabled() and not tool.redo_action.isEnabled()
    click(qtbot, tool, -1, -1)
    click(qtbot, tool, 1, 1)
    drawn = tool.X.copy()
    qtbot.keyClick(tool.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(tool.X, drawn[:1]) and tool.redo_button.isEnabled()
    qtbot.keyClick(tool.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert np.array_equal(tool.X, drawn) and tool.y.tolist() == [0, 0] and not tool.redo_button.isEnabled()
    tool.undo()
    qtbot.mouseClick(tool.redo_button, Qt.MouseButton.LeftButton)
    assert np.array_equal(tool.X, drawn)
    tool.undo()
    click(qtbot, tool, 0, 1)                     # a new change: what was undone cannot come back
    assert not tool.redo() and len(tool.X) == 2 and tool.undo_stack.count() == 2


def test_a_drag_is_one_undo_step_and_a_new_dataset_clears_the_history(qtbot, tool):
    start_empty(qtbot, tool)
    draw_square(qtbot, tool)
    before = tool.X.copy()
    viewport = drag_first_point_up(qtbot, tool)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=pixel(tool, -1, 0.5))
    moved = tool.X.copy()
    assert tool.undo() and np.array_equal(tool.X, before)
    assert tool.redo() and np.array_equal(tool.X, moved)
    assert tool.undo_stack.count() == 5 and tool.undo_button.isEnabled()
    tool.set_source(make_dataset("xor", n_samples=20, seed=1))  # another dataset, while drawing
    assert tool.undo_stack.count() == 0 and not tool.undo() and not tool.redo()
    assert not tool.undo_button.isEnabled() and not tool.undo_action.isEnabled() and len(tool.X) == 20


def test_the_window_handing_back_an_earlier_drawing_keeps_the_history(qtbot, tool):
    """At iteration 0 every change is applied and comes back with a fresh frame, maybe after the
    next change (a late frame): drawn points the history holds are no new dataset."""
    start_empty(qtbot, tool)
    draw_square(qtbot, tool)
    square = tool.emitted[-1]
    click(qtbot, tool, 0, 0)
    five = tool.emitted[-1]
    tool.set_source(square)                      # late: the square comes back after the fifth point
    assert tool.undo_stack.count() == 5 and np.array_equal(tool.X, square.X)
    tool.set_source(five.replace(source="shapes.csv"))     # points the history holds, from a file: new data
    assert tool.undo_stack.count() == 0 and len(tool.X) == 5
