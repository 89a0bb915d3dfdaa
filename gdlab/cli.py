"""The ``gdlab`` command.

    gdlab [EXPERIMENT_OR_PRESET]                         open the lab window
    gdlab presets                                        list presets, one a line: name<TAB>summary
    gdlab run EXPERIMENT_OR_PRESET --iterations N --out FILE.csv|FILE.json [--learning-rate ...]

Every experiment parameter is also a flag of ``gdlab run`` (``--learning-rate``, ``--optimizer``,
``--hidden-layers 8,8`` ...), derived from the declarations in :mod:`gdlab.core.params`.
Bad arguments print a clear message and exit with status 2.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from . import __version__

VERBS = ("presets", "run")
EXIT_USAGE = 2


class UsageError(Exception):
    """A bad argument or input: printed as one clear line, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in VERBS:
            return {"presets": cmd_presets, "run": cmd_run}[argv[0]](argv[1:])
        return cmd_gui(argv)
    except UsageError as exc:
        print(f"gdlab: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("gdlab: interrupted", file=sys.stderr)
        return 130


# -- gdlab (the window) --------------------------------------------------------------------------
def gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gdlab", description="Gradient Descent Lab: see backpropagation and "
                                "gradient descent work. Verbs: " + ", ".join(VERBS) + " (gdlab VERB --help).")
    p.add_argument("experiment", nargs="?", help="a preset name (see `gdlab presets`) or an experiment file")
    p.add_argument("--version", action="version", version=f"gdlab {__version__}")
    p.add_argument("--quit-after", type=int, metavar="MS", help="close the window after MS milliseconds "
                   "(for smoke tests)")
    p.add_argument("--screenshot", metavar="PNG", help="with --quit-after: save the window to PNG before quitting")
    p.add_argument("--size", metavar="WxH", help="initial window size, e.g. 1280x800")
    p.add_argument("--run-iterations", type=int, metavar="N", help="start training at once and pause after "
                   "N iterations (for screenshots)")
    return p


def cmd_gui(argv: list[str]) -> int:
    args = gui_parser().parse_args(argv)
    experiment = _resolve(args.experiment) if args.experiment else None
    size = _parse_size(args.size) if args.size else None
    from .gui.app import run_app  # Qt is imported only when the window is wanted

    return run_app(experiment=experiment, quit_after=args.quit_after, screenshot=args.screenshot, size=size,
                   run_iterations=args.run_iterations)


# -- gdlab presets -------------------------------------------------------------------------------
def cmd_presets(argv: list[str]) -> int:
    argparse.ArgumentParser(prog="gdlab presets", description="List the preset scenarios: "
                            "name<TAB>one-line summary.").parse_args(argv)
    from .core.presets import load_preset, preset_names

    for name in preset_names():
        print(f"{name}\t{load_preset(name).summary}")
    return 0


# -- gdlab run -----------------------------------------------------------------------------------
def run_parser() -> argparse.ArgumentParser:
    from .core.params import PARAMS

    p = argparse.ArgumentParser(prog="gdlab run", description="Train without any window and write the history.")
    p.add_argument("experiment", help="a preset name (see `gdlab presets`) or an experiment file")
    p.add_argument("--iterations", type=_positive_int, metavar="N",
                   help="iteration limit (default: the experiment's max_iterations)")
    p.add_argument("--out", required=True, metavar="FILE", help="history file: .csv or .json")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress bar on stderr (auto: only on a terminal)")
    group = p.add_argument_group("experiment parameters (override the file)")
    for param in PARAMS:
        group.add_argument(param.flag, dest=f"param_{param.name}", metavar=_metavar(param),
                           help=f"{param.tooltip} ({param.describe_range()})")
    return p


