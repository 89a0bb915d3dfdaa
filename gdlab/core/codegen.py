"""Show me the numpy: an experiment as one standalone, readable numpy script.

:func:`export_code` writes the whole experiment as a Python script that needs nothing but numpy. For
a network: the data (embedded, exact to the last bit), the network and its initial weights, the
activations, the cost, the forward pass, backpropagation with the chain rule in its comments, the
optimiser's update rule, the accuracy (or R² for regression), the training loop with its stopping
tests, and the history file with the cost and the accuracy (or R²) on both sets and the epoch. For a
cost-surface race: the cost J(w) and its gradient, the optimisers of its runs, the runs (grouped as
gdlab groups them), the race loop with each run's stopping tests, and the history file. Run as

    python FILE.py --iterations N --out HISTORY.csv

it writes the same file, byte for byte, as ``gdlab run EXPERIMENT --iterations N --out HISTORY.csv``.

Byte for byte means bit for bit: floating-point sums depend on their order, and a last-bit
difference grows over thousands of steps. So the script keeps gdlab's arrangement of the
arithmetic (layers stored as (neurons, samples), the bias folded into the weight matrix as its
last row, the same fused cost formulas, each optimiser's operations in torch's order) and says so
in plain comments where that arrangement differs from a textbook's. Two rewrites are exact and
make the script simpler: every f′ is computed from a = f(z) (relu′(z) = [z > 0] = [a > 0]), and
the arrays are fresh results instead of gdlab's reused buffers (an elementwise operation or a
matrix product gives the same bits whether or not it writes into a given array).

A script is assembled from the pieces below, and only the pieces the experiment uses go in: its
activations, its cost, its metric (accuracy for classification, R² for regression), its optimiser,
its schedule, the penalty and the mini-batches if it has them, the convergence tests it switches on.
Before returning, :func:`export_code` checks that the embedded data rebuild exactly gdlab's training
and test arrays, and compiles the script.
"""
from __future__ import annotations

import math
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any, cast

import numpy as np

from .atomic import atomic_write_text
from .experiment import Experiment
from .features import expand_features
from .params import NETWORK
from .training import DIVERGENCE_FACTOR, NetworkRun, SurfaceRace

__all__ = ["export_code", "write_code"]

_WIDTH = 96           # the width of the script's comments and docstrings
_COLUMN = 52          # where inline comments start
_MAX_LINE = 110       # the longest code line with its comment

_Part = tuple[np.ndarray, np.ndarray, np.ndarray | None]   # a data split: raw X, targets y, class labels


# -- what the script needs to know ----------------------------------------------------------------
@dataclass
class _Spec:
    """Everything about one experiment that the script spells out, read from a fresh run."""

    name: str
    summary: str
    description: str
    command: str
    filename: str
    values: dict[str, Any]
    sizes: list[int]
    hidden: str
    output: str
    loss: str
    hyper: dict[str, float]
    batch_size: int
    n_train: int
    n_test: int
    d: int                                   # raw input coordinates
    features: list[str]
    input_labels: list[str]
    custom_data: bool
    train: _Part                             # raw X, targets y, class labels
    test: _Part
    initial: list[np.ndarray]                # [W_l; b_l] of every layer at the start
    data_note: str                           # the names of custom data's columns and classes
    embed_weights: bool                      # True when a seeded draw does not give `initial`
    task: str                                # "binary", "multiclass" or "regression" (the data's)

    @property
    def L(self) -> int:
        return len(self.sizes) - 1

    @property
    def k(self) -> int:
        return self.sizes[-1]

    @property
    def full_batch(self) -> bool:
        return self.batch_size >= self.n_train

    @property
    def fused(self) -> bool:
        """sigmoid + bce or softmax + cross-entropy: cost from the logits, δ_L = (ŷ − y)/n."""
        return (self.loss, self.output) in (("bce", "sigmoid"), ("cross_entropy", "softmax"))

    @property
    def regularized(self) -> bool:
        return bool(self.values["regularization"] != "none")

    @property
    def uses_labels(self) -> bool:
        """Targets written as class numbers (they rebuild y exactly), not as columns of floats."""
        return _labels_give_targets(self.train) and _labels_give_targets(self.test)

    @property
    def stateful(self) -> bool:
        return bool(self.values["optimizer"] != "sgd")

    @property
    def regression(self) -> bool:
        return self.task == "regression"

    @property
    def metric(self) -> str:
        """The function the script scores with, and the stem of its variables: accuracy or r2."""
        return "r2" if self.regression else "accuracy"

    @property
    def metric_function(self) -> str:
        return "r_squared" if self.regression else "accuracy"

    @property
    def convergence_tests(self) -> list[str]:
        """The convergence tests gdlab applies: only to full-batch runs, only those switched on."""
        if not self.full_batch:
            return []
        return [t for t in ("grad_tolerance", "tolerance") if self.values[t] > 0]


def _labels_give_targets(part: _Part) -> bool:
    _, y, labels = part
    if labels is None or labels.ndim != 1 or len(labels) != len(y) or (len(labels) and labels.min() < 0):
        return False
    if y.shape[1] == 1:
        made = labels.astype(np.float64).reshape(-1, 1)
    else:
        if len(labels) and labels.max() >= y.shape[1]:
            return False
        made = np.eye(y.shape[1])[labels]
    return made.shape == y.shape and np.array_equal(made, y) and not np.signbit(y).any()


def _seeded_weights(sizes: list[int], init: str, seed: int, scale: float) -> list[np.ndarray]:
    """The initial [W_l; b_l] exactly as the script draws them (and as MLP.reinitialize does)."""
    rng = np.random.default_rng(seed)
    out = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        if init == "xavier":
            r = math.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-r, r, (fan_in, fan_out))
        elif init == "he":
            W = rng.normal(0.0, math.sqrt(2.0 / fan_in), (fan_in, fan_out))
        elif init == "normal":
            W = rng.normal(0.0, scale, (fan_in, fan_out))
        else:
            W = np.zeros((fan_in, fan_out))
        out.append(np.vstack([W, np.zeros((1, fan_out))]))
    return out


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b) and np.array_equal(np.signbit(a), np.signbit(b))


def _read(experiment: Experiment, command: str | None, filename: str | None) -> tuple[_Spec, NetworkRun]:
    if not isinstance(experiment, Experiment):
        raise TypeError(f"export_code needs an Experiment, got {type(experiment).__name__}")
    if experiment.kind != NETWORK:
        raise ValueError(f"export-code is for network experiments; {experiment.name!r} is a {experiment.kind} "
                         f"experiment (optimisers racing on an analytic cost surface), which has no network "
                         f"to write out")
    run = NetworkRun(experiment)
    v = experiment.values
    model = run.model
    state = model.get_state()  # a fresh run: the initial weights
    initial = [np.vstack([W, b[None, :]]) for W, b in zip(state["weights"], state["biases"])]
    seeded = _seeded_weights(model.layer_sizes, model.init, model.seed, model.init_scale)
    train, test = run.train_set, run.test_set

    def labels(part: Any) -> Any:
        return None if part.labels is None else np.asarray(part.labels)

    spec = _Spec(
        name=experiment.name, summary=experiment.summary, description=experiment.description,
        command=command or experiment.name,
        filename=filename or (re.sub(r"[^\w.-]+", "_", experiment.name).strip("._") or "experiment") + ".py",
        values=v, sizes=list(model.layer_sizes), hidden=model.hidden_activation.name,
        output=model.output_activation.name, loss=getattr(run.loss, "name", run.loss),
        hyper=dict(run.optimizer.hyper), batch_size=int(run.batch_size), n_train=len(run.X_train),
        n_test=len(run.X_test), d=int(train.X.shape[1]), features=list(run.features),
        input_labels=list(run.input_labels), custom_data=v["dataset"] == "custom",
        train=(np.asarray(train.X), np.asarray(train.y), labels(train)),
        test=(np.asarray(test.X), np.asarray(test.y), labels(test)),
        initial=initial, embed_weights=not all(_same_bits(a, b) for a, b in zip(initial, seeded)),
        data_note=_custom_note(getattr(experiment, "points", None), int(train.X.shape[1])), task=run.task)
    return spec, run


def _custom_note(points: Any, d: int) -> str:
    """What the columns and classes of custom data are called (from the file they came from)."""
    if points is None:
        return ""
    names = list(getattr(points, "feature_names", ()) or ())
    note = ""
    if len(names) == d and names != [f"x{i + 1}" for i in range(d)]:
        coords = [f"x{i + 1}" for i in range(d)] if d > 1 else ["x"]
        note += "The inputs " + ", ".join(f"{c} = {n}" for c, n in zip(coords, names)) + "."
    classes = list(getattr(points, "class_names", ()) or ())
    if classes and classes != [str(i) for i in range(len(classes))]:
        target = getattr(points, "target_name", "") or "class"
        note += f" The {target} classes: " + ", ".join(f"{i} = {c}" for i, c in enumerate(classes)) + "."
    if getattr(points, "standardized", False):
        note += (" The features were standardised when they were imported, x = (x_raw − mean)/std per "
                 "column; the points below are the standardised values.")
    return note.strip()


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


def _optimizer_words(s: _Spec) -> str:
    h, name = s.hyper, s.values["optimizer"]
    alpha = f"α = {_g(s.values['learning_rate'])}"
    if name in ("momentum", "nesterov"):
        return f"{name} (μ = {_g(h['momentum'])}), {alpha}"
    if name == "adagrad":
        return f"adagrad (ε = {_g(h['eps'])}), {alpha}"
    if name == "rmsprop":
        return f"rmsprop (ρ = {_g(h['alpha'])}, ε = {_g(h['eps'])}), {alpha}"
    if name == "adam":
        return f"adam (β₁ = {_g(h['beta1'])}, β₂ = {_g(h['beta2'])}, ε = {_g(h['eps'])}), {alpha}"
    return f"sgd (plain gradient descent), {alpha}"


def _schedule_words(v: dict[str, Any]) -> str:
    k, rate = v["decay_steps"], _g(v["decay_rate"])
    return {"constant": "constant",
            "step": f"step decay (× {rate} every {k} iterations)",
            "exponential": f"exponential decay (× {rate} per {k} iterations)",
            "inverse_time": f"inverse-time decay (α / (1 + {rate}·t/{k}))"}[v["schedule"]]


