"""Experiments: a validated set of parameter values, and the JSON file that stores one.

The file format (``schema_version`` 1)::

    {
      "format": "gdlab-experiment",
      "schema_version": 1,
      "name": "xor",
      "summary": "One line for menus and `gdlab presets`.",
      "description": "A paragraph explaining the scenario.",
      "kind": "network",                  # or "surface"
      "data": {...}, "network": {...},    # network experiments; "data" holds "points" when the
                                          # dataset is "custom" (see gdlab.core.data.customdata)
      "surface": {...}, "runs": [...],    # surface experiments: runs override training values
      "training": {...},
      "playback": {"playback_speed": 5.0}  # how the window plays the run (iterations/s, 0 = max);
                                          # optional: `gdlab run` and `export` ignore it
    }

Every value is checked against its declaration in :mod:`gdlab.core.params`; a missing value
takes its default. A malformed file raises :class:`ExperimentError` naming the field and the
allowed values. Loading only parses JSON: nothing in a file is ever executed.
"""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..data.customdata import CustomData, points_json
from ..data.datasets import CUSTOM, default_output, make_dataset
from ..data.features import num_features
from ..io.atomic import atomic_write_text
from ..io.budget import network_bytes, require
from ..io.reading import read_or_fail
from ..io.strict_json import parse_json
from ..io.text import text_problem
from ..params import (
    ALL_GROUPS,
    GROUPS,
    NETWORK,
    PARAMS,
    PARAMS_BY_NAME,
    RUN_LEVEL_PARAMS,
    SURFACE,
    ExperimentError,
    params_in,
)
from ..surface.surfaces import get_surface
from .pngmeta import EXPERIMENT_KEY, PNGError, is_png, read_text

FORMAT = "gdlab-experiment"
SCHEMA_VERSION = 1
MAX_FILE_BYTES = 30_000_000   # fits the largest custom data (customdata.MAX_VALUES numbers, ~27 MB)
MAX_RUNS = 16
_TEXT_FIELDS = {"name": 120, "summary": 300, "description": 5000}
_TOP_KEYS = {"format", "schema_version", "kind", "runs", *_TEXT_FIELDS, *ALL_GROUPS}

__all__ = ["Experiment", "ExperimentError", "FORMAT", "SCHEMA_VERSION", "experiment_from_png", "load_experiment"]


@functools.cache
def _dataset_shape(name: str) -> tuple[str, int, int]:
    """(task, d, k) of a built-in dataset, read once from a small probe (it depends on the name alone)."""
    probe = make_dataset(name, n_samples=8, noise=0.0, seed=0)
    return probe.task, probe.n_features, probe.n_outputs


