"""Trained weights to a file and back, with the experiment that produced them.

Layer l (1-based) of a network computes a_l = f(a_{l−1} · W_l + b_l), with W_l of shape
(fan_in, fan_out) and b_l of shape (fan_out,); a_0 is the input features (see
:mod:`gdlab.core.data.features`). Two formats, chosen by the file's suffix:

* ``.npz`` (numpy): arrays ``W1``, ``b1``, ``W2``, ``b2``, … (float64), ``experiment`` (the
  experiment file's JSON text, a 0-d string array) and ``meta`` (JSON text: format, version,
  iteration, status, layer sizes, input labels, activations, loss). Read it with
  ``np.load(path, allow_pickle=False)``.
* ``.json``: ``{"format": "gdlab-weights", "version": 1, ..., "experiment": {...},
  "weights": [W1 as rows, ...], "biases": [b1, ...]}``; a non-finite number (a diverged run)
  is written as null.

Files are written atomically and byte-identically for the same weights. Loading parses only
(``allow_pickle=False``, strict JSON): nothing in a file is ever executed.
"""
from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any, NamedTuple, Sequence

import numpy as np

from ..data.features import feature_labels
from ..io.atomic import atomic_write_bytes, atomic_write_text
from ..io.reading import read_or_fail
from ..io.strict_json import parse_json
from ..params import NETWORK
from .experiment import Experiment, ExperimentError

FORMAT = "gdlab-weights"
VERSION = 1
SUFFIXES = (".npz", ".json")
MAX_WEIGHTS_BYTES = 200_000_000      # the file, and the arrays it unpacks to
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)    # a fixed timestamp: the same weights give the same bytes

__all__ = ["WeightsError", "LoadedWeights", "save_weights", "write_weights", "load_weights"]


class WeightsError(ValueError):
    """A weights file that cannot be written or read; the message says why."""


class LoadedWeights(NamedTuple):
    experiment: Experiment
    weights: list[np.ndarray]
    biases: list[np.ndarray]


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise WeightsError(f"{path.name}: a weights file must end in .npz or .json")
    return suffix


def save_weights(path: str | os.PathLike, run: Any) -> Path:
    """Write a network run's current weights and biases, with its experiment, to ``path``."""
    if getattr(run, "kind", None) != NETWORK or not hasattr(run, "model"):
        raise WeightsError("only a network run has weights to save (a cost-surface race has none)")
    return write_weights(path, run.experiment, run.model.weights, run.model.biases,
                         iteration=run.iteration, status=run.status)


def write_weights(path: str | os.PathLike, experiment: Experiment, weights: Sequence[np.ndarray],
                  biases: Sequence[np.ndarray], iteration: int = 0, status: str = "") -> Path:
    """Write weights W_l and biases b_l (e.g. from a snapshot) with their experiment, atomically."""
    path = Path(path)
    suffix = _suffix(path)
    weights = [np.asarray(W, dtype=np.float64) for W in weights]
    biases = [np.asarray(b, dtype=np.float64).reshape(-1) for b in biases]
    _check_layers(experiment, weights, biases)
    meta = _meta(experiment, weights, iteration, status)
    if suffix == ".json":
        doc = {**meta, "experiment": experiment.to_dict(),
               "weights": [_nullable(W) for W in weights], "biases": [_nullable(b) for b in biases]}
        return atomic_write_text(path, json.dumps(doc, allow_nan=False, ensure_ascii=False) + "\n")
    arrays: dict[str, np.ndarray] = {}
    for l, (W, b) in enumerate(zip(weights, biases), start=1):
        arrays[f"W{l}"], arrays[f"b{l}"] = W, b
    arrays["experiment"] = np.array(experiment.to_json())
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
    return atomic_write_bytes(path, buffer.getvalue())


def _meta(experiment: Experiment, weights: list[np.ndarray], iteration: int, status: str) -> dict[str, Any]:
    out_act, loss = experiment.output_and_loss()
    d, _ = experiment.data_dims()
    return {"format": FORMAT, "version": VERSION, "iteration": int(iteration), "status": str(status),
            "layer_sizes": [weights[0].shape[0]] + [W.shape[1] for W in weights],
            "input_labels": feature_labels(d, experiment["features"]),
            "hidden_activation": experiment["hidden_activation"], "output_activation": out_act, "loss": loss}


def _nullable(array: np.ndarray) -> Any:
    """Nested lists with non-finite numbers as None (JSON null)."""
    if array.ndim == 0:
        value = float(array)
        return value if np.isfinite(value) else None
    return [_nullable(a) for a in array] if array.ndim > 1 else \
        [float(v) if np.isfinite(v) else None for v in array.tolist()]


