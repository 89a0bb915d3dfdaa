"""``gdlab run``: train without any window and write the history (CSV or JSON) and, with
``--weights``, the final weights. Also the history writers (:func:`history_csv`, :func:`history_json`).
Imports the usage, experiment-flag and progress modules of this package; gdlab.core inside functions."""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any, Iterator

from .experiment_flags import add_experiment_argument, add_experiment_flags, experiment_from_args, with_iterations
from .progress import add_progress_flag, on_terminal
from .usage import UsageError, examples, output_path, positive_int

RUN_HELP = ("train without a window; the history as CSV or JSON",
            "Train without any window and write the history: one CSV row per iteration (iteration, costs, "
            "accuracies, epoch), then a `# status: …` line; or JSON with the experiment. Every experiment "
            "parameter is also a flag. The same inputs give byte-identical output.",
            examples("gdlab run xor --iterations 2000 --out xor.csv",
                     "gdlab run xor --learning-rate 0.05 --optimizer adam --hidden-layers 8,8 --out h.json",
                     "gdlab run --data points.csv --label y --weights w.npz --out h.csv"))


def run_arguments(p: argparse.ArgumentParser) -> None:
    add_experiment_argument(p, ": then its network and training values are used")
    p.add_argument("--iterations", type=positive_int, metavar="N",
                   help="iteration limit (default: the experiment's max_iterations)")
    p.add_argument("--out", required=True, metavar="FILE", help="history file: .csv or .json")
    add_progress_flag(p)
    p.add_argument("--weights", metavar="FILE", help="also write the final weights and biases with the experiment: "
                   ".npz (arrays W1, b1, ...) or .json")
    add_experiment_flags(p)


def cmd_run(args: argparse.Namespace) -> int:
    from ..core.run.training import make_run

    out = output_path("--out", args.out, (".csv", ".json"), "the history file")
    weights = _weights_target(args.weights, out) if args.weights else None
    experiment = experiment_from_args(args, "run")
    if weights is not None and experiment.kind != "network":
        raise UsageError(f"--weights {args.weights}: {experiment.name} is a cost-surface race; only a network "
                         "has weights to save")
    experiment = with_iterations(experiment, args.iterations)
    run = make_run(experiment)
    show = args.progress == "always" or (args.progress == "auto" and on_terminal(sys.stderr))
    _drive(run, experiment["max_iterations"], show)
    from ..core.io.atomic import atomic_write_parts

    if weights is not None:
        _save_weights(weights, run)
    parts = iter([history_json(experiment, run)]) if out.suffix.lower() == ".json" else history_csv_parts(run)
    try:
        atomic_write_parts(out, (part.encode("utf-8") for part in parts))
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"{run.status} at iteration {run.iteration}: {run.reason}" if run.reason else
          f"{run.status} at iteration {run.iteration}", file=sys.stderr)
    return 0


def _drive(run, limit: int, show_progress: bool) -> None:
    from ..core.run.driver import Driver

    t0 = time.perf_counter()
    last_draw = 0.0
    for _ in Driver(run).chunks(chunk=max(1, min(1000, limit // 100))):
        now = time.perf_counter()
        if show_progress and (now - last_draw > 0.1 or run.finished):
            last_draw = now
            frac = min(1.0, run.iteration / max(1, limit))
            bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
            rate = run.iteration / max(now - t0, 1e-9)
            sys.stderr.write(f"\r[{bar}] {frac:4.0%} {run.iteration}/{limit} it  {rate:,.0f} it/s ")
            sys.stderr.flush()
    if show_progress:
        sys.stderr.write("\n")


CSV_ROWS_AT_ONCE = 50_000  # rows read from the history and written at a time: memory stays small


def history_csv_parts(run) -> Iterator[str]:
    """The history as CSV, a block of rows at a time, in the lines of
    :mod:`gdlab.core.run.history_kernels` (the exported script's too): a header, one row per iteration,
    then ``# status: ...`` as the last line. A run of 10⁸ iterations never has its CSV all in memory."""
    from ..core.run.history_kernels import header_line, history_line, status_line

    names = ["iteration", *(n for n in run.history_columns(0, 0) if n != "iteration")]
    yield header_line(names)
    for start in range(0, len(run.history), CSV_ROWS_AT_ONCE):
        cols = run.history_columns(start, start + CSV_ROWS_AT_ONCE)
        iterations, *values = (cols[n].tolist() for n in names)   # Python numbers: repr() without np.float64
        yield "".join(map(history_line, iterations, zip(*values)))
    yield status_line(run.status, run.iteration, run.reason)


def history_csv(run) -> str:
    """The whole history as one CSV text (see :func:`history_csv_parts`)."""
    return "".join(history_csv_parts(run))


def history_json(experiment, run) -> str:
    """The history as JSON; non-finite numbers (a diverged run) are written as null."""
    cols = run.history_columns()
    doc: dict[str, Any] = {
        "experiment": experiment.to_dict(), "status": run.status, "iteration": run.iteration,
        "reason": run.reason,
        "history": {n: [int(x) if n == "iteration" else (float(x) if math.isfinite(x) else None) for x in a]
                    for n, a in cols.items()},
    }
    return json.dumps(doc, indent=1, allow_nan=False) + "\n"


def _weights_target(text: str, out: Path) -> Path:
    path = output_path("--weights", text, (".npz", ".json"), "the weights file")
    if path.resolve() == out.resolve():
        raise UsageError(f"--weights {text}: the same file as --out; choose another name")
    return path


def _save_weights(path: Path, run) -> None:
    from ..core.files.weights_io import WeightsError, save_weights

    try:
        save_weights(path, run)
    except WeightsError as exc:
        raise UsageError(f"--weights {path}: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
