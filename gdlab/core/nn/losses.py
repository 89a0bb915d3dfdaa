"""Cost functions J(ŷ, y), averaged over the n samples (rows).

Each :class:`Loss` has ``value(y_hat, y) -> J`` and ``gradient(y_hat, y) -> ∂J/∂ŷ`` (same shape
as ŷ). Probabilities are clipped to [1e-15, 1 − 1e-15] inside ``value`` and ``gradient``, so a
saturated output (ŷ exactly 0 or 1) gives a large but finite cost and no numpy warning.

The two losses that pair naturally with an output activation also work from the logits z (the
output layer's pre-activation), exactly and without clipping:

* ``bce`` after a sigmoid:         J = 1/n Σ [softplus(z) − y·z],      softplus(z) = log(1 + e^z)
* ``cross_entropy`` after softmax: J = −1/n Σ y · log_softmax(z)

and for both the output error collapses to δ_L = ∂J/∂z = (ŷ − y)/n (:meth:`Loss.output_delta`):
the σ' (or softmax Jacobian) in the chain rule cancels the 1/ŷ of the log. For cross-entropy this
needs each target row to sum to 1 (one-hot, or a probability distribution): in general
∂J/∂z = (ŷ Σ_k y_k − y)/n.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .named import by_name

EPS = 1e-15  # probabilities are clipped to [EPS, 1 − EPS]


def _rows(y_hat: np.ndarray) -> int:
    n = y_hat.shape[0] if y_hat.ndim else 1
    if n == 0:
        raise ValueError("a cost needs at least one sample")
    return n


def _pair(y_hat: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if y_hat.shape != y.shape:
        raise ValueError(f"predictions have shape {y_hat.shape} but targets have shape {y.shape}")
    return y_hat, y


def softplus(z: np.ndarray) -> np.ndarray:
    """softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^{−|z|}), never overflowing."""
    return np.logaddexp(0.0, np.asarray(z, dtype=np.float64))


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """log s_k = z_k − m − log Σ_j e^{z_j − m} with m = max_j z_j (no positive exponent)."""
    z = np.asarray(z, dtype=np.float64)
    shifted: np.ndarray = z - z.max(axis=axis, keepdims=True)                      # z − m
    shifted -= np.log(np.exp(shifted).sum(axis=axis, keepdims=True))      # − log Σ e^{z − m}
    return shifted


class Loss:
    """A cost J(ŷ, y) = 1/n Σ_rows ℓ(ŷ, y)."""

    name: str = ""
    formula: str = ""
    natural_activation: str | None = None  # the output activation whose logit form is fused

    def value(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def value_from_logits(self, z: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError(f"{self.name} has no logit form")

    def output_delta(self, y_hat: np.ndarray, y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """δ_L = ∂J/∂z_L = (ŷ − y)/n, valid when ŷ is this loss's natural activation of z_L."""
        if self.natural_activation is None:
            raise NotImplementedError(f"{self.name} has no fused output error")
        y_hat, y = _pair(y_hat, y)
        out = np.subtract(y_hat, y, out=out)          # ŷ − y
        out *= 1.0 / _rows(y_hat)                     # δ_L = (ŷ − y)/n
        return out

    def __repr__(self) -> str:
        return f"<Loss {self.name}: {self.formula}>"


class _MSE(Loss):
    """Mean squared error: J = 1/(2n) Σ (ŷ − y)²;  ∂J/∂ŷ = (ŷ − y)/n."""

    name, formula = "mse", "J = 1/(2n) Σ (ŷ − y)²"

    def value(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        y_hat, y = _pair(y_hat, y)
        d = (y_hat - y).ravel()                        # ŷ − y
        return float(np.dot(d, d)) / (2 * _rows(y_hat))  # J = 1/(2n) Σ (ŷ − y)²

    def gradient(self, y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
        y_hat, y = _pair(y_hat, y)
        return (y_hat - y) / _rows(y_hat)              # ∂J/∂ŷ = (ŷ − y)/n


class _BCE(Loss):
    """Binary cross-entropy: J = −1/n Σ [y log ŷ + (1 − y) log(1 − ŷ)];
    ∂J/∂ŷ = (ŷ − y) / (n ŷ(1 − ŷ)).  From logits: J = 1/n Σ [softplus(z) − y·z]."""

    name, formula = "bce", "J = −1/n Σ [y log ŷ + (1 − y) log(1 − ŷ)]"
    natural_activation = "sigmoid"

    def value(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        y_hat, y = _pair(y_hat, y)
        p = np.clip(y_hat, EPS, 1.0 - EPS)
        # J = −1/n Σ [y log ŷ + (1 − y) log(1 − ŷ)]
        return -float(np.sum(y * np.log(p) + (1.0 - y) * np.log1p(-p))) / _rows(y_hat)

    def gradient(self, y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
        y_hat, y = _pair(y_hat, y)
        p = np.clip(y_hat, EPS, 1.0 - EPS)
        return (p - y) / (p * (1.0 - p) * _rows(y_hat))   # ∂J/∂ŷ = (ŷ − y) / (n ŷ(1 − ŷ))

    def value_from_logits(self, z: np.ndarray, y: np.ndarray) -> float:
        """J = 1/n Σ [softplus(z) − y·z]  (= bce(σ(z), y) exactly, for any z)."""
        z, y = _pair(z, y)
        return float(np.sum(softplus(z) - y * z)) / _rows(z)


class _CrossEntropy(Loss):
    """Categorical cross-entropy of softmax outputs and one-hot targets: J = −1/n Σ y log ŷ;
    ∂J/∂ŷ = −y/(n ŷ).  From logits: J = −1/n Σ y · log_softmax(z)."""

    name, formula = "cross_entropy", "J = −1/n Σ y log ŷ"
    natural_activation = "softmax"

    def value(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        y_hat, y = _pair(y_hat, y)
        p = np.clip(y_hat, EPS, 1.0 - EPS)
        return -float(np.sum(y * np.log(p))) / _rows(y_hat)   # J = −1/n Σ y log ŷ

    def gradient(self, y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
        y_hat, y = _pair(y_hat, y)
        p = np.clip(y_hat, EPS, 1.0 - EPS)
        return -y / (p * _rows(y_hat))                      # ∂J/∂ŷ = −y/(n ŷ)

    def value_from_logits(self, z: np.ndarray, y: np.ndarray) -> float:
        """J = −1/n Σ y · log_softmax(z)  (rows of z are the logits of one sample)."""
        z, y = _pair(z, y)
        return -float(np.sum(y * log_softmax(z))) / _rows(z)


mse = _MSE()
bce = _BCE()
cross_entropy = _CrossEntropy()

LOSSES: dict[str, Loss] = {f.name: f for f in (mse, bce, cross_entropy)}
LOSS_NAMES: tuple[str, ...] = tuple(LOSSES)


def get_loss(name: str | Loss) -> Loss:
    """The loss called ``name`` (a :class:`Loss` is returned as it is)."""
    return by_name(LOSSES, name, Loss, "loss")
