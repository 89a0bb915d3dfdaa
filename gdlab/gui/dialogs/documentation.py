"""Help → Documentation: gdlab's README rendered offline in a window.

    text, base = readme_source()        # the Markdown, and the folder its pictures are relative to
    DocumentationWindow(parent).show()  # the README in a QTextBrowser; external links open in the browser

Where the README comes from: beside ``resources/`` in a checkout (or a frozen app that ships it
there, as it ships LICENSE), else the installed package's metadata, whose long description *is*
the README (``readme = "README.md"`` in pyproject.toml puts it in every wheel's METADATA). Pictures
under ``docs/`` exist only in a checkout: a picture or a relative link whose file is missing
becomes its text, never a broken-image box or a dead link.
"""
from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

from PySide6.QtCore import QSize, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ...core.files.presets import resources_dir

README = "README.md"
IMAGE_WIDTH = 340  # pictures shown as thumbnails: two side by side still fit the window
MISSING = ("# gdlab\n\nThe documentation is not part of this installation. It is the README.md file "
           "of gdlab's source.")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_REMOTE = ("http://", "https://", "mailto:")


def readme_source() -> tuple[str, Path | None]:
    """(the README's Markdown, the folder its relative paths start from, or None when they have none)."""
    try:
        path = resources_dir().parent / README
        if path.is_file():
            return path.read_text(encoding="utf-8"), path.parent
    except (FileNotFoundError, OSError):
        pass
    try:
        metadata = importlib.metadata.metadata("gdlab")
        text = metadata.get_payload() or metadata["Description"]
        if text and text.strip():
            return str(text), None
    except importlib.metadata.PackageNotFoundError:
        pass
    return MISSING, None


def readable_markdown(text: str, base: Path | None) -> str:
    """``text`` with every picture and relative link whose file is missing under ``base`` turned
    into its own words (a picture's alt text in italics); web links and #anchors stay."""
    def present(target: str) -> bool:
        return base is not None and not target.startswith(("/", "\\")) and (base / target).is_file()

    def image(match: re.Match) -> str:
        alt, target = match.group(1), match.group(2)
        return match.group(0) if present(target) else (f"*{alt}*" if alt else "")

    def link(match: re.Match) -> str:
        words, target = match.group(1), match.group(2)
        if target.startswith(_REMOTE) or target.startswith("#"):
            return match.group(0)
        if present(target):
            return f"[{words}]({QUrl.fromLocalFile(str(base / target)).toString()})"
        return words

    return _LINK.sub(link, _IMAGE.sub(image, text))


class ReadmeBrowser(QTextBrowser):
    """A QTextBrowser that loads the README's pictures from its folder, scaled to thumbnails."""

    def __init__(self, base: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.base = base

    def loadResource(self, kind: int, name: QUrl):  # noqa: N802 (Qt's name)
        if kind == QTextDocument.ResourceType.ImageResource.value and self.base is not None:
            target = name.toLocalFile() if name.isLocalFile() else name.toString()
            image = QImage(str(self.base / target))
            if not image.isNull():
                return image.scaledToWidth(min(IMAGE_WIDTH, image.width()))
        return super().loadResource(kind, name)


class DocumentationWindow(QDialog):
    """The README, rendered: headings, tables, code, and its pictures when this copy has them."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("gdlab documentation")
        text, base = readme_source()
        self.browser = ReadmeBrowser(base)
        self.browser.setOpenLinks(False)  # web links go to the web browser, #anchors scroll here
        self.browser.anchorClicked.connect(self._follow)
        self.browser.setMarkdown(readable_markdown(text, base))
        self.browser.setAccessibleName("gdlab documentation")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        size = QSize(860, 760)
        screen = (parent.screen() if parent is not None else None) or QApplication.primaryScreen()
        if screen is not None:  # fits a 1280×800 projector
            size = size.boundedTo(screen.availableGeometry().size() - QSize(40, 80))
        self.resize(size)

    def plain_text(self) -> str:
        return self.browser.toPlainText()

    @Slot(QUrl)
    def _follow(self, url: QUrl) -> None:
        if url.scheme() in ("", "file") and url.hasFragment() and not url.path():
            self.browser.scrollToAnchor(url.fragment())
        else:
            QDesktopServices.openUrl(url)
