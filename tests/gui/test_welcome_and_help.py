"""The welcome screen's lessons, the keyboard-shortcut sheet (and its PDF) and the About dialog."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QWidget

from gdlab import __version__
from gdlab.core.teaching.lessons import load_lesson
from gdlab.gui.dialogs.help import AboutDialog, ShortcutSheet, app_icon, shortcut_rows, write_pdf
from gdlab.gui.dialogs.welcome import WelcomeDialog, WelcomePanel, remember_welcome, should_show_welcome

CORE_LESSONS = ["one-weight", "backpropagation", "network-descent", "handwriting"]


# -- welcome -----------------------------------------------------------------------------------
@pytest.fixture
def panel(qtbot):
    panel = WelcomePanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_the_four_lesson_buttons_emit_exactly_their_track_names(qtbot, panel):
    assert list(panel.lesson_buttons) == CORE_LESSONS
    emitted = []
    panel.lesson_chosen.connect(emitted.append)
    for name in CORE_LESSONS:
        with qtbot.waitSignal(panel.lesson_chosen, timeout=2000) as blocker:
            qtbot.mouseClick(panel.lesson_buttons[name], Qt.MouseButton.LeftButton)
        assert blocker.args == [name]
    assert emitted == CORE_LESSONS  # one emission per click, nothing else


@pytest.mark.parametrize("name", CORE_LESSONS)
def test_every_lesson_is_a_shipped_lesson_track_that_loads(name):
    assert load_lesson(name).pauses()


def test_each_lesson_button_explains_itself_and_the_panel_says_how_to_export(panel):
    for button in panel.lesson_buttons.values():
        assert len(button.description()) > 30 and button.toolTip()
    labels = " ".join(label.text() for label in panel.findChildren(QLabel))
    assert "Export" in labels and "Ctrl+E" in labels and "right-click" in labels
    assert "Don't show" in panel.dont_show_checkbox.text()


def test_dont_show_again_follows_the_checkbox_and_is_remembered(qtbot, panel, settings):
    assert should_show_welcome(settings)  # first start
    assert panel.dont_show_again is False
    qtbot.mouseClick(panel.dont_show_checkbox, Qt.MouseButton.LeftButton)
    assert panel.dont_show_again is True
    remember_welcome(settings, panel.dont_show_again)
    settings.sync()
    assert not should_show_welcome(settings)
    assert WelcomePanel(show_again=False).dont_show_again is True
    panel.dont_show_again = False
    assert not panel.dont_show_checkbox.isChecked()


def test_explore_on_my_own_emits_dismissed_and_no_preset(qtbot, panel):
    emitted = []
    panel.lesson_chosen.connect(emitted.append)
    with qtbot.waitSignal(panel.dismissed, timeout=2000):
        qtbot.mouseClick(panel.explore_button, Qt.MouseButton.LeftButton)
    assert emitted == []


def test_welcome_dialog_closes_with_the_chosen_lesson(qtbot):
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.panel.lesson_buttons["backpropagation"], Qt.MouseButton.LeftButton)
    assert dialog.chosen_lesson == "backpropagation"
    assert not dialog.isVisible()


# -- shortcuts ---------------------------------------------------------------------------------
@pytest.fixture
def actions(qtbot):
    host = QWidget()
    qtbot.addWidget(host)

    def action(text, keys):
        a = QAction(text, host)
        a.setShortcuts([QKeySequence(k) for k in keys])
        host.addAction(a)
        return a

    action("&Open experiment…", ["Ctrl+O"])
    action("Step one iteration", ["Right", "S"])
    action("Step 10 iterations", ["Shift+Right"])
    action("About gdlab", [])                       # no shortcut: not on the sheet
    action("Start / pause", ["Space"])
    action("Save && quit", ["Ctrl+Q"])
    yield host.actions()  # the host owns the actions: it must outlive the test


EXPECTED_ROWS = [("Ctrl+O", "Open experiment…"), ("→ or S", "Step one iteration"), ("Shift+→", "Step 10 iterations"),
                 ("Space", "Start / pause"), ("Ctrl+Q", "Save & quit")]


def test_shortcut_rows_list_every_action_with_a_shortcut_in_order(actions):
    assert shortcut_rows(actions) == EXPECTED_ROWS
    assert shortcut_rows(actions + actions[:2]) == EXPECTED_ROWS  # an action in two menus: one row


def test_shortcut_sheet_shows_the_rows_in_a_large_table(qtbot, actions):
    sheet = ShortcutSheet(shortcut_rows(actions))
    qtbot.addWidget(sheet)
    sheet.show()
    qtbot.waitExposed(sheet)
    table = sheet.table
    shown = [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]
    assert shown == EXPECTED_ROWS
    assert table.font().pointSize() >= 16
    assert table.item(0, 0).font().bold()
    assert sheet.print_button.isEnabled() and sheet.pdf_button.isEnabled()


def test_shortcut_sheet_saves_a_pdf_atomically(qtbot, actions, tmp_path):
    sheet = ShortcutSheet(shortcut_rows(actions))
    qtbot.addWidget(sheet)
    target = tmp_path / "shortcuts.pdf"
    assert sheet.export_pdf(target) == target
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    assert len(data) > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["shortcuts.pdf"]  # no temporary file left behind


def test_pdf_into_a_missing_folder_fails_cleanly(tmp_path):
    target = tmp_path / "missing" / "shortcuts.pdf"
    with pytest.raises(OSError):
        write_pdf(EXPECTED_ROWS, target)
    assert not target.parent.exists()


# -- about -------------------------------------------------------------------------------------
def test_about_dialog_shows_version_licence_and_credits(qtbot):
    import pyqtgraph
    import PySide6

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert f"gdlab {__version__}" in dialog.title.text()
    licence = dialog.license.toPlainText()
    assert licence.startswith("MIT License") and "gdlab developers" in licence
    assert "Permission is hereby granted" in licence
    assert "Okabe" in dialog.credits.text() and "pyqtgraph" in dialog.credits.text()
    assert PySide6.__version__ in dialog.versions.text() and pyqtgraph.__version__ in dialog.versions.text()


def test_app_icon_holds_every_rendered_size(qapp):
    sizes = {s.width() for s in app_icon().availableSizes()}
    assert {16, 32, 48, 128, 256, 512} <= sizes
