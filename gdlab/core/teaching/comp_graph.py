"""The computation graph of one training sample: every scalar operation of the forward pass as a
node, and backpropagation as the chain rule applied node by node, from the loss back to the leaves.

Built from a one-sample :class:`~gdlab.core.teaching.backprop_trace.BackpropTrace` (``mode="sample"``:
J is that sample's loss ℓ(ŷ, y), n = 1, no 1/n factor), so every value is the network's own
(:class:`~gdlab.core.nn.network.MLP`'s forward pass) and each weight's leaf gradient is the
inspector's ∂J/∂w for that sample, up to the last bit of rounding. The nodes, per neuron j of
layer l (a₀ = x):

    leaves   x_i, w_ij, b_j                                       (the inputs and the parameters)
    ×        p_ij = w_ij · a_i          ∂p/∂w = a_i,  ∂p/∂a_i = w_ij
    Σ        s_j = Σ_i p_ij             ∂s/∂p = 1
    + b      z_j = s_j + b_j            ∂z/∂s = ∂z/∂b = 1
    f        a_j = f(z_j)               ∂a/∂z = f′(z_j)    (softmax: ∂ŷ_k/∂z_m = ŷ_k(δ_km − ŷ_m))
    loss     ℓ = ℓ(ŷ, y)                ∂ℓ/∂ŷ_k = the loss's gradient for n = 1
    penalty  P = (λ/2)Σw² or λΣ|w|      ∂P/∂w = λw or λ·sign(w);  J = ℓ + P   (with regularization)

Backward, from the root (∂J/∂J = 1) in :attr:`CompGraph.backward_order`, every node gets

    ∂J/∂node = Σ over its consumers c of ∂J/∂c · ∂c/∂node

and each term, upstream gradient × local derivative, is an :class:`Edge`'s ``product``. For the
natural pairs (sigmoid + bce) the network computes δ = ŷ − y directly; the graph multiplies
∂ℓ/∂ŷ = (ŷ − y)/σ′(z) by σ′(z) = e^{−|z|}/(1 + e^{−|z|})², which gives the same number and does not
underflow for a saturated output.

A network of at most :data:`MAX_OPS` operations is drawn whole. A larger one is drawn as the
paths through the selected weight: its product, sum, + b and activation, then every operation that
depends on it, layer by layer, as long as the count stays within :data:`MAX_OPS`; the layers past
that are one node, "the rest of the network", whose local derivatives ∂J/∂a_k = Σ_q w_kq δ_q come
from the trace. Inputs of a drawn operation that lie off the paths (the other factor of a product,
the bias) are drawn as *side* leaves with their value only, or left out. Positions for drawing are
:mod:`gdlab.core.teaching.comp_graph_layout`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..nn.activations import get_activation
from ..nn.losses import get_loss
from ..run.network_run import NetworkRun
from .comp_graph_layout import place

_wlabel = NetworkRun.weight_label  # "W1[2,1]", as the window names weights

if TYPE_CHECKING:
    from .backprop_trace import BackpropTrace

__all__ = ["MAX_OPS", "CompGraph", "Edge", "GraphPhase", "Node", "build_graph", "operation_count"]

MAX_OPS = 30   # a network of more scalar operations is drawn as the paths through one weight
SYMBOLS = {"linear": "id", "sigmoid": "σ", "tanh": "tanh", "relu": "relu", "leaky_relu": "lrelu",
           "softmax": "soft"}
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass
class Node:
    """One scalar of the forward pass: a leaf (``input``, ``weight``, ``bias``, ``side``) or an
    operation (``mul``, ``sum``, ``add``, ``act``, ``loss``, ``penalty``, ``total``, ``rest``)."""

    kind: str
    name: str                      # what it is: "W1[1,2]", "z₁", "ŷ", "ℓ"
    symbol: str                    # what is drawn in it: "×", "Σ", "+", "tanh", "bce"
    value: float
    layer: int = 0                 # 1-based layer of the operation (0: inputs; L + 1: loss and beyond)
    inputs: list[int] = field(default_factory=list)      # the nodes it is computed from
    local: list[float] = field(default_factory=list)     # ∂self/∂input, per input
    grad: float = math.nan         # ∂J/∂self (NaN for a side leaf: its other consumers are not drawn)
    weight: tuple[int, int, int] | None = None           # a weight leaf: (layer, i, j), 0-based layer
    column: int = 0
    y: float = 0.0                 # the vertical position (comp_graph_layout)

    @property
    def leaf(self) -> bool:
        return not self.inputs

    @property
    def side(self) -> bool:
        return self.kind == "side"


@dataclass(frozen=True)
class Edge:
    """Input ``source`` feeds operation ``target``: ``product`` = ∂J/∂target · ∂target/∂source."""

    source: int
    target: int
    local: float
    upstream: float
    product: float


@dataclass(frozen=True)
class GraphPhase:
    """A step of the walk: the nodes whose ∂J/∂node is filled in so far (cumulative), in words."""

    caption: str
    filled: frozenset[int]


@dataclass
class CompGraph:
    nodes: list[Node]
    edges: list[Edge]
    root: int
    weight: tuple[int, int, int]        # the selected weight (its paths, when pruned)
    pruned: bool
    operations: int                     # the scalar operations of the whole network
    sample: int                         # 0-based training sample
    iteration: int
    backward_order: list[int] = field(default_factory=list)
    phases: list[GraphPhase] = field(default_factory=list)

    def weight_node(self, wid: tuple[int, int, int]) -> int | None:
        """The index of weight ``wid``'s leaf (None when it is not drawn)."""
        return next((k for k, n in enumerate(self.nodes) if n.weight == tuple(wid)), None)

    def weight_gradients(self) -> dict[tuple[int, int, int], float]:
        """∂J/∂w of every weight leaf drawn, by (layer, i, j)."""
        return {n.weight: n.grad for n in self.nodes if n.weight is not None}


