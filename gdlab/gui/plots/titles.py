"""A plot's title that fits its plot: elided with "…" when the plot is too narrow, whole again when
it is wide enough, and never widening the plot past its pane (pyqtgraph gives a title label the
minimum width of its text). The whole title stays in ``_title``, which exports write into the file.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

__all__ = ["FittedTitle"]


class FittedTitle:
    """A mixin of :class:`~gdlab.gui.plots.base.LivePlot`: it uses ``theme``, ``plot_item`` and
    pyqtgraph's ``closed``."""

    def set_title(self, text: str) -> None:
        """The plot's title, elided with "…" when the plot is too narrow for it (the whole title stays
        in ``_title``, which exports write into the file)."""
        self._title = text
        size = self.theme.font_pt + 1
        font = QFont(self.font())
        font.setPointSizeF(size)
        shown, lines = text, text.split("<br>")
        plain = "<" not in text.replace("<br>", "")
        metrics = QFontMetrics(font)
        self._title_need = max(metrics.horizontalAdvance(line) for line in lines) if plain else 0
        room = self._title_room()
        if self.isVisible() and plain and self._title_need > room:  # plain lines: each elided to fit
            shown = "<br>".join(metrics.elidedText(line, Qt.TextElideMode.ElideRight, room) for line in lines)
        self._title_elided = shown != text
        self.plot_item.setTitle(shown, color=self.theme.foreground, size=f"{size}pt")
        label = self.plot_item.titleLabel   # pyqtgraph gives the title a row 30 px high: a second line, or a
        height = label.item.boundingRect().height()   # projector's font, needs more
        label.setMinimumWidth(0)  # a long title must not widen the plot past its pane
        if height > 30:
            label.setMaximumHeight(height)
            self.plot_item.layout.setRowFixedHeight(0, height)

    def _title_room(self) -> int:
        column = self.plot_item.vb.width()  # the title's column is the plot area's, the axes beside it
        return max(40, int(column if column > 0 else self.width()) - 8)

    def _refit_title(self) -> None:
        """Elide the title again, or show it whole, only when the new width calls for it."""
        if getattr(self, "_title", "") and not self.closed and (
                getattr(self, "_title_elided", False) or getattr(self, "_title_need", 0) > self._title_room()):
            self.set_title(self._title)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event is not None and event.oldSize().width() != event.size().width():
            self._refit_title()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._refit_title()  # a tab shown for the first time: its title fitted to its width
