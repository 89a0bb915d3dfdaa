"""Race throughput: K optimiser runs on one surface stepped as one batch, against K separate runs.

A race stacks its K runs as the rows of one (K, d) array: one gradient evaluation and one update
per optimiser group per iteration, whatever K is. The alternative is K separate single-run races
stepped one after the other. Both must give the same trajectories (checked first); then each is
timed for --seconds, best of --repeats.

Two races are measured: 8 learning rates of plain gradient descent (one optimiser group: the
whole race is one vectorised update), and 8 mixed runs (sgd, momentum, nesterov, adagrad,
rmsprop, adam and two more learning rates: six groups). Target: the batched race ≥ 4× faster
than separate runs for 8 runs.

Last line: one JSON object with the figures.

Run: .venv/bin/python benchmarks/race.py [--seconds 2] [--repeats 3]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

try:
    import gdlab  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gdlab.core.files.experiment import Experiment  # noqa: E402
from gdlab.core.run.training import SurfaceRace  # noqa: E402

TARGET = 4.0
BASE = {"surface": "rosenbrock", "start": [-1.5, 2.0], "max_iterations": 100_000_000, "tolerance": 0.0,
        "grad_tolerance": 0.0}
RACES = {
    "8 x sgd (one group)": [{"optimizer": "sgd", "learning_rate": lr} for lr in np.geomspace(1e-5, 5e-4, 8)],
    "8 mixed (six groups)": [{"optimizer": o, "learning_rate": lr} for o, lr in (
        ("sgd", 5e-4), ("momentum", 1e-4), ("nesterov", 1e-4), ("adagrad", 0.1), ("rmsprop", 5e-3),
        ("adam", 0.05), ("sgd", 1e-4), ("adam", 0.01))],
}


def make(runs):
    return SurfaceRace(Experiment(kind="surface", values=BASE, runs=runs))


def rate(step, seconds: float) -> float:
    step(50)  # warm-up
    count, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step(200)
        count += 200
    return count / (time.perf_counter() - t0)


def measure(runs, seconds: float, repeats: int) -> dict:
    # same trajectories first
    race, singles = make(runs), [make([r]) for r in runs]
    race.step(300)
    for s in singles:
        s.step(300)
    same = all(np.allclose(race.history.view("paths")[:, k], s.history.view("paths")[:, 0], rtol=1e-12, atol=1e-14)
               for k, s in enumerate(singles))
    best_batch = best_separate = 0.0
    for _ in range(repeats):
        race = make(runs)
        best_batch = max(best_batch, rate(race.step, seconds))
        singles = [make([r]) for r in runs]

        def step_all(n, singles=singles):
            for s in singles:
                s.step(n)

        best_separate = max(best_separate, rate(step_all, seconds))
    return {"runs": len(runs), "batched_iters_per_s": round(best_batch, 1),
            "separate_iters_per_s": round(best_separate, 1), "speedup": round(best_batch / best_separate, 2),
            "same_trajectories": bool(same)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    results = {}
    print(f"{'race':<24}{'batched it/s':>14}{'separate it/s':>15}{'speedup':>9}  target ≥{TARGET:g}")
    for name, runs in RACES.items():
        r = measure(runs, args.seconds, args.repeats)
        results[name] = r
        print(f"{name:<24}{r['batched_iters_per_s']:>14,.0f}{r['separate_iters_per_s']:>15,.0f}"
              f"{r['speedup']:>9.2f}  {'yes' if r['speedup'] >= TARGET else 'NO'}"
              f"{'' if r['same_trajectories'] else '  (TRAJECTORIES DIFFER)'}")
    summary = {"races": results, "target_speedup": TARGET,
               "meets_target": results["8 x sgd (one group)"]["speedup"] >= TARGET}
    print(json.dumps(summary))
    return 0 if all(r["same_trajectories"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
