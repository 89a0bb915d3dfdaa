"""Cost surfaces: exact gradients against finite differences, minima, vectorisation."""
import numpy as np
import pytest

from gdlab.core.nn.gradcheck import numerical_gradient, relative_error
from gdlab.core.surface.surfaces import SURFACE_NAMES, get_surface

REQUIRED = {"parabola", "double_well", "one_weight_model", "bowl", "elongated_bowl", "saddle", "rosenbrock",
            "himmelblau", "beale", "booth", "six_hump_camel"}


def test_the_required_surfaces_exist_with_their_dimensions():
    assert REQUIRED <= set(SURFACE_NAMES)
    assert {n for n in SURFACE_NAMES if get_surface(n).dim == 1} >= {"parabola", "double_well", "one_weight_model"}


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_gradient_matches_finite_differences_across_the_view(name):
    s = get_surface(name)
    rng = np.random.default_rng(len(name))
    for _ in range(25):
        w = np.array([rng.uniform(lo, hi) for lo, hi in s.view_range])
        num = numerical_gradient(lambda w=w: s.value(w), w, eps=1e-3, order=6)
        ana = s.gradient(w)
        err = relative_error(ana, num)
        assert (err < 1e-8).all() or np.abs(ana - num).max() < 1e-9, (w, ana, num)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_minima_are_stationary_and_global_ones_lowest(name):
    s = get_surface(name)
    for m in s.minima:
        assert np.abs(s.gradient(np.array(m))).max() < 1e-9, m
    if s.global_minima:
        best = min(s.value(np.array(m)) for m in s.global_minima)
        xs = [np.linspace(lo, hi, 201) for lo, hi in s.view_range]
        grid = np.stack(np.meshgrid(*xs, indexing="ij"), axis=-1)
        assert s.value(grid).min() >= best - 1e-9
        for m in s.local_minima:
            assert s.value(np.array(m)) > best


@pytest.mark.parametrize("name, point, value", [
    ("parabola", [1.5], 2.25), ("bowl", [1.0, -2.0], 5.0), ("elongated_bowl", [2.0, 1.0], 14.5),
    ("saddle", [1.0, 2.0], -3.0), ("rosenbrock", [0.0, 1.0], 101.0), ("rosenbrock", [1.0, 1.0], 0.0),
    ("himmelblau", [0.0, 0.0], 170.0), ("beale", [3.0, 0.5], 0.0), ("booth", [1.0, 3.0], 0.0),
    ("booth", [0.0, 0.0], 74.0), ("six_hump_camel", [0.0, 0.0], 0.0), ("double_well", [1.0], 0.3),
])
def test_textbook_values(name, point, value):
    assert get_surface(name).value(np.array(point)) == pytest.approx(value, abs=1e-12)


def test_known_minima_values():
    assert get_surface("six_hump_camel").value(np.array(get_surface("six_hump_camel").global_minima[0])) == \
        pytest.approx(-1.031628453489877, abs=1e-12)
    for m in get_surface("himmelblau").global_minima:
        assert get_surface("himmelblau").value(np.array(m)) == pytest.approx(0.0, abs=1e-20)
    assert len(get_surface("himmelblau").global_minima) == 4
    dw = get_surface("double_well")
    assert dw.global_minima[0][0] < 0 < dw.local_minima[0][0]


def test_one_weight_model_is_the_mse_of_a_line_through_the_origin():
    s = get_surface("one_weight_model")
    x = np.array([0.5, 1.0, 1.5, 2.0, 2.5])
    y = np.array([0.9, 2.1, 2.9, 4.2, 4.9])
    for w in (-0.5, 0.0, 1.3, 2.0):
        assert s.value(np.array([w])) == pytest.approx(np.mean((w * x - y) ** 2) / 2, rel=1e-13)
    assert s.global_minima[0][0] == pytest.approx(x @ y / (x @ x), rel=1e-15)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_vectorised_over_grids_and_batches(name):
    s = get_surface(name)
    rng = np.random.default_rng(0)
    W = rng.uniform(-1, 1, (4, 3, s.dim))
    values, grads = s.value(W), s.gradient(W)
    assert values.shape == (4, 3) and grads.shape == (4, 3, s.dim)
    for idx in np.ndindex(4, 3):
        assert values[idx] == pytest.approx(s.value(W[idx]), rel=1e-14, abs=1e-14)
        np.testing.assert_allclose(grads[idx], s.gradient(W[idx]), rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_metadata(name):
    s = get_surface(name)
    assert len(s.view_range) == s.dim and len(s.default_start) == s.dim
    assert all(lo < hi for lo, hi in s.view_range)
    assert s.title and s.formula and s.description


def test_wrong_shapes_and_names_are_refused():
    with pytest.raises(ValueError, match="shape"):
        get_surface("bowl").value(np.zeros(3))
    with pytest.raises(ValueError, match="unknown surface"):
        get_surface("ackley")
