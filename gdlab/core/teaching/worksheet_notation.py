"""How a worksheet writes its numbers and symbols: given numbers as given (0.15), computed ones to
4 decimals (3 significant digits below 0.01, a power of ten below 10⁻⁶), with a true minus sign;
sub- and superscript digits; the symbols w_ij⁽ˡ⁾, b_j⁽ˡ⁾, z_j⁽ˡ⁾, δ_j⁽ˡ⁾, a_j⁽ˡ⁾, x, y, ŷ; and one
printed line of the sheet (:class:`Step`, its numbers as :class:`Value`).

The worksheet itself and its steps are in :mod:`gdlab.core.teaching.worksheet`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

__all__ = ["DECIMALS", "Step", "Value", "a_symbol", "b_symbol", "delta_symbol", "fmt", "fmt_given", "sub", "sup",
           "w_symbol", "y_symbol", "yhat_symbol", "z_symbol"]

DECIMALS = 4             # computed numbers are shown with this many decimals
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789()-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁻⁺")


def sub(text: Any) -> str:
    """Digits as subscripts: sub(12) = "₁₂"."""
    return str(text).translate(_SUB)


def sup(text: Any) -> str:
    """Digits and brackets as superscripts: sup("(1)") = "⁽¹⁾"."""
    return str(text).translate(_SUP)


def fmt(value: float, decimals: int = DECIMALS) -> str:
    """A computed number as the worksheet prints it, with a true minus sign: ``decimals`` decimals
    ("0.5933", "1.1059"); below 0.01, 3 significant digits ("0.000668"); below 10⁻⁶ with a power of
    ten ("6.68×10⁻⁸"), so a small gradient never shows as 0.0000."""
    v = float(value)
    if not math.isfinite(v):
        return str(v)
    if v == 0.0:
        return f"{0.0:.{decimals}f}"
    if abs(v) < 1e-6:
        mantissa, exponent = f"{v:.2e}".split("e")
        return f"{mantissa.replace('-', '−')}×10{sup(int(exponent))}"
    if abs(v) < 0.01:
        digits = 2 - math.floor(math.log10(abs(v)))          # 3 significant digits
        text = f"{v:.{digits}f}"
        if abs(float(text)) >= 0.01:                         # rounded up to 0.0100
            text = f"{v:.{decimals}f}"
        return text.replace("-", "−")
    return f"{v:.{decimals}f}".replace("-", "−")


def fmt_given(value: float) -> str:
    """A given number (input, target, weight, α) as it was given, with at least two decimals:
    0.15, 0.50, −0.37, 0.125."""
    v = float(value) + 0.0                   # −0.0 prints as 0.00
    text = f"{v:.6g}"
    if "e" in text:
        text = f"{v:.6f}".rstrip("0")
    if len(text.partition(".")[2]) < 2:
        text = f"{v:.2f}"                   # 0.2 → 0.20, 1 → 1.00: the sheet's numbers line up
    return text.replace("-", "−")


@dataclass(frozen=True)
class Value:
    """A number inside an equation: ``given`` numbers are printed on every sheet, the others are
    the student's to fill in (blank on the blank sheet)."""

    value: float
    symbol: str
    given: bool = False
    bracket: bool = False            # a factor after an operator: a negative number goes in brackets

    def text(self) -> str:
        text = fmt_given(self.value) if self.given else fmt(self.value)
        return f"({text})" if self.bracket and text.startswith("−") else text


@dataclass
class Step:
    """One line of the worksheet: ``symbol`` = ``equation`` (with symbols) = ``numbers`` = ``result``."""

    section: str                     # forward, cost, backward, update
    symbol: str                      # what this line computes, e.g. "z₁⁽¹⁾"
    equation: str                    # e.g. "w₁₁⁽¹⁾x₁ + w₂₁⁽¹⁾x₂ + b₁⁽¹⁾"
    parts: list[Any]                 # the right-hand side with numbers: strings and Values
    result: float
    note: str = ""                   # a short hint (e.g. "σ′(z) = a(1 − a)")

    @property
    def numbers(self) -> str:
        """The equation with every number filled in."""
        return "".join(p.text() if isinstance(p, Value) else p for p in self.parts)

    def blanked(self, blank: str = "_____") -> str:
        """The equation with only the given numbers; the student's numbers are ``blank`` (with no
        brackets around them, which would give the sign away)."""
        return "".join((p.text() if p.given else blank) if isinstance(p, Value) else p for p in self.parts)

    @property
    def result_text(self) -> str:
        return fmt(self.result)

    def as_tuple(self) -> tuple[str, str, str, float]:
        """(section, equation with symbols, equation with numbers, result)."""
        return (self.section, f"{self.symbol} = {self.equation}", f"{self.symbol} = {self.numbers}", self.result)


# -- symbols ----------------------------------------------------------------------------------
def layer_mark(l: int) -> str:
    return sup(f"({l})")


def w_symbol(l: int, i: int, j: int) -> str:
    """w_ij⁽ˡ⁾ (1-based layer l, 0-based i, j): the weight from neuron i of layer l−1 to neuron j."""
    return f"w{sub(i + 1)}{sub(j + 1)}{layer_mark(l)}"


def b_symbol(l: int, j: int) -> str:
    return f"b{sub(j + 1)}{layer_mark(l)}"


def z_symbol(l: int, j: int) -> str:
    return f"z{sub(j + 1)}{layer_mark(l)}"


def delta_symbol(l: int, j: int) -> str:
    return f"δ{sub(j + 1)}{layer_mark(l)}"


def y_symbol(k: int, count: int) -> str:
    return "y" if count == 1 else f"y{sub(k + 1)}"


def yhat_symbol(k: int, count: int) -> str:
    return "ŷ" if count == 1 else f"ŷ{sub(k + 1)}"


def a_symbol(l: int, j: int, sizes: Sequence[int]) -> str:
    """x_j for l = 0, ŷ_j for the output layer, a_j⁽ˡ⁾ between."""
    if l == 0:
        return f"x{sub(j + 1)}"
    if l == len(sizes) - 1:
        return yhat_symbol(j, sizes[-1])
    return f"a{sub(j + 1)}{layer_mark(l)}"
