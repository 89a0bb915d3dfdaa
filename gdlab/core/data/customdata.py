"""Your own data: points imported from a CSV file or drawn in the data view.

A :class:`CustomData` holds n points ``X`` (n, d) and their targets ``y`` (n,):

* classification: ``y`` holds class ids 0 … C−1 (int64), named by ``class_names``. ``task``
  "binary" has C = 2 and one sigmoid output; "multiclass" has C ≥ 2 and a softmax output whose
  target is the one-hot row y_ic = [y_i = c]. Every class has at least one point.
* regression: ``y`` holds real targets (float64); ``class_names`` is empty.

It lives in an experiment whose dataset is ``custom``, as the ``points`` object of the data
section (:meth:`CustomData.to_dict`)::

    "data": {"dataset": "custom", "test_fraction": 0.2, "data_seed": 0, "features": ["x"], ...,
             "points": {"task": "binary", "source": "drawn", "feature_names": ["x1", "x2"],
                        "target_name": "class", "class_names": ["blue", "orange"],
                        "x": [[0.1, 0.2], [-0.3, 0.5], ...], "y": [0, 1, ...]}}

``image_shape`` (optional, ``[rows, columns]`` with rows·columns = d) says that each point is an
image read row by row: the data view then shows a gallery of them. ``standardization`` (optional)
records that the features were standardised when they were imported, x = (x_raw − mean) / std per
column, so that raw values can be mapped the same way.

Every value is checked as strictly as any other experiment field: finite numbers, one row
length, 4 … 100,000 rows, class ids in range; an error is an :class:`ExperimentError` whose
``field`` is the path of the bad entry, e.g. ``data.points.y[12]``. Arrays are read-only.
"""
from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

import numpy as np

from ..io.strict_json import ExperimentError
from ..io.text import text_problem
from .customdata_checks import (
    MAX_CLASSES,
    MAX_FEATURES,
    MAX_NAME,
    MAX_SOURCE,
    MAX_VALUES,
    check_finite,
    check_image_shape,
    check_names,
    check_sizes,
    float_array,
    json_numbers,
    json_rows,
)
from .datasets import BINARY, MULTICLASS, REGRESSION, TASKS, Dataset, PointsShape

_KEYS = ("task", "source", "feature_names", "target_name", "class_names", "standardization", "image_shape", "x", "y")

__all__ = ["CustomData", "MAX_FEATURES", "MAX_CLASSES", "MAX_NAME", "MAX_VALUES", "points_json"]


