"""A network run: gradient descent on a multilayer perceptron, one iteration per weight update.

Each iteration is one weight update ``w <- w - lr * dJ/dw``; backpropagation computes ``dJ/dw``.
History row ``k`` holds the state *after* ``k`` updates (row 0: the initial weights and their cost).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..data.datasets import make_dataset, split
from ..data.features import expand_features, feature_labels
from ..files.experiment import Experiment
from ..nn.metrics import Scorer, metric_name
from ..nn.network import MLP
from ..params import NETWORK
from .history import History
from .network_maps import NetworkMaps
from .run_state import (
    RunState,
    check_fits,
    frozen,
    frozen_all,
    optimizer_state,
    restore_optimizer,
    rng_from_state,
    rng_state,
)
from .run_status import (
    CONVERGED,
    DIVERGED,
    HISTORY_KEEP,
    MAX_ITERATIONS,
    MAX_TRACKED,
    READY,
    RUNNING,
    TERMINAL,
    NetworkSnapshot,
    _convergence,
    _divergence,
    optimizer_from_values,
    schedule_from_values,
)

if TYPE_CHECKING:
    from .weight_tape import WeightTape


class NetworkRun(NetworkMaps):
    """Gradient descent on a multilayer perceptron, one iteration per weight update."""

    kind = NETWORK

    def __init__(self, experiment: Experiment):
        if experiment.kind != NETWORK:
            raise ValueError("NetworkRun needs a network experiment")
        self._settings(experiment)
        v = self._values
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
        self.model = MLP(experiment.layer_sizes(), hidden_activation=v["hidden_activation"],
                         output_activation=self.output_activation, init=v["init"], seed=v["seed"],
                         init_scale=v["init_scale"])
        self._initial_state = self.model.get_state()
        self.schedule = schedule_from_values(v)
        self.optimizer = optimizer_from_values(v)
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
        self._settings(self.experiment.replace(seed=seed))
        self.model.reinitialize(seed)
        self._initial_state = self.model.get_state()
        self._start()

    # -- settings: the experiment is their one source ----------------------------------------
    @property
    def experiment(self) -> Experiment:
        """The run's settings, live changes included: every value the run uses comes from it."""
        return self._experiment

    def _settings(self, experiment: Experiment) -> None:
        """Take ``experiment`` as the run's settings; the one place they change."""
        self._experiment = experiment
        self._values = experiment.values

    @property
    def base_lr(self) -> float:
        """The learning rate α of the experiment (the schedule scales it)."""
        return float(self._values["learning_rate"])

    @property
    def max_iterations(self) -> int:
        return int(self._values["max_iterations"])

    # -- state as a value ----------------------------------------------------------------------
    def initial_weights(self) -> list[np.ndarray]:
        """Copies of the weights of iteration 0, as blocks [W_l; b_l]."""
        state = self._initial_state
        return [np.vstack([W, b[None, :]]) for W, b in zip(state["weights"], state["biases"])]

    def get_state(self) -> RunState:
        """The run now, as a value (copies): see :mod:`gdlab.core.run.run_state`."""
        return RunState(
            iteration=self.iteration, first_iteration=self.first_iteration, status=self.status,
            reason=self.reason, weights=frozen_all(self.model.blocks), optimizer=(optimizer_state(self.optimizer),),
            start_cost=self._start_cost, initial=frozen_all(self.initial_weights()),
            weights_before=frozen_all(self._before), rng=rng_state(self._batch_rng), order=frozen(self._order),
            cursor=self._cursor, batch=None if self.batch_index is None else frozen(self.batch_index))

    def set_state(self, state: RunState) -> None:
        """Put the run back in ``state`` (its settings stay: see :mod:`gdlab.core.run.run_state`);
        the history is cut after the state's iteration, whose row is computed again."""
        check_fits(state, len(self.history), self.model.blocks)
        for target, block in zip(self.model.blocks, state.weights):
            np.copyto(target, block)
        if state.initial:
            self._initial_state = {"weights": [b[:-1].copy() for b in state.initial],
                                   "biases": [b[-1].copy() for b in state.initial]}
        self._before = [b.copy() for b in (state.weights_before or state.weights)]
        restore_optimizer(self.optimizer, state.optimizer[0] if state.optimizer else None)
        self._batch_rng = rng_from_state(state.rng)
        self._order = np.arange(len(self.X_train)) if state.order is None else state.order.copy()
        self._cursor = state.cursor
        self.iteration, self.first_iteration = state.iteration, state.first_iteration
        self.status, self.reason = state.status, state.reason
        if self.tape is not None:
            self.tape.forget_after(state.iteration)
        self.history.truncate(state.history_rows)
        with np.errstate(all="ignore"):
            self._evaluate(batch=None if state.batch is None else state.batch.copy())
        self._start_cost = float(self.history.view("train_cost", 0, 1)[0] if state.start_cost is None
                                 else state.start_cost)

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
        self._settings(self.experiment.replace(learning_rate=float(lr)))

    def set_optimizer(self, name: str, **values: Any) -> None:
        """Switch optimiser between steps; its state (velocity, averages) starts fresh."""
        self._settings(self.experiment.replace(optimizer=name, **values))
        self.optimizer = optimizer_from_values(self._values)

    def set_max_iterations(self, n: int) -> None:
        """Raise (or lower) the limit; a run stopped by the limit may go on."""
        self._settings(self.experiment.replace(max_iterations=int(n)))
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
