"""Painting the 3-D cost surface with a QPainter: the polygons, lines and points that
:mod:`gdlab.core.surface.projection` computed, in the theme's colours. No maths here beyond
placing text beside a point.

Every text drawn is recorded as a :class:`PaintedLabel` (its text and rectangle), and a label that
would cover one drawn before it is left out (the lecture-ready rule: no label covers another; the
title and the axis names come first, then the tick values).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPicture, QPolygonF

from ...core.io.printing import number
from ...core.surface.projection import Mesh, Projector
from ..palette import BLUE, VERMILLION, Theme

SHADES = 24   # Lambert's brightness is painted in this many steps (one brush each) ...
TONES = 64    # ... and the colour scale in this many


@dataclass(frozen=True)
class PaintedLabel:
    """A text as painted: the text and its rectangle in the widget's pixels."""

    text: str
    rect: QRectF


def tone_colors(theme: Theme, signed: bool) -> np.ndarray:
    """(TONES, 3) RGB along the contour map's colour scale (:mod:`~gdlab.gui.plots.contour_view`),
    smooth: the theme's colormap, or blue–white–vermillion about J = 0 for a saddle."""
    if signed:
        cmap = pg.ColorMap([0.0, 0.5, 1.0], [pg.mkColor(BLUE), pg.mkColor("#FFFFFF"), pg.mkColor(VERMILLION)])
    else:
        cmap = pg.colormap.get(theme.surface_colormap)
    return np.asarray(cmap.map(np.linspace(0.0, 1.0, TONES), mode="byte"))[:, :3].astype(float)


