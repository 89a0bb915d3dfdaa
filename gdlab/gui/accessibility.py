"""What a screen reader says of the window: every input's name, every view's name and description,
and the order Tab walks the inputs in.

The names come from the declarations the widgets are built from, never from a second list: a
parameter's editor is named by the parameter's label (its tooltip, unit and range describe it:
:mod:`gdlab.gui.panels`), a view by its title in the catalogue (its tip describes it:
:mod:`gdlab.core.views`), an input beside a caption by that caption (:func:`label_for`).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtWidgets import QGraphicsView, QLabel, QWidget

from ..core.views import View

__all__ = ["chain_focus", "describe_view", "label_for", "named"]

W = TypeVar("W", bound=QWidget)


def named(widget: W, text: str, description: str = "") -> W:
    """``widget`` named ``text`` (and described by ``description``, when given) for assistive
    technology; returned, so a builder can name what it returns."""
    widget.setAccessibleName(text)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def label_for(label: QLabel, editor: QWidget, text: str = "") -> None:
    """``label`` is the caption of ``editor``: its buddy (the label's mnemonic focuses the editor
    itself, not a row around it), and the editor's name is ``text``, or else the label's words
    without a trailing colon, unless the editor has a name already."""
    label.setBuddy(editor)
    if not editor.accessibleName():
        editor.setAccessibleName(text or label.text().replace("&", "").rstrip(": "))


def describe_view(widget: QWidget, entry: View) -> None:
    """``widget`` shows the catalogue's view ``entry``: it and each plot inside it that has no name
    of its own are named by the view's title and described by its tip."""
    for plot in [widget, *widget.findChildren(QGraphicsView)]:
        if plot is widget or not plot.accessibleName():
            named(plot, entry.title, entry.tip)


def chain_focus(widgets: Sequence[QWidget]) -> None:
    """Tab moves through ``widgets`` in this order (Qt skips the hidden and disabled ones)."""
    for first, second in zip(widgets, widgets[1:]):
        QWidget.setTabOrder(first, second)
