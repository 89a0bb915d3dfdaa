"""The next gradient-descent step spelled out with its numbers, for readouts and captions.

Every number comes from the core (the run's weights, gradient, learning rate and the preview of
its next update); this module only writes them down, e.g.

    w = 1.50   dJ/dw = 3.00   α = 0.100   w_new = 1.50 − 0.100 × 3.00 = 1.20

A written-out step must add up from its own digits: a calculator fed the printed operands gives
the printed result at the printed precision. Three significant digits are used where that holds,
more where it does not (−0.71702 − 0.950 × (−1.4268) = 0.63844, not −0.717 − 0.950 × (−1.43) =
0.638, which a calculator makes 0.642), and the learning rate, a number the user typed, is printed
as typed (0.9995, never 1.00).
"""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from ...core.optim.optimizer_kernels import OPTIMIZER_RULES

MAX_DIGITS = 9


def num(x: float, digits: int = 3) -> str:
    """``digits`` significant digits, trailing zeros kept (1.50, 0.100, 3.00e-05), a true minus sign."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    text = f"{x:#.{digits}g}"
    if "e" not in text and text.endswith("."):
        text = text[:-1]
    return text.replace("-", "−")


def given(x: float) -> str:
    """A number the user typed (α, μ): three significant digits if that is the number, else as many
    as it has, up to six (0.100, 0.9995, 0.012345)."""
    text = num(x)
    return text if _read(text) == float(x) else num(x, 6).rstrip("0").rstrip(".")


def _read(text: str) -> float:
    return float(text.replace("−", "-"))


def adding_up(result: float, operands: tuple[float, ...], combine, fixed: tuple[str, ...] = ()
              ) -> tuple[list[str], str]:
    """(the operands' texts, the result's text): the operands with the fewest significant digits (3 or
    more) at which ``combine`` of the printed operands (and of the ``fixed`` texts, printed as they
    are) rounds to the printed result, the result with as many digits (3 or more) as then hold; a
    result that cancels (1.93968 − 0.950 × 2.13721 = −0.0907) has fewer than its operands."""
    if all(math.isfinite(x) for x in (*operands, result)):
        for digits in range(3, MAX_DIGITS + 1):
            texts = [num(x, digits) for x in operands]
            shown = combine(*[_read(t) for t in (*texts, *fixed)])
            for kept in range(digits, 2, -1):
                if num(shown, kept) == num(result, kept):
                    return texts, num(result, kept)
    return [num(x, MAX_DIGITS) for x in operands], num(result, MAX_DIGITS)


def _signed(x: float) -> str:
    """'− 0.300' or '+ 0.300', for the middle of an expression."""
    return ("− " if x < 0 else "+ ") + num(abs(x))


def step_lines(optimizer: str, w: float, g: float, lr: float, w_new: float, terms: Mapping[str, np.ndarray],
               hyper: Mapping[str, float], var: str = "w") -> tuple[str, str]:
    """(what we know, what the update does) for one weight, in the optimiser's own rule; ``hyper`` are
    its keywords (torch's names, as ``make_optimizer`` takes them), the rule's defaults for any left out."""
    rule = OPTIMIZER_RULES.get(optimizer)
    hyper = {**(rule.defaults if rule is not None else {}), **hyper}
    known = f"{var} = {num(w)}   dJ/d{var} = {num(g)}   α = {given(lr)}"
    new = f"{var}_new"
    if optimizer == "sgd":
        # w_new = w − α × g, in digits that add up
        (tw, tg), tn = adding_up(w_new, (w, g), lambda a, b, c: a - c * b, (given(lr),))
        return (f"{var} = {tw}   dJ/d{var} = {tg}   α = {given(lr)}",
                f"{new} = {tw} − {given(lr)} × {_bracket(tg)} = {tn}")
    if optimizer in ("momentum", "nesterov"):
        mu, v = hyper["momentum"], float(terms.get("velocity", math.nan))
        line = f"v ← {given(mu)}·v + dJ/d{var} = {num(v)}"
        if optimizer == "momentum":
            (tw, tv), tn = adding_up(w_new, (w, v), lambda a, b, c: a - c * b, (given(lr),))
            return known, f"v ← {given(mu)}·v + dJ/d{var} = {tv}   {new} = {tw} − {given(lr)} × {_bracket(tv)} = {tn}"
        return known, f"{line}   {new} = {num(w)} − {num(lr)} × (dJ/d{var} + {num(mu)}·v) = {num(w_new)}"
    if optimizer == "adagrad":
        s = float(terms.get("sum_sq", math.nan))
        return known, (f"s ← s + (dJ/d{var})² = {num(s)}   "
                       f"{new} = {num(w)} − {num(lr)} × dJ/d{var} / (√s + ε) = {num(w_new)}")
    if optimizer == "rmsprop":
        rho, s = hyper["alpha"], float(terms.get("mean_sq", math.nan))
        return known, (f"s ← {num(rho)}·s + {num(1 - rho)}·(dJ/d{var})² = {num(s)}   "
                       f"{new} = {num(w)} − {num(lr)} × dJ/d{var} / (√s + ε) = {num(w_new)}")
    if optimizer == "adam":
        m, v = float(terms.get("m", math.nan)), float(terms.get("v", math.nan))
        return known, (f"m = {num(m)}   v = {num(v)}   "
                       f"{new} = {num(w)} − {num(lr)} × m̂ / (√v̂ + ε) = {num(w_new)}")
    return known, f"{new} = {num(w_new)}"


def _paren(x: float) -> str:
    return f"({num(x)})" if x < 0 else num(x)


def _bracket(text: str) -> str:
    return f"({text})" if text.startswith("−") else text


def narrate(iteration: int, optimizer: str, w: float, g: float, lr: float, w_new: float) -> str:
    """One sentence for a lecture caption: the gradient's sign gives the direction, α the size."""
    step = w_new - w  # the core's next update, as a displacement
    if g == 0 or not math.isfinite(g):
        return f"Iteration {iteration}: the gradient is {num(g)}, so w stays where it is."
    direction = "right" if step > 0 else "left"
    if optimizer == "sgd":  # α × |g| = the distance, in digits that add up
        (tg,), tstep = adding_up(abs(step), (g,), lambda a, b: abs(a) * b, (given(lr),))
        return (f"Iteration {iteration}: the gradient is {tg} and α is {given(lr)}, "
                f"so w moves {direction} by {tstep}.")
    return (f"Iteration {iteration}: the gradient is {num(g)}; {optimizer} moves w {direction} "
            f"by {num(abs(step))}.")