def _origin(s: _Spec) -> str:
    v, n = s.values, s.n_train + s.n_test
    if s.custom_data:
        return f"the {n} points given in the experiment"
    return f"{n} points of the {v['dataset']} dataset (noise {_g(v['noise'])}, data seed {v['data_seed']})"


# -- the script, piece by piece -------------------------------------------------------------------
def _header(s: _Spec) -> str:
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
    optimiser  {_optimizer_words(s)}{schedule}
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
def _target_words(s: _Spec) -> str:
    coords = ", ".join(f"x{i + 1}" for i in range(s.d)) if s.d > 1 else "x"
    if s.uses_labels:
        return f"{coords}, class"
    return f"{coords}, " + ("y" if s.k == 1 else ", ".join(f"y{j + 1}" for j in range(s.k)))


def _data_section(s: _Spec) -> str:
    out = _section("1", "The data")
    origin = _origin(s)
    origin = origin[0].upper() + origin[1:]
    metric = _METRIC_WORDS[s.metric]
    held = (f"{s.n_test} of them are held out as a test set: never used for a gradient, their cost and {metric} "
            f"show how well the network generalises." if s.n_test else
            f"None of them is held out as a test set (test fraction 0), so the test cost and {metric} are nan.")
    out += _comment(f"{origin}. {held} They are written out in full at the end of this file, with repr, so "
                    f"every number is exactly the float gdlab trains on and this script needs nothing but "
                    f"numpy. {s.data_note}".strip())
    if s.features != ["x"]:
        out += "\n\n" + _features_piece(s)
    if s.uses_labels and s.k == 1:
        y_row = ("Y = np.array([[float(p[-1])] for p in points])", "y = the class, 0 or 1")
    elif s.uses_labels:
        y_row = (f"Y = np.eye({s.k})[[p[-1] for p in points]]", "one-hot: y_c = 1 for the point's class c")
    else:
        y_row = (f"Y = np.array([p[{s.d}:] for p in points])", "the targets")
    x_expr = "features(X)" if s.features != ["x"] else "X"
    out += ("\n\ndef load(points):\n"
            f'    """The inputs X and targets Y of points written as ({_target_words(s)}), one column a point.\n\n'
            '    Every array of this script holds one sample per column, (neurons, samples): see section 5.\n'
            '    """\n'
            + _lines([(f"X = np.array([p[:{s.d}] for p in points])", "the points, one a row"), y_row,
                      (f"return {x_expr}.T.copy(), Y.T.copy()", "one column a point")], "    "))
    return out


def _features_piece(s: _Spec) -> str:
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
def _network_section(s: _Spec) -> str:
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


# 3. the activations ------------------------------------------------------------------------------
_VALUE = {
    "sigmoid": '''
        def sigmoid(z):
            """σ(z) = 1/(1 + e^{−z}): squashes z into (0, 1).

            e^{−z} is formed from −z capped at 709 (e^709 is about the largest float), so it never
            overflows; the cap only matters where σ(z) < 1e-308, which is 0 to a float anyway.
            """
            return 1.0 / (1.0 + np.exp(np.minimum(-z, 709.0)))
        ''',
    "tanh": '''
        def tanh(z):
            """f(z) = tanh z: squashes z into (−1, 1)."""
            return np.tanh(z)
        ''',
    "relu": '''
        def relu(z):
            """f(z) = max(0, z): the rectifier passes positive z and blocks negative z."""
            return np.maximum(z, 0.0)
        ''',
    "leaky_relu": '''
        def leaky_relu(z):
            """f(z) = max(z, 0.01 z): like relu, but negative z leak through with slope 0.01."""
            return np.maximum(z, 0.01 * z)
        ''',
    "linear": '''
        def linear(z):
            """f(z) = z: the identity."""
            return z
        ''',
    "softmax": '''
        def softmax(z):
            """s_k = e^{z_k} / Σ_j e^{z_j} over each column (sample): positive, and summing to 1.

            Computed as e^{z_k − m} / Σ_j e^{z_j − m} with m = max_j z_j, so no exponent is positive.
            """
            e = np.exp(z - z.max(axis=0, keepdims=True))    # e^{z − m}
            return e / e.sum(axis=0, keepdims=True)         # s = e^{z − m} / Σ e^{z − m}
        ''',
}
_SLOPE = {
    "sigmoid": '''
        def sigmoid_prime(a):
            """σ′(z) = σ(z)(1 − σ(z)), from a = σ(z)."""
            return (1.0 - a) * a
        ''',
    "tanh": '''
        def tanh_prime(a):
            """f′(z) = 1 − tanh² z, from a = tanh z."""
            return 1.0 - a * a
        ''',
    "relu": '''
        def relu_prime(a):
            """f′(z) = 1 where z > 0, else 0 (0 at the kink), from a = max(0, z): a > 0 exactly where z > 0."""
            return np.heaviside(a, 0.0)
        ''',
    "leaky_relu": '''
        def leaky_relu_prime(a):
            """f′(z) = 1 where z > 0, else 0.01, from a = max(z, 0.01 z): a > 0 exactly where z > 0."""
            return np.heaviside(a, 0.0) * (1.0 - 0.01) + 0.01
        ''',
    "softmax": '''
        def softmax_backward(s, g):
            """∂J/∂z from g = ∂J/∂s, back through s = softmax(z).

            Every s_k depends on every z_j, ∂s_k/∂z_j = s_k(δ_kj − s_j), so by the chain rule
            ∂J/∂z_j = Σ_k g_k s_k(δ_kj − s_j) = s_j (g_j − Σ_k g_k s_k).
            """
            return (g - (g * s).sum(axis=0, keepdims=True)) * s
        ''',
}


def _slopes_used(s: _Spec) -> list[str]:
    """The activations whose derivative backprop takes (a linear layer's f′ = 1 needs no code)."""
    used = []
    if s.L > 1 and s.hidden != "linear":
        used.append(s.hidden)
    if not s.fused and s.output != "linear" and s.output not in used:
        used.append(s.output)
    return used


def _activation_section(s: _Spec) -> str:
    used = ([s.hidden] if s.L > 1 else []) + ([s.output] if s.L == 1 or s.output != s.hidden else [])
    out = _section("3", "The activation" + ("s" if len(used) > 1 else ""))
    where = (f"The hidden layers use {s.hidden}, the output layer {s.output}." if len(used) > 1 else
             f"Every layer uses {used[0]}." if s.L > 1 else f"The output layer uses {used[0]}.")
    slope = " Backprop needs their slopes f′(z) too." if _slopes_used(s) else ""
    out += _comment("A neuron's activation a = f(z) bends its weighted input z; without it, a stack of layers "
                    f"would collapse into one linear map. {where}{slope}")
    return out + "".join("\n\n" + _code(piece) for piece in [_VALUE[a] for a in used] +
                         [_SLOPE[a] for a in _slopes_used(s)])


# 4. the cost -------------------------------------------------------------------------------------
def _inner(s: _Spec, a: str) -> str:
    """Σ y·a over every output and sample, summed as gdlab sums it (one dot product for one output)."""
    return f"float(np.vdot(Y, {a}))" if s.k == 1 else f"float((Y * {a}).sum())"


def _cost_section(s: _Spec) -> str:
    out = _section("4", "The cost" + (" and the weight penalty" if s.regularized else ""))
    if s.fused and s.loss == "bce":
        out += "\n" + _code('''
            def cost(z, Y):
                """Binary cross-entropy of ŷ = σ(z):  J = −1/n Σ [y log ŷ + (1 − y) log(1 − ŷ)].

                Computed from the output layer's z (the logits) as J = 1/n Σ [softplus(z) − y·z], with
                softplus(z) = log(1 + e^z): the same number, but never the log of 0.
                """
                n = z.shape[1]
                return (float(np.logaddexp(0.0, z).sum()) - $inner) / n
            ''', inner=_inner(s, "z"))
    elif s.fused:
        out += "\n" + _code('''
            def cost(z, Y):
                """Categorical cross-entropy of ŷ = softmax(z) and one-hot targets y:  J = −1/n Σ y log ŷ.

                Computed from the output layer's z (the logits) with log ŷ_k = z_k − m − log Σ_j e^{z_j − m},
                m = max_j z_j: the same number, but never the log of 0. (Adding 0.0 writes the −0.0 of a
                perfect fit as 0.0, as gdlab's J = J_data + penalty does.)
                """
                n = z.shape[1]
                shifted = z - z.max(axis=0, keepdims=True)                                  # z − m
                log_y_hat = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))    # log ŷ
                return -$inner / n + 0.0
            ''', inner=_inner(s, "log_y_hat"))
    else:
        out += "\n" + _code('''
            def cost(y_hat, Y):
                """Mean squared error:  J = 1/(2n) Σ (ŷ − y)²  (the ½ cancels the 2 of the derivative)."""
                n = y_hat.shape[1]
                d = y_hat - Y                                   # ŷ − y
                return float(np.vdot(d, d)) / (2 * n)           # J = 1/(2n) Σ (ŷ − y)²
            ''')
    reg = s.values["regularization"]
    if reg == "none":
        return out
    out += "\n\n" + _comment(
        "The weight penalty: J = J_data + " +
        ("(λ/2) Σ_l ‖W_l‖², whose gradient λW_l is added to ∂J/∂W_l: every step also shrinks each weight "
         "a little (weight decay)." if reg == "l2" else
         "λ Σ_l |W_l|, whose gradient λ·sign(W_l) is added to ∂J/∂W_l: every step also pulls each weight "
         "towards 0 by the same amount, so small weights end at exactly 0.") + " The biases are not penalised.")
    out += _lines([(f"LAMBDA = {_num(s.values['reg_rate'])}", "the penalty's strength λ")])
    if reg == "l2":
        return out + "\n\n" + _code('''
            def penalty(Wbs):
                """(λ/2) Σ_l ‖W_l‖², over the weights only (not the bias rows)."""
                total = 0.0
                for Wb in Wbs:
                    W = Wb[:-1]                                 # W_l without its bias row
                    total += float(np.vdot(W, W))               # ‖W_l‖²
                return 0.5 * LAMBDA * total


            def add_penalty_gradient(grads, Wbs):
                """∂J/∂W_l += λW_l."""
                for g, Wb in zip(grads, Wbs):
                    g[:-1] += Wb[:-1] * LAMBDA
            ''')
    return out + "\n\n" + _code('''
        def penalty(Wbs):
            """λ Σ_l |W_l|, over the weights only (not the bias rows)."""
            total = 0.0
            for Wb in Wbs:
                total += float(np.abs(Wb[:-1]).sum())           # Σ |W_l|
            return LAMBDA * total


        def add_penalty_gradient(grads, Wbs):
            """∂J/∂W_l += λ·sign(W_l)."""
            for g, Wb in zip(grads, Wbs):
                g[:-1] += np.sign(Wb[:-1]) * LAMBDA
        ''')


