"""Time travel for runs: the weights of every recent iteration, rewinding, and twin runs.

**The tape** (:mod:`gdlab.core.run.weight_tape`, attached with :func:`attach_tape`): the weights
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

from dataclasses import replace
from typing import Any

import numpy as np

from ..files.experiment import MAX_RUNS
from ..io.printing import alpha
from ..nn.network import MLP
from ..params import FORKABLE
from .network_run import NetworkRun
from .run_state import frozen_all, rng_state
from .run_status import READY, RUNNING
from .surface_race import SurfaceRace, run_entries
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
        return 0, run.initial_weights()
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

    The history is cut there and training can go on from it: a new branch. It is the run's state
    now with the weights of then, fresh optimiser state and (networks) a mini-batch order drawn
    again from a seed that depends on the iteration."""
    if isinstance(run, SurfaceRace):
        return _rewind_race(run, iteration)
    found = weights_at(run, iteration)
    if found is None:
        raise ValueError(f"iteration {iteration} is no longer recorded")
    it, blocks = found
    weights = frozen_all(blocks)
    v, n = run.experiment, len(run.X_train)
    run.set_state(replace(run.get_state(), iteration=it, weights=weights, weights_before=weights, optimizer=(),
                          status=READY if it == 0 else RUNNING, reason="",
                          rng=rng_state(np.random.default_rng([v["seed"], v["data_seed"], 7, it])),
                          order=np.arange(n), cursor=n, batch=None))  # the next mini-batch is drawn afresh
    return it


def _rewind_race(race: SurfaceRace, iteration: int) -> int:
    it = int(max(race.first_iteration, min(iteration, race.iteration)))
    row = it - race.first_iteration
    status, K = READY if it == 0 else RUNNING, len(race.runs)
    race.set_state(replace(race.get_state(), iteration=it, weights=(race.history.view("paths", row, row + 1)[0],),
                           optimizer=(), status=status, reason="", active=np.ones(K, dtype=bool),
                           run_status=(status,) * K, run_reason=("",) * K))
    return it


def fork(run: NetworkRun | SurfaceRace, **changes: Any) -> NetworkRun | SurfaceRace:
    """A twin of ``run`` now, with ``changes`` to its experiment (see the module docstring)."""
    unknown = sorted(set(changes) - set(FORKABLE))
    if unknown:
        raise ValueError(f"a fork may change {', '.join(FORKABLE)}; not {unknown[0]}")
    if isinstance(run, SurfaceRace):
        return _fork_race(run, **changes)
    twin = NetworkRun(run.experiment.replace(**changes))
    if twin.model.layer_sizes != run.model.layer_sizes:
        raise ValueError("a fork keeps the network's shape")
    twin.set_tracked(list(run.tracked_ids))
    state = run.get_state()
    # the same weights, optimiser state (if the optimiser is unchanged) and next mini-batches; the
    # twin's history starts now, its divergence measured from its own cost now
    twin.set_state(replace(state, first_iteration=state.iteration, weights_before=state.weights,
                           status=READY if state.status == READY else RUNNING, reason="", start_cost=None))
    return twin


def _fork_race(race: SurfaceRace, **changes: Any) -> SurfaceRace:
    """A twin race: every run with ``changes``, starting where the race's runs are now."""
    if "hidden_activation" in changes:
        raise ValueError("a cost surface has no activation to change")
    runs = [dict(r, **{k: v for k, v in changes.items() if k in r}) for r in race.runs]
    experiment = race.experiment.replace(**{k: v for k, v in changes.items() if k not in ("batch_size",)})
    twin = SurfaceRace(experiment.replace(runs=run_entries(runs, experiment.values)) if len(runs) <= MAX_RUNS
                       else experiment, runs=runs)
    state = race.get_state()
    twin.set_state(replace(state, first_iteration=state.iteration, optimizer=(), status=READY, reason="",
                           run_status=tuple(s if s == READY else RUNNING for s in state.run_status),
                           run_reason=("",) * len(runs)))
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
