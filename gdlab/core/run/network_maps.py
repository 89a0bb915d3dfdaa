"""What a network run is read as, besides its history: predictions, the data map with its
decision boundary or fitted curve, each neuron's map, one sample's activations, and the cost
over two weights (the landscape view) with the path those weights took.

:class:`NetworkMaps` is a mixin of :class:`~gdlab.core.run.network_run.NetworkRun`; the attributes
it reads are the run's, declared here for the type checker.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..data.datasets import Dataset
from ..data.features import expand_features
from ..files.experiment import Experiment
from ..nn.metrics import Scorer
from ..nn.network import MLP
from ..surface.contour import isoline
from . import data_pictures
from .history import History


class NetworkMaps:
    """The pictures of a network run (see the module docstring)."""

    model: MLP
    features: Any
    dataset: Dataset
    train_set: Dataset
    test_set: Dataset
    X_train: np.ndarray
    Y_train: np.ndarray
    history: History
    loss: str
    tracked_ids: list[tuple[int, int, int]]
    task: str
    n_classes: int
    _score_train: Scorer
    _score_test: Scorer
    _values: dict[str, Any]
    _experiment: Experiment
    _grid: tuple[np.ndarray, np.ndarray, tuple[int, float | None], np.ndarray]  # view_data's (xs, ys, key, points)
    _projection: Any = None  # data_pictures.projection's principal axes, computed once

    def weight_images(self, model: MLP | None = None) -> np.ndarray | None:
        """Each first-layer neuron's incoming weights as an image, for image data (see
        :func:`~gdlab.core.run.data_pictures.weight_images`)."""
        return data_pictures.weight_images(self, model)

    def confusion(self) -> dict[str, np.ndarray]:
        """{"train": C, "test": C}, C[t, p] = #{samples of true class t predicted as p}, for the
        current weights (empty for regression). Counted from the outputs the last evaluation kept,
        so it costs no forward pass."""
        if self.task == "regression":
            return {}
        return {"train": self._score_train.confusion(self.n_classes),
                "test": self._score_test.confusion(self.n_classes)}

    @property
    def class_names(self) -> list[str]:
        """Names of the classes 0 … C−1 (your own data's or the dataset's names, else "0", "1", …);
        [] for regression."""
        points = self._experiment.points
        names = list(getattr(points, "class_names", None) or ()) if points is not None else list(
            self.dataset.class_names)
        return names if len(names) == self.n_classes else [str(c) for c in range(self.n_classes)]

    def sample_activations(self, index: int, model: MLP | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
        """(z_l, a_l) of every layer for training sample ``index`` (copies), by a forward pass
        (of ``model``: e.g. the network at an earlier iteration; default the run's own)."""
        x = self.X_train[int(index) % len(self.X_train)][None, :]
        probe = (model or self.model).copy()
        with np.errstate(all="ignore"):
            probe.forward(x)
        return [(z[0].copy(), a[0].copy()) for z, a in zip(probe.zs, probe.activations[1:])]

    def neuron_maps(self, resolution: int = 24, model: MLP | None = None) -> list[np.ndarray] | None:
        """Every neuron's output a over the input plane, for 2-D inputs: a list (one per layer) of
        arrays (neurons, resolution, resolution), rows along x₂. None for other inputs."""
        if self.dataset.n_features != 2:
            return None
        lo, hi = self.dataset.X.min(axis=0), self.dataset.X.max(axis=0)
        pad = 0.1 * (hi - lo) + 1e-9
        xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
        ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
        gx, gy = np.meshgrid(xs, ys)
        probe = (model or self.model).copy()
        with np.errstate(all="ignore"):
            probe.forward(expand_features(np.column_stack([gx.ravel(), gy.ravel()]), self.features))
        return [a.T.reshape(-1, resolution, resolution).copy() for a in probe.activations[1:]]

    def predict(self, X: np.ndarray, model: MLP | None = None) -> np.ndarray:
        """The network's output for raw inputs ``X`` (features are expanded here)."""
        with np.errstate(all="ignore"):
            return (model or self.model).forward(expand_features(np.asarray(X, dtype=float), self.features)).copy()

    def view_data(self, resolution: int = 60, include_points: bool = True, model: MLP | None = None,
                  aspect: float | None = None) -> dict[str, Any]:
        """What a data view draws: the raw points and the network's current output over the input space.

        2-D inputs: ``map`` = (xs, ys, Z), Z the output on a grid, shape (ny, nx) for one output
        (e.g. P(class 1)) or (ny, nx, C) for softmax; the grid spans the data and a tenth more on
        each side, widened to ``aspect`` (width : height, the view's) so the map fills the view.
        1-D inputs: ``curve`` = (x, ŷ(x)).
        More inputs (:mod:`~gdlab.core.run.data_pictures`): image data give a ``gallery`` of test
        images with their predicted classes; other data a ``projection`` on the first two principal
        components with every point's predicted class. No map: it means something for two inputs only.
        """
        data = self.dataset
        out: dict[str, Any] = {"task": data.task, "n_features": data.n_features}
        if include_points:
            out["train"] = (self.train_set.X.copy(), self._targets(self.train_set))
            out["test"] = (self.test_set.X.copy(), self._targets(self.test_set))
        if data.n_features == 2:
            key = (resolution, None if aspect is None or aspect <= 0 else round(aspect, 2))
            if getattr(self, "_grid", None) is None or self._grid[2] != key:
                lo, hi = data.X.min(axis=0), data.X.max(axis=0)
                pad = 0.1 * (hi - lo) + 1e-9
                lo, hi = lo - pad, hi + pad
                if key[1] is not None:
                    centre, span = (lo + hi) / 2, hi - lo
                    span = np.maximum(span, [span[1] * key[1], span[0] / key[1]])   # width = aspect · height
                    lo, hi = centre - span / 2, centre + span / 2
                xs = np.linspace(lo[0], hi[0], resolution)
                ys = np.linspace(lo[1], hi[1], resolution)
                gx, gy = np.meshgrid(xs, ys)
                self._grid = (xs, ys, key, np.column_stack([gx.ravel(), gy.ravel()]))
            xs, ys, _, points = self._grid
            z = self.predict(points, model)
            z = z[:, 0].reshape(len(ys), len(xs)) if z.shape[1] == 1 else z.reshape(len(ys), len(xs), -1)
            out["map"] = (xs.copy(), ys.copy(), z)
            if z.ndim == 2 and data.task == "binary":
                out["boundary"] = isoline(xs, ys, z, 0.5)  # the decision boundary P(class 1) = 0.5
        elif data.image_shape is not None:
            out["gallery"] = data_pictures.gallery(self, model=model)
        elif data.n_features > 2:
            out["projection"] = data_pictures.projection(self, model=model)
        elif data.n_features == 1:
            lo, hi = float(data.X.min()), float(data.X.max())
            pad = 0.05 * (hi - lo) + 1e-9
            x = np.linspace(lo - pad, hi + pad, 200)
            out["curve"] = (x, self.predict(x[:, None], model)[:, 0])
        return out

    @staticmethod
    def _targets(part: Dataset) -> np.ndarray:
        return part.labels.copy() if part.labels is not None else part.y[:, 0].copy()

    def weight_path(self, wid_a: tuple[int, int, int], wid_b: tuple[int, int, int],
                    max_points: int = 3000) -> np.ndarray:
        """(m, 2): the values two weights took, iteration by iteration (the tracked history; a
        weight not tracked gives only its current value). Long paths are thinned evenly to at most
        ``max_points``, always keeping the newest point."""
        cols = []
        for wid in (tuple(wid_a), tuple(wid_b)):
            if wid in self.tracked_ids:
                cols.append(self.history.view("tracked")[:, self.tracked_ids.index(wid)])
            else:
                l, i, j = wid
                cols.append(np.array([self.model.weights[l][i, j]]))
        n = min(len(c) for c in cols)
        path = np.column_stack([c[-n:] for c in cols])
        if len(path) > max_points:
            keep = np.unique(np.linspace(0, len(path) - 1, max_points).round().astype(int))
            path = path[keep]
        return path.copy()

    def cost_slice(self, wid_a: tuple[int, int, int], wid_b: tuple[int, int, int], xs: np.ndarray,
                   ys: np.ndarray) -> np.ndarray:
        """The training cost J over a plane through the current weights: weight ``wid_a`` set to
        each of ``xs`` and ``wid_b`` to each of ``ys``, every other weight held where it is now.

        Returns Z of shape (len(ys), len(xs)), Z[i, j] = J(w_a = xs[j], w_b = ys[i]) — the
        network's own cost landscape in two of its weights (a slice, since J lives in the space
        of all the weights). Non-finite costs are returned as they are.
        """
        probe = self.model.copy()
        (la, ia, ja), (lb, ib, jb) = wid_a, wid_b
        Wa, Wb = probe.weights[la], probe.weights[lb]
        v = self._values
        Z = np.empty((len(ys), len(xs)))
        with np.errstate(all="ignore"):
            for i, y in enumerate(ys):
                Wb[ib, jb] = y
                for j, x in enumerate(xs):
                    Wa[ia, ja] = x
                    Z[i, j] = probe.cost(self.X_train, self.Y_train, self.loss, v["regularization"], v["reg_rate"])
        return Z
