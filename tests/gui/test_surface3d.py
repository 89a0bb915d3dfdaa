"""The 3-D cost surface (surface3d): in the window (drag, keys, a run playing, a network's slice) and
exported without one (the path on the surface, the same pixels twice, the experiment inside)."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from gdlab.core.files.presets import load_preset
from gdlab.core.surface.surfaces import get_surface
from gdlab.gui.dialogs.help import shortcut_rows
from gdlab.gui.figures.export import export_experiment, read_figure_experiment
from gdlab.gui.figures.render import build_view, run_experiment
from gdlab.gui.palette import LIGHT, PROJECTOR
from gdlab.gui.plots.labels import overlap

TIMEOUT = 15_000


def _show_3d(qtbot, window):
    window.view_tabs.setCurrentWidget(window.surface3d_view)
    view = window.surface3d_view
    qtbot.waitUntil(lambda: view.canvas.isVisible() and bool(view.painted_labels), timeout=TIMEOUT)
    return view


def test_the_3d_view_costs_nothing_until_shown_then_turns_with_a_drag_and_its_keys(qtbot, make_window):
    window = make_window("optimizer-race", size=(1000, 700))
    view = window.surface3d_view
    assert view._mesh is None and view._grid is None      # built, never computed
    view = _show_3d(qtbot, window)
    assert view._mesh is not None and len(view._mesh.faces) == 40 * 40
    texts = [label.text for label in view.painted_labels]
    assert {"Rosenbrock's valley", "w₁", "w₂", "J"} <= set(texts)
    assert all(overlap(a.rect, b.rect) == 0 for k, a in enumerate(view.painted_labels)
               for b in view.painted_labels[k + 1:])
    before = view.camera
    canvas = view.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(200, 200))
    qtbot.mouseMove(canvas, QPoint(260, 230))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(260, 230))
    assert view.camera.azimuth == pytest.approx(before.azimuth - 60 * 0.4)
    assert view.camera.elevation == pytest.approx(before.elevation + 30 * 0.4)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    assert view.camera == before
    qtbot.keyClick(canvas, Qt.Key.Key_O)
    assert view.orbit.isActive()
    qtbot.waitUntil(lambda: view.camera.azimuth != before.azimuth, timeout=TIMEOUT)
    qtbot.keyClick(canvas, Qt.Key.Key_O)
    assert not view.orbit.isActive()
    rows = shortcut_rows([*window.actions(), *view.actions()])
    assert ("Home", "Reset the 3-D camera") in rows and ("O", "Orbit the 3-D view slowly") in rows
    assert not any(keys in ("Home", "O") for keys, _ in shortcut_rows(window.actions()))  # no clash in the window


def test_playing_a_run_moves_the_ball(qtbot, make_window):
    window = make_window("optimizer-race", size=(1000, 700))
    view = _show_3d(qtbot, window)
    start = view.ball(0)
    window.session.step(30)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 30 and not window._frame.running,
                    timeout=TIMEOUT)
    window._redraw()
    qtbot.waitUntil(lambda: not np.allclose(view.ball(0), start), timeout=TIMEOUT)
    surface = get_surface("rosenbrock")
    w = window._frame.snapshot.w[0]
    assert view.ball(0) == pytest.approx([*w, surface.value(w)])


def test_a_networks_3d_view_shows_the_cost_landscape_tabs_slice(qtbot, window):
    view = _show_3d(qtbot, window)
    qtbot.waitUntil(lambda: view.shown_iteration == window._frame.snapshot.iteration and view._grid is not None,
                    timeout=TIMEOUT)
    xs, ys, Z = view._grid
    assert Z.shape == (len(ys), len(xs)) and np.isfinite(Z).all()
    assert view.axis_names[:2] == tuple(window.landscape_view.weight_a.itemText(k) for k in (0, 1))
    view.canvas.repaint()
    assert {*view.axis_names, "The network's cost over two of its weights"} <= {lbl.text for lbl in view.painted_labels}
    assert all(overlap(a.rect, b.rect) == 0 for k, a in enumerate(view.painted_labels)
               for b in view.painted_labels[k + 1:])


def test_the_exported_path_lies_on_the_surface_at_the_runs_weights(qtbot):
    race = load_preset("optimizer-race").replace(max_iterations=60)
    run = run_experiment(race)
    view = build_view("surface3d", run, race, size=(400, 300))
    qtbot.addWidget(view)
    surface = get_surface("rosenbrock")
    paths = run.history.view("paths")                      # (iterations + 1, runs, 2)
    for k in range(paths.shape[1]):
        points = view.path3d(k)
        assert points[:, :2] == pytest.approx(paths[:, k])
        assert points[:, 2] == pytest.approx(surface.value(paths[:, k]))


def test_the_same_export_twice_gives_the_same_pixels_with_the_experiment_inside(tmp_path):
    race = load_preset("optimizer-race")
    paths = [export_experiment(race, "surface3d", tmp_path / f"s3d-{k}.png", size=(480, 300), iterations=80)
             for k in range(2)]
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert read_figure_experiment(paths[0]) == race.replace(max_iterations=80)


@pytest.mark.parametrize("size, theme", [((520, 300), LIGHT), ((700, 380), PROJECTOR), ((940, 560), LIGHT)],
                         ids=["small", "lecture-1280x800", "1920x1080"])
def test_no_label_of_the_3d_view_covers_another_and_every_axis_is_named(qtbot, size, theme):
    """The sizes the 3-D tab has in a 1280×800 window (lecture mode: the projector theme) and at 1920×1080."""
    race = load_preset("optimizer-race").replace(max_iterations=20)
    view = build_view("surface3d", run_experiment(race), race, theme=theme, size=size)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: bool(view.painted_labels), timeout=TIMEOUT)
    labels = view.painted_labels
    assert {"w₁", "w₂", "J", "Rosenbrock's valley"} <= {lbl.text for lbl in labels}
    assert sum(lbl.text not in ("w₁", "w₂", "J", "Rosenbrock's valley") for lbl in labels) >= 4   # tick values
    assert all(overlap(a.rect, b.rect) == 0 for k, a in enumerate(labels) for b in labels[k + 1:])
    assert all(view.canvas.rect().contains(lbl.rect.toAlignedRect()) for lbl in labels)