class Experiment:
    """An immutable, validated experiment.

    ``values`` maps every parameter name to its value (defaults filled in); ``runs`` is a tuple
    of dicts, each a ``label`` plus overrides of run-level training values (surface races).
    ``points`` is the :class:`~gdlab.core.data.customdata.CustomData` of a network experiment whose
    dataset is ``custom`` (required then, refused otherwise); a mapping is validated as the
    file's ``data.points``. Use :meth:`replace` to derive a changed copy: it validates again.
    """

    __slots__ = ("name", "summary", "description", "kind", "_values", "runs", "points")

    def __init__(self, kind: str = NETWORK, values: Mapping[str, Any] | None = None,
                 runs: Iterable[Mapping[str, Any]] = (), name: str = "untitled",
                 summary: str = "", description: str = "", points: CustomData | Mapping[str, Any] | None = None):
        if not isinstance(kind, str) or kind not in GROUPS:  # a list or object is not hashable
            raise ExperimentError("kind", f"{kind!r} is not allowed; expected one of {', '.join(GROUPS)}")
        merged = {p.name: p.default for p in PARAMS}
        for key, value in (values or {}).items():
            if key not in PARAMS_BY_NAME:
                raise ExperimentError(key, "unknown parameter; known: " + ", ".join(PARAMS_BY_NAME))
            merged[key] = PARAMS_BY_NAME[key].validate(value, f"{PARAMS_BY_NAME[key].group}.{key}")
        self.kind = kind
        self._values = merged
        self.runs = tuple(_validate_run(run, i) for i, run in enumerate(runs))
        if len(self.runs) > MAX_RUNS:
            raise ExperimentError("runs", f"at most {MAX_RUNS} runs, got {len(self.runs)}")
        for field, limit in _TEXT_FIELDS.items():
            text = {"name": name, "summary": summary, "description": description}[field]
            if not isinstance(text, str):
                raise ExperimentError(field, "expected text")
            if len(text) > limit:
                raise ExperimentError(field, f"at most {limit} characters, got {len(text)}")
            problem = text_problem(text, multiline=field == "description")
            if problem:
                raise ExperimentError(field, problem)
        self.name, self.summary, self.description = name, summary, description
        self.points = _validate_points(kind, merged["dataset"], points)
        self._check_consistency()

    # -- access ------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Any:
        value = self._values[name]
        return list(value) if isinstance(value, list) else value

    @property
    def values(self) -> dict[str, Any]:
        """A copy of all parameter values."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self._values.items()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Experiment) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __repr__(self) -> str:
        return f"Experiment(kind={self.kind!r}, name={self.name!r})"

    def replace(self, **changes: Any) -> "Experiment":
        """A validated copy with some values changed; also accepts name/summary/description/kind/runs/points.

        The custom points stay while the dataset stays ``custom``; changing to another dataset
        (or kind) drops them unless ``points`` is given too.
        """
        meta = {k: changes.pop(k) for k in ("name", "summary", "description", "kind", "runs", "points")
                if k in changes}
        values = self.values
        values.update(changes)
        kind = meta.get("kind", self.kind)
        points = meta.get("points", self.points if (kind == NETWORK and values["dataset"] == CUSTOM) else None)
        return Experiment(kind=kind, values=values, runs=meta.get("runs", self.runs),
                          name=meta.get("name", self.name), summary=meta.get("summary", self.summary),
                          description=meta.get("description", self.description), points=points)

    def with_points(self, points: CustomData | Mapping[str, Any], **changes: Any) -> "Experiment":
        """A network experiment on these custom points (dataset ``custom``), other values kept."""
        return self.replace(kind=NETWORK, dataset=CUSTOM, points=points, **changes)

    def data_task(self) -> str:
        """The task of the experiment's data: "binary", "multiclass" or "regression"."""
        return self._data_shape()[0]

    def data_dims(self) -> tuple[int, int]:
        """(d, k): the raw input coordinates of a point and the network's output neurons."""
        return self._data_shape()[1:]

    def layer_sizes(self) -> list[int]:
        """[inputs, hidden…, outputs] of a network experiment's network: inputs =
        ``num_features(d, features)`` columns for points of d coordinates, outputs = k (:meth:`data_dims`).
        ``ValueError`` if the features do not suit the data."""
        d, k = self.data_dims()
        return [num_features(d, self._values["features"]), *self._values["hidden_layers"], k]

    def _data_shape(self) -> tuple[str, int, int]:
        if self.points is not None:
            return self.points.task, self.points.n_features, self.points.n_outputs
        return _dataset_shape(self._values["dataset"])

    def run_values(self) -> list[dict[str, Any]]:
        """The training values of each run: the training group overridden by each run's entries.

        A surface experiment with no ``runs`` has one run made of the training values alone.
        """
        base = {name: self._values[name] for name in RUN_LEVEL_PARAMS}
        runs = self.runs if (self.kind == SURFACE and self.runs) else ({"label": ""},)
        out = []
        for run in runs:
            merged = dict(base)
            merged.update({k: v for k, v in run.items() if k != "label"})
            merged["label"] = run.get("label") or run_label(merged)
            out.append(merged)
        return out

    def output_and_loss(self) -> tuple[str, str]:
        """The output activation and loss, with ``auto`` resolved from the dataset's task."""
        auto_out, auto_loss = default_output(self.data_task())
        out = self._values["output_activation"]
        loss = self._values["loss"]
        return (auto_out if out == "auto" else out), (auto_loss if loss == "auto" else loss)

    # -- consistency across fields -------------------------------------------------------
    def _check_consistency(self) -> None:
        v = self._values
        if self.kind == SURFACE:
            dim = get_surface(v["surface"]).dim
            if v["start"] and len(v["start"]) != dim:
                raise ExperimentError("surface.start", f"the surface {v['surface']} has {dim} weight(s), "
                                      f"so the start point needs {dim} number(s), got {len(v['start'])}")
            return
        out, loss = self.output_and_loss()
        task, d, _ = self._data_shape()
        what = "the custom data is a regression dataset" if v["dataset"] == CUSTOM else \
            f"{v['dataset']} is a regression dataset"
        if loss in ("bce", "cross_entropy") and task == "regression":
            raise ExperimentError("network.loss", f"{loss} needs a classification dataset; {what} (use mse)")
        if loss == "bce" and out != "sigmoid":
            raise ExperimentError("network.output_activation", "bce needs outputs in (0, 1): use sigmoid")
        if loss == "cross_entropy" and out != "softmax":
            raise ExperimentError("network.output_activation", "cross_entropy needs a softmax output")
        if out == "softmax" and task == "binary":
            raise ExperimentError("network.output_activation",
                                  "softmax needs two or more outputs; a two-class dataset has one (use sigmoid)")
        try:
            sizes = self.layer_sizes()
        except ValueError as exc:
            raise ExperimentError("data.features", f"{exc} (the data has {d} input column(s))") from None
        n = self.points.n_samples if self.points is not None else v["n_samples"]
        n_test = round(v["test_fraction"] * n)
        require(network_bytes(sizes, n - n_test, n_test),
                "data.n_samples, network.hidden_layers", "training this network on this data")

    # -- files ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form: every value of the groups this kind uses, written out."""
        doc: dict[str, Any] = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "name": self.name,
                               "summary": self.summary, "description": self.description, "kind": self.kind}
        for group in GROUPS[self.kind]:
            doc[group] = {p.name: self[p.name] for p in params_in(group)}
        if self.points is not None:
            doc["data"]["points"] = self.points.to_dict()
        if self.kind == SURFACE:
            doc["runs"] = [dict(run) for run in self.runs]
        return doc

    def to_json(self) -> str:
        """Indented JSON; custom points are written one row a line (see :func:`points_json`)."""
        doc = self.to_dict()
        if self.points is None:
            return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        points = doc["data"].pop("points")
        doc["data"]["points"] = _POINTS_MARK
        text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)
        # A key in quotes can only be a key (quotes inside strings are escaped): one exact match.
        mark = f'"points": "{_POINTS_MARK}"'
        return text.replace(mark, '"points": ' + points_json(points, indent=4, step=2), 1) + "\n"

    def save(self, path: str | os.PathLike) -> Path:
        """Write the experiment as JSON, atomically (temp file + rename)."""
        return atomic_write_text(path, self.to_json())

    @classmethod
    def from_dict(cls, doc: Any) -> "Experiment":
        """Validate a parsed document; raises :class:`ExperimentError` naming the bad field."""
        if not isinstance(doc, dict):
            raise ExperimentError("", "an experiment must be a JSON object { ... }")
        unknown = sorted(set(doc) - _TOP_KEYS)
        if unknown:
            raise ExperimentError(unknown[0], "unknown key; allowed: " + ", ".join(sorted(_TOP_KEYS)))
        if "format" in doc and doc["format"] != FORMAT:
            raise ExperimentError("format", f"expected {FORMAT!r}, got {doc['format']!r}")
        version = doc.get("schema_version")
        if version is None:
            raise ExperimentError("schema_version", f"missing; this gdlab reads schema_version {SCHEMA_VERSION}")
        if isinstance(version, bool) or version != SCHEMA_VERSION:
            raise ExperimentError("schema_version", f"{version!r} is not supported; this gdlab reads "
                                  f"schema_version {SCHEMA_VERSION}")
        kind = doc.get("kind", NETWORK)
        if not isinstance(kind, str) or kind not in GROUPS:
            raise ExperimentError("kind", f"{kind!r} is not allowed; expected one of {', '.join(GROUPS)}")
        values: dict[str, Any] = {}
        points = None
        for group in ALL_GROUPS:
            section = doc.get(group, {})
            if not isinstance(section, dict):
                raise ExperimentError(group, "expected an object { ... }")
            for key, value in section.items():
                if group == "data" and key == "points":
                    points = value
                    continue
                param = PARAMS_BY_NAME.get(key)
                if param is None or param.group != group:
                    allowed = ", ".join(p.name for p in params_in(group))
                    raise ExperimentError(f"{group}.{key}", f"unknown key; allowed in {group}: {allowed}")
                values[key] = param.validate(value, f"{group}.{key}")
        runs = doc.get("runs", [])
        if not isinstance(runs, list):
            raise ExperimentError("runs", "expected a list of runs [ {...}, ... ]")
        texts = {}
        for field in _TEXT_FIELDS:
            text = doc.get(field, "" if field != "name" else "untitled")
            if not isinstance(text, str):
                raise ExperimentError(field, f"expected text, got {type(text).__name__}")
            texts[field] = text
        return cls(kind=kind, values=values, runs=runs, points=points, **texts)

    @classmethod
    def from_json(cls, text: str) -> "Experiment":
        return cls.from_dict(parse_json(text))

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Experiment":
        return load_experiment(path)


