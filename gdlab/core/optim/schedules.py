"""Learning-rate schedules: the rate used at iteration t (t = 0 for the first step) from a base rate α₀.

    constant       α_t = α₀
    step           α_t = α₀ · γ^⌊t / k⌋           (step decay: × γ every k iterations)
    exponential    α_t = α₀ · γᵗ                  (smooth decay by γ per iteration)
    inverse_time   α_t = α₀ / (1 + d·t)           (1/t decay)

The formulas are the kernels of :mod:`gdlab.core.optim.schedule_kernels` (the one implementation, which
the exported script includes too). A schedule is a callable ``schedule(base_lr, t)``; ``base_lr``
may be an array (one base rate per run), and the result then has its shape. Schedules keep no
state, so changing the base rate mid-run simply rescales the schedule from the next step on.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from . import schedule_kernels as K

SCHEDULE_INFO: dict[str, str] = {
    "constant": "α stays the same at every step.",
    "step": "α is multiplied by a factor every k iterations.",
    "exponential": "α shrinks smoothly by the same factor every iteration.",
    "inverse_time": "α falls like 1/t: α₀ / (1 + d·t).",
}
SCHEDULE_NAMES: tuple[str, ...] = tuple(SCHEDULE_INFO)


class Schedule:
    """α_t from α₀; see the module docstring for each rule."""

    name = ""
    formula = ""

    def kernel(self) -> tuple[Callable[..., float], dict[str, Any]]:
        """The kernel of :mod:`~gdlab.core.optim.schedule_kernels` that computes α_t / α₀, and the keywords
        it takes besides t."""
        raise NotImplementedError

    def factor(self, t: int) -> float:
        """α_t / α₀ at iteration t."""
        kernel, keywords = self.kernel()
        return float(kernel(t, **keywords))

    def __call__(self, base_lr: Any, t: int) -> Any:
        if t < 0:
            raise ValueError(f"the iteration t must be ≥ 0, got {t}")
        f = self.factor(int(t))
        if isinstance(base_lr, np.ndarray):
            return base_lr * f
        return float(base_lr) * f

    def __repr__(self) -> str:
        return f"<Schedule {self.name}: {self.formula}>"


class Constant(Schedule):
    name, formula = "constant", "α_t = α₀"

    def kernel(self) -> tuple[Callable[..., float], dict[str, Any]]:
        return K.constant_factor, {}


class StepDecay(Schedule):
    """α_t = α₀ · γ^⌊t / k⌋."""

    name, formula = "step", "α_t = α₀ · γ^⌊t/k⌋"

    def __init__(self, step_size: int, gamma: float):
        if isinstance(step_size, bool) or not isinstance(step_size, (int, np.integer)) or step_size < 1:
            raise ValueError(f"step_size must be a whole number ≥ 1, got {step_size!r}")
        self.step_size, self.gamma = int(step_size), _positive("gamma", gamma)

    def kernel(self) -> tuple[Callable[..., float], dict[str, Any]]:
        return K.step_factor, {"gamma": self.gamma, "step_size": self.step_size}


class ExponentialDecay(Schedule):
    """α_t = α₀ · γᵗ."""

    name, formula = "exponential", "α_t = α₀ · γᵗ"

    def __init__(self, gamma: float):
        self.gamma = _positive("gamma", gamma)

    def kernel(self) -> tuple[Callable[..., float], dict[str, Any]]:
        return K.exponential_factor, {"gamma": self.gamma}


class InverseTimeDecay(Schedule):
    """α_t = α₀ / (1 + d·t)."""

    name, formula = "inverse_time", "α_t = α₀ / (1 + d·t)"

    def __init__(self, decay: float):
        self.decay = _nonnegative("decay", decay)

    def kernel(self) -> tuple[Callable[..., float], dict[str, Any]]:
        return K.inverse_time_factor, {"decay": self.decay}


def _positive(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _nonnegative(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number ≥ 0, got {value!r}")
    return float(value)


def make_schedule(name: str, **kwargs: Any) -> Schedule:
    """``constant``; ``step`` (step_size k, gamma γ); ``exponential`` (gamma γ); ``inverse_time`` (decay d)."""
    classes: dict[str, type[Schedule]] = {"constant": Constant, "step": StepDecay, "exponential": ExponentialDecay,
               "inverse_time": InverseTimeDecay}
    cls = classes.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULE_NAMES)}")
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"schedule {name}: {exc}") from None