def operation_count(sizes: list[int], regularization: str = "none") -> int:
    """The scalar operations of a network's forward pass for one sample: per layer a product per
    weight and a sum, a + b and an activation per neuron; then the loss (and the penalty and J)."""
    ops = sum(a * b + 3 * b for a, b in zip(sizes[:-1], sizes[1:])) + 1
    return ops + (2 if regularization != "none" else 0)



class _Builder:
    def __init__(self) -> None:
        self.nodes: list[Node] = []

    def add(self, node: Node, inputs: list[tuple[int, float]] = ()) -> int:  # type: ignore[assignment]
        node.inputs = [k for k, _ in inputs]
        node.local = [float(d) for _, d in inputs]
        self.nodes.append(node)
        return len(self.nodes) - 1


def build_graph(trace: BackpropTrace, weight: tuple[int, int, int] | None = None,
                max_ops: int = MAX_OPS) -> CompGraph:
    """The computation graph of ``trace``'s sample (see the module docstring); ``weight`` (default:
    the last layer's first weight) is the one whose paths a network of more than ``max_ops``
    operations is reduced to."""
    if trace.mode != "sample" or len(trace.X) != 1:
        raise ValueError("a computation graph is of one training sample (a trace in sample mode)")
    sizes, L = list(trace.layer_sizes), trace.num_layers
    l0, i0, j0 = (L - 1, 0, 0) if weight is None else (int(weight[0]), int(weight[1]), int(weight[2]))
    wid = (l0, i0, j0)
    if not (0 <= l0 < L and 0 <= i0 < sizes[l0] and 0 <= j0 < sizes[l0 + 1]):
        raise ValueError(f"the network has no weight {_wlabel(wid)}")
    ops = operation_count(sizes, trace.regularization)
    pruned = ops > max_ops
    b = _Builder()
    # the a of the layer before (0: the inputs): node index per neuron, None where not drawn
    if pruned:
        prev: list[int | None] = [None] * sizes[l0]
        labels = trace.input_labels
        side = (labels[i0] if i0 < len(labels) else f"x{i0 + 1}") if l0 == 0 else f"a{l0}[{i0 + 1}]"
        prev[i0] = b.add(Node("side", side, "x" if l0 == 0 else "a", float(trace.a[l0][0, i0]), layer=l0))
        first, budget = l0, max_ops - 4
    else:
        names = trace.input_labels
        prev = [b.add(Node("input", names[i] if i < len(names) else f"x{i + 1}",
                           names[i] if i < len(names) else f"x{i + 1}", float(trace.X[0, i])))
                for i in range(sizes[0])]
        first, budget = 0, max_ops
    penalty_inputs: list[tuple[int, float]] = []
    last = first
    for l in range(first, L):
        fan_in, fan_out = sizes[l], sizes[l + 1]
        if pruned and l > l0:
            live = [i for i in range(fan_in) if prev[i] is not None]
            cost = len(live) * fan_out + 3 * fan_out
            if cost > budget:
                break
            budget -= cost
        prev = _layer(b, trace, l, prev, wid if pruned and l == l0 else None, penalty_inputs)
        last = l + 1
    root = _top(b, trace, prev, last, penalty_inputs)
    graph = CompGraph(b.nodes, [], root, wid, pruned, ops, int(trace.samples[0]), trace.iteration)
    _backward(graph)
    place(graph.nodes)
    graph.phases = _phases(graph)
    return graph


