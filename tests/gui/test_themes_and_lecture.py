"""Themes switch every existing plot at once; lecture mode narrates; the text scales."""
import pytest
from PySide6.QtCore import Qt

from gdlab.core.files.presets import load_preset
from gdlab.gui.main_window import MainWindow
from gdlab.gui.palette import THEMES

TIMEOUT = 15_000
pytestmark = pytest.mark.slow  # every test here opens a lab window


@pytest.fixture
def window(make_window):
    return make_window("lr-just-right")


def tick_font(plot):
    return plot.plot_item.getAxis("bottom").style["tickFont"].pointSize()


def test_switching_theme_changes_pens_and_fonts_of_existing_plots(window):
    curve = window.cost_plot.curves[0]
    assert curve.opts["pen"].widthF() == THEMES["light"].line_width
    assert tick_font(window.cost_plot) == THEMES["light"].tick_pt
    window.theme_actions["projector"].trigger()
    assert curve.opts["pen"].widthF() == THEMES["projector"].line_width
    assert tick_font(window.cost_plot) == THEMES["projector"].tick_pt
    assert tick_font(window.trajectory_plot.plot) == THEMES["projector"].tick_pt
    window.theme_actions["dark"].trigger()
    assert window.cost_plot.backgroundBrush().color().name().upper() == THEMES["dark"].background.upper()
    assert window.settings.value("theme") == "dark"


def test_text_scale_keys(qtbot, window):
    before = tick_font(window.cost_plot)
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert tick_font(window.cost_plot) > before
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert tick_font(window.cost_plot) == before and window.text_scale == 1.0


def test_lecture_mode_narrates_the_step_and_esc_leaves(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.lecture_mode and window.isFullScreen() and window.theme_name == "projector"
    assert not window.left_scroll.isVisible() and window.lecture_caption.isVisible()
    assert "Esc" in window.lecture_keys.text()
    window.session.step(2)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 2, timeout=TIMEOUT)
    window._redraw()
    s = window.session.latest.snapshot
    text = window.lecture_caption.text()
    assert text.startswith("Iteration 2: the gradient is") and "α is 0.250" in text
    assert ("moves left" in text) == (s.w_next[0, 0] < s.w[0, 0])
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.lecture_mode and window.theme_name == "system" and window.left_scroll.isVisible()
    assert window.resolved_theme == "light"
    assert not window.isFullScreen()


def test_quitting_in_lecture_mode_starts_the_next_window_as_it_was_before(qtbot, settings):
    """The lecture ends with Ctrl+Q while full screen: the next start is a normal window with
    its parameter panel and the theme chosen before, not a full screen one."""
    first = MainWindow(load_preset("lr-just-right"), settings=settings)
    qtbot.addWidget(first)
    first.resize(1100, 700)
    first.show()
    qtbot.waitUntil(lambda: first._frame is not None, timeout=TIMEOUT)
    before = first.saveGeometry()
    first.enter_lecture_mode()
    assert first.isFullScreen()
    first.close()
    assert settings.value("geometry") == before
    second = MainWindow(load_preset("lr-just-right"), settings=settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitUntil(lambda: second._frame is not None, timeout=TIMEOUT)
    assert not second.isFullScreen()
    assert second.left_scroll.isVisible() and second.theme_name == "system"
    second.close()
