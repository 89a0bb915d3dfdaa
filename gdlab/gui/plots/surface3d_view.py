"""The cost surface J(w₁, w₂) in 3-D, painted with a QPainter (no OpenGL: it draws offscreen and
exports like every other view).

A shaded mesh of J over the view (faces sorted far to near, lit by Lambert's law), its contour
lines on the floor, and each run's path as a 3-D line with a ball at its current point and an
arrow for its next step, live as the run plays. Drag to turn the camera, wheel to zoom; **Home**
puts the camera back, **O** starts or stops a slow orbit (for a lecture). The keys act while the
view has the keyboard focus (a click on it, or its tab brought to the front, gives it).

The maths — the grid of J values, the projection, the faces' order and shading, the floor's
contour lines and the paths' 3-D points — is :mod:`gdlab.core.surface.projection`; this module
keeps the state and paints. Nothing is computed until the view is painted: a window that never
shows the tab pays for an empty widget only.

Fed like the contour map (:meth:`set_surface`, :meth:`set_runs`, :meth:`append_paths`) for an
analytic surface, or given a network's slice (:meth:`show_slice`, the Cost landscape tab's two
weights) by the window or the headless export.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QColor, QFontMetricsF, QPainter, QPicture
from PySide6.QtWidgets import QLabel, QWidget

from ...core.surface import projection as P
from ..palette import LIGHT, VERMILLION, Theme
from ..widget_builders import tight_column
from .base import thin_older
from .contour_view import BANDS, MAX_PATH_POINTS, append_run_paths, runs_caption
from .framing import CAP, grown_range
from .surface3d_paint import PaintedLabel, Painter, paint_axes, scene_picture, tone_colors

MESH_RESOLUTION = 41          # grid points a side: 1,600 faces
DRAG_DEGREES = 0.4            # camera degrees per pixel dragged
ORBIT_MS, ORBIT_DEGREES = 40, 0.3   # the slow orbit: 7.5° a second, a turn in 48 s
WHEEL_STEP = 1.15             # zoom factor per wheel notch

GridSource = Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]]


class Surface3DCanvas(QWidget):
    """The painted part: mesh, floor, axes, paths. Its owner (:class:`Surface3DView`) holds the data."""

    def __init__(self, owner: Surface3DView):
        super().__init__(owner)
        self.owner = owner
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setMinimumSize(120, 100)
        self._drag: QPointF | None = None

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            self.owner.paint(painter, self.width(), self.height())
        finally:
            painter.end()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = event.position()
            event.accept()

    def mouseMoveEvent(self, event) -> None:
        if self._drag is None:
            return
        d = event.position() - self._drag
        self._drag = event.position()
        self.owner.turn(-d.x() * DRAG_DEGREES, d.y() * DRAG_DEGREES)

    def mouseReleaseEvent(self, event) -> None:
        self._drag = None

    def wheelEvent(self, event) -> None:
        notches = event.angleDelta().y() / 120
        if notches:
            self.owner.set_camera(self.owner.camera.zoomed(WHEEL_STEP ** notches))
        event.accept()


class Surface3DView(QWidget):
    def __init__(self, title: str = "Cost surface in 3-D", parent=None):
        super().__init__(parent)
        self.theme: Theme = LIGHT
        self.title = title
        self.canvas = Surface3DCanvas(self)
        self.caption = QLabel()     # the formula and the runs' colours, as under the contour map
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setContentsMargins(6, 0, 6, 2)
        tight_column(self, (self.canvas, 1), self.caption)
        self.camera = P.DEFAULT_CAMERA
        self.surface_name = ""
        self.formula = ""
        self.axis_names = ("w₁", "w₂", "J")
        self.signed = False
        self.minima: tuple[tuple[float, ...], ...] = ()
        self.grid_source: GridSource | None = None
        self.value: Callable[[np.ndarray], np.ndarray | float] | None = None   # J(w) of an analytic surface
        self.x_range, self.y_range = (-1.0, 1.0), (-1.0, 1.0)
        self._limit = np.inf
        self._grid: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # J on the view, when computed
        self._mesh: P.Mesh | None = None
        self._scene: tuple[tuple, QPicture] | None = None   # the mesh drawn for a camera and a size
        self.labels: list[str] = []
        self.colors: list[str] = []
        self._paths: list[list[np.ndarray]] = []
        self._heads: np.ndarray | None = None
        self._next: np.ndarray | None = None
        self._moment: np.ndarray | None = None
        self._moment_paths: np.ndarray | None = None
        self.shown_iteration = -1          # a network's slice: the iteration it was taken at …
        self.asked_iteration = -1          # … and the one last asked for
        self.painted_labels: list[PaintedLabel] = []
        self._dirty = False
        self.orbit = QTimer(self)
        self.orbit.setObjectName("orbit")
        self.orbit.setInterval(ORBIT_MS)
        self.orbit.timeout.connect(self._orbit_step)
        self._orbiting = False
        self.reset_action = self._action("Reset the 3-D camera", "Home", self.reset_camera,
                                         "3-D view: the camera back to where it started.")
        self.orbit_action = self._action("Orbit the 3-D view slowly", "O", self.toggle_orbit,
                                         "3-D view: the camera circles the surface slowly (again: stop).")
        self.orbit_action.setCheckable(True)
        self.canvas.setToolTip("Drag to turn the surface, wheel to zoom; Home resets the camera, O orbits.")

    def _action(self, text: str, key: str, slot, tip: str) -> QAction:
        """A key of this view only: it acts while the view has the keyboard focus."""
        action = QAction(text, self)
        action.setShortcut(key)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- what is shown ----------------------------------------------------------------------------
    def set_surface(self, title: str, x_range, y_range, grid_source: GridSource | None,
                    value: Callable[[np.ndarray], np.ndarray | float] | None = None, minima=(), saddles=(),
                    formula: str = "", name: str = "") -> None:
        """An analytic surface: its view, ``grid_source(x_range, y_range, resolution=n)`` for J on a grid,
        ``value(w)`` for J at the runs' points, its minima (stars on the floor) and formula."""
        self.surface_name, self.title, self.formula = name, title, formula
        self.grid_source, self.value = grid_source, value
        self.minima, self.signed = tuple(minima), bool(saddles)
        self.axis_names = ("w₁", "w₂", "J")
        self.x_range, self.y_range = tuple(map(float, x_range)), tuple(map(float, y_range))
        self._limit = CAP * max(abs(v) for v in (*self.x_range, *self.y_range))
        self._grid = self._mesh = None
        self._update_caption()
        self._changed()

    def show_slice(self, found) -> None:
        """A network's cost over two of its weights (a :class:`~gdlab.gui.view_data.LandscapeSlice`),
        with the path the two weights took."""
        from .trajectories import weight_label

        if found is None:
            return
        self.title = "The network's cost over two of its weights"
        self.surface_name, self.formula, self.minima, self.signed = "", "", (), False
        self.grid_source, self.value = None, None
        wa, wb = found.wids
        self.axis_names = (weight_label(wa), weight_label(wb), "J")
        xs, ys = np.asarray(found.xs, dtype=float), np.asarray(found.ys, dtype=float)
        self.x_range, self.y_range = (float(xs[0]), float(xs[-1])), (float(ys[0]), float(ys[-1]))
        self._grid, self._mesh = (xs, ys, np.asarray(found.Z, dtype=float)), None
        path = np.asarray(found.path, dtype=float)
        self.set_runs(["path of the two weights"], [VERMILLION])
        self.append_paths(path[:, None, :], path[-1:], None)
        self.shown_iteration = int(found.iteration)
        self._changed()

    def set_runs(self, labels: list[str], colors: list[str]) -> None:
        self.labels, self.colors = list(labels), list(colors)
        self._paths = [[] for _ in labels]
        self._heads = self._next = None
        self._update_caption()
        self._changed()

    def relabel_runs(self, labels: list[str]) -> None:
        self.labels = list(labels)
        self._update_caption()

    def _update_caption(self) -> None:
        self.caption.setText(runs_caption(self.formula, self.labels, list(self.colors)))

    def append_paths(self, paths: np.ndarray, heads: np.ndarray, next_points: np.ndarray | None) -> None:
        """Rows of every run's path (m, K, 2), the current points (K, 2), the points after the next step."""
        self._heads, self._next = append_run_paths(self._paths, paths, heads, next_points)
        self._changed()

    def show_moment(self, points: np.ndarray | None, paths: np.ndarray | None = None) -> None:
        """The runs at the iteration the timeline shows (None: the present): rings there, and the paths
        up to then."""
        self._moment = None if points is None else np.asarray(points, dtype=float)
        self._moment_paths = None if points is None or paths is None else np.asarray(paths, dtype=float)
        self._changed()
        self.refresh()

    def path(self, k: int) -> np.ndarray:
        """Run k's path so far, (m, 2) weights (a long one thinned to the newest MAX_PATH_POINTS and every
        few before them)."""
        parts = self._paths[k]
        if len(parts) > 1:
            self._paths[k] = parts = thin_older([np.concatenate(parts)], 4 * MAX_PATH_POINTS)
        p = parts[0] if parts else np.empty((0, 2))
        if len(p) > MAX_PATH_POINTS:
            stride = int(np.ceil((len(p) - MAX_PATH_POINTS // 2) / (MAX_PATH_POINTS // 2)))
            p = np.concatenate([p[:-MAX_PATH_POINTS // 2:stride], p[-MAX_PATH_POINTS // 2:]])
        return p

    def points3d(self, w: np.ndarray) -> np.ndarray:
        """Weights (m, 2) as (w₁, w₂, J) points on the surface (:mod:`~gdlab.core.surface.projection`)."""
        if self.value is not None:
            return P.path_points(self.value, w)
        grid = self.grid()
        if grid is None:
            return np.column_stack([np.asarray(w, dtype=float).reshape(-1, 2), np.full(len(w), np.nan)])
        return P.grid_heights(*grid, w)

    def path3d(self, k: int) -> np.ndarray:
        """Run k's path as (m, 3) points (w₁, w₂, J): what is drawn."""
        moment = self._moment_paths
        w = self.path(k) if moment is None or k >= moment.shape[1] else moment[:, k, :2]
        return self.points3d(w)

    def ball(self, k: int) -> np.ndarray | None:
        """Where run k's ball is, (w₁, w₂, J), or None."""
        heads = self._moment if self._moment is not None else self._heads
        if heads is None or k >= len(heads) or not np.isfinite(heads[k]).all():
            return None
        return self.points3d(heads[k][None, :2])[0]

    # -- the mesh, made when first needed ---------------------------------------------------------------
    def grid(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        if self._grid is None and self.grid_source is not None:
            self._grid = self.grid_source(self.x_range, self.y_range, resolution=MESH_RESOLUTION)
        return self._grid

    def mesh(self) -> P.Mesh | None:
        if self._mesh is None:
            grid = self.grid()
            if grid is not None:
                self._mesh = P.mesh(*grid, bands=BANDS, signed=self.signed)
        return self._mesh

    def _follow(self) -> None:
        """Grow the view when a run's point or next point leaves its inner 90 % (as the contour map does)."""
        if self._heads is None or not len(self._heads) or self.grid_source is None:
            return
        points = self._heads if self._next is None else np.concatenate([self._heads, self._next])
        new_x = grown_range(*self.x_range, points[:, 0], self._limit)
        new_y = grown_range(*self.y_range, points[:, 1], self._limit)
        if new_x is not None or new_y is not None:
            self.x_range, self.y_range = new_x or self.x_range, new_y or self.y_range
            self._grid = self._mesh = None

    # -- camera --------------------------------------------------------------------------------
    def set_camera(self, camera: P.Camera) -> None:
        self.camera = camera
        self.canvas.update()

    def turn(self, d_azimuth: float, d_elevation: float) -> None:
        self.set_camera(self.camera.turned(d_azimuth, d_elevation))

    @Slot()
    def reset_camera(self) -> None:
        self.set_camera(P.DEFAULT_CAMERA)

    @Slot()
    def toggle_orbit(self) -> None:
        self._orbiting = not self._orbiting
        self.orbit_action.setChecked(self._orbiting)
        if self._orbiting and self.isVisible():
            self.orbit.start()
        else:
            self.orbit.stop()

    @Slot()
    def _orbit_step(self) -> None:
        self.turn(ORBIT_DEGREES, 0.0)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._orbiting:
            self.orbit.start()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.orbit.stop()   # a hidden view costs nothing

    # -- drawing ----------------------------------------------------------------------------------
    def _changed(self) -> None:
        self._dirty = True

    def refresh(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self._follow()
        self.canvas.update()

    def clear_readout(self) -> None:
        """(Nothing follows the mouse here; a figure export asks every view.)"""

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.canvas.update()

    def paint(self, painter: QPainter, width: int, height: int) -> None:
        """Paint the whole view on ``painter`` (the canvas's, or an export's)."""
        theme = self.theme
        painter.fillRect(QRectF(0, 0, width, height), QColor(theme.background))
        out = Painter(painter, theme, tone_colors(theme, self.signed))
        top = out.title(self.title, width, out.font(theme.font_pt + 1))
        m = self.mesh()
        if m is None:
            self.painted_labels = out.labels
            return
        pad = 2.0 * QFontMetricsF(out.font(theme.tick_pt), painter.device()).height()  # room for the ticks
        area = QRectF(pad, top + pad, max(1.0, width - 2 * pad), max(1.0, height - top - 2 * pad))
        painter.save()
        painter.translate(area.topLeft())
        projector = P.Projector(m.box, self.camera, area.width(), area.height())
        key = (id(m), self.camera, area.width(), area.height(), theme, self.signed)
        if self._scene is None or self._scene[0] != key:
            self._scene = (key, scene_picture(theme, out.colors, projector, m))
        painter.drawPicture(QPointF(0, 0), self._scene[1])
        paint_axes(out, projector, self.axis_names, QRectF(-pad, -pad, width, height - top))
        self._paint_minima(out, projector)
        self._paint_runs(out, projector)
        painter.restore()
        self.painted_labels = [PaintedLabel(lbl.text, lbl.rect.translated(area.topLeft())) for lbl in out.labels]

    def _paint_minima(self, out: Painter, projector: P.Projector) -> None:
        floor = projector.box.z_range[0]
        for m in self.minima:
            x, y = float(m[0]), float(m[1])
            (x0, x1), (y0, y1) = projector.box.x_range, projector.box.y_range
            if x0 <= x <= x1 and y0 <= y <= y1:
                at = projector.project(np.array([*projector.box.scene(np.array([x, y, floor]))[:2], P.FLOOR]))[0]
                out.star(at, 7 + 1.5 * out.theme.line_width)

    def _paint_runs(self, out: Painter, projector: P.Projector) -> None:
        width = 0.9 * self.theme.line_width
        for k, color in enumerate(self.colors):
            pts = self.path3d(k)
            if len(pts):
                scene = projector.box.scene(pts)
                if np.isfinite(pts[0]).all():   # where the run started: a small open ring
                    out.ring(projector.project(scene[0])[0], self.theme.foreground, 3.5, 1.5)
                shadow = scene.copy()
                shadow[:, 2] = P.FLOOR
                out.polyline(projector.project(shadow)[0], color, 1.0, alpha=140, style=Qt.PenStyle.DashLine)
                out.polyline(projector.project(scene)[0], color, max(1.5, width))
            head = self.ball(k)
            if head is None:
                continue
            at = projector.screen(head)
            if self._moment is not None:
                out.ring(at, VERMILLION, 11)
                continue
            nxt = None if self._next is None or k >= len(self._next) else self._next[k]
            if nxt is not None and np.isfinite(nxt).all() and not np.allclose(nxt, self._heads[k]):
                end = projector.screen(self.points3d(nxt[None, :2])[0])
                out.arrow(at, end, color, max(2.0, width), 9 + 2 * self.theme.line_width)
            out.ball(at, color, 5 + 1.2 * self.theme.line_width)
