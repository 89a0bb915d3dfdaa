"""The draw tool's mouse and keys (:class:`DrawMouse`, a base of
:class:`~gdlab.gui.plots.draw_tool.DrawTool`): in draw mode a left click adds a point of the current
class, a right click one of the other class, a drag moves a point, Delete/Backspace remove, Ctrl+Z
undoes and Ctrl+Shift+Z redoes; the middle button and the wheel still pan and zoom.

The tool installs itself as the event filter of the data view and its viewport; this class holds
the filter and what it calls.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from shiboken6 import isValid

HIT_PIXELS = 9.0                       # a click within this many pixels of a point touches it
DRAG_PIXELS = 3.0                      # a press moves a point once the mouse has gone this far


class DrawMouse:
    """Mouse and key handling of the draw tool; the tool supplies ``view``, ``X``, ``drawing``,
    ``touched``, ``_drag``, ``_viewport`` and the edits (``add_point``, ``move_point``, ``edit``,
    ``undo``, ``redo``, …)."""

    view: Any
    X: np.ndarray

    # -- the mouse and the keys -------------------------------------------------------------------------
    def _view_point(self, scene: QPointF) -> tuple[float, float]:
        p = self.view.plot_item.vb.mapSceneToView(scene)
        return p.x(), p.y()

    def _inside(self, scene: QPointF) -> bool:
        return self.view.plot_item.vb.sceneBoundingRect().contains(scene)

    def _point_at(self, scene: QPointF) -> int | None:
        """The point nearest to a scene position, if within HIT_PIXELS pixels of it."""
        if not len(self.X) or not self._inside(scene):
            return None
        x, y = self._view_point(scene)
        pw, ph = self.view.plot_item.vb.viewPixelSize()         # data units per pixel
        d2 = ((self.X[:, 0] - x) / pw) ** 2 + ((self.X[:, 1] - y) / ph) ** 2
        i = int(np.argmin(d2))
        return i if d2[i] <= HIT_PIXELS ** 2 else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Events also arrive while the view is being destroyed (the tool is its child): compare
        # with the kept wrappers, and touch the view only when it is still alive.
        if not self.drawing or not isValid(self.view):
            return False
        kind = event.type()
        if watched is self._viewport:
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
                return self._press(event)
            if kind == QEvent.Type.MouseMove:
                return self._move(event)
            if kind == QEvent.Type.MouseButtonRelease:
                return self._release(event)
            if kind == QEvent.Type.ContextMenu:
                return self._inside(self.view.mapToScene(event.pos()))
            return False
        if watched is self.view and kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return self._key(event, kind == QEvent.Type.ShortcutOverride)
        return False

    def _press(self, event: QMouseEvent) -> bool:
        button = event.button()
        if button not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return False                                  # the middle button pans, as always
        scene = self.view.mapToScene(event.position().toPoint())
        if not self._inside(scene):
            return False
        self.view.setFocus(Qt.FocusReason.MouseFocusReason)
        hit = self._point_at(scene)
        if button == Qt.MouseButton.LeftButton and hit is not None:
            self._drag = {"index": hit, "start": event.position(), "moved": False}
            self.touched = hit
            self._show_points()
            return True
        x, y = self._view_point(scene)
        self.add_point(x, y, self.current_class if button == Qt.MouseButton.LeftButton else self.other_class())
        return True

    def _move(self, event: QMouseEvent) -> bool:
        scene = self.view.mapToScene(event.position().toPoint())
        drag = self._drag
        if drag is None:
            over = self._point_at(scene) is not None
            self.view.viewport().setCursor(Qt.CursorShape.OpenHandCursor if over else Qt.CursorShape.CrossCursor)
            return False
        if not drag["moved"]:
            delta = event.position() - drag["start"]
            if abs(delta.x()) + abs(delta.y()) < DRAG_PIXELS:
                return True
            drag["moved"] = True
            drag["before"] = (self.X, self.y)   # move_point replaces X, never changes it in place
            self.view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        x, y = self._view_point(scene)
        self.move_point(drag["index"], x, y)
        return True

    def _release(self, event: QMouseEvent) -> bool:
        drag, self._drag = self._drag, None
        if drag is None:
            return event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton) and \
                self._inside(self.view.mapToScene(event.position().toPoint()))
        if drag["moved"]:
            self.view.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            self.edit("Move a point", self.X, self.y, touched=drag["index"], before=drag["before"])
        return True

    def _key(self, event: QKeyEvent, override: bool) -> bool:
        key, mods = event.key(), event.modifiers()
        control = key == Qt.Key.Key_Z and mods & Qt.KeyboardModifier.ControlModifier
        redo = control and mods & Qt.KeyboardModifier.ShiftModifier
        undo = control and not redo
        delete = key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods & ~Qt.KeyboardModifier.KeypadModifier
        if not (undo or redo or delete):
            return False
        if override:              # these keys are ours while drawing, before any window shortcut
            event.accept()
            return True
        if undo:
            self.undo()
        elif redo:
            self.redo()
        else:
            self.delete_point()
        return True
