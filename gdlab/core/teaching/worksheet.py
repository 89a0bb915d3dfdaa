"""A worksheet: one iteration of a tiny network, every number written out, to compute by hand.

A student follows one sample through a small network (by default 2-2-1 with sigmoid neurons and
weights of two decimals) and writes down every number of one gradient-descent iteration. The
numbers come from the core's own :class:`~gdlab.core.nn.network.MLP` (``loss_and_gradients`` on the
one sample) and its own ``sgd`` optimiser, never from a second implementation; the steps only
spell them out. Notation (layers l = 1 … L, neuron i of layer l−1 feeds neuron j of layer l):

    1. forward    z_j⁽ˡ⁾ = Σ_i w_ij⁽ˡ⁾ a_i⁽ˡ⁻¹⁾ + b_j⁽ˡ⁾,   a_j⁽ˡ⁾ = f(z_j⁽ˡ⁾),   a⁽⁰⁾ = x,  ŷ = a⁽ᴸ⁾
                  σ(z) = 1/(1 + exp(−z)),  tanh z,  max(0, z),  z
                  softmax (output): ŷ_k = exp(z_k) / Σ_j exp(z_j)
    2. cost       mse: J = ½ Σ_k (ŷ_k − y_k)²     bce: J = −Σ_k [y_k ln ŷ_k + (1 − y_k) ln(1 − ŷ_k)]
                  cross-entropy: J = −Σ_k y_k ln ŷ_k     (the core's 1/(2n)·Σ and 1/n·Σ with n = 1 sample)
    3. backward   δ_j⁽ᴸ⁾ = ∂J/∂z_j⁽ᴸ⁾ = (ŷ_j − y_j)·f′(z_j⁽ᴸ⁾)   (mse);
                  = ŷ_j − y_j   (bce after a sigmoid, cross-entropy after a softmax)
                  δ_i⁽ˡ⁾ = f′(z_i⁽ˡ⁾) · Σ_j w_ij⁽ˡ⁺¹⁾ δ_j⁽ˡ⁺¹⁾        σ′(z) = a(1 − a),  tanh′ = 1 − a²
                  ∂J/∂w_ij⁽ˡ⁾ = a_i⁽ˡ⁻¹⁾ · δ_j⁽ˡ⁾,   ∂J/∂b_j⁽ˡ⁾ = δ_j⁽ˡ⁾
    4. update     w ← w − α·∂J/∂w,   b ← b − α·∂J/∂b

:func:`make_worksheet` gives a :class:`Worksheet`: the numbers as arrays and the worked
:class:`Step` list, each (section, equation with symbols, equation with numbers, result). The
arrays are the MLP's exact numbers; each step's result is computed, as a student computes it, from
the numbers the step prints: the given ones and the results of the lines before rounded as printed
(4 decimals; 3 significant digits below 0.01). So the worked sheet and the key are what a student
who follows the sheet's instructions writes, and they differ from the exact numbers only by that
rounding.
:func:`worksheet_from_run` makes one from a run's current weights, rounded so they can be
computed with by hand.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..nn.network import MLP
from ..optim.optimizers import make_optimizer
from .hand_arithmetic import evaluate, read_number
from .worksheet_notation import (
    DECIMALS,
    Step,
    Value,
    a_symbol,
    b_symbol,
    delta_symbol,
    fmt,
    fmt_given,
    sub,
    sup,
    w_symbol,
    y_symbol,
    z_symbol,
)

if TYPE_CHECKING:
    from ..run.training import NetworkRun

FORWARD, COST, BACKWARD, UPDATE = "forward", "cost", "backward", "update"
SECTIONS = {FORWARD: "1. Forward pass", COST: "2. The cost", BACKWARD: "3. Backward pass", UPDATE: "4. The update"}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
OUTPUT_ACTIVATIONS = ("sigmoid", "tanh", "linear", "softmax")
LOSSES = ("mse", "bce", "cross_entropy")
MAX_NEURONS = 4          # per layer: a page holds the steps of a small network only
MAX_LAYERS = 3           # weight layers

# the classic worked example (Mazur's numbers, with one output): inputs, weights, target, α
DEFAULT_X = (0.05, 0.10)
DEFAULT_Y = (0.01,)
DEFAULT_W = (((0.15, 0.25), (0.20, 0.30)), ((0.40,), (0.45,)))
DEFAULT_B = ((0.35, 0.35), (0.60,))
DEFAULT_LR = 0.5

# the notation is re-exported: the PDF writer and the tests take it from here
__all__ = ["BACKWARD", "COST", "DECIMALS", "FORWARD", "SECTIONS", "UPDATE", "Step", "Value", "Worksheet", "a_symbol",
           "b_symbol", "delta_symbol", "file_stem", "fmt", "fmt_given", "make_worksheet", "sub", "sup", "w_symbol",
           "worksheet_from_run", "z_symbol"]


@dataclass
class Worksheet:
    """Every number of one iteration on one sample, and the worked steps (see the module docstring).

    Per layer l = 1 … L (list index l − 1): ``z``, ``a`` (``a[0]`` is x), ``delta`` of shape (k_l,);
    ``W`` (fan_in, fan_out) and ``b`` before, ``dW``/``db`` the gradients, ``W_new``/``b_new`` after.
    """

    layer_sizes: list[int]
    activation_names: list[str]
    loss: str
    x: np.ndarray
    y: np.ndarray
    W: list[np.ndarray]
    b: list[np.ndarray]
    learning_rate: float
    z: list[np.ndarray]
    a: list[np.ndarray]
    y_hat: np.ndarray
    J: float
    delta: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]
    W_new: list[np.ndarray]
    b_new: list[np.ndarray]
    J_new: float                     # the cost at the updated weights (did it fall?)
    steps: list[Step] = field(default_factory=list)
    title: str = ""
    source: str = ""                 # where the weights came from, in words

    @property
    def num_layers(self) -> int:
        return len(self.W)

    def given(self) -> list[tuple[str, float]]:
        """(symbol, value) of everything the sheet gives: x, y, every w and b, and α."""
        out = [(f"x{sub(i + 1)}", float(v)) for i, v in enumerate(self.x)]
        out += [(y_symbol(k, len(self.y)), float(v)) for k, v in enumerate(self.y)]
        for l, (W, b) in enumerate(zip(self.W, self.b), start=1):
            out += [(w_symbol(l, i, j), float(W[i, j])) for i in range(W.shape[0]) for j in range(W.shape[1])]
            out += [(b_symbol(l, j), float(b[j])) for j in range(len(b))]
        out.append(("α", float(self.learning_rate)))
        return out

    def steps_of(self, section: str) -> list[Step]:
        return [s for s in self.steps if s.section == section]


# -- building -------------------------------------------------------------------------------------
def _check(sizes: list[int], hidden: str, output: str, loss: str) -> None:
    if len(sizes) < 2 or len(sizes) - 1 > MAX_LAYERS or max(sizes) > MAX_NEURONS or min(sizes) < 1:
        raise ValueError(f"a worksheet needs a tiny network: at most {MAX_LAYERS} weight layers of at most "
                         f"{MAX_NEURONS} neurons each, got {'-'.join(map(str, sizes))}")
    if hidden not in HIDDEN_ACTIVATIONS:
        raise ValueError(f"worksheets cover hidden activations {', '.join(HIDDEN_ACTIVATIONS)}, not {hidden}")
    if output not in OUTPUT_ACTIVATIONS:
        raise ValueError(f"worksheets cover output activations {', '.join(OUTPUT_ACTIVATIONS)}, not {output}")
    if loss not in LOSSES:
        raise ValueError(f"worksheets cover the losses {', '.join(LOSSES)}, not {loss}")
    if loss == "bce" and output != "sigmoid":
        raise ValueError("bce needs a sigmoid output")
    if (loss == "cross_entropy") != (output == "softmax"):
        raise ValueError("a softmax output goes with the cross-entropy cost, and only with it")
    if output == "softmax" and sizes[-1] < 2:
        raise ValueError("a softmax output needs at least 2 output neurons")


def make_worksheet(x: ArrayLike = DEFAULT_X, y: ArrayLike = DEFAULT_Y,
                   weights: Sequence[Any] = DEFAULT_W, biases: Sequence[Any] = DEFAULT_B,
                   learning_rate: float = DEFAULT_LR, hidden_activation: str = "sigmoid",
                   output_activation: str = "sigmoid", loss: str = "mse", title: str = "",
                   source: str = "") -> Worksheet:
    """One iteration of gradient descent on one sample (x, y), computed by the core's MLP.

    ``weights[l]`` has shape (fan_in, fan_out), ``biases[l]`` shape (fan_out,), as in
    :class:`~gdlab.core.nn.network.MLP`. The defaults are a 2-2-1 sigmoid network with mse.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    W = [np.array(w, dtype=np.float64, ndmin=2) for w in weights]
    b = [np.asarray(v, dtype=np.float64).reshape(-1) for v in biases]
    sizes = [len(x)] + [w.shape[1] for w in W]
    _check(sizes, hidden_activation, output_activation, loss)
    if len(b) != len(W) or any(w.shape != (sizes[l], sizes[l + 1]) or len(b[l]) != sizes[l + 1]
                               for l, w in enumerate(W)):
        raise ValueError(f"weights and biases do not fit the layer sizes {sizes}")
    if len(y) != sizes[-1]:
        raise ValueError(f"the network has {sizes[-1]} output(s) but the target has {len(y)} number(s)")
    if not (isinstance(learning_rate, (int, float)) and math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"the learning rate must be a number > 0, got {learning_rate!r}")

    net = MLP(sizes, hidden_activation=hidden_activation, output_activation=output_activation, init="zeros")
    net.weights = W
    net.biases = b
    with np.errstate(all="ignore"):
        J, gW, gb = net.loss_and_gradients(x[None, :], y[None, :], loss)   # backprop on the one sample
    z = [zz[0].copy() for zz in net.zs]
    a = [x.copy()] + [aa[0].copy() for aa in net.activations[1:]]
    delta = [d[0].copy() for d in net.deltas]
    dW, db = [g.copy() for g in gW], [g.copy() for g in gb]
    after = net.copy()
    make_optimizer("sgd", float(learning_rate)).step(after.params, [g for pair in zip(dW, db) for g in pair])
    with np.errstate(all="ignore"):
        J_new = after.cost(x[None, :], y[None, :], loss)
    names = [f.name for f in net.layer_activations]
    sheet = Worksheet(layer_sizes=sizes, activation_names=names, loss=loss, x=x, y=y,
                      W=[w.copy() for w in W], b=[v.copy() for v in b], learning_rate=float(learning_rate),
                      z=z, a=a, y_hat=a[-1].copy(), J=float(J), delta=delta, dW=dW, db=db,
                      W_new=[w.copy() for w in after.weights], b_new=[v.copy() for v in after.biases],
                      J_new=float(J_new), title=title or f"One iteration of backpropagation and gradient descent: "
                                                           f"a {'-'.join(map(str, sizes))} network",
                      source=source)
    sheet.steps = _steps(sheet)
    return sheet


