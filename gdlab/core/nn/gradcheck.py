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

A verdict needs a bound, not a fixed threshold on the relative error: :func:`weight_check`
computes the order-6 estimate D₆ together with its error bound

    B = T + R,   T = |D₆ − D₄|                        (truncation: D₄ from the same six costs)
                 R = Σₖ 2|cₖ| · ROUNDING · u · S / ε         (round-off of the costs, u = 1.1e-16)

where S = max|J| + max|z_L| + max|y| is the size of the numbers J is computed from: a
cross-entropy near 0 comes from logits z_L of size 10 and rounds like them, not like J,

and says "right" when |backprop − D₆| ≤ B, "wrong" when it is larger, and "cannot be checked"
when |∂J/∂w| itself is below B or a kink (a ReLU switching, |w| = 0 under l1) lies within the
stencil's reach of ±3ε.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..io.printing import number, scientific
from .losses import Loss

if TYPE_CHECKING:
    from .network import MLP

_TINY = np.finfo(np.float64).tiny
_U = float(np.finfo(np.float64).eps) / 2  # the unit round-off, 1.1e-16
# Roundings of relative size u behind one computed J (a mean of per-sample losses through a few
# layers), relative to S: the round-off measured on every network preset stays below 1·u·S
# (tests/core/test_gradcheck_verdict.py measures it), so 64 leaves a wide margin.
ROUNDING = 64
RIGHT, WRONG, UNCHECKABLE = "right", "wrong", "cannot be checked"
CHECK_EPS, CHECK_ORDER = 1e-3, 6  # the inspector's and `gdlab inspect`'s stencil
# (k, weight) pairs of the central stencils: f'(x) ≈ Σ weight·(f(x + kε) − f(x − kε)) / ε.
# Differences of mirrored values first, so a flat f gives exactly 0.
_STENCILS = {2: ((1, 1 / 2),),
             4: ((1, 8 / 12), (2, -1 / 12)),
             6: ((1, 45 / 60), (2, -9 / 60), (3, 1 / 60))}


def stencil_formula(order: int) -> str:
    """The central stencil of ``order`` as printed beside its estimate (J±ₖ = J(w ± kε))."""
    return {2: "(J₊₁ − J₋₁) / 2ε",
            4: "[8(J₊₁ − J₋₁) − (J₊₂ − J₋₂)] / 12ε",
            6: "[45(J₊₁ − J₋₁) − 9(J₊₂ − J₋₂) + (J₊₃ − J₋₃)] / 60ε"}[order]


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


@dataclass(frozen=True)
class WeightCheck:
    """Backprop's ∂J/∂w for one weight against the order-6 central difference D₆, with the bound
    B = T + R on |D₆ − ∂J/∂w| (module docstring) and the verdict that follows from it."""

    backprop: float
    numeric: float       # D₆
    eps: float
    order: int
    truncation: float    # T = |D₆ − D₄|
    roundoff: float      # R
    verdict: str         # RIGHT, WRONG or UNCHECKABLE
    reason: str = ""     # why, for WRONG and UNCHECKABLE

    @property
    def bound(self) -> float:
        """B = T + R."""
        return self.truncation + self.roundoff

    @property
    def difference(self) -> float:
        """|backprop − D₆|."""
        return abs(self.backprop - self.numeric)

    @property
    def rel_error(self) -> float:
        """|backprop − D₆| / (|backprop| + |D₆|)."""
        return float(relative_error(self.backprop, self.numeric))

    @property
    def sentence(self) -> str:
        """The verdict as one line: one of the three forms, verbatim."""
        if self.verdict == RIGHT:
            return f"backprop is right (agrees within ±{scientific(self.bound)})"
        if self.verdict == WRONG:
            return f"backprop is wrong: {self.reason}"
        return f"cannot be checked here: {self.reason}"