# 5. the forward pass -----------------------------------------------------------------------------
def _forward_section(s: _Spec) -> str:
    out = _section("5", "The forward pass")
    out += _comment(
        "The layout. A textbook writes one sample a row: z = a·W + b. Here every array holds one sample a "
        "column, (neurons, samples), and each layer's bias is the last row of its weight matrix, so one "
        "matrix product gives z = a·W + b, transposed: zᵀ = [W; b]ᵀ·[aᵀ; 1]. This is how gdlab computes, "
        "and keeping its order of the sums is what makes this script reproduce gdlab's numbers bit for bit "
        "(the same numbers summed in another order differ in the last digit, and over thousands of steps "
        "the difference grows).")
    if s.L == 1 or s.hidden == s.output:
        f_line = f"a = {s.output}(z)"
    else:
        f_line = f"a = {s.hidden}(z) if l < len(Wbs) else {s.output}(z)"
    return out + "\n\n" + (
        "def forward(Wbs, X):\n"
        '    """The forward pass: z_l = a_{l−1} W_l + b_l and a_l = f(z_l), from a_0 = X up to ŷ = a_L.\n\n'
        "    Returns what backprop needs: every layer's input with its row of ones, [a_{l−1}; 1]; every\n"
        "    weighted input z_l; and the activations a_0 = X, a_1, …, a_L = ŷ.\n"
        '    """\n'
        + _lines(["inputs, zs, activations = [], [], [X]",
                  ("a = X", "a_0 = X"),
                  ("for l, Wb in enumerate(Wbs, start=1):", "layers l = 1 … L"),
                  ("    a_in = np.vstack([a, np.ones((1, a.shape[1]))])", "[a_{l−1}; 1]"),
                  ("    z = np.dot(Wb.T, a_in)", "z_l = a_{l−1} W_l + b_l"),
                  (f"    {f_line}", "a_l = f(z_l)"),
                  "    inputs.append(a_in)",
                  "    zs.append(z)",
                  "    activations.append(a)",
                  "return inputs, zs, activations"], "    "))


# 6. the backward pass ----------------------------------------------------------------------------
def _backward_section(s: _Spec) -> str:
    out = _section("6", "The backward pass (backpropagation)")
    out += _comment(
        "Backprop computes ∂J/∂w for every weight and bias by the chain rule, from the output back to the "
        "input. The error of layer l is δ_l = ∂J/∂z_l. Since z_l = a_{l−1} W_l + b_l, the gradient of a "
        "weight is the input it multiplies times the error it feeds into, and the error of the layer below is "
        "this error sent back through the same weights, times the slope of that layer's activation.")
    # the output error δ_L
    if s.fused:
        why = ("sigmoid + bce: σ′(z) cancels the 1/(ŷ(1 − ŷ)) of ∂J/∂ŷ" if s.loss == "bce" else
               "softmax + cross-entropy: the softmax's Jacobian cancels ∂J/∂ŷ's 1/ŷ")
        rules = [f"δ_L = (ŷ − y)/n      ({why})"]
        output = [("delta = (y_hat - Y) * (1.0 / n)", "δ_L = ∂J/∂z_L = (ŷ − y)/n")]
    elif s.output == "linear":
        rules = ["δ_L = (ŷ − y)/n      (mse: ∂J/∂ŷ = (ŷ − y)/n, and a linear output has f′ = 1)"]
        output = [("delta = (y_hat - Y) * (1.0 / n)", "δ_L = ∂J/∂z_L = (ŷ − y)/n")]
    elif s.output == "softmax":
        rules = ["δ_L = ∂J/∂ŷ sent back through the softmax, ∂J/∂ŷ = (ŷ − y)/n   (mse)"]
        output = [("delta = (y_hat - Y) * (1.0 / n)", "∂J/∂ŷ = (ŷ − y)/n"),
                  ("delta = softmax_backward(y_hat, delta)", "δ_L = ∂J/∂z_L")]
    else:
        rules = ["δ_L = f′(z_L) ⊙ ∂J/∂ŷ,  ∂J/∂ŷ = (ŷ − y)/n   (mse)"]
        output = [("delta = (y_hat - Y) * (1.0 / n)", "∂J/∂ŷ = (ŷ − y)/n"),
                  (f"delta = {s.output}_prime(y_hat) * delta", "δ_L = f′(z_L) ⊙ ∂J/∂ŷ")]
    # the error of the layer below, δ_{l−1}
    back = "np.dot(Wbs[l - 1][:-1], delta)"
    hidden: list[tuple[str, str]] = []
    if s.L > 1:
        if s.hidden == "linear":
            rules.append("δ_{l−1} = δ_l W_lᵀ     (linear hidden layers: f′ = 1)")
            hidden = [(f"delta = {back}", "δ_{l−1} = δ_l W_lᵀ")]
        elif s.hidden == "softmax":
            rules.append("δ_{l−1} = (δ_l W_lᵀ) sent back through the softmax of layer l − 1")
            hidden = [(f"delta = softmax_backward(activations[l - 1], {back})", "δ_{l−1}")]
        else:
            rules.append("δ_{l−1} = f′(z_{l−1}) ⊙ (δ_l W_lᵀ)")
            hidden = [(f"delta = {s.hidden}_prime(activations[l - 1]) * {back}",
                       "δ_{l−1} = f′(z_{l−1}) ⊙ (δ_l W_lᵀ)")]
    rules.append("∂J/∂W_l = a_{l−1}ᵀ δ_l,   ∂J/∂b_l = Σ_samples δ_l")
    doc = "\n".join(f"        {r}" for r in rules)
    loop: list[tuple[str, str] | str] = [
        ("for l in range(len(Wbs), 0, -1):", "l = L, …, 1: from the output layer back"),
        ("    grads[l - 1] = np.dot(inputs[l - 1], delta.T)", "[∂J/∂W_l; ∂J/∂b_l] = [a_{l−1}; 1] δ_lᵀ")]
    if hidden:
        loop += ["    if l > 1:"] + [(f"        {c}", w) for c, w in hidden]
    return out + "\n\n" + (
        "def backward(Wbs, inputs, activations, Y):\n"
        '    """The gradient [∂J/∂W_l; ∂J/∂b_l] of the data cost for every layer, by the chain rule:\n\n'
        f"{doc}\n\n"
        "    In the (neurons, samples) layout these read transposed: δ_l W_lᵀ is computed as W_l δ_l, and one\n"
        "    product [a_{l−1}; 1] δ_lᵀ gives both ∂J/∂W_l and, from the row of ones, ∂J/∂b_l = Σ δ_l.\n"
        "    Python's lists count from 0: Wbs[l − 1] is [W_l; b_l] and inputs[l − 1] is [a_{l−1}; 1].\n"
        '    """\n'
        + _lines(["y_hat = activations[-1]", "n = y_hat.shape[1]"] + output +
                 ["grads = [None] * len(Wbs)"] + loop + ["return grads"], "    "))


# 7. the optimiser --------------------------------------------------------------------------------
_UPDATE = {
    "sgd": '''
        def update(Wbs, grads, lr):
            """Plain gradient descent: w ← w − α·∂J/∂w, for every weight and bias."""
            for Wb, g in zip(Wbs, grads):
                Wb -= lr * g                                # w ← w − α·g
        ''',
    "momentum": '''
        def optimizer_state(Wbs):
            """The velocity v, one array a layer, starting at 0."""
            return {"velocity": [np.zeros_like(Wb) for Wb in Wbs]}


        def update(Wbs, grads, state, lr, t):
            """Gradient descent with momentum (t = 1 on the first step):

                v ← μv + g   (v = g on the first step),    w ← w − α·v

            The velocity v is a running sum of past gradients: it damps the zig-zag across a valley
            and speeds the walk along it.
            """
            for Wb, g, v in zip(Wbs, grads, state["velocity"]):
                if t == 1:
                    v[...] = g                              # v = g on the first step
                else:
                    v *= MU
                    v += g                                  # v ← μv + g
                Wb -= lr * v                                # w ← w − α·v
        ''',
    "nesterov": '''
        def optimizer_state(Wbs):
            """The velocity v, one array a layer, starting at 0."""
            return {"velocity": [np.zeros_like(Wb) for Wb in Wbs]}


        def update(Wbs, grads, state, lr, t):
            """Nesterov momentum (t = 1 on the first step):

                v ← μv + g   (v = g on the first step),    w ← w − α·(g + μv)

            Like momentum, but the step looks ahead: it uses g + μv, the gradient plus where the
            velocity is about to carry the weights.
            """
            for Wb, g, v in zip(Wbs, grads, state["velocity"]):
                if t == 1:
                    v[...] = g                              # v = g on the first step
                else:
                    v *= MU
                    v += g                                  # v ← μv + g
                Wb -= lr * (g + MU * v)                     # w ← w − α·(g + μv)
        ''',
    "adagrad": '''
        def optimizer_state(Wbs):
            """The sum of squared gradients s, one array a layer, starting at 0."""
            return {"sum_sq": [np.zeros_like(Wb) for Wb in Wbs]}


        def update(Wbs, grads, state, lr, t):
            """Adagrad:  s ← s + g²,   w ← w − α·g / (√s + ε).

            Each weight's step is divided by the root of all its squared gradients so far: weights
            with large gradients slow down, and every step shrinks as s grows.
            """
            for Wb, g, s in zip(Wbs, grads, state["sum_sq"]):
                s += g * g                                  # s ← s + g²
                Wb -= lr * g / (np.sqrt(s) + EPS)           # w ← w − α·g / (√s + ε)
        ''',
    "rmsprop": '''
        def optimizer_state(Wbs):
            """The running mean of squared gradients s, one array a layer, starting at 0."""
            return {"mean_sq": [np.zeros_like(Wb) for Wb in Wbs]}


        def update(Wbs, grads, state, lr, t):
            """RMSprop:  s ← ρs + (1 − ρ)g²,   w ← w − α·g / (√s + ε).

            Each weight's step is divided by the root of a running mean of its squared gradients:
            like adagrad, but old gradients are forgotten, so the steps do not die out.
            """
            for Wb, g, s in zip(Wbs, grads, state["mean_sq"]):
                s *= RHO
                s += (1.0 - RHO) * g * g                    # s ← ρs + (1 − ρ)g²
                Wb -= lr * g / (np.sqrt(s) + EPS)           # w ← w − α·g / (√s + ε)
        ''',
    "adam": '''
        def optimizer_state(Wbs):
            """The running means m (of g) and v (of g²), one array each a layer, starting at 0."""
            return {"m": [np.zeros_like(Wb) for Wb in Wbs], "v": [np.zeros_like(Wb) for Wb in Wbs]}


        def update(Wbs, grads, state, lr, t):
            """Adam (t = 1 on the first step):

                m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²,
                m̂ = m/(1 − β₁ᵗ),   v̂ = v/(1 − β₂ᵗ),   w ← w − α·m̂ / (√v̂ + ε)

            A running mean of the gradients (momentum) divided by the root of a running mean of their
            squares; m̂ and v̂ undo the pull towards 0 of means that start at 0. Computed in PyTorch's
            arrangement, w ← w − (α/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε).
            """
            for Wb, g, m, v in zip(Wbs, grads, state["m"], state["v"]):
                m *= BETA1
                m += (1.0 - BETA1) * g                      # m ← β₁m + (1 − β₁)g
                v *= BETA2
                v += (1.0 - BETA2) * g * g                  # v ← β₂v + (1 − β₂)g²
                step_size = lr / (1.0 - BETA1 ** t)                             # α/(1 − β₁ᵗ)
                denominator = np.sqrt(v) / math.sqrt(1.0 - BETA2 ** t) + EPS    # √v̂ + ε
                Wb -= step_size * m / denominator           # w ← w − α·m̂ / (√v̂ + ε)
        ''',
}