def worksheet_from_run(run: NetworkRun, sample: int = 0, decimals: int = 2) -> Worksheet:
    """A worksheet for a :class:`~gdlab.core.run.training.NetworkRun`'s current weights and one of its
    training samples, every given number rounded to ``decimals`` decimals (so it can be computed by
    hand); the iteration is then computed exactly from those rounded numbers."""
    model = run.model
    hidden = model.hidden_activation.name
    output = model.output_activation.name
    index = int(sample) % len(run.X_train)
    x = np.round(run.X_train[index], decimals)
    y = np.round(run.Y_train[index], decimals)
    lr = float(run.schedule(run.base_lr, run.iteration))
    return make_worksheet(x, y, [np.round(w, decimals) for w in model.weights],
                          [np.round(v, decimals) for v in model.biases],
                          learning_rate=float(np.round(lr, max(decimals, 4))) or lr,
                          hidden_activation=hidden, output_activation=output, loss=run.loss,
                          source=f"{run.experiment.name or 'this run'}, iteration {run.iteration}, training sample "
                                 f"{index + 1}; numbers rounded to {decimals} decimals")


def file_stem(name: str) -> str:
    """An experiment's name made safe as the start of a file name: letters, digits, '.', '-' and
    '_' kept, anything else (a path separator, a space, a control character) becomes '_'; no
    leading dot; at most 64 characters; 'worksheet' if nothing is left."""
    stem = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in name)[:64].lstrip(".")
    return stem if stem.strip("_") else "worksheet"


