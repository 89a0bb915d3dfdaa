"""No label covers another, in any tab, inspector phase, preset or window size; and the numbers the
inspector must show stay on screen (on the diagram or in the table beside it)."""
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication
from window_labels import TIMEOUT, shown_texts, tabs_of, window_collisions

from gdlab.core.files.presets import load_preset
from gdlab.gui.plots.base import LivePlot
from gdlab.gui.plots.labels import collisions, hide_colliding, scene_labels
from gdlab.gui.plots.network_view import _fmt
from gdlab.gui.plots.trajectories import weight_label

PRESETS = ("xor", "lr-too-small", "lr-just-right", "spiral-deep", "vanishing-gradients")


def _plot_with(qtbot, *placed):
    plot = LivePlot("two labels")
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    plot.plot_item.vb.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    items = []
    for text, x, y in placed:
        item = pg.TextItem(text, anchor=(0, 0))
        item.setPos(x, y)
        plot.plot_item.addItem(item)
        items.append(item)
    qtbot.waitExposed(plot)
    QApplication.processEvents()
    return plot, items


def test_the_checker_catches_two_labels_on_top_of_each_other(qtbot):
    plot, _ = _plot_with(qtbot, ("δ = 0.00742", 5, 5), ("δ = −0.00754", 5.1, 5))
    labels = scene_labels(plot)
    assert {label.text for label in labels} >= {"δ = 0.00742", "δ = −0.00754"}
    pairs = collisions(labels)
    assert len(pairs) == 1 and {pairs[0][0].text, pairs[0][1].text} == {"δ = 0.00742", "δ = −0.00754"}


def test_the_checker_passes_labels_apart_and_ignores_document_margins(qtbot):
    plot, (a, b) = _plot_with(qtbot, ("left", 1, 5), ("right", 6, 5))
    assert collisions(scene_labels(plot)) == []
    # b starts where a's text ends: their boxes overlap by the document margins only
    vb = plot.plot_item.vb
    end = scene_labels(plot)[[lbl.text for lbl in scene_labels(plot)].index("left")].rect.right()
    x = vb.mapSceneToView(plot.mapToScene(int(end) + 1, 0)).x()
    m = a.textItem.document().documentMargin()
    b.setPos(x - vb.viewPixelSize()[0] * m, 5)
    QApplication.processEvents()
    assert b.textItem.boundingRect().width() > 0
    assert collisions(scene_labels(plot)) == []


def test_hide_colliding_keeps_the_first_and_hides_the_one_on_top(qtbot):
    plot, (first, second, third) = _plot_with(qtbot, ("first", 5, 5), ("second", 5.1, 5), ("third", 1, 1))
    hidden = hide_colliding([first, second, third], plot)
    assert hidden == [second] and first.isVisible() and not second.isVisible() and third.isVisible()
    assert collisions(scene_labels(plot)) == []


def _small_diagram_labels(window) -> list[str]:
    """Labels of the network diagrams whose lines are under 14 px high (at a device-pixel ratio of 1):
    the font's height, or for rich text sized by its markup (the plot's title) the line height drawn."""
    small = []
    for view in (window.network_view, window.inspector.network):
        for label in scene_labels(view.plot):
            lines = label.text.count("\n") + 1
            drawn = label.item.boundingRect().height() - 2 * label.item.document().documentMargin()
            height = max(QFontMetricsF(label.item.font()).height(), drawn / lines)
            if height < 14:
                small.append(f"{label.text!r} is {height:.1f} px high")
    return small


def _walk(qtbot, window, preset, failures):
    """Every tab of ``window`` on ``preset`` (paused after a few iterations), every inspector phase."""
    window.load_experiment(load_preset(preset))
    qtbot.waitUntil(lambda: window._frame is not None and window._frame.experiment.name == preset
                    and window._frame.snapshot.iteration == 0, timeout=TIMEOUT)
    window.session.step(5)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 5 and not window._frame.running,
                    timeout=TIMEOUT)
    network = window._frame.snapshot.kind == "network"

    def check(where):
        window._redraw()
        failures.extend(f"{preset} {where}: {c}" for c in window_collisions(window))
        if window.lecture_mode:
            failures.extend(f"{preset} {where}: {s}" for s in _small_diagram_labels(window))

    for t in tabs_of(window.view_tabs):
        if window.view_tabs.widget(t) is not window.inspector:
            window.view_tabs.setCurrentIndex(t)
            check(window.view_tabs.tabText(t))
    for k in tabs_of(window.bottom_tabs):
        window.bottom_tabs.setCurrentIndex(k)
        check(window.bottom_tabs.tabText(k))
    if not network:
        return
    inspector = window.inspector
    window.view_tabs.setCurrentWidget(inspector)
    qtbot.waitUntil(lambda: inspector.trace is not None and inspector.trace.iteration == 5, timeout=TIMEOUT)
    while inspector.phase > 0:
        inspector.back()
    trace = inspector.trace
    for p, phase in enumerate(trace.phases):
        inspector.phase = p
        inspector._show()
        where = f"inspector phase {p + 1} ({phase.kind} {phase.layer})"
        check(where)
        text = shown_texts(window)
        wanted = ["inputs", "output", *trace.input_labels[:trace.layer_sizes[0]],
                  *[f"hidden {h}" for h in range(1, trace.num_layers)]]
        l, i, j = inspector.chosen
        wanted += [weight_label(inspector.chosen), _fmt(trace.W[l][i, j]), _fmt(trace.dW[l][i, j]),
                   _fmt(trace.W_new[l][i, j] - trace.W[l][i, j]), _fmt(trace.W_new[l][i, j])]
        if phase.kind in ("forward", "backward"):
            v = trace.node_values(phase.layer)
            keys = ("delta",) if phase.kind == "backward" else ("a",) if phase.layer == 0 else ("z", "a")
            wanted += [_fmt(v[key][n]) for key in keys for n in range(trace.layer_sizes[phase.layer])]
        failures.extend(f"{preset} {where}: {w!r} not shown" for w in wanted if w not in text)


@pytest.mark.slow
@pytest.mark.parametrize("size, lecture", [((1280, 800), False), ((1400, 860), False), ((1920, 1080), False),
                                           ((1280, 800), True)], ids=["1280x800", "1400x860", "1920x1080",
                                                                      "lecture-1280x800"])
def test_no_label_covers_another_and_the_inspector_shows_what_it_must(qtbot, make_window, size, lecture):
    window = make_window("xor", size=size)
    if lecture:
        window.enter_lecture_mode()
        window.setGeometry(0, 0, *size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=TIMEOUT)
    failures: list[str] = []
    for preset in PRESETS:
        _walk(qtbot, window, preset, failures)
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:60])
