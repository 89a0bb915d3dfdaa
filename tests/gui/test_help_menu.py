"""Help → Documentation (the README, offline), Report a problem (the clipboard) and About Qt."""
import importlib.metadata

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from gdlab import __version__
from gdlab.gui.dialogs import documentation, help
from gdlab.gui.dialogs.documentation import DocumentationWindow, readable_markdown, readme_source
from gdlab.gui.dialogs.help import ProblemReportDialog, issue_tracker_url, problem_report, shortcut_rows, versions
from gdlab.gui.errors import LOG_ENV, LOG_NAME

TIMEOUT = 15_000


def test_missing_pictures_and_links_become_their_text_and_present_ones_stay(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "here.png").write_bytes(b"")
    text = ("![Shown](docs/here.png) ![Gone](docs/gone.png) ![](docs/gone.png) [a guide](docs/gone.md) "
            "[the web](https://example.org) [up](#top)")
    assert readable_markdown(text, tmp_path) == ("![Shown](docs/here.png) *Gone*  a guide "
                                                 "[the web](https://example.org) [up](#top)")
    assert readable_markdown(text, None).startswith("*Shown* *Gone*")


def test_without_the_checkout_the_readme_comes_from_the_package_metadata(monkeypatch, tmp_path):
    monkeypatch.setattr(documentation, "resources_dir", lambda: tmp_path / "resources")
    text, base = readme_source()
    assert base is None and text.startswith("# gdlab")
    assert text == importlib.metadata.metadata("gdlab").get_payload()


def test_the_documentation_window_shows_the_readme_without_broken_pictures(qtbot, monkeypatch, tmp_path):
    window = DocumentationWindow()
    qtbot.addWidget(window)
    shown = window.plain_text()
    assert "gdlab — the Gradient Descent Lab" in shown and "Keyboard shortcuts" in shown and "Ctrl+Shift+Z" in shown
    assert "](" not in shown and "##" not in shown, "rendered, not Markdown source"
    pictures = readme_source()[0].count("![")
    assert pictures >= 5 and window.browser.document().toHtml().count("<img") == pictures, "a checkout has them"
    monkeypatch.setattr(documentation, "readme_source",
                        lambda: ("# T\n\n![The lab window](docs/screenshot-window.png)\n", None))
    installed = DocumentationWindow()
    qtbot.addWidget(installed)
    assert installed.plain_text().strip() == "T\nThe lab window"
    assert "<img" not in installed.browser.document().toHtml(), "no picture box for a missing picture"


def test_the_report_holds_the_versions_and_the_last_50_log_lines(qapp, monkeypatch, tmp_path):
    monkeypatch.setenv(LOG_ENV, str(tmp_path))
    assert "(empty: gdlab has logged no error)" in problem_report()
    (tmp_path / LOG_NAME).write_text("".join(f"log line {i}\n" for i in range(80)), encoding="utf-8")
    report = problem_report()
    assert versions() in report and f"gdlab {__version__}" in report and "Qt platform offscreen" in report
    assert "log line 30\n" in report and "log line 79\n" in report and "log line 29\n" not in report


class FakeMetadata:
    def __init__(self, urls):
        self.urls = urls

    def get_all(self, name):
        return self.urls if name == "Project-URL" else None


def test_the_report_says_where_to_send_it(qtbot, monkeypatch):
    monkeypatch.setattr(help.importlib.metadata, "metadata",
                        lambda name: FakeMetadata(["Homepage, https://a.example", "Bug Tracker, https://b.example/i"]))
    assert issue_tracker_url() == "https://b.example/i"
    monkeypatch.setattr(help.importlib.metadata, "metadata", lambda name: FakeMetadata(None))
    assert issue_tracker_url() is None
    to_tracker = ProblemReportDialog("the report", "https://b.example/i")
    nowhere = ProblemReportDialog("the report", None)
    for dialog in (to_tracker, nowhere):
        qtbot.addWidget(dialog)
    assert "href='https://b.example/i'" in to_tracker.where.text()
    assert "whoever gave you gdlab" in nowhere.where.text() and nowhere.text.toPlainText() == "the report"


@pytest.mark.qt_log_ignore("does not support raise")  # offscreen: the documentation window is raised again
def test_the_help_menu_opens_each_window_and_the_sheet_lists_undo_and_redo(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setenv(LOG_ENV, str(tmp_path))
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    actions = {a.text().replace("&", ""): a for a in help_menu.actions() if not a.isSeparator()}
    assert list(actions) == ["Welcome and first lessons", "Documentation", "Keyboard shortcuts",
                             "Report a problem…", "About gdlab", "About Qt"]
    assert all(a.toolTip() for a in actions.values())

    actions["Documentation"].trigger()
    docs = window._docs
    assert docs.isVisible() and docs.parent() is window and "Presets and lessons" in docs.plain_text()
    actions["Documentation"].trigger()
    assert window._docs is docs, "one documentation window, raised again"

    QApplication.clipboard().clear()
    actions["Report a problem…"].trigger()
    report = window._report
    assert report.parent() is window and QApplication.clipboard().text() == report.report
    assert versions() in report.report

    called = []
    monkeypatch.setattr(QMessageBox, "aboutQt", lambda parent, title="": called.append((parent, title)))
    actions["About Qt"].trigger()
    assert called == [(window, "About Qt")]

    for dialog in (docs, report):
        dialog.close()
        qtbot.waitUntil(lambda dialog=dialog: not shiboken6.isValid(dialog), timeout=TIMEOUT)
    assert not window.findChildren(QDialog)
    rows = shortcut_rows(window.actions())
    assert ("Ctrl+Z", "Undo (drawn points)") in rows and ("Ctrl+Shift+Z", "Redo (drawn points)") in rows
