"""A run's state as a value: everything that decides what its next steps do, apart from its settings.

:meth:`NetworkRun.get_state <gdlab.core.run.network_run.NetworkRun.get_state>` and
:meth:`SurfaceRace.get_state <gdlab.core.run.surface_race.SurfaceRace.get_state>` return a
:class:`RunState` (read-only copies); ``set_state`` puts one back, so that

    s = run.get_state();  run.step(n);  run.set_state(s);  run.step(n)

takes the same n steps twice, bit for bit (weights, optimiser state, mini-batch order and history).
Rewinding and forking (:mod:`gdlab.core.run.timeline`) are a state changed with
:func:`dataclasses.replace` and set.

The settings (α, the optimiser and its hyperparameters, the iteration limit) are *not* part of the
state: they live in the run's experiment, and a state set back keeps the settings the run has now
(a rewind trains on with the α in use). An optimiser state saved under other settings (another rule
or other hyperparameters) is not restored: that optimiser starts fresh, as after a live switch.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class RunState:
    """A network run or a surface race at one iteration.

    Rows ``0 … iteration − first_iteration − 1`` of the history are the run's own and stay when
    the state is set; the row of ``iteration`` is computed again from the state. Arrays are
    read-only copies.

    Both kinds: ``weights`` (network: the blocks [W_l; b_l] per layer; race: the (K, d) array of
    the runs' weights), ``optimizer`` (the optimisers' states, ``()``: fresh ones; a race keeps one
    per group of runs, as (run indices, state)), ``start_cost`` (the cost the divergence test
    measures from; None: the cost at this state's own first history row).

    Network runs: ``initial`` (the weights of iteration 0), ``weights_before`` (before the last
    step: the last update on show), ``rng`` (the mini-batch shuffle's generator state), ``order``
    and ``cursor`` (the shuffled sample order and the position of the next mini-batch in it),
    ``batch`` (the samples whose gradient the next step uses; None: draw the next mini-batch).

    Surface races: ``active`` (which runs still step), ``run_status`` and ``run_reason`` per run.
    """

    iteration: int
    first_iteration: int
    status: str
    reason: str
    weights: tuple[np.ndarray, ...]
    optimizer: tuple[Any, ...] = ()
    start_cost: float | np.ndarray | None = None
    initial: tuple[np.ndarray, ...] = ()
    weights_before: tuple[np.ndarray, ...] = ()
    rng: dict[str, Any] = field(default_factory=dict)
    order: np.ndarray | None = None
    cursor: int = 0
    batch: np.ndarray | None = None
    active: np.ndarray | None = None
    run_status: tuple[str, ...] = ()
    run_reason: tuple[str, ...] = ()

    @property
    def history_rows(self) -> int:
        """The history rows kept when this state is set (those before its iteration)."""
        return self.iteration - self.first_iteration


def frozen(array: np.ndarray) -> np.ndarray:
    """A read-only copy of ``array``."""
    out = np.array(array, copy=True)
    out.flags.writeable = False
    return out


def frozen_all(arrays: Any) -> tuple[np.ndarray, ...]:
    return tuple(frozen(a) for a in arrays)


# The one place that knows how an optimiser's state is taken out and put back.
def optimizer_state(optimizer: Any) -> Any:
    """A copy of ``optimizer``'s state (step count, running averages, learning rate)."""
    return optimizer.get_state()


def restore_optimizer(optimizer: Any, state: Any) -> None:
    """Put ``state`` back into ``optimizer``; None, or a state of another rule or other
    hyperparameters (the settings changed since), starts it fresh instead."""
    if state is None or state["name"] != optimizer.name or state["hyper"] != optimizer.hyper:
        optimizer.reset()
    else:
        optimizer.set_state(state)


def rng_state(generator: np.random.Generator) -> dict[str, Any]:
    """A copy of a generator's state (plain data)."""
    return dict(copy.deepcopy(generator.bit_generator.state))


def rng_from_state(state: dict[str, Any]) -> np.random.Generator:
    """A generator that continues exactly where the one ``state`` was taken from was."""
    bit_generator = getattr(np.random, state["bit_generator"])(0)
    bit_generator.state = copy.deepcopy(state)
    return np.random.Generator(bit_generator)


def check_fits(state: RunState, rows: int, weights: list[np.ndarray]) -> None:
    """Refuse a state for weights of other shapes, or whose history rows the run does not hold
    (a state from further on, or from before a reset)."""
    if [w.shape for w in state.weights] != [w.shape for w in weights]:
        raise ValueError("the state is for weights of other shapes")
    if not 0 <= state.history_rows <= rows:
        raise ValueError(f"this run's history has {rows} rows; the state at iteration {state.iteration} "
                         f"needs {state.history_rows} before it")