def load_experiment(path: str | os.PathLike) -> Experiment:
    """Read and validate an experiment file. Errors name the file and the field.

    A PNG figure exported by gdlab is accepted too: it carries its experiment in a text chunk
    (see :mod:`gdlab.core.files.pngmeta`).
    """
    path = Path(path)
    if is_png(path):
        return experiment_from_png(path)
    raw = read_or_fail(path, MAX_FILE_BYTES, "experiment file", lambda message: ExperimentError("", message))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        also = " nor a PNG image (the PNG signature is missing)" if path.suffix.lower() == ".png" else ""
        raise ExperimentError("", f"{path.name} is not a text (UTF-8 JSON) file{also}") from None
    if "\0" in text:  # valid UTF-8, but no JSON text holds a zero byte: UTF-16 without its BOM, or binary
        raise ExperimentError("", f"{path.name} is not a text (UTF-8 JSON) file: it holds zero bytes "
                              "(UTF-16 text, or binary data?)")
    return Experiment.from_json(text)


def experiment_from_png(path: str | os.PathLike) -> Experiment:
    """The experiment stored in a gdlab figure (its ``gdlab:experiment`` text chunk).

    Raises :class:`~gdlab.core.files.experiment.ExperimentError` with a clear message when the file
    cannot be read, is not a well-formed PNG, or carries no gdlab experiment.
    """
    path = Path(path)
    try:
        texts = read_text(path, {EXPERIMENT_KEY})
    except OSError as exc:
        raise ExperimentError("", f"cannot read {path}: {exc.strerror or exc}") from None
    except PNGError as exc:
        raise ExperimentError("", f"{path.name}: {exc}") from None
    if EXPERIMENT_KEY not in texts:
        raise ExperimentError("", f"{path.name} is a PNG image but carries no gdlab experiment (no "
                              f"{EXPERIMENT_KEY!r} text chunk): only figures exported by gdlab can be opened")
    try:
        return Experiment.from_json(texts[EXPERIMENT_KEY])
    except ExperimentError as exc:
        raise ExperimentError(exc.field, f"{exc.message} (in the experiment stored in {path.name})") from None


