"""The draw tool's words and controls (:class:`DrawHints`, a base of
:class:`~gdlab.gui.plots.draw_tool.DrawTool`): the hint line under the toolbar (what the points are
now, what the mouse does), the class picker's entries, and the small widgets they use.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from ..palette import BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILLION, class_color

_COLOR_WORDS = {ORANGE: "orange", BLUE: "blue", GREEN: "green", PURPLE: "purple", VERMILLION: "vermillion",
                SKY: "sky blue"}
_KEYS_HINT = "Left click adds {left}, right click {right} · drag moves a point · Delete removes · Ctrl+Z undoes"


class DrawHints:
    """The hint line and the class picker of the draw tool; the tool supplies the points (``X``,
    ``class_names``, ``data()``), the draw mode and the controls (``hint``, ``class_combo``, …)."""

    class_names: list[str]
    X: np.ndarray
    hint: Any
    class_combo: Any

    def _class_words(self, c: int) -> str:
        name = self.class_names[c]
        colour = _COLOR_WORDS.get(class_color(c), "")
        label = f"class {c}" if name == str(c) else f'class {c} "{name}"'
        return f"{label} ({colour})" if colour else label

    @Slot()
    def _update_controls(self, *_args) -> None:
        self._update_history()
        self.clear_button.setEnabled(self.drawing and bool(len(self.X)))
        self.class_combo.setEnabled(self.drawing)
        if not self.toolbar.isEnabled():
            return
        if not self.drawing:
            self.hint.setText("Press Draw points to add, move and remove training points with the mouse.")
            return
        data = self.data()
        keys = _KEYS_HINT.format(left=f"class {self.current_class}", right=f"class {self.other_class()}")
        if data is None:
            empty = self.source_note and not len(self.X)
            start = f"Drawing from an empty plane ({self.source_note}). " if empty else ""
            self.hint.setText(f"{start}{self.reason}\n{keys}")
        else:
            counts = np.bincount(data.y, minlength=data.n_classes)
            per_class = ", ".join(f"{counts[c]} {_COLOR_WORDS.get(class_color(c), f'class {c}')}"
                                  for c in range(data.n_classes))
            self.hint.setText(f"{data.n_samples} points ({per_class}): {data.task}.\n{keys}")

    def _name_classes(self) -> None:
        """One picker entry per class name (the current class kept if it still exists)."""
        current = max(0, self.class_combo.currentIndex())
        self.class_combo.blockSignals(True)
        while self.class_combo.count() > len(self.class_names):
            self.class_combo.removeItem(self.class_combo.count() - 1)
        while self.class_combo.count() < len(self.class_names):
            self.class_combo.addItem(_disc(class_color(self.class_combo.count())), "")
        self.class_combo.setCurrentIndex(min(current, self.class_combo.count() - 1))
        self.class_combo.blockSignals(False)
        for c, name in enumerate(self.class_names):
            colour = _COLOR_WORDS.get(class_color(c), "")
            text = f"class {c}" + (f" ({name})" if name != str(c) else "") + (f" · {colour}" if colour else "")
            self.class_combo.setItemText(c, text)
            tip = f"A left click adds a point of class {c}, drawn in {colour or 'its colour'}."
            self.class_combo.setItemData(c, tip, Qt.ItemDataRole.ToolTipRole)


class HintLabel(QLabel):
    """A word-wrapped line of help that is always three lines high: a longer or shorter text must not
    resize the data view below it (its aspect is locked, so a new height would move the axes)."""

    LINES = 3  # the data tab is narrow at 1280×800: the counts, then the keys over two lines

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def hasHeightForWidth(self) -> bool:
        return False

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        height = self.LINES * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom() + 2
        return QSize(super().sizeHint().width(), height)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())


def _disc(color: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color))
    painter.setPen(QColor("#FFFFFF"))
    painter.drawEllipse(1, 1, 12, 12)
    painter.end()
    return QIcon(pixmap)