def _optimizer_section(s: _Spec) -> str:
    name, h = s.values["optimizer"], s.hyper
    out = _section("7", f"The optimiser: {name}")
    out += _comment("Backprop computes the gradient g = ∂J/∂w; the optimiser uses it to step the weights. The "
                    "rule acts elementwise, on every weight and bias by itself, and follows PyTorch's "
                    "torch.optim in every detail (first step, bias correction, where ε goes), as gdlab does.")
    constants = {
        "momentum": [("MU", h.get("momentum"), "momentum μ: how much of the velocity carries over")],
        "nesterov": [("MU", h.get("momentum"), "momentum μ: how much of the velocity carries over")],
        "adagrad": [("EPS", h.get("eps"), "ε keeps the division finite")],
        "rmsprop": [("RHO", h.get("alpha"), "ρ, the decay rate of the mean of g² (torch's alpha)"),
                    ("EPS", h.get("eps"), "ε keeps the division finite")],
        "adam": [("BETA1", h.get("beta1"), "β₁, the decay rate of the mean of g"),
                 ("BETA2", h.get("beta2"), "β₂, the decay rate of the mean of g²"),
                 ("EPS", h.get("eps"), "ε keeps the division finite")],
    }.get(name, [])
    # h.get: the table is built for every optimiser, but the entry used names only this one's hyperparameters
    out += _lines([(f"{c} = {_num(cast(float, x))}", note) for c, x, note in constants])
    return out.rstrip("\n") + "\n\n\n" + _code(_UPDATE[name])


# 8. the metric: accuracy or R² -------------------------------------------------------------------
_METRIC = {
    "binary": '''
        def accuracy(y_hat, Y):
            """The share of points classified right:  accuracy = (1/n) Σ [ĉ = c].

            The output ŷ is read as P(class 1): the predicted class is ĉ = 1 where ŷ > 0.5, else 0
            (ŷ = 0.5 exactly counts as class 0). The true class c is the target, 0 or 1.
            """
            predicted = y_hat[0] > 0.5                      # ĉ = [ŷ > 0.5], one a point
            true = Y[0] > 0.5                               # c
            return float(np.count_nonzero(predicted == true)) / Y.shape[1]  # (1/n) Σ [ĉ = c]
        ''',
    "multiclass": '''
        def accuracy(y_hat, Y):
            """The share of points classified right:  accuracy = (1/n) Σ [ĉ = c].

            The predicted class is the output with the largest value, ĉ = argmax_k ŷ_k (on a tie, the
            first); the true class c is where the one-hot target y has its 1.
            """
            predicted = np.argmax(y_hat, axis=0)            # ĉ = argmax_k ŷ_k, down each column (point)
            true = np.argmax(Y, axis=0)                     # c
            return float(np.count_nonzero(predicted == true)) / Y.shape[1]  # (1/n) Σ [ĉ = c]
        ''',
    "regression": '''
        def r_squared(y_hat, Y):
            """The coefficient of determination:  R² = 1 − SS_res/SS_tot,

                SS_res = Σ (y − ŷ)²,  the squared errors left over,
                SS_tot = Σ (y − ȳ)²,  the squared errors of always answering the mean target ȳ.

            When every target is the same (SS_tot = 0), R² is 1 for a perfect fit and 0 otherwise.
            """
            d = y_hat - Y                                   # ŷ − y
            ss_res = float(np.vdot(d, d))                   # SS_res = Σ (y − ŷ)²
            ss_tot = float(np.sum((Y - Y.mean(axis=1, keepdims=True)) ** 2))   # SS_tot = Σ (y − ȳ)²
            if ss_tot == 0.0:
                return 1.0 if ss_res == 0.0 else 0.0
            return 1.0 - ss_res / ss_tot                    # R² = 1 − SS_res/SS_tot
        ''',
}


def _metric_section(s: _Spec) -> str:
    if s.regression:
        out = _section("8", "How good the fit is: R²")
        out += _comment("The cost J is what gradient descent minimises; R² is what a person reads: the share of "
                        "the targets' spread around their mean that the network explains. 1 is a perfect fit, 0 "
                        "is no better than always answering the mean, and below 0 is worse than that. It is "
                        "computed from the output ŷ of the forward pass that gave J, so it costs no extra pass.")
    else:
        out = _section("8", "How good the answers are: the accuracy")
        out += _comment("The cost J is what gradient descent minimises; the accuracy is what a person reads: the "
                        "share of points the network puts in the right class. It is computed from the output ŷ "
                        "of the forward pass that gave J, so it costs no extra pass.")
    return out + "\n\n" + _code(_METRIC[s.task])


# 9. the training loop ----------------------------------------------------------------------------
def _schedule_piece(s: _Spec) -> str:
    v = s.values
    name, k, rate = v["schedule"], v["decay_steps"], _num(v["decay_rate"])
    if name == "constant":
        return ""
    if name == "step":
        return "\n\n" + _lines([(f"DECAY_RATE = {rate}", "α is multiplied by this ..."),
                                (f"DECAY_STEPS = {k}", "... every this many iterations")]) + "\n\n" + _code('''
            def learning_rate(t):
                """Step decay: α_t = α · rate^⌊t/k⌋ at iteration t (t = 0 for the first step)."""
                try:
                    return ALPHA * DECAY_RATE ** (t // DECAY_STEPS)
                except OverflowError:  # a growing rate past the largest float: the run will diverge
                    return math.inf
            ''')
    if name == "exponential":
        return "\n\n" + _lines([(f"DECAY_RATE = {rate}", "α shrinks by this factor ..."),
                                (f"DECAY_STEPS = {k}", "... every this many iterations, smoothly"),
                                ("GAMMA = DECAY_RATE ** (1.0 / DECAY_STEPS)", "γ, the factor per iteration")]
                               ) + "\n\n" + _code('''
            def learning_rate(t):
                """Exponential decay: α_t = α · rate^(t/k) = α · γᵗ at iteration t (t = 0 for the first step)."""
                try:
                    return ALPHA * GAMMA ** t
                except OverflowError:  # a growing rate past the largest float: the run will diverge
                    return math.inf
            ''')
    return "\n\n" + _lines([(f"DECAY_RATE = {rate}", "α_t = α / (1 + rate · t / k)"),
                            (f"DECAY_STEPS = {k}", "k"),
                            ("DECAY = DECAY_RATE / DECAY_STEPS", "d = rate / k")]) + "\n\n" + _code('''
        def learning_rate(t):
            """Inverse-time decay: α_t = α / (1 + d·t) at iteration t (t = 0 for the first step),
            computed as α · (1 / (1 + d·t)), gdlab's order (dividing directly can differ in the last bit)."""
            return ALPHA * (1.0 / (1.0 + DECAY * t))
        ''')


def _docstring(text: str) -> str:
    """A one-paragraph docstring of a function, wrapped, with its quotes."""
    return '    """' + _fill(text)[4:] + '"""\n'


