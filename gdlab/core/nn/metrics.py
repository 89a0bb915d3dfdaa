"""How good the network's answers are, in the words a class uses: accuracy, the confusion matrix, R².

The cost J is what gradient descent minimises; these metrics are what a person reads. Outputs
ŷ are (n, k), one row per sample, as :meth:`~gdlab.core.nn.network.MLP.forward` gives them; targets
y are what :mod:`gdlab.core.data.datasets` gives: (n, 1) 0/1 for a binary task, one-hot (n, C) for a
multiclass task (class ids (n,) are accepted too), (n, 1) real values for regression.

* predicted class ĉ: binary  ĉ = 1 if ŷ > 0.5 else 0   (the sigmoid output read as P(class 1);
                                                        ŷ = 0.5 exactly counts as class 0)
                     multiclass  ĉ = argmax_k ŷ_k        (ties: the lowest k)
* accuracy     = (1/n) Σ_i [ĉ_i = c_i]                    (the share of samples classified right)
* confusion    C[t, p] = #{i : c_i = t, ĉ_i = p}         (rows: true class, columns: predicted)
* R²           = 1 − SS_res / SS_tot,  SS_res = Σ_i (y_i − ŷ_i)²,  SS_tot = Σ_i (y_i − ȳ)²

:class:`Scorer` computes the metric of one fixed data set (train or test) from an output array
with a handful of numpy calls into preallocated buffers, so a training loop can record it every
iteration at almost no cost.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

BINARY, MULTICLASS, REGRESSION = "binary", "multiclass", "regression"
THRESHOLD = 0.5
ACCURACY, R2 = "accuracy", "R²"


def metric_name(task: str) -> str:
    """"accuracy" for a classification task, "R²" for regression."""
    _check_task(task)
    return R2 if task == REGRESSION else ACCURACY


def _check_task(task: str) -> None:
    if task not in (BINARY, MULTICLASS, REGRESSION):
        raise ValueError(f"task must be binary, multiclass or regression, got {task!r}")


def predicted_classes(y_hat: ArrayLike, task: str) -> np.ndarray:
    """ĉ (n,) int: binary ĉ = [ŷ > 0.5]; multiclass ĉ = argmax_k ŷ_k."""
    y_hat = np.asarray(y_hat, dtype=np.float64)
    if y_hat.ndim == 1:
        y_hat = y_hat[:, None]
    if task == BINARY:
        return (y_hat[:, 0] > THRESHOLD).astype(np.int64)                 # ĉ = [ŷ > 0.5]
    if task == MULTICLASS:
        ids: np.ndarray = np.argmax(y_hat, axis=1)                        # ĉ = argmax_k ŷ_k (the stubs say Any)
        return ids.astype(np.int64)
    _check_task(task)
    raise ValueError("a regression task has no classes")


def true_classes(y: ArrayLike, task: str) -> np.ndarray:
    """c (n,) int from targets: binary 0/1 (n, 1) or (n,); multiclass one-hot (n, C) or ids (n,)."""
    y = np.asarray(y)
    if y.ndim == 1:
        return y.astype(np.int64) if task == MULTICLASS else (y > THRESHOLD).astype(np.int64)
    if task == BINARY:
        return (y[:, 0] > THRESHOLD).astype(np.int64)
    if task == MULTICLASS:
        ids: np.ndarray = np.argmax(y, axis=1)                            # (the stubs say Any)
        return ids.astype(np.int64)
    _check_task(task)
    raise ValueError("a regression task has no classes")


def accuracy(y_hat: ArrayLike, y: ArrayLike, task: str) -> float:
    """accuracy = (1/n) Σ_i [ĉ_i = c_i] with ĉ = [ŷ > 0.5] (binary) or argmax_k ŷ_k (multiclass).

    NaN for no samples (an empty test set). (A NaN output, from a diverged run, reads as class 0
    in the binary case: the number then means nothing, as the cost says.)
    """
    pred, true = predicted_classes(y_hat, task), true_classes(y, task)
    if len(pred) != len(true):
        raise ValueError(f"{len(pred)} outputs but {len(true)} targets")
    if len(true) == 0:
        return math.nan
    return float(np.count_nonzero(pred == true)) / len(true)


def confusion_matrix(y_hat: ArrayLike, y: ArrayLike, task: str, n_classes: int) -> np.ndarray:
    """C (n_classes, n_classes) int64 with C[t, p] = #{i : c_i = t, ĉ_i = p}.

    Rows are the true class, columns the predicted one: the diagonal holds the samples classified
    right, Σ_t C[t, t] / n is the accuracy, and each row sums to that class's sample count.
    """
    if task == REGRESSION:
        raise ValueError("a regression task has no confusion matrix")
    if n_classes < 2:
        raise ValueError(f"a confusion matrix needs at least 2 classes, got {n_classes}")
    pred, true = predicted_classes(y_hat, task), true_classes(y, task)
    if len(pred) != len(true):
        raise ValueError(f"{len(pred)} outputs but {len(true)} targets")
    if len(true) and (true.max() >= n_classes or pred.max() >= n_classes or true.min() < 0):
        raise ValueError(f"class ids must lie in 0 … {n_classes - 1}")
    counts = np.bincount(true * n_classes + pred, minlength=n_classes * n_classes)  # cell t·C + p
    return counts.reshape(n_classes, n_classes).astype(np.int64)


def r_squared(y_hat: ArrayLike, y: ArrayLike) -> float:
    """R² = 1 − SS_res / SS_tot, SS_res = Σ_i (y_i − ŷ_i)², SS_tot = Σ_i (y_i − ȳ)² (ȳ per column).

    1 is a perfect fit, 0 is no better than always answering the mean ȳ, and it is negative for
    worse. When the targets are all equal (SS_tot = 0) R² is 1 for a perfect fit and 0 otherwise
    (scikit-learn's convention), so it is always defined; NaN only for no samples.
    """
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    y_hat = y_hat.reshape(y.shape)
    if len(y) == 0:
        return math.nan
    ss_res = float(np.sum((y - y_hat) ** 2))                    # SS_res = Σ (y − ŷ)²
    ss_tot = float(np.sum((y - y.mean(axis=0)) ** 2))           # SS_tot = Σ (y − ȳ)²
    return _r2(ss_res, ss_tot)


def _r2(ss_res: float, ss_tot: float) -> float:
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot                                # R² = 1 − SS_res/SS_tot


def metric(y_hat: ArrayLike, y: ArrayLike, task: str) -> float:
    """The task's metric: accuracy for classification, R² for regression."""
    return r_squared(y_hat, y) if task == REGRESSION else accuracy(y_hat, y, task)


class Scorer:
    """The metric of one fixed data set, fast: ``Scorer(y, task)(y_hat)``.

    Same numbers as :func:`accuracy` / :func:`r_squared`, computed into buffers made once, in the
    transposed (outputs, samples) layout the network's own output buffer has, so one call is
    three numpy calls (threshold or argmax, compare, count) — about a microsecond, cheap enough
    for every iteration. ``score`` is the same as calling the scorer, one Python call fewer.
    """

    def __init__(self, y: ArrayLike, task: str):
        _check_task(task)
        self.task = task
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 1:
            y = y[:, None] if task != MULTICLASS else y
        self.n = len(y)
        self._scored = False                                              # buffers hold a result
        if task == REGRESSION:
            self._yT = np.ascontiguousarray(y.T)                          # (k, n)
            self._work = np.empty_like(self._yT)
            with np.errstate(over="ignore"):  # targets beyond ±1e154: SS_tot is inf (R² then 1 or NaN)
                self._ss_tot = float(np.sum((y - y.mean(axis=0)) ** 2)) if self.n else 0.0
        elif task == BINARY:
            self._truth = true_classes(y, task).astype(bool)[None, :]   # (1, n)
            self._hits: NDArray[np.bool_] = np.empty((1, self.n), dtype=bool)
            self._threshold = np.array(THRESHOLD)                       # 0-d: the fastest operand for a ufunc
        else:
            self._truth = true_classes(y, task)                         # (n,)
            self._argmax = np.empty(self.n, dtype=np.intp)
            self._hits = np.empty(self.n, dtype=bool)
        self.score = (self._empty if self.n == 0 else
                      {BINARY: self._binary, MULTICLASS: self._multiclass, REGRESSION: self._regression}[task])

    def __call__(self, y_hat: np.ndarray) -> float:
        """The metric of outputs ``y_hat`` (n, k) for this data set's targets."""
        return self.score(y_hat)

    @staticmethod
    def _empty(_y_hat: np.ndarray) -> float:
        return math.nan

    def _binary(self, y_hat: np.ndarray, _greater: np.ufunc = np.greater, _equal: np.ufunc = np.equal,
                _count: Callable[..., int] = np.count_nonzero) -> float:
        hits = self._hits
        _greater(y_hat.T, self._threshold, hits)                          # ĉ = [ŷ > 0.5]   (y_hat.T: (1, n))
        _equal(hits, self._truth, hits)                                   # [ĉ = c]
        self._scored = True
        return _count(hits) / self.n                                      # (1/n) Σ [ĉ = c]

    def _multiclass(self, y_hat: np.ndarray) -> float:
        np.argmax(y_hat.T, axis=0, out=self._argmax)                      # ĉ = argmax_k ŷ_k
        np.equal(self._argmax, self._truth, self._hits)
        self._scored = True
        return np.count_nonzero(self._hits) / self.n

    def _regression(self, y_hat: np.ndarray) -> float:
        work = self._work
        np.subtract(y_hat.T, self._yT, work)                              # ŷ − y
        return _r2(float(np.vdot(work, work)), self._ss_tot)              # 1 − SS_res/SS_tot

    def confusion(self, n_classes: int) -> np.ndarray:
        """The confusion matrix C[t, p] of the outputs last scored (zeros before any), from what
        that call left in the buffers — no second forward pass. Binary: the buffer holds the hits
        h = [ĉ = c], so ĉ = c where h and 1 − c elsewhere, i.e. ĉ = [h = c]."""
        if self.task == REGRESSION:
            raise ValueError("a regression task has no confusion matrix")
        if self.n == 0 or not self._scored:
            return np.zeros((n_classes, n_classes), dtype=np.int64)
        if self.task == BINARY:
            true = self._truth[0].astype(np.int64)
            pred = (self._hits[0] == self._truth[0]).astype(np.int64)     # ĉ = [h = c]
        else:
            true, pred = self._truth, self._argmax.astype(np.int64)
        counts = np.bincount(true * n_classes + pred, minlength=n_classes * n_classes)
        return counts.reshape(n_classes, n_classes).astype(np.int64)
