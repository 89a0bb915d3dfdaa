"""Time travel for runs: the weights of every recent iteration, rewinding, and twin runs.

**The tape** (:mod:`gdlab.core.weight_tape`, attached with :func:`attach_tape`): the weights
before every recent step, and checkpoints further back.

    weights_at(k) -> (k', blocks)   k' = k when iteration k is still recorded exactly,
                                    else the nearest checkpoint before it

**Rewind** (:func:`rewind`): back to iteration k, with the history cut there; training then goes
on from k as a new branch. The optimiser's running averages start fresh (plain gradient descent
has none, so its branch is the same as the original until something is changed) and the
mini-batch order is drawn again from a seed that depends on k.

**Fork** (:func:`fork`): a twin of a run at its current iteration with one setting changed (α × 10,
another optimiser, another activation …): the same weights, the same data, the same next
mini-batches, the same optimiser state when the optimiser is unchanged. Stepped in lockstep
with the original, the two differ only by the change.
"""
from __future__ import annotations

import copy
from typing import Any

import numpy as np

from .network import MLP
from .network_run import NetworkRun
from .params import FORKABLE
from .printing import alpha
from .run_status import READY
from .surface_race import SurfaceRace
from .weight_tape import DEFAULT_BUDGET_BYTES, WeightTape


def attach_tape(run: NetworkRun, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> WeightTape:
    """Start recording a network run's weights at every step (from now on)."""
    tape = WeightTape(run.model.blocks, budget_bytes)
    run.tape = tape
    return tape


def weights_at(run: NetworkRun, iteration: int) -> tuple[int, list[np.ndarray]] | None:
    """The run's weights at ``iteration`` (see :meth:`WeightTape.weights_at`); the current
    iteration is always exact."""
    if iteration >= run.iteration:
        return run.iteration, [b.copy() for b in run.model.blocks]
    tape = getattr(run, "tape", None)
    found = tape.weights_at(iteration) if tape is not None else None
    if found is None and run.first_iteration == 0:  # iteration 0 of every branch: the initial weights
        state = run._initial_state
        return 0, [np.vstack([W, b[None, :]]) for W, b in zip(state["weights"], state["biases"])]
    return found


def probe_at(run: NetworkRun, iteration: int) -> tuple[int, MLP] | None:
    """(iteration found, a copy of the network with the weights of that iteration) or None."""
    found = weights_at(run, iteration)
    if found is None:
        return None
    it, blocks = found
    probe = run.model.copy()
    for target, block in zip(probe.blocks, blocks):
        np.copyto(target, block)
    return it, probe


def rewind(run: NetworkRun | SurfaceRace, iteration: int) -> int:
    """Back to ``iteration`` (the nearest recorded one at or before it, for a network); returns it.

    The history is cut there and training can go on from it: a new branch."""
    if isinstance(run, SurfaceRace):
        return _rewind_race(run, iteration)
    found = weights_at(run, iteration)
    if found is None:
        raise ValueError(f"iteration {iteration} is no longer recorded")
    it, blocks = found
    for target, block in zip(run.model.blocks, blocks):
        np.copyto(target, block)
    tape = getattr(run, "tape", None)
    if tape is not None:
        tape.forget_after(it)
    run.iteration = it
    run.status, run.reason = (READY if it == 0 else "running"), ""
    run.optimizer.reset()
    v = run.experiment.values
    run._batch_rng = np.random.default_rng([v["seed"], v["data_seed"], 7, it])
    run._order = np.arange(len(run.X_train))
    run._cursor = len(run._order)
    run._before = [b.copy() for b in run.model.blocks]
    run.history.truncate(it - run.first_iteration)
    run._evaluate()
    return it


def _rewind_race(race: SurfaceRace, iteration: int) -> int:
    it = int(max(0, min(iteration, race.iteration)))
    race.w[:] = race.history.view("paths", it, it + 1)[0]
    race.iteration = it
    race.history.truncate(it)
    for _, opt, _ in race._groups:
        opt.reset()
    race.active[:] = True
    race.run_status = [READY if it == 0 else "running"] * len(race.runs)
    race.run_reason = [""] * len(race.runs)
    race.status, race.reason = (READY if it == 0 else "running"), ""
    with np.errstate(all="ignore"):
        race._evaluate()
    return it



def fork(run: NetworkRun | SurfaceRace, **changes: Any) -> NetworkRun | SurfaceRace:
    """A twin of ``run`` now, with ``changes`` to its experiment (see the module docstring)."""
    unknown = sorted(set(changes) - set(FORKABLE))
    if unknown:
        raise ValueError(f"a fork may change {', '.join(FORKABLE)}; not {unknown[0]}")
    if isinstance(run, SurfaceRace):
        return _fork_race(run, **changes)
    experiment = run.experiment.replace(**changes)
    twin = NetworkRun(experiment)
    if twin.model.layer_sizes != run.model.layer_sizes:
        raise ValueError("a fork keeps the network's shape")
    for target, block in zip(twin.model.blocks, run.model.blocks):
        np.copyto(target, block)                       # the same weights now
    twin._initial_state = copy.deepcopy(run._initial_state)
    twin.first_iteration = run.iteration
    twin.iteration = run.iteration
    twin.status, twin.reason = run.status if run.status == READY else "running", ""
    if twin.optimizer.name == run.optimizer.name and twin.optimizer.hyper == run.optimizer.hyper:
        state = run.optimizer.get_state()
        twin.optimizer.set_state(state)                # the same momentum / running averages
    twin.base_lr = float(experiment["learning_rate"])
    twin.set_tracked(list(run.tracked_ids))
    # the same next mini-batch and the same ones after it
    twin._batch_rng = copy.deepcopy(run._batch_rng)
    twin._order = run._order.copy()
    twin._cursor = run._cursor
    twin.history.truncate(0)
    twin._before = [b.copy() for b in twin.model.blocks]
    twin._evaluate(batch=None if run.batch_index is None else run.batch_index.copy())
    twin._start_cost = float(twin.history.view("train_cost")[0])
    return twin


def _fork_race(race: SurfaceRace, **changes: Any) -> SurfaceRace:
    """A twin race: every run with ``changes``, starting where the race's runs are now."""
    if "hidden_activation" in changes:
        raise ValueError("a cost surface has no activation to change")
    runs = [dict(r, **{k: v for k, v in changes.items() if k in r}) for r in race.runs]
    twin = SurfaceRace(race.experiment.replace(**{k: v for k, v in changes.items()
                                                  if k not in ("batch_size",)}), runs=runs)
    twin.w[:] = race.w
    twin.first_iteration = race.iteration
    twin.iteration = race.iteration
    twin.history.truncate(0)
    with np.errstate(all="ignore"):
        twin._evaluate()
    twin._start_cost = race._start_cost.copy()
    twin.active[:] = race.active
    twin.run_status = [s if s == READY else "running" for s in race.run_status]
    return twin


def describe_change(changes: dict[str, Any]) -> str:
    """A short label for a twin, e.g. "α = 0.5", "adam", "relu"."""
    parts = []
    for key, value in changes.items():
        if key == "learning_rate":
            parts.append(alpha(value))
        else:
            parts.append(f"{key.replace('_', ' ')} = {value}")
    return ", ".join(parts) or "twin"