# -- the steps ------------------------------------------------------------------------------------
def printed(value: float) -> float:
    """``value`` as the sheet prints it (:func:`fmt`), read back: what a student carries forward."""
    return read_number(fmt(value))


def _activation_parts(name: str, z: Value, layer_z: list[Value]) -> tuple[str, list[Any]]:
    """a = f(z): the formula in symbols and its numbers (``layer_z``: every z of the layer, for softmax)."""
    zs = z.symbol
    if name == "sigmoid":
        if z.value >= 0:
            return f"σ({zs}) = 1 / (1 + exp(−{zs}))", ["1 / (1 + exp(−", z, "))"]
        return f"σ({zs}) = 1 / (1 + exp(−{zs}))", ["1 / (1 + exp(", Value(-z.value, z.symbol), "))"]
    if name == "tanh":
        return f"tanh({zs})", ["tanh(", z, ")"]
    if name == "relu":
        return f"max(0, {zs})", ["max(0, ", z, ")"]
    if name == "softmax":
        total_sym = " + ".join(f"exp({v.symbol})" for v in layer_z)
        parts: list[Any] = ["exp(", z, ") / ("]
        for k, v in enumerate(layer_z):
            parts += ([" + "] if k else []) + ["exp(", v, ")"]
        return f"exp({zs}) / ({total_sym})", parts + [")"]
    return zs, [z]                                                  # linear: a = z


