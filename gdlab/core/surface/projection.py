"""A cost surface J(w₁, w₂) in three dimensions, projected to the plane: the mesh with its shading,
the contour lines on the floor and the runs' paths, for a 3-D view painted without OpenGL.

Everything here is numpy; a view only paints the polygons, lines and points it is handed.

**The box.** The view's ranges [x₀, x₁] × [y₀, y₁] of the weights and [J_low, J_high] of the cost
are normalised to scene coordinates (:class:`Box`)::

    X = 2 (w₁ − x_mid) / (x₁ − x₀),   Y = 2 (w₂ − y_mid) / (y₁ − y₀)       both in [−1, 1]
    Z = HEIGHT · (J − J_low) / (J_high − J_low)                           in [0, HEIGHT]

and the floor, where the contour lines lie, is the plane Z = FLOOR (below the lowest point).

**The camera** (:class:`Camera`, orthographic) turns the scene by its azimuth φ about the vertical
axis and tilts it by its elevation θ, about the box's centre Z_c = (FLOOR + HEIGHT) / 2::

    a = X cos φ − Y sin φ                 to the right on screen
    b = X sin φ + Y cos φ                 away from the viewer, in the floor's plane
    u = a,   v = (Z − Z_c) cos θ + b sin θ,   d = b cos θ − (Z − Z_c) sin θ

u points right, v up and d away from the viewer (a larger depth is farther). A widget W × H
pixels wide shows the point at ``px = W/2 + s·u``, ``py = H/2 − s·v`` with the scale

    s = zoom · min(W / (2√2), H / (2 h(θ))),   h(θ) = ½ (HEIGHT − FLOOR) cos θ + √2 sin θ

√2 the box's widest half-width on screen and h(θ) its tallest half-height, over every azimuth: the
whole box fits at zoom 1, and turning the camera about the vertical never changes the scale.

**Faces** (one quadrilateral per grid cell) are painted far to near — the painter's algorithm,
sorted by the mean depth d of their four corners, descending. Each is lit by Lambert's law::

    brightness = AMBIENT + (1 − AMBIENT) · |n̂ · L̂|

n̂ the face's unit normal (the cross product of its diagonals, in scene coordinates), L̂ the light's
direction, fixed in the scene (two-sided: a face seen from below is lit as from above). A face's
colour is its ``tone`` in [0, 1]: where its mean J lies among the contour levels ℓ₁ < … < ℓ_K (those
of :mod:`gdlab.core.surface.landscape`, so the 3-D view and the contour map colour alike),
interpolated linearly between them: tone = interp(J, (ℓ₁ … ℓ_K), (1 … K)) / (K + 1).

**Paths** are (w₁, w₂, J) points: J is the surface's value at the weights (an analytic surface
computes it, :func:`path_points`; a network's slice reads it off its grid, :func:`grid_heights`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from .contour import isoline
from .landscape import log_levels, signed_levels

HEIGHT = 1.1            # the box's height in scene units (its floor is 2 × 2)
FLOOR = -0.35           # the floor's Z: the contour lines lie there, below the surface
AMBIENT = 0.45          # the light every face gets; the rest is Lambert's
LIGHT = np.array([-0.35, -0.55, 1.0]) / np.linalg.norm([-0.35, -0.55, 1.0])  # L̂, towards the light
CENTRE_Z = (FLOOR + HEIGHT) / 2
MIN_ELEVATION, MAX_ELEVATION = 0.0, 90.0
MIN_ZOOM, MAX_ZOOM = 0.4, 6.0
_CORNERS = np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])   # the floor's, round it


@dataclass(frozen=True)
class Camera:
    """Where the view looks from: ``azimuth`` φ and ``elevation`` θ in degrees, and ``zoom``."""

    azimuth: float = -50.0
    elevation: float = 30.0
    zoom: float = 1.0

    def turned(self, d_azimuth: float, d_elevation: float = 0.0) -> Camera:
        """The camera turned by these angles (degrees); the elevation stays in 0 … 90, the azimuth in
        (−180, 180]."""
        azimuth = (self.azimuth + d_azimuth + 180.0) % 360.0 - 180.0
        elevation = min(MAX_ELEVATION, max(MIN_ELEVATION, self.elevation + d_elevation))
        return replace(self, azimuth=azimuth, elevation=elevation)

    def zoomed(self, factor: float) -> Camera:
        """The camera ``factor`` times closer (the zoom stays in 0.4 … 6)."""
        return replace(self, zoom=min(MAX_ZOOM, max(MIN_ZOOM, self.zoom * factor)))


DEFAULT_CAMERA = Camera()


def basis(camera: Camera) -> np.ndarray:
    """The rows u (right), v (up), d (depth) of the camera, as a 3 × 3 matrix acting on (X, Y, Z − Z_c)."""
    phi, theta = np.radians(camera.azimuth), np.radians(camera.elevation)
    cp, sp, ct, st = np.cos(phi), np.sin(phi), np.cos(theta), np.sin(theta)
    return np.array([[cp, -sp, 0.0],              # u = a
                     [sp * st, cp * st, ct],       # v = b sin θ + Z' cos θ
                     [sp * ct, cp * ct, -st]])     # d = b cos θ − Z' sin θ


@dataclass(frozen=True)
class Box:
    """The view's ranges of w₁, w₂ and J, and their normalisation to scene coordinates."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    z_range: tuple[float, float]

    def scene(self, points: np.ndarray) -> np.ndarray:
        """(…, 3) points (w₁, w₂, J) in scene coordinates (X, Y, Z); J beyond the box is clipped to it."""
        p = np.asarray(points, dtype=float)
        (x0, x1), (y0, y1), (z0, z1) = self.x_range, self.y_range, self.z_range
        out = np.empty(p.shape)
        out[..., 0] = 2.0 * (p[..., 0] - (x0 + x1) / 2) / (x1 - x0)
        out[..., 1] = 2.0 * (p[..., 1] - (y0 + y1) / 2) / (y1 - y0)
        with np.errstate(invalid="ignore"):
            z = np.clip((p[..., 2] - z0) / (z1 - z0), 0.0, 1.0)
        out[..., 2] = HEIGHT * np.where(np.isnan(p[..., 2]), 1.0, z)
        return out


