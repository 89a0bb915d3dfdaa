"""The network's own cost landscape: J over two of its weights, the others held where they are.

The bridge from the toy surfaces to a real network. A network's cost lives in the space of all
its weights; this is a slice through it, the plane of two chosen weights through the current
point, with the path those two weights took projected onto it. The slice is computed by the
training thread (it costs a forward pass per grid point) when asked: on "Update slice", when a
weight is chosen, and after a pan or zoom.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from ..accessibility import label_for
from ..palette import VERMILLION
from ..view_data import LandscapeSlice
from ..widget_builders import tight_column
from .contour_view import ContourView
from .trajectories import weight_label


class LandscapeView(QWidget):
    requested = Signal(object, object, object, object)  # wid_a, wid_b, x_range or None, y_range or None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.contours = ContourView("The network's cost over two of its weights")
        self.weight_a = QComboBox()
        self.weight_b = QComboBox()
        self.update_button = QPushButton("Update slice")
        self.note = QLabel("")
        self.note.setWordWrap(True)
        tips = {
            self.weight_a: "The weight along the horizontal axis.",
            self.weight_b: "The weight along the vertical axis.",
            self.update_button: "Compute the slice again through the current weights (every other weight "
                                "stays where it is now).",
        }
        for widget, tip in tips.items():
            widget.setToolTip(tip)
        top = QHBoxLayout()
        top.setContentsMargins(4, 0, 4, 0)
        for label, widget in (("x:", self.weight_a), ("y:", self.weight_b)):
            text = QLabel(label)
            text.setToolTip(widget.toolTip())
            label_for(text, widget, f"Weight along {label[0]}")
            top.addWidget(text)
            top.addWidget(widget)
        top.addWidget(self.update_button)
        top.addWidget(self.note, 1)
        tight_column(self, top, (self.contours, 1))
        self.ids: list[tuple[int, int, int]] = []
        self.weight_a.currentIndexChanged.connect(self._on_choice)
        self.weight_b.currentIndexChanged.connect(self._on_choice)
        self.update_button.clicked.connect(self.request)
        self.contours.view_changed.connect(self._on_view_changed)
        self.contours.set_runs(["path of the two weights"], [VERMILLION])
        self.shown_iteration = -1

    def set_weights(self, ids: list[tuple[int, int, int]]) -> None:
        """The weights one may choose from (the tracked ones); the first two are chosen."""
        ids = [tuple(i) for i in ids]
        if ids == self.ids:
            return
        self.ids = ids
        for combo, default in ((self.weight_a, 0), (self.weight_b, 1)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([weight_label(i) for i in ids])
            combo.setCurrentIndex(min(default, len(ids) - 1))
            combo.blockSignals(False)
        self.shown_iteration = -1

    def chosen(self) -> tuple[tuple[int, int, int], tuple[int, int, int]] | None:
        a, b = self.weight_a.currentIndex(), self.weight_b.currentIndex()
        if a < 0 or b < 0 or a == b or not self.ids:
            return None
        return self.ids[a], self.ids[b]

    @Slot()
    def request(self, x_range=None, y_range=None) -> None:
        pair = self.chosen()
        if pair is None:
            self.note.setText("Choose two different weights.")
            return
        self.note.setText("computing the slice …")
        self.requested.emit(pair[0], pair[1], x_range, y_range)

    @Slot(int)
    def _on_choice(self, _index: int) -> None:
        if self.isVisible():  # a hidden tab asks when it is shown
            self.request()

    @Slot(object)
    def _on_view_changed(self, ranges) -> None:
        (x0, x1), (y0, y1) = ranges
        self.request((x0, x1), (y0, y1))

    def show_slice(self, found: LandscapeSlice) -> None:
        """Draw a slice the worker computed."""
        if self.chosen() != tuple(found.wids):
            return  # an answer to an older question
        wa, wb = found.wids
        xs, ys = found.xs, found.ys
        self.contours.plot.set_labels(weight_label(wa), weight_label(wb))
        self.contours.plot.plot_item.vb.setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0)
        self.contours.set_grid(xs, ys, found.Z)
        path = np.asarray(found.path, dtype=float)
        self.contours.set_runs(["path of the two weights"], [VERMILLION])
        self.contours.append_paths(path[:, None, :], path[-1:], None)
        self.contours.refresh()
        self.shown_iteration = int(found.iteration)
        self.note.setText(f"slice through the weights at iteration {found.iteration:,}; every other "
                          "weight held at its value then")

    def refresh(self) -> None:
        self.contours.refresh()

    def apply_theme(self, theme) -> None:
        self.contours.apply_theme(theme)
