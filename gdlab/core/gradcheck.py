"""Gradient checking: backpropagation's answer against central finite differences.

For each parameter w the numerical derivative is

    ∂J/∂w ≈ (J(w + ε) − J(w − ε)) / (2ε)                                       (order 2)

whose error is O(ε²) from truncation plus about (machine ε · |J|)/ε from rounding; with
ε = 1e-6 and J of order 1 that is ~1e-10 absolute, so a gradient of size g agrees to a relative
error of about 1e-10/g (1e-6 for g = 1e-4) when backprop is right, and to ~1 when it is wrong.
Compare with the relative error |a − b| / (|a| + |b|), which is scale-free.

Higher orders cancel more of the truncation error, so a larger ε (less rounding) can be used:

    order 4:  ∂J/∂w ≈ [8 (J(w + ε) − J(w − ε)) − (J(w + 2ε) − J(w − 2ε))] / (12ε)
    order 6:  ∂J/∂w ≈ [45 (J₊₁ − J₋₁) − 9 (J₊₂ − J₋₂) + (J₊₃ − J₋₃)] / (60ε),  J₊ₖ = J(w + kε)

With order 6 and ε ≈ 3e-3 both errors are ~1e-14, which resolves even gradients of size 1e-7
to a relative error below 1e-6 (the tests use it for that). Mind kinks (relu at 0, |w| at 0
under l1): the stencil must not reach across one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .losses import Loss

if TYPE_CHECKING:
    from .network import MLP

_TINY = np.finfo(np.float64).tiny
# (k, weight) pairs of the central stencils: f'(x) ≈ Σ weight·(f(x + kε) − f(x − kε)) / ε.
# Differences of mirrored values first, so a flat f gives exactly 0.
_STENCILS = {2: ((1, 1 / 2),),
             4: ((1, 8 / 12), (2, -1 / 12)),
             6: ((1, 45 / 60), (2, -9 / 60), (3, 1 / 60))}


def _partial(f: Callable[[], float], x: np.ndarray, index: tuple[int, ...], eps: float, order: int) -> float:
    """∂f/∂x[index] by the central stencil of the given order; x[index] is restored exactly."""
    try:
        stencil = _STENCILS[order]
    except KeyError:
        raise ValueError(f"order must be 2, 4 or 6, got {order!r}") from None
    old = x[index]
    total = 0.0
    try:
        for k, weight in stencil:
            x[index] = old + k * eps
            f_plus = f()
            x[index] = old - k * eps
            total += weight * (f_plus - f())
    finally:
        x[index] = old
    return total / eps


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6, order: int = 2) -> np.ndarray:
    """∂f/∂x by central differences, ∂f/∂x_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / (2ε).

    ``f`` takes no arguments and reads ``x``, which is perturbed in place one entry at a time
    and restored exactly afterwards (also if ``f`` raises). ``x`` may be a view (a network's
    ``weights[l]``): the perturbation reaches whatever it views. ``order`` 4 or 6: the wider
    stencils of the module docstring.
    """
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        grad[i] = _partial(f, x, i, eps, order)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """|a − b| / max(|a| + |b|, tiny), elementwise; 0 where a and b are both 0."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    error: NDArray[np.float64] = np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), _TINY)
    return error


@dataclass
class GradCheckResult:
    """Per-parameter arrays in ``model.params`` order: [W1, b1, W2, b2, …]."""

    names: list[str]
    analytic: list[np.ndarray]
    numeric: list[np.ndarray]
    relative_errors: list[np.ndarray]
    max_relative_error: float = field(init=False)

    def __post_init__(self) -> None:
        self.max_relative_error = max((float(e.max()) for e in self.relative_errors if e.size), default=0.0)

    def summary(self) -> str:
        """One line per parameter: its name and worst relative error."""
        return "\n".join(f"{name}: max relative error {float(e.max()) if e.size else 0.0:.2e}"
                         for name, e in zip(self.names, self.relative_errors))


def parameter_names(num_layers: int) -> list[str]:
    """["W1", "b1", "W2", "b2", …] (layers counted from 1, as in lectures)."""
    return [f"{p}{l + 1}" for l in range(num_layers) for p in ("W", "b")]


def gradient_check(model: MLP, X: np.ndarray, Y: np.ndarray, loss: str | Loss = "mse", regularization: str = "none",
                   reg_rate: float = 0.0, eps: float = 1e-6, order: int = 2) -> GradCheckResult:
    """Backprop's ∂J/∂w for every parameter of ``model`` (an MLP) against central differences."""
    model.loss_and_gradients(X, Y, loss, regularization, reg_rate)
    analytic = [g.copy() for g in model.gradients]  # copies: the network reuses its buffers
    costs = model.last_data_cost, model.last_penalty

    def cost() -> float:
        return model.cost(X, Y, loss, regularization, reg_rate)

    numeric = [numerical_gradient(cost, p, eps, order) for p in model.params]
    model.last_data_cost, model.last_penalty = costs  # as after the backprop pass, not a probe
    return GradCheckResult(parameter_names(len(model.weights)), analytic, numeric,
                           [relative_error(a, b) for a, b in zip(analytic, numeric)])


def check_weight(model: MLP, X: np.ndarray, Y: np.ndarray, layer: int, i: int, j: int, loss: str | Loss = "mse",
                 regularization: str = "none", reg_rate: float = 0.0,
                 eps: float = 1e-6, order: int = 2) -> tuple[float, float, float]:
    """(analytic, numeric, relative error) of ∂J/∂W_layer[i, j].

    ``layer`` counts from 1 (W1 is the first weight matrix); ``i`` (input) and ``j`` (neuron)
    are 0-based indices into that matrix. The network is left as after its backprop pass.
    """
    if not 1 <= layer <= len(model.weights):
        raise ValueError(f"layer must be 1 … {len(model.weights)}, got {layer}")
    W = model.weights[layer - 1]
    if not (0 <= i < W.shape[0] and 0 <= j < W.shape[1]):
        raise ValueError(f"W{layer} has shape {W.shape}; no entry [{i}, {j}]")
    analytic = float(model.loss_and_gradients(X, Y, loss, regularization, reg_rate)[1][layer - 1][i, j])
    costs = model.last_data_cost, model.last_penalty
    try:
        numeric = _partial(lambda: model.cost(X, Y, loss, regularization, reg_rate), W, (i, j), eps, order)
    finally:
        model.last_data_cost, model.last_penalty = costs
    return analytic, numeric, float(relative_error(analytic, numeric))