def box_for(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray) -> Box:
    """The box of a grid: its weight ranges and its finite values' range."""
    finite = Z[np.isfinite(Z)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high <= low:
        high = low + 1.0
    return Box((float(xs[0]), float(xs[-1])), (float(ys[0]), float(ys[-1])), (low, high))


@dataclass(frozen=True)
class Mesh:
    """The surface as faces: ``vertices`` (ny·nx, 3) in scene coordinates, ``faces`` (F, 4) their corners'
    indices (a grid cell's corners in order round it), each face's colour ``tone`` (0 … 1) and Lambert
    ``brightness``; the contour ``levels`` (their tones: k / (K + 1), k = 1 … K) and, per level, its
    ``floor`` segments (m, 2, 3)."""

    box: Box
    vertices: np.ndarray
    faces: np.ndarray
    tone: np.ndarray
    brightness: np.ndarray
    levels: np.ndarray
    floor: tuple[np.ndarray, ...]
    bands: int


def mesh(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray, bands: int = 14, signed: bool = False) -> Mesh:
    """The mesh of J on a grid (Z of shape (len(ys), len(xs)), rows are w₂): faces, their shading and
    tones, and the floor's contour lines at ``bands − 1`` levels (log-spaced, or ``signed``: even and
    symmetric about J = 0, for a saddle)."""
    xs, ys, Z = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), np.asarray(Z, dtype=float)
    box = box_for(xs, ys, Z)
    finite = np.where(np.isfinite(Z), Z, box.z_range[1])          # a non-finite value: the top of the box
    gx, gy = np.meshgrid(xs, ys)
    vertices = box.scene(np.stack([gx, gy, finite], axis=-1))      # (ny, nx, 3)
    ny, nx = Z.shape
    index = np.arange(ny * nx).reshape(ny, nx)
    faces = np.stack([index[:-1, :-1], index[:-1, 1:], index[1:, 1:], index[1:, :-1]], axis=-1).reshape(-1, 4)
    flat = vertices.reshape(-1, 3)
    normal = np.cross(flat[faces[:, 2]] - flat[faces[:, 0]], flat[faces[:, 3]] - flat[faces[:, 1]])
    length = np.linalg.norm(normal, axis=1)
    unit = normal / np.where(length > 0, length, 1.0)[:, None]
    brightness = AMBIENT + (1.0 - AMBIENT) * np.abs(unit @ LIGHT)
    levels = signed_levels(finite, bands - 1) if signed else log_levels(finite, bands - 1)
    K = len(levels)
    tone = np.interp(finite.reshape(-1)[faces].mean(axis=1), levels, np.arange(1, K + 1)) / (K + 1)
    floor = []
    for level in levels:
        seg = isoline(xs, ys, Z, level)                            # (m, 2, 2) in (w₁, w₂)
        lifted = np.concatenate([box.scene(np.concatenate([seg, np.zeros(seg.shape[:2] + (1,))], axis=-1))[..., :2],
                                 np.full(seg.shape[:2] + (1,), FLOOR)], axis=-1)
        floor.append(lifted)
    return Mesh(box, flat, faces, tone, brightness, levels, tuple(floor), bands)


