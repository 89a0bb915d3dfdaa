"""The System theme: the window's default, light or dark as the desktop is, following it live.

The desktop's scheme is read through one function, ``theming.desktop_scheme``; these tests replace
it and emit the style hints' ``colorSchemeChanged`` as the desktop would."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QApplication

from gdlab.gui import theming
from gdlab.gui.palette import DARK, LIGHT, THEMES


def background(plot) -> str:
    return plot.backgroundBrush().color().name().upper()


def desktop_turns(monkeypatch, qtbot, scheme: str) -> None:
    """The desktop switches to ``scheme``: the function System reads says so, and the signal fires."""
    monkeypatch.setattr(theming, "desktop_scheme", lambda: scheme)
    hints = QGuiApplication.styleHints()
    with qtbot.waitSignal(hints.colorSchemeChanged, timeout=1000):
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark if scheme == "dark" else Qt.ColorScheme.Light)


@pytest.fixture
def window(make_window):
    return make_window("lr-just-right")


def test_system_is_the_default_and_follows_the_desktop_live(qtbot, monkeypatch, window, settings):
    assert window.theme_name == "system" and window.theme_actions["system"].isChecked()
    assert window.resolved_theme == "light" and background(window.cost_plot) == LIGHT.background
    window.message.show_message("hello")
    assert LIGHT.panel_background in window.scenario.styleSheet()

    desktop_turns(monkeypatch, qtbot, "dark")
    assert window.theme_name == "system" and window.resolved_theme == "dark"
    # every plot and panel, and the stylesheets, in the dark theme's colours
    assert background(window.cost_plot) == DARK.background
    assert window.curve_view.plot.theme.background == DARK.background
    assert DARK.panel_background in window.scenario.styleSheet()
    assert DARK.info_background in window.message.styleSheet()
    assert DARK.warn_background in window.pending_bar.styleSheet()
    assert DARK.panel_background in window.inspector.caption.styleSheet()
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() != "#ffffff"  # the widgets' palette too
    assert window.settings.value("theme") == "system"  # the choice is saved, not what it stood for

    desktop_turns(monkeypatch, qtbot, "light")
    assert window.resolved_theme == "light" and background(window.cost_plot) == LIGHT.background
    assert LIGHT.panel_background in window.scenario.styleSheet()
    assert LIGHT.info_background in window.message.styleSheet()

    # an explicit theme stays what it is when the desktop changes
    window.theme_actions["projector"].trigger()
    desktop_turns(monkeypatch, qtbot, "dark")
    assert window.resolved_theme == "projector" and window.theme_name == "projector"
    window.theme_actions["system"].trigger()
    assert window.resolved_theme == "dark" and background(window.cost_plot) == DARK.background


def test_a_figure_stays_light_when_the_window_is_dark_by_system(qtbot, monkeypatch, window, tmp_path):
    from gdlab.gui.dialogs.export_dialog import ExportDialog

    desktop_turns(monkeypatch, qtbot, "dark")
    assert background(window.cost_plot) == DARK.background
    dialog = ExportDialog({"Cost": window.cost_plot}, window.experiment, window=window, directory=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.theme.currentText() == "Light", "a figure is light unless asked"
    dialog.what.setCurrentText("Whole window")
    assert dialog.theme.currentText() == "As shown", "a picture of the window is the window"
    dialog.what.setCurrentText("Cost")
    dialog.format.setCurrentText("PNG")
    dialog.width.setValue(200)
    dialog.height.setValue(120)
    path = tmp_path / "cost.png"
    dialog.path.setText(str(path))
    assert dialog.export()
    image = QImage(str(path))
    assert image.pixelColor(3, 3).name().upper() == THEMES["light"].background
    assert background(window.cost_plot) == DARK.background, "the window keeps its own theme"


def test_a_closed_window_no_longer_follows_the_desktop(qtbot, monkeypatch, make_window):
    closed = make_window("lr-just-right")
    closed.close()
    desktop_turns(monkeypatch, qtbot, "dark")  # before the fix: its deleted menu actions raised in the slot
    assert closed.resolved_theme == "light"
