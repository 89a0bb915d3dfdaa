"""The focus layout (F): the view on show takes the whole plot area, at lecture scale.

The cost plot, the bottom tabs and the parameter panel fold away, so the backprop inspector (or
whichever view is on show) gets the window; the inspector gives its diagram 62 % of the width and
its table and chain rule the rest. Lecture mode switches the focus layout on by itself while the
inspector is on show and off again when another view is chosen; F always toggles it by hand.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

DIAGRAM_SHARE = 0.62   # of the inspector's width, in the focus layout


class FocusLayout(QObject):
    toggled = Signal(bool)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.automatic = False           # switched on by lecture mode (and so switched off by it)
        self._panel_was_visible = True

    @Slot()
    def toggle(self) -> None:
        self.set_active(not self.active)

    def set_active(self, on: bool, automatic: bool = False) -> None:
        w = self.window
        if on == self.active:
            self.automatic = self.automatic and automatic
            return
        self.active, self.automatic = on, automatic and on
        if on:
            self._panel_was_visible = w.left_scroll.isVisible()
            w.left_scroll.hide()
        else:
            w.left_scroll.setVisible(self._panel_was_visible and not w.lecture_mode)
        w.cost_plot.setVisible(not on)
        w.bottom_tabs.setVisible(not on)
        w.inspector.set_diagram_share(DIAGRAM_SHARE if on else None)
        self.toggled.emit(on)

    @Slot()
    def follow_view(self) -> None:
        """Lecture mode: on while the inspector (or the computation graph) is on show, off when another
        view is (unless by hand)."""
        w = self.window
        inspector = w.view_tabs.currentWidget() in (w.inspector, w.graph_view)  # the two that step a pass
        if w.lecture_mode and inspector and not self.active:
            self.set_active(True, automatic=True)
        elif self.active and self.automatic and not (w.lecture_mode and inspector):
            self.set_active(False)
