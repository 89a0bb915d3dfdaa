"""The training loop: runs that step gradient descent and hand out snapshots.

Two kinds of run share one interface (``step``, ``snapshot``, ``reset``, ``set_learning_rate``,
``set_optimizer``, ``status``):

* :class:`NetworkRun` trains an :class:`~gdlab.core.network.MLP` on a dataset. Each iteration is
  one weight update ``w <- w - lr * dJ/dw``; backpropagation computes ``dJ/dw``.
* :class:`SurfaceRace` moves one or more points (a race of optimisers or learning rates) across
  an analytic cost surface J(w). The K runs are stacked as rows of one (K, d) array and stepped
  together: one batched gradient evaluation per iteration.

History row ``k`` holds the state *after* ``k`` updates: row 0 is the initial weights and their
cost. After each update the cost and the gradient at the new weights are computed at once, so
the gradient on show is always the one the next step will use.

A run ends as ``converged`` (gradient norm or cost change below tolerance), ``max_iterations``,
or ``diverged`` (a non-finite cost or weight, or a cost past ``DIVERGENCE_FACTOR`` times its
start) — reported as data with the iteration and a plain-words reason, never as an exception or
a numpy warning. :func:`train` is the plain generator of snapshots that drives a run.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator, cast

import numpy as np
from numpy.typing import ArrayLike

from .contour import isoline
from .datasets import Dataset, make_dataset, split
from .experiment import Experiment, run_label
from .features import expand_features, feature_labels
from .history import History
from .metrics import Scorer, metric_name
from .network import MLP
from .optimizers import Optimizer, make_optimizer
from .params import NETWORK, SURFACE
from .schedules import Schedule, make_schedule
from .surfaces import get_surface

if TYPE_CHECKING:
    from .timeline import WeightTape

READY, RUNNING, CONVERGED, DIVERGED, MAX_ITERATIONS, FINISHED = (
    "ready", "running", "converged", "diverged", "max_iterations", "finished")
TERMINAL = frozenset({CONVERGED, DIVERGED, MAX_ITERATIONS, FINISHED})
DIVERGENCE_FACTOR = 1e6
HISTORY_KEEP = 10_000  # history rows a run keeps in memory (about twice this); older ones go to disk
MAX_TRACKED = 20


def optimizer_from_values(values: dict[str, Any], lr: Any = None) -> Optimizer:
    """Build the optimiser a run's values describe (torch-style hyperparameter names)."""
    name = values["optimizer"]
    hyper: dict[str, Any] = {}
    if name in ("momentum", "nesterov"):
        hyper["momentum"] = values["momentum"]
    elif name == "rmsprop":
        hyper["alpha"] = values["rmsprop_alpha"]
    elif name == "adam":
        hyper["beta1"], hyper["beta2"] = values["beta1"], values["beta2"]
    return make_optimizer(name, values["learning_rate"] if lr is None else lr, **hyper)


def schedule_from_values(values: dict[str, Any]) -> Schedule:
    """The learning-rate schedule, in TensorFlow's (decay_rate, decay_steps) convention:

    step: lr0 · rate^⌊t/k⌋;  exponential: lr0 · rate^(t/k);  inverse_time: lr0 / (1 + rate · t / k).
    """
    name, rate, k = values["schedule"], values["decay_rate"], values["decay_steps"]
    if name == "step":
        return make_schedule("step", step_size=k, gamma=rate)
    if name == "exponential":
        return make_schedule("exponential", gamma=rate ** (1.0 / k))
    if name == "inverse_time":
        return make_schedule("inverse_time", decay=rate / k)
    return make_schedule("constant")


def _divergence(cost: float, start_cost: float, iteration: int) -> str | None:
    """A plain-words reason if ``cost`` shows divergence, else None."""
    if not math.isfinite(cost):
        return (f"the cost became {cost} at iteration {iteration}: the steps overshot the minimum and grew "
                f"until the numbers overflowed. Try a smaller learning rate α.")
    bound = DIVERGENCE_FACTOR * max(1.0, abs(start_cost))
    if cost > bound:
        return (f"the cost grew to {cost:.3g} at iteration {iteration}, over {DIVERGENCE_FACTOR:g} times its "
                f"start: each step overshoots the minimum by more than the last. Try a smaller learning rate α.")
    return None


def shown_below(value: float, limit: float) -> str:
    """``value`` with the fewest significant digits (2 or more) that print it below ``limit``: a
    gradient length of 9.97e-07 under a tolerance of 1e-06 reads 9.97e-07, never 1e-06."""
    for digits in range(2, 18):
        text = f"{value:.{digits}g}"
        if float(text) < limit:
            return text
    return repr(value)


