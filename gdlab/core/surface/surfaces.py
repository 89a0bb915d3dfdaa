"""Cost surfaces: analytic cost functions J(w) of one or two weights, to watch gradient descent on.

Each :class:`Surface` has ``value(w)`` and its exact ``gradient(w)`` for ``w`` of shape (..., d)
(so a whole grid, or a batch of K runs stacked as rows, is one call), its dimension d, a default
view range and start point, and its known minima. Formulas, with w = (x, y) in 2-D:

1-D
    parabola          J(w) = w²                                          min w = 0
    double_well       J(w) = (w² − 1)² + 0.3·w                           global min ≈ −1.036, local ≈ 0.960
    one_weight_model  J(w) = 1/(2n) Σᵢ (w·xᵢ − yᵢ)²  on 5 fixed points    min w = Σxy / Σx²

2-D
    bowl              J = x² + y²                                        min (0, 0)
    elongated_bowl    J = ½(x² + 25y²)         (condition number 25)     min (0, 0)
    saddle            J = x² − y²              (no minimum)              saddle point (0, 0)
    rosenbrock        J = (a − x)² + b(y − x²)²,  a = 1, b = 100         min (1, 1)
    himmelblau        J = (x² + y − 11)² + (x + y² − 7)²                 four minima, J = 0
    beale             J = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²   min (3, 0.5)
    booth             J = (x + 2y − 7)² + (2x + y − 5)²                  min (1, 3)
    six_hump_camel    J = (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²       two global minima ±(0.0898, −0.7127)

The formulas themselves are the kernels of :mod:`gdlab.core.surface.surface_kernels` (the one implementation,
which the exported race script includes too). Minima that are not known in closed form are
computed once, to full float64 accuracy, by Newton's method from a textbook approximation (see :func:`_polish`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import surface_kernels as K

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Surface:
    """An analytic cost J(w) with its exact gradient ∂J/∂w."""

    name: str
    title: str
    formula: str
    dim: int
    _value: Callable[[Array], Array]
    _gradient: Callable[[Array], Array]
    view_range: tuple[tuple[float, float], ...]
    default_start: tuple[float, ...]
    global_minima: tuple[tuple[float, ...], ...]
    local_minima: tuple[tuple[float, ...], ...] = ()
    saddle_points: tuple[tuple[float, ...], ...] = ()
    description: str = ""
    smoothness: float | None = None  # L, the largest curvature, where it is the same everywhere

    @property
    def minima(self) -> tuple[tuple[float, ...], ...]:
        """Every known minimum, global ones first."""
        return self.global_minima + self.local_minima

    def _check(self, w: ArrayLike) -> Array:
        w = np.asarray(w, dtype=np.float64)
        if w.ndim == 0 or w.shape[-1] != self.dim:
            raise ValueError(f"{self.name} takes weights of shape (..., {self.dim}), got {w.shape}")
        return w

    def value(self, w: ArrayLike) -> Array | float:
        """J(w) for w of shape (..., d); the result has shape (...) (a float for a single point)."""
        w = self._check(w)
        out = self._value(w)
        return float(out) if out.ndim == 0 else out

    def gradient(self, w: ArrayLike) -> Array:
        """∂J/∂w for w of shape (..., d); the result has the shape of w."""
        return self._gradient(self._check(w))

    @property
    def min_value(self) -> float | None:
        """J at a global minimum (None for a surface with no minimum)."""
        return float(self.value(np.array(self.global_minima[0]))) if self.global_minima else None

    def __repr__(self) -> str:
        return f"<Surface {self.name}: J = {self.formula}>"


# -- exact minima -----------------------------------------------------------------------------------
def _polish(grad: Callable[[Array], Array], guess: ArrayLike, steps: int = 50) -> tuple[float, ...]:
    """A stationary point near ``guess``: Newton's method on ∇J = 0 with a finite-difference Hessian."""
    w = np.array(guess, dtype=np.float64)
    d, h = len(w), 1e-6
    for _ in range(steps):
        g = grad(w)
        H = np.empty((d, d))
        for j in range(d):
            e = np.zeros(d)
            e[j] = h
            H[:, j] = (grad(w + e) - grad(w - e)) / (2 * h)
        dw = np.linalg.solve(H, g)
        w = w - dw
        if np.abs(dw).max() < 1e-15 * max(1.0, np.abs(w).max()):
            break
    return tuple(float(v) for v in w)


_DW_GLOBAL = _polish(K.double_well_gradient, [-1.04])
_DW_LOCAL = _polish(K.double_well_gradient, [0.96])
_HIMMELBLAU = tuple(_polish(K.himmelblau_gradient, g) for g in
                    ([3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]))
_CAMEL = tuple(_polish(K.six_hump_camel_gradient, g) for g in ([0.0898, -0.7126], [-0.0898, 0.7126]))

