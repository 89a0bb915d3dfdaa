"""What a student computes from a worksheet line: the printed numbers, read back, and the printed
expression evaluated the way a calculator would.

A worksheet line like ``1 / (1 + exp(−0.3775))`` or ``0.9334 × (0.40 × (−0.0822))`` is read as
arithmetic (+, −, ×, /, ², ½, parentheses and brackets, exp, ln, tanh, max) and evaluated; nothing
else is accepted, and nothing is executed: the text is parsed by :mod:`ast` and walked here.
"""
from __future__ import annotations

import ast
import math
import operator
import re
from typing import Callable

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_POWER_OF_TEN = re.compile(r"×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_FUNCTIONS: dict[str, Callable[..., float]] = {"exp": math.exp, "log": math.log, "tanh": math.tanh, "max": max}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow}


def to_python(text: str) -> str:
    """A printed expression in Python's arithmetic notation (for :func:`evaluate`)."""
    text = _POWER_OF_TEN.sub(lambda m: "e" + m.group(1).translate(_SUPERSCRIPT), text)
    for printed, python in (("−", "-"), ("×", "*"), ("·", "*"), ("²", "**2"), ("½", "0.5"), ("[", "("),
                            ("]", ")"), ("ln(", "log(")):
        text = text.replace(printed, python)
    return text


def read_number(text: str) -> float:
    """A printed number back as a float: '−0.2580', '6.68×10⁻⁸', '(−0.2580)'."""
    return evaluate(text)


def evaluate(text: str) -> float:
    """The value of a printed expression (see the module docstring). Raises ValueError for anything
    that is not such an expression."""
    try:
        tree = ast.parse(to_python(text.strip()), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"not an arithmetic expression: {text!r}") from exc
    return float(_walk(tree.body, text))


def _walk(node: ast.AST, text: str) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _walk(node.operand, text)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return float(_BINARY[type(node.op)](_walk(node.left, text), _walk(node.right, text)))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS
            and not node.keywords):
        return float(_FUNCTIONS[node.func.id](*(_walk(a, text) for a in node.args)))
    raise ValueError(f"not an arithmetic expression: {text!r}")
