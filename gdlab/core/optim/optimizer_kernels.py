"""The optimisers' rules as pure numpy kernels, one ``init``/``update`` pair a rule, and their registry.

Each rule is two functions on one parameter array w (any shape) and its gradient g = ∂J/∂w:

    NAME_init(w) -> state                        the running averages, a dict of arrays shaped like w
    NAME_update(w, g, state, lr, t, **hyper)     one step of w (and the state), in place

t counts the steps, 1 on the first; ``lr`` is a number, or an array that broadcasts against w (a
column of learning rates for a batch of runs stacked as rows). Every rule follows PyTorch's
``torch.optim`` in every detail (first step, bias correction, where ε goes), and the hyperparameters
keep torch's names.

These functions are the only implementation: :class:`gdlab.core.optim.optimizers.Optimizer` runs them,
and the script ``gdlab export-code`` writes includes their source as it is here (so they use
numpy and math only, and carry no type annotations). :func:`register_optimizer` adds a rule.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


def no_state(w):
    """Plain gradient descent keeps no running averages."""
    return {}


def sgd_update(w, g, state, lr, t):
    """Plain gradient descent: w ← w − α·g."""
    w -= lr * g                                     # w ← w − α·g


def velocity_init(w):
    """The velocity v, shaped like w, starting at 0."""
    return {"velocity": np.zeros_like(w)}


def add_to_velocity(v, g, t, momentum):
    """v ← μv + g in place, and v = g on the first step (t = 1), as torch starts its buffer."""
    if t == 1:
        v[...] = g                                  # v = g on the first step
    else:
        v *= momentum
        v += g                                      # v ← μv + g


def momentum_update(w, g, state, lr, t, momentum):
    """Momentum: v ← μv + g (v = g on the first step, t = 1), w ← w − α·v.

    The velocity v is a running sum of past gradients: it damps the zig-zag across a valley and
    speeds the walk along it (torch's SGD with momentum=μ, dampening=0).
    """
    v = state["velocity"]
    add_to_velocity(v, g, t, momentum)              # v ← μv + g
    w -= lr * v                                     # w ← w − α·v


def nesterov_update(w, g, state, lr, t, momentum):
    """Nesterov momentum: v ← μv + g (v = g on the first step, t = 1), w ← w − α·(g + μv).

    Like momentum, but the step looks ahead: g + μv, the gradient plus where the velocity is
    about to carry the weights (torch's SGD with nesterov=True).
    """
    v = state["velocity"]
    add_to_velocity(v, g, t, momentum)              # v ← μv + g
    w -= lr * (g + momentum * v)                    # w ← w − α·(g + μv)


def adagrad_init(w):
    """The sum of squared gradients s, shaped like w, starting at 0."""
    return {"sum_sq": np.zeros_like(w)}


def adagrad_update(w, g, state, lr, t, eps):
    """Adagrad: s ← s + g², w ← w − α·g / (√s + ε); the steps shrink as the g² add up."""
    s = state["sum_sq"]
    s += g * g                                      # s ← s + g²
    w -= lr * g / (np.sqrt(s) + eps)                # w ← w − α·g / (√s + ε)


def rmsprop_init(w):
    """The running mean of squared gradients s, shaped like w, starting at 0."""
    return {"mean_sq": np.zeros_like(w)}


def rmsprop_update(w, g, state, lr, t, alpha, eps):
    """RMSprop: s ← ρs + (1 − ρ)g², w ← w − α·g / (√s + ε), with ρ = alpha (torch's name).

    Like adagrad, but s forgets old gradients, so the steps do not die out.
    """
    s = state["mean_sq"]
    s *= alpha
    s += (1.0 - alpha) * g * g                      # s ← ρs + (1 − ρ)g²
    w -= lr * g / (np.sqrt(s) + eps)                # w ← w − α·g / (√s + ε)


def adam_init(w):
    """The running means m (of g) and v (of g²), shaped like w, starting at 0."""
    return {"m": np.zeros_like(w), "v": np.zeros_like(w)}


def adam_update(w, g, state, lr, t, beta1, beta2, eps):
    """Adam: m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  m̂ = m/(1 − β₁ᵗ),  v̂ = v/(1 − β₂ᵗ),
    w ← w − α·m̂ / (√v̂ + ε).

    A running mean of the gradients divided by the root of a running mean of their squares; m̂
    and v̂ undo the pull towards 0 of means that start at 0. Computed in PyTorch's arrangement,
    w ← w − (α/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε).
    """
    m, v = state["m"], state["v"]
    m *= beta1
    m += (1.0 - beta1) * g                          # m ← β₁m + (1 − β₁)g
    v *= beta2
    v += (1.0 - beta2) * g * g                      # v ← β₂v + (1 − β₂)g²
    step_size = lr / (1.0 - beta1 ** t)                             # α/(1 − β₁ᵗ)
    denominator = np.sqrt(v) / math.sqrt(1.0 - beta2 ** t) + eps    # √v̂ + ε
    w -= step_size * m / denominator                # w ← w − α·m̂ / (√v̂ + ε)


# -- the registry ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class OptimizerRule:
    """One optimiser: its kernels and what is said about it.

    ``defaults`` names every hyperparameter ``update`` takes (torch's names) with its default;
    ``symbols`` the letter each is written as (μ, ρ, β₁ …); ``slots`` the names of the state
    ``init`` returns; ``rule`` the update in one line and ``info`` a sentence for people.
    """

    name: str
    init: Callable[[Any], dict[str, Any]]
    update: Callable[..., None]
    rule: str
    info: str
    defaults: dict[str, float] = field(default_factory=dict)
    symbols: dict[str, str] = field(default_factory=dict)
    slots: tuple[str, ...] = ()


OPTIMIZER_RULES: dict[str, OptimizerRule] = {}


def register_optimizer(rule: OptimizerRule) -> OptimizerRule:
    """Add ``rule`` (make_optimizer, the runs and export-code then know it by ``rule.name``)."""
    if not isinstance(rule, OptimizerRule) or not rule.name.isidentifier():
        raise ValueError(f"an optimiser rule needs an identifier for a name, got {rule!r}")
    if rule.name in OPTIMIZER_RULES:
        raise ValueError(f"an optimiser called {rule.name!r} is registered already")
    OPTIMIZER_RULES[rule.name] = rule
    return rule


def unregister_optimizer(name: str) -> None:
    """Remove the rule called ``name`` (what a test that registered one cleans up with)."""
    OPTIMIZER_RULES.pop(name, None)


_EPS = {"eps": "ε"}
for _rule in (
    OptimizerRule("sgd", no_state, sgd_update, "w ← w − α·g", "Plain gradient descent: w ← w − α·g."),
    OptimizerRule("momentum", velocity_init, momentum_update, "v ← μv + g,  w ← w − α·v",
                  "Gradient descent with momentum: v ← μv + g, w ← w − α·v; the velocity smooths and speeds "
                  "the path.", {"momentum": 0.9}, {"momentum": "μ"}, ("velocity",)),
    OptimizerRule("nesterov", velocity_init, nesterov_update, "v ← μv + g,  w ← w − α·(g + μv)",
                  "Nesterov momentum: like momentum, but it steps with g + μv, a look at where the velocity "
                  "leads.", {"momentum": 0.9}, {"momentum": "μ"}, ("velocity",)),
    OptimizerRule("adagrad", adagrad_init, adagrad_update, "s ← s + g²,  w ← w − α·g / (√s + ε)",
                  "Adagrad: each weight's step is divided by the root of its summed squared gradients, so "
                  "steps shrink.", {"eps": 1e-10}, _EPS, ("sum_sq",)),
    OptimizerRule("rmsprop", rmsprop_init, rmsprop_update, "s ← ρs + (1 − ρ)g²,  w ← w − α·g / (√s + ε)",
                  "RMSprop: each weight's step is divided by the root of a running mean of its squared "
                  "gradients.", {"alpha": 0.99, "eps": 1e-8}, {"alpha": "ρ", **_EPS}, ("mean_sq",)),
    OptimizerRule("adam", adam_init, adam_update,
                  "m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  w ← w − α·m̂ / (√v̂ + ε)",
                  "Adam: a running mean of gradients (momentum) divided by the root of a running mean of their "
                  "squares.", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
                  {"beta1": "β₁", "beta2": "β₂", **_EPS}, ("m", "v")),
):
    register_optimizer(_rule)