@dataclass(frozen=True)
class Projector:
    """The camera's picture of a box on a widget ``width`` × ``height`` pixels (see the module docstring)."""

    box: Box
    camera: Camera
    width: float
    height: float

    @property
    def scale(self) -> float:
        """s = zoom · min(W / (2√2), H / (2 h(θ))): pixels per scene unit (see the module docstring)."""
        theta = np.radians(self.camera.elevation)
        half_height = (HEIGHT - FLOOR) / 2 * np.cos(theta) + np.sqrt(2.0) * np.sin(theta)
        return float(self.camera.zoom * min(self.width / (2 * np.sqrt(2.0)), self.height / (2 * half_height)))

    def project(self, scene_points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(…, 3) scene points → their (…, 2) pixel positions and (…) depths (larger is farther)."""
        p = np.asarray(scene_points, dtype=float) - np.array([0.0, 0.0, CENTRE_Z])
        u, v, d = np.moveaxis(p @ basis(self.camera).T, -1, 0)
        s = self.scale
        return np.stack([self.width / 2 + s * u, self.height / 2 - s * v], axis=-1), d

    def screen(self, points: np.ndarray) -> np.ndarray:
        """(…, 3) data points (w₁, w₂, J) → (…, 2) pixel positions."""
        return self.project(self.box.scene(points))[0]

    def faces(self, m: Mesh) -> tuple[np.ndarray, np.ndarray]:
        """The mesh's faces far to near: their corners in pixels (F, 4, 2) and their indices in ``m``."""
        xy, depth = self.project(m.vertices)
        order = np.argsort(-depth[m.faces].mean(axis=1), kind="stable")
        return xy[m.faces[order]], order

    def floor(self, m: Mesh) -> list[np.ndarray]:
        """Each level's floor segments in pixels, (m, 2, 2)."""
        return [self.project(seg)[0] if len(seg) else np.empty((0, 2, 2)) for seg in m.floor]

    def edges(self) -> dict[str, np.ndarray]:
        """The box's lines in pixels, each (2, 2): the floor's four edges and the J axis, the vertical at
        the floor's corner farthest to the left on screen (so it is never hidden by the surface)."""
        floor = np.column_stack([_CORNERS, np.full(4, FLOOR)])
        xy, _ = self.project(floor)
        axis = np.array([[*self._left_corner(), FLOOR], [*self._left_corner(), HEIGHT]])
        lines = {f"floor{k}": xy[[k, (k + 1) % 4]] for k in range(4)}
        lines["J"] = self.project(axis)[0]
        return lines

    def _left_corner(self) -> np.ndarray:
        """The floor's corner (X, Y) farthest to the left on screen."""
        xy, _ = self.project(np.column_stack([_CORNERS, np.full(4, FLOOR)]))
        corner: np.ndarray = _CORNERS[int(np.argmin(xy[:, 0]))]
        return corner

    def ticks(self, count: int = 3) -> dict[str, list[tuple[float, np.ndarray, np.ndarray]]]:
        """``count`` ticks along each axis: (value, pixel position, outward unit direction on screen).
        w₁ on the floor edge nearest the viewer of the two along w₁, w₂ likewise, J on the J axis."""
        (x0, x1), (y0, y1), (z0, z1) = self.box.x_range, self.box.y_range, self.box.z_range
        centre, _ = self.project(np.array([0.0, 0.0, FLOOR]))
        out: dict[str, list[tuple[float, np.ndarray, np.ndarray]]] = {}
        t = np.linspace(0.0, 1.0, count)
        for name, lo, hi, along in (("w1", x0, x1, 0), ("w2", y0, y1, 1)):
            edges = []
            for side in (-1.0, 1.0):                                 # the two edges along this axis
                pts = np.zeros((count, 3))
                pts[:, along] = -1 + 2 * t
                pts[:, 1 - along] = side
                pts[:, 2] = FLOOR
                edges.append(self.project(pts))
            xy = min(edges, key=lambda e: float(e[1].mean()))[0]   # the nearer edge
            out[name] = [(lo + (hi - lo) * k, xy[i], _unit(xy[i] - centre)) for i, k in enumerate(t)]
        corner = self._left_corner()
        points = np.column_stack([np.tile(corner, (count, 1)), HEIGHT * t])
        xy, _ = self.project(points)
        outward = _unit(xy[0] - centre)
        out["J"] = [(z0 + (z1 - z0) * k, xy[i], outward) for i, k in enumerate(t)]
        return out


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.hypot(*v))
    return v / n if n > 0 else np.array([0.0, 1.0])


