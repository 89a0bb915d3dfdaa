"""Activation functions a = f(z), their slopes f'(z) and their backward passes.

Each :class:`Activation` has

* ``value(z)``                  a = f(z)
* ``derivative(z, a)``          f'(z), elementwise (softmax: the diagonal of its Jacobian)
* ``backward(z, a, grad_a)``    grad_z = ∂J/∂z from grad_a = ∂J/∂a (the step backprop takes
                                through the non-linearity: grad_a ⊙ f'(z), or for softmax the
                                full Jacobian-vector product)

Rows are samples and the last axis holds the neurons of a layer. Every formula is computed so
that it never overflows: |z| up to 1e4 gives finite values and no numpy warning.

The methods with a leading underscore are the allocation-free forms the network's hot path
uses: they write into given buffers and take the neuron ``axis`` (the network stores layers as
(neurons, samples), so it passes ``axis=0``).
"""
from __future__ import annotations

import numpy as np

from .activation_kernels import EXP_MAX as _EXP_MAX  # e^709: the largest power of e below 1.8e308
from .activation_kernels import LEAKY_SLOPE
from .named import by_name


class Activation:
    """A non-linearity a = f(z) applied to a layer's pre-activations z."""

    name: str = ""
    formula: str = ""             # f(z), for labels and tooltips
    derivative_formula: str = ""  # f'(z)
    elementwise: bool = True
    kinked: bool = False          # f' jumps at z = 0, where no finite difference can measure it

    # -- the public, allocating API --------------------------------------------------------
    def value(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """a = f(z) (a new array unless ``out`` is given)."""
        z = np.asarray(z, dtype=np.float64)
        if out is None:
            out = np.empty_like(z)
        self._value_into(z, out, -1)
        return out

    def derivative(self, z: np.ndarray, a: np.ndarray | None = None) -> np.ndarray:
        """f'(z), elementwise; ``a = f(z)`` may be given to save recomputing it."""
        z = np.asarray(z, dtype=np.float64)
        a = self.value(z) if a is None else np.asarray(a, dtype=np.float64)
        out = np.empty(np.broadcast_shapes(z.shape, a.shape))
        self._derivative_into(z, a, out)
        return out

    def backward(self, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
        """grad_z = ∂J/∂z given grad_a = ∂J/∂a: grad_z = grad_a ⊙ f'(z) for elementwise f."""
        z = np.asarray(z, dtype=np.float64)
        a = np.asarray(a, dtype=np.float64)
        grad_z = np.array(grad_a, dtype=np.float64)  # a copy: worked on in place below
        self._backward_inplace(z, a, grad_z, np.empty_like(grad_z), -1)
        return grad_z

    # -- the allocation-free forms (the network's hot path) ---------------------------------
    def _value_into(self, z: np.ndarray, out: np.ndarray, axis: int) -> None:
        raise NotImplementedError

    def _derivative_into(self, z: np.ndarray, a: np.ndarray, out: np.ndarray) -> None:
        raise NotImplementedError

    def _backward_inplace(self, z: np.ndarray, a: np.ndarray, g: np.ndarray, work: np.ndarray,
                          axis: int) -> None:
        """g <- g ⊙ f'(z) in place (``work`` is a scratch buffer shaped like g)."""
        self._derivative_into(z, a, work)
        np.multiply(g, work, out=g)

    def __repr__(self) -> str:
        return f"<Activation {self.name}: {self.formula}>"


class _Linear(Activation):
    """The identity: f(z) = z, f'(z) = 1 (regression outputs)."""

    name, formula, derivative_formula = "linear", "f(z) = z", "f'(z) = 1"

    def _value_into(self, z: np.ndarray, out: np.ndarray, axis: int) -> None:
        if out is not z:
            np.copyto(out, z)  # a = z

    def _derivative_into(self, z: np.ndarray, a: np.ndarray, out: np.ndarray) -> None:
        out.fill(1.0)  # f'(z) = 1

    def _backward_inplace(self, z: np.ndarray, a: np.ndarray, g: np.ndarray, work: np.ndarray,
                          axis: int) -> None:
        pass  # grad_z = grad_a · 1


class _Sigmoid(Activation):
    """The logistic function σ(z) = 1/(1 + e^{−z}); σ'(z) = σ(z)(1 − σ(z)).

    e^{−z} is formed from −z capped at 709 so it never overflows; the cap only matters for
    z < −709, where σ(z) < 1e-308 is zero to float64 anyway. For z ≥ 0 the formula is exact
    as written, for z < 0 it keeps full relative accuracy (no 1 − x cancellation).
    """

    name, formula, derivative_formula = "sigmoid", "σ(z) = 1/(1 + e^{−z})", "σ'(z) = σ(z)(1 − σ(z))"

    def _value_into(self, z: np.ndarray, out: np.ndarray, axis: int) -> None:
        np.negative(z, out=out)               # −z
        np.minimum(out, _EXP_MAX, out=out)    # capped so e^{−z} stays finite
        np.exp(out, out=out)                  # e^{−z}
        out += 1.0                            # 1 + e^{−z}
        np.divide(1.0, out, out=out)          # σ = 1/(1 + e^{−z})  (divide is vectorised, reciprocal is not)

    def _derivative_into(self, z: np.ndarray, a: np.ndarray, out: np.ndarray) -> None:
        np.subtract(1.0, a, out=out)          # 1 − σ
        np.multiply(out, a, out=out)          # σ'(z) = σ(1 − σ)


class _Tanh(Activation):
    """The hyperbolic tangent: f(z) = tanh z; f'(z) = 1 − tanh² z."""

    name, formula, derivative_formula = "tanh", "f(z) = tanh z", "f'(z) = 1 − tanh² z"

    def _value_into(self, z: np.ndarray, out: np.ndarray, axis: int) -> None:
        np.tanh(z, out=out)                   # a = tanh z

    def _derivative_into(self, z: np.ndarray, a: np.ndarray, out: np.ndarray) -> None:
        np.multiply(a, a, out=out)            # tanh² z
        np.subtract(1.0, out, out=out)        # f'(z) = 1 − tanh² z


class _ReLU(Activation):
    """The rectifier: f(z) = max(0, z); f'(z) = 1 for z > 0 and 0 for z ≤ 0 (0 at the kink)."""

    name, formula, derivative_formula = "relu", "f(z) = max(0, z)", "f'(z) = 1 if z > 0 else 0"
    kinked = True

    def _value_into(self, z: np.ndarray, out: np.ndarray, axis: int) -> None:
        np.maximum(z, 0.0, out=out)           # a = max(0, z)

    def _derivative_into(self, z: np.ndarray, a: np.ndarray, out: np.ndarray) -> None:
        np.heaviside(z, 0.0, out=out)         # f'(z) = [z > 0]


class _LeakyReLU(Activation):
    """The leaky rectifier: f(z) = z for z > 0 and s·z otherwise (s = 0.01); f'(z) = 1 or s."""

    name = "leaky_relu"
    slope = LEAKY_SLOPE
    kinked = True
    formula, derivative_formula = "f(z) = max(z, 0.01 z)", "f'(z) = 1 if z > 0 else 0.01"

    def _value_into(self, z: np.ndarray, out: np.ndarray, axis: int) -> None:
        np.multiply(z, self.slope, out=out)   # s·z
        np.maximum(z, out, out=out)           # a = max(z, s·z)   (as 0 < s < 1)

    def _derivative_into(self, z: np.ndarray, a: np.ndarray, out: np.ndarray) -> None:
        np.heaviside(z, 0.0, out=out)         # [z > 0]
        out *= 1.0 - self.slope
        out += self.slope                     # f'(z) = s + (1 − s)[z > 0]


class _Softmax(Activation):
    """The softmax over a layer: s_k = e^{z_k} / Σ_j e^{z_j} (each row sums to 1).

    Computed as e^{z_k − m} / Σ_j e^{z_j − m} with m = max_j z_j, so no exponent is positive.
    Its Jacobian is ∂s_k/∂z_j = s_k(δ_kj − s_j); :meth:`derivative` returns only the diagonal
    s_k(1 − s_k), while :meth:`backward` (what backprop uses) applies the full Jacobian:
    grad_z = s ⊙ (grad_a − Σ_k grad_a,k s_k).
    """

    name, formula = "softmax", "s_k = e^{z_k} / Σ_j e^{z_j}"
    derivative_formula = "∂s_k/∂z_k = s_k(1 − s_k)  (full Jacobian s_k(δ_kj − s_j) in backprop)"
    elementwise = False

    def _value_into(self, z: np.ndarray, out: np.ndarray, axis: int) -> None:
        np.subtract(z, z.max(axis=axis, keepdims=True), out=out)   # z − max z  (≤ 0)
        np.exp(out, out=out)                                        # e^{z − m}
        out /= out.sum(axis=axis, keepdims=True)                    # s = e^{z − m} / Σ e^{z − m}

    def _derivative_into(self, z: np.ndarray, a: np.ndarray, out: np.ndarray) -> None:
        np.subtract(1.0, a, out=out)
        np.multiply(out, a, out=out)          # diagonal of the Jacobian: s(1 − s)

    def _backward_inplace(self, z: np.ndarray, a: np.ndarray, g: np.ndarray, work: np.ndarray,
                          axis: int) -> None:
        np.multiply(g, a, out=work)                                 # g ⊙ s
        g -= work.sum(axis=axis, keepdims=True)                     # g − Σ_k g_k s_k
        g *= a                                                      # grad_z = s ⊙ (g − Σ g s)


linear = _Linear()
sigmoid = _Sigmoid()
tanh = _Tanh()
relu = _ReLU()
leaky_relu = _LeakyReLU()
softmax = _Softmax()

ACTIVATIONS: dict[str, Activation] = {f.name: f for f in (linear, sigmoid, tanh, relu, leaky_relu, softmax)}
ACTIVATION_NAMES: tuple[str, ...] = tuple(ACTIVATIONS)


def get_activation(name: str | Activation) -> Activation:
    """The activation called ``name`` (an :class:`Activation` is returned as it is)."""
    return by_name(ACTIVATIONS, name, Activation, "activation")
