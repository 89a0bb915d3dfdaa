"""Plot hygiene at 1280×800 and 1920×1080: tick labels never overlap (log axes included), and a
window title without a repeated suffix."""
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from gdlab.core.files.presets import load_preset
from gdlab.core.run.sweep import log_spaced, run_sweep
from gdlab.gui.plots.base import LivePlot

TIMEOUT = 15_000


def label_rects(axis) -> list[tuple[QRectF, str]]:
    """The tick labels the axis draws at its current size: (rectangle, text)."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [] if specs is None else [(QRectF(rect), text) for rect, _flags, text in specs[2]]


def overlaps(window) -> list[str]:
    found = []
    for plot in window.findChildren(LivePlot):
        if not plot.isVisible():
            continue
        for name in ("left", "bottom"):
            rects = label_rects(plot.plot_item.getAxis(name))
            for i, (a, text_a) in enumerate(rects):
                for b, text_b in rects[i + 1:]:
                    if a.adjusted(1, 1, -1, -1).intersects(b.adjusted(1, 1, -1, -1)):
                        found.append(f"{plot.plot_item.titleLabel.text!r} {name}: {text_a!r} and {text_b!r}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_no_tick_labels_overlap_on_any_axis(qtbot, make_window, size):
    window = make_window("xor", size=size)
    window.session.step(300)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 300, timeout=TIMEOUT)
    window.cost_plot.set_log(True)
    sweep = run_sweep(load_preset("lr-too-large"), log_spaced(0.001, 2.0, 25), 50)
    problems = []
    for k in range(window.bottom_tabs.count()):
        window.bottom_tabs.setCurrentIndex(k)
        if window.bottom_tabs.widget(k) is window.sweep_view:
            window.sweep_view.show_result(sweep)
        window._redraw()
        QApplication.processEvents()  # the tab's layout settles
        problems += overlaps(window)
    assert not problems, "\n".join(sorted(set(problems)))


@pytest.mark.slow
def test_the_window_title_names_the_experiment_once(make_window):
    window = make_window("lr-just-right")
    window.load_preset("xor")
    assert window.windowTitle() == "gdlab — xor"
    assert window.windowTitle().count("gdlab") == 1


def test_the_crosshair_follows_the_mouse_is_never_exported_and_goes_on_reset(qtbot, make_window, tmp_path):
    import pyqtgraph as pg

    from gdlab.gui.figures.export import export_widget

    window = make_window("lr-just-right")
    window.session.step(10)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 10, timeout=TIMEOUT)
    window._redraw()
    plot, vb = window.cost_plot, window.cost_plot.plot_item.vb
    qtbot.waitUntil(lambda: vb.viewRange()[0][1] >= 9, timeout=TIMEOUT)
    positions = []
    for x in (2, 7):
        plot._on_mouse_moved(vb.mapViewToScene(pg.Point(x, 1.0)))
        assert plot.readout_text().startswith(f"iteration {x}:")
        positions.append(plot.readout.pos().x())
    assert positions == pytest.approx([2, 7]), "the readout moves with the mouse"
    export_widget(plot, tmp_path / "cost.png", size=(400, 300))
    assert not plot.readout_text(), "an export draws no crosshair (and leaves none behind)"
    plot._on_mouse_moved(vb.mapViewToScene(pg.Point(3, 1.0)))
    assert plot.readout_text()
    window.reset()
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 0, timeout=TIMEOUT)
    assert not plot.readout_text(), "a reset clears the crosshair"


@pytest.mark.slow
def test_new_weights_show_their_seed_in_the_weight_seed_field(qtbot, make_window):
    window = make_window("xor")
    window.new_weights()
    qtbot.waitUntil(lambda: window.session.latest.experiment["seed"] != 0, timeout=TIMEOUT)
    seed = window.session.latest.experiment["seed"]
    assert window.panel.fields["seed"].value() == seed and window.experiment["seed"] == seed


@pytest.mark.parametrize("view", ["curve", "cost"])
def test_a_gif_holds_its_last_frame_and_never_relays_out_on_it(qtbot, tmp_path, monkeypatch, view):
    from gdlab.core.io.gif import gif_info
    from gdlab.gui.figures import export

    geometries = []
    original = export.render_image

    def recording(widget, *args, **kwargs):
        plot = widget.plot if hasattr(widget, "readout_numbers") else widget  # the curve view's plot
        geometries.append(plot.geometry())
        return original(widget, *args, **kwargs)

    monkeypatch.setattr(export, "render_image", recording)
    path = export.export_gif(load_preset("lr-just-right"), view, tmp_path / "a.gif", every_k=5, size=(480, 320))
    info = gif_info(path)
    assert info.delays[-1] >= 1500 and info.delays[0] == 100
    assert len(set((g.x(), g.y(), g.width(), g.height()) for g in geometries)) == 1, geometries


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["lr-just-right", "lr-divergent"])
def test_the_cost_curves_iteration_numbers_never_collide(qtbot, make_window, preset):
    window = make_window(preset, playback_speed=0)
    window.session.step(30)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.status != "running"
                    and window.session.latest.snapshot.iteration > 12, timeout=TIMEOUT)
    window._redraw()
    shown = [t for t in window.curve_view.numbers if t.isVisible()]
    assert len(shown) >= 4
    boxes = [t.mapRectToScene(t.boundingRect()) for t in shown]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.adjusted(1, 1, -1, -1).intersects(b.adjusted(1, 1, -1, -1)), \
                [t.textItem.toPlainText() for t in shown]
    assert str(window.session.latest.snapshot.iteration) in [t.textItem.toPlainText() for t in shown]


def test_a_long_title_is_elided_to_its_plot_and_never_widens_it(qtbot):
    plot = LivePlot("Cost")
    qtbot.addWidget(plot)
    plot.resize(320, 240)
    plot.show()
    qtbot.waitExposed(plot)
    long = "Data on its first two principal components, coloured by the predicted class (× wrong)"
    plot.set_title(long)
    QApplication.processEvents()
    shown = plot.plot_item.titleLabel.text
    assert shown.endswith("…") and shown[:-1] in long and plot._title == long  # exports keep the whole title
    assert plot.minimumSizeHint().width() < 320 and plot.width() == 320
    plot.resize(1600, 240)  # room enough: the whole title again
    QApplication.processEvents()
    assert plot.plot_item.titleLabel.text == long