class Painter:
    """One paint of the view: its QPainter, theme and the labels placed so far."""

    def __init__(self, painter: QPainter, theme: Theme, colors: np.ndarray):
        self.p = painter
        self.theme = theme
        self.colors = colors
        self.labels: list[PaintedLabel] = []
        self._brushes: dict[tuple[int, int], QBrush] = {}

    def _brush(self, tone: int, shade: int) -> QBrush:
        key = (tone, shade)
        brush = self._brushes.get(key)
        if brush is None:
            rgb = self.colors[tone] * (shade + 1) / SHADES
            brush = self._brushes[key] = QBrush(QColor(*np.clip(rgb, 0, 255).astype(int)))
        return brush

    def faces(self, corners: np.ndarray, tone: np.ndarray, brightness: np.ndarray) -> None:
        """Faces far to near, each outlined in its own colour (so no seam shows between them)."""
        p = self.p
        shades = np.clip(np.round(brightness * SHADES).astype(int) - 1, 0, SHADES - 1)
        tones = np.clip(np.round(tone * (TONES - 1)).astype(int), 0, TONES - 1)
        pen = QPen()
        pen.setWidthF(1.0)
        pen.setCosmetic(True)
        pen.setJoinStyle(Qt.PenJoinStyle.BevelJoin)
        for quad, k, shade in zip(corners.tolist(), tones.tolist(), shades.tolist()):
            brush = self._brush(k, shade)
            pen.setColor(brush.color())
            p.setPen(pen)
            p.setBrush(brush)
            p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in quad]))

    def floor(self, outline: np.ndarray, segments: list[np.ndarray]) -> None:
        """The floor (its four corners, (4, 2)) and its contour lines, each in its level's colour."""
        p = self.p
        p.setPen(Qt.PenStyle.NoPen)
        fill = QColor(self.theme.panel_background)
        p.setBrush(fill)
        p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in outline.tolist()]))
        for k, seg in enumerate(segments):
            if not len(seg):
                continue
            rgb = self.colors[round((k + 1) / (len(segments) + 1) * (TONES - 1))] * 0.8
            pen = QPen(QColor(*rgb.astype(int)))
            pen.setWidthF(max(1.0, 0.6 * self.theme.line_width))
            pen.setCosmetic(True)
            p.setPen(pen)
            p.drawLines([QLineF(a, b, c, d) for (a, b), (c, d) in seg.tolist()])

    def lines(self, segments: list[np.ndarray], color: str, width: float = 1.0,
              style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> None:
        pen = QPen(QColor(color))
        pen.setWidthF(width)
        pen.setCosmetic(True)
        pen.setStyle(style)
        self.p.setPen(pen)
        self.p.drawLines([QLineF(*s[0], *s[1]) for s in segments])

    def polyline(self, xy: np.ndarray, color: str, width: float, alpha: int = 255,
                 style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> None:
        """A path through the finite points of (m, 2), broken where a point is not finite (built by
        pyqtgraph's arrayToQPath: no Python loop over the points)."""
        c = QColor(color)
        c.setAlpha(alpha)
        pen = QPen(c)
        pen.setWidthF(width)
        pen.setCosmetic(True)
        pen.setStyle(style)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self.p.setPen(pen)
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        if len(xy) > 1:
            self.p.drawPath(pg.arrayToQPath(xy[:, 0], xy[:, 1], connect="finite"))

    def ball(self, xy: np.ndarray, color: str, radius: float) -> None:
        self.p.setPen(QPen(QColor(self.theme.foreground), 1.5))
        self.p.setBrush(QColor(color))
        self.p.drawEllipse(QPointF(*xy), radius, radius)

    def ring(self, xy: np.ndarray, color: str, radius: float, width: float = 3.0) -> None:
        self.p.setPen(QPen(QColor(color), width))
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        self.p.drawEllipse(QPointF(*xy), radius, radius)

    def arrow(self, start: np.ndarray, end: np.ndarray, color: str, width: float, head: float) -> None:
        """A line from ``start`` to ``end`` with a head of ``head`` pixels at ``end``."""
        d = end - start
        n = float(np.hypot(*d))
        if n < 1.0:
            return
        u = d / n
        pen = QPen(QColor(color), width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.p.setPen(pen)
        self.p.drawLine(QPointF(*start), QPointF(*(end - u * head * 0.6)))
        side = np.array([-u[1], u[0]])
        tip = [end, end - u * head + side * head * 0.45, end - u * head - side * head * 0.45]
        self.p.setPen(QPen(QColor(self.theme.foreground), 1))
        self.p.setBrush(QColor(color))
        self.p.drawPolygon(QPolygonF([QPointF(*q) for q in tip]))

    def star(self, xy: np.ndarray, size: float) -> None:
        angles = np.pi / 2 + np.arange(10) * np.pi / 5
        r = np.where(np.arange(10) % 2 == 0, size, size * 0.45)
        pts = [QPointF(xy[0] + rk * np.cos(a), xy[1] - rk * np.sin(a)) for rk, a in zip(r, angles)]
        self.p.setPen(QPen(QColor("#000000"), 1.2))
        self.p.setBrush(QColor("#FFFFFF"))
        self.p.drawPolygon(QPolygonF(pts))

    # -- text ------------------------------------------------------------------------------------
    def font(self, points: int, bold: bool = False) -> QFont:
        font = QFont()
        font.setPointSize(points)
        font.setBold(bold)
        return font

    def text(self, text: str, at: np.ndarray, font: QFont, outward: np.ndarray | None = None,
             bounds: QRectF | None = None) -> bool:
        """Draw ``text`` beside the point ``at``, pushed out along ``outward`` (a unit vector); left out
        (False) when it would cover a label drawn before or leave ``bounds``."""
        metrics = QFontMetricsF(font, self.p.device())
        w, h = metrics.horizontalAdvance(text), metrics.height()
        gap = 0.35 * h
        if outward is None:
            outward = np.zeros(2)
        cx = at[0] + outward[0] * (gap + w / 2)
        cy = at[1] + outward[1] * (gap + h / 2)
        rect = QRectF(cx - w / 2, cy - h / 2, w, h)
        if bounds is not None and not bounds.contains(rect):
            return False
        if any(rect.intersects(label.rect) for label in self.labels):
            return False
        self.p.setFont(font)
        self.p.setPen(QColor(self.theme.foreground))
        self.p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        self.labels.append(PaintedLabel(text, rect))
        return True

    def title(self, text: str, width: float, font: QFont) -> float:
        """The title centred on top, elided to ``width``; returns the height it takes."""
        metrics = QFontMetricsF(font, self.p.device())
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - 8)
        h = metrics.height()
        if shown:
            self.text(shown, np.array([width / 2, 4 + h / 2]), font)
        return h + 8


def scene_picture(theme: Theme, colors: np.ndarray, projector: Projector, m: Mesh) -> QPicture:
    """The floor with its contour lines, the box's edges and the mesh, recorded once for a camera and a
    size: a QPicture replays the drawing commands in C++ (a few milliseconds instead of the ~25 ms of
    drawing 1,600 faces from Python), as vectors, so an SVG or a PDF still gets polygons."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        out = Painter(painter, theme, colors)
        edges = projector.edges()
        outline = np.array([edges[f"floor{k}"][0] for k in range(4)])
        out.floor(outline, projector.floor(m))
        fg = QColor(theme.foreground)
        fg.setAlpha(150)
        out.lines([edges[f"floor{k}"] for k in range(4)], fg.name(QColor.NameFormat.HexArgb), 1.0)
        corners, order = projector.faces(m)
        out.faces(corners, m.tone[order], m.brightness[order])
        out.lines([edges["J"]], theme.foreground, 1.0)
    finally:
        painter.end()
    return picture


def paint_axes(out: Painter, projector: Projector, axis_names: tuple[str, str, str], bounds: QRectF) -> None:
    """The axes' names and tick values (drawn on every paint, in the device's own font metrics)."""
    edges = projector.edges()
    name_font = out.font(out.theme.font_pt)
    tick_font = out.font(out.theme.tick_pt)
    ticks = projector.ticks()
    top = edges["J"][1]
    out.text(axis_names[2], top, name_font, np.array([0.0, -1.0]), bounds)    # J above its axis
    line = QFontMetricsF(tick_font, out.p.device()).height()
    for key, name in zip(("w1", "w2"), axis_names):
        first, last = ticks[key][0], ticks[key][-1]
        push = ticks[key][len(ticks[key]) // 2][2]
        middle = (first[1] + last[1]) / 2
        # beyond the tick values if there is room, else nearer the edge (an axis is never left unnamed)
        any(out.text(name, middle + push * away * line, name_font, push, bounds) for away in (1.4, 0.9, 0.4))
    for key in ("w1", "w2", "J"):
        for value, at, push in ticks[key]:
            if key != "J" and np.hypot(*(at - edges["J"][0])) < 1.0:
                continue   # the corner under the J axis: its J value is written there, not a weight's
            out.text(number(float(value), 3), at, tick_font, push, bounds)

