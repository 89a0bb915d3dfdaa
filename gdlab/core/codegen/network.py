"""A network script's opening and its data: the docstring, section 1 (the data), section 2 (the
network and its initial weights) and the appendix holding the points (and weights) exactly."""
from __future__ import annotations

import re
import textwrap

from .spec import Spec, _rows
from .text import (
    _ACTIVATION_WORDS,
    _INIT_WORDS,
    _LOSS_WORDS,
    _METRIC_WORDS,
    _WIDTH,
    _comment,
    _docstring_safe,
    _fill,
    _g,
    _lines,
    _num,
    _optimizer_words,
    _origin,
    _schedule_words,
    _section,
)


# -- the script, piece by piece -------------------------------------------------------------------
def _header(s: Spec) -> str:
    v = s.values
    shape = " → ".join(str(n) for n in s.sizes)
    if s.L > 1:
        layers = (f"{shape}: {_ACTIVATION_WORDS[s.hidden]} hidden layer{'s' if s.L > 2 else ''}, "
                  f"{_ACTIVATION_WORDS[s.output]} output")
    else:
        layers = f"{shape}: no hidden layer, {_ACTIVATION_WORDS[s.output]} output"
    init = f"{_INIT_WORDS[v['init']]} initial weights" + (
        f" (σ = {_g(v['init_scale'])}, seed {v['seed']})" if v["init"] == "normal" else
        "" if v["init"] == "zeros" else f" (seed {v['seed']})")
    cost = _LOSS_WORDS[s.loss]
    if v["regularization"] == "l2":
        cost += f"\n               + (λ/2) Σ w² with λ = {_g(v['reg_rate'])} (l2 penalty)"
    elif v["regularization"] == "l1":
        cost += f"\n               + λ Σ |w| with λ = {_g(v['reg_rate'])} (l1 penalty)"
    batches = ("full batch (all training points in every step)" if s.full_batch else
               f"mini-batches of {s.batch_size} points (stochastic gradient descent)")
    inputs = "" if s.features == ["x"] else f"\n    inputs     {', '.join(s.input_labels)}"
    title = s.name + (f": {s.summary}" if s.summary else "")
    description = "\n\n".join(textwrap.fill(p.strip(), _WIDTH, break_on_hyphens=False)
                              for p in s.description.split("\n\n") if p.strip())
    it = v["max_iterations"]
    schedule = "" if v["schedule"] == "constant" else f"\n    schedule   {_schedule_words(v)}"
    rows = textwrap.fill(f"does: one row per iteration with the cost and the {_METRIC_WORDS[s.metric]} on the "
                         f"training points and on the test points, and the epoch (the passes over the training "
                         f"points so far), then a last line saying how the run ended and why.", _WIDTH,
                         break_on_hyphens=False)
    text = f"""{title}

{description}

This script is that whole experiment written out in numpy, exported by gdlab ("Show me the numpy"):

    network    {layers},
               {init}{inputs}
    cost       {cost}
    optimiser  {_optimizer_words(s.values['optimizer'], s.hyper, s.values['learning_rate'])}{schedule}
    data       {_origin(s)}: {s.n_train} to train on, {s.n_test} to test
    training   {batches}, at most {it} iterations

Run it with nothing but Python and numpy:

    python {s.filename} --iterations {it} --out history.csv

It writes the same history file, value for value, as

    gdlab run {s.command} --iterations {it} --out history.csv

{rows}

Notation, as in lectures: n samples; layers l = 1 … L; a_0 = X, the inputs;
z_l = a_{{l−1}} W_l + b_l, the weighted input of layer l; a_l = f(z_l), its activation; ŷ = a_L, the
output; J, the cost; δ_l = ∂J/∂z_l, the error of layer l; α, the learning rate.
"""
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in _docstring_safe(text).splitlines()))
    return f'#!/usr/bin/env python3\n"""{text}\n"""\nimport argparse\nimport math\nimport sys\n\nimport numpy as np\n'


# 1. the data -------------------------------------------------------------------------------------
def _target_words(s: Spec) -> str:
    if s.pixel_scale:
        return f"the {s.d} pixels' ink counts in base {s.pixel_scale + 1}, class"
    coords = ", ".join(f"x{i + 1}" for i in range(s.d)) if s.d > 1 else "x"
    if s.uses_labels:
        return f"{coords}, class"
    return f"{coords}, " + ("y" if s.k == 1 else ", ".join(f"y{j + 1}" for j in range(s.k)))


