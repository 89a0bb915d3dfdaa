"""Datasets for the network: 2-D classification patterns, 1-D regression curves and two real ones.

The real ones, ``digits`` (8×8 images) and ``iris`` (4 measurements), are read from gdlab's shipped
files (:mod:`~gdlab.core.data.real_data`); ``n_samples`` takes that many of their rows (in a
shuffle seeded by the data seed; at most all of them) and ``noise`` does not apply.

Every dataset is drawn from ``np.random.default_rng(seed)``, so the same arguments give the same
points. Inputs lie roughly in [−1, 1] (so default learning rates behave), and ``noise`` is a
standard deviation in those units:

* classification: each point is moved by ε ~ N(0, noise²) per coordinate *after* its label was
  decided from the clean position, so noise blurs the boundary without relabelling points;
* regression: the target is y = f(x) + ε with ε ~ N(0, noise²); x itself is exact.

Targets ``y`` are (n, 1) 0/1 for binary tasks, one-hot (n, C) for multiclass tasks and (n, 1)
real values for regression. Classes are balanced (sizes differ by at most one point), and the
rows are shuffled, so the classes are interleaved. The arrays of a :class:`Dataset` are
read-only: copy before changing them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .real_data import INFO as REAL_INFO
from .real_data import REAL_DATASETS, draw_rows, load_real

BINARY, MULTICLASS, REGRESSION = "binary", "multiclass", "regression"
TASKS = (BINARY, MULTICLASS, REGRESSION)

MIN_SAMPLES, MAX_SAMPLES = 4, 100_000

_LINEAR_SLOPE, _LINEAR_INTERCEPT = 0.8, 0.2   # linear: y = a·x + b
_XOR_MARGIN = 0.05                            # xor: |x_i| ≥ margin, so no point sits on an axis
_CIRCLE_INNER, _CIRCLE_RING = 0.5, (0.7, 1.0)  # circles: disc radius, ring radii
_BLOB_CENTER, _BLOB_SPREAD = 0.5, 0.3          # gaussians: centres ±(c, c), std per coordinate
_SPIRAL_TURNS = {2: 1.75, 3: 1.25}             # spiral arms -> turns of each arm
_SPIRAL_START = 0.05                           # arms start this far from the centre
_SPLIT_STREAM = 0x5EED                         # split() draws from its own stream of the seed
_SIN_AMPLITUDE = 0.8                           # sin_boundary: f(x) = 0.8·sin(πx)
_CUBIC_SCALE = 2.0                             # cubic_boundary: f(x) = 2·(x³ − x)
_ABS_OFFSET = 0.5                              # abs_boundary: f(x) = |x| − 0.5
CUSTOM = "custom"                              # the dataset value of your own (imported or drawn) points

DATASET_INFO: dict[str, str] = {
    "xor": "Two classes by quadrant: label 1 where x₁·x₂ > 0 (points in [−1, 1]²); "
           "needs a hidden layer.",
    "circles": f"Two classes: a disc of radius {_CIRCLE_INNER} (label 1) inside a ring of radii "
               f"{_CIRCLE_RING[0]}–{_CIRCLE_RING[1]} (label 0).",
    "moons": "Two interleaved half moons, one per class; the boundary between them is curved.",
    "gaussians": f"Two Gaussian blobs (std {_BLOB_SPREAD}) centred at ±({_BLOB_CENTER}, {_BLOB_CENTER}); "
                 "a straight line separates them.",
    "spiral": f"Two interleaved spiral arms of {_SPIRAL_TURNS[2]} turns, one per class; "
              "hard: needs a deeper or wider network.",
    "spiral3": f"Three interleaved spiral arms of {_SPIRAL_TURNS[3]} turns, one class each "
               "(softmax output, cross-entropy).",
    "linear": f"Regression: y = {_LINEAR_SLOPE}·x + {_LINEAR_INTERCEPT} + noise for x in [−1, 1]; "
              "a model with no hidden layer fits it.",
    "sine": "Regression: y = sin(πx) + noise for x in [−1, 1]; needs a hidden layer to bend.",
    "sin_boundary": f"Two classes split by a wave: label 1 where x₂ > {_SIN_AMPLITUDE}·sin(πx₁) "
                    "(points uniform in [−1, 1]²).",
    "cubic_boundary": f"Two classes split by a cubic: label 1 where x₂ > {_CUBIC_SCALE:g}·(x₁³ − x₁) "
                      "(points uniform in [−1, 1]²).",
    "abs_boundary": f"Two classes split by a V: label 1 where x₂ > |x₁| − {_ABS_OFFSET} "
                    "(points uniform in [−1, 1]²).",
    **REAL_INFO,
}
DATASET_NAMES: tuple[str, ...] = tuple(DATASET_INFO)


class PointsShape:
    """n and d of points ``X`` (n, d): shared by :class:`Dataset` and
    :class:`~gdlab.core.data.customdata.CustomData`."""

    __slots__ = ()
    X: np.ndarray

    @property
    def n_samples(self) -> int:
        """n, the number of points."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """d, the number of input coordinates."""
        return int(self.X.shape[1])


@dataclass(frozen=True, eq=False)
class Dataset(PointsShape):
    """Points X (n, d) and targets y (n, k), float64; ``labels`` (n,) class ids or None.

    ``task`` is "binary" (k = 1, y = label ∈ {0, 1}), "multiclass" (k = C, y one-hot) or
    "regression" (k = 1, y real; ``labels`` None, ``n_classes`` 0). ``class_names`` names the
    classes when they have names (() otherwise: "0", "1", …); ``image_shape`` (rows, columns) says
    that each point is an image read row by row (d = rows·columns), None for other data.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    labels: np.ndarray | None
    task: str
    n_classes: int
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] = ()
    image_shape: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        # read-only views, so a dataset shared by runs and plots cannot be changed by accident
        for field, dtype in (("X", np.float64), ("y", np.float64), ("labels", np.int64)):
            array = getattr(self, field)
            if array is not None:
                view = np.asarray(array, dtype=dtype).view()
                view.flags.writeable = False
                object.__setattr__(self, field, view)
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)}, got {self.task!r}")
        if self.X.ndim != 2 or self.y.ndim != 2 or len(self.y) != len(self.X):
            raise ValueError(f"X must be (n, d) and y (n, k) with the same n, got {self.X.shape} and {self.y.shape}")
        if len(self.feature_names) != self.X.shape[1]:
            raise ValueError(f"{self.X.shape[1]} features need as many names, got {self.feature_names!r}")
        if (self.labels is None) != (self.task == REGRESSION):
            raise ValueError("labels are required for classification and must be None for regression")
        if self.labels is not None and self.labels.shape != (len(self.X),):
            raise ValueError(f"labels must have shape ({len(self.X)},), got {self.labels.shape}")
        if self.image_shape is not None and self.image_shape[0] * self.image_shape[1] != self.X.shape[1]:
            raise ValueError(f"an image of {self.image_shape} pixels needs {self.X.shape[1]} inputs")

    @property
    def n_outputs(self) -> int:
        """k, the number of target columns (= output neurons)."""
        return int(self.y.shape[1])

    def __repr__(self) -> str:
        return (f"Dataset({self.name!r}, task={self.task!r}, n_samples={self.n_samples}, "
                f"n_features={self.n_features}, n_classes={self.n_classes})")


