"""The script's text: its comments, sections, aligned code lines, number literals and words."""
from __future__ import annotations

import re
import textwrap
from string import Template
from typing import Any

from ..optim.optimizer_kernels import OPTIMIZER_RULES
from .spec import Spec

_WIDTH = 96           # the width of the script's comments and docstrings
_COLUMN = 52          # where inline comments start
_MAX_LINE = 110       # the longest code line with its comment


# -- text helpers ---------------------------------------------------------------------------------
def _code(text: str, **subs: Any) -> str:
    """A piece of the script: dedented, with its $names filled in."""
    return Template(textwrap.dedent(text).strip("\n")).substitute({k: str(s) for k, s in subs.items()}) + "\n"


def _section(number: str, title: str) -> str:
    rule = "# " + "=" * (_WIDTH - 2)
    return f"\n\n{rule}\n# {number}. {title}\n{rule}\n"


def _comment(text: str, indent: str = "") -> str:
    """A paragraph as # comment lines."""
    return "".join(f"{indent}# {line}\n" for line in
                   textwrap.wrap(text, _WIDTH - len(indent) - 2, break_on_hyphens=False))


def _fill(text: str, indent: str = "    ") -> str:
    """A paragraph wrapped for a docstring."""
    return textwrap.fill(text, _WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)


def _lines(rows: list[tuple[str, str] | str], indent: str = "", column: int = _COLUMN) -> str:
    """Code lines with their # comments lined up (a plain string is a line without a comment)."""
    out = []
    for row in rows:
        if isinstance(row, str):
            out.append(indent + row if row else "")
            continue
        code, note = row
        code = indent + code
        if len(code) < column - 1:
            out.append(f"{code:<{column}}# {note}")
        elif len(code) + len(note) + 4 <= _MAX_LINE:
            out.append(f"{code}  # {note}")
        else:  # too long for one line: the comment goes above the code
            out.append(f"{' ' * (len(code) - len(code.lstrip()))}# {note}\n{code}")
    return "\n".join(out) + "\n"


def _num(x: float) -> str:
    """The shortest float literal that Python reads back as exactly ``x`` (1e-06 as 1e-6)."""
    x = float(x)
    best = repr(x)
    short = f"{x:g}"
    short = re.sub(r"e([+-])0*(\d)", lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2), short)
    if "e" not in short and "." not in short:
        short += ".0"
    if float(short) == x and len(short) < len(best):
        best = short
    return best


def _g(x: float) -> str:
    return f"{float(x):g}"


def _docstring_safe(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


_ACTIVATION_WORDS = {"linear": "linear", "sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu",
                     "leaky_relu": "leaky relu", "softmax": "softmax"}
_LOSS_WORDS = {"mse": "mean squared error (mse): J = 1/(2n) Σ (ŷ − y)²",
               "bce": "binary cross-entropy (bce): J = −1/n Σ [y log ŷ + (1 − y) log(1 − ŷ)]",
               "cross_entropy": "categorical cross-entropy: J = −1/n Σ y log ŷ"}
_METRIC_WORDS = {"accuracy": "accuracy", "r2": "R²"}
_INIT_WORDS = {"xavier": "Glorot/Xavier uniform", "he": "He normal", "normal": "normal", "zeros": "all-zero"}


def _optimizer_words(name: str, hyper: dict[str, float], learning_rate: float) -> str:
    """The optimiser in a few words: its name, its hyperparameters' symbols and values, and α."""
    rule = OPTIMIZER_RULES[name]
    alpha = f"α = {_g(learning_rate)}"
    if not hyper:
        return f"{name} ({rule.info.split(':')[0].lower()}), {alpha}"
    return f"{name} ({', '.join(f'{rule.symbols.get(k, k)} = {_g(x)}' for k, x in hyper.items())}), {alpha}"


def _schedule_words(v: dict[str, Any]) -> str:
    k, rate = v["decay_steps"], _g(v["decay_rate"])
    return {"constant": "constant",
            "step": f"step decay (× {rate} every {k} iterations)",
            "exponential": f"exponential decay (× {rate} per {k} iterations)",
            "inverse_time": f"inverse-time decay (α / (1 + {rate}·t/{k}))"}[v["schedule"]]


def _origin(s: Spec) -> str:
    v, n = s.values, s.n_train + s.n_test
    if s.custom_data:
        return f"the {n} points given in the experiment"
    return f"{n} points of the {v['dataset']} dataset (noise {_g(v['noise'])}, data seed {v['data_seed']})"



def _docstring(text: str) -> str:
    """A one-paragraph docstring of a function, wrapped, with its quotes."""
    return '    """' + _fill(text)[4:] + '"""\n'