def _convergence(cost: float, previous: float, grad_norm: float, values: dict[str, Any],
                 iteration: int, step_norm: float = 0.0, weight_norm: float = 1.0) -> str | None:
    """Converged when ‖∂J/∂w‖ < grad_tolerance, or when J stopped falling *and* the weights stopped
    moving: |ΔJ| ≤ tol·max(1, |J|) and ‖Δw‖ ≤ √tol·max(1, ‖w‖). (A step that jumps across the
    minimum to a point of the same cost, α = 1/L exactly on a parabola, changes J by 0 but is not
    convergence: the weights are still moving.)"""
    if values["grad_tolerance"] > 0 and grad_norm < values["grad_tolerance"]:
        return (f"the gradient's length fell to {shown_below(grad_norm, values['grad_tolerance'])} at iteration "
                f"{iteration}, below the tolerance {values['grad_tolerance']:g}: the weights sit where J is flat "
                "(a minimum, or a saddle).")
    tol = values["tolerance"]
    if tol > 0 and abs(previous - cost) <= tol * max(1.0, abs(cost)) and \
            step_norm <= math.sqrt(tol) * max(1.0, weight_norm):
        return (f"the cost changed by only {abs(previous - cost):.2g} and the weights by {step_norm:.2g} at "
                f"iteration {iteration}, below the tolerance: J has stopped falling.")
    return None


# ---------------------------------------------------------------------------------------------
@dataclass
class NetworkSnapshot:
    """What the GUI needs to draw a network run at one moment. Arrays are copies.

    ``iterations``/``train_cost``/... hold every row since the previous snapshot (``start`` is
    the first row's index), so a cost curve built from snapshots never misses a point.
    """

    kind = NETWORK
    iteration: int
    epoch: float
    status: str
    reason: str
    learning_rate: float
    optimizer: str
    start: int
    iterations: np.ndarray
    train_cost: np.ndarray
    test_cost: np.ndarray
    data_cost: np.ndarray
    penalty: np.ndarray
    grad_norms: np.ndarray
    tracked: np.ndarray
    tracked_ids: list[tuple[int, int, int]]
    tracked_labels: list[str]
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    grad_weights: list[np.ndarray]
    grad_biases: list[np.ndarray]
    last_update: list[np.ndarray] = field(default_factory=list)  # [ΔW_l; Δb_l] of the last step, per layer
    extra: dict[str, Any] = field(default_factory=dict)
    # accuracy (classification) or R² (regression), rows since the previous snapshot like train_cost
    metric_name: str = ""
    train_metric: np.ndarray = field(default_factory=lambda: np.empty(0))
    test_metric: np.ndarray = field(default_factory=lambda: np.empty(0))
    confusion: dict[str, np.ndarray] = field(default_factory=dict)  # "train"/"test": C[true, predicted] now
    class_names: list[str] = field(default_factory=list)            # C names; [] for regression
    epochs_per_iteration: float = 1.0                                # batch / n: an iteration is this much of an epoch


