"""The one driver of runs: the window's worker, the CLI, the headless exports, the sweep, the
inspector text and the training generator :func:`gdlab.core.run.training.train` all advance a run
here, and only here is ``run.step`` called (a test parses gdlab/ to check it).

A run advances in chunks of iterations. Between two chunks the driver looks at

* the run: it stops once the run has ended (converged, diverged or at its limit) — with a forked
  twin (:func:`gdlab.core.run.timeline.fork`), once both have;
* its budgets: at most ``count`` iterations (:meth:`Driver.chunks`), or about ``seconds`` of
  work (:meth:`Driver.step_for`, whose chunk n adapts: n ← clamp(seconds / t₁, 1, MAX_CHUNK),
  t₁ the time one iteration of the previous chunk took);
* a stop request: a :class:`threading.Event` that another thread sets (the window closing), so
  a long step — a lesson's 200,000 iterations — holds up quitting by one chunk at most.

A twin takes the same iterations as the run, chunk for chunk: the two stay in lockstep.
"""
from __future__ import annotations

import threading
import time
from typing import Iterator, Protocol

STEP_CHUNK = 200      # iterations between two looks at the stop request (spiral-deep: ~60 ms)
MAX_CHUNK = 10_000    # the most iterations a timed chunk takes, however fast one iteration is


class Steppable(Protocol):
    """What the driver needs of a run (a NetworkRun or a SurfaceRace)."""

    iteration: int

    def step(self, n: int = 1) -> str: ...

    @property
    def finished(self) -> bool: ...


class Driver:
    """Advances ``run`` (and ``twin``, in lockstep) in chunks; see the module docstring.

    ``stop`` is the stop request (a new Event when not given); ``twin`` may be set or cleared
    between chunks.
    """

    def __init__(self, run: Steppable, twin: Steppable | None = None, stop: threading.Event | None = None):
        self.run = run
        self.twin = twin
        self.stop = stop if stop is not None else threading.Event()
        self._timed_chunk = 1

    @property
    def finished(self) -> bool:
        """The run has ended, and so has the twin if there is one."""
        return self.run.finished and (self.twin is None or self.twin.finished)

    def step(self, n: int) -> None:
        """``n`` iterations of the run and of the twin (fewer for one that ends), without a look at
        the stop request: callers keep ``n`` small or use :meth:`chunks`."""
        self.run.step(n)
        if self.twin is not None:
            self.twin.step(n)  # in lockstep with the run

    def chunks(self, count: int | None = None, chunk: int = STEP_CHUNK) -> Iterator[int]:
        """Advance by up to ``count`` iterations (None: until the run ends), ``chunk`` at a time,
        yielding the run's iteration after each chunk. Ends early when the run (and twin) ended or
        a stop was requested; nothing is stepped after the last yield."""
        if chunk < 1:
            raise ValueError(f"a chunk is at least one iteration, got {chunk!r}")
        done = 0
        while not self.finished and not self.stop.is_set() and (count is None or done < count):
            n = chunk if count is None else min(chunk, count - done)
            self.step(n)
            done += n
            yield self.run.iteration

    def advance(self, count: int | None = None, chunk: int = STEP_CHUNK) -> int:
        """:meth:`chunks` run through; returns the run's iteration."""
        for _ in self.chunks(count, chunk):
            pass
        return self.run.iteration

    def step_for(self, seconds: float) -> int:
        """One chunk of about ``seconds`` of work (its size adapts, see the module docstring);
        returns the iterations asked for."""
        n = self._timed_chunk
        t0 = time.perf_counter()
        self.step(n)
        per_step = (time.perf_counter() - t0) / n
        self._timed_chunk = max(1, min(MAX_CHUNK, int(seconds / max(per_step, 1e-9))))
        return n
