"""The focus layout (F): the inspector takes the plot area; lecture mode uses it for the inspector."""
import pytest
from PySide6.QtCore import Qt

from gdlab.gui.dialogs.help import shortcut_rows

TIMEOUT = 15_000


def diagram_share(window) -> float:
    return window.inspector.network.width() / window.width()


@pytest.mark.slow
def test_f_gives_the_inspector_the_plot_area_and_f_again_brings_the_plots_back(qtbot, window):
    window.view_tabs.setCurrentWidget(window.inspector)
    assert window.cost_plot.isVisible() and diagram_share(window) < 0.6
    qtbot.keyClick(window, Qt.Key.Key_F)
    assert window.focus.active and window.focus_action.isChecked() and window.inspector.focus_button.isChecked()
    assert not window.cost_plot.isVisible() and not window.bottom_tabs.isVisible()
    assert not window.left_scroll.isVisible()
    qtbot.waitUntil(lambda: diagram_share(window) >= 0.6, timeout=TIMEOUT)
    window.inspector.focus_button.click()  # the button does the same
    assert not window.focus.active and window.cost_plot.isVisible() and window.bottom_tabs.isVisible()
    assert window.left_scroll.isVisible() and not window.inspector.focus_button.isChecked()
    assert ("F", "Focus layout") in shortcut_rows(window.actions())


@pytest.mark.slow
def test_lecture_mode_uses_the_focus_layout_while_the_inspector_shows(qtbot, window):
    window.enter_lecture_mode()
    assert not window.focus.active  # the data view: the usual layout
    window.view_tabs.setCurrentWidget(window.inspector)
    assert window.focus.active and not window.cost_plot.isVisible()
    window.view_tabs.setCurrentWidget(window.network_view)
    assert not window.focus.active and window.cost_plot.isVisible()
    window.view_tabs.setCurrentWidget(window.inspector)
    window.leave_lecture_mode()
    assert not window.focus.active and window.cost_plot.isVisible() and window.left_scroll.isVisible()


@pytest.mark.slow
def test_the_chain_rule_never_scrolls_sideways_at_1920x1080(qtbot, make_window):
    window = make_window("spiral-deep", size=(1920, 1080))  # a hidden neuron of 16: the longest sum
    inspector = window.inspector
    with qtbot.waitSignal(window.session.trace_ready, timeout=TIMEOUT):
        window.view_tabs.setCurrentWidget(inspector)
    inspector.choose_weight((1, 3, 5))
    for focus in (False, True):
        window.focus.set_active(focus)
        qtbot.waitUntil(lambda: inspector.chain.width() > 0, timeout=TIMEOUT)
        scroll = inspector.chain.parentWidget().parentWidget()  # the label, its viewport, the scroll area
        assert scroll.horizontalScrollBar().maximum() == 0
        assert inspector.chain.width() <= scroll.viewport().width()
        assert "Σ<sub>k</sub>" in inspector.chain_text()