def _layer(b: _Builder, trace: BackpropTrace, l: int, prev: list[int | None], only: tuple[int, int, int] | None,
           penalty_inputs: list[tuple[int, float]]) -> list[int | None]:
    """Layer l + 1's operations on the drawn a's of layer l (``only``: just the weight's neuron)."""
    W, bias, z, a = trace.W[l], trace.b[l], trace.z[l][0], trace.a[l + 1][0]
    act = get_activation(trace.activation_names[l])
    last = l == trace.num_layers - 1
    lam, reg = trace.reg_rate, trace.regularization
    full = only is None and all(p is not None for p in prev)
    zs: list[int | None] = [None] * W.shape[1]
    for j in range(W.shape[1]):
        if only is not None and j != only[2]:
            continue
        terms: list[tuple[int, float]] = []
        for i, src in enumerate(prev):
            if src is None:
                continue
            x = float(trace.a[l][0, i])
            w_ij = float(W[i, j])
            inputs = [(src, w_ij)]                                     # ∂p/∂a_i = w_ij
            if full or only is not None:
                leaf = b.add(Node("weight", _wlabel((l, i, j)), "w", w_ij, layer=l + 1, weight=(l, i, j)))
                inputs.append((leaf, x))                               # ∂p/∂w_ij = a_i
                if reg != "none":
                    penalty_inputs.append((leaf, lam * w_ij if reg == "l2" else lam * float(np.sign(w_ij))))
            terms.append((b.add(Node("mul", "w·a", "×", w_ij * x, layer=l + 1), inputs), 1.0))
        s = float(sum(b.nodes[k].value for k, _ in terms))
        s_node = b.add(Node("sum", f"s{l + 1}[{j + 1}]", "Σ", s, layer=l + 1), terms)                    # ∂s/∂p = 1
        adds = [(s_node, 1.0)]
        if full or only is not None:
            adds.append((b.add(Node("bias", f"b{l + 1}[{j + 1}]", "b", float(bias[j]), layer=l + 1)), 1.0))
        zs[j] = b.add(Node("add", f"z{l + 1}[{j + 1}]", "+", float(z[j]), layer=l + 1), adds)  # ∂z/∂s = ∂z/∂b = 1
    out: list[int | None] = [None] * W.shape[1]

    def name(k: int) -> str:
        return ("ŷ" if W.shape[1] == 1 else f"ŷ{str(k + 1).translate(SUB)}") if last else f"a{l + 1}[{k + 1}]"
    if act.name == "softmax":
        for k in range(W.shape[1]):
            jac = [(zs[m], a[k] * ((k == m) - a[m])) for m in range(W.shape[1]) if zs[m] is not None]
            out[k] = b.add(Node("act", name(k), SYMBOLS[act.name], float(a[k]),
                                layer=l + 1), jac)                     # type: ignore[arg-type]
        return out
    for j, zk in enumerate(zs):
        if zk is None:
            continue
        slope = _slope(act.name, float(z[j]), float(a[j]))
        out[j] = b.add(Node("act", name(j), SYMBOLS.get(act.name, act.name),
                            float(a[j]), layer=l + 1), [(zk, slope)])      # ∂a/∂z = f′(z)
    return out


def _slope(name: str, z: float, a: float) -> float:
    """f′(z); the sigmoid's as e^{−|z|}/(1 + e^{−|z|})², which does not underflow to 0 at |z| > 37."""
    if name == "sigmoid":
        e = math.exp(-abs(z))
        return e / (1.0 + e) ** 2
    return float(get_activation(name).derivative(np.array([z]), np.array([a]))[0])


