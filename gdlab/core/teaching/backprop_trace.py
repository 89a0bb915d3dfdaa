"""One training iteration taken apart, phase by phase, for the backpropagation inspector.

Backpropagation *computes* ∂J/∂w for every weight; gradient descent then *uses* it. A trace
records every number of one iteration, computed by the network's own forward and backward
passes (:class:`~gdlab.core.nn.network.MLP`), never by a second implementation:

    forward   z_l = a_{l−1} W_l + b_l,   a_l = f_l(z_l)             layer by layer, 1 … L
    cost      J = J(ŷ, y) (+ the penalty)
    backward  δ_L = ∂J/∂z_L;  δ_l = f_l′(z_l) ⊙ (δ_{l+1} W_{l+1}ᵀ)   layer by layer, L … 1
              ∂J/∂W_l = a_{l−1}ᵀ δ_l,   ∂J/∂b_l = Σ_samples δ_l
    update    w ← the optimiser's rule, e.g. w − α·∂J/∂w

Two modes:

* ``batch``: the run's real next iteration: the samples whose gradient the next step uses (all
  of them for full-batch descent), the cost averaged over them, the run's own optimiser. Numbers
  on a neuron are the **batch average** of z and a; δ on a neuron is the **batch sum** of δ,
  which is ∂J/∂b (δ already carries the 1/n of the average).
* ``sample``: the same passes for one training sample alone (n = 1): J is that sample's cost, and
  the update is the plain gradient-descent step w − α·∂J/∂w that this one sample asks for (what
  stochastic gradient descent would do with it).

:meth:`BackpropTrace.chain_rule` writes ∂J/∂w_ij out for one weight with this iteration's numbers,
next to a finite-difference estimate with its error bound and a verdict (right, wrong, or cannot be
checked here): the proof that backprop is right, and an honest one where no proof is possible.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..nn.activations import get_activation
from ..nn.gradcheck import CHECK_EPS, WeightCheck, relative_error, weight_check
from ..nn.losses import get_loss
from ..optim.optimizers import make_optimizer

if TYPE_CHECKING:
    from ..run.training import NetworkRun

FORWARD, COST, BACKWARD, UPDATE = "forward", "cost", "backward", "update"


@dataclass
class Phase:
    """One step of the inspector: what is shown, on which layer (1-based; 0 for the cost/update)."""

    kind: str
    layer: int
    caption: str


@dataclass
class ChainRule:
    """∂J/∂w_ij = δ_j · a_i written out for one weight (layer l, from neuron i of layer l−1 to neuron j)."""

    layer: int                 # 1-based, as in lectures
    i: int                     # 0-based input neuron (of layer l−1)
    j: int                     # 0-based neuron of layer l
    mode: str
    output_layer: bool
    a_i: float                 # the input activation (sample: that sample's; batch: see ``sample``)
    delta_j: float             # δ_j of the shown sample
    f_prime: float | None      # f′(z_j) (hidden layers and the unfused output case)
    terms: list[tuple[int, float, float]] = field(default_factory=list)   # (k, w_jk, δ_k) of the next layer
    weighted_sum: float | None = None    # Σ_k w_jk δ_k
    dJ_dyhat: float | None = None        # ∂J/∂ŷ_j (unfused output layer)
    fused: bool = False                  # δ_L = (ŷ − y)/n: sigmoid + bce or softmax + cross-entropy
    y_hat: float | None = None
    y: float | None = None
    n: int = 1
    share: float = 0.0                   # δ_j · a_i of the shown sample
    backprop: float = 0.0                # ∂J/∂w_ij from backprop (all samples of the mode)
    numeric: float = 0.0                 # the same by central finite differences (D₆ of gradcheck)
    rel_error: float = 0.0               # |backprop − numeric| / (|backprop| + |numeric|)
    check: WeightCheck | None = None     # the estimate's bound B and the verdict
    sample: int = 0                      # which sample's numbers are shown (its row in the batch)

    @property
    def agreement(self) -> float:
        """Relative difference between the chain-rule product (summed in batch mode) and backprop."""
        return float(relative_error(self.chain_value, self.backprop))

    chain_value: float = 0.0             # Σ over the mode's samples of δ_j · a_i, from the stored δ and a


@dataclass
class BackpropTrace:
    mode: str                            # "batch" or "sample"
    iteration: int
    sample_index: int | None             # the training sample (sample mode)
    samples: np.ndarray                  # indices into the training set used by this iteration
    layer_sizes: list[int]
    activation_names: list[str]          # per layer 1 … L
    loss: str
    input_labels: list[str]
    X: np.ndarray                        # (m, d) the inputs (features) used
    Y: np.ndarray                        # (m, k) their targets
    J: float
    data_cost: float
    penalty: float
    z: list[np.ndarray]                  # per layer 1 … L: (m, k_l)
    a: list[np.ndarray]                  # a[0] = X, then per layer: (m, k_l)
    delta: list[np.ndarray]              # per layer: (m, k_l)
    W: list[np.ndarray]
    b: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]
    W_new: list[np.ndarray]
    b_new: list[np.ndarray]
    learning_rate: float
    optimizer: str
    update_rule: str
    regularization: str = "none"
    reg_rate: float = 0.0
    phases: list[Phase] = field(default_factory=list)
    class_names: list[str] = field(default_factory=list)   # the output neurons' classes (multi-class data)
    image: np.ndarray | None = None      # sample mode, image data: the sample's pixels as the image (rows, cols)
    _model: Any = None                   # a copy of the network at this iteration (for the check)

    @property
    def num_layers(self) -> int:
        return len(self.W)

    # -- what a neuron shows --------------------------------------------------------------------
    def node_values(self, layer: int) -> dict[str, np.ndarray]:
        """Per neuron of ``layer`` (0 = inputs, 1 … L): z, a (batch mode: the batch average) and δ
        (batch mode: the batch sum, which is ∂J/∂b)."""
        if layer == 0:
            return {"a": self.X.mean(axis=0)}
        l = layer - 1
        return {"z": self.z[l].mean(axis=0), "a": self.a[layer].mean(axis=0), "delta": self.delta[l].sum(axis=0),
                "b": self.b[l].copy()}

    def sample_costs(self, count: int = 5) -> list[tuple[int, np.ndarray, np.ndarray, float]]:
        """The first ``count`` samples of this iteration as (training-set index, ŷ, y, loss): each
        sample's loss ℓ(ŷ, y) is the run's loss on that sample alone; the data cost J is their mean
        over all the iteration's samples (plus the penalty, if any, for J)."""
        loss = get_loss(self.loss)
        y_hat = self.a[-1]
        return [(int(self.samples[s]), y_hat[s].copy(), self.Y[s].copy(),
                 float(loss.value(y_hat[s:s + 1], self.Y[s:s + 1]))) for s in range(min(count, len(y_hat)))]

    def ranked_outputs(self, count: int = 3) -> list[tuple[str, float, float, bool]]:
        """Sample mode, one output neuron per class: the ``count`` classes the network rates highest,
        and the true class if it is not among them, as (class, ŷ_k, δ_k, true?), highest ŷ first; the
        first is the predicted class ĉ = argmax_k ŷ_k. Empty in batch mode or for a single output."""
        if self.mode != "sample" or len(self.class_names) != self.layer_sizes[-1] or self.layer_sizes[-1] < 2:
            return []
        y_hat, y, delta = self.a[-1][0], self.Y[0], self.delta[-1][0]
        order = [int(k) for k in np.argsort(-y_hat, kind="stable")]
        true = int(np.argmax(y))
        shown = order[:count] + ([true] if true not in order[:count] else [])
        return [(self.class_names[k], float(y_hat[k]), float(delta[k]), k == true) for k in shown]

    def update_of(self, layer: int) -> np.ndarray:
        """W_new − W of a layer: the step this iteration takes (−α·∂J/∂w for plain descent)."""
        step: np.ndarray = self.W_new[layer - 1] - self.W[layer - 1]
        return step

    # -- the chain rule for one weight -------------------------------------------------------------
    def chain_rule(self, layer: int, i: int, j: int, sample: int = 0, eps: float = CHECK_EPS) -> ChainRule:
        """∂J/∂w_ij written out with this iteration's numbers (see :class:`ChainRule`).

        ``sample`` picks whose per-sample numbers are shown in batch mode (a row of the batch);
        in batch mode ∂J/∂w_ij = Σ_s δ_j^(s) a_i^(s), each sample's share δ_j·a_i added up.
        """
        L = self.num_layers
        if not 1 <= layer <= L:
            raise ValueError(f"layer must be 1 … {L}, got {layer}")
        W = self.W[layer - 1]
        if not (0 <= i < W.shape[0] and 0 <= j < W.shape[1]):
            raise ValueError(f"W{layer} has shape {W.shape}; no weight [{i}, {j}]")
        m = len(self.X)
        s = int(sample) % m
        l = layer - 1
        a_i = float(self.a[l][s, i])
        delta_j = float(self.delta[l][s, j])
        f = get_activation(self.activation_names[l])
        rule = ChainRule(layer=layer, i=i, j=j, mode=self.mode, output_layer=layer == L, a_i=a_i,
                         delta_j=delta_j, f_prime=None, n=m, sample=s)
        z_j = self.z[l][s, j]
        if layer == L:
            loss = get_loss(self.loss)
            rule.y_hat, rule.y = float(self.a[layer][s, j]), float(self.Y[s, j])
            if loss.natural_activation == f.name:
                rule.fused = True            # δ_L = (ŷ − y)/n: f′ and ∂J/∂ŷ cancel to this
            else:
                grad = loss.gradient(self.a[layer], self.Y)          # ∂J/∂ŷ (all samples of the mode)
                rule.dJ_dyhat = float(grad[s, j])
                rule.f_prime = float(f.derivative(np.array([z_j]), np.array([self.a[layer][s, j]]))[0])
        else:
            W_next, d_next = self.W[layer], self.delta[layer][s]
            rule.terms = [(k, float(W_next[j, k]), float(d_next[k])) for k in range(W_next.shape[1])]
            rule.weighted_sum = float(np.dot(W_next[j], d_next))     # Σ_k w_jk δ_k
            rule.f_prime = float(f.derivative(np.array([z_j]), np.array([self.a[layer][s, j]]))[0])
        rule.share = delta_j * a_i                                   # this sample's δ_j · a_i
        rule.chain_value = float(np.dot(self.a[l][:, i], self.delta[l][:, j]))  # Σ_s δ_j a_i
        penalty_grad = 0.0
        if self.regularization == "l2":
            penalty_grad = self.reg_rate * float(W[i, j])            # + λw
        elif self.regularization == "l1":
            penalty_grad = self.reg_rate * float(np.sign(W[i, j]))   # + λ·sign(w)
        rule.chain_value += penalty_grad
        rule.backprop = float(self.dW[l][i, j])
        rule.check = weight_check(self._model, self.X, self.Y, layer, i, j, self.loss, self.regularization,
                                  self.reg_rate, eps=eps)
        rule.numeric, rule.rel_error = rule.check.numeric, rule.check.rel_error
        return rule


