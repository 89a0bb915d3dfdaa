"""Numbers as people print them: a true minus sign (U+2212) and, inside an expression, a negative
operand in parentheses, so 0.916 × (−0.000275) and (−0.2580)², never 0.916 × −0.000275."""
from __future__ import annotations

import math

MINUS = "\u2212"


def number(x: float | None, digits: int = 6) -> str:
    """``x`` to ``digits`` significant digits (``g`` style), with a true minus sign ("—" for None)."""
    if x is None:
        return "—"
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return ("" if x > 0 else MINUS) + "∞"
    return f"{x:.{digits}g}".replace("-", MINUS)


def operand(x: float | None, digits: int = 6) -> str:
    """:func:`number`, in parentheses when negative: for the middle of an expression."""
    text = number(x, digits)
    return f"({text})" if text.startswith(MINUS) else text


def alpha(learning_rate: float) -> str:
    """A learning rate as the texts name it: "α = 0.5" (``g`` style, six significant digits)."""
    return f"α = {learning_rate:g}"


def scientific(x: float, digits: int = 1) -> str:
    """``x`` in scientific notation with ``digits`` after the point (2.7e−10), a true minus sign."""
    return f"{float(x):.{digits}e}".replace("-", MINUS)