def default_output(task: str) -> tuple[str, str]:
    """(output activation, loss) that suit a task: the pairs whose output error is δ = (ŷ − y)/n."""
    if task == BINARY:
        return "sigmoid", "bce"
    if task == MULTICLASS:
        return "softmax", "cross_entropy"
    if task == REGRESSION:
        return "linear", "mse"
    raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")


# -- generators: (rng, class sizes or n, noise) -> points ----------------------------------------
def _class_sizes(n: int, classes: int) -> list[int]:
    """n split into `classes` sizes differing by at most one."""
    return [n // classes + (1 if c < n % classes else 0) for c in range(classes)]


def _jitter(rng: np.random.Generator, X: np.ndarray, noise: float) -> np.ndarray:
    """x <- x + ε,  ε ~ N(0, noise²) per coordinate."""
    if noise > 0:
        X += rng.normal(0.0, noise, X.shape)
    return X


def _polar(r: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(r cos t, r sin t)."""
    return np.column_stack((r * np.cos(t), r * np.sin(t)))


def _xor(rng: np.random.Generator, sizes: list[int]) -> list[np.ndarray]:
    """Class 1 in quadrants (+,+) and (−,−), class 0 in (+,−) and (−,+): label = [x₁·x₂ > 0]."""
    parts = []
    for label, m in enumerate(sizes):
        mag = rng.uniform(_XOR_MARGIN, 1.0, (m, 2))            # |x₁|, |x₂|
        s = rng.choice((-1.0, 1.0), m)                         # which of the class's two quadrants
        parts.append(mag * np.column_stack((s, s if label == 1 else -s)))
    return parts


def _circles(rng: np.random.Generator, sizes: list[int]) -> list[np.ndarray]:
    """Class 1: uniform in the disc r ≤ R (r = R√u); class 0: uniform in the ring r₀ ≤ r ≤ r₁."""
    r0, r1 = _CIRCLE_RING
    ring = np.sqrt(rng.uniform(r0 * r0, r1 * r1, sizes[0]))      # r = √U(r₀², r₁²): uniform by area
    disc = _CIRCLE_INNER * np.sqrt(rng.uniform(0.0, 1.0, sizes[1]))
    return [_polar(ring, rng.uniform(0.0, 2 * np.pi, sizes[0])),
            _polar(disc, rng.uniform(0.0, 2 * np.pi, sizes[1]))]


def _moons(rng: np.random.Generator, sizes: list[int]) -> list[np.ndarray]:
    """Upper moon (cos t, sin t) and lower moon (1 − cos t, ½ − sin t), t ∈ [0, π],
    then x <- (x − (½, ¼)) / 1.5 so that x₁ ∈ [−1, 1], x₂ ∈ [−½, ½]."""
    t0, t1 = rng.uniform(0.0, np.pi, sizes[0]), rng.uniform(0.0, np.pi, sizes[1])
    upper = np.column_stack((np.cos(t0), np.sin(t0)))
    lower = np.column_stack((1.0 - np.cos(t1), 0.5 - np.sin(t1)))
    return [(m - (0.5, 0.25)) / 1.5 for m in (upper, lower)]


def _gaussians(rng: np.random.Generator, sizes: list[int]) -> list[np.ndarray]:
    """Class c ~ N(μ_c, s²I) with μ₀ = −(c, c), μ₁ = +(c, c)."""
    c = _BLOB_CENTER
    return [rng.normal(mu, _BLOB_SPREAD, (m, 2)) for mu, m in zip((-c, c), sizes)]


def _spiral(rng: np.random.Generator, sizes: list[int]) -> list[np.ndarray]:
    """Arm c of C: r evenly spaced in [r₀, 1], angle t = 2π·turns·r + 2πc/C."""
    arms = len(sizes)
    turns = _SPIRAL_TURNS[arms]
    parts = []
    for c, m in enumerate(sizes):
        r = np.linspace(_SPIRAL_START, 1.0, m)
        parts.append(_polar(r, 2 * np.pi * turns * r + 2 * np.pi * c / arms))
    return parts


# Function boundaries (TensorFlow Playground #252): label 1 where x₂ > f(x₁). Each f stays inside
# (−1, 1) on [−1, 1], and each class covers exactly half of the square [−1, 1]²: sin and the cubic
# are odd, so ∫f = 0; for |x| − ½, ∫(1 − f) dx = 3 − 1 = 2 = ½ · 4.
BOUNDARY_FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin_boundary": lambda x: _SIN_AMPLITUDE * np.sin(np.pi * x),     # f(x) = 0.8·sin(πx)
    "cubic_boundary": lambda x: _CUBIC_SCALE * (x ** 3 - x),          # f(x) = 2·(x³ − x)
    "abs_boundary": lambda x: np.abs(x) - _ABS_OFFSET,                # f(x) = |x| − 0.5
}


def _boundary(f: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.random.Generator, list[int]], list[np.ndarray]]:
    """A generator of points uniform in [−1, 1]², class 1 where x₂ > f(x₁) and class 0 where x₂ ≤ f(x₁).

    Candidates x ~ U([−1, 1]²) are drawn in batches and each is kept by the class its position
    gives, until every class has its size: each class is then uniform over its own region.
    """
    def draw(rng: np.random.Generator, sizes: list[int]) -> list[np.ndarray]:
        need = list(sizes)
        parts: list[list[np.ndarray]] = [[], []]
        while any(need):
            points = rng.uniform(-1.0, 1.0, (2 * max(need) + 16, 2))
            above = points[:, 1] > f(points[:, 0])                 # label = [x₂ > f(x₁)]
            for label, members in ((0, ~above), (1, above)):
                kept = points[members][:need[label]]
                parts[label].append(kept)
                need[label] -= len(kept)
        return [np.concatenate(p) for p in parts]
    return draw


_CLASSIFIERS: dict[str, tuple[int, Callable[[np.random.Generator, list[int]], list[np.ndarray]]]] = {
    "xor": (2, _xor), "circles": (2, _circles), "moons": (2, _moons), "gaussians": (2, _gaussians),
    "spiral": (2, _spiral), "spiral3": (3, _spiral),
    **{name: (2, _boundary(f)) for name, f in BOUNDARY_FUNCTIONS.items()},
}
_REGRESSIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda x: _LINEAR_SLOPE * x + _LINEAR_INTERCEPT,   # y = a·x + b
    "sine": lambda x: np.sin(np.pi * x),                          # y = sin(πx)
}


def _check_args(name: Any, n_samples: Any, noise: Any) -> None:
    if not isinstance(name, str) or name not in DATASET_INFO:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASET_NAMES)}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or not (
            MIN_SAMPLES <= n_samples <= MAX_SAMPLES):
        raise ValueError(f"n_samples must be a whole number from {MIN_SAMPLES} to {MAX_SAMPLES}, got {n_samples!r}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)) or not (
            math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number ≥ 0, got {noise!r}")


def make_dataset(name: str, n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> Dataset:
    """n_samples points of the dataset `name` (one of :data:`DATASET_NAMES`), drawn from
    ``np.random.default_rng(seed)``; ``noise`` is the standard deviation of the jitter."""
    _check_args(name, n_samples, noise)
    if name in REAL_DATASETS:
        return _real(name, int(n_samples), seed)
    n, noise = int(n_samples), float(noise)
    rng = np.random.default_rng(seed)
    if name in _REGRESSIONS:
        x = rng.uniform(-1.0, 1.0, n)
        y = _REGRESSIONS[name](x)
        if noise > 0:
            y += rng.normal(0.0, noise, n)                        # y = f(x) + ε
        return Dataset(name, x.reshape(n, 1), y.reshape(n, 1), None, REGRESSION, 0, ("x",))

    classes, draw = _CLASSIFIERS[name]
    sizes = _class_sizes(n, classes)
    X = np.concatenate(draw(rng, sizes))
    labels = np.repeat(np.arange(classes), sizes)
    order = rng.permutation(n)                                    # interleave the classes
    X, labels = _jitter(rng, X[order], noise), labels[order]
    if classes == 2:
        y, task = labels.astype(np.float64).reshape(n, 1), BINARY
    else:
        y, task = np.eye(classes)[labels], MULTICLASS               # one-hot: y_ic = [label_i = c]
    return Dataset(name, X, y, labels, task, classes, ("x1", "x2"))


def _real(name: str, n_samples: int, seed: int) -> Dataset:
    """A real dataset (:mod:`~gdlab.core.data.real_data`): its rows in a seeded shuffle, all of them, or
    the first ``n_samples`` when fewer are asked for; ``noise`` does not apply (the data are what they are)."""
    table = load_real(name)
    rows = draw_rows(table.labels, n_samples, seed)
    labels = table.labels[rows]
    classes = len(table.class_names)
    return Dataset(name, table.X[rows], np.eye(classes)[labels], labels, MULTICLASS, classes,
                   table.feature_names, table.class_names, table.image_shape)


def _subset(data: Dataset, index: np.ndarray) -> Dataset:
    return Dataset(data.name, data.X[index], data.y[index],
                   None if data.labels is None else data.labels[index],
                   data.task, data.n_classes, data.feature_names, data.class_names, data.image_shape)


def _test_counts(counts: np.ndarray, test_fraction: float) -> np.ndarray:
    """Test points per class: n_test = round(f·n) in all, shared in proportion to the class sizes
    (largest remainder first), leaving at least one point of every class for training."""
    n = int(counts.sum())
    present = int(np.count_nonzero(counts))
    n_test = min(int(round(test_fraction * n)), n - present)
    quota = test_fraction * counts
    take = np.floor(quota).astype(np.int64)                      # ≤ counts − 1, as f < 1
    rest = n_test - int(take.sum())
    order = np.argsort(-(quota - take), kind="stable")
    while rest > 0:
        for c in order:
            if rest > 0 and take[c] < counts[c] - 1:
                take[c] += 1
                rest -= 1
    return take


def split(dataset: Dataset, test_fraction: float = 0.2, seed: int = 0) -> tuple[Dataset, Dataset]:
    """(train, test) after a seeded shuffle; the test set holds round(test_fraction·n) points.

    The shuffle draws from ``np.random.default_rng([seed, 0x5EED])``, a stream apart from
    :func:`make_dataset`'s, so one seed can serve both without the two draws being related.

    Classification splits are stratified: each class gives about the same share to the test
    set, and every class keeps at least one point in the training set; a regression split keeps
    at least one training point too. ``test_fraction`` 0
    gives an empty test set of shape (0, d).
    """
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float, np.integer, np.floating)) \
            or not (0.0 <= test_fraction < 1.0):
        raise ValueError(f"test_fraction must be a number in [0, 1), got {test_fraction!r}")
    n = dataset.n_samples
    order = np.random.default_rng([seed, _SPLIT_STREAM]).permutation(n)
    if dataset.labels is None:
        n_test = min(int(round(test_fraction * n)), n - 1)  # at least one point left to train on
        is_test = np.arange(n) < n_test
    else:
        shuffled = dataset.labels[order]
        counts = np.bincount(shuffled, minlength=dataset.n_classes)
        take = _test_counts(counts, float(test_fraction))
        # rank of each point among the shuffled points of its class: the first take[c] go to test
        rank = np.empty(n, dtype=np.int64)
        for c in range(len(counts)):
            members = shuffled == c
            rank[members] = np.arange(counts[c])
        is_test = rank < take[shuffled]
    return _subset(dataset, order[~is_test]), _subset(dataset, order[is_test])
