"""Walk a lab window through every tab and inspector phase and collect its label collisions and the
labels it shows (for tests; the checker itself is :mod:`gdlab.gui.plots.labels`)."""
from __future__ import annotations

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QApplication, QGraphicsView, QLabel, QTableWidget, QWidget

from gdlab.gui.plots.labels import Label, collisions, scene_labels

TIMEOUT = 15_000


def visible_views(window) -> list[QGraphicsView]:
    return [v for v in window.findChildren(QGraphicsView) if v.isVisible() and v.width() > 0]


def painted_labels(window) -> list[tuple[QWidget, list[Label]]]:
    """The labels of the visible views painted with a QPainter (the 3-D surface), as last painted."""
    from gdlab.gui.plots.surface3d_view import Surface3DView

    found = []
    for view in window.findChildren(Surface3DView):
        if view.isVisible() and view.width() > 0:
            view.canvas.repaint()
            found.append((view.canvas, [Label(lbl.text, lbl.rect, None) for lbl in view.painted_labels]))
    return found


def window_labels(window) -> list[tuple[QWidget, list[Label]]]:
    QApplication.processEvents()
    return [(view, scene_labels(view)) for view in visible_views(window)] + painted_labels(window)


def window_collisions(window) -> list[str]:
    """Every pair of colliding labels of the window's visible plots, described."""
    found = []
    for view, labels in window_labels(window):
        for a, b in collisions(labels):
            found.append(f"{type(view.parent()).__name__ if view.parent() else 'view'}: {a.text!r} "
                         f"{a.rect.getRect()} × {b.text!r} {b.rect.getRect()}")
    return found


def shown_texts(window) -> str:
    """Every label of the visible plots, every cell of the visible tables and the text of every
    visible QLabel, as one text."""
    parts = [label.text for _, labels in window_labels(window) for label in labels]
    doc = QTextDocument()
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.width() > 0:
            doc.setHtml(label.text())
            parts.append(doc.toPlainText())
    for table in window.findChildren(QAbstractItemView):
        if isinstance(table, QTableWidget) and table.isVisible():
            for r in range(table.rowCount()):
                for c in range(table.columnCount()):
                    item = table.item(r, c)
                    if item is not None:
                        parts.append(item.text())
            parts.extend(table.horizontalHeaderItem(c).text() for c in range(table.columnCount())
                         if table.horizontalHeaderItem(c) is not None)
    return "\n".join(parts)


def tabs_of(tabs) -> list[int]:
    return [k for k in range(tabs.count()) if tabs.isTabVisible(k)]