_SURFACES: tuple[Surface, ...] = (
    Surface("parabola", "Parabola", "w²", 1, K.parabola_cost, K.parabola_gradient, ((-2.0, 2.0),), (1.5,), ((0.0,),),
            description="The simplest cost: one valley, slope 2w. Gradient descent multiplies w by (1 − 2α) "
                        "each step, so α < 0.5 glides in, 0.5 < α < 1 zig-zags in and α > 1 diverges.",
            smoothness=2.0),
    Surface("double_well", "Double well", "(w² − 1)² + 0.3·w", 1, K.double_well_cost, K.double_well_gradient,
            ((-1.8, 1.8),), (1.6,), (_DW_GLOBAL,), (_DW_LOCAL,),
            description="Two valleys of different depth: gradient descent goes down the valley it starts "
                        "in, which need not be the deeper one."),
    Surface("one_weight_model", "One-weight model", "1/(2n)·Σ(w·xᵢ − yᵢ)²", 1,
            K.one_weight_model_cost, K.one_weight_model_gradient, ((-1.0, 5.0),), (0.0,), ((K.SXY / K.SXX,),),
            description="The cost of the model ŷ = w·x on five data points: the mean squared error as a "
                        "function of its one weight is a parabola whose bottom is the best fit.",
            smoothness=K.SXX / K.MODEL_N),
    Surface("bowl", "Bowl", "w₁² + w₂²", 2, K.bowl_cost, K.bowl_gradient, ((-2.0, 2.0), (-2.0, 2.0)), (-1.5, 1.2),
            ((0.0, 0.0),), description="A round bowl: the gradient points straight at the minimum; "
                                       "stable for α < 1 (= 2/L with L = 2).", smoothness=2.0),
    Surface("elongated_bowl", "Elongated bowl", "½(w₁² + 25·w₂²)", 2, K.elongated_bowl_cost, K.elongated_bowl_gradient,
            ((-3.0, 3.0), (-1.5, 1.5)), (-2.5, 1.0), ((0.0, 0.0),),
            description="A long narrow valley (condition number 25): a step small enough for the steep "
                        "direction crawls along the flat one, and momentum helps.", smoothness=K.ELONGATION),
    Surface("saddle", "Saddle", "w₁² − w₂²", 2, K.saddle_cost, K.saddle_gradient, ((-2.0, 2.0), (-2.0, 2.0)),
            (1.5, 0.001), (), saddle_points=((0.0, 0.0),),
            description="Uphill one way, downhill the other: at the saddle point the gradient vanishes "
                        "without a minimum there.", smoothness=2.0),
    Surface("rosenbrock", "Rosenbrock's valley", "(1 − w₁)² + 100·(w₂ − w₁²)²", 2,
            K.rosenbrock_cost, K.rosenbrock_gradient, ((-2.0, 2.0), (-1.0, 3.0)), (-1.5, 2.0),
            ((K.ROSENBROCK_A, K.ROSENBROCK_A * K.ROSENBROCK_A),),
            description="A curved, flat-bottomed valley: finding the valley is easy, following it to (1, 1) "
                        "is hard."),
    Surface("himmelblau", "Himmelblau's function", "(w₁² + w₂ − 11)² + (w₁ + w₂² − 7)²", 2, K.himmelblau_cost,
            K.himmelblau_gradient, ((-5.0, 5.0), (-5.0, 5.0)), (0.0, 0.0), _HIMMELBLAU,
            description="Four minima of equal depth: where a run ends depends on where it starts."),
    Surface("beale", "Beale's function", "(1.5 − w₁ + w₁w₂)² + (2.25 − w₁ + w₁w₂²)² + (2.625 − w₁ + w₁w₂³)²", 2,
            K.beale_cost, K.beale_gradient, ((-4.5, 4.5), (-4.5, 4.5)), (1.0, 1.4), ((3.0, 0.5),),
            description="Flat plains and steep walls: a hard test of step sizes."),
    Surface("booth", "Booth's function", "(w₁ + 2w₂ − 7)² + (2w₁ + w₂ − 5)²", 2, K.booth_cost, K.booth_gradient,
            ((-10.0, 10.0), (-10.0, 10.0)), (-8.0, -6.0), ((1.0, 3.0),),
            description="A tilted quadratic bowl with its minimum at (1, 3).", smoothness=18.0),
    Surface("six_hump_camel", "Six-hump camel", "(4 − 2.1w₁² + w₁⁴/3)·w₁² + w₁w₂ + (−4 + 4w₂²)·w₂²", 2,
            K.six_hump_camel_cost, K.six_hump_camel_gradient, ((-2.0, 2.0), (-1.2, 1.2)), (-1.5, -0.8), _CAMEL,
            description="Six humps, two global minima and several local ones."),
)

SURFACES: dict[str, Surface] = {s.name: s for s in _SURFACES}
SURFACE_NAMES: tuple[str, ...] = tuple(SURFACES)


def get_surface(name: str) -> Surface:
    """The surface called ``name`` (one of :data:`SURFACE_NAMES`)."""
    try:
        return SURFACES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown surface {name!r}; choose one of {', '.join(SURFACE_NAMES)}") from None