def _check_layers(experiment: Experiment, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
    if experiment.kind != NETWORK:
        raise WeightsError("the experiment is a cost-surface race: it has no network weights")
    sizes = experiment.layer_sizes()
    if len(weights) != len(sizes) - 1 or len(biases) != len(sizes) - 1:
        raise WeightsError(f"the network {'-'.join(map(str, sizes))} has {len(sizes) - 1} layers of weights, "
                           f"got {len(weights)} weight matrices and {len(biases)} bias vectors")
    for l, (W, b) in enumerate(zip(weights, biases), start=1):
        if W.shape != (sizes[l - 1], sizes[l]):
            raise WeightsError(f"W{l} must have shape {(sizes[l - 1], sizes[l])} for the network "
                               f"{'-'.join(map(str, sizes))}, got {W.shape}")
        if b.shape != (sizes[l],):
            raise WeightsError(f"b{l} must have shape {(sizes[l],)}, got {b.shape}")


# -- loading -------------------------------------------------------------------------------------
def load_weights(path: str | os.PathLike) -> LoadedWeights:
    """(experiment, weights, biases) from a file written by :func:`save_weights`.

    Raises :class:`WeightsError` naming the problem: unreadable or oversized file, not an npz
    or JSON weights file, a bad experiment, or arrays that do not fit its network.
    """
    path = Path(path)
    suffix = _suffix(path)
    raw = read_or_fail(path, MAX_WEIGHTS_BYTES, "weights file", WeightsError)
    experiment_text, weights, biases = (_read_json if suffix == ".json" else _read_npz)(raw, path.name)
    try:
        experiment = Experiment.from_dict(experiment_text) if isinstance(experiment_text, dict) else \
            Experiment.from_json(experiment_text)
    except ExperimentError as exc:
        raise WeightsError(f"{path.name}: its experiment is not valid: {exc}") from None
    try:
        _check_layers(experiment, weights, biases)
    except WeightsError as exc:
        raise WeightsError(f"{path.name}: {exc}") from None
    return LoadedWeights(experiment, weights, biases)


def _read_npz(raw: bytes, name: str) -> tuple[str, list[np.ndarray], list[np.ndarray]]:
    if not raw.startswith(b"PK"):
        raise WeightsError(f"{name} is not an .npz file (a zip archive of numpy arrays)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_WEIGHTS_BYTES:
            raise WeightsError(f"{name} unpacks to {unpacked / 1e6:.0f} MB; at most {MAX_WEIGHTS_BYTES / 1e6:.0f} MB")
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except WeightsError:
        raise
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise WeightsError(f"{name} cannot be read as an .npz weights file: {exc}") from None
    meta = _npz_text(arrays, "meta", name)
    _check_meta(_parse(meta, name, "meta"), name)
    experiment = _npz_text(arrays, "experiment", name)
    layers = sum(1 for key in arrays if key.startswith("W"))
    expected = {"meta", "experiment"} | {f"{p}{l}" for p in "Wb" for l in range(1, layers + 1)}
    if set(arrays) != expected:
        odd = sorted(set(arrays) ^ expected)
        raise WeightsError(f"{name}: expected arrays W1, b1, … W{layers}, b{layers}, experiment and meta; "
                           f"{'unexpected' if odd[0] in arrays else 'missing'} {odd[0]!r}")
    weights: list[np.ndarray] = []
    biases: list[np.ndarray] = []
    for l in range(1, layers + 1):
        for prefix, out in (("W", weights), ("b", biases)):
            array = arrays[f"{prefix}{l}"]
            if array.dtype.kind not in "fiu":
                raise WeightsError(f"{name}: {prefix}{l} holds {array.dtype}, not numbers")
            out.append(np.array(array, dtype=np.float64))
    return experiment, weights, biases


def _npz_text(arrays: dict[str, np.ndarray], key: str, name: str) -> str:
    array = arrays.get(key)
    if array is None or array.shape != () or array.dtype.kind != "U":
        raise WeightsError(f"{name}: the array {key!r} (JSON text) is missing or not text")
    return str(array[()])


def _parse(text: str | bytes, name: str, what: str) -> Any:
    try:
        return parse_json(text.decode("utf-8") if isinstance(text, bytes) else text)
    except (ExperimentError, UnicodeDecodeError) as exc:
        raise WeightsError(f"{name}: the {what} is not valid JSON: {exc}") from None


def _check_meta(doc: Any, name: str) -> None:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise WeightsError(f"{name} is not a gdlab weights file (format {FORMAT!r} missing)")
    if doc.get("version") != VERSION:
        raise WeightsError(f"{name}: version {doc.get('version')!r} is not supported; this gdlab reads {VERSION}")


def _read_json(raw: bytes, name: str) -> tuple[dict, list[np.ndarray], list[np.ndarray]]:
    doc = _parse(raw.removeprefix(b"\xef\xbb\xbf"), name, "file")
    _check_meta(doc, name)
    for key in ("experiment", "weights", "biases"):
        if key not in doc:
            raise WeightsError(f"{name}: {key!r} is missing")
    if not isinstance(doc["experiment"], dict):
        raise WeightsError(f"{name}: 'experiment' must be an object")
    out: list[list[np.ndarray]] = []
    for key, ndim in (("weights", 2), ("biases", 1)):
        items = doc[key]
        if not isinstance(items, list):
            raise WeightsError(f"{name}: {key!r} must be a list of arrays")
        arrays = []
        for l, item in enumerate(items, start=1):
            arrays.append(_json_array(item, ndim, f"{name}: {key}[{l - 1}]"))
        out.append(arrays)
    return doc["experiment"], out[0], out[1]


def _json_array(item: Any, ndim: int, where: str) -> np.ndarray:
    """A nested list of numbers (null = NaN) as a float array of ``ndim`` dimensions."""
    rows = item if ndim == 2 else [item]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise WeightsError(f"{where}: expected {'rows of numbers' if ndim == 2 else 'a list of numbers'}")
    width = len(rows[0]) if rows else 0
    values = []
    for row in rows:
        if len(row) != width:
            raise WeightsError(f"{where}: rows of different lengths ({width} and {len(row)})")
        for v in row:
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                raise WeightsError(f"{where}: expected numbers, got {type(v).__name__}")
        try:
            values.append([np.nan if v is None else float(v) for v in row])
        except OverflowError:
            raise WeightsError(f"{where}: a number is too large") from None
    array = np.array(values, dtype=np.float64).reshape(len(rows), width)
    return array if ndim == 2 else array[0]