def _derivative_parts(name: str, a: Value, z: Value) -> tuple[str, list[Any], str]:
    """f′(z) in symbols (written with a = f(z) where it can be), its numbers, and a hint."""
    s = a.symbol
    bracketed = Value(a.value, a.symbol, a.given, bracket=True)      # after an operator or under a power
    if name == "sigmoid":
        return f"{s}(1 − {s})", [a, " × (1 − ", bracketed, ")"], "σ′(z) = σ(z)(1 − σ(z)) = a(1 − a)"
    if name == "tanh":
        return f"(1 − {s}²)", ["(1 − ", bracketed, "²)"], "tanh′(z) = 1 − tanh²(z) = 1 − a²"
    if name == "relu":
        one = "1" if z.value > 0 else "0"
        return f"f′({z.symbol})", [one], f"relu′(z) = 1 for z > 0, else 0 (here z {'>' if z.value > 0 else '≤'} 0)"
    return "1", ["1"], "linear: f′(z) = 1"


def _steps(ws: Worksheet) -> list[Step]:
    """The worked lines, in order. Each line's result is computed from the numbers it prints (the
    given ones, and the *rounded* results of the lines before, as the sheet tells a student to do),
    so the key is what a student who follows the instructions gets."""
    sizes, L = ws.layer_sizes, ws.num_layers
    k_out = sizes[-1]
    steps: list[Step] = []
    carried: dict[str, float] = {}          # symbol → its line's result, rounded as printed

    def add(step: Step) -> None:
        single = len(step.parts) == 1 and isinstance(step.parts[0], Value)
        step.result = step.parts[0].value if single else evaluate(step.numbers)
        carried[step.symbol] = printed(step.result)
        steps.append(step)

    def given(v: float, symbol: str) -> Value:
        return Value(float(v), symbol, True)

    def comp(symbol: str) -> Value:
        return Value(carried[symbol], symbol, False)

    def a_val(l: int, j: int) -> Value:
        symbol = a_symbol(l, j, sizes)
        return given(ws.x[j], symbol) if l == 0 else comp(symbol)

    def paren(v: Value) -> list[Any]:
        """A factor after an operator: a negative number in brackets, as on paper."""
        return [Value(v.value, v.symbol, v.given, bracket=True)]

    # 1. forward pass: the z of a layer, then its a (softmax needs every z of its layer)
    for l in range(1, L + 1):
        W, b, f = ws.W[l - 1], ws.b[l - 1], ws.activation_names[l - 1]
        for j in range(sizes[l]):
            terms_sym: list[str] = []
            zparts: list[Any] = []
            for i in range(sizes[l - 1]):
                terms_sym.append(f"{w_symbol(l, i, j)}{a_symbol(l - 1, i, sizes)}")
                zparts += ([" + "] if i else []) + paren(given(W[i, j], w_symbol(l, i, j))) + [" × "] + \
                    paren(a_val(l - 1, i))                                   # w_ij · a_i
            zparts += [" + "] + paren(given(b[j], b_symbol(l, j)))
            add(Step(FORWARD, z_symbol(l, j), " + ".join(terms_sym) + f" + {b_symbol(l, j)}", zparts, 0.0))
            if f != "softmax":
                equation, aparts = _activation_parts(f, comp(z_symbol(l, j)), [])
                add(Step(FORWARD, a_symbol(l, j, sizes), equation, aparts, 0.0))
        if f == "softmax":
            layer_z = [comp(z_symbol(l, j)) for j in range(sizes[l])]
            for j in range(sizes[l]):
                equation, aparts = _activation_parts(f, layer_z[j], layer_z)
                add(Step(FORWARD, a_symbol(l, j, sizes), equation, aparts, 0.0,
                         note="softmax: the exponentials of the layer, shared out so they add up to 1"
                         if j == 0 else ""))

    # 2. the cost
    yhat = [a_val(L, k) for k in range(k_out)]
    ys = [given(ws.y[k], y_symbol(k, k_out)) for k in range(k_out)]
    if ws.loss == "mse":
        sym = " + ".join(f"({h.symbol} − {t.symbol})²" for h, t in zip(yhat, ys))
        parts: list[Any] = ["½ × "] + (["("] if k_out > 1 else [])
        for k, (h, t) in enumerate(zip(yhat, ys)):
            parts += ([" + "] if k else []) + ["(", h, " − "] + paren(t) + [")²"]
        parts += [")"] if k_out > 1 else []
        add(Step(COST, "J", f"½ {'(' + sym + ')' if k_out > 1 else sym}", parts, 0.0,
                 note="mean squared error of one sample: J = ½ Σ (ŷ − y)²"))
    elif ws.loss == "bce":
        sym = " + ".join(f"{t.symbol} ln({h.symbol}) + (1 − {t.symbol}) ln(1 − {h.symbol})" for h, t in zip(yhat, ys))
        parts = ["−["]
        for k, (h, t) in enumerate(zip(yhat, ys)):
            parts += ([" + "] if k else []) + [t, " × ln(", h, ") + (1 − ", t, ") × ln(1 − ", h, ")"]
        parts += ["]"]
        add(Step(COST, "J", f"−[{sym}]", parts, 0.0,
                 note="binary cross-entropy of one sample (ln: the natural logarithm)"))
    else:
        sym = " + ".join(f"{t.symbol} ln({h.symbol})" for h, t in zip(yhat, ys))
        parts = ["−["]
        for k, (h, t) in enumerate(zip(yhat, ys)):
            parts += ([" + "] if k else []) + [t, " × ln(", h, ")"]
        parts += ["]"]
        add(Step(COST, "J", f"−[{sym}]", parts, 0.0,
                 note="cross-entropy of one sample: only the true class's ln ŷ counts (ln: the natural logarithm)"))

    # 3. backward pass: δ of a layer, then that layer's gradients, from the output back
    for l in range(L, 0, -1):
        f = ws.activation_names[l - 1]
        for j in range(sizes[l]):
            d_sym, z = delta_symbol(l, j), comp(z_symbol(l, j))
            a = a_val(l, j)
            if l == L:
                t = ys[j]
                if ws.loss in ("bce", "cross_entropy"):   # the natural pairs: f′ cancels the 1/ŷ of ∂J/∂ŷ
                    what = "bce after a sigmoid" if ws.loss == "bce" else "cross-entropy after a softmax"
                    add(Step(BACKWARD, d_sym, f"{a.symbol} − {t.symbol}", [a, " − "] + paren(t), 0.0,
                             note=f"{what}: δ = ∂J/∂z = ŷ − y (f′ cancels)"))
                    continue
                fsym, fparts, hint = _derivative_parts(f, a, z)
                parts = ["(", a, " − "] + paren(t) + [") × "] + fparts
                add(Step(BACKWARD, d_sym, f"({a.symbol} − {t.symbol}) · {fsym}", parts, 0.0,
                         note=f"δ = ∂J/∂ŷ · f′(z);  {hint}"))
            else:
                W_next = ws.W[l]
                fsym, fparts, hint = _derivative_parts(f, a, z)
                terms_sym = [f"{w_symbol(l + 1, j, k)}{delta_symbol(l + 1, k)}" for k in range(sizes[l + 1])]
                parts = fparts + [" × ("]
                for k in range(sizes[l + 1]):
                    parts += ([" + "] if k else []) + paren(given(W_next[j, k], w_symbol(l + 1, j, k))) + [" × "] + \
                        paren(comp(delta_symbol(l + 1, k)))
                parts += [")"]
                add(Step(BACKWARD, d_sym, f"{fsym} · ({' + '.join(terms_sym)})", parts, 0.0,
                         note=f"the error flows back along the weights;  {hint}"))
        for j in range(sizes[l]):
            d = comp(delta_symbol(l, j))
            for i in range(sizes[l - 1]):
                ai = a_val(l - 1, i)
                add(Step(BACKWARD, f"∂J/∂{w_symbol(l, i, j)}", f"{ai.symbol} · {d.symbol}",
                         paren(ai) + [" × "] + paren(d), 0.0))
            add(Step(BACKWARD, f"∂J/∂{b_symbol(l, j)}", d.symbol, [d], 0.0))

    # 4. the update
    alpha = given(ws.learning_rate, "α")
    for l in range(1, L + 1):
        W, b = ws.W[l - 1], ws.b[l - 1]
        for j in range(sizes[l]):
            for i in range(sizes[l - 1]):
                w, s = given(W[i, j], w_symbol(l, i, j)), w_symbol(l, i, j)
                g = comp(f"∂J/∂{s}")
                add(Step(UPDATE, f"{s} (new)", f"{s} − α · ∂J/∂{s}", [w, " − ", alpha, " × "] + paren(g), 0.0))
            s = b_symbol(l, j)
            g = comp(f"∂J/∂{s}")
            add(Step(UPDATE, f"{s} (new)", f"{s} − α · ∂J/∂{s}", [given(b[j], s), " − ", alpha, " × "] + paren(g),
                     0.0))
    return steps
