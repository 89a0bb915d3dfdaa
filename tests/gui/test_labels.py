"""No label covers another, in any tab, inspector phase, preset or window size; and the numbers the
inspector must show stay on screen (on the diagram or in the table beside it)."""
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from gdlab.gui.plots.base import LivePlot
from gdlab.gui.plots.labels import collisions, hide_colliding, scene_labels


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
