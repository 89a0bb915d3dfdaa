"""What a network script needs to know, read from a fresh run of the experiment, and the check that
the data the script embeds rebuild exactly the arrays gdlab trains on."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data.features import expand_features
from ..data.real_data import DIGITS, DIGITS_MAX_COUNT
from ..files.experiment import Experiment
from ..params import NETWORK
from ..run.training import NetworkRun

Part = tuple[np.ndarray, np.ndarray, np.ndarray | None]   # a data split: raw X, targets y, class labels


# -- what the script needs to know ----------------------------------------------------------------
@dataclass
class Spec:
    """Everything about one experiment that the script spells out, read from a fresh run."""

    name: str
    summary: str
    description: str
    command: str
    filename: str
    values: dict[str, Any]
    sizes: list[int]
    hidden: str
    output: str
    loss: str
    hyper: dict[str, float]
    batch_size: int
    n_train: int
    n_test: int
    d: int                                   # raw input coordinates
    features: list[str]
    input_labels: list[str]
    custom_data: bool
    train: Part                             # raw X, targets y, class labels
    test: Part
    initial: list[np.ndarray]                # [W_l; b_l] of every layer at the start
    data_note: str                           # the names of custom data's columns and classes
    embed_weights: bool                      # True when a seeded draw does not give `initial`
    task: str                                # "binary", "multiclass" or "regression" (the data's)
    pixel_scale: int = 0                     # digits: x = count / 16, embedded as counts (0: the floats)

    @property
    def L(self) -> int:
        return len(self.sizes) - 1

    @property
    def k(self) -> int:
        return self.sizes[-1]

    @property
    def full_batch(self) -> bool:
        return self.batch_size >= self.n_train

    @property
    def fused(self) -> bool:
        """sigmoid + bce or softmax + cross-entropy: cost from the logits, δ_L = (ŷ − y)/n."""
        return (self.loss, self.output) in (("bce", "sigmoid"), ("cross_entropy", "softmax"))

    @property
    def regularized(self) -> bool:
        return bool(self.values["regularization"] != "none")

    @property
    def uses_labels(self) -> bool:
        """Targets written as class numbers (they rebuild y exactly), not as columns of floats."""
        return _labels_give_targets(self.train) and _labels_give_targets(self.test)

    @property
    def regression(self) -> bool:
        return self.task == "regression"

    @property
    def metric(self) -> str:
        """The function the script scores with, and the stem of its variables: accuracy or r2."""
        return "r2" if self.regression else "accuracy"

    @property
    def metric_function(self) -> str:
        return "r_squared" if self.regression else "accuracy"

    @property
    def convergence_tests(self) -> list[str]:
        """The convergence tests gdlab applies: only to full-batch runs, only those switched on."""
        if not self.full_batch:
            return []
        return [t for t in ("grad_tolerance", "tolerance") if self.values[t] > 0]


def _labels_give_targets(part: Part) -> bool:
    _, y, labels = part
    if labels is None or labels.ndim != 1 or len(labels) != len(y) or (len(labels) and labels.min() < 0):
        return False
    if y.shape[1] == 1:
        made = labels.astype(np.float64).reshape(-1, 1)
    else:
        if len(labels) and labels.max() >= y.shape[1]:
            return False
        made = np.eye(y.shape[1])[labels]
    return made.shape == y.shape and np.array_equal(made, y) and not np.signbit(y).any()


def _seeded_weights(sizes: list[int], init: str, seed: int, scale: float) -> list[np.ndarray]:
    """The initial [W_l; b_l] exactly as the script draws them (and as MLP.reinitialize does)."""
    rng = np.random.default_rng(seed)
    out = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        if init == "xavier":
            r = math.sqrt(6.0 / (fan_in + fan_out))
            W = rng.uniform(-r, r, (fan_in, fan_out))
        elif init == "he":
            W = rng.normal(0.0, math.sqrt(2.0 / fan_in), (fan_in, fan_out))
        elif init == "normal":
            W = rng.normal(0.0, scale, (fan_in, fan_out))
        else:
            W = np.zeros((fan_in, fan_out))
        out.append(np.vstack([W, np.zeros((1, fan_out))]))
    return out


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b) and np.array_equal(np.signbit(a), np.signbit(b))


def _read(experiment: Experiment, command: str | None, filename: str | None) -> tuple[Spec, NetworkRun]:
    if not isinstance(experiment, Experiment):
        raise TypeError(f"export_code needs an Experiment, got {type(experiment).__name__}")
    if experiment.kind != NETWORK:
        raise ValueError(f"export-code is for network experiments; {experiment.name!r} is a {experiment.kind} "
                         f"experiment (optimisers racing on an analytic cost surface), which has no network "
                         f"to write out")
    run = NetworkRun(experiment)
    v = experiment.values
    model = run.model
    state = model.get_state()  # a fresh run: the initial weights
    initial = [np.vstack([W, b[None, :]]) for W, b in zip(state["weights"], state["biases"])]
    seeded = _seeded_weights(model.layer_sizes, model.init, model.seed, model.init_scale)
    train, test = run.train_set, run.test_set

    def labels(part: Any) -> Any:
        return None if part.labels is None else np.asarray(part.labels)

    spec = Spec(
        name=experiment.name, summary=experiment.summary, description=experiment.description,
        command=command or experiment.name,
        filename=filename or (re.sub(r"[^\w.-]+", "_", experiment.name).strip("._") or "experiment") + ".py",
        values=v, sizes=list(model.layer_sizes), hidden=model.hidden_activation.name,
        output=model.output_activation.name, loss=getattr(run.loss, "name", run.loss),
        hyper=dict(run.optimizer.hyper), batch_size=int(run.batch_size), n_train=len(run.X_train),
        n_test=len(run.X_test), d=int(train.X.shape[1]), features=list(run.features),
        input_labels=list(run.input_labels), custom_data=v["dataset"] == "custom",
        train=(np.asarray(train.X), np.asarray(train.y), labels(train)),
        test=(np.asarray(test.X), np.asarray(test.y), labels(test)),
        initial=initial, embed_weights=not all(_same_bits(a, b) for a, b in zip(initial, seeded)),
        data_note=_custom_note(getattr(experiment, "points", None), int(train.X.shape[1])), task=run.task,
        pixel_scale=DIGITS_MAX_COUNT if v["dataset"] == DIGITS and run.features == ["x"] else 0)
    return spec, run


def _custom_note(points: Any, d: int) -> str:
    """What the columns and classes of custom data are called (from the file they came from)."""
    if points is None:
        return ""
    names = list(getattr(points, "feature_names", ()) or ())
    note = ""
    if len(names) == d and names != [f"x{i + 1}" for i in range(d)]:
        coords = [f"x{i + 1}" for i in range(d)] if d > 1 else ["x"]
        note += "The inputs " + ", ".join(f"{c} = {n}" for c, n in zip(coords, names)) + "."
    classes = list(getattr(points, "class_names", ()) or ())
    if classes and classes != [str(i) for i in range(len(classes))]:
        target = getattr(points, "target_name", "") or "class"
        note += f" The {target} classes: " + ", ".join(f"{i} = {c}" for i, c in enumerate(classes)) + "."
    if getattr(points, "standardized", False):
        note += (" The features were standardised when they were imported, x = (x_raw − mean)/std per "
                 "column; the points below are the standardised values.")
    return note.strip()



PIXEL_DIGITS = "0123456789ABCDEFG"   # a count 0 … 16 as one base-17 digit: int(c, 17) reads it back


def _rows(s: Spec, part: Part) -> list[tuple]:
    """The points as the script's appendix lists them: the floats, or for digits (``pixel_scale``)
    each image's counts x·16 as one string of base-17 digits, row by row, and the class."""
    X, y, labels = part
    if s.pixel_scale and labels is not None:
        counts = np.rint(X * s.pixel_scale).astype(np.int64)   # exact: _check_embedding rebuilds X from them
        return [("".join(PIXEL_DIGITS[c] for c in row), int(label)) for row, label in zip(counts, labels)]
    if s.uses_labels and labels is not None:                   # (uses_labels: both parts have labels)
        return [tuple(float(c) for c in x) + (int(label),) for x, label in zip(X, labels)]
    return [tuple(float(c) for c in x) + tuple(float(t) for t in row) for x, row in zip(X, y)]



def _check_embedding(s: Spec, run: NetworkRun) -> None:
    """The points, rebuilt from their lines as the script rebuilds them, are exactly gdlab's arrays."""
    for part, X_ref, Y_ref in ((s.train, run.X_train, run.Y_train), (s.test, run.X_test, run.Y_test)):
        rows = _rows(s, part)
        if not rows:
            continue
        X = (np.array([[int(c, s.pixel_scale + 1) for c in r[0]] for r in rows]) / s.pixel_scale
             if s.pixel_scale else np.array([r[:s.d] for r in rows]))    # as the script's load() reads them
        if s.uses_labels:
            Y = np.array([[float(r[-1])] for r in rows]) if s.k == 1 else np.eye(s.k)[[r[-1] for r in rows]]
        else:
            Y = np.array([r[s.d:] for r in rows])
        if s.features != ["x"]:
            X = expand_features(X, s.features)
        if not (_same_bits(X, np.asarray(X_ref)) and _same_bits(Y, np.asarray(Y_ref))):
            raise RuntimeError("export-code: the embedded data would differ from the data gdlab trains on "
                               "(a bug in gdlab.core.codegen; please report it)")