def _kink_within_reach(model: MLP, X: np.ndarray, W: np.ndarray, index: tuple[int, int], reach: float,
                       regularization: str) -> str:
    """Why a kink lies within ±``reach`` of the weight (empty if none): a ReLU-type neuron whose
    z changes sign at one of the stencil's points, or |w| = 0 of the l1 penalty."""
    old = float(W[index])
    if regularization == "l1" and abs(old) <= reach:
        return f"|w| = {scientific(abs(old))} is within {number(reach)} of the l1 penalty's kink at w = 0"
    kinked = [l for l, f in enumerate(model.layer_activations) if f.kinked]
    if not kinked:
        return ""
    try:
        signs = []
        for shift in (0.0, -reach, reach, -reach / 3, reach / 3):
            W[index] = old + shift
            model.forward(X)
            signs.append([model.zs[l] > 0 for l in kinked])
    finally:
        W[index] = old
    for pattern in signs[1:]:
        for l, now, then in zip(kinked, pattern, signs[0]):
            if not np.array_equal(now, then):
                return (f"a {model.layer_activations[l].name} neuron of layer {l + 1} switches on or off "
                        f"within ±{number(reach)} of w, where the slope jumps")
    return ""


def weight_check(model: MLP, X: np.ndarray, Y: np.ndarray, layer: int, i: int, j: int, loss: str | Loss = "mse",
                 regularization: str = "none", reg_rate: float = 0.0, eps: float = CHECK_EPS) -> WeightCheck:
    """Backprop's ∂J/∂W_layer[i, j] against D₆ with its bound and verdict (module docstring).

    ``layer`` counts from 1, ``i`` and ``j`` are 0-based. Works on a copy of ``model``.
    """
    probe = model.copy()
    if not 1 <= layer <= len(probe.weights):
        raise ValueError(f"layer must be 1 … {len(probe.weights)}, got {layer}")
    W = probe.weights[layer - 1]
    if not (0 <= i < W.shape[0] and 0 <= j < W.shape[1]):
        raise ValueError(f"W{layer} has shape {W.shape}; no entry [{i}, {j}]")
    with np.errstate(all="ignore"):
        backprop = float(probe.loss_and_gradients(X, Y, loss, regularization, reg_rate)[1][layer - 1][i, j])
        scale = float(np.abs(probe.zs[-1]).max()) + float(np.abs(Y).max(initial=0.0))
        old = W[i, j]
        costs: dict[int, float] = {}
        try:
            for k in (1, 2, 3, -1, -2, -3):
                W[i, j] = old + k * eps
                costs[k] = float(probe.cost(X, Y, loss, regularization, reg_rate))
        finally:
            W[i, j] = old
        diff = {k: costs[k] - costs[-k] for k in (1, 2, 3)}
        d6 = sum(c * diff[k] for k, c in _STENCILS[6]) / eps
        d4 = sum(c * diff[k] for k, c in _STENCILS[4]) / eps
        weights = 2 * sum(abs(c) for _, c in _STENCILS[6])
        scale += max(abs(c) for c in costs.values())                                   # S
        roundoff = weights * ROUNDING * _U * scale / eps
        truncation = abs(d6 - d4)
        kink = _kink_within_reach(probe, X, W, (i, j), 3 * eps, regularization)
    check = WeightCheck(backprop, d6, eps, 6, truncation, roundoff, RIGHT)
    bound = check.bound
    if not all(np.isfinite([backprop, d6, bound])):
        return _with(check, UNCHECKABLE, "the cost is not finite near this weight")
    if kink:
        return _with(check, UNCHECKABLE, kink)
    if max(abs(backprop), abs(d6)) <= bound:
        return _with(check, UNCHECKABLE, f"|∂J/∂w| ≈ {scientific(max(abs(backprop), abs(d6)))} is below the "
                                         f"bound B = {scientific(bound)}: the estimate cannot tell it from 0")
    if check.difference > bound:
        return _with(check, WRONG, f"backprop says {number(backprop)}, finite differences say {number(d6)}; "
                                   f"they differ by {scientific(check.difference)}, more than the bound "
                                   f"B = {scientific(bound)}")
    return check


def _with(check: WeightCheck, verdict: str, reason: str) -> WeightCheck:
    return WeightCheck(check.backprop, check.numeric, check.eps, check.order, check.truncation, check.roundoff,
                       verdict, reason)
