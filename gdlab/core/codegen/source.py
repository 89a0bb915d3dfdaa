"""The kernels' own source, for the script: a function as its module spells it, with what it reads.

:func:`kernel_source` returns the text of kernel functions (``inspect.getsource``), preceded by the
module-level constants and helper functions they use, each as written in the kernel's module (a
constant with the comment lines just above it and the comment after it). So the script runs the
very code gdlab runs, and a kernel changed in the core is changed in every exported script.
"""
from __future__ import annotations

import ast
import inspect
import sys
import types
from functools import lru_cache
from typing import Any, Callable

__all__ = ["kernel_source"]

_Statement = tuple[int, str, frozenset[str]]   # (first line, text, the module names it reads)


def kernel_source(*functions: Callable[..., Any]) -> str:
    """The source of ``functions`` (each once, in the order given) after the constants and helpers
    of their modules that they read: constants first (in module order), then helpers, then them."""
    constants: dict[tuple[str, int], str] = {}
    helpers: dict[Callable[..., Any], None] = {}
    wanted = list(dict.fromkeys(functions))
    for fn in wanted:
        _collect(fn, constants, helpers)
    pieces = [constants[key] for key in sorted(constants)]
    out = "\n".join(pieces) + "\n\n\n" if pieces else ""
    chosen = [f for f in helpers if f not in wanted] + wanted
    return out + "\n\n".join(inspect.getsource(f) for f in chosen)


def _collect(fn: Callable[..., Any], constants: dict[tuple[str, int], str],
             helpers: dict[Callable[..., Any], None]) -> None:
    module = sys.modules[fn.__module__]
    statements = _statements(module.__name__)
    for name in sorted(_names(fn.__code__)):
        value = getattr(module, name, None)
        if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
            if value not in helpers and value is not fn:
                _collect(value, constants, helpers)
                helpers[value] = None
        elif name in statements:
            _add_constant(module.__name__, name, statements, constants)


def _add_constant(module: str, name: str, statements: dict[str, _Statement],
                  constants: dict[tuple[str, int], str]) -> None:
    line, text, reads = statements[name]
    if (module, line) in constants:
        return
    constants[(module, line)] = text
    for other in sorted(reads):
        if other in statements and other != name:
            _add_constant(module, other, statements, constants)


def _names(code: types.CodeType) -> set[str]:
    """The global names a function's code reads, its nested code (generators, lambdas) included."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


@lru_cache(maxsize=None)
def _statements(module_name: str) -> dict[str, _Statement]:
    """Every module-level assignment of the module, by each name it binds: its first line, its text
    (the comment lines just above it included) and the names its value reads."""
    source = inspect.getsource(sys.modules[module_name])
    lines = source.splitlines()
    out: dict[str, _Statement] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        first = node.lineno - 1
        while first > 0 and lines[first - 1].startswith("#"):
            first -= 1
        text = "\n".join(lines[first:node.end_lineno])
        reads = frozenset(n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)) if node.value else frozenset()
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for n in ast.walk(target):
                if isinstance(n, ast.Name):
                    out[n.id] = (node.lineno, text, reads)
    return out
