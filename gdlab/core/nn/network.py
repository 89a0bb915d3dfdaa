"""A multilayer perceptron with backpropagation written out, fast enough for a live GUI.

Notation (rows are samples, n of them; layer l = 1 … L has fan_in inputs and fan_out neurons):

    forward    z_l = a_{l−1} W_l + b_l,     a_l = f_l(z_l),     a_0 = X,  ŷ = a_L
    output     δ_L = ∂J/∂z_L                 = (ŷ − y)/n for sigmoid+bce and softmax+cross_entropy
                                               (targets of cross-entropy: rows summing to 1, e.g. one-hot),
                                               otherwise f_L'(z_L) ⊙ ∂J/∂ŷ
    backward   δ_l = f_l'(z_l) ⊙ (δ_{l+1} W_{l+1}ᵀ)
    gradients  ∂J/∂W_l = a_{l−1}ᵀ δ_l,       ∂J/∂b_l = Σ_rows δ_l

How it is made fast (the training loop calls :meth:`MLP.loss_and_gradients` thousands of times
a second, so the number of numpy calls matters more than anything else):

* Each layer's weights and bias live in one array [W_l; b_l] of shape (fan_in + 1, fan_out):
  ``weights[l]`` and ``biases[l]`` are views of it, so an optimiser updating them in place
  updates the network. Each layer's input is stored with an extra row of ones, so one matrix
  product gives z_l = a_{l−1} W_l + b_l, and one gives both ∂J/∂W_l and ∂J/∂b_l.
* Layers are stored transposed, (neurons, samples), so every elementwise step runs over one
  contiguous block; ``zs``, ``activations`` and ``deltas`` are (samples, neurons) views of them.
* All work arrays are allocated once per batch size n and reused.

So the arrays this class hands out are **buffers that the next call overwrites**: the output of
:meth:`forward`, ``zs``, ``activations``, ``deltas`` (the next call with the same n) and the
gradients (the next :meth:`loss_and_gradients`). Copy what you want to keep.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any, Callable, Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .activations import Activation, get_activation
from .losses import Loss, get_loss
from .network_buffers import Buffers, LinkedArrays, inner

INIT_NAMES = ("xavier", "he", "normal", "zeros")
REGULARIZATION_NAMES = ("none", "l1", "l2")
_MAX_CACHED_SIZES = 4  # batch sizes whose work arrays are kept (per purpose)


class MLP:
    """A fully connected network: ``MLP([2, 8, 8, 1])`` has two inputs, two hidden layers of 8
    neurons and one output.

    ``weights[l]`` has shape (fan_in, fan_out) and ``biases[l]`` shape (fan_out,), for layers
    l = 0 … L−1 (the docstrings count layers from 1, as lectures do).
    """

    def __init__(self, layer_sizes: Sequence[int], hidden_activation: str | Activation = "tanh",
                 output_activation: str | Activation = "sigmoid", init: str = "xavier", seed: int = 0,
                 init_scale: float = 0.1):
        sizes = list(layer_sizes) if isinstance(layer_sizes, Iterable) else None
        if (sizes is None or len(sizes) < 2
                or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 1 for s in sizes)):
            raise ValueError(f"layer_sizes must list at least 2 integers ≥ 1 (inputs, …, outputs), got {layer_sizes!r}")
        if init not in INIT_NAMES:
            raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INIT_NAMES)}")
        if not (isinstance(init_scale, (int, float)) and math.isfinite(init_scale) and init_scale >= 0):
            raise ValueError(f"init_scale must be a finite number ≥ 0, got {init_scale!r}")
        self.layer_sizes: list[int] = [int(s) for s in sizes]
        self.hidden_activation = get_activation(hidden_activation)
        self.output_activation = get_activation(output_activation)
        self.init = init
        self.init_scale = float(init_scale)
        self.seed = seed
        L = len(sizes) - 1
        self.layer_activations: list[Activation] = [self.hidden_activation] * (L - 1) + [self.output_activation]

        # [W_l; b_l] in one array; weights/biases are views of it (see the module docstring).
        self._Wb = [np.zeros((sizes[l] + 1, sizes[l + 1])) for l in range(L)]
        self._WbT = [Wb.T for Wb in self._Wb]
        self._weights = LinkedArrays(Wb[:-1] for Wb in self._Wb)
        self._biases = LinkedArrays(Wb[-1] for Wb in self._Wb)
        self._gWb = [np.zeros_like(Wb) for Wb in self._Wb]
        self._grad_weights = [g[:-1] for g in self._gWb]
        self._grad_biases = [g[-1] for g in self._gWb]
        self._reg_work = [np.empty_like(W) for W in self._weights]
        self._cache: OrderedDict[tuple[int, bool], Buffers] = OrderedDict()

        self.zs: list[np.ndarray] = []
        self.activations: list[np.ndarray] = []
        self.deltas: list[np.ndarray] = []
        self.last_data_cost = math.nan
        self.last_penalty = 0.0
        self.reinitialize()

    # -- parameters ------------------------------------------------------------------------
    @property
    def weights(self) -> list[np.ndarray]:
        """W_l, shape (fan_in, fan_out). Assigning (``net.weights[0] = …``) copies in place."""
        return self._weights

    @weights.setter
    def weights(self, values: Sequence[Any]) -> None:
        self._weights[:] = values

    @property
    def biases(self) -> list[np.ndarray]:
        """b_l, shape (fan_out,). Assigning copies in place, as for :attr:`weights`."""
        return self._biases

    @biases.setter
    def biases(self, values: Sequence[Any]) -> None:
        self._biases[:] = values

    @property
    def num_layers(self) -> int:
        """L, the number of weight layers."""
        return len(self._Wb)

    @property
    def num_parameters(self) -> int:
        """Σ_l (fan_in + 1)·fan_out: every weight and bias."""
        return sum(Wb.size for Wb in self._Wb)

    @property
    def blocks(self) -> list[np.ndarray]:
        """Each layer's parameters as one array [W_l; b_l] of shape (fan_in + 1, fan_out): the
        network's own storage (``weights[l]`` and ``biases[l]`` are views of it)."""
        return list(self._Wb)

    @property
    def params(self) -> list[np.ndarray]:
        """[W_1, b_1, W_2, b_2, …]: the network's own arrays, for an optimiser to update in place."""
        return [p for W, b in zip(self._weights, self._biases) for p in (W, b)]

    @property
    def gradients(self) -> list[np.ndarray]:
        """[∂J/∂W_1, ∂J/∂b_1, …] from the last :meth:`loss_and_gradients` (buffers it overwrites)."""
        return [g for gW, gb in zip(self._grad_weights, self._grad_biases) for g in (gW, gb)]

    def reinitialize(self, seed: int | None = None) -> None:
        """Draw the initial weights again, in place; biases start at 0.

        ``seed=None`` keeps :attr:`seed`, so the same starting weights come back; another seed
        is remembered. With fan_in inputs and fan_out neurons per layer:

        * xavier: W ~ U(−r, r), r = √(6 / (fan_in + fan_out))   (Glorot uniform)
        * he:     W ~ N(0, σ²), σ = √(2 / fan_in)
        * normal: W ~ N(0, σ²), σ = init_scale
        * zeros:  W = 0 (every neuron of a layer then learns the same thing)
        """
        if seed is not None:
            self.seed = seed
        rng = np.random.default_rng(self.seed)
        for W, b in zip(self._weights, self._biases):
            fan_in, fan_out = W.shape
            if self.init == "xavier":
                r = math.sqrt(6.0 / (fan_in + fan_out))
                W[...] = rng.uniform(-r, r, W.shape)                      # W ~ U(−r, r)
            elif self.init == "he":
                W[...] = rng.normal(0.0, math.sqrt(2.0 / fan_in), W.shape)  # W ~ N(0, 2/fan_in)
            elif self.init == "normal":
                W[...] = rng.normal(0.0, self.init_scale, W.shape)        # W ~ N(0, init_scale²)
            else:
                W.fill(0.0)
            b.fill(0.0)

    def get_state(self) -> dict[str, Any]:
        """Copies of the weights and biases (and the shape they fit), as plain data."""
        return {"layer_sizes": list(self.layer_sizes),
                "weights": [W.copy() for W in self._weights],
                "biases": [b.copy() for b in self._biases]}

    def set_state(self, state: dict[str, Any]) -> None:
        """Copy a :meth:`get_state` dict back into the network's arrays (bit for bit)."""
        sizes = state.get("layer_sizes")
        if sizes is not None and list(sizes) != self.layer_sizes:
            raise ValueError(f"state is for layer sizes {list(sizes)}, this network has {self.layer_sizes}")
        if len(state["weights"]) != self.num_layers or len(state["biases"]) != self.num_layers:
            raise ValueError(f"state must hold {self.num_layers} weight matrices and bias vectors")
        self._weights[:] = state["weights"]
        self._biases[:] = state["biases"]

    def config(self) -> dict[str, Any]:
        """The constructor arguments (activation names, not objects)."""
        return {"layer_sizes": list(self.layer_sizes), "hidden_activation": self.hidden_activation.name,
                "output_activation": self.output_activation.name, "init": self.init, "seed": self.seed,
                "init_scale": self.init_scale}

    def copy(self) -> MLP:
        """An independent network with the same shape, settings and parameters."""
        twin = MLP(self.layer_sizes, self.hidden_activation, self.output_activation, init=self.init,
                   seed=self.seed, init_scale=self.init_scale)
        twin.set_state(self.get_state())
        return twin

    def __reduce__(self) -> tuple[Callable[..., MLP], tuple[dict[str, Any], dict[str, Any]]]:
        # copy.deepcopy and pickle rebuild the network (its weights are views of shared arrays)
        return _rebuild, (self.config(), self.get_state())

    # -- forward ---------------------------------------------------------------------------
    def _buffers(self, n: int, backward: bool) -> Buffers:
        key = (n, backward)
        buf = self._cache.get(key)
        if buf is None:
            buf = self._cache[key] = Buffers(self.layer_sizes, n, backward)
            if len(self._cache) > 2 * _MAX_CACHED_SIZES:
                self._cache.popitem(last=False)  # the oldest size goes
        return buf

    def _check_X(self, X: ArrayLike) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"X must have shape (n, {self.layer_sizes[0]}), got {X.shape}")
        return X

    def _check_Y(self, Y: ArrayLike, n: int) -> np.ndarray:
        Y = np.asarray(Y, dtype=np.float64)
        k = self.layer_sizes[-1]
        if Y.ndim == 1 and k == 1:
            Y = Y.reshape(-1, 1)
        if Y.shape != (n, k):
            raise ValueError(f"Y must have shape ({n}, {k}) to match X and the outputs, got {Y.shape}")
        if n == 0:
            raise ValueError("a cost needs at least one sample")
        return Y

    def _forward(self, X: np.ndarray, buf: Buffers) -> None:
        np.copyto(buf.inputs[0][:-1], X.T)                         # a_0 = X (and a row of ones)
        for WbT, f, x, z, a in zip(self._WbT, self.layer_activations, buf.inputs, buf.z, buf.a):
            np.dot(WbT, x, out=z)                                  # z_l = a_{l−1} W_l + b_l
            f._value_into(z, a, 0)                                 # a_l = f_l(z_l)

    def forward(self, X: np.ndarray) -> np.ndarray:
        """ŷ = a_L for inputs X of shape (n, d); keeps ``zs`` and ``activations`` for backprop.

        The result is a buffer that the next forward pass with the same n overwrites.
        """
        X = self._check_X(X)
        buf = self._buffers(len(X), True)
        self._forward(X, buf)
        self.zs = buf.zs
        self.activations = [X, *buf.activation_views]
        return buf.out.T

    # -- costs -----------------------------------------------------------------------------
    def _data_cost(self, loss: Loss, buf: Buffers, Y: np.ndarray) -> float:
        """J_data at the output just computed (logit forms for the natural pairs)."""
        z, out, n = buf.z[-1], buf.out, int(Y.shape[0])
        if loss.natural_activation == self.output_activation.name:
            if loss.natural_activation == "sigmoid":
                work = buf.work[-1]
                np.logaddexp(0.0, z, out=work)                     # softplus(z)
                return (float(work.sum()) - inner(Y, z, buf.scratch)) / n  # J = 1/n Σ [softplus(z) − y·z]
            logp, e = buf.work[-1], buf.scratch
            np.subtract(z, z.max(axis=0, keepdims=True), out=logp)    # z − m  (m = max_k z_k)
            np.exp(logp, out=e)
            logp -= np.log(e.sum(axis=0, keepdims=True))              # log_softmax = z − m − log Σ e^{z − m}
            return -inner(Y, logp, e) / n                            # J = −1/n Σ y·log_softmax(z)
        if loss.name == "mse":
            d = buf.work[-1]
            np.subtract(out, Y.T, out=d)                           # ŷ − y
            return float(np.vdot(d, d)) / (2 * n)                 # J = 1/(2n) Σ (ŷ − y)²
        return loss.value(out.T, Y)

    def _penalty(self, regularization: str, reg_rate: float, grads: bool) -> float:
        """l2: (λ/2) Σ_l ‖W_l‖², gradient λW_l;  l1: λ Σ_l |W_l|, gradient λ sign(W_l). Biases are free."""
        if regularization == "none":
            return 0.0
        if regularization not in REGULARIZATION_NAMES:
            raise ValueError(f"unknown regularization {regularization!r}; "
                             f"choose one of {', '.join(REGULARIZATION_NAMES)}")
        total = 0.0
        for W, gW, work in zip(self._weights, self._grad_weights, self._reg_work):
            if regularization == "l2":
                total += float(np.vdot(W, W))                      # ‖W‖²
                if grads:
                    np.multiply(W, reg_rate, out=work)
                    gW += work                                     # ∂J/∂W += λW
            else:
                np.abs(W, out=work)
                total += float(work.sum())                         # Σ|W|
                if grads:
                    np.sign(W, out=work)
                    work *= reg_rate
                    gW += work                                     # ∂J/∂W += λ sign(W)
        return 0.5 * reg_rate * total if regularization == "l2" else reg_rate * total

    def cost(self, X: np.ndarray, Y: np.ndarray, loss: str | Loss = "mse", regularization: str = "none",
             reg_rate: float = 0.0) -> float:
        """J = J_data + penalty by a forward pass only (e.g. on the test set).

        Uses its own work arrays: ``zs``, ``activations``, ``deltas`` and the gradients of the
        last :meth:`loss_and_gradients` are left as they were.
        """
        loss = get_loss(loss)
        X = self._check_X(X)
        Y = self._check_Y(Y, len(X))
        buf = self._buffers(len(X), False)
        self._forward(X, buf)
        self.last_data_cost = self._data_cost(loss, buf, Y)
        self.last_penalty = self._penalty(regularization, reg_rate, grads=False)
        return self.last_data_cost + self.last_penalty

    # -- backward --------------------------------------------------------------------------
    def loss_and_gradients(self, X: np.ndarray, Y: np.ndarray, loss: str | Loss = "mse",
                           regularization: str = "none", reg_rate: float = 0.0
                           ) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """Forward and backward pass: (J, [∂J/∂W_l], [∂J/∂b_l]) with J = J_data + penalty.

        The per-layer errors δ_l = ∂J/∂z_l are kept in ``deltas``; J_data and the penalty in
        ``last_data_cost`` and ``last_penalty``. The gradient arrays are buffers that the next
        call overwrites.
        """
        loss = get_loss(loss)
        X = self._check_X(X)
        n = len(X)
        Y = self._check_Y(Y, n)
        buf = self._buffers(n, True)
        self._forward(X, buf)
        z, out, delta, work = buf.z, buf.out, buf.delta, buf.work
        acts, L = self.layer_activations, len(z)

        # output error δ_L = ∂J/∂z_L
        d = delta[-1]
        if loss.natural_activation == self.output_activation.name:
            np.subtract(out, Y.T, out=d)
            d *= 1.0 / n                                           # δ_L = (ŷ − y)/n
            data_cost = self._data_cost(loss, buf, Y)
        elif loss.name == "mse":
            np.subtract(out, Y.T, out=d)                           # ŷ − y
            data_cost = float(np.vdot(d, d)) / (2 * n)             # J = 1/(2n) Σ (ŷ − y)²
            d *= 1.0 / n                                           # ∂J/∂ŷ = (ŷ − y)/n
            acts[-1]._backward_inplace(z[-1], out, d, work[-1], 0)  # δ_L = f'(z_L) ⊙ ∂J/∂ŷ
        else:
            np.copyto(d, loss.gradient(out.T, Y).T)                # ∂J/∂ŷ
            data_cost = loss.value(out.T, Y)
            acts[-1]._backward_inplace(z[-1], out, d, work[-1], 0)  # δ_L = f'(z_L) ⊙ ∂J/∂ŷ

        inputs, gWb, Wb = buf.inputs, self._gWb, self._Wb
        for l in range(L - 1, 0, -1):
            np.dot(inputs[l], delta[l].T, out=gWb[l])              # [∂J/∂W_l; ∂J/∂b_l] = [a_{l−1}; 1]ᵀ δ_l
            prev = delta[l - 1]
            np.dot(Wb[l][:-1], delta[l], out=prev)                 # δ_l W_lᵀ  (transposed layout)
            acts[l - 1]._backward_inplace(z[l - 1], buf.a[l - 1], prev, work[l - 1], 0)  # ⊙ f'(z_{l−1})
        np.dot(inputs[0], delta[0].T, out=gWb[0])

        penalty = self._penalty(regularization, reg_rate, grads=True)
        self.last_data_cost, self.last_penalty = data_cost, penalty
        self.zs, self.deltas = buf.zs, buf.deltas
        self.activations = [X, *buf.activation_views]
        return data_cost + penalty, list(self._grad_weights), list(self._grad_biases)

    def __repr__(self) -> str:
        return (f"MLP({self.layer_sizes}, hidden_activation={self.hidden_activation.name!r}, "
                f"output_activation={self.output_activation.name!r}, init={self.init!r}, seed={self.seed})")


def _rebuild(config: dict[str, Any], state: dict[str, Any]) -> MLP:
    model = MLP(**config)
    model.set_state(state)
    return model