def _data_section(s: Spec) -> str:
    out = _section("1", "The data")
    origin = _origin(s)
    origin = origin[0].upper() + origin[1:]
    metric = _METRIC_WORDS[s.metric]
    held = (f"{s.n_test} of them are held out as a test set: never used for a gradient, their cost and {metric} "
            f"show how well the network generalises." if s.n_test else
            f"None of them is held out as a test set (test fraction 0), so the test cost and {metric} are nan.")
    written = (f"They are written out at the end of this file as the ink counts of the shipped file, one image "
               f"a line: its pixels row by row, each count 0–{s.pixel_scale} one base-{s.pixel_scale + 1} digit "
               f"(0–9, then A = 10 … G = 16); each input is x = count / {s.pixel_scale}, exactly as gdlab reads "
               f"them, so every number is the float gdlab trains on and this script needs nothing but numpy."
               if s.pixel_scale else
               "They are written out in full at the end of this file, with repr, so every number is exactly the "
               "float gdlab trains on and this script needs nothing but numpy.")
    out += _comment(f"{origin}. {held} {written} {s.data_note}".strip())
    if s.features != ["x"]:
        out += "\n\n" + _features_piece(s)
    if s.uses_labels and s.k == 1:
        y_row = ("Y = np.array([[float(p[-1])] for p in points])", "y = the class, 0 or 1")
    elif s.uses_labels:
        y_row = (f"Y = np.eye({s.k})[[p[-1] for p in points]]", "one-hot: y_c = 1 for the point's class c")
    else:
        y_row = (f"Y = np.array([p[{s.d}:] for p in points])", "the targets")
    x_expr = "features(X)" if s.features != ["x"] else "X"
    x_row = ((f"X = np.array([[int(c, {s.pixel_scale + 1}) for c in p[0]] for p in points]) / {s.pixel_scale}",
              f"x = count / {s.pixel_scale}, one image a row") if s.pixel_scale else
             (f"X = np.array([p[:{s.d}] for p in points])", "the points, one a row"))
    out += ("\n\ndef load(points):\n"
            f'    """The inputs X and targets Y of points written as ({_target_words(s)}), one column a point.\n\n'
            '    Every array of this script holds one sample per column, (neurons, samples): see section 5.\n'
            '    """\n'
            + _lines([x_row, y_row,
                      (f"return {x_expr}.T.copy(), Y.T.copy()", "one column a point")], "    "))
    return out


def _features_piece(s: Spec) -> str:
    d, chosen = s.d, set(s.features)
    rows: list[tuple[str, str] | str] = [f"F = np.empty((len(X), {len(s.input_labels)}))"]
    c = 0
    if "x" in chosen:
        rows.append((f"F[:, {c}:{c + d}] = X", "x_i, the coordinates themselves"))
        c += d
    if "square" in chosen:
        rows.append((f"np.multiply(X, X, out=F[:, {c}:{c + d}])", "x_i²"))
        c += d
    if "product" in chosen:
        for i in range(d):
            for j in range(i + 1, d):
                rows.append((f"np.multiply(X[:, {i}], X[:, {j}], out=F[:, {c}])", f"x{i + 1}·x{j + 1}"))
                c += 1
    if "sin" in chosen:
        rows.append((f"np.sin(X, out=F[:, {c}:{c + d}])", "sin x_i"))
    rows.append("return F")
    return ("def features(X):\n"
            f'    """The network\'s inputs, one column each, from the raw points X (one a row):\n'
            f'    {", ".join(s.input_labels)}."""\n' + _lines(rows, "    "))


