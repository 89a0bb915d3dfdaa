"""Optimisers: the rules that turn a gradient g = ∂J/∂w into a step. Backprop computes g; these use it.

Names, hyperparameters and every detail of the update follow PyTorch's ``torch.optim`` (first
step, bias correction, where ε goes), so a run here matches the same run in torch number for
number. With t the step count (1 on the first step) and every operation elementwise:

    sgd        w ← w − lr·g
    momentum   v ← μv + g                (v = g on the first step),       w ← w − lr·v
    nesterov   v ← μv + g                (v = g on the first step),       w ← w − lr·(g + μv)
    adagrad    s ← s + g²,                                               w ← w − lr·g / (√s + ε)
    rmsprop    s ← ρs + (1 − ρ)g²        (torch calls ρ ``alpha``),       w ← w − lr·g / (√s + ε)
    adam       m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,
               m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ),                        w ← w − lr·m̂ / (√v̂ + ε)

``make_optimizer(name, lr, **hyper)`` returns an :class:`Optimizer`; ``step(params, grads)``
updates the arrays of ``params`` in place. ``lr`` is a plain attribute, so a new learning rate is
used by the very next step; it may also be an array that broadcasts against the parameters (a
column of learning rates for a batch of runs stacked as rows). The state (step count and the
running averages) is plain data: :meth:`Optimizer.get_state` copies it out, :meth:`set_state`
puts it back, so a run can be snapshotted and replayed exactly.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

OPTIMIZER_INFO: dict[str, str] = {
    "sgd": "Plain gradient descent: w ← w − α·g.",
    "momentum": "Gradient descent with momentum: v ← μv + g, w ← w − α·v; the velocity smooths and speeds the path.",
    "nesterov": "Nesterov momentum: like momentum, but it steps with g + μv, a look at where the velocity leads.",
    "adagrad": "Adagrad: each weight's step is divided by the root of its summed squared gradients, so steps shrink.",
    "rmsprop": "RMSprop: each weight's step is divided by the root of a running mean of its squared gradients.",
    "adam": "Adam: a running mean of gradients (momentum) divided by the root of a running mean of their squares.",
}
OPTIMIZER_NAMES: tuple[str, ...] = tuple(OPTIMIZER_INFO)


def _check_number(name: str, value: Any, low: float, high: float, open_low: bool = False,
                  open_high: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    number = float(value)
    below = number <= low if open_low else number < low
    above = number >= high if open_high else number > high
    if not math.isfinite(number) or below or above:
        lo, hi = ("(" if open_low else "[") + f"{low:g}", f"{high:g}" + (")" if open_high else "]")
        raise ValueError(f"{name} must lie in {lo}, {hi}, got {number!r}")
    return number


def _check_lr(lr: Any) -> Any:
    if isinstance(lr, np.ndarray):
        if not (np.isfinite(lr).all() and (lr > 0).all()):
            raise ValueError("every learning rate must be a finite number > 0")
        return lr
    return _check_number("lr", lr, 0.0, math.inf, open_low=True, open_high=True)


class Optimizer:
    """Updates parameters in place from their gradients; see the module docstring for each rule.

    Subclasses name the running averages they keep in ``slots`` and implement :meth:`_update`
    for one parameter array.
    """

    name: str = ""
    rule: str = ""
    slots: tuple[str, ...] = ()
    defaults: dict[str, float] = {}

    def __init__(self, lr: Any, **hyper: Any):
        unknown = sorted(set(hyper) - set(self.defaults))
        if unknown:
            allowed = ", ".join(self.defaults) or "none"
            raise ValueError(f"{self.name} has no hyperparameter {unknown[0]!r}; allowed: {allowed}")
        self.lr = _check_lr(lr)
        self.hyper = {k: self._check_hyper(k, hyper.get(k, v)) for k, v in self.defaults.items()}
        self.reset()

    def _check_hyper(self, key: str, value: Any) -> float:
        if key == "eps":
            return _check_number(key, value, 0.0, 1.0)
        return _check_number(key, value, 0.0, 1.0, open_high=True)  # decay rates: 0 ≤ rate < 1

    # -- state ----------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget the step count and the running averages (the next step is a first step)."""
        self.t = 0
        self.state: dict[str, list[np.ndarray]] = {slot: [] for slot in self.slots}

    def get_state(self) -> dict[str, Any]:
        """The step count and copies of the running averages, as plain data."""
        return {"name": self.name, "t": self.t, "lr": np.copy(self.lr) if isinstance(self.lr, np.ndarray) else self.lr,
                "hyper": dict(self.hyper), "slots": {k: [a.copy() for a in v] for k, v in self.state.items()}}

    def copy(self) -> Optimizer:
        """An independent copy: the same rule, hyperparameters and learning rate, and copies of the
        running averages (what a preview of the next step needs, without ``copy.deepcopy``'s cost)."""
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin.lr = np.copy(self.lr) if isinstance(self.lr, np.ndarray) else self.lr
        twin.hyper = dict(self.hyper)
        twin.state = {k: [a.copy() for a in v] for k, v in self.state.items()}
        return twin

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore a :meth:`get_state` dict (copies are taken, so the dict stays independent)."""
        if state.get("name") != self.name:
            raise ValueError(f"state is for {state.get('name')!r}, this optimiser is {self.name!r}")
        self.t = int(state["t"])
        lr = state["lr"]
        self.lr = np.copy(lr) if isinstance(lr, np.ndarray) else lr
        self.hyper = dict(state["hyper"])
        self.state = {k: [np.array(a, dtype=np.float64) for a in state["slots"].get(k, [])] for k in self.slots}

    # -- the step -------------------------------------------------------------------------
    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """One update of every array in ``params`` (in place) from the matching ``grads``."""
        if len(params) != len(grads):
            raise ValueError(f"{len(params)} parameter arrays but {len(grads)} gradients")
        if self.t == 0 and self.slots:
            self.state = {slot: [np.zeros(np.shape(p)) for p in params] for slot in self.slots}
        elif self.slots and len(self.state[self.slots[0]]) != len(params):
            raise ValueError("the parameters changed since the first step; call reset() first")
        self.t += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            self._update(i, p, g)

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        hyper = "".join(f", {k}={v:g}" for k, v in self.hyper.items())
        return f"{type(self).__name__}(lr={self.lr!r}{hyper})"


class SGD(Optimizer):
    """w ← w − lr·g."""

    name, rule = "sgd", "w ← w − α·g"

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        if len(params) != len(grads):
            raise ValueError(f"{len(params)} parameter arrays but {len(grads)} gradients")
        self.t += 1
        lr = self.lr
        for p, g in zip(params, grads):
            p -= lr * g                            # w ← w − lr·g


class Momentum(Optimizer):
    """v ← μv + g (v = g on the first step), w ← w − lr·v   (torch SGD, momentum=μ, dampening=0)."""

    name, rule = "momentum", "v ← μv + g,  w ← w − α·v"
    slots = ("velocity",)
    defaults = {"momentum": 0.9}

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        v = self.state["velocity"][i]
        if self.t == 1:
            np.copyto(v, g)                        # v = g on the first step (torch's buffer init)
        else:
            v *= self.hyper["momentum"]
            v += g                                 # v ← μv + g
        p -= self.lr * v                           # w ← w − lr·v


class Nesterov(Optimizer):
    """v ← μv + g (v = g on the first step), w ← w − lr·(g + μv)   (torch SGD, nesterov=True)."""

    name, rule = "nesterov", "v ← μv + g,  w ← w − α·(g + μv)"
    slots = ("velocity",)
    defaults = {"momentum": 0.9}

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        v, mu = self.state["velocity"][i], self.hyper["momentum"]
        if self.t == 1:
            np.copyto(v, g)
        else:
            v *= mu
            v += g                                 # v ← μv + g
        p -= self.lr * (g + mu * v)                # w ← w − lr·(g + μv)


class Adagrad(Optimizer):
    """s ← s + g², w ← w − lr·g / (√s + ε)   (torch Adagrad, lr_decay=0, eps=1e-10)."""

    name, rule = "adagrad", "s ← s + g²,  w ← w − α·g / (√s + ε)"
    slots = ("sum_sq",)
    defaults = {"eps": 1e-10}

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        s = self.state["sum_sq"][i]
        s += g * g                                 # s ← s + g²
        p -= self.lr * g / (np.sqrt(s) + self.hyper["eps"])  # w ← w − lr·g / (√s + ε)


class RMSprop(Optimizer):
    """s ← ρs + (1 − ρ)g², w ← w − lr·g / (√s + ε)   (torch RMSprop, alpha=ρ=0.99, eps=1e-8)."""

    name, rule = "rmsprop", "s ← ρs + (1 − ρ)g²,  w ← w − α·g / (√s + ε)"
    slots = ("mean_sq",)
    defaults = {"alpha": 0.99, "eps": 1e-8}

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        s, rho = self.state["mean_sq"][i], self.hyper["alpha"]
        s *= rho
        s += (1.0 - rho) * g * g                   # s ← ρs + (1 − ρ)g²
        p -= self.lr * g / (np.sqrt(s) + self.hyper["eps"])  # w ← w − lr·g / (√s + ε)


class Adam(Optimizer):
    """m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w − lr·m̂ / (√v̂ + ε)
    with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)   (torch Adam, betas=(0.9, 0.999), eps=1e-8).

    Computed in torch's arrangement: w ← w − (lr/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε).
    """

    name, rule = "adam", "m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  w ← w − α·m̂ / (√v̂ + ε)"
    slots = ("m", "v")
    defaults = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        b1, b2, eps = self.hyper["beta1"], self.hyper["beta2"], self.hyper["eps"]
        m, v = self.state["m"][i], self.state["v"][i]
        m *= b1
        m += (1.0 - b1) * g                        # m ← β₁m + (1 − β₁)g
        v *= b2
        v += (1.0 - b2) * g * g                    # v ← β₂v + (1 − β₂)g²
        step_size = self.lr / (1.0 - b1 ** self.t)            # lr / (1 − β₁ᵗ)
        denom = np.sqrt(v) / math.sqrt(1.0 - b2 ** self.t) + eps  # √v̂ + ε
        p -= step_size * m / denom                 # w ← w − lr·m̂ / (√v̂ + ε)


_CLASSES: dict[str, type[Optimizer]] = {c.name: c for c in (SGD, Momentum, Nesterov, Adagrad, RMSprop, Adam)}
assert tuple(_CLASSES) == OPTIMIZER_NAMES


def make_optimizer(name: str, lr: Any, **hyper: Any) -> Optimizer:
    """The optimiser called ``name`` (one of :data:`OPTIMIZER_NAMES`) with learning rate ``lr``.

    Hyperparameters use torch's names: ``momentum`` (momentum, nesterov; 0.9), ``eps``
    (adagrad 1e-10, rmsprop and adam 1e-8), ``alpha`` (rmsprop; 0.99), ``beta1``/``beta2``
    (adam; 0.9/0.999; ``betas=(b1, b2)`` is accepted too).
    """
    cls = _CLASSES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZER_NAMES)}")
    if "betas" in hyper:
        betas = hyper.pop("betas")
        hyper["beta1"], hyper["beta2"] = betas
    return cls(lr, **hyper)
