"""The real data in the window: the digits gallery's labels are the run's predictions and never
overlap, and the Data tab offers no point drawing for 64-dimensional images."""
import numpy as np

from gdlab.core.files.presets import load_preset
from gdlab.core.run.data_pictures import gallery
from gdlab.core.run.training import make_run


def test_the_digits_gallery_shows_the_runs_predictions_without_overlapping_labels(qtbot, make_window):
    window = make_window("digits", size=(1280, 800))
    assert not window.draw_tool.toolbar.isVisible() and not window.draw_tool.drawing
    window.session.step(5)
    qtbot.waitUntil(lambda: window._frame.snapshot.iteration == 5, timeout=15_000)
    window._redraw()
    labels = window.data_view.gallery.labels
    run = make_run(window._frame.experiment)
    run.step(5)
    expected = gallery(run)
    names = expected["class_names"]
    assert [label.textItem.toPlainText() for label in labels] == [
        names[p] if p == t else f"{names[p]} (is {names[t]})" for p, t in zip(expected["predicted"], expected["true"])]
    boxes = [label.sceneBoundingRect() for label in labels if label.isVisible()]
    assert len(boxes) == len(labels) == 40
    assert not any(a.intersects(b) for k, a in enumerate(boxes) for b in boxes[k + 1:])
    assert np.count_nonzero(expected["wrong"]) < 40
    window.load_experiment(load_preset("xor"))  # two coordinates: drawing is offered again
    qtbot.waitUntil(lambda: window.draw_tool.toolbar.isVisible(), timeout=15_000)


def test_the_inspectors_delta_column_is_in_sight_after_the_wide_cost_table(qtbot):
    from gdlab.core.teaching.backprop_trace import trace_iteration
    from gdlab.gui.plots.inspector_view import InspectorView

    run = make_run(load_preset("digits"))
    view = InspectorView()
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    view.show_trace(trace_iteration(run, "sample", 10))
    table = view.layer_table
    kinds = [phase.kind for phase in view.trace.phases]
    assert "cost" in kinds and kinds.index("cost") < kinds.index("backward")
    for view.phase in range(len(kinds)):  # the cost table's ŷ column (ten numbers) comes just before δ
        view._show()
        qtbot.wait(0)
        if view.phase_kind == "backward":
            assert table.horizontalScrollBar().value() == 0
            right = table.columnViewportPosition(1) + table.columnWidth(1)
            assert right <= table.viewport().width(), "the δ column's right-aligned numbers are in sight"


def test_the_digits_weight_tiles_fill_a_large_block_clear_of_the_layer_titles(qtbot):
    from gdlab.gui.plots.network_view import NetworkView

    run = make_run(load_preset("digits"))
    view = NetworkView(toolbar=False)
    qtbot.addWidget(view)
    view.resize(800, 500)
    view.show()
    view.set_network([64, 16, 10], [f"p{k}" for k in range(64)])
    view.set_snapshot(run.snapshot(), weight_images=run.weight_images())
    view.refresh()
    view.place_labels()
    tiles = [tile.sceneBoundingRect() for tile in view.weight_tiles]
    assert len(tiles) == 16 and all(tile.isVisible() for tile in view.weight_tiles)
    block = tiles[0].united(tiles[-1])
    assert block.width() >= 0.25 * view.plot.plot_item.vb.width(), "the 4×4 tiles take a quarter of the width"
    titles = [title.sceneBoundingRect() for title in view._titles]
    assert all(title.isValid() and not title.intersects(block) for title in titles)
    assert not any(a.intersects(b) for k, a in enumerate(titles) for b in titles[k + 1:])