# 2. the network and its initial weights ----------------------------------------------------------
def _network_section(s: Spec) -> str:
    v = s.values
    out = _section("2", "The network and its initial weights")
    roles = ["inputs"] + (["hidden neurons"] if s.L > 1 else []) + ["outputs"]
    rows: list[tuple[str, str] | str] = [(f"LAYER_SIZES = {s.sizes}", ", ".join(roles))]
    if not s.embed_weights and v["init"] != "zeros":
        rows.append((f"WEIGHT_SEED = {v['seed']}", "the seed of the random initial weights"))
    if not s.embed_weights and v["init"] == "normal":
        rows.append((f"SIGMA = {_num(v['init_scale'])}", "their standard deviation σ"))
    out += _lines(rows)
    fold = _fill("The bias is folded into the weight matrix as its last row, [W_l; b_l], so that one matrix "
                 "product gives z = a·W + b (the layer's input gets a matching row of ones). Python's lists "
                 "count from 0: Wbs[0] is [W_1; b_1].")
    if s.embed_weights:
        return out + ("\n\ndef initial_weights():\n"
                      '    """One array [W_l; b_l] of shape (fan_in + 1, fan_out) a layer, as written at the end '
                      f'of this file.\n\n{fold}\n    """\n'
                      "    return [np.array(Wb) for Wb in INITIAL_WEIGHTS]\n")
    draws: dict[str, tuple[str, list[tuple[str, str] | str]]] = {
        "xavier": ("W_l ~ U(−r, r) with r = √(6 / (fan_in + fan_out)) (Glorot/Xavier uniform)",
                   ["r = math.sqrt(6.0 / (fan_in + fan_out))",
                    ("W = rng.uniform(-r, r, (fan_in, fan_out))", "W_l ~ U(−r, r)")]),
        "he": ("W_l ~ N(0, σ²) with σ = √(2 / fan_in) (He)",
               [("W = rng.normal(0.0, math.sqrt(2.0 / fan_in), (fan_in, fan_out))", "W_l ~ N(0, 2/fan_in)")]),
        "normal": ("W_l ~ N(0, σ²) with σ = SIGMA",
                   [("W = rng.normal(0.0, SIGMA, (fan_in, fan_out))", "W_l ~ N(0, σ²)")]),
        "zeros": ("W_l = 0 (then every neuron of a layer computes, and learns, the same thing)",
                  [("W = np.zeros((fan_in, fan_out))", "W_l = 0")]),
    }
    how, draw = draws[v["init"]]
    body = draw + [("b = np.zeros((1, fan_out))", "b_l = 0"), ("Wbs.append(np.vstack([W, b]))", "[W_l; b_l]")]
    return out + ("\n\ndef initial_weights():\n"
                  '    """One array [W_l; b_l] of shape (fan_in + 1, fan_out) a layer.\n\n'
                  f"{fold}\n\n"
                  f"{_fill(f'The weights are drawn as gdlab draws them: {how}; the biases start at 0.')}\n"
                  '    """\n'
                  + ("    rng = np.random.default_rng(WEIGHT_SEED)\n" if v["init"] != "zeros" else "")
                  + "    Wbs = []\n"
                  "    for fan_in, fan_out in zip(LAYER_SIZES[:-1], LAYER_SIZES[1:]):\n"
                  + _lines(body, "        ")
                  + "    return Wbs\n")



def _table(rows: list[tuple]) -> str:
    """Points as a list of tuples, one a line, in aligned columns."""
    if not rows:
        return "[]\n"
    cells = [[str(x) if isinstance(x, int) else repr(x) for x in row] for row in rows]
    widths = [max(len(c[j]) for c in cells) + 1 for j in range(len(cells[0]) - 1)]
    lines = ["    (" + " ".join(f"{c[j] + ',':<{w}}" for j, w in enumerate(widths)) + " " + c[-1] + ")," for c in cells]
    return "[\n" + "\n".join(lines) + "\n]\n"


def _appendix(s: Spec) -> str:
    out = _section("Appendix", "The data" + (" and the initial weights" if s.embed_weights else ""))
    out += f"# One point a line: {_target_words(s)}.\nTRAIN_POINTS = " + _table(_rows(s, s.train))
    if s.n_test:
        out += "\nTEST_POINTS = " + _table(_rows(s, s.test))
    if s.embed_weights:
        out += "\n# [W_l; b_l] of every layer, one row a line (the last row is the bias b_l).\nINITIAL_WEIGHTS = [\n"
        for Wb in s.initial:
            out += "    [\n" + "".join("        [" + ", ".join(repr(float(x)) for x in row) + "],\n" for row in Wb)
            out += "    ],\n"
        out += "]\n"
    return out

