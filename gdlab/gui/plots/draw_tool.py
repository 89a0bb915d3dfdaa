"""Draw your own points in the data view: add, move and remove training points with the mouse.

    tool = DrawTool(data_view)
    layout.addWidget(tool.toolbar)                 # above the data view
    tool.set_experiment(experiment)                # what drawing starts from (on load / fresh frame)
    tool.points_changed.connect(on_points)         # CustomData, or None while the points are not usable

In draw mode (the "Draw points" toggle):

* left click on empty ground adds a point of the current class (the class picker); right click
  adds a point of the other class (class 1 when the current class is 0, else class 0);
* drag a point (left button) to move it;
* Delete or Backspace removes the point under the mouse, or else the point touched last;
* Undo (Ctrl+Z, or the button) reverts the last change and Redo (Ctrl+Shift+Z) makes it again:
  every change is a command on a :class:`QUndoStack` holding the point sets before and after it;
  Clear empties the plane (and can be undone too). A new dataset (other points than the drawing
  handed in from outside) clears the history.

The middle button still pans and the wheel still zooms. Drawing starts from the experiment's
points: a generated two-dimensional classification dataset is copied
(:meth:`CustomData.from_dataset`); anything else (regression, other dimensions) starts from an
empty plane. While drawing, the tool shows the points itself (the data view's own train/test
points are hidden), so every edit shows at once. After each change ``points_changed`` carries
the points as a :class:`CustomData` (source "drawn"; binary for two classes, multiclass for
more), or None while there are fewer than 4 points, only one class, or a class between has no
points; the hint line says which. The window turns the data into
``experiment.with_points(data)`` and restarts training when asked.

The tool's mouse and keys are :mod:`~gdlab.gui.plots.draw_mouse`; its hint line and class picker
:mod:`~gdlab.gui.plots.draw_hints`; its undo history :mod:`~gdlab.gui.plots.draw_history`.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QCursor, QUndoStack
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ...core.data.customdata import CustomData
from ...core.data.datasets import BINARY, MIN_SAMPLES, MULTICLASS, REGRESSION, Dataset, make_dataset
from ...core.files.experiment import Experiment
from ...core.params import NETWORK
from ..accessibility import named
from ..palette import CLASS_COLORS, class_color
from ..widget_builders import push_button
from .data_view import DataView
from .draw_hints import DrawHints, HintLabel
from .draw_history import DrawHistory, same_points
from .draw_mouse import DrawMouse

DRAW_CLASSES = len(CLASS_COLORS)       # classes offered (one colour each), or as many as the data has
UNDO_LIMIT = 200
EMPTY_RANGE = (-1.5, 1.5)              # the plane shown when drawing starts from nothing
DRAW_TITLE = "Draw your own points"


class DrawTool(DrawMouse, DrawHints, DrawHistory, QObject):
    """Mouse drawing of 2-D classification points on a :class:`DataView`; see the module docstring."""

    points_changed = Signal(object)     # CustomData, or None (fewer than 4 points, a class missing)
    drawing_changed = Signal(bool)      # draw mode on/off

    def __init__(self, view: DataView, parent: QObject | None = None):
        super().__init__(parent if parent is not None else view)
        self.view = view
        self.X = np.empty((0, 2))
        self.y = np.empty(0, dtype=np.int64)
        self.class_names = [str(c) for c in range(DRAW_CLASSES)]
        self.feature_names: tuple[str, str] = ("x1", "x2")
        self.target_name = "class"
        self.source_note = ""            # why drawing started from an empty plane, if it did
        self._foreign = True             # the data view shows other data (or none) than the drawing starts from
        self.drawing = False
        self.touched: int | None = None  # the point clicked, added or moved last
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        self._drag: dict | None = None
        self._hidden: list = []
        self._saved_look: tuple | None = None
        self._brushes: list = []
        self.reason = ""                 # why the points are not usable yet ("" when they are)

        self.scatter = pg.ScatterPlotItem(size=10, pen=pg.mkPen("#FFFFFF", width=1.0), symbol="o")
        self.scatter.setZValue(30)
        self.ring = pg.ScatterPlotItem(size=18, brush=pg.mkBrush(0, 0, 0, 0), symbol="o")
        self.ring.setZValue(31)
        for item in (self.scatter, self.ring):
            item.hide()
            view.plot_item.addItem(item, ignoreBounds=True)

        self.toolbar = QWidget()
        self.toolbar.setToolTip("Draw your own training points in the data view.")
        column = QVBoxLayout(self.toolbar)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        layout = QHBoxLayout()
        self.draw_button = QPushButton("✎ Draw points")
        self.draw_button.setCheckable(True)
        self.draw_button.setToolTip("Draw mode: left click adds a point of the chosen class, right click one of the "
                                    "other class, drag moves a point, Delete removes the point under the mouse. "
                                    "Starts from the current data's points (2-D classes) or an empty plane.")
        self.draw_button.toggled.connect(self.set_drawing)
        named(self.draw_button, "Draw points")
        self.class_combo = named(QComboBox(), "Class to draw")
        self.class_combo.setToolTip("The class a left click adds (a right click adds the other class: class 1, "
                                    "or class 0 when class 1 or higher is chosen). Classes are numbered from 0 and "
                                    "each needs at least one point.")
        self._name_classes()
        self.class_combo.currentIndexChanged.connect(self._update_controls)
        self.undo_action = self._history_action("Undo (drawn points)", "Ctrl+Z", self.undo)
        self.redo_action = self._history_action("Redo (drawn points)", "Ctrl+Shift+Z", self.redo)
        self.undo_button = push_button("Undo", "Undo the last change to the points (Ctrl+Z).", self.undo)
        self.redo_button = push_button("Redo", "Make the change Undo took back again (Ctrl+Shift+Z).", self.redo)
        self.clear_button = push_button("Clear", "Remove every point and start from an empty plane (Undo brings "
                                        "them back).", self.clear)
        self.hint = HintLabel()
        self.hint.setToolTip("What the points are now, and what the mouse does.")
        for button in (self.draw_button, self.undo_button, self.redo_button, self.clear_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space stays start/pause
        layout.addWidget(self.draw_button)
        layout.addWidget(self.class_combo)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.redo_button)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        column.addLayout(layout)
        column.addWidget(self.hint)

        self.undo_stack.canUndoChanged.connect(self._update_history)
        self.undo_stack.canRedoChanged.connect(self._update_history)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        view.installEventFilter(self)
        self._update_controls()

    # -- what drawing starts from ------------------------------------------------------------------
    def set_experiment(self, experiment: Experiment) -> None:
        """Take the experiment's data as the points to draw on (see :meth:`set_source`); a surface
        experiment has no data to draw: the tool is switched off and disabled. Points of more than
        two coordinates (images, iris) cannot be drawn in a plane: the tool is switched off and hidden."""
        if experiment.kind != NETWORK:
            self.set_drawing(False)
            self.toolbar.setEnabled(False)
            self.toolbar.setVisible(True)
            self.hint.setText("Drawing points needs a network experiment (this one is a cost surface).")
            return
        if experiment.data_dims()[0] > 2:
            self.set_drawing(False)
            self.toolbar.setVisible(False)
            return
        self.toolbar.setVisible(True)
        self.toolbar.setEnabled(True)
        if experiment.points is not None:
            self.set_source(experiment.points)
        else:
            v = experiment.values
            self.set_source(make_dataset(v["dataset"], n_samples=v["n_samples"], noise=v["noise"],
                                         seed=v["data_seed"]))

    def set_source(self, data: CustomData | Dataset | None) -> None:
        """The points drawing starts from: two-dimensional classification data is copied; anything
        else (or None) gives an empty plane. Points equal to the current ones change nothing (the
        window hands back what was drawn); other points replace the drawing and clear the undo
        history (a new dataset: Undo must not bring back points of another one), unless they are
        drawn points the history holds (the window handing back an earlier drawing, late or on
        "Keep current run")."""
        note = ""
        echo = isinstance(data, CustomData) and data.source == "drawn"
        if isinstance(data, Dataset):
            ok = data.n_features == 2 and data.task != REGRESSION
            name = data.name
            data = CustomData.from_dataset(data) if ok else None
            if not ok:
                note = f"{name} is not two-dimensional classes"
        elif isinstance(data, CustomData) and (data.n_features != 2 or data.task == REGRESSION):
            what = "regression data" if data.task == REGRESSION else f"{data.n_features}-dimensional data"
            note = f"{data.source or 'the data'} is {what}"
            data = None
        if data is None:
            X, y = np.empty((0, 2)), np.empty(0, dtype=np.int64)
            names, features, target = [], ("x1", "x2"), "class"
        else:
            X, y = np.array(data.X, dtype=float), np.array(data.y, dtype=np.int64)
            names, features, target = list(data.class_names), tuple(data.feature_names), data.target_name
        self.source_note = note
        self._foreign = data is None     # the data view does not show these points: start from a plain plane
        self.feature_names, self.target_name = features, target
        self.class_names = _unique_names(names)
        self._name_classes()
        if same_points(X, y, self.X, self.y):
            if self.drawing and data is not None:
                self._show_map(True)       # the drawing was applied: the view's map is about these points now
            self._update_controls()
            return
        if not (echo and self._in_history(X, y)):
            self.undo_stack.clear()
        self._drag = None
        self.X, self.y = X, y
        self.touched = None
        self._show_points()

    # -- draw mode --------------------------------------------------------------------------------
    @Slot(bool)
    def set_drawing(self, on: bool) -> None:
        """Draw mode on or off (the toggle follows)."""
        on = bool(on)
        if on and not self.toolbar.isEnabled():
            on = False
        if self.draw_button.isChecked() != on:
            self.draw_button.setChecked(on)     # comes back here through toggled
            return
        if on == self.drawing:
            return
        self.drawing = on
        self._drag = None
        view, vb = self.view, self.view.plot_item.vb
        if on:
            axes = view.plot_item
            self._saved_look = (axes.titleLabel.text, axes.getAxis("bottom").labelText, axes.getAxis("left").labelText,
                                vb.state["aspectLocked"])
            view.keep_range = True
            vb.disableAutoRange()    # first: hiding the view's points must not re-fit the range
            # The view shows the data drawing starts from, unless that is not 2-D classes: then its
            # map or fitted curve means nothing here, and the plane starts at a standard size.
            foreign = self._foreign
            self._hidden = [item for item in (view.train_points, view.test_points) if item.isVisible()]
            for item in self._hidden:
                item.hide()
            if foreign:
                self._show_map(False)
            view.set_title(DRAW_TITLE)
            view.set_labels("x₁", "x₂")
            if not vb.state["aspectLocked"]:
                vb.setAspectLocked(True)
            if foreign and len(self.X):
                vb.setRange(xRange=_padded(self.X[:, 0]), yRange=_padded(self.X[:, 1]), padding=0)
            elif foreign:
                vb.setRange(xRange=EMPTY_RANGE, yRange=EMPTY_RANGE, padding=0)
            view.viewport().setCursor(Qt.CursorShape.CrossCursor)
            self.scatter.show()
            self.ring.show()
            self._show_points()
        else:
            view.keep_range = False
            for item in self._hidden:
                item.show()
            self._hidden = []
            # The view's own title and axes come back, unless it was given new data meanwhile (which
            # set its title and axes for that data)
            if self._saved_look is not None and view.plot_item.titleLabel.text == DRAW_TITLE:
                title, bottom, left, aspect = self._saved_look
                view.set_title(title)
                view.set_labels(bottom, left)
                vb.setAspectLocked(bool(aspect))
            view.viewport().unsetCursor()
            self.scatter.hide()
            self.ring.hide()
        self._update_controls()
        self.drawing_changed.emit(on)

    @property
    def current_class(self) -> int:
        return self.class_combo.currentIndex()

    def set_current_class(self, c: int) -> None:
        self.class_combo.setCurrentIndex(int(c))

    def other_class(self) -> int:
        """The class a right click adds: 1 when the current class is 0, else 0."""
        return 1 if self.current_class == 0 else 0

    # -- edits --------------------------------------------------------------------------------------
    def add_point(self, x: float, y: float, c: int) -> None:
        self.edit("Add a point", np.vstack([self.X, [[float(x), float(y)]]]), np.append(self.y, np.int64(c)),
                  touched=len(self.X))

    def move_point(self, i: int, x: float, y: float) -> None:
        """Move point i (no undo entry: a drag makes one when it ends, from the points it started on)."""
        X = self.X.copy()
        X[i] = (x, y)
        self.X = X
        self._show_points(positions_only=True)

    def remove_point(self, i: int) -> None:
        self.edit("Remove a point", np.delete(self.X, i, axis=0), np.delete(self.y, i))

    @Slot()
    def delete_point(self) -> bool:
        """Delete the point under the mouse, or else the point touched last; False if there is none."""
        viewport = self.view.viewport()
        mouse = viewport.mapFromGlobal(QCursor.pos())
        i = self._point_at(self.view.mapToScene(mouse)) if viewport.rect().contains(mouse) else None
        if i is None:
            i = self.touched
        if i is None or not 0 <= i < len(self.X):
            self.hint.setText("Nothing to delete: point at a point (or click one) and press Delete.")
            return False
        self.remove_point(i)
        return True

    @Slot()
    def clear(self) -> None:
        """An empty plane (undoable)."""
        if len(self.X):
            self.edit("Clear", np.empty((0, 2)), np.empty(0, dtype=np.int64))

    def _changed(self) -> None:
        self._show_points()
        self.points_changed.emit(self.data())

    # -- the result ---------------------------------------------------------------------------------
    def data(self) -> CustomData | None:
        """The points as :class:`CustomData` (binary for two classes, multiclass for more), or None
        while they cannot be trained on; :attr:`reason` then says why."""
        n = len(self.X)
        self.reason = ""
        if n < MIN_SAMPLES:
            self.reason = (f"{n} point{'s' if n != 1 else ''}: at least {MIN_SAMPLES} are needed "
                           f"({MIN_SAMPLES - n} more).")
            return None
        classes = int(self.y.max()) + 1
        counts = np.bincount(self.y, minlength=classes)
        if classes < 2:
            self.reason = f"Only {self._class_words(0)} so far: add points of another class (right click)."
            return None
        empty = [c for c in range(classes) if counts[c] == 0]
        if empty:
            self.reason = (f"{self._class_words(empty[0]).capitalize()} has no points: add one, or remove the points "
                           f"of {self._class_words(classes - 1)}.")
            return None
        return CustomData(self.X, self.y, BINARY if classes == 2 else MULTICLASS, feature_names=self.feature_names,
                          class_names=self.class_names[:classes], target_name=self.target_name, source="drawn")

    # -- drawing the points ---------------------------------------------------------------------------
    def _show_map(self, on: bool) -> None:
        """Hide the view's map, boundary and fitted curve while they describe other points than the
        drawing (foreign data, an emptied plane), or show them again (kept hidden until draw mode ends)."""
        items = (self.view.image, self.view.boundary, self.view.fit_curve)
        if on:
            for item in items:
                if item in self._hidden:
                    self._hidden.remove(item)
                    item.show()
        else:
            for item in items:
                if item.isVisible():
                    item.hide()
                    self._hidden.append(item)

    def _show_points(self, positions_only: bool = False) -> None:
        """Draw the points now; ``positions_only`` (a drag) keeps the colours and the hint as they are."""
        if self.drawing and not len(self.X):
            self._show_map(False)          # an empty plane: no decision map of points that are gone
        if not positions_only or len(self._brushes) != len(self.X):
            palette = [pg.mkBrush(class_color(c)) for c in range(len(self.class_names))]
            self._brushes = [palette[int(c)] for c in self.y]
        if len(self.X):
            self.scatter.setData(self.X[:, 0], self.X[:, 1], brush=self._brushes)
        else:
            self.scatter.setData([], [])
        if self.touched is not None and self.touched < len(self.X):
            p = self.X[self.touched]
            self.ring.setData([p[0]], [p[1]], pen=pg.mkPen(self.view.theme.foreground, width=1.5))
        else:
            self.ring.setData([], [])
        if not positions_only:
            self._update_controls()


def _unique_names(names: list[str]) -> list[str]:
    """The data's class names, then "2", "3", … for classes it does not have (made unique)."""
    out = list(names)
    for c in range(len(out), DRAW_CLASSES):
        name, k = str(c), 2
        while name in out:
            name, k = f"{c} ({k})", k + 1
        out.append(name)
    return out


def _padded(values: np.ndarray) -> tuple[float, float]:
    lo, hi = float(values.min()), float(values.max())
    pad = 0.1 * (hi - lo) + 0.5 * (hi == lo)
    return lo - pad, hi + pad
