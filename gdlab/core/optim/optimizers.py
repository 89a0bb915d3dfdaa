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

Each rule is a pair of pure kernels in :mod:`gdlab.core.optim.optimizer_kernels` (the one implementation,
which the exported script includes too); a rule registered there is known here by its name.
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

from .optimizer_kernels import OPTIMIZER_RULES, OptimizerRule

# The built-in rules, as registered in optimizer_kernels. A rule registered later is known by name to
# make_optimizer and is a choice of an experiment's optimizer (params reads the registry when it checks).
OPTIMIZER_INFO: dict[str, str] = {name: rule.info for name, rule in OPTIMIZER_RULES.items()}
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
    """Updates parameters in place from their gradients by a registered rule (see the module docstring).

    The rule's kernels (:mod:`gdlab.core.optim.optimizer_kernels`) do the arithmetic, one parameter array
    at a time; this class keeps the step count, the learning rate, the hyperparameters and the
    running averages (``state``: each slot's arrays, one a parameter array).
    """

    def __init__(self, rule: OptimizerRule, lr: Any, **hyper: Any):
        self.kernels = rule
        self.name, self.rule, self.slots = rule.name, rule.rule, rule.slots
        unknown = sorted(set(hyper) - set(rule.defaults))
        if unknown:
            allowed = ", ".join(rule.defaults) or "none"
            raise ValueError(f"{self.name} has no hyperparameter {unknown[0]!r}; allowed: {allowed}")
        self.lr = _check_lr(lr)
        self.hyper = {k: self._check_hyper(k, hyper.get(k, v)) for k, v in rule.defaults.items()}
        self.reset()

    @property
    def defaults(self) -> dict[str, float]:
        return self.kernels.defaults

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
        """One update of every array in ``params`` (in place) from the matching ``grads``:
        the rule's ``update(w, g, state, lr, t, **hyper)`` on each array."""
        if len(params) != len(grads):
            raise ValueError(f"{len(params)} parameter arrays but {len(grads)} gradients")
        slots, init = self.slots, self.kernels.init
        if self.t == 0 and slots:
            fresh = [init(np.zeros(np.shape(p))) for p in params]
            self.state = {slot: [s[slot] for s in fresh] for slot in slots}
        elif slots and len(self.state[slots[0]]) != len(params):
            raise ValueError("the parameters changed since the first step; call reset() first")
        self.t += 1
        update, lr, t, hyper = self.kernels.update, self.lr, self.t, self.hyper
        for i, (p, g) in enumerate(zip(params, grads)):
            update(p, g, {slot: self.state[slot][i] for slot in slots}, lr, t, **hyper)

    def __repr__(self) -> str:
        hyper = "".join(f", {k}={v:g}" for k, v in self.hyper.items())
        return f"{_CLASS_NAMES.get(self.name, 'Optimizer')}(lr={self.lr!r}{hyper})"


_CLASS_NAMES = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "Adagrad",
                "rmsprop": "RMSprop", "adam": "Adam"}


def make_optimizer(name: str, lr: Any, **hyper: Any) -> Optimizer:
    """The optimiser called ``name`` (one of :data:`OPTIMIZER_NAMES`) with learning rate ``lr``.

    Hyperparameters use torch's names: ``momentum`` (momentum, nesterov; 0.9), ``eps``
    (adagrad 1e-10, rmsprop and adam 1e-8), ``alpha`` (rmsprop; 0.99), ``beta1``/``beta2``
    (adam; 0.9/0.999; ``betas=(b1, b2)`` is accepted too).
    """
    rule = OPTIMIZER_RULES.get(name) if isinstance(name, str) else None
    if rule is None:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZER_RULES)}")
    if "betas" in hyper:
        betas = hyper.pop("betas")
        hyper["beta1"], hyper["beta2"] = betas
    return Optimizer(rule, lr, **hyper)