def path_points(value: Callable[[np.ndarray], np.ndarray | float], path: np.ndarray) -> np.ndarray:
    """A run's path (m, 2) of weights as (m, 3) points (w₁, w₂, J(w₁, w₂)), J computed by ``value``."""
    w = np.asarray(path, dtype=float).reshape(-1, 2)
    with np.errstate(all="ignore"):
        J = np.asarray(value(w), dtype=float).reshape(-1) if len(w) else np.empty(0)
    return np.column_stack([w, J])


def grid_heights(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray, path: np.ndarray) -> np.ndarray:
    """A path (m, 2) on a sampled grid as (m, 3) points, J read off the grid by bilinear interpolation
    (a point outside the grid takes its nearest edge's value)."""
    w = np.asarray(path, dtype=float).reshape(-1, 2)
    fx = np.interp(w[:, 0], xs, np.arange(len(xs)))                # fractional column
    fy = np.interp(w[:, 1], ys, np.arange(len(ys)))                # fractional row
    j0 = np.clip(np.floor(fx).astype(int), 0, len(xs) - 2)
    i0 = np.clip(np.floor(fy).astype(int), 0, len(ys) - 2)
    tx, ty = fx - j0, fy - i0
    below = (1 - tx) * Z[i0, j0] + tx * Z[i0, j0 + 1]                # along w₁ on the row under the point
    above = (1 - tx) * Z[i0 + 1, j0] + tx * Z[i0 + 1, j0 + 1]        # … and on the row over it
    J = (1 - ty) * below + ty * above
    return np.column_stack([w, J])
