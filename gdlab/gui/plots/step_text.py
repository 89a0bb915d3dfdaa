"""The next gradient-descent step spelled out with its numbers, for readouts and captions.

Every number comes from the core (the run's weights, gradient, learning rate and the preview of
its next update); this module only writes them down, e.g.

    w = 1.50   dJ/dw = 3.00   α = 0.100   w_new = 1.50 − 0.100 × 3.00 = 1.20
"""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np


def num(x: float) -> str:
    """Three significant digits, trailing zeros kept (1.50, 0.100, 3.00e-05), a true minus sign."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    text = f"{x:#.3g}"
    if "e" not in text and text.endswith("."):
        text = text[:-1]
    return text.replace("-", "−")


def _signed(x: float) -> str:
    """'− 0.300' or '+ 0.300', for the middle of an expression."""
    return ("− " if x < 0 else "+ ") + num(abs(x))


def step_lines(optimizer: str, w: float, g: float, lr: float, w_new: float, terms: Mapping[str, np.ndarray],
               hyper: Mapping[str, float], var: str = "w") -> tuple[str, str]:
    """(what we know, what the update does) for one weight, in the optimiser's own rule."""
    known = f"{var} = {num(w)}   dJ/d{var} = {num(g)}   α = {num(lr)}"
    new = f"{var}_new"
    if optimizer == "sgd":
        # w_new = w − α × g
        return known, f"{new} = {num(w)} − {num(lr)} × {_paren(g)} = {num(w_new)}"
    if optimizer in ("momentum", "nesterov"):
        mu, v = hyper.get("momentum", 0.9), float(terms.get("velocity", math.nan))
        line = f"v ← {num(mu)}·v + dJ/d{var} = {num(v)}"
        if optimizer == "momentum":
            return known, f"{line}   {new} = {num(w)} − {num(lr)} × {_paren(v)} = {num(w_new)}"
        return known, f"{line}   {new} = {num(w)} − {num(lr)} × (dJ/d{var} + {num(mu)}·v) = {num(w_new)}"
    if optimizer == "adagrad":
        s = float(terms.get("sum_sq", math.nan))
        return known, (f"s ← s + (dJ/d{var})² = {num(s)}   "
                       f"{new} = {num(w)} − {num(lr)} × dJ/d{var} / (√s + ε) = {num(w_new)}")
    if optimizer == "rmsprop":
        rho, s = hyper.get("rmsprop_alpha", 0.99), float(terms.get("mean_sq", math.nan))
        return known, (f"s ← {num(rho)}·s + {num(1 - rho)}·(dJ/d{var})² = {num(s)}   "
                       f"{new} = {num(w)} − {num(lr)} × dJ/d{var} / (√s + ε) = {num(w_new)}")
    if optimizer == "adam":
        m, v = float(terms.get("m", math.nan)), float(terms.get("v", math.nan))
        return known, (f"m = {num(m)}   v = {num(v)}   "
                       f"{new} = {num(w)} − {num(lr)} × m̂ / (√v̂ + ε) = {num(w_new)}")
    return known, f"{new} = {num(w_new)}"


def _paren(x: float) -> str:
    return f"({num(x)})" if x < 0 else num(x)


def narrate(iteration: int, optimizer: str, w: float, g: float, lr: float, w_new: float) -> str:
    """One sentence for a lecture caption: the gradient's sign gives the direction, α the size."""
    step = w_new - w  # the core's next update, as a displacement
    if g == 0 or not math.isfinite(g):
        return f"Iteration {iteration}: the gradient is {num(g)}, so w stays where it is."
    direction = "right" if step > 0 else "left"
    if optimizer == "sgd":
        return (f"Iteration {iteration}: the gradient is {num(g)} and α is {num(lr)}, "
                f"so w moves {direction} by {num(abs(step))}.")
    return (f"Iteration {iteration}: the gradient is {num(g)}; {optimizer} moves w {direction} "
            f"by {num(abs(step))}.")