def cmd_run(argv: list[str]) -> int:
    from .core.training import make_run

    args = run_parser().parse_args(argv)
    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".json"):
        raise UsageError(f"--out {args.out}: the history file must end in .csv or .json")
    if not out.parent.exists():
        raise UsageError(f"--out {args.out}: the folder {out.parent} does not exist")
    experiment = _apply_overrides(_resolve(args.experiment), args)
    if args.iterations:
        experiment = _checked(lambda: experiment.replace(max_iterations=args.iterations))
    run = make_run(experiment)
    show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    _drive(run, experiment["max_iterations"], show)
    text = history_json(experiment, run) if out.suffix.lower() == ".json" else history_csv(run)
    from .core.atomic import atomic_write_text

    try:
        atomic_write_text(out, text)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"{run.status} at iteration {run.iteration}: {run.reason}" if run.reason else
          f"{run.status} at iteration {run.iteration}", file=sys.stderr)
    return 0


def _drive(run, limit: int, show_progress: bool) -> None:
    chunk = max(1, min(1000, limit // 100))
    t0 = time.perf_counter()
    last_draw = 0.0
    while not run.finished:
        run.step(chunk)
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


def _format(x: float) -> str:
    return repr(float(x))


def history_csv(run) -> str:
    """The history as CSV: a header, one row per iteration, then ``# status: ...`` as the last line."""
    cols = run.history_columns()
    names = list(cols)
    lines = [",".join(names)]
    arrays = [cols[n] for n in names]
    for row in range(len(arrays[0])):
        lines.append(",".join(str(int(a[row])) if n == "iteration" else _format(a[row])
                              for n, a in zip(names, arrays)))
    lines.append(f"# status: {run.status}; iteration: {run.iteration}; reason: {run.reason}")
    return "\n".join(lines) + "\n"


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


# -- helpers -------------------------------------------------------------------------------------
def _resolve(name_or_path: str):
    from .core.experiment import ExperimentError
    from .core.presets import resolve

    try:
        return resolve(name_or_path)
    except ExperimentError as exc:
        raise UsageError(f"{name_or_path}: {exc}") from None


def _checked(make):
    from .core.experiment import ExperimentError

    try:
        return make()
    except ExperimentError as exc:
        raise UsageError(str(exc)) from None


def _apply_overrides(experiment, args):
    from .core.params import PARAMS

    changes: dict[str, Any] = {}
    for param in PARAMS:
        raw = getattr(args, f"param_{param.name}")
        if raw is None:
            continue
        changes[param.name] = _parse_value(param, raw)
    return _checked(lambda: experiment.replace(**changes)) if changes else experiment


def _parse_value(param, raw: str) -> Any:
    from .core.params import BOOL, CHOICE, CHOICE_LIST, FLOAT, FLOAT_LIST, INT, INT_LIST

    def number(text: str, integer: bool) -> Any:
        try:
            return int(text) if integer else float(text)
        except ValueError:
            kind = "a whole number" if integer else "a number"
            raise UsageError(f"{param.flag} {raw}: {text!r} is not {kind}") from None

    if param.kind in (INT_LIST, FLOAT_LIST, CHOICE_LIST):
        items = [s.strip() for s in raw.split(",") if s.strip()]
        if param.kind == CHOICE_LIST:
            return items
        return [number(s, param.kind == INT_LIST) for s in items]
    if param.kind == BOOL:
        if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise UsageError(f"{param.flag} {raw}: expected true or false")
        return raw.lower() in ("true", "1", "yes")
    if param.kind == CHOICE:
        return raw
    return number(raw, param.kind == INT)


def _metavar(param) -> str:
    from .core.params import CHOICE, CHOICE_LIST, FLOAT_LIST, INT, INT_LIST

    if param.kind == CHOICE:
        return "{" + ",".join(param.choices) + "}"
    if param.kind in (INT_LIST, FLOAT_LIST, CHOICE_LIST):
        return "A,B,..."
    return "N" if param.kind == INT else "X"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size {text}: expected WIDTHxHEIGHT, e.g. 1280x800") from None
    if not (200 <= w <= 10000 and 200 <= h <= 10000):
        raise UsageError(f"--size {text}: width and height must be between 200 and 10000")
    return w, h