class CustomData(PointsShape):
    """Validated, immutable points: ``X`` (n, d) float64, ``y`` (n,) class ids or real targets.

    ``class_names`` defaults to "0", "1", … (C = 2 for binary, max(y) + 1 for multiclass);
    ``feature_names`` to "x1", "x2", …; ``mean``/``std`` (both or neither, d numbers each) record
    a standardisation x = (x_raw − mean) / std done on import; ``image_shape`` (rows, columns) marks
    image data. Raises :class:`ExperimentError`
    naming the field under ``where`` (``data.points`` in an experiment).
    """

    __slots__ = ("X", "y", "task", "feature_names", "class_names", "target_name", "mean", "std", "source",
                 "image_shape")
    X: np.ndarray                         # (n, d) float64, read-only
    y: np.ndarray                         # (n,) int64 class ids, or float64 real targets; read-only
    task: str
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]          # () for regression
    target_name: str
    mean: tuple[float, ...] | None        # the standardisation done on import (both or neither)
    std: tuple[float, ...] | None
    source: str
    image_shape: tuple[int, int] | None   # each point an image of (rows, columns), read row by row

    def __init__(self, X: Any, y: Any, task: str, feature_names: Sequence[str] | None = None,
                 class_names: Sequence[str] | None = None, target_name: str = "y",
                 mean: Sequence[float] | None = None, std: Sequence[float] | None = None, source: str = "",
                 image_shape: Sequence[int] | None = None, where: str = "data.points"):
        if not isinstance(task, str) or task not in TASKS:
            raise ExperimentError(f"{where}.task", f"{task!r} is not allowed; expected one of {', '.join(TASKS)}")
        X = float_array(X, f"{where}.x", "an (n, d) table of numbers")
        if X.ndim != 2:
            raise ExperimentError(f"{where}.x", f"expected rows of numbers (n, d), got an array of shape {X.shape}")
        n, d = X.shape
        check_sizes(n, d, f"{where}.x")
        check_finite(X, f"{where}.x")
        y = float_array(y, f"{where}.y", "a list of numbers")
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.shape != (n,):
            raise ExperimentError(f"{where}.y", f"expected {n} targets, one per row of x, got shape {y.shape}")
        check_finite(y, f"{where}.y")
        if task == REGRESSION:
            if class_names:
                raise ExperimentError(f"{where}.class_names", "regression targets have no classes; leave it out")
            names: tuple[str, ...] = ()
            y = y.astype(np.float64)
        else:
            whole = y == np.round(y)
            if not whole.all():
                i = int(np.flatnonzero(~whole)[0])
                raise ExperimentError(f"{where}.y[{i}]", f"{y[i]!r} is not a class id (a whole number)")
            if class_names is None:
                if task == MULTICLASS and y.max() >= MAX_CLASSES:
                    i = int(np.argmax(y))
                    raise ExperimentError(f"{where}.y[{i}]", f"{y[i]:g} is not a class id; expected 0 to "
                                          f"{MAX_CLASSES - 1}")
                count = 2 if task == BINARY else max(2, int(y.max()) + 1)
                names = tuple(str(c) for c in range(count))
            else:
                names = check_names(class_names, f"{where}.class_names")
            if task == BINARY and len(names) != 2:
                raise ExperimentError(f"{where}.class_names", f"binary data has exactly 2 classes, got {len(names)}")
            if not 2 <= len(names) <= MAX_CLASSES:
                raise ExperimentError(f"{where}.class_names", f"expected 2 to {MAX_CLASSES} classes, got {len(names)}")
            bad = (y < 0) | (y >= len(names))
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ExperimentError(f"{where}.y[{i}]", f"{y[i]:g} is not a class id; expected 0 to {len(names) - 1} "
                                      f"({len(names)} classes)")
            y = y.astype(np.int64)
            counts = np.bincount(y, minlength=len(names))
            if (counts == 0).any():
                c = int(np.flatnonzero(counts == 0)[0])
                raise ExperimentError(f"{where}.y", f"class {c} ({names[c]}) has no points; every class needs at "
                                      "least one")
        if feature_names is None:
            features = tuple(f"x{j + 1}" for j in range(d))
        else:
            features = check_names(feature_names, f"{where}.feature_names")
            if len(features) != d:
                raise ExperimentError(f"{where}.feature_names", f"{d} feature column(s) need as many names, "
                                      f"got {len(features)}")
        if not isinstance(target_name, str) or not 1 <= len(target_name.strip()) <= MAX_NAME:
            raise ExperimentError(f"{where}.target_name", f"expected a name of 1 to {MAX_NAME} characters")
        if problem := text_problem(target_name):
            raise ExperimentError(f"{where}.target_name", problem)
        if not isinstance(source, str) or len(source) > MAX_SOURCE:
            raise ExperimentError(f"{where}.source", f"expected text of at most {MAX_SOURCE} characters")
        if problem := text_problem(source):
            raise ExperimentError(f"{where}.source", problem)
        if (mean is None) != (std is None):
            raise ExperimentError(f"{where}.standardization", "needs both mean and std, or neither")
        if mean is not None:
            mean_a = float_array(mean, f"{where}.standardization.mean", "a list of numbers")
            std_a = float_array(std, f"{where}.standardization.std", "a list of numbers")
            for label, arr in (("mean", mean_a), ("std", std_a)):
                if arr.shape != (d,):
                    raise ExperimentError(f"{where}.standardization.{label}", f"expected {d} numbers, one per "
                                          f"feature, got shape {arr.shape}")
                check_finite(arr, f"{where}.standardization.{label}")
            if (std_a <= 0).any():
                j = int(np.flatnonzero(std_a <= 0)[0])
                raise ExperimentError(f"{where}.standardization.std[{j}]", f"{std_a[j]!r} is not > 0")
            mean_t: tuple[float, ...] | None = tuple(float(v) for v in mean_a)
            std_t: tuple[float, ...] | None = tuple(float(v) for v in std_a)
        else:
            mean_t = std_t = None
        shape = check_image_shape(image_shape, d, f"{where}.image_shape")
        for name, value in (("X", X), ("y", y)):
            value = np.array(value, copy=True)
            value.flags.writeable = False
            object.__setattr__(self, name, value)
        for name, value in (("task", task), ("feature_names", features), ("class_names", names),
                            ("target_name", target_name), ("mean", mean_t), ("std", std_t), ("source", source),
                            ("image_shape", shape)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("CustomData is immutable: build a new one")

    # -- shape (n_samples, n_features: see PointsShape) ----------------------------------------
    @property
    def n_classes(self) -> int:
        """C, the number of classes (0 for regression)."""
        return len(self.class_names)

    @property
    def n_outputs(self) -> int:
        """k, the network's output neurons: C for multiclass, else 1."""
        return self.n_classes if self.task == MULTICLASS else 1

    @property
    def standardized(self) -> bool:
        return self.mean is not None

    def __repr__(self) -> str:
        return (f"CustomData(task={self.task!r}, n_samples={self.n_samples}, n_features={self.n_features}, "
                f"n_classes={self.n_classes}, source={self.source!r})")

    def __eq__(self, other: object) -> bool:
        """Equal when every field is, the numbers bit for bit."""
        if not isinstance(other, CustomData):
            return NotImplemented
        return (self.task == other.task and self.feature_names == other.feature_names
                and self.class_names == other.class_names and self.target_name == other.target_name
                and self.source == other.source and self.mean == other.mean and self.std == other.std
                and self.image_shape == other.image_shape
                and self.X.shape == other.X.shape and self.X.tobytes() == other.X.tobytes()
                and self.y.dtype == other.y.dtype and self.y.tobytes() == other.y.tobytes())

    __hash__ = None  # type: ignore[assignment]

    # -- conversions ----------------------------------------------------------------------
    def to_dataset(self, name: str = "custom") -> Dataset:
        """The :class:`Dataset` a network trains on: targets (n, 1) for binary and regression,
        one-hot (n, C) with y_ic = [y_i = c] for multiclass."""
        n = self.n_samples
        if self.task == REGRESSION:
            return Dataset(name, self.X, self.y.reshape(n, 1), None, REGRESSION, 0, self.feature_names,
                           image_shape=self.image_shape)
        if self.task == BINARY:
            targets = self.y.astype(np.float64).reshape(n, 1)
        else:
            targets = np.eye(self.n_classes)[self.y]
        return Dataset(name, self.X, targets, self.y, self.task, self.n_classes, self.feature_names,
                       image_shape=self.image_shape)

    @classmethod
    def from_dataset(cls, data: Dataset, source: str = "") -> "CustomData":
        """Custom data holding a generated dataset's points (e.g. to start drawing from them)."""
        y = data.labels if data.labels is not None else data.y[:, 0]
        names = tuple(str(c) for c in range(data.n_classes)) if data.labels is not None else None
        return cls(data.X, y, data.task, feature_names=data.feature_names, class_names=names,
                   source=source or data.name, image_shape=data.image_shape)

    def replace(self, **changes: Any) -> "CustomData":
        """A validated copy with some fields changed (``X``, ``y``, ``task``, ``class_names``, …).

        Changing the task drops class names that no longer fit (regression has none)."""
        fields: dict[str, Any] = {"X": self.X, "y": self.y, "task": self.task, "feature_names": self.feature_names,
                  "class_names": self.class_names or None, "target_name": self.target_name,
                  "mean": self.mean, "std": self.std, "source": self.source, "image_shape": self.image_shape}
        if "task" in changes and "class_names" not in changes and (changes["task"] == REGRESSION) != (
                self.task == REGRESSION):
            fields["class_names"] = None
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"unknown field(s): {', '.join(sorted(unknown))}")
        fields.update(changes)
        return CustomData(**fields)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready ``points`` object: plain lists; class ids are ints, numbers floats."""
        doc: dict[str, Any] = {"task": self.task, "source": self.source, "feature_names": list(self.feature_names),
                               "target_name": self.target_name}
        if self.task != REGRESSION:
            doc["class_names"] = list(self.class_names)
        if self.mean is not None and self.std is not None:  # both or neither (checked in __init__)
            doc["standardization"] = {"mean": list(self.mean), "std": list(self.std)}
        if self.image_shape is not None:  # written only when set: files without it read as before
            doc["image_shape"] = list(self.image_shape)
        doc["x"] = self.X.tolist()
        doc["y"] = self.y.tolist()
        return doc

    @classmethod
    def from_dict(cls, doc: Any, where: str = "data.points") -> "CustomData":
        """Validate a parsed ``points`` object; errors name the entry, e.g. ``data.points.x[3][1]``."""
        if not isinstance(doc, Mapping):
            raise ExperimentError(where, "expected an object {\"task\": ..., \"x\": [[...], ...], \"y\": [...]}")
        for key in doc:
            if key not in _KEYS:
                raise ExperimentError(f"{where}.{key}", "unknown key; allowed: " + ", ".join(_KEYS))
        for key in ("task", "x", "y"):
            if key not in doc:
                raise ExperimentError(f"{where}.{key}", "missing; custom points need task, x and y")
        task = doc["task"]
        if not isinstance(task, str) or task not in TASKS:
            raise ExperimentError(f"{where}.task", f"{task!r} is not allowed; expected one of {', '.join(TASKS)}")
        rows = json_rows(doc["x"], f"{where}.x")
        targets = json_numbers(doc["y"], f"{where}.y", len(rows), whole=task != REGRESSION)
        mean = std = None
        scale = doc.get("standardization")
        if scale is not None:
            if not isinstance(scale, Mapping) or set(scale) != {"mean", "std"}:
                raise ExperimentError(f"{where}.standardization", "expected {\"mean\": [...], \"std\": [...]} or null")
            d = rows.shape[1]
            mean = json_numbers(scale["mean"], f"{where}.standardization.mean", d)
            std = json_numbers(scale["std"], f"{where}.standardization.std", d)
        for key in ("feature_names", "class_names"):
            if key in doc and not isinstance(doc[key], list):
                raise ExperimentError(f"{where}.{key}", f"expected a list of names, got {type(doc[key]).__name__}")
        for key in ("source", "target_name"):
            if key in doc and not isinstance(doc[key], str):
                raise ExperimentError(f"{where}.{key}", "expected text")
        class_names = doc.get("class_names")
        if task == REGRESSION and class_names == []:
            class_names = None
        return cls(rows, np.array(targets, dtype=np.float64),
                   task, feature_names=doc.get("feature_names"), class_names=class_names,
                   target_name=doc.get("target_name", "y"), mean=mean, std=std, source=doc.get("source", ""),
                   image_shape=doc.get("image_shape"), where=where)


def points_json(doc: Mapping[str, Any], indent: int = 4, step: int = 2) -> str:
    """``to_dict()`` of a :class:`CustomData` as JSON text with one row of x per line and the
    targets twenty to a line (instead of one number per line), for an experiment file nested
    ``indent`` spaces deep. ``json.loads`` of the text gives ``doc`` back exactly."""
    inner, item = " " * (indent + step), " " * (indent + 2 * step)
    lines = []
    for key, value in doc.items():
        if key == "x":  # "[[a, b], [c, d]]" -> one row a line (the rows hold numbers only)
            body = json.dumps(value, allow_nan=False)[1:-1].replace("], [", "],\n" + item + "[")
        elif key == "y":
            chunks = [json.dumps(value[k:k + 20], allow_nan=False)[1:-1] for k in range(0, len(value), 20)]
            body = (",\n" + item).join(chunks)
        else:
            lines.append(f"{inner}{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, allow_nan=False)}")
            continue
        name = json.dumps(key)
        lines.append(f"{inner}{name}: [\n{item}{body}\n{inner}]" if value else f"{inner}{name}: []")
    return "{\n" + ",\n".join(lines) + "\n" + " " * indent + "}"