@dataclass
class SurfaceSnapshot:
    """A surface race at one moment: K runs; arrays are copies; rows since the previous snapshot."""

    kind = SURFACE
    iteration: int
    status: str
    reason: str
    labels: list[str]
    learning_rates: np.ndarray
    run_status: list[str]
    run_reason: list[str]
    start: int
    iterations: np.ndarray
    costs: np.ndarray        # (m, K)
    paths: np.ndarray        # (m, K, d)
    w: np.ndarray            # (K, d) current weights
    gradient: np.ndarray     # (K, d) gradient at w (what the next step uses)
    w_next: np.ndarray | None = None     # (K, d) the weights after the next step (a preview)
    cost_next: np.ndarray | None = None  # (K,) the cost there
    step_terms: list[dict[str, np.ndarray]] = field(default_factory=list)  # optimiser quantities after it
    optimizers: list[str] = field(default_factory=list)
    hyper: list[dict[str, float]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
class NetworkRun:
    """Gradient descent on a multilayer perceptron, one iteration per weight update."""

    kind = NETWORK
    _grid: tuple[np.ndarray, np.ndarray, tuple[int, float | None], np.ndarray]  # view_data's (xs, ys, key, points)

    def __init__(self, experiment: Experiment):
        if experiment.kind != NETWORK:
            raise ValueError("NetworkRun needs a network experiment")
        self.experiment = experiment
        v = experiment.values
        self._values = v
        if experiment.points is not None:  # dataset "custom": the experiment's own points
            data = experiment.points.to_dataset()
        else:
            data = make_dataset(v["dataset"], n_samples=v["n_samples"], noise=v["noise"], seed=v["data_seed"])
        self.dataset = data
        self.train_set, self.test_set = split(data, test_fraction=v["test_fraction"], seed=v["data_seed"])
        self.features = v["features"]
        self.input_labels = feature_labels(data.n_features, self.features)
        self.X_train = expand_features(self.train_set.X, self.features)
        self.Y_train = self.train_set.y
        self.X_test = expand_features(self.test_set.X, self.features)
        self.Y_test = self.test_set.y
        self.output_activation, self.loss = experiment.output_and_loss()
        sizes = [self.X_train.shape[1], *v["hidden_layers"], self.Y_train.shape[1]]
        self.model = MLP(sizes, hidden_activation=v["hidden_activation"],
                         output_activation=self.output_activation, init=v["init"], seed=v["seed"],
                         init_scale=v["init_scale"])
        self._initial_state = self.model.get_state()
        self.base_lr = v["learning_rate"]
        self.schedule = schedule_from_values(v)
        self.optimizer = optimizer_from_values(v)
        self.max_iterations = v["max_iterations"]
        n = len(self.X_train)
        self.batch_size = n if v["batch_size"] in (0,) or v["batch_size"] >= n else v["batch_size"]
        n_layers = len(self.model.weights)
        self.history = History({"train_cost": (), "test_cost": (), "data_cost": (), "penalty": (),
                                "learning_rate": (), "grad_norms": (n_layers,), "tracked": (0,),
                                "train_metric": (), "test_metric": ()}, keep=HISTORY_KEEP)
        self.task, self.n_classes = data.task, data.n_classes
        self.metric_name = metric_name(data.task)  # "accuracy" or "R²"
        self._score_train, self._score_test = Scorer(self.Y_train, data.task), Scorer(self.Y_test, data.task)
        self.tracked_ids: list[tuple[int, int, int]] = []
        self.tape: WeightTape | None = None   # set when the weights are recorded (timeline.attach_tape)
        self.set_tracked(self.default_tracked())
        self._start()

    # -- lifecycle -----------------------------------------------------------------------
    def _start(self) -> None:
        self.iteration = 0
        self.first_iteration = 0    # a twin forked at iteration k starts its history at k
        self.status, self.reason = READY, ""
        if self.tape is not None:
            self.tape.forget_after(-1)
        self._before = [block.copy() for block in self.model.blocks]  # no step yet: no update
        self._batch_rng = np.random.default_rng([self._values["seed"], self._values["data_seed"], 7])
        self._order = np.arange(len(self.X_train))
        self._cursor = len(self._order)  # forces a shuffle before the first mini-batch
        self.optimizer.reset()
        self.history.truncate(0)
        with np.errstate(all="ignore"):  # data of huge magnitude may overflow already: divergence, as data
            self._evaluate()
        self._start_cost = float(self.history.column("train_cost")[0])

    def reset(self) -> None:
        """Back to the initial weights, bit for bit; the history starts again."""
        self.model.set_state(self._initial_state)
        self._start()

    def reinitialize(self, seed: int) -> None:
        """New random initial weights from ``seed``; the history starts again."""
        self.model.reinitialize(seed)
        self._initial_state = self.model.get_state()
        self._values["seed"] = seed
        self._start()

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    @property
    def epoch(self) -> float:
        """Passes over the training data so far (iterations × batch / n)."""
        return self.iteration * self.batch_size / max(1, len(self.X_train))

    # -- commands ------------------------------------------------------------------------
    def set_learning_rate(self, lr: float) -> None:
        """Used from the very next step on (the schedule scales this base rate)."""
        self.base_lr = float(lr)

    def set_optimizer(self, name: str, **values: Any) -> None:
        """Switch optimiser between steps; its state (velocity, averages) starts fresh."""
        merged = dict(self._values, optimizer=name, learning_rate=self.base_lr, **values)
        self.optimizer = optimizer_from_values(merged)
        self._values.update(optimizer=name, **values)

    def set_max_iterations(self, n: int) -> None:
        """Raise (or lower) the limit; a run stopped by the limit may go on."""
        self.max_iterations = int(n)
        if self.status == MAX_ITERATIONS and self.iteration < n:
            self.status, self.reason = RUNNING, ""

    def default_tracked(self) -> list[tuple[int, int, int]]:
        """Every weight of a small network; otherwise up to MAX_TRACKED spread over the layers."""
        shapes = [W.shape for W in self.model.weights]
        total = sum(rows * cols for rows, cols in shapes)
        # the k-th weight counting row by row through the layers: picked by arithmetic, the ids of a
        # big network are never all listed
        picks = range(total) if total <= MAX_TRACKED else np.linspace(0, total - 1, MAX_TRACKED).round().astype(int)
        ids, l, first = [], 0, 0  # first: the flat index of layer l's first weight
        for k in map(int, picks):
            while k >= first + shapes[l][0] * shapes[l][1]:
                first += shapes[l][0] * shapes[l][1]
                l += 1
            i, j = divmod(k - first, shapes[l][1])
            ids.append((l, i, j))
        return ids

    def set_tracked(self, ids: list[tuple[int, int, int]]) -> None:
        """Choose the weights W_l[i, j] whose values are recorded every iteration.

        Weights tracked before keep their history; newly added ones have none (NaN) before now.
        """
        for l, i, j in ids:
            if not (0 <= l < len(self.model.weights) and 0 <= i < self.model.weights[l].shape[0]
                    and 0 <= j < self.model.weights[l].shape[1]):
                raise ValueError(f"no weight W{l + 1}[{i + 1},{j + 1}] in this network")
        old_ids = self.tracked_ids
        mapping = [old_ids.index(wid) if wid in old_ids else None for wid in ids]
        self.history.replace_column("tracked", (len(ids),), mapping)
        self.tracked_ids = list(ids)
        self._tracked_rows = [np.array([i * self.model.weights[l].shape[1] + j for (ll, i, j) in ids if ll == l],
                                       dtype=np.intp) for l in range(len(self.model.weights))]
        self._tracked_cols = [np.array([c for c, (ll, _, _) in enumerate(ids) if ll == l], dtype=np.intp)
                              for l in range(len(self.model.weights))]
        if len(self.history):
            self._record_tracked(len(self.history) - 1 - self.history.offset)

    def has_weight(self, wid: tuple[int, int, int]) -> bool:
        """True if this network has the weight W_l[i, j] (0-based ``wid`` = (l, i, j))."""
        if len(wid) != 3 or not all(isinstance(k, (int, np.integer)) for k in wid):
            return False
        l, i, j = wid
        return 0 <= l < len(self.model.weights) and 0 <= i < self.model.weights[l].shape[0] \
            and 0 <= j < self.model.weights[l].shape[1]

    @staticmethod
    def weight_label(wid: tuple[int, int, int]) -> str:
        l, i, j = wid
        return f"W{l + 1}[{i + 1},{j + 1}]"

    # -- the loop ------------------------------------------------------------------------
    def _next_batch(self) -> np.ndarray:
        if self._cursor + self.batch_size > len(self._order):
            self._batch_rng.shuffle(self._order)
            self._cursor = 0
        idx = self._order[self._cursor:self._cursor + self.batch_size]
        self._cursor += self.batch_size
        return idx

    def _evaluate(self, batch: np.ndarray | None = None) -> None:
        """Cost and gradient at the current weights, recorded as the next history row (``batch``:
        these training samples' gradient instead of the next mini-batch's, for a fork)."""
        m, v = self.model, self._values
        reg, lam = v["regularization"], v["reg_rate"]
        # The metrics (accuracy or R²) read the outputs these passes already computed: the
        # network's output buffer of the full training set and of the test set (no extra pass).
        if self.batch_size >= len(self.X_train):
            cost = m.loss_and_gradients(self.X_train, self.Y_train, self.loss, reg, lam)[0]
            train_metric = self._score_train.score(m.activations[-1])
            data_cost, penalty = m.last_data_cost, m.last_penalty
            self.batch_index = None
        else:
            cost = m.cost(self.X_train, self.Y_train, self.loss, reg, lam)
            train_metric = self._score_train.score(m._buffers(len(self.X_train), False).out.T)  # that pass's ŷ
            data_cost, penalty = m.last_data_cost, m.last_penalty
            idx = self._next_batch() if batch is None else batch
            m.loss_and_gradients(self.X_train[idx], self.Y_train[idx], self.loss, reg, lam)
            self.batch_index = idx.copy()  # the samples whose gradient the next step uses (a reshuffle reuses idx)
        if len(self.X_test):
            test = m.cost(self.X_test, self.Y_test, self.loss)
            test_metric = self._score_test.score(m._buffers(len(self.X_test), False).out.T)
        else:
            test = test_metric = math.nan
        h = self.history
        row = h.next_row()
        h.column("train_cost")[row] = cost
        h.column("test_cost")[row] = test
        h.column("train_metric")[row] = train_metric
        h.column("test_metric")[row] = test_metric
        h.column("data_cost")[row] = data_cost
        h.column("penalty")[row] = penalty
        h.column("learning_rate")[row] = self.optimizer.lr if row else self.schedule(self.base_lr, 0)
        norms = h.column("grad_norms")[row]
        grads = m.gradients
        for l in range(len(m.weights)):
            gw, gb = grads[2 * l], grads[2 * l + 1]
            norms[l] = math.sqrt(float(np.dot(gw.ravel(), gw.ravel())) + float(np.dot(gb, gb)))
        self._record_tracked(row)

    def _record_tracked(self, row: int) -> None:
        out = self.history.column("tracked")[row]
        for W, rows, cols in zip(self.model.weights, self._tracked_rows, self._tracked_cols):
            if len(rows):
                out[cols] = W.ravel()[rows]

    def step(self, n: int = 1) -> str:
        """Run up to ``n`` iterations (fewer if the run ends); returns the status."""
        if self.finished:
            return self.status
        m, opt, h = self.model, self.optimizer, self.history
        params, blocks = m.params, m.blocks
        train_cost, grad_norms = h.column("train_cost"), h.column("grad_norms")
        with np.errstate(all="ignore"):
            for _ in range(n):
                if self.iteration >= self.max_iterations:
                    self.status = MAX_ITERATIONS
                    self.reason = f"reached the iteration limit ({self.max_iterations})."
                    break
                opt.lr = self.schedule(self.base_lr, self.iteration)
                kept = self._before if self.tape is None else self.tape.slot(self.iteration)
                for buffer, block in zip(kept, blocks):
                    np.copyto(buffer, block)  # the weights before this step: "the last update", the tape
                self._before = kept
                opt.step(params, m.gradients)  # w <- update(w, dJ/dw): gradient descent *uses* the gradient
                self.iteration += 1
                self._evaluate()  # backprop *computes* dJ/dw at the new weights
                train_cost, grad_norms = h.column("train_cost"), h.column("grad_norms")
                row = len(h) - 1 - h.offset  # local index of the row just written
                cost = float(train_cost[row])
                reason = _divergence(cost, self._start_cost, self.iteration)
                if reason is None and not all(np.isfinite(W).all() for W in m.weights):
                    reason = (f"a weight became infinite or NaN at iteration {self.iteration}. "
                              f"Try a smaller learning rate α.")
                if reason is not None:
                    self.status, self.reason = DIVERGED, reason
                    break
                if self.batch_size >= len(self.X_train):
                    gnorm = float(np.sqrt(np.dot(grad_norms[row], grad_norms[row])))
                    previous = float(train_cost[row - 1])
                    step_norm = weight_norm = math.inf
                    if abs(previous - cost) <= self._values["tolerance"] * max(1.0, abs(cost)):
                        step_norm, weight_norm = self._step_norms()  # only when J has stopped changing
                    reason = _convergence(cost, previous, gnorm, self._values, self.iteration, step_norm,
                                          weight_norm)
                    if reason is not None:
                        self.status, self.reason = CONVERGED, reason
                        break
                self.status = RUNNING
            else:
                if self.iteration >= self.max_iterations:
                    self.status = MAX_ITERATIONS
                    self.reason = f"reached the iteration limit ({self.max_iterations})."
        return self.status

    def _step_norms(self) -> tuple[float, float]:
        """(‖Δw‖ of the last step, ‖w‖) over every weight and bias."""
        step = sum(float(np.sum((block - kept) ** 2)) for block, kept in zip(self.model.blocks, self._before))
        size = sum(float(np.sum(block ** 2)) for block in self.model.blocks)
        return math.sqrt(step), math.sqrt(size)

    # -- reading -------------------------------------------------------------------------
    def snapshot(self, since: int = 0) -> NetworkSnapshot:
        """Copies of the state now, and of every history row from ``since`` on."""
        h, m = self.history, self.model
        since = max(0, min(since, len(h)))
        grads = m.gradients
        return NetworkSnapshot(
            iteration=self.iteration, epoch=self.epoch, status=self.status, reason=self.reason,
            learning_rate=float(self.schedule(self.base_lr, self.iteration)), optimizer=self.optimizer.name,
            start=since, iterations=np.arange(since, len(h)) + self.first_iteration,
            train_cost=h.copy("train_cost", since), test_cost=h.copy("test_cost", since),
            data_cost=h.copy("data_cost", since), penalty=h.copy("penalty", since),
            grad_norms=h.copy("grad_norms", since), tracked=h.copy("tracked", since),
            tracked_ids=list(self.tracked_ids), tracked_labels=[self.weight_label(w) for w in self.tracked_ids],
            weights=[W.copy() for W in m.weights], biases=[b.copy() for b in m.biases],
            grad_weights=[g.copy() for g in grads[0::2]], grad_biases=[g.copy() for g in grads[1::2]],
            last_update=[block - kept for block, kept in zip(m.blocks, self._before)],
            metric_name=self.metric_name, train_metric=h.copy("train_metric", since),
            test_metric=h.copy("test_metric", since), confusion=self.confusion(), class_names=self.class_names,
            epochs_per_iteration=self.batch_size / max(1, len(self.X_train)))

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
        """Names of the classes 0 … C−1 (your own data's names, else "0", "1", …); [] for regression."""
        points = self.experiment.points
        names = list(getattr(points, "class_names", None) or ()) if points is not None else []
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

    def history_columns(self, start: int = 0, stop: int | None = None) -> dict[str, np.ndarray]:
        """The history (copies) of rows ``start:stop`` (all by default), for files: iteration,
        train_cost, test_cost, the metric on both (train_accuracy, test_accuracy; or train_r2,
        test_r2) and epoch = iteration × batch / n, the passes over the training data (an iteration
        is one weight update, an epoch one pass)."""
        h = self.history
        stop = len(h) if stop is None else min(stop, len(h))
        iterations = np.arange(start, max(start, stop))
        suffix = "r2" if self.task == "regression" else "accuracy"
        return {"iteration": iterations, "train_cost": h.copy("train_cost", start, stop),
                "test_cost": h.copy("test_cost", start, stop), f"train_{suffix}": h.copy("train_metric", start, stop),
                f"test_{suffix}": h.copy("test_metric", start, stop),
                "epoch": iterations * self.batch_size / max(1, len(self.X_train))}


# ---------------------------------------------------------------------------------------------
class SurfaceRace:
    """K optimiser runs on one cost surface from a common start, stepped as one batch.

    The weights of all runs form one (K, d) array ``w``; runs that share an optimiser type and
    hyperparameters share one optimiser whose learning rate is a (k, 1) column, so a race of
    learning rates is a single vectorised update.
    """

    kind = SURFACE

    def __init__(self, experiment: Experiment, runs: list[dict[str, Any]] | None = None):
        """``runs`` (each a full set of run values, as :meth:`Experiment.run_values` gives) replaces
        the experiment's own runs; a learning-rate sweep uses it for more runs than a file holds."""
        if experiment.kind != SURFACE:
            raise ValueError("SurfaceRace needs a surface experiment")
        self.experiment = experiment
        v = experiment.values
        self._values = v
        self.surface = get_surface(v["surface"])
        self.start_point = np.array(v["start"] or self.surface.default_start, dtype=float)
        self.runs = [dict(r) for r in runs] if runs is not None else experiment.run_values()
        self.labels = [r["label"] for r in self.runs]
        self.max_iterations = v["max_iterations"]
        K, d = len(self.runs), self.surface.dim
        self.base_lr = np.array([r["learning_rate"] for r in self.runs], dtype=float)
        self._build_groups()
        self.history = History({"costs": (K,), "paths": (K, d)}, keep=HISTORY_KEEP)
        self.w = np.empty((K, d))
        self._w_prev = np.empty((K, d))
        self._bound: tuple[np.ndarray | None, np.ndarray] = (None, np.empty(0))  # (start costs, divergence bound)
        self._start()

    def _build_groups(self) -> None:
        groups: dict[tuple, list[int]] = {}
        for k, r in enumerate(self.runs):
            key = (r["optimizer"], r["momentum"], r["beta1"], r["beta2"], r["rmsprop_alpha"], r["schedule"],
                   r["decay_rate"], r["decay_steps"])
            groups.setdefault(key, []).append(k)
        self._groups = []
        for idx in groups.values():
            values = self.runs[idx[0]]
            lr = self.base_lr[idx][:, None].copy()
            self._groups.append((np.array(idx, dtype=np.intp), optimizer_from_values(values, lr=lr),
                                 schedule_from_values(values)))

    def _start(self) -> None:
        K = len(self.runs)
        self.iteration = 0
        self.first_iteration = 0    # a twin forked at iteration k starts its history at k
        self.status, self.reason = READY, ""
        self.run_status = [READY] * K
        self.run_reason = [""] * K
        self.active = np.ones(K, dtype=bool)
        self.w[:] = self.start_point
        for _, opt, _ in self._groups:
            opt.reset()
        self.history.truncate(0)
        with np.errstate(all="ignore"):
            self._evaluate()
        self._start_cost = self.history.column("costs")[0].copy()

    def reset(self) -> None:
        self._start()

    def set_start(self, point: ArrayLike) -> None:
        """A new common start point; the history starts again."""
        point = np.asarray(point, dtype=float).reshape(self.surface.dim)
        self.start_point = point.copy()
        self._start()

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    def set_learning_rate(self, lr: float, run: int | None = None) -> None:
        """Change the base learning rate of one run (or of all runs), used from the next step on."""
        if run is None:
            self.base_lr[:] = lr
        else:
            self.base_lr[run] = lr
        for k in range(len(self.runs)) if run is None else (run,):
            self._update_run(k, learning_rate=float(lr))

    def set_optimizer(self, name: str, **values: Any) -> None:
        """Switch every run to optimiser ``name`` (state starts fresh)."""
        for k in range(len(self.runs)):
            self._update_run(k, optimizer=name, **values)
        self._build_groups()

    def _update_run(self, k: int, **changes: Any) -> None:
        """Run k's values after a live change; a run named after its optimiser and α (it had no
        label of its own) is renamed, so legends say the α in use."""
        named_by_values = self.labels[k] == run_label(self.runs[k])
        self.runs[k].update(changes)
        if named_by_values:
            self.labels[k] = self.runs[k]["label"] = run_label(self.runs[k])

    def set_max_iterations(self, n: int) -> None:
        self.max_iterations = int(n)
        if self.status == MAX_ITERATIONS and self.iteration < n:
            self.status, self.reason = RUNNING, ""
            for k, s in enumerate(self.run_status):
                if s == MAX_ITERATIONS:
                    self.run_status[k], self.active[k] = RUNNING, True

    def _evaluate(self) -> None:
        self.cost = cast(np.ndarray, self.surface.value(self.w))   # (K,): w is (K, d), never a single point
        self.gradient = self.surface.gradient(self.w)
        row = self.history.next_row()
        self.history.column("costs")[row] = self.cost
        self.history.column("paths")[row] = self.w

    def step(self, n: int = 1) -> str:
        """Advance every active run by up to ``n`` iterations, in lockstep; returns the overall status."""
        if self.finished:
            return self.status
        with np.errstate(all="ignore"):
            for _ in range(n):
                if self.iteration >= self.max_iterations:
                    self._stop_all(MAX_ITERATIONS, f"reached the iteration limit ({self.max_iterations}).")
                    break
                stopped = ~self.active
                before = self.w[stopped] if stopped.any() else None
                np.copyto(self._w_prev, self.w)  # for the step length ‖Δw‖ in the stopping tests
                for idx, opt, schedule in self._groups:
                    opt.lr = schedule(self.base_lr[idx][:, None], self.iteration)
                    if len(idx) == len(self.runs):  # one group: the whole race is one update, in place
                        opt.step([self.w], [self.gradient])  # w <- w - lr * dJ/dw (or the optimiser's rule)
                        continue
                    p = self.w[idx]
                    opt.step([p], [self.gradient[idx]])
                    self.w[idx] = p
                if before is not None:
                    self.w[stopped] = before  # stopped runs stay where they stopped
                self.iteration += 1
                self._evaluate()
                self._check_runs()
                if not self.active.any():
                    self._finish()
                    break
                self.status = RUNNING
            else:
                if self.iteration >= self.max_iterations:
                    self._stop_all(MAX_ITERATIONS, f"reached the iteration limit ({self.max_iterations}).")
        return self.status

    def _check_runs(self) -> None:
        """The stopping tests of :func:`_divergence` and :func:`_convergence` for all runs at once
        (vectorised: a race of K runs costs no K-fold Python loop); words only for runs that stop."""
        costs = self.history.column("costs")
        row = len(self.history) - 1 - self.history.offset
        cost, active = self.cost, self.active
        if self._bound[0] is not self._start_cost:  # the bound of these start costs (a fork sets its own)
            self._bound = (self._start_cost, DIVERGENCE_FACTOR * np.maximum(1.0, np.abs(self._start_cost)))
        bad = active & (~np.isfinite(cost) | (cost > self._bound[1]) | ~np.isfinite(self.w).all(axis=1))
        if bad.any():
            for k in np.flatnonzero(bad):
                reason = _divergence(float(cost[k]), float(self._start_cost[k]), self.iteration)
                self._stop_run(k, DIVERGED, reason or f"a weight became infinite or NaN at iteration {self.iteration}.")
            ok = active & ~bad
        else:
            ok = active.copy()  # _stop_run below clears entries of active
        gnorm = np.sqrt(np.einsum("kd,kd->k", self.gradient, self.gradient))   # ‖∂J/∂w‖ per run
        tol, gtol = self._values["tolerance"], self._values["grad_tolerance"]
        flat = (gnorm < gtol) if gtol > 0 else np.zeros_like(ok)
        if tol > 0 or flat.any():
            moved = self.w - self._w_prev
            step = np.sqrt(np.einsum("kd,kd->k", moved, moved))   # ‖Δw‖ per run
            size = np.sqrt(np.einsum("kd,kd->k", self.w, self.w))
        if tol > 0:
            flat = flat | ((np.abs(costs[row - 1] - cost) <= tol * np.maximum(1.0, np.abs(cost)))
                           & (step <= math.sqrt(tol) * np.maximum(1.0, size)))
        if not (self.iteration == 1 or flat.any()):
            return
        for k in np.flatnonzero(ok & flat):
            reason = _convergence(float(cost[k]), float(costs[row - 1, k]), float(gnorm[k]), self._values_tol(),
                                  self.iteration, float(step[k]), float(size[k]))
            # flat is _convergence's own test, vectorised, so it gives a reason (never None) here
            self._stop_run(k, CONVERGED, cast(str, reason))
        if self.iteration == 1:
            for k in np.flatnonzero(ok & ~flat):
                self.run_status[k] = RUNNING

    def _values_tol(self) -> dict[str, float]:
        return {"tolerance": self._values["tolerance"], "grad_tolerance": self._values["grad_tolerance"]}

    def _stop_run(self, k: int | np.integer, status: str, reason: str) -> None:
        self.active[k] = False
        self.run_status[k], self.run_reason[k] = status, reason

    def _stop_all(self, status: str, reason: str) -> None:
        for k in np.flatnonzero(self.active):
            self._stop_run(k, status, reason)
        self._finish()

    def _finish(self) -> None:
        kinds = set(self.run_status)
        if len(kinds) == 1:
            self.status = self.run_status[0]
            self.reason = self.run_reason[0] if len(self.runs) == 1 else f"every run {self.status}."
            if len(self.runs) == 1:
                return
        else:
            self.status = FINISHED
        parts = [f"{lab}: {st} ({why})" for lab, st, why in zip(self.labels, self.run_status, self.run_reason)]
        self.reason = ("every run " + self.status + ". " if len(kinds) == 1 else "all runs stopped. ") + \
            " ".join(parts)

    def preview(self) -> tuple[np.ndarray, np.ndarray, list[dict[str, np.ndarray]]]:
        """What the next step will do, without doing it: (learning rates (K,), weights after the
        step (K, d), and per run the optimiser's running quantities after the step, e.g.
        ``{"velocity": v}``). The step is taken on copies of the optimisers, exactly as
        :meth:`step` would take it; stopped runs stay where they are."""
        K = len(self.runs)
        lrs = np.empty(K)
        w_next = self.w.copy()
        terms: list[dict[str, np.ndarray]] = [{} for _ in range(K)]
        with np.errstate(all="ignore"):
            for idx, opt, schedule in self._groups:
                trial = opt.copy()
                trial.lr = schedule(self.base_lr[idx][:, None], self.iteration)
                lrs[idx] = np.asarray(trial.lr, dtype=float)[:, 0]
                p = self.w[idx]  # a copy (indexing by an array)
                trial.step([p], [self.gradient[idx]])
                w_next[idx] = p
                for slot, arrays in trial.state.items():
                    for row, k in enumerate(idx.tolist()):
                        terms[k][slot] = arrays[0][row].copy()
        w_next[~self.active] = self.w[~self.active]
        return lrs, w_next, terms

    def snapshot(self, since: int = 0) -> SurfaceSnapshot:
        h = self.history
        since = max(0, min(since, len(h)))
        lrs, w_next, terms = self.preview()
        with np.errstate(all="ignore"):
            cost_next = np.asarray(self.surface.value(w_next), dtype=float).reshape(len(self.runs))
        return SurfaceSnapshot(
            iteration=self.iteration, status=self.status, reason=self.reason, labels=list(self.labels),
            learning_rates=lrs, run_status=list(self.run_status), run_reason=list(self.run_reason),
            start=since, iterations=np.arange(since, len(h)) + self.first_iteration, costs=h.copy("costs", since),
            paths=h.copy("paths", since), w=self.w.copy(), gradient=np.array(self.gradient, copy=True),
            w_next=w_next, cost_next=cost_next, step_terms=terms, optimizers=[r["optimizer"] for r in self.runs],
            hyper=[{k: r[k] for k in ("momentum", "beta1", "beta2", "rmsprop_alpha")} for r in self.runs])

    def view_data(self, resolution: int = 200) -> dict[str, Any]:
        """The surface for drawing: ``curve`` = (w, J(w)) in 1-D, ``grid`` = (xs, ys, J) in 2-D, and minima."""
        s = self.surface
        out: dict[str, Any] = {"dim": s.dim, "title": s.title, "formula": s.formula,
                               "minima": [np.array(m, dtype=float) for m in s.minima]}
        with np.errstate(all="ignore"):
            if s.dim == 1:
                w = np.linspace(*s.view_range[0], resolution)
                out["curve"] = (w, s.value(w[:, None]))
            else:
                xs = np.linspace(*s.view_range[0], resolution)
                ys = np.linspace(*s.view_range[1], resolution)
                gx, gy = np.meshgrid(xs, ys)
                Z = s.value(np.stack([gx, gy], axis=-1))
                out["grid"] = (xs, ys, Z)
                # Colour by log(1 + J − min J): readable on a plain bowl and on Rosenbrock's valley alike.
                finite = np.where(np.isfinite(Z), Z, np.nanmax(np.where(np.isfinite(Z), Z, -np.inf)))
                out["shading"] = np.log1p(finite - finite.min())
        return out

    def history_columns(self, start: int = 0, stop: int | None = None) -> dict[str, np.ndarray]:
        """The history of rows ``start:stop`` (all by default): iteration, and per run k (1-based)
        its cost and each weight."""
        h = self.history
        stop = len(h) if stop is None else min(stop, len(h))
        cols: dict[str, np.ndarray] = {"iteration": np.arange(start, max(start, stop))}
        costs, paths = h.copy("costs", start, stop), h.copy("paths", start, stop)
        for k in range(len(self.runs)):
            cols[f"run{k + 1}_cost"] = costs[:, k]
            for i in range(self.surface.dim):
                cols[f"run{k + 1}_w{i + 1}"] = paths[:, k, i]
        return cols


# ---------------------------------------------------------------------------------------------
def make_run(experiment: Experiment) -> NetworkRun | SurfaceRace:
    """The run an experiment describes."""
    return NetworkRun(experiment) if experiment.kind == NETWORK else SurfaceRace(experiment)


def train(run: NetworkRun | SurfaceRace, chunk: int = 1,
          max_iterations: int | None = None) -> Iterator[NetworkSnapshot | SurfaceSnapshot]:
    """The plain generator that drives a run: step ``chunk`` iterations, yield a snapshot.

    Each snapshot carries every history row since the previous one. The first yield is the
    state before any step; the last is the final state (converged, diverged or at the limit).
    """
    if max_iterations is not None:
        run.set_max_iterations(max_iterations)
    since = 0
    snap = run.snapshot(since)
    since = snap.start + len(snap.iterations)
    yield snap
    while not run.finished:
        run.step(chunk)
        snap = run.snapshot(since)
        since = snap.start + len(snap.iterations)
        yield snap