def _phases(trace: BackpropTrace) -> list[Phase]:
    L = trace.num_layers
    batch = "the batch average" if trace.mode == "batch" else "this sample"
    out = [Phase(FORWARD, 0, f"The inputs x enter the network ({batch} of each input is shown).")]
    for layer in range(1, L + 1):
        what = "the output ŷ" if layer == L else f"hidden layer {layer}"
        out.append(Phase(FORWARD, layer, f"Forward, {what}: each neuron adds up its weighted inputs, "
                                         f"z = a·W + b, and applies {trace.activation_names[layer - 1]}: a = f(z)."))
    out.append(Phase(COST, L, f"The cost compares the output ŷ with the target y: J = {trace.J:.4g} "
                              f"({trace.loss}{', averaged over the batch' if trace.mode == 'batch' else ''})."))
    for layer in range(L, 0, -1):
        if layer == L:
            text = ("Backward, output layer: the error δ = ∂J/∂z says how the cost changes with each output "
                    "neuron's z; each weight's gradient is ∂J/∂w = δ · (its input a).")
        else:
            text = (f"Backward, layer {layer}: the error flows back along the weights, δ = f′(z) · Σ w·δ "
                    f"(the chain rule), and again ∂J/∂w = δ · a.")
        out.append(Phase(BACKWARD, layer, text))
    out.append(Phase(UPDATE, 0, f"Gradient descent uses the gradients: {trace.update_rule} "
                                f"with α = {trace.learning_rate:.4g}, every weight at once."))
    return out