def _top(b: _Builder, trace: BackpropTrace, prev: list[int | None], reached: int,
         penalty_inputs: list[tuple[int, float]]) -> int:
    """The loss ℓ of the sample (or, when the layers past ``reached`` are not drawn, the rest of the
    network), and with regularization the penalty and J = ℓ + P. Returns the root."""
    L = trace.num_layers
    drawn = [(j, k) for j, k in enumerate(prev) if k is not None]
    if reached == L:
        loss = get_loss(trace.loss)
        y_hat, y = trace.a[L], trace.Y
        if loss.natural_activation == "sigmoid" == trace.activation_names[-1]:
            locals_ = [(float(y_hat[0, j]) - float(y[0, j])) / _slope("sigmoid", float(trace.z[-1][0, j]), 0.0)
                       for j in range(y.shape[1])]                     # ∂ℓ/∂ŷ = (ŷ − y)/σ′(z)
        else:
            locals_ = [float(g) for g in loss.gradient(y_hat, y)[0]]   # ∂ℓ/∂ŷ (n = 1)
        target = ", ".join(f"{v:.4g}" for v in y[0])
        top = b.add(Node("loss", f"ℓ (y = {target})", trace.loss.replace("cross_entropy", "CE"),
                         float(trace.data_cost), layer=L + 1), [(k, locals_[j]) for j, k in drawn])
    else:
        W_next, d_next = trace.W[reached], trace.delta[reached][0]
        rest = [(k, float(np.dot(W_next[j], d_next))) for j, k in drawn]  # ∂J/∂a_j = Σ_q w_jq δ_q
        top = b.add(Node("rest", f"ℓ via layers {reached + 1}–{L}", "…", float(trace.data_cost), layer=L + 1), rest)
    if trace.regularization == "none":
        return top
    pen = b.add(Node("penalty", "P", "P", float(trace.penalty), layer=L + 1), penalty_inputs)
    return b.add(Node("total", "J = ℓ + P", "+", float(trace.J), layer=L + 2), [(top, 1.0), (pen, 1.0)])


def _backward(graph: CompGraph) -> None:
    """∂J/∂node = Σ over consumers of ∂J/∂consumer · ∂consumer/∂node, in backward order: the reverse
    of the order the forward pass made the nodes (each consumer is made after its inputs)."""
    nodes = graph.nodes
    grads = [0.0] * len(nodes)
    grads[graph.root] = 1.0                                           # ∂J/∂J = 1
    reached = {graph.root}
    for k in range(len(nodes) - 1, -1, -1):
        if k not in reached:
            continue
        node = nodes[k]
        node.grad = grads[k]
        graph.backward_order.append(k)
        for src, local in zip(node.inputs, node.local):
            product = grads[k] * local                                # upstream × local
            graph.edges.append(Edge(src, k, local, grads[k], product))
            grads[src] += product                                     # Σ over consumers
            reached.add(src)
    for k in graph.backward_order:
        if nodes[k].side:
            nodes[k].grad = math.nan                                  # its other consumers are not drawn


def _phases(graph: CompGraph) -> list[GraphPhase]:
    """Forward (values only), then one phase per column from the root back to the leaves."""
    what = "the whole network" if not graph.pruned else f"the paths through {_wlabel(graph.weight)}"
    out = [GraphPhase(f"Forward: every operation of {what} computes its value from its inputs, "
                      "for one training sample.", frozenset())]
    filled: set[int] = set()
    columns = sorted({graph.nodes[k].column for k in graph.backward_order}, reverse=True)
    for n, column in enumerate(columns):
        filled |= {k for k in graph.backward_order if graph.nodes[k].column == column}
        if n == 0:
            text = "Backward starts at the cost: ∂J/∂J = 1."
        elif n == len(columns) - 1:
            text = ("Backward complete: every leaf has its ∂J/∂w, the sum over its paths of upstream "
                    "gradient × local derivative.")
        else:
            text = ("Backward: each node's ∂J/∂node is the sum, over the operations c it feeds, of ∂J/∂c × "
                    "∂c/∂node, the upstream gradient × the local derivative (their product is on each edge).")
        out.append(GraphPhase(text, frozenset(filled)))
    return out
