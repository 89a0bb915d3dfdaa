"""What the views draw for inputs of more than two features (the decision map needs exactly two):

* image data (a dataset with an ``image_shape``, e.g. the 8×8 digits): a **gallery** of test
  images with their true and predicted classes, and each first-layer neuron's incoming weights
  drawn as an image of the same shape ("what it looks for": neuron j's weights W₁[i, j] over the
  pixels i, so z_j = Σᵢ W₁[i, j]·xᵢ + b_j is large where the image's ink lies on its positive weights);
* other data of more than two features: the points' coordinates on the first two **principal
  components** (:mod:`gdlab.core.data.projection`), with every point's predicted class.

The predicted class is ĉ = argmax_k ŷ_k (binary: ĉ = [ŷ > 0.5]), as the accuracy counts it
(:func:`gdlab.core.nn.metrics.predicted_classes`). Everything here is computed in the core; the
views only lay it out.
"""
from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from ..data.datasets import Dataset
from ..data.projection import principal_components
from ..nn.metrics import predicted_classes
from ..nn.network import MLP


class NetworkMaps(Protocol):
    """What the pictures need of a network run (:class:`gdlab.core.run.network_maps.NetworkMaps` is one)."""

    model: MLP
    features: Any
    dataset: Dataset
    train_set: Dataset
    test_set: Dataset
    task: str
    _projection: Any

    @property
    def class_names(self) -> list[str]: ...

    def predict(self, X: np.ndarray, model: MLP | None = None) -> np.ndarray: ...

    @staticmethod
    def _targets(part: Dataset) -> np.ndarray: ...

GALLERY_SIZE = 40   # images in the gallery: 5 rows of 8 fit a projector's view with readable labels


def _classes(run: NetworkMaps, X: np.ndarray, model: MLP | None) -> np.ndarray:
    if len(X) == 0:
        return np.zeros(0, dtype=np.int64)
    return predicted_classes(run.predict(X, model), run.task).astype(np.int64)


def gallery(run: NetworkMaps, count: int = GALLERY_SIZE, model: MLP | None = None) -> dict[str, Any] | None:
    """The first ``count`` test images (training images when there is no test set), as
    {"images": (m, rows, cols), "true": (m,), "predicted": (m,), "wrong": (m,) bool, "part": "test"
    or "train", "index": (m,) their rows in that set, "class_names", "levels": (lo, hi) the darkest and
    lightest pixel values of the whole dataset (0 paper, 16 ink for raw counts; one scale for every image)};
    None for data that are not images."""
    shape = run.dataset.image_shape
    if shape is None or run.task == "regression":
        return None
    part, data = ("test", run.test_set) if run.test_set.n_samples else ("train", run.train_set)
    m = min(int(count), data.n_samples)
    X = data.X[:m]
    assert data.labels is not None
    true = data.labels[:m].copy()
    predicted = _classes(run, X, model)
    return {"images": X.reshape(m, *shape).copy(), "true": true, "predicted": predicted,
            "wrong": predicted != true, "part": part, "index": np.arange(m), "class_names": list(run.class_names),
            "levels": _levels(run.dataset.X)}


def _levels(X: np.ndarray) -> tuple[float, float]:
    """(lo, hi) of the pixel values, hi > lo: the images' grey scale (lo paper, hi ink)."""
    lo, hi = (float(X.min()), float(X.max())) if X.size else (0.0, 1.0)
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def weight_images(run: NetworkMaps, model: MLP | None = None) -> np.ndarray | None:
    """(neurons, rows, cols): neuron j's incoming weights W₁[i, j] from the raw pixels i, laid out as
    the image (a copy); None for data that are not images or a network without the raw inputs x."""
    shape = run.dataset.image_shape
    if shape is None or "x" not in run.features:
        return None
    W = (model or run.model).weights[0]
    pixels = shape[0] * shape[1]
    return W[:pixels].T.reshape(W.shape[1], *shape).copy()   # row j: W₁[:, j], the raw inputs come first


def projection(run: NetworkMaps, model: MLP | None = None) -> dict[str, Any] | None:
    """For more than two features: {"train": P (n, 2), "test": P, "labels": the axes' names with their
    share of the variance, "true" and "predicted": {"train": c, "test": c} (regression: the targets,
    and no "predicted")}; the axes are the principal components
    of all the points (train and test), computed once per run. None for two features or fewer."""
    data = run.dataset
    if data.n_features <= 2:
        return None
    cached = getattr(run, "_projection", None)
    if cached is None:
        cached = principal_components(data.X, 2)
        run._projection = cached
    shares = [f"PC{k + 1} ({100 * cached.explained[k]:.0f} % of the variance)" for k in range(2)]
    out: dict[str, Any] = {"train": cached.apply(run.train_set.X), "test": cached.apply(run.test_set.X),
                           "labels": shares, "true": {"train": run._targets(run.train_set),
                                                      "test": run._targets(run.test_set)}}
    if run.task != "regression":
        out["predicted"] = {"train": _classes(run, run.train_set.X, model),
                            "test": _classes(run, run.test_set.X, model)}
    return out
