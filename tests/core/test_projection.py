"""The 3-D view's maths (gdlab.core.surface.projection), checked against values worked out by hand."""
import numpy as np
import pytest

from gdlab.core.surface import landscape
from gdlab.core.surface import projection as P
from gdlab.core.surface.surfaces import get_surface

BOX = P.Box((0.0, 2.0), (0.0, 2.0), (0.0, 10.0))   # mid (1, 1); J 0 … 10


def test_the_box_normalises_weights_to_plus_minus_one_and_j_to_its_height():
    scene = BOX.scene(np.array([[2.0, 1.0, 5.0], [0.0, 2.0, 0.0], [1.0, 0.0, 99.0]]))
    assert scene == pytest.approx(np.array([[1.0, 0.0, 0.55], [-1.0, 1.0, 0.0], [0.0, -1.0, 1.1]]))  # J clipped


def test_a_camera_in_front_at_eye_level_sees_w1_across_and_j_up():
    """φ = 0, θ = 0: u = X, v = Z − Z_c, d = Y. On 400 × 200 pixels h(0) = (1.1 + 0.35)/2 = 0.725, so
    s = min(400 / 2√2, 200 / 1.45) = 137.931…; the point (X, Y, Z) = (1, 0, 0.55) has Z − Z_c = 0.175."""
    proj = P.Projector(BOX, P.Camera(azimuth=0.0, elevation=0.0), 400, 200)
    s = 200 / 1.45
    assert proj.scale == pytest.approx(s)
    xy, depth = proj.project(np.array([1.0, 0.0, 0.55]))
    assert xy == pytest.approx([200 + s * 1.0, 100 - s * 0.175])
    assert depth == pytest.approx(0.0)
    assert proj.screen(np.array([2.0, 1.0, 5.0])) == pytest.approx(xy)   # the same point in data units
    _, far = proj.project(np.array([0.0, 1.0, 0.0]))
    assert far == pytest.approx(1.0)                                    # Y = 1 is farther away


def test_a_camera_turned_a_quarter_and_looking_straight_down():
    """φ = 90°, θ = 90°: a = −Y, b = X, so u = −Y, v = X, d = −(Z − Z_c); s = min(W/2√2, H/(2√2))."""
    proj = P.Projector(BOX, P.Camera(azimuth=90.0, elevation=90.0, zoom=2.0), 300, 300)
    s = 2.0 * 300 / (2 * np.sqrt(2.0))
    xy, depth = proj.project(np.array([1.0, 0.5, 1.1]))
    assert xy == pytest.approx([150 + s * -0.5, 150 - s * 1.0])
    assert depth == pytest.approx(-(1.1 - P.CENTRE_Z))


def test_the_camera_turns_within_its_limits():
    c = P.Camera(azimuth=170.0, elevation=80.0)
    assert c.turned(20.0, 30.0) == P.Camera(azimuth=-170.0, elevation=90.0)
    assert c.turned(0.0, -200.0).elevation == 0.0
    assert c.zoomed(100.0).zoom == P.MAX_ZOOM and c.zoomed(0.001).zoom == P.MIN_ZOOM


def test_faces_are_lit_by_lambert_and_painted_far_to_near():
    """A flat grid: every normal is (0, 0, 1), so brightness = AMBIENT + (1 − AMBIENT)·L_z. The plane
    J = w₁ over [0, 1]² with J 0 … 1: Z = 1.1·w₁ and X = 2w₁ − 1, so the normal is ∝ (−0.55, 0, 1)."""
    xs = ys = np.linspace(0.0, 1.0, 3)
    flat = P.mesh(xs, ys, np.ones((3, 3)))
    assert flat.brightness == pytest.approx(np.full(4, P.AMBIENT + (1 - P.AMBIENT) * P.LIGHT[2]))
    ramp = P.mesh(xs, ys, np.tile(xs, (3, 1)))
    n = np.array([-0.55, 0.0, 1.0]) / np.hypot(0.55, 1.0)
    assert ramp.brightness == pytest.approx(np.full(4, P.AMBIENT + (1 - P.AMBIENT) * abs(n @ P.LIGHT)))
    assert np.all(np.diff(ramp.tone.reshape(2, 2), axis=1) > 0)     # higher J, further along the colours
    # seen from the front at eye level, depth is Y: the faces of the back row (rows are w₂) come first
    _, order = P.Projector(ramp.box, P.Camera(0.0, 0.0), 100, 100).faces(ramp)
    rows = order // 2
    assert list(rows) == [1, 1, 0, 0]


def test_the_floor_holds_the_contour_lines_of_the_grid():
    s = get_surface("bowl")
    xs, ys, Z = landscape.grid(s, s.view_range[0], s.view_range[1], resolution=21)
    m = P.mesh(xs, ys, Z, bands=6)
    assert len(m.floor) == len(m.levels) == 5
    lines = np.concatenate([seg for seg in m.floor if len(seg)])
    assert np.allclose(lines[..., 2], P.FLOOR)
    assert m.vertices[:, 2].min() == pytest.approx(0.0) and m.vertices[:, 2].max() == pytest.approx(P.HEIGHT)
    # a bowl's contour lines are circles: every point of the first level's ring is at one radius
    ring = m.floor[2].reshape(-1, 3)[:, :2] * (xs[-1] - xs[0]) / 2       # back to weights (the range is centred)
    radius = np.hypot(ring[:, 0], ring[:, 1])
    assert radius == pytest.approx(np.full(len(radius), np.sqrt(m.levels[2])), rel=0.02)


def test_a_path_is_lifted_to_the_surface_exactly_and_onto_a_grid_bilinearly():
    s = get_surface("rosenbrock")
    path = np.array([[-1.5, 2.0], [0.0, 0.0], [1.0, 1.0]])
    points = P.path_points(s.value, path)
    assert points[:, :2] == pytest.approx(path)
    assert points[:, 2] == pytest.approx([s.value(w) for w in path])
    assert points[2, 2] == 0.0
    xs, ys = np.linspace(0.0, 2.0, 5), np.linspace(-1.0, 1.0, 3)
    gx, gy = np.meshgrid(xs, ys)
    Z = 2 * gx + 3 * gy + 1           # a plane: bilinear interpolation is exact on it
    on = P.grid_heights(xs, ys, Z, np.array([[0.3, 0.2], [1.9, -0.7], [5.0, 0.0]]))
    assert on[:, 2] == pytest.approx([2 * 0.3 + 3 * 0.2 + 1, 2 * 1.9 - 3 * 0.7 + 1, 2 * 2.0 + 1])  # outside: edge