def _training_section(s: _Spec) -> str:
    v = s.values
    out = _section("9", "The training loop")
    rows: list[tuple[str, str] | str] = [
        (f"ALPHA = {_num(v['learning_rate'])}", "the learning rate α"),
        (f"MAX_ITERATIONS = {v['max_iterations']}", "the default of --iterations"),
        (f"DIVERGENCE_FACTOR = {_num(DIVERGENCE_FACTOR)}", "a cost this many times its start has diverged")]
    if "grad_tolerance" in s.convergence_tests:
        rows.append((f"GRAD_TOLERANCE = {_num(v['grad_tolerance'])}", "converged when ‖∂J/∂w‖ falls below this"))
    if "tolerance" in s.convergence_tests:
        rows.append((f"TOLERANCE = {_num(v['tolerance'])}", "... or when J and w stop changing (relative)"))
    if not s.full_batch:
        rows += [(f"BATCH_SIZE = {s.batch_size}", "training points in each gradient"),
                 (f"SHUFFLE_SEED = [{v['seed']}, {v['data_seed']}, 7]", "[weight seed, data seed, 7], as in gdlab")]
    out += _lines(rows) + _schedule_piece(s).rstrip("\n") + "\n"

    cost_of = "zs[-1]" if s.fused else "activations[-1]"
    penalty = " + penalty(Wbs)" if s.regularized else ""
    add_penalty: list[tuple[str, str] | str] = [
        ("add_penalty_gradient(grads, Wbs)", "∂J/∂W_l += the penalty's gradient")] if s.regularized else []
    J = "J = J_data + penalty" if s.regularized else "J"
    score, words = s.metric_function, "the R²" if s.regression else "the accuracy"
    if s.full_batch:
        out += "\n\ndef cost_and_gradients(Wbs, X, Y):\n" + _docstring(
            f"The cost {J} at the weights Wbs, its gradient for every layer by backprop, and {words} of the "
            f"output ŷ that the same forward pass gave.") + _lines(
            ["inputs, zs, activations = forward(Wbs, X)", f"J = cost({cost_of}, Y){penalty}",
             "grads = backward(Wbs, inputs, activations, Y)"] + add_penalty +
            [f"return J, grads, {score}(activations[-1], Y)"], "    ")
    else:
        out += "\n\n" + _code('''
            def mini_batches(n, size, rng):
                """Endless mini-batches of sample numbers: shuffle 0 … n−1, hand them out `size` at a time,
                and shuffle again when fewer than `size` are left (those wait for the next round)."""
                order = np.arange(n)
                while True:
                    rng.shuffle(order)
                    for start in range(0, n - size + 1, size):
                        yield order[start:start + size]
            ''')
        batch_rows: list[tuple[str, str] | str] = [
            "inputs, zs, activations = forward(Wbs, X)", f"J = cost({cost_of}, Y){penalty}",
            (f"score = {score}(activations[-1], Y)", "on all the training points"),
            "inputs, zs, activations = forward(Wbs, X[:, batch])",
            "grads = backward(Wbs, inputs, activations, Y[:, batch])"]
        out += "\n\ndef cost_and_gradients(Wbs, X, Y, batch):\n" + _docstring(
            f"The cost {J} on all the training points and {words} of that pass's output ŷ, and the gradient "
            f"estimated by backprop on one mini-batch only (the columns `batch` of X and Y): stochastic gradient "
            f"descent.") + _lines(batch_rows + add_penalty + ["return J, grads, score"], "    ")
    if s.n_test:
        out += f"\n\ndef test_cost_and_{score}(Wbs, X, Y):\n" + _docstring(
            f"The data cost and {words} on the held-out test points: a forward pass only, no penalty.") + _lines(
            ["inputs, zs, activations = forward(Wbs, X)", f"return cost({cost_of}, Y), {score}(activations[-1], Y)"],
            "    ")
    out += "\n\n" + _code('''
        def diverged(J, J_start, Wbs, iteration):
            """A reason in plain words if the run has diverged, else None."""
            if not math.isfinite(J):
                return (f"the cost became {J} at iteration {iteration}: the steps overshot the minimum and "
                        f"grew until the numbers overflowed. Try a smaller learning rate α.")
            if J > DIVERGENCE_FACTOR * max(1.0, abs(J_start)):
                return (f"the cost grew to {J:.3g} at iteration {iteration}, over {DIVERGENCE_FACTOR:g} times "
                        f"its start: each step overshoots the minimum by more than the last. Try a smaller "
                        f"learning rate α.")
            if not all(np.isfinite(Wb[:-1]).all() for Wb in Wbs):     # the weights (gdlab skips the biases)
                return f"a weight became infinite or NaN at iteration {iteration}. Try a smaller learning rate α."
            return None
        ''')
    tests = s.convergence_tests
    if tests:
        if "grad_tolerance" in tests:
            out += "\n\n" + _code('''
                def gradient_norm(grads):
                    """‖∂J/∂w‖, the length of the gradient over all weights and biases: each layer's length
                    first, then the length of those, as gdlab adds it up."""
                    layer_norms = []
                    for g in grads:
                        gW, gb = g[:-1].ravel(), g[-1]              # ∂J/∂W_l and ∂J/∂b_l
                        layer_norms.append(math.sqrt(float(np.dot(gW, gW)) + float(np.dot(gb, gb))))
                    layer_norms = np.array(layer_norms)
                    return math.sqrt(float(np.dot(layer_norms, layer_norms)))


                def shown_below(value, limit):
                    """value with the fewest significant digits (2 or more) that print it below limit:
                    9.97e-07 under a tolerance of 1e-06, never 1e-06."""
                    for digits in range(2, 18):
                        text = f"{value:.{digits}g}"
                        if float(text) < limit:
                            return text
                    return repr(value)
                ''')
        if "tolerance" in tests:
            out += "\n\n" + _code('''
                def step_and_weight_norms(Wbs, Wbs_before):
                    """‖Δw‖, the length of the last step, and ‖w‖, the length of the weights, over every weight
                    and bias: each layer's sum of squares, added up layer by layer, as gdlab adds them."""
                    step = sum(float(np.sum((Wb - before) ** 2)) for Wb, before in zip(Wbs, Wbs_before))
                    size = sum(float(np.sum(Wb ** 2)) for Wb in Wbs)
                    return math.sqrt(step), math.sqrt(size)         # ‖Δw‖ = √Σ (Δw)²,  ‖w‖ = √Σ w²
                ''')
        body = ""
        if "grad_tolerance" in tests:
            body += _code('''
                grad_norm = gradient_norm(grads)
                if grad_norm < GRAD_TOLERANCE:
                    return (f"the gradient's length fell to {shown_below(grad_norm, GRAD_TOLERANCE)} at iteration "
                            f"{iteration}, below the tolerance {GRAD_TOLERANCE:g}: the weights sit where J is flat "
                            "(a minimum, or a saddle).")
                ''')
        if "tolerance" in tests:
            body += _comment(
                "J has stopped falling when it changed by at most TOLERANCE, relative: |ΔJ| ≤ tol·max(1, |J|). "
                "That alone is not convergence: a step can jump across the minimum to a point of the same cost "
                "(α = 1/L exactly on a parabola gives ΔJ = 0 at every step). So the weights must have stopped "
                "moving too: the last step ‖Δw‖ ≤ √tol·max(1, ‖w‖).") + _code('''
                change = abs(J_previous - J)                        # |ΔJ|
                if change <= TOLERANCE * max(1.0, abs(J)):
                    step, size = step_and_weight_norms(Wbs, Wbs_before)     # ‖Δw‖ and ‖w‖
                    if step <= math.sqrt(TOLERANCE) * max(1.0, size):
                        return (f"the cost changed by only {change:.2g} and the weights by {step:.2g} at "
                                f"iteration {iteration}, below the tolerance: J has stopped falling.")
                ''')
        weights = ", Wbs, Wbs_before" if "tolerance" in tests else ""
        out += (f"\n\ndef converged(J, J_previous, grads{weights}, iteration):\n"
                '    """A reason in plain words if the run has converged, else None."""\n'
                + textwrap.indent(body, "    ") + "    return None\n")
    out += "\n\n" + _train_function(s)
    return out


def _train_function(s: _Spec) -> str:
    v = s.values
    lr = "learning_rate(iteration - 1)" if v["schedule"] != "constant" else "ALPHA"
    alpha = "α_t" if v["schedule"] != "constant" else "α"
    step = f"update(Wbs, grads, state, {lr}, iteration)" if s.stateful else f"update(Wbs, grads, {lr})"
    batch = "" if s.full_batch else ", next(batches)"
    m = s.metric
    score, words = s.metric_function, "the R²" if s.regression else "the accuracy"
    test = f"test_cost_and_{score}(Wbs, X_test, Y_test)"
    rows: list[tuple[str, str] | str] = ["X_train, Y_train = load(TRAIN_POINTS)"]
    if s.n_test:
        rows.append("X_test, Y_test = load(TEST_POINTS)")
    rows.append("Wbs = initial_weights()")
    if s.stateful:
        rows.append("state = optimizer_state(Wbs)")
    if not s.full_batch:
        rows.append("batches = mini_batches(X_train.shape[1], BATCH_SIZE, np.random.default_rng(SHUFFLE_SEED))")
    rows.append(f"J, grads, train_{m} = cost_and_gradients(Wbs, X_train, Y_train{batch})")
    rows.append(f"J_test, test_{m} = {test}" if s.n_test else
                (f"J_test = test_{m} = math.nan", "no test points: nan"))
    rows += [(f"history = [(0, J, J_test, train_{m}, test_{m}, 0.0)]", "row 0: the initial weights, epoch 0"),
             "J_start = J",
             ("for iteration in range(1, max_iterations + 1):", "iteration t = 1, 2, …: one update each")]
    if "tolerance" in s.convergence_tests:
        rows.append(("    Wbs_before = [Wb.copy() for Wb in Wbs]", "the weights before the step, for ‖Δw‖"))
    rows.append((f"    {step}", f"w ← w − {alpha}·g, by the optimiser's rule" if s.values["optimizer"] != "sgd"
                 else f"w ← w − {alpha}·∂J/∂w"))
    if s.convergence_tests:
        rows.append("    J_previous = J")
    rows.append((f"    J, grads, train_{m} = cost_and_gradients(Wbs, X_train, Y_train{batch})",
                 "backprop at the new weights"))
    if s.n_test:
        rows.append((f"    J_test, test_{m} = {test}", "the test points: a forward pass"))
    if s.full_batch:
        rows.append(("    epoch = float(iteration)", "full batch: each iteration is one pass (epoch)"))
    else:
        rows.append(("    epoch = iteration * BATCH_SIZE / X_train.shape[1]", "passes over the training points"))
    rows += [f"    history.append((iteration, J, J_test, train_{m}, test_{m}, epoch))",
             "    reason = diverged(J, J_start, Wbs, iteration)",
             "    if reason is not None:",
             '        return history, "diverged", iteration, reason']
    if s.convergence_tests:
        weights = ", Wbs, Wbs_before" if "tolerance" in s.convergence_tests else ""
        rows += [f"    reason = converged(J, J_previous, grads{weights}, iteration)",
                 "    if reason is not None:",
                 '        return history, "converged", iteration, reason']
    elif not s.full_batch:
        rows.append("    # (gdlab tests mini-batch runs for divergence only: their gradient never settles at 0)")
    rows.append('return history, "max_iterations", max_iterations, f"reached the iteration limit ({max_iterations})."')
    epoch = ("an epoch is one pass over the training points; with full batches every iteration is one" if s.full_batch
             else "an epoch is one pass over the training points: iteration × batch / n")
    return ("def train(max_iterations):\n"
            '    """Gradient descent: backprop computes ∂J/∂w, the optimiser uses it, again and again until\n'
            "    the run converges, diverges or reaches max_iterations.\n\n"
            + _fill(f"Returns the history, rows (iteration, J on the training points, J on the test points, {words} "
                    f"on both, epoch) with row k taken after k updates ({epoch}), and how the run ended: status, "
                    f"iteration and reason.") + "\n"
            '    """\n' + _lines(rows, "    "))


