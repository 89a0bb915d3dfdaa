"""The computation-graph tab: built only once shown; N fills node gradients in backward order (B undoes
it, and N keeps its inspector meaning on other tabs); its leaves' ∂J/∂w are the inspector's per-sample
values; no label covers another, or even touches one, in the window or in an exported figure."""
import pytest
from PySide6.QtCore import QRectF, Qt
from window_labels import TIMEOUT, window_collisions

from gdlab.core.files.presets import load_preset
from gdlab.core.run.training import make_run
from gdlab.gui.figures.export import prepared
from gdlab.gui.figures.render import build_view
from gdlab.gui.plots.labels import collisions, scene_labels, text_rect

pytestmark = pytest.mark.slow


def test_stepping_the_graph_fills_gradients_backward_and_matches_the_inspector(qtbot, make_window):
    window = make_window("xor", size=(1280, 800))
    graph = window.graph_view
    assert graph.graph is None and graph.trace is None            # nothing built while hidden
    graph.sample.setValue(2)
    window.view_tabs.setCurrentWidget(graph)
    qtbot.waitUntil(lambda: graph.graph is not None and graph.graph.sample == 2, timeout=TIMEOUT)
    g = graph.graph
    assert graph.phase == 0 and graph.filled == frozenset()
    assert graph.weight_box.currentText() == "W2[1,1]" and g.weight == (1, 0, 0)   # the selector shows its weight
    consumers = {k: {e.target for e in g.edges if e.source == k} for k in range(len(g.nodes))}
    seen: frozenset = frozenset()
    for _ in range(len(g.phases) - 1):
        qtbot.keyClick(window, Qt.Key.Key_N)
        new = graph.filled - seen
        assert new and all(consumers[k] <= seen for k in new)
        seen = graph.filled
    assert seen == frozenset(range(len(g.nodes)))
    window._redraw()
    assert window_collisions(window) == []
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert graph.phase == len(g.phases) - 2
    # the inspector, on the same sample alone: the same ∂J/∂w for every weight
    inspector = window.inspector
    assert inspector.sample.value() == 2
    inspector.mode.setCurrentIndex(1)
    window.view_tabs.setCurrentWidget(inspector)
    qtbot.waitUntil(lambda: inspector.trace is not None and inspector.trace.mode == "sample", timeout=TIMEOUT)
    for (l, i, j), value in g.weight_gradients().items():
        assert value == pytest.approx(float(inspector.trace.dW[l][i, j]), rel=1e-12, abs=1e-300)
    phase = inspector.phase
    qtbot.keyClick(window, Qt.Key.Key_N)                          # N on the inspector is still its own
    assert inspector.phase == phase + 1


def test_a_large_network_shows_the_chosen_weights_paths_without_collisions(qtbot, make_window):
    window = make_window("spiral-deep", size=(1920, 1080))
    graph = window.graph_view
    window.view_tabs.setCurrentWidget(graph)
    qtbot.waitUntil(lambda: graph.graph is not None, timeout=TIMEOUT)
    assert graph.graph.pruned
    graph.weight_box.setCurrentIndex(graph.weight_box.findText("W3[2,3]"))
    assert graph.graph.weight == (2, 1, 2)
    graph.set_phase(-1)
    window._redraw()
    assert window_collisions(window) == []


@pytest.mark.parametrize("size", [(800, 500), (1600, 900)], ids=["800x500", "1600x900"])
def test_an_exported_graph_has_no_labels_touching_or_cut_off(qtbot, size):
    """What ``gdlab export xor --view graph`` draws (sample 1, the start, backward complete), measured as
    it is rendered: no two labels touch (stricter than the 10 % of the window checks), none runs off
    the plot, and the chosen weight's ∂J/∂w is among them."""
    experiment = load_preset("xor")
    widget = build_view("graph", make_run(experiment), experiment)
    try:
        with prepared(widget, size):
            labels = scene_labels(widget.plot)
            assert len(labels) > 60 and collisions(labels) == []
            touching = [(a.text, b.text) for k, a in enumerate(labels) for b in labels[k + 1:]
                        if a.rect.intersects(b.rect)]
            assert touching == []
            screen = QRectF(widget.plot.viewport().rect())
            assert all(screen.contains(text_rect(t.textItem, widget.plot, clip=False)) for t in widget.texts
                       if t.isVisible())
            chosen = widget.graph.weight_node(widget.graph.weight)
            assert widget._grads[chosen].isVisible()
    finally:
        widget.deleteLater()
