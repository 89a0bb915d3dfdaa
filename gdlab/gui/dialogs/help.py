"""Help: the application icon, the keyboard-shortcut sheet (printable for the lectern), About and
Report a problem.

    rows = shortcut_rows(window.actions())       # [(keys, description), ...] of every QAction with a shortcut
    ShortcutSheet(rows, window).open()           # a large table; Print… and Save as PDF… buttons
    AboutDialog(window).open()                   # version, licence, credits
    report = problem_report()                    # versions, platform, the log's last lines
    ProblemReportDialog(report, issue_tracker_url(), window).open()   # where to send it
"""
from __future__ import annotations

import html
import importlib.metadata
import os
import platform
import uuid
from pathlib import Path
from typing import Iterable

from PySide6.QtCore import QMarginsF, QSize, Qt, Slot
from PySide6.QtGui import QAction, QFont, QIcon, QKeySequence, QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import __version__
from ...core.files.presets import resources_dir
from ..theming import themed_style
from ..widget_builders import push_button, save_file_name

APP_ID = "io.github.gdlab.gdlab"  # the desktop entry, the AppStream id and the installed icon name
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SHEET_POINT_SIZE = 18  # the on-screen table: readable from the back of a lecture hall
PRINT_POINT_SIZE = 20  # printed: A4, read from a step away
# Key names as a person reads them on the sheet ("Shift+→", not "Shift+Right").
_KEY_GLYPHS = {"Right": "→", "Left": "←", "Up": "↑", "Down": "↓"}


# -- the icon ----------------------------------------------------------------------------------
def icons_dir() -> Path:
    return resources_dir() / "icons"


def app_icon() -> QIcon:
    """gdlab's icon with every rendered size, so Qt picks a crisp one for title bar, task bar and dock."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = icons_dir() / f"gdlab-{size}.png"
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    return icon


# -- keyboard shortcuts ------------------------------------------------------------------------
def key_text(sequence: QKeySequence) -> str:
    """A shortcut as the sheet shows it: the platform's own names, arrows as arrows."""
    text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    return "+".join(_KEY_GLYPHS.get(part, part) for part in text.split("+"))  # "Ctrl++" survives the split


def action_text(action: QAction) -> str:
    """An action's menu text without its mnemonic ampersands ("&Open…" -> "Open…", "&&" -> "&")."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """``(keys, description)`` for every action that has a shortcut, in the order given.

    An action with several shortcuts gets one row ("→ or S"); actions without a shortcut, and
    repeats of the same row (an action added to two menus), are left out.
    """
    rows: list[tuple[str, str]] = []
    for action in actions:
        keys = [key_text(s) for s in action.shortcuts() if not s.isEmpty()]
        if not keys:
            continue
        row = (" or ".join(keys), action_text(action))
        if row not in rows:
            rows.append(row)
    return rows


def shortcuts_html(rows: list[tuple[str, str]], point_size: int = PRINT_POINT_SIZE) -> str:
    """The sheet as an HTML table (what is printed and saved as PDF)."""
    body = "".join(f"<tr><td class='keys'>{html.escape(keys)}</td><td>{html.escape(text)}</td></tr>"
                   for keys, text in rows)
    return (f"<html><head><style>body {{ font-size: {point_size}pt; }} "
            "td { padding: 6px 18px 6px 0; border-bottom: 1px solid #BBBBBB; } "
            "td.keys { font-weight: bold; white-space: nowrap; }</style></head>"
            f"<body><p style='font-size: {round(point_size * 1.2)}pt; font-weight: bold'>"
            f"gdlab {html.escape(__version__)}: keyboard shortcuts</p>"
            f"<table cellspacing='0' width='100%'>{body}</table></body></html>")


def write_pdf(rows: list[tuple[str, str]], path: str | os.PathLike) -> Path:
    """Print the sheet to a PDF file (A4, large type), atomically: a reader never sees half a file."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise OSError(f"cannot write {target}: the folder {folder} does not exist or is not writable")
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp))
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))  # the document adds 2 cm
    printer.setDocName("gdlab keyboard shortcuts")
    try:
        _document(rows).print_(printer)
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise OSError(f"cannot write {target}: the PDF was not written (is the folder writable?)")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _document(rows: list[tuple[str, str]]) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(shortcuts_html(rows))
    return doc


