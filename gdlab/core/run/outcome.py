"""How a race of optimisers ended, in a few words a class can read.

    "adam reached the minimum at iteration 2,022. At the limit (3,000): rmsprop is 0.0431 from the
    minimum, momentum 0.448, nesterov 0.449, adagrad 0.566, sgd 1.26."

Each run is described by where it stopped: the iteration it last moved (a stopped run's later
history rows repeat its last point) and its distance ‖w − m‖ to the nearest of the surface's
known minima m.
"""
from __future__ import annotations

import numpy as np

from .training import CONVERGED, DIVERGED, MAX_ITERATIONS, SurfaceRace

AT_MINIMUM = 1e-3  # a run this close (‖w − m‖) to a minimum has reached it


def race_summary(race: SurfaceRace) -> str:
    """The ending of ``race`` in two or three short sentences (see the module docstring)."""
    paths = race.history.view("paths")
    minima = np.asarray(race.surface.minima, dtype=float).reshape(-1, race.surface.dim)
    deepest = np.asarray(race.surface.global_minima, dtype=float).reshape(-1, race.surface.dim)
    reached: list[tuple[str, int]] = []
    settled: list[str] = []
    diverged: list[str] = []
    limit: list[tuple[float, str]] = []
    for k, (label, status) in enumerate(zip(race.labels, race.run_status)):
        moved = np.flatnonzero(np.any(paths[1:, k] != paths[:-1, k], axis=1))
        stop = race.first_iteration + (int(moved[-1]) + 1 if moved.size else 0)
        w = race.w[k]
        distance = float(np.min(np.linalg.norm(minima - w, axis=1))) if len(minima) and np.isfinite(w).all() \
            else float("nan")
        if status == DIVERGED:
            diverged.append(f"{label} at iteration {stop:,}")
        elif status == CONVERGED and distance <= AT_MINIMUM and len(deepest) and \
                float(np.min(np.linalg.norm(deepest - w, axis=1))) <= AT_MINIMUM:
            reached.append((label, stop))
        elif status == CONVERGED:
            where = "a local minimum" if distance <= AT_MINIMUM else "a flat spot"
            settled.append(f"{label} in {where} at iteration {stop:,}")
        elif status == MAX_ITERATIONS:
            limit.append((distance, label))
    out = []
    if len(reached) == 1:
        out.append(f"{reached[0][0]} reached the minimum at iteration {reached[0][1]:,}.")
    elif reached:
        out.append(f"{_join([f'{label} (iteration {stop:,})' for label, stop in reached])} reached the minimum.")
    if settled:
        out.append(f"Came to rest: {_join(settled)}.")
    if limit:
        limit.sort(key=lambda item: (np.isnan(item[0]), item[0]))
        first_distance, first = limit[0]
        rest = [f"{label} {d:.3g}" for d, label in limit[1:]]
        words = f"{first} is {first_distance:.3g} from the minimum" + (", " + ", ".join(rest) if rest else "")
        out.append(f"At the limit ({race.max_iterations:,}): {words}.")
    if diverged:
        out.append(f"Diverged: {_join(diverged)}.")
    return " ".join(out)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