# 10. writing the history -------------------------------------------------------------------------
_OUTPUT = '''
    def history_csv(history, status, iteration, reason):
        """The history as `gdlab run` writes it, floats with repr() so that every digit survives."""
        lines = ["iteration,train_cost,test_cost,train_$metric,test_$metric,epoch"]
        lines += [f"{k},{J!r},{J_test!r},{train_$metric!r},{test_$metric!r},{epoch!r}"
                  for k, J, J_test, train_$metric, test_$metric, epoch in history]
        lines.append(f"# status: {status}; iteration: {iteration}; reason: {reason}")
        return "\\n".join(lines) + "\\n"


    def main():
        parser = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
        parser.add_argument("--iterations", type=int, default=MAX_ITERATIONS, metavar="N",
                            help=f"the iteration limit (default {MAX_ITERATIONS})")
        parser.add_argument("--out", metavar="HISTORY.csv", help="where to write the history (default: print it)")
        args = parser.parse_args()
        if args.iterations < 1:
            parser.error(f"--iterations must be at least 1, got {args.iterations}")
        with np.errstate(all="ignore"):     # a diverging run overflows: the history says so, not numpy warnings
            history, status, iteration, reason = train(args.iterations)
        text = history_csv(history, status, iteration, reason)
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="\\n") as f:
                f.write(text)
        else:
            sys.stdout.write(text)
        print(f"{status} at iteration {iteration}: {reason}", file=sys.stderr)
    '''


def _output_section(s: _Spec) -> str:
    return _section("10", "Writing the history") + "\n" + _code(_OUTPUT, metric=s.metric)


# appendix ----------------------------------------------------------------------------------------
def _rows(s: _Spec, part: _Part) -> list[tuple]:
    X, y, labels = part
    if s.uses_labels and labels is not None:                   # (uses_labels: both parts have labels)
        return [tuple(float(c) for c in x) + (int(label),) for x, label in zip(X, labels)]
    return [tuple(float(c) for c in x) + tuple(float(t) for t in row) for x, row in zip(X, y)]


def _table(rows: list[tuple]) -> str:
    """Points as a list of tuples, one a line, in aligned columns."""
    if not rows:
        return "[]\n"
    cells = [[str(x) if isinstance(x, int) else repr(x) for x in row] for row in rows]
    widths = [max(len(c[j]) for c in cells) + 1 for j in range(len(cells[0]) - 1)]
    lines = ["    (" + " ".join(f"{c[j] + ',':<{w}}" for j, w in enumerate(widths)) + " " + c[-1] + ")," for c in cells]
    return "[\n" + "\n".join(lines) + "\n]\n"


def _appendix(s: _Spec) -> str:
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


# =================================================================================================
# Surface races: K optimiser runs on an analytic cost J(w), stepped together
# =================================================================================================
_SURFACE_CODE = {
    "parabola": """
        def cost(w):
            \"\"\"J(w) = w², for every run at once (w holds one row a run).\"\"\"
            return w[..., 0] ** 2


        def gradient(w):
            \"\"\"dJ/dw = 2w.\"\"\"
            return 2.0 * w
        """,
    "double_well": """
        TILT = 0.3                                          # tilts the double well, so one valley is deeper


        def cost(w):
            \"\"\"J(w) = (w² − 1)² + 0.3·w, for every run at once (w holds one row a run).\"\"\"
            w1 = w[..., 0]
            return (w1 * w1 - 1.0) ** 2 + TILT * w1


        def gradient(w):
            \"\"\"dJ/dw = 4w(w² − 1) + 0.3.\"\"\"
            w1 = w[..., 0]
            return (4.0 * w1 * (w1 * w1 - 1.0) + TILT)[..., None]
        """,
    "one_weight_model": """
        # The model ŷ = w·x fitted by mean squared error to five fixed points (x_i, y_i).
        X = np.array([0.5, 1.0, 1.5, 2.0, 2.5])
        Y = np.array([0.9, 2.1, 2.9, 4.2, 4.9])
        N = len(X)
        SXX, SXY, SYY = float(X @ X), float(X @ Y), float(Y @ Y)    # Σx², Σxy, Σy²


        def cost(w):
            \"\"\"J(w) = 1/(2n) Σ (w·x_i − y_i)² = (w²Σx² − 2wΣxy + Σy²)/(2n), for every run at once.\"\"\"
            w1 = w[..., 0]
            return (w1 * w1 * SXX - 2.0 * w1 * SXY + SYY) / (2 * N)


        def gradient(w):
            \"\"\"dJ/dw = 1/n Σ (w·x_i − y_i)·x_i = (wΣx² − Σxy)/n.\"\"\"
            return ((w[..., 0] * SXX - SXY) / N)[..., None]
        """,
    "bowl": """
        def cost(w):
            \"\"\"J(w) = w₁² + w₂², for every run at once (w holds one row a run).\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            return w1 * w1 + w2 * w2


        def gradient(w):
            \"\"\"∇J = (2w₁, 2w₂).\"\"\"
            return 2.0 * w
        """,
    "elongated_bowl": """
        ELONGATION = 25.0                                   # the valley is 25 times steeper across than along


        def cost(w):
            \"\"\"J(w) = ½(w₁² + 25·w₂²), for every run at once (w holds one row a run).\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            return 0.5 * (w1 * w1 + ELONGATION * w2 * w2)


        def gradient(w):
            \"\"\"∇J = (w₁, 25·w₂).\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            return np.stack(np.broadcast_arrays(w1, ELONGATION * w2), axis=-1)
        """,
    "saddle": """
        def cost(w):
            \"\"\"J(w) = w₁² − w₂², for every run at once (w holds one row a run).\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            return w1 * w1 - w2 * w2


        def gradient(w):
            \"\"\"∇J = (2w₁, −2w₂).\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            return np.stack(np.broadcast_arrays(2.0 * w1, -2.0 * w2), axis=-1)
        """,
    "rosenbrock": """
        A, B = 1.0, 100.0


        def cost(w):
            \"\"\"J(w) = (a − w₁)² + b(w₂ − w₁²)², a = 1, b = 100, for every run at once (one row a run).\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            return (A - w1) ** 2 + B * (w2 - w1 * w1) ** 2


        def gradient(w):
            \"\"\"∇J = (−2(a − w₁) − 4b·w₁(w₂ − w₁²), 2b(w₂ − w₁²)).\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            r = w2 - w1 * w1
            return np.stack(np.broadcast_arrays(-2.0 * (A - w1) - 4.0 * B * w1 * r, 2.0 * B * r), axis=-1)
        """,
    "himmelblau": """
        def cost(w):
            \"\"\"J(w) = (w₁² + w₂ − 11)² + (w₁ + w₂² − 7)², for every run at once (one row a run).\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            return (w1 * w1 + w2 - 11.0) ** 2 + (w1 + w2 * w2 - 7.0) ** 2


        def gradient(w):
            \"\"\"∇J = (4w₁p + 2q, 2p + 4w₂q) with p = w₁² + w₂ − 11, q = w₁ + w₂² − 7.\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            p, q = w1 * w1 + w2 - 11.0, w1 + w2 * w2 - 7.0
            return np.stack(np.broadcast_arrays(4.0 * w1 * p + 2.0 * q, 2.0 * p + 4.0 * w2 * q), axis=-1)
        """,
    "beale": """
        C = (1.5, 2.25, 2.625)


        def cost(w):
            \"\"\"J(w) = Σ_k (c_k − w₁ + w₁w₂ᵏ)², k = 1, 2, 3, for every run at once (one row a run).\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            return sum((c - w1 + w1 * w2 ** k) ** 2 for k, c in enumerate(C, 1))


        def gradient(w):
            \"\"\"∂J/∂w₁ = Σ 2r_k(w₂ᵏ − 1),  ∂J/∂w₂ = Σ 2r_k·k·w₁w₂ᵏ⁻¹,  with r_k = c_k − w₁ + w₁w₂ᵏ.\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            g1 = g2 = 0.0
            for k, c in enumerate(C, 1):
                r = c - w1 + w1 * w2 ** k
                g1 = g1 + 2.0 * r * (w2 ** k - 1.0)
                g2 = g2 + 2.0 * r * k * w1 * w2 ** (k - 1)
            return np.stack(np.broadcast_arrays(g1, g2), axis=-1)
        """,
    "booth": """
        def cost(w):
            \"\"\"J(w) = (w₁ + 2w₂ − 7)² + (2w₁ + w₂ − 5)², for every run at once (one row a run).\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            return (w1 + 2.0 * w2 - 7.0) ** 2 + (2.0 * w1 + w2 - 5.0) ** 2


        def gradient(w):
            \"\"\"∇J = (2p + 4q, 4p + 2q) with p = w₁ + 2w₂ − 7, q = 2w₁ + w₂ − 5.\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            p, q = w1 + 2.0 * w2 - 7.0, 2.0 * w1 + w2 - 5.0
            return np.stack(np.broadcast_arrays(2.0 * p + 4.0 * q, 4.0 * p + 2.0 * q), axis=-1)
        """,
    "six_hump_camel": """
        def cost(w):
            \"\"\"J(w) = (4 − 2.1w₁² + w₁⁴/3)·w₁² + w₁w₂ + (−4 + 4w₂²)·w₂², for every run at once.\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            s1, s2 = w1 * w1, w2 * w2
            return (4.0 - 2.1 * s1 + s1 * s1 / 3.0) * s1 + w1 * w2 + (-4.0 + 4.0 * s2) * s2


        def gradient(w):
            \"\"\"∇J = (8w₁ − 8.4w₁³ + 2w₁⁵ + w₂, w₁ − 8w₂ + 16w₂³).\"\"\"
            w1, w2 = w[..., 0], w[..., 1]
            s1 = w1 * w1
            g1 = 8.0 * w1 - 8.4 * s1 * w1 + 2.0 * s1 * s1 * w1 + w2
            g2 = w1 - 8.0 * w2 + 16.0 * w2 * w2 * w2
            return np.stack(np.broadcast_arrays(g1, g2), axis=-1)
        """,
}