class ShortcutSheet(QDialog):
    """Every keyboard shortcut in a large, readable table; Print… and Save as PDF… for the lectern."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.rows = list(rows)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(self.rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setStyleSheet("QTableWidget::item { padding: 2px 14px; }")
        font = QFont(self.font())
        font.setPointSize(SHEET_POINT_SIZE)
        bold = QFont(font)
        bold.setBold(True)
        self.table.setFont(font)
        self.table.horizontalHeader().setFont(bold)
        for r, (keys, text) in enumerate(self.rows):
            key_item = QTableWidgetItem(keys)
            key_item.setFont(bold)
            self.table.setItem(r, 0, key_item)
            self.table.setItem(r, 1, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()

        self.print_button = push_button("Print…", "Print this sheet (large type) to keep at the lectern.",
                                        self.print_sheet)
        self.pdf_button = push_button("Save as PDF…", "Save this sheet as a PDF file.", self.save_pdf_dialog)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        want = QSize(720, min(900, 140 + sum(self.table.rowHeight(r) for r in range(len(self.rows)))))
        screen = (parent.screen() if parent is not None else None) or QApplication.primaryScreen()
        if screen is not None:  # a 1280×800 projector: the sheet fits, and its table scrolls
            want = want.boundedTo(screen.availableGeometry().size() - QSize(40, 80))
        self.resize(want)

    def export_pdf(self, path: str | os.PathLike) -> Path:
        return write_pdf(self.rows, path)

    @Slot()
    def save_pdf_dialog(self) -> None:
        path = save_file_name(self, "Save shortcuts as PDF", "gdlab-shortcuts.pdf", "PDF files (*.pdf)")
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            self.export_pdf(path)
        except OSError as exc:
            QMessageBox.warning(self, "Could not save the PDF", str(exc))

    @Slot()
    def print_sheet(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print keyboard shortcuts")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            _document(self.rows).print_(printer)


# -- About -------------------------------------------------------------------------------------
def license_text() -> str:
    """The MIT licence text shipped with this copy of gdlab (checkout, frozen app or wheel)."""
    try:
        path = resources_dir().parent / "LICENSE"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        pass
    try:
        for file in importlib.metadata.distribution("gdlab").files or []:
            if file.name.startswith("LICENSE"):
                return file.read_text(encoding="utf-8")
    except importlib.metadata.PackageNotFoundError:
        pass
    return "MIT License. (The licence file is missing from this installation.)"


def versions() -> str:
    """One line for bug reports: gdlab and the libraries it runs on."""
    import numpy
    import pyqtgraph
    import PySide6
    from PySide6.QtCore import qVersion

    return (f"gdlab {__version__} · Python {platform.python_version()} · PySide6 {PySide6.__version__} "
            f"(Qt {qVersion()}) · pyqtgraph {pyqtgraph.__version__} · NumPy {numpy.__version__} · "
            f"{platform.system()} {platform.machine()}")


CREDITS = (
    "Written by the gdlab developers. Built with Qt for Python (PySide6), pyqtgraph and NumPy.<br>"
    "Colours: Okabe &amp; Ito's palette, distinguishable with the common colour-vision deficiencies.<br>"
    "Notation after Michael Nielsen's <i>Neural Networks and Deep Learning</i>; optimiser conventions "
    "after torch.optim."
)


class AboutDialog(QDialog):
    """Version, what gdlab is for, the licence and the credits."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About gdlab")
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title = QLabel(f"<h2 style='margin:0'>gdlab {html.escape(__version__)}</h2>"
                            "<p style='margin-top:2px'>the Gradient Descent Lab</p>"
                            "<p>Backpropagation computes ∂J/∂w; gradient descent uses it: "
                            "w ← w − α·∂J/∂w.</p>")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.credits = QLabel(f"<p>{CREDITS}</p><p><b>Licence:</b> MIT, free to use, copy, change and "
                              "share (text below).</p>")
        self.credits.setTextFormat(Qt.TextFormat.RichText)
        self.credits.setWordWrap(True)
        self.versions = QLabel(html.escape(versions()))
        self.versions.setWordWrap(True)
        self.versions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.versions.setToolTip("Copy this line into a bug report.")
        themed_style(self.versions, "QLabel { color: $muted; }")
        self.license = QPlainTextEdit(license_text())
        self.license.setReadOnly(True)
        self.license.setMaximumHeight(150)
        self.license.setToolTip("The licence under which gdlab is distributed.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.credits)
        layout.addWidget(self.versions)
        layout.addWidget(self.license)
        layout.addWidget(buttons)
        self.resize(560, 480)


# -- Report a problem --------------------------------------------------------------------------
LOG_LINES = 50
TRACKER_LABELS = {"issues", "issue tracker", "bug tracker", "bugs", "bug reports", "tracker"}
NO_TRACKER = "to whoever gave you gdlab (a teacher, a colleague, the person who installed it)"


def issue_tracker_url() -> str | None:
    """The issue tracker named in the installed package's metadata (a ``Project-URL`` labelled
    Issues, Bug Tracker, ...), or None: pyproject.toml names none until there is a public home."""
    try:
        entries = importlib.metadata.metadata("gdlab").get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in entries:
        label, _, url = entry.partition(",")
        url = url.strip()
        if label.strip().lower().replace("-", " ") in TRACKER_LABELS and url.startswith(("https://", "http://")):
            return url
    return None


def log_tail(lines: int = LOG_LINES) -> tuple[Path, list[str]]:
    """(the log file, its last ``lines`` lines); no lines when nothing was ever logged."""
    from ..errors import LOG_NAME, log_dir

    path = log_dir() / LOG_NAME
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, path.stat().st_size - 200 * lines))  # enough bytes for the last lines
            tail = handle.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        tail = []
    return path, tail[-lines:]


