"""The draw tool's undo history (:class:`DrawHistory`, a base of
:class:`~gdlab.gui.plots.draw_tool.DrawTool`): every change to the points is a :class:`PointsEdit`
on the tool's :class:`QUndoStack`, holding the point sets before and after it; Undo (Ctrl+Z) and
Redo (Ctrl+Shift+Z) walk the stack, as buttons and as actions of the toolbar.
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np
from PySide6.QtCore import Slot
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand


class DrawHistory:
    """Undo and Redo of the draw tool; the tool supplies the points (``X``, ``y``, ``touched``),
    ``undo_stack``, ``drawing``, the controls (``toolbar``, ``undo_button``, ``redo_button``,
    ``undo_action``, ``redo_action``), ``_drag`` and ``_changed``."""

    X: np.ndarray
    y: np.ndarray
    undo_stack: Any
    toolbar: Any

    def _history_action(self, text: str, keys: str, slot) -> QAction:
        """Undo or Redo as an action of the toolbar: its keys work anywhere in the toolbar's window
        while drawing, and the window lists it on the shortcut sheet."""
        action = QAction(text, self.toolbar)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        return action

    @Slot()
    def _update_history(self, *_args) -> None:
        """Undo and Redo (buttons and keys) work while drawing, when there is something to undo or redo."""
        can_undo = self.drawing and self.undo_stack.canUndo()
        can_redo = self.drawing and self.undo_stack.canRedo()
        for widget, on in ((self.undo_button, can_undo), (self.undo_action, can_undo),
                           (self.redo_button, can_redo), (self.redo_action, can_redo)):
            widget.setEnabled(on)

    @Slot()
    def undo(self) -> bool:
        """Back to the point set before the last change (a drag under way goes back to where it
        started); False if there is nothing to undo."""
        drag = self._drag
        if drag is not None and drag["moved"]:
            self._set_points(*drag["before"])
            return True
        if not self.undo_stack.canUndo():
            return False
        self.undo_stack.undo()
        return True

    @Slot()
    def redo(self) -> bool:
        """The change the last Undo took back, made again; False if there is none."""
        if not self.undo_stack.canRedo():
            return False
        self.undo_stack.redo()
        return True

    def edit(self, text: str, X: np.ndarray, y: np.ndarray, touched: int | None = None,
             before: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Make (X, y) the points, as a command on the undo stack (``before``: the points the change
        started from, when they are not the ones shown, as after a drag)."""
        self.undo_stack.push(PointsEdit(self, text, before or (self.X, self.y), (X, y), touched))

    def _in_history(self, X: np.ndarray, y: np.ndarray) -> bool:
        """Whether (X, y) is a point set before or after one of the commands on the undo stack."""
        stack = self.undo_stack
        commands = (stack.command(i) for i in range(stack.count()))
        return any(same_points(X, y, *points) for command in commands if isinstance(command, PointsEdit)
                   for points in (command.before, command.after))

    def _set_points(self, X: np.ndarray, y: np.ndarray, touched: int | None = None) -> None:
        self._drag = None
        self.X, self.y, self.touched = X, y, touched
        self._changed()


class PointsEdit(QUndoCommand):
    """One change to the drawn points: redo shows the points after it, undo the points before.
    It holds the tool weakly (the tool's stack holds the command)."""

    def __init__(self, tool: DrawHistory, text: str, before: tuple[np.ndarray, np.ndarray],
                 after: tuple[np.ndarray, np.ndarray], touched: int | None):
        super().__init__(text)
        self.tool = weakref.ref(tool)
        self.before, self.after, self.touched = before, after, touched

    def redo(self) -> None:
        tool = self.tool()
        if tool is not None:
            tool._set_points(*self.after, self.touched)

    def undo(self) -> None:
        tool = self.tool()
        if tool is not None:
            tool._set_points(*self.before)


def same_points(X: np.ndarray, y: np.ndarray, X2: np.ndarray, y2: np.ndarray) -> bool:
    """The same points, bit for bit (coordinates as floats, classes as int64)."""
    return X.shape == X2.shape and X.tobytes() == X2.tobytes() and y.tobytes() == y2.tobytes()