# The optimisers of a race step an array of runs (one row a run) with a column of learning rates.
_RACE_UPDATE = {
    "sgd": """
        def sgd(w, g, state, lr, t):
            \"\"\"Plain gradient descent: w ← w − α·g.\"\"\"
            w -= lr * g
        """,
    "momentum": """
        def momentum(w, g, state, lr, t, mu):
            \"\"\"Momentum: v ← μv + g (v = g on the first step, t = 1), w ← w − α·v.\"\"\"
            v = state.setdefault("velocity", np.zeros_like(w))
            if t == 1:
                v[...] = g                                  # v = g on the first step
            else:
                v *= mu
                v += g                                      # v ← μv + g
            w -= lr * v                                     # w ← w − α·v
        """,
    "nesterov": """
        def nesterov(w, g, state, lr, t, mu):
            \"\"\"Nesterov momentum: v ← μv + g (v = g on the first step, t = 1), w ← w − α·(g + μv).\"\"\"
            v = state.setdefault("velocity", np.zeros_like(w))
            if t == 1:
                v[...] = g                                  # v = g on the first step
            else:
                v *= mu
                v += g                                      # v ← μv + g
            w -= lr * (g + mu * v)                          # w ← w − α·(g + μv)
        """,
    "adagrad": """
        def adagrad(w, g, state, lr, t, eps):
            \"\"\"Adagrad: s ← s + g², w ← w − α·g / (√s + ε); the steps shrink as the g² add up.\"\"\"
            s = state.setdefault("sum_sq", np.zeros_like(w))
            s += g * g                                      # s ← s + g²
            w -= lr * g / (np.sqrt(s) + eps)                # w ← w − α·g / (√s + ε)
        """,
    "rmsprop": """
        def rmsprop(w, g, state, lr, t, rho, eps):
            \"\"\"RMSprop: s ← ρs + (1 − ρ)g², w ← w − α·g / (√s + ε); s forgets old gradients.\"\"\"
            s = state.setdefault("mean_sq", np.zeros_like(w))
            s *= rho
            s += (1.0 - rho) * g * g                        # s ← ρs + (1 − ρ)g²
            w -= lr * g / (np.sqrt(s) + eps)                # w ← w − α·g / (√s + ε)
        """,
    "adam": """
        def adam(w, g, state, lr, t, beta1, beta2, eps):
            \"\"\"Adam: m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,  m̂ = m/(1 − β₁ᵗ),
            v̂ = v/(1 − β₂ᵗ),  w ← w − α·m̂ / (√v̂ + ε); computed in PyTorch's arrangement, as gdlab does.\"\"\"
            m = state.setdefault("m", np.zeros_like(w))
            v = state.setdefault("v", np.zeros_like(w))
            m *= beta1
            m += (1.0 - beta1) * g                          # m ← β₁m + (1 − β₁)g
            v *= beta2
            v += (1.0 - beta2) * g * g                      # v ← β₂v + (1 − β₂)g²
            step_size = lr / (1.0 - beta1 ** t)                             # α/(1 − β₁ᵗ)
            denominator = np.sqrt(v) / math.sqrt(1.0 - beta2 ** t) + eps    # √v̂ + ε
            w -= step_size * m / denominator                # w ← w − α·m̂ / (√v̂ + ε)
        """,
}
_RACE_HYPER = {"momentum": {"momentum": "mu"}, "nesterov": {"momentum": "mu"}, "adagrad": {"eps": "eps"},
               "rmsprop": {"alpha": "rho", "eps": "eps"}, "adam": {"beta1": "beta1", "beta2": "beta2", "eps": "eps"}}
_SCHEDULE_BRANCH = {
    "constant": ('if kind == "constant":', "return 1.0", "α_t = α"),
    "step": ('if kind == "step":', "return rate ** (t // k)", "α_t = α · rate^⌊t/k⌋"),
    "exponential": ('if kind == "exponential":', "return (rate ** (1.0 / k)) ** t", "α_t = α · γᵗ, γ = rate^(1/k)"),
    "inverse_time": ('if kind == "inverse_time":', "return 1.0 / (1.0 + (rate / k) * t)", "α_t = α / (1 + (rate/k)·t)"),
}


def _race_groups(race: SurfaceRace) -> list[tuple[list[int], dict[str, Any]]]:
    """The runs that step together, as gdlab groups them: same optimiser, settings and schedule."""
    out = []
    for idx, opt, _ in race._groups:
        out.append(([int(i) for i in idx], race.runs[int(idx[0])] | {"hyper": dict(opt.hyper), "name": opt.name}))
    return out


def _surface_script(experiment: Experiment, command: str | None, filename: str | None) -> str:
    from .training import SurfaceRace

    race = SurfaceRace(experiment)
    v = experiment.values
    surface = race.surface
    d = surface.dim
    groups = _race_groups(race)
    filename = filename or (re.sub(r"[^\w.-]+", "_", experiment.name).strip("._") or "experiment") + ".py"
    command = command or experiment.name
    it = v["max_iterations"]
    start = ", ".join(_g(x) for x in race.start_point)

    def run_words(r: dict[str, Any]) -> str:
        h = {"momentum": f"μ = {_g(r['momentum'])}, ", "nesterov": f"μ = {_g(r['momentum'])}, ",
             "rmsprop": f"ρ = {_g(r['rmsprop_alpha'])}, ",
             "adam": f"β₁ = {_g(r['beta1'])}, β₂ = {_g(r['beta2'])}, "}.get(r["optimizer"], "")
        sched = "" if r["schedule"] == "constant" else f", {_schedule_words(r)}"
        label = "" if r["label"].split(" ")[0] == r["optimizer"] else f"{r['label']}: "
        return f"{label}{r['optimizer']} ({h}α = {_g(r['learning_rate'])}{sched})"

    runs = "\n               ".join(run_words(r) for r in race.runs)
    description = "\n\n".join(textwrap.fill(p.strip(), _WIDTH, break_on_hyphens=False)
                              for p in experiment.description.split("\n\n") if p.strip())
    title = experiment.name + (f": {experiment.summary}" if experiment.summary else "")
    doc = f"""{title}

{description}

This script is that whole experiment written out in numpy, exported by gdlab ("Show me the numpy"):

    surface    {surface.title}: J(w) = {surface.formula}
    start      w = ({start}), for every run
    runs       {runs}
    training   at most {it} iterations; each run stops when it converges or diverges

Run it with nothing but Python and numpy:

    python {filename} --iterations {it} --out history.csv

It writes the same history file, value for value, as

    gdlab run {command} --iterations {it} --out history.csv

does: one row per iteration (each run's cost and weights), then a last line saying how the race
ended and why.

Here there is no network and no data: J(w) is a formula of {"one weight" if d == 1 else "two weights"}, and its gradient ∂J/∂w
is worked out by hand (no backprop needed). Every run is gradient descent from the same start
with its own optimiser and learning rate α; the weights of all runs are the rows of one array w,
so one call of cost(w) or gradient(w) serves the whole race.
"""
    doc = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in _docstring_safe(doc).splitlines()))
    out = f'#!/usr/bin/env python3\n"""{doc}\n"""\nimport argparse\nimport math\nimport sys\n\nimport numpy as np\n'

    out += _section("1", f"The cost surface: {surface.title}")
    out += "\n" + _code(_SURFACE_CODE[surface.name])

    used = list(dict.fromkeys(g["name"] for _, g in groups))
    out += _section("2", "The optimiser" + ("s" if len(used) > 1 else ""))
    out += _comment("Each rule steps an array of runs (one row a run) with a column of learning rates α, one a "
                    "row, elementwise, as in PyTorch's torch.optim (first step, bias correction, where ε goes). "
                    "t counts the steps, 1 on the first. The state (running averages) starts empty.")
    out += "".join("\n\n" + _code(_RACE_UPDATE[name]) for name in used)

    kinds = list(dict.fromkeys(g["schedule"] for _, g in groups))
    out += _section("3", "The runs")
    out += _lines([(f"START = [{', '.join(_num(x) for x in race.start_point)}]", "every run starts here"),
                   f"LABELS = {[r['label'] for r in race.runs]!r}",
                   (f"ALPHAS = np.array([{', '.join(_num(r['learning_rate']) for r in race.runs)}])",
                    "each run's learning rate α")])
    scheduled = kinds != ["constant"]
    out += _comment("Runs with the same optimiser and settings step together: their rows of w are updated by "
                    "one call, with a column of their learning rates." +
                    (" A schedule (kind, rate, k) scales α over the iterations." if scheduled else ""))
    lines = ["GROUPS = ["]
    for idx, g in groups:
        hyper = ", ".join(f'"{_RACE_HYPER[g["name"]][k]}": {_num(x)}' for k, x in g["hyper"].items())
        line = f'    {{"runs": {idx}, "update": {g["name"]}, "hyper": {{{hyper}}}'
        if scheduled:
            sched = ('"schedule": ("constant", None, None)' if g["schedule"] == "constant" else
                     f'"schedule": ("{g["schedule"]}", {_num(g["decay_rate"])}, {g["decay_steps"]})')
            line += f",\n     {sched}" if len(line) + len(sched) > _MAX_LINE - 4 else f", {sched}"
        lines.append(line + "},")
    lines.append("]")
    out += "\n".join(lines) + "\n"
    if scheduled:
        branches = "".join(f"    {a}\n        {b:<44}# {c}\n" for a, b, c in (_SCHEDULE_BRANCH[k] for k in kinds))
        out += ("\n\ndef learning_rate_factor(schedule, t):\n"
                '    """α_t / α at iteration t (t = 0 for the first step) for a schedule (kind, rate, k)."""\n'
                "    try:\n        return _factor(schedule, t)\n"
                "    except OverflowError:  # a growing rate past the largest float: those runs will diverge\n"
                "        return math.inf\n\n\n"
                "def _factor(schedule, t):\n"
                "    kind, rate, k = schedule\n" + branches +
                '    raise ValueError(f"unknown schedule {kind}")\n')

    out += _section("4", "The race (the training loop)")
    out += _lines([(f"MAX_ITERATIONS = {it}", "the default of --iterations"),
                   (f"DIVERGENCE_FACTOR = {_num(DIVERGENCE_FACTOR)}", "a cost this many times its start has diverged"),
                   (f"GRAD_TOLERANCE = {_num(v['grad_tolerance'])}", "converged when ‖∂J/∂w‖ falls below this (0: off)"),
                   (f"TOLERANCE = {_num(v['tolerance'])}", "... or when J and w stop changing (0: off)")])
    lr = ('ALPHAS[runs][:, None] * learning_rate_factor(group["schedule"], iteration - 1)' if scheduled else
          "ALPHAS[runs][:, None]")
    lr_comment = "    # α of these runs, a column" if not scheduled else ""
    loop = _code(_RACE_LOOP, lr=lr, lr_comment=lr_comment)
    if scheduled:  # the line is long: its comment goes above it
        loop = loop.replace("            lr = ALPHAS", "            # α_t of these runs, a column (one row a run)\n"
                                                      "            lr = ALPHAS")
    out += "\n\n" + loop
    out += _section("5", "Writing the history") + "\n" + _code(_RACE_OUTPUT, d=d)
    out += '\n\nif __name__ == "__main__":\n    main()\n'
    return re.sub(r"\n{4,}", "\n\n\n", out)