def problem_report() -> str:
    """What a bug report needs: the versions, the platform and the last lines of gdlab's log."""
    path, tail = log_tail()
    platform_name = QApplication.platformName() if QApplication.instance() is not None else "none"
    log = "\n".join(tail) if tail else "(empty: gdlab has logged no error)"
    return (f"What happened (please describe):\n\n\n-- versions --\n{versions()}\n"
            f"{platform.platform()} · Qt platform {platform_name}\n\n"
            f"-- the last {LOG_LINES} lines of {path} --\n{log}\n")


class ProblemReportDialog(QDialog):
    """Says the report is on the clipboard and where to send it, and shows what it holds."""

    def __init__(self, report: str, tracker: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Report a problem")
        self.report = report
        where = (f"to gdlab's issue tracker: <a href='{html.escape(tracker)}'>{html.escape(tracker)}</a>"
                 if tracker else html.escape(NO_TRACKER))
        self.where = QLabel(f"<p>A report is on the clipboard: the versions, the platform and the last lines "
                            f"of gdlab's log. Paste it into a message, say what you did and what happened, "
                            f"and send it {where}.</p>")
        self.where.setTextFormat(Qt.TextFormat.RichText)
        self.where.setWordWrap(True)
        self.where.setOpenExternalLinks(True)
        self.text = QPlainTextEdit(report)
        self.text.setReadOnly(True)
        self.text.setToolTip("The report on the clipboard: nothing else is sent anywhere.")
        copy = push_button("Copy again", "Put the report on the clipboard again.", self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(copy)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.text, 1)
        layout.addLayout(row)
        self.resize(640, 460)

    @Slot()
    def copy(self) -> None:
        QApplication.clipboard().setText(self.report)