_POINTS_MARK = "@@gdlab-points@@"


def _validate_points(kind: str, dataset: str, points: Any) -> CustomData | None:
    """The custom points, required for (and only for) a network experiment on dataset custom."""
    used = kind == NETWORK and dataset == CUSTOM
    if points is None:
        if used:
            raise ExperimentError("data.points", "missing: the dataset custom needs its points (import them from "
                                  "a CSV file or draw them)")
        return None
    if not used:
        where = "a surface experiment" if kind != NETWORK else f"the dataset {dataset}"
        raise ExperimentError("data.points", f"points are only used with the dataset custom, not with {where}")
    if isinstance(points, CustomData):
        return points
    return CustomData.from_dict(points, "data.points")


def _validate_run(run: Any, index: int) -> dict[str, Any]:
    where = f"runs[{index}]"
    if not isinstance(run, Mapping):
        raise ExperimentError(where, "expected an object such as {\"optimizer\": \"adam\", \"learning_rate\": 0.01}")
    out: dict[str, Any] = {}
    for key, value in run.items():
        if key == "label":
            if not isinstance(value, str) or len(value) > 60:
                raise ExperimentError(f"{where}.label", "expected text of at most 60 characters")
            problem = text_problem(value)
            if problem:
                raise ExperimentError(f"{where}.label", problem)
            out["label"] = value
        elif key in RUN_LEVEL_PARAMS:
            out[key] = PARAMS_BY_NAME[key].validate(value, f"{where}.{key}")
        else:
            raise ExperimentError(f"{where}.{key}", "unknown key; allowed: label, " + ", ".join(RUN_LEVEL_PARAMS))
    return out


def run_label(values: Mapping[str, Any]) -> str:
    """The name of a run without a label of its own: its optimiser and α, e.g. ``sgd α=0.95``."""
    return f"{values['optimizer']} α={values['learning_rate']:g}"
