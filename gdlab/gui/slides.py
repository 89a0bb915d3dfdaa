"""Lesson slides: each pause of a lesson as one 16:9 picture for a projector.

A slide has the pause's caption large on top (under a small line with the lesson's title and the
pause's number) and, filling the rest, the view or views the pause's step shows or highlights:
the view it names (``view``, or the inspector for ``inspect``), the one it frames (``highlight``),
or the view its ``export`` names alone. A pause whose step names no view shows the cost plot beside
the view(s) of the pause before it. Views are drawn in the projector theme at the size they take
on the slide, without their buttons; no menus, no parameter panel. A highlighted view's frame is
drawn in the margin around the view, so it never covers an axis label or a marker.
"""
from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QTabWidget, QWidget

from ..core.teaching.lessons import BOTTOM_VIEWS, TOP_VIEWS, Lesson
from .figures.figure_encode import render_image
from .figures.figure_prepare import prepared
from .palette import BLUE, PROJECTOR, VERMILLION

SLIDE_SIZE = (1920, 1080)
TEXT_SCALE = 1.5          # a view's widget text (tables, captions) on a 1080-pixel slide
FRAME = 6                  # the highlight frame's width in pixels (at 1080 pixels high)


class SlideWindow(Protocol):
    """What a slide needs of a window: its views and the tabs that hold them. The lab window
    (:class:`~gdlab.gui.main_window.MainWindow`) is one; this module does not import it."""

    tab_pages: dict[str, QWidget]   # each tab's page by its view name (gdlab.core.views)
    data_view: QWidget
    cost_plot: QWidget
    view_tabs: QTabWidget
    bottom_tabs: QTabWidget


def slide_views(lesson: Lesson, k: int) -> list[str]:
    """The views slide ``k`` (0-based pause) shows, at most two, the main one last."""
    pauses = lesson.pauses()
    pause = pauses[k]
    if pause.export != "window":
        return [pause.export]
    step = lesson.steps[pause.step - 1]
    named: list[str] = []
    for name in (step.highlight, step.view, "inspector" if step.inspect is not None else None):
        if name and name not in named:
            named.append(name)
    if not named:
        before = [v for v in slide_views(lesson, k - 1) if v != "cost"] if k > 0 else []
        named = ["cost", *(before[-1:] or [pause.view])]
    return named[-2:]


def view_widget(window: SlideWindow, name: str, tab: bool = False) -> QWidget:
    """The widget of a lesson's view name: the figure (``tab=False``) or the tab page that holds it."""
    if name == "cost":
        return window.cost_plot
    if name == "data" and not tab:
        return window.data_view
    return window.tab_pages[name]


def _show_tab(window: SlideWindow, name: str) -> bool:
    """Put the view's tab on show; False if it has none fit for the experiment."""
    if name not in TOP_VIEWS and name not in BOTTOM_VIEWS:
        return True
    tabs = window.view_tabs if name in TOP_VIEWS else window.bottom_tabs
    index = tabs.indexOf(view_widget(window, name, tab=True))
    if index < 0 or not tabs.isTabVisible(index):
        return False
    tabs.setCurrentIndex(index)
    return True


def render_slide(window: SlideWindow, views: list[str], caption: str, header: str,
                 size: tuple[int, int] = SLIDE_SIZE, highlight: str | None = None) -> QImage:
    """The slide as an image of ``size``: ``header`` and ``caption`` on top, ``views`` below."""
    W, H = size
    theme = PROJECTOR
    margin = round(H * 0.025)
    frame = max(3, round(FRAME * H / 1080))
    image = QImage(W, H, QImage.Format.Format_RGB32)
    image.fill(QColor(theme.background))
    painter = QPainter(image)
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        small, large = QFont(), QFont()
        small.setPixelSize(max(10, round(H * 0.022)))
        large.setPixelSize(max(14, round(H * 0.04)))
        painter.setPen(QColor("#555555"))
        painter.setFont(small)
        head = painter.boundingRect(QRect(margin, margin, W - 2 * margin, H), Qt.TextFlag.TextWordWrap, header)
        painter.drawText(head, Qt.TextFlag.TextWordWrap, header)
        painter.setPen(QColor(theme.foreground))
        painter.setFont(large)
        flags = int(Qt.TextFlag.TextWordWrap)
        text = painter.boundingRect(QRect(margin, head.bottom() + margin // 2, W - 2 * margin, H), flags, caption)
        painter.drawText(text, flags, caption)
        painter.setPen(QPen(QColor(BLUE), max(2, frame // 2)))
        rule = text.bottom() + margin // 2
        painter.drawLine(margin, rule, W - margin, rule)
        shown = [v for v in views if _show_tab(window, v)] or [views[-1]]
        area = QRect(margin, rule + margin // 2, W - 2 * margin, H - rule - margin // 2 - margin)
        shares = [1.0] if len(shown) == 1 else ([0.38, 0.62] if shown[0] == "cost" else [0.5, 0.5])
        x = area.left()
        for name, share in zip(shown, shares):
            width = round(area.width() * share) - (margin // 2 if len(shown) > 1 else 0)
            cell = QRect(x, area.top(), width, area.height())
            x += width + margin
            inner = cell.adjusted(frame + 2, frame + 2, -frame - 2, -frame - 2)  # room for the frame around it
            widget = view_widget(window, name)
            font = widget.font()
            larger = QFont(font)
            larger.setPointSizeF(font.pointSizeF() * TEXT_SCALE * H / 1080)  # tables and captions of a view, too
            widget.setFont(larger)
            try:
                with prepared(widget, (inner.width(), inner.height()), theme):
                    picture = render_image(widget, (inner.width(), inner.height()), 1.0, theme)
            finally:
                widget.setFont(font)
            painter.drawImage(inner.topLeft(), picture)
            if name == highlight:
                pen = QPen(QColor(VERMILLION), frame)
                pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
                painter.setPen(pen)
                half = frame / 2
                painter.drawRect(QRectF(cell).adjusted(half, half, -half, -half))
    finally:
        painter.end()
    return image