_RACE_LOOP = """
    def shown_below(value, limit):
        \"\"\"value with the fewest significant digits (2 or more) that print it below limit: 9.97e-07
        under a tolerance of 1e-06, never 1e-06.\"\"\"
        for digits in range(2, 18):
            text = f"{value:.{digits}g}"
            if float(text) < limit:
                return text
        return repr(value)

    def stopping_reason(k, J, J_previous, J_start, w, grad_norm, step, size, iteration):
        \"\"\"(status, reason in plain words) if run k stops at this iteration, else None.

        grad_norm, step and size hold ‖∂J/∂w‖, ‖Δw‖ (the length of the last step) and ‖w‖ of every run.
        \"\"\"
        if not math.isfinite(J[k]):
            return "diverged", (f"the cost became {J[k]} at iteration {iteration}: the steps overshot the minimum "
                                f"and grew until the numbers overflowed. Try a smaller learning rate α.")
        if J[k] > DIVERGENCE_FACTOR * max(1.0, abs(J_start[k])):
            return "diverged", (f"the cost grew to {J[k]:.3g} at iteration {iteration}, over {DIVERGENCE_FACTOR:g} "
                                f"times its start: each step overshoots the minimum by more than the last. Try a "
                                f"smaller learning rate α.")
        if not np.isfinite(w[k]).all():
            return "diverged", f"a weight became infinite or NaN at iteration {iteration}."
        if GRAD_TOLERANCE > 0 and grad_norm[k] < GRAD_TOLERANCE:
            return "converged", (f"the gradient's length fell to {shown_below(grad_norm[k], GRAD_TOLERANCE)} at "
                                 f"iteration {iteration}, below the tolerance {GRAD_TOLERANCE:g}: the weights sit "
                                 f"where J is flat (a minimum, or a saddle).")
        # J has stopped falling when |ΔJ| ≤ tol·max(1, |J|); and the weights must have stopped moving too,
        # ‖Δw‖ ≤ √tol·max(1, ‖w‖): a step can jump across the minimum to a point of the same cost (α = 1/L
        # exactly on a parabola, w → −w, gives ΔJ = 0 at every step) without converging.
        change = abs(J_previous[k] - J[k])              # |ΔJ|
        if (TOLERANCE > 0 and change <= TOLERANCE * max(1.0, abs(J[k]))
                and step[k] <= math.sqrt(TOLERANCE) * max(1.0, size[k])):
            return "converged", (f"the cost changed by only {change:.2g} and the weights by {step[k]:.2g} at "
                                 f"iteration {iteration}, below the tolerance: J has stopped falling.")
        return None


    def race(max_iterations):
        \"\"\"Every run takes gradient-descent steps from START until it converges or diverges (then it
        stays where it stopped) or the race reaches max_iterations.

        Returns the history, a list of (J of every run, w of every run) with row k taken after k
        steps, and the final iteration with each run's status and reason.
        \"\"\"
        w = np.empty((len(LABELS), len(START)))
        w[:] = START                                    # one row a run
        states = [{} for _ in GROUPS]
        J, g = cost(w), gradient(w)
        history = [(J.copy(), w.copy())]
        J_start = J.copy()
        status, reasons = ["running"] * len(LABELS), [""] * len(LABELS)
        active = np.ones(len(LABELS), dtype=bool)
        for iteration in range(1, max_iterations + 1):
            stopped = ~active
            frozen = w[stopped]
            w_previous = w.copy()                       # the weights before the step, for ‖Δw‖
            for group, state in zip(GROUPS, states):
                runs = group["runs"]
                lr = $lr$lr_comment
                w_runs = w[runs]
                group["update"](w_runs, g[runs], state, lr, iteration, **group["hyper"])  # the optimiser's step
                w[runs] = w_runs
            w[stopped] = frozen                         # stopped runs stay where they stopped
            J_previous = J
            J, g = cost(w), gradient(w)                 # J and ∂J/∂w at the new weights
            history.append((J.copy(), w.copy()))
            grad_norm = np.sqrt(np.einsum("kd,kd->k", g, g))   # ‖∂J/∂w‖ of every run
            dw = w - w_previous                         # Δw, the last step of every run
            step = np.sqrt(np.einsum("kd,kd->k", dw, dw))       # ‖Δw‖ of every run
            size = np.sqrt(np.einsum("kd,kd->k", w, w))         # ‖w‖ of every run
            for k in np.flatnonzero(active):
                stop = stopping_reason(k, J, J_previous, J_start, w, grad_norm, step, size, iteration)
                if stop is not None:
                    status[k], reasons[k] = stop
                    active[k] = False
            if not active.any():
                return history, iteration, status, reasons
        for k in np.flatnonzero(active):
            status[k], reasons[k] = "max_iterations", f"reached the iteration limit ({max_iterations})."
        return history, max_iterations, status, reasons


    def summary(status, reasons):
        \"\"\"The race's status and reason, in gdlab's words.\"\"\"
        if len(LABELS) == 1:
            return status[0], reasons[0]
        kinds = set(status)
        overall = status[0] if len(kinds) == 1 else "finished"
        parts = " ".join(f"{label}: {s} ({why})" for label, s, why in zip(LABELS, status, reasons))
        return overall, (f"every run {overall}. " if len(kinds) == 1 else "all runs stopped. ") + parts
    """

_RACE_OUTPUT = """
    def history_csv(history, iteration, status, reasons):
        \"\"\"The history as `gdlab run` writes it, floats with repr() so that every digit survives.\"\"\"
        names = ["iteration"]
        for k in range(len(LABELS)):
            names += [f"run{k + 1}_cost"] + [f"run{k + 1}_w{i + 1}" for i in range($d)]
        lines = [",".join(names)]
        for row, (J, w) in enumerate(history):
            cells = [str(row)]
            for k in range(len(LABELS)):
                cells += [repr(float(J[k]))] + [repr(float(x)) for x in w[k]]
            lines.append(",".join(cells))
        overall, reason = summary(status, reasons)
        lines.append(f"# status: {overall}; iteration: {iteration}; reason: {reason}")
        return "\\n".join(lines) + "\\n", overall, reason


    def main():
        parser = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
        parser.add_argument("--iterations", type=int, default=MAX_ITERATIONS, metavar="N",
                            help=f"the iteration limit (default {MAX_ITERATIONS})")
        parser.add_argument("--out", metavar="HISTORY.csv", help="where to write the history (default: print it)")
        args = parser.parse_args()
        if args.iterations < 1:
            parser.error(f"--iterations must be at least 1, got {args.iterations}")
        with np.errstate(all="ignore"):     # a diverging run overflows: the history says so, not numpy warnings
            history, iteration, status, reasons = race(args.iterations)
        text, overall, reason = history_csv(history, iteration, status, reasons)
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="\\n") as f:
                f.write(text)
        else:
            sys.stdout.write(text)
        print(f"{overall} at iteration {iteration}: {reason}", file=sys.stderr)
    """


# -- the public API -------------------------------------------------------------------------------
def export_code(experiment: Experiment, command: str | None = None, filename: str | None = None) -> str:
    """The text of a standalone numpy script that trains ``experiment`` exactly as ``gdlab run`` does.

    A network experiment becomes data, network, forward pass, backprop, optimiser and training
    loop; a surface experiment (a race of optimisers on an analytic cost J(w)) becomes the cost
    and its gradient, the optimisers of its runs and the race loop. ``command`` is what the
    script's docstring quotes after ``gdlab run`` (default: the experiment's name) and
    ``filename`` the name it is run by (default: the name plus ``.py``).
    """
    if isinstance(experiment, Experiment) and experiment.kind != NETWORK:
        text = _surface_script(experiment, command, filename)
        compile(text, filename or "race.py", "exec")
        return text
    spec, run = _read(experiment, command, filename)
    _check_embedding(spec, run)
    text = "".join([_header(spec), _data_section(spec), _network_section(spec), _activation_section(spec),
                    _cost_section(spec), _forward_section(spec), _backward_section(spec),
                    _optimizer_section(spec), _metric_section(spec), _training_section(spec),
                    _output_section(spec), _appendix(spec),
                    '\n\nif __name__ == "__main__":\n    main()\n'])
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    compile(text, spec.filename, "exec")  # a generator bug shows up here, not in the user's terminal
    return text


def write_code(experiment: Experiment, path: str | os.PathLike, command: str | None = None) -> Path:
    """Write :func:`export_code`'s script to ``path`` atomically (temp file, then rename)."""
    return atomic_write_text(path, export_code(experiment, command, filename=Path(path).name))


def _check_embedding(s: _Spec, run: NetworkRun) -> None:
    """The points, rebuilt from their lines as the script rebuilds them, are exactly gdlab's arrays."""
    for part, X_ref, Y_ref in ((s.train, run.X_train, run.Y_train), (s.test, run.X_test, run.Y_test)):
        rows = _rows(s, part)
        if not rows:
            continue
        X = np.array([r[:s.d] for r in rows])
        if s.uses_labels:
            Y = np.array([[float(r[-1])] for r in rows]) if s.k == 1 else np.eye(s.k)[[r[-1] for r in rows]]
        else:
            Y = np.array([r[s.d:] for r in rows])
        if s.features != ["x"]:
            X = expand_features(X, s.features)
        if not (_same_bits(X, np.asarray(X_ref)) and _same_bits(Y, np.asarray(Y_ref))):
            raise RuntimeError("export-code: the embedded data would differ from the data gdlab trains on "
                               "(a bug in gdlab.core.codegen; please report it)")