def in_gradient_notation(rule: str) -> str:
    """An optimiser's registered rule, written in g, as the inspector writes the gradient: g → ∂J/∂w,
    g² → (∂J/∂w)² (w ← w − α·g / (√s + ε) becomes w ← w − α·∂J/∂w/(√s + ε)), on one line."""
    text = re.sub(r"(?<![A-Za-z])g²", "(∂J/∂w)²", rule)
    text = re.sub(r"(?<![A-Za-z])g(?![A-Za-z])", "∂J/∂w", text)
    return text.replace(",  ", ", ").replace(" / ", "/")


def trace_iteration(run: NetworkRun, mode: str = "batch", sample: int = 0) -> BackpropTrace:
    """The next iteration of a :class:`~gdlab.core.run.training.NetworkRun`, taken apart (see the module
    docstring). The run itself is not changed."""
    if mode not in ("batch", "sample"):
        raise ValueError(f"mode must be 'batch' or 'sample', got {mode!r}")
    v = run.experiment.values
    reg, lam = v["regularization"], v["reg_rate"]
    n_train = len(run.X_train)
    if mode == "sample":
        samples = np.array([int(sample) % n_train])
    else:
        samples = np.arange(n_train) if run.batch_index is None else np.asarray(run.batch_index)
    X, Y = run.X_train[samples], run.Y_train[samples]
    probe = run.model.copy()
    with np.errstate(all="ignore"):
        J, gW, gb = probe.loss_and_gradients(X, Y, run.loss, reg, lam)
    data_cost, penalty = probe.last_data_cost, probe.last_penalty
    z = [zz.copy() for zz in probe.zs]
    a = [X.copy()] + [aa.copy() for aa in probe.activations[1:]]
    delta = [d.copy() for d in probe.deltas]
    dW, db = [g.copy() for g in gW], [g.copy() for g in gb]
    lr = float(run.schedule(run.base_lr, run.iteration))
    if mode == "batch":
        optimizer = run.optimizer.copy()   # the run's own state (momentum, averages …)
    else:
        optimizer = make_optimizer("sgd", lr)
    optimizer.lr = lr
    after = probe.copy()
    with np.errstate(all="ignore"):
        optimizer.step(after.params, [g for pair in zip(dW, db) for g in pair])
    trace = BackpropTrace(
        mode=mode, iteration=run.iteration, sample_index=int(samples[0]) if mode == "sample" else None,
        samples=samples.copy(), layer_sizes=list(probe.layer_sizes),
        activation_names=[f.name for f in probe.layer_activations], loss=run.loss,
        input_labels=list(run.input_labels), X=X.copy(), Y=Y.copy(), J=float(J), data_cost=float(data_cost),
        penalty=float(penalty), z=z, a=a, delta=delta, W=[w.copy() for w in probe.weights],
        b=[bb.copy() for bb in probe.biases], dW=dW, db=db, W_new=[w.copy() for w in after.weights],
        b_new=[bb.copy() for bb in after.biases], learning_rate=lr, optimizer=optimizer.name,
        update_rule=in_gradient_notation(optimizer.rule), regularization=reg, reg_rate=lam, _model=probe)
    trace.phases = _phases(trace)
    trace.class_names = [str(name) for name in run.class_names] if run.task == "multiclass" else []
    shape = run.dataset.image_shape
    if mode == "sample" and shape is not None and "x" in run.features:  # the raw pixels come first
        trace.image = run.train_set.X[samples[0]].reshape(shape).copy()
    return trace
