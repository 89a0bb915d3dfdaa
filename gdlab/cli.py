"""The ``gdlab`` command: one argparse parser (:func:`build_parser`) with a sub-command per verb.

    gdlab [PRESET_OR_FILE]                               open the lab window (gdlab-gui: the same)
    gdlab presets                                        list presets, one a line: name<TAB>summary
    gdlab run EXPERIMENT_OR_PRESET --iterations N --out FILE.csv|FILE.json [--learning-rate ...]
    gdlab export EXPERIMENT_OR_PRESET --view VIEW --out FILE.png|.svg|.pdf|.gif [--iterations N --size WxH
                 --theme NAME ...]                       one figure, drawn without any window
    gdlab export-code EXPERIMENT_OR_PRESET --out FILE.py [--learning-rate ...]
                                                         the experiment as a standalone numpy script
    gdlab run --data FILE.csv [--label NAME] --out FILE.csv [--weights FILE.npz|FILE.json]
                                                         train on your own data, save the weights
    gdlab inspect EXPERIMENT_OR_PRESET --weight 'W2[3,6]' [--iterations N] [--sample K]
                                                         the chain rule of one weight after N updates,
                                                         with the finite-difference check and its verdict
    gdlab worksheet EXPERIMENT_OR_PRESET --out DIR [--iterations N]
                                                         NAME-worked.pdf, NAME-blank.pdf, NAME-key.pdf: one
                                                         iteration by hand, after N updates (default 0)
    gdlab lessons                                        list lessons, one a line: name<TAB>title
    gdlab lesson NAME_OR_FILE [--export DIR]             play a lesson in the window, or write every
                                                         pause of it as numbered PNGs, without any window
    gdlab completion bash|zsh|fish                       a shell completion script, made from the parser

Every experiment parameter is also a flag of ``gdlab run`` (``--learning-rate``, ``--optimizer``,
``--hidden-layers 8,8`` ...), derived from the declarations in :mod:`gdlab.core.params`.
Bad arguments print a clear message and exit with status 2. A command line that does not start
with a verb is the window's (parsed as the hidden sub-command ``window``); ``gdlab-gui`` never
takes a verb. Flags for smoke tests (``--quit-after``, ``--screenshot``, ``--run-iterations``)
are accepted but left out of ``--help``.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import time
from pathlib import Path
from typing import Any, Collection, Iterator, Sequence

from . import __version__

VERBS = ("presets", "run", "export", "export-code", "inspect", "worksheet", "lessons", "lesson", "completion")
EXIT_USAGE = 2
WINDOW = "window"  # the hidden sub-command that `gdlab [PRESET_OR_FILE]` (no verb) is parsed as


class UsageError(Exception):
    """A bad argument or input: printed as one clear line, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    return _dispatch(argv, verbs=True)


def gui_main(argv: Sequence[str] | None = None) -> int:
    """``gdlab-gui``: the same arguments as ``gdlab`` without a verb (the window). Installed as a
    GUI script, it runs without a console on Windows (``pythonw``), where ``sys.stdout`` and
    ``sys.stderr`` are None: they are replaced by the null device while it runs, so no message,
    ``--version`` or usage error can crash it."""
    with _present_streams():
        return _dispatch(list(sys.argv[1:] if argv is None else argv), verbs=False)


def _dispatch(argv: list[str], verbs: bool) -> int:
    """Parse ``argv`` with the one parser (:func:`build_parser`) and run the verb, or the window
    when ``argv`` does not start with a verb (always, for ``gdlab-gui``)."""
    try:
        if verbs and argv and (argv[0] in VERBS or argv[0] in ("-h", "--help")):
            args = build_parser(needed={argv[0]}).parse_args(argv)
        else:
            if verbs and argv and not argv[0].startswith("-"):
                _check_not_a_mistyped_verb(argv[0])
            args = build_parser(needed={WINDOW}).parse_args([WINDOW, *argv])
        args.argv = argv[1:] if args.verb != WINDOW else argv
        return COMMANDS[args.verb](args)
    except UsageError as exc:
        print(f"gdlab: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("gdlab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `gdlab presets | head`: the reader has gone, which is fine
        sys.stdout = None
        return 0


@contextlib.contextmanager
def _present_streams() -> Iterator[None]:
    import os

    missing = [name for name in ("stdout", "stderr") if getattr(sys, name) is None]
    with contextlib.ExitStack() as stack:
        for name in missing:
            setattr(sys, name, stack.enter_context(open(os.devnull, "w", encoding="utf-8")))
        try:
            yield
        finally:
            for name in missing:
                setattr(sys, name, None)


# -- the parser ----------------------------------------------------------------------------------
class _Formatter(argparse.HelpFormatter):
    """Descriptions wrapped to the terminal's width; the examples (each verb's epilog) kept line
    for line, so they can be copied."""

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        if isinstance(action, argparse._SubParsersAction) and text.startswith(" " * self._current_indent + "\n"):
            return text.split("\n", 1)[1]  # the verbs one a line, without the blank line of their empty metavar
        return text

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _examples(*lines: str) -> str:
    return "examples:\n" + "".join(f"  {line}\n" for line in lines)


def build_parser(needed: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line as one parser: the window's options at the top, one sub-command per
    verb (each with its examples), and the hidden sub-command ``window`` that a command without a
    verb is parsed as. The shell completions (``gdlab completion``) are generated from it.

    ``needed``: the sub-commands whose arguments are wanted (default: all). The others are listed
    with their one line only, so `gdlab --version` does not load the parameter table (and numpy)
    for the experiment flags of verbs it does not run."""
    parser = argparse.ArgumentParser(
        prog="gdlab", formatter_class=_Formatter,
        usage="gdlab [PRESET_OR_FILE] [--size WxH] [--data FILE.csv ...]\n       gdlab VERB ...",
        description="Gradient Descent Lab: see backpropagation and gradient descent work. Without a verb, gdlab "
                    "opens the lab window (gdlab-gui does the same without a console), with the preset or "
                    "experiment file given.",
        epilog=_examples("gdlab xor", "gdlab presets", "gdlab run xor --iterations 2000 --out xor.csv",
                         "gdlab export xor --view data --out boundary.png", "gdlab run --help"))
    window_arguments(parser, positional=False)
    verbs = parser.add_subparsers(dest="verb", metavar="", title="verbs (gdlab VERB --help for each)")
    verbs.required = True
    window = verbs.add_parser(WINDOW, prog="gdlab", formatter_class=_Formatter, usage=parser.usage,
                              description=parser.description, epilog=parser.epilog)
    if needed is None or WINDOW in needed:
        window_arguments(window, positional=True)
    for name, summary, description, examples, arguments in _VERB_TABLE:
        sub = verbs.add_parser(name, prog=f"gdlab {name}", help=summary, description=description, epilog=examples,
                               formatter_class=_Formatter)
        if needed is None or name in needed:
            arguments(sub)
    return parser


# -- gdlab (the window) --------------------------------------------------------------------------
def window_arguments(p: argparse.ArgumentParser, positional: bool) -> None:
    """The window's arguments (``gdlab [PRESET_OR_FILE]`` and ``gdlab-gui``); ``positional``: with
    the experiment (the top level of the parser shows the options only, its verbs being the
    positional argument there)."""
    if positional:
        p.add_argument("experiment", nargs="?", metavar="PRESET_OR_FILE",
                       help="a preset name (see `gdlab presets`) or an experiment file")
    p.add_argument("--version", action="version", version=f"gdlab {__version__}")
    p.add_argument("--size", metavar="WxH", help="initial window size, e.g. 1280x800")
    add_test_flags(p, run_iterations=True)
    add_data_flags(p)


def add_test_flags(p: argparse.ArgumentParser, run_iterations: bool = False) -> None:
    """Flags for smoke tests and screenshots, accepted but left out of --help."""
    p.add_argument("--quit-after", type=int, metavar="MS", help=argparse.SUPPRESS)  # close after MS ms
    p.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)  # with --quit-after: the window as PNG
    if run_iterations:  # start training at once and pause after N iterations
        p.add_argument("--run-iterations", type=int, metavar="N", help=argparse.SUPPRESS)


def cmd_gui(args: argparse.Namespace) -> int:
    experiment = _resolve(args.experiment, verbs=True) if args.experiment else None
    experiment = apply_data_flags(args, experiment)
    size = _parse_size(args.size) if args.size else None
    if args.screenshot:
        shot = Path(args.screenshot)
        if shot.suffix.lower() != ".png":
            raise UsageError(f"--screenshot {args.screenshot}: the screenshot is a .png file")
        if not shot.parent.is_dir():
            raise UsageError(f"--screenshot {args.screenshot}: the folder {shot.parent} does not exist")
    from .gui.app import run_app  # Qt is imported only when the window is wanted

    return run_app(experiment=experiment, quit_after=args.quit_after, screenshot=args.screenshot, size=size,
                   run_iterations=args.run_iterations)


# -- gdlab presets -------------------------------------------------------------------------------
def cmd_presets(args: argparse.Namespace) -> int:
    from .core.presets import load_preset, preset_names

    for name in preset_names():
        print(f"{name}\t{load_preset(name).summary}")
    return 0


# -- gdlab completion ----------------------------------------------------------------------------
def completion_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell to complete in")


def cmd_completion(args: argparse.Namespace) -> int:
    from .completion import completion_script

    sys.stdout.write(completion_script(build_parser(), args.shell, VERBS))
    return 0


# -- gdlab run -----------------------------------------------------------------------------------
RUN_HELP = ("train without a window; the history as CSV or JSON",
            "Train without any window and write the history: one CSV row per iteration (iteration, costs, "
            "accuracies, epoch), then a `# status: …` line; or JSON with the experiment. Every experiment "
            "parameter is also a flag. The same inputs give byte-identical output.",
            _examples("gdlab run xor --iterations 2000 --out xor.csv",
                      "gdlab run xor --learning-rate 0.05 --optimizer adam --hidden-layers 8,8 --out h.json",
                      "gdlab run --data points.csv --label y --weights w.npz --out h.csv"))


def run_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", nargs="?", help="a preset name (see `gdlab presets`) or an experiment file "
                   "(optional with --data: then its network and training values are used)")
    p.add_argument("--iterations", type=_positive_int, metavar="N",
                   help="iteration limit (default: the experiment's max_iterations)")
    p.add_argument("--out", required=True, metavar="FILE", help="history file: .csv or .json")
    add_progress_flag(p)
    p.add_argument("--weights", metavar="FILE", help="also write the final weights and biases with the experiment: "
                   ".npz (arrays W1, b1, ...) or .json")
    add_data_flags(p)
    add_param_flags(p)


def add_param_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per experiment parameter (``--learning-rate`` ...); read back by :func:`_apply_overrides`."""
    from .core.params import run_params

    group = parser.add_argument_group("experiment parameters (override the file)")
    for param in run_params():  # playback_speed is how the window shows a run: no flag
        # --max-iterations is what --iterations does: kept working, left out of --help
        hidden = param.name == "max_iterations" and any("--iterations" in a.option_strings for a in parser._actions)
        flag = group.add_argument(param.flag, dest=f"param_{param.name}", metavar=_metavar(param),
                                  help=argparse.SUPPRESS if hidden else f"{param.tooltip} ({param.describe_range()})")
        flag.completions = tuple(param.choices or ())  # checked by the experiment; offered by completion


def cmd_run(args: argparse.Namespace) -> int:
    from .core.training import make_run

    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".json"):
        raise UsageError(f"--out {args.out}: the history file must end in .csv or .json")
    if not out.parent.exists():
        raise UsageError(f"--out {args.out}: the folder {out.parent} does not exist")
    weights = _weights_target(args.weights, out) if args.weights else None
    if not args.experiment and not args.data:
        raise UsageError("give an experiment or preset to run (see `gdlab presets`), or --data FILE.csv")
    experiment = _apply_overrides(apply_data_flags(args, _resolve(args.experiment) if args.experiment else None),
                                  args)
    if weights is not None and experiment.kind != "network":
        raise UsageError(f"--weights {args.weights}: {experiment.name} is a cost-surface race; only a network "
                         "has weights to save")
    if args.iterations:
        experiment = _checked(lambda: experiment.replace(max_iterations=args.iterations))
    run = make_run(experiment)
    show = args.progress == "always" or (args.progress == "auto" and _on_terminal(sys.stderr))
    _drive(run, experiment["max_iterations"], show)
    from .core.atomic import atomic_write_parts

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


def add_progress_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress bar on stderr (auto: only on a terminal)")


class Progress:
    """``progress(done, total)``: a progress bar on stderr, redrawn in place at most ten times a
    second and at the end, shown on a terminal only (``--progress auto``; ``always``/``never``
    decide otherwise). Silent where stderr is a file or a pipe, so logs and tests see only the
    lines they always saw. Returns True (an exporter's "go on")."""

    def __init__(self, what: str, mode: str = "auto"):
        self.what = what
        self.shown = mode == "always" or (mode == "auto" and _on_terminal(sys.stderr))
        self._last = -1.0
        self._line = ""

    def __call__(self, done: int, total: int) -> bool:
        now = time.perf_counter()
        if self.shown and (now - self._last >= 0.1 or done >= total):
            self._last = now
            frac = min(1.0, done / max(1, total))
            bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
            self._line = f"{self.what} [{bar}] {frac:4.0%} {done}/{total} "
            sys.stderr.write("\r" + self._line)
            sys.stderr.flush()
        return True

    def say(self, text: str) -> None:
        """A line of its own (``wrote FILE``), above the bar when one is drawn."""
        if self._line:
            sys.stderr.write("\r" + text.ljust(len(self._line)) + "\n" + self._line)
            sys.stderr.flush()
        else:
            print(text, file=sys.stderr)

    def close(self) -> None:
        if self._line:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._line = ""


def _on_terminal(stream) -> bool:
    """Whether ``stream`` is a terminal (a missing stream, as under ``pythonw``, is not)."""
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def _format(x: float) -> str:
    return repr(float(x))


CSV_ROWS_AT_ONCE = 50_000  # rows read from the history and written at a time: memory stays small


def history_csv_parts(run) -> Iterator[str]:
    """The history as CSV, a block of rows at a time: a header, one row per iteration, then
    ``# status: ...`` as the last line. A run of 10⁸ iterations never has its CSV all in memory."""
    names = list(run.history_columns(0, 0))
    yield ",".join(names) + "\n"
    total = len(run.history)
    for start in range(0, total, CSV_ROWS_AT_ONCE):
        cols = run.history_columns(start, start + CSV_ROWS_AT_ONCE)
        arrays = [cols[n] for n in names]
        yield "".join(",".join(str(int(a[row])) if n == "iteration" else _format(a[row])
                               for n, a in zip(names, arrays)) + "\n" for row in range(len(arrays[0])))
    yield f"# status: {run.status}; iteration: {run.iteration}; reason: {run.reason}\n"


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


# -- gdlab export-code ---------------------------------------------------------------------------
EXPORT_CODE_HELP = (
    "the experiment as a standalone numpy script",
    "Write an experiment as one standalone, readable Python script that needs only numpy: for a network the data, "
    "the network, the forward pass, backprop, the optimiser's rule and the training loop; for a cost-surface race "
    "the cost J(w), its gradient, the optimisers and the race loop. `python FILE.py --iterations N --out "
    "HISTORY.csv` writes the same history, value for value, as `gdlab run EXPERIMENT --iterations N --out "
    "HISTORY.csv`.",
    _examples("gdlab export-code xor --out xor.py && python xor.py --iterations 500 --out history.csv",
              "gdlab export-code optimizer-race --learning-rate 0.01 --out race.py"))


def export_code_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", nargs="?", help="a preset name (see `gdlab presets`) or an experiment file "
                   "(optional with --data)")
    p.add_argument("--out", required=True, metavar="FILE.py", help="the script to write")
    p.add_argument("--iterations", type=_positive_int, metavar="N",
                   help="the script's default iteration limit (default: the experiment's max_iterations)")
    add_data_flags(p)
    add_param_flags(p)


def cmd_export_code(args: argparse.Namespace) -> int:
    from .core.codegen import write_code

    out = Path(args.out)
    if out.suffix.lower() != ".py":
        raise UsageError(f"--out {args.out}: the script must end in .py")
    if not out.parent.exists():
        raise UsageError(f"--out {args.out}: the folder {out.parent} does not exist")
    if not args.experiment and not args.data:
        raise UsageError("give an experiment or preset to export (see `gdlab presets`), or --data FILE.csv")
    experiment = _apply_overrides(apply_data_flags(args, _resolve(args.experiment) if args.experiment else None),
                                  args)
    if args.iterations:
        experiment = _checked(lambda: experiment.replace(max_iterations=args.iterations))
    try:
        write_code(experiment, out, command=_run_command(args.argv, args.experiment))
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out}: run it with `python {out} --out history.csv` (needs only numpy)", file=sys.stderr)
    return 0


def _run_command(argv: list[str], experiment: str | None) -> str:
    """The `gdlab run` arguments that train the same experiment: ``argv`` without --out/--iterations,
    the experiment first (quoted for a shell), for the script's docstring."""
    import shlex

    rest: list[str] = []
    found, i = False, 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--out", "--iterations"):
            i += 2
        elif arg.startswith(("--out=", "--iterations=")):
            i += 1
        elif arg.startswith("--") and "=" not in arg and arg != "--standardize" and i + 1 < len(argv):
            rest += argv[i:i + 2]  # a flag and its value (the value may spell the experiment's name)
            i += 2
        elif not found and arg == experiment:
            found = True
            i += 1
        else:
            rest.append(arg)
            i += 1
    return shlex.join(([experiment] if experiment else []) + rest)


# -- gdlab export --------------------------------------------------------------------------------
EXPORT_VIEWS = ("cost", "trajectories", "data", "curve", "surface", "network", "gradients", "metrics", "sheet")
EXPORT_FORMATS = ("png", "svg", "pdf", "gif")
EXPORT_THEMES = ("light", "dark", "projector")


EXPORT_HELP = (
    "one figure, no window: PNG, SVG, PDF, GIF or a sheet",
    "Run an experiment without any window (no display needed) and write one figure of it: PNG (with the "
    "experiment stored inside: File → Open restores it), SVG, PDF, or an animated GIF drawn from the recorded "
    "history. The same inputs give the same bytes.",
    _examples("gdlab export xor --view data --iterations 800 --size 1200x800 --out boundary.png",
              "gdlab export optimizer-race --view surface --format gif --every 20 --fps 12 --out race.gif",
              "gdlab export spiral-deep --view sheet --page Letter --out handout.pdf"))


def export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", nargs="?", help="a preset name (see `gdlab presets`), an experiment file, or a "
                   "PNG exported by gdlab (optional with --data)")
    view = p.add_argument("--view", required=True, metavar="VIEW",
                   help="what to draw: " + ", ".join(EXPORT_VIEWS) + " (sheet: a one-page handout with the main "
                   "views, a caption and a parameter table)")
    view.completions = EXPORT_VIEWS  # checked after parsing (a clearer message); offered by completion
    p.add_argument("--out", required=True, metavar="FILE", help="the figure file: .png, .svg, .pdf or .gif")
    p.add_argument("--format", choices=EXPORT_FORMATS, help="the file format (default: from --out's suffix)")
    p.add_argument("--iterations", type=_positive_int, metavar="N",
                   help="iterations to run (default: the experiment's max_iterations)")
    p.add_argument("--size", metavar="WxH", help="the figure's size in pixels (default 800x500; a GIF 640x400; "
                   "a sheet is one A4 or Letter page)")
    p.add_argument("--scale", type=float, metavar="X", help="PNG: pixels per screen pixel; 2 draws the same "
                   "picture twice as sharp")
    p.add_argument("--dpi", type=float, metavar="DPI", help="PNG: dots per inch written into the file; without "
                   "--scale it also sets the scale to DPI/96 (300: for print). A sheet PNG is 300 dpi by default")
    p.add_argument("--theme", choices=EXPORT_THEMES, help="colours and line widths (default: light)")
    p.add_argument("--page", choices=("A4", "Letter"), default="A4", help="sheet: the page size (default A4)")
    p.add_argument("--every", type=_positive_int, metavar="K",
                   help="GIF: one frame every K iterations (default: about 50 frames)")
    p.add_argument("--fps", type=float, default=10.0, metavar="F", help="GIF: frames per second, up to 50 "
                   "(default 10)")
    add_progress_flag(p)
    add_data_flags(p)
    add_param_flags(p)


def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if not args.experiment and not args.data:
        raise UsageError("give an experiment or preset to export (see `gdlab presets`), or --data FILE.csv")
    if args.view not in EXPORT_VIEWS:
        raise UsageError(f"--view {args.view}: unknown view; views: {', '.join(EXPORT_VIEWS)}")
    suffix = out.suffix.lower().lstrip(".")
    fmt = args.format or suffix
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"--out {args.out}: cannot tell the format; end the name in .png, .svg, .pdf or .gif, "
                         "or give --format")
    if args.format and suffix in EXPORT_FORMATS and suffix != args.format:
        raise UsageError(f"--out {args.out} ends in .{suffix} but --format is {args.format}")
    if args.view == "sheet" and fmt == "gif":
        raise UsageError("--view sheet: a handout sheet is a page (pdf, png or svg), not an animation")
    if not 0 < args.fps <= 50:
        raise UsageError(f"--fps {args.fps:g}: expected above 0 and at most 50")
    experiment = _apply_overrides(apply_data_flags(args, _resolve(args.experiment) if args.experiment else None),
                                  args)
    if args.iterations:
        experiment = _checked(lambda: experiment.replace(max_iterations=args.iterations))
    size = _parse_size(args.size) if args.size else ((640, 400) if fmt == "gif" else (800, 500))
    _headless_qt()
    from .gui.export import ExportError, export_experiment
    from .gui.palette import THEMES
    from .gui.render import ViewError

    progress = Progress("frames" if fmt == "gif" else "training", args.progress)
    try:
        path = export_experiment(experiment, args.view, out, fmt, size=size,
                                 theme=THEMES[args.theme] if args.theme else None, scale=args.scale, dpi=args.dpi,
                                 page=args.page, every_k=args.every, fps=args.fps, progress=progress)
    except (ValueError, ViewError, ExportError) as exc:
        raise UsageError(str(exc)) from None
    finally:
        progress.close()
    print(f"wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


# -- gdlab inspect -------------------------------------------------------------------------------
INSPECT_HELP = (
    "one weight's chain rule, checked numerically",
    "The backprop inspector's chain rule for one weight, as plain text: its numbers after N updates, the "
    "finite-difference estimate with its error bound B, and the verdict.",
    _examples("gdlab inspect spiral-deep --iterations 1000 --weight 'W2[3,6]'",
              "gdlab inspect xor --weight 'W1[1,2]' --sample 3"))


def inspect_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", help="a preset name (see `gdlab presets`) or an experiment file")
    p.add_argument("--weight", required=True, metavar="'W2[3,6]'",
                   help="W{layer}[from,to], 1-based as in lessons: W2[3,6] goes from neuron 3 of layer 1 to "
                        "neuron 6 of layer 2")
    p.add_argument("--iterations", type=_non_negative_int, default=0, metavar="N",
                   help="updates before the inspected iteration (default 0: the starting weights)")
    p.add_argument("--sample", type=_positive_int, metavar="K",
                   help="one training sample (1-based) instead of the batch")


def cmd_inspect(args: argparse.Namespace) -> int:
    from .core.inspect_text import inspect_weight

    experiment = _resolve(args.experiment)
    try:
        text = inspect_weight(experiment, args.iterations, args.weight, args.sample)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    sys.stdout.write(text)
    return 0


# -- gdlab worksheet -----------------------------------------------------------------------------
WORKSHEET_HELP = (
    "one iteration by hand: worked, blank and key PDFs",
    "One iteration of backpropagation and gradient descent to compute by hand, on one training sample, as three "
    "A4 PDFs: the worked solution, the blank worksheet and the answer key.",
    _examples("gdlab worksheet xor --out handouts/", "gdlab worksheet xor --iterations 200 --out handouts/"))


def worksheet_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", help="a preset name (see `gdlab presets`) or an experiment file")
    p.add_argument("--out", required=True, metavar="DIR", help="the folder to write into (created if needed)")
    p.add_argument("--iterations", type=_non_negative_int, default=0, metavar="N",
                   help="updates before the worksheet's iteration (default 0: the starting weights)")
    add_progress_flag(p)


def cmd_worksheet(args: argparse.Namespace) -> int:
    from .core.training import NetworkRun, make_run
    from .core.worksheet import file_stem, worksheet_from_run

    experiment = _resolve(args.experiment)
    if experiment.kind != "network":
        raise UsageError(f"{args.experiment} is a cost-surface race: a worksheet follows a network's forward and "
                         "backward pass")
    if args.iterations > experiment["max_iterations"]:
        experiment = _checked(lambda: experiment.replace(max_iterations=args.iterations))
    run = make_run(experiment)
    assert isinstance(run, NetworkRun)
    try:
        worksheet_from_run(run)  # a network too big for a page says so before any training
    except ValueError as exc:
        raise UsageError(f"{args.experiment}: {exc}") from None
    progress = Progress("training", args.progress)
    while run.iteration < args.iterations and not run.finished:
        run.step(min(1000, args.iterations - run.iteration))
        progress(run.iteration, args.iterations)
    progress.close()
    worksheet = worksheet_from_run(run)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {args.out}: cannot create the folder: {exc.strerror or exc}") from None
    _headless_qt()
    from .gui.worksheet_pdf import write_worksheet_set

    try:
        paths = write_worksheet_set(out, worksheet, file_stem(experiment.name or Path(args.experiment).stem))
    except OSError as exc:
        raise UsageError(f"cannot write into {out}: {exc.strerror or exc}") from None
    for path in paths:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _headless_qt():
    """The one QApplication of a command that draws but shows nothing: on the offscreen platform
    (unless QT_QPA_PLATFORM says otherwise), so no display is needed and the pictures do not
    depend on a screen's settings."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    # Qt seeds its hash tables at random: the order of a PDF's font objects would change from run
    # to run. A fixed seed (read when Qt first hashes) keeps the same inputs giving the same bytes.
    os.environ.setdefault("QT_HASH_SEED", "0")
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(kind, context, message) -> None:
        # showing a window offscreen says so once per window; it is not the user's business
        if "propagateSizeHints" not in message:
            sys.stderr.write(f"qt: {message}\n" if kind != QtMsgType.QtDebugMsg else "")

    qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication(["gdlab"])
    app.setStyle("Fusion")
    return app


# -- gdlab lessons, gdlab lesson ----------------------------------------------------------------
def cmd_lessons(args: argparse.Namespace) -> int:
    from .core.lessons import lesson_heading, lesson_names

    for name in lesson_names():
        print(f"{name}\t{lesson_heading(name)[0]}")
    return 0


LESSON_HELP = (
    "play a lesson, or write its pauses as slides",
    "Play a lesson (a TOML file of steps: load, set, run to iteration N, pause with a caption …) in the lab "
    "window: Page Down for the next pause, Page Up for the previous one. With --export, write every pause as a "
    "numbered slide instead (a PNG, the caption large on top, the view(s) the pause shows below), without any "
    "window (no display needed); each PNG carries its experiment (File → Open restores it).",
    _examples("gdlab lesson backpropagation", "gdlab lesson backpropagation --export slides/",
              "gdlab lesson my-lesson.toml --export slides/ --size 1280x720"))


def lesson_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("lesson", help="a lesson name (see `gdlab lessons`) or a lesson file (.toml)")
    p.add_argument("--export", metavar="DIR", help="write the pauses to DIR as 01-NAME.png, 02-NAME.png, … (DIR is "
                   "created if it does not exist)")
    p.add_argument("--size", metavar="WxH", help="--export: the slides' size in pixels (default 1920x1080, 16:9)")
    add_progress_flag(p)
    add_test_flags(p)


def cmd_lesson(args: argparse.Namespace) -> int:
    lesson = _lesson(args.lesson)
    size = _parse_size(args.size) if args.size else (1920, 1080)
    if args.export is None:
        if args.size:
            raise UsageError("--size goes with --export; the window opens at its own size")
        from .gui.app import run_app

        return run_app(experiment=lesson.pauses()[0].experiment, quit_after=args.quit_after,
                       screenshot=args.screenshot, lesson=lesson)
    if args.quit_after is not None or args.screenshot:
        raise UsageError("--quit-after and --screenshot are for the window, not for --export")
    out = Path(args.export)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--export {args.export}: a file of that name exists; give a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--export {args.export}: cannot create the folder: {exc.strerror or exc}") from None
    _headless_qt()
    from .gui.export import ExportError
    from .gui.lesson_render import render_pauses

    progress = Progress("slides", args.progress)
    total = len(lesson.pauses())

    written: list[Path] = []

    def wrote(path: Path) -> None:
        written.append(path)
        progress.say(f"wrote {path}")
        progress(len(written), total)

    try:
        paths = render_pauses(lesson, out, size=size, progress=wrote)
    except (ExportError, RuntimeError) as exc:
        raise UsageError(f"{lesson.path.name}: {exc}") from None
    finally:
        progress.close()
    print(f"{lesson.title}: {len(paths)} pause(s) written to {out}", file=sys.stderr)
    return 0


def _lesson(name_or_file: str):
    from .core.lessons import LessonError, lesson_names, load_lesson
    from .core.reading import is_file

    try:
        return load_lesson(name_or_file)
    except LessonError as exc:
        raise UsageError(str(exc) + ("" if is_file(name_or_file) else _did_you_mean(name_or_file, lesson_names())))\
            from None


# -- your own data and weights (shared by gdlab, gdlab run and gdlab export) ----------------------
TASK_FLAG_CHOICES = ("classification", "binary", "multiclass", "regression")


def add_data_flags(parser: argparse.ArgumentParser) -> None:
    """Add --data FILE.csv, --label NAME, --task and --standardize to a parser; pair with
    :func:`apply_data_flags` after parsing."""
    group = parser.add_argument_group("your own data")
    group.add_argument("--data", metavar="FILE.csv", help="train on the data of a CSV file: numeric feature columns "
                       "and a label (target) column; a first row of names is optional")
    group.add_argument("--label", metavar="NAME", help="with --data: the label/target column (default: the last "
                       "column; a file without a header names its columns x1, x2, ..., y)")
    group.add_argument("--task", choices=TASK_FLAG_CHOICES, help="with --data: override the inferred task (text "
                       "labels or up to 10 whole numbers are classes, anything else is regression)")
    group.add_argument("--standardize", action="store_true", default=None,
                       help="with --data: standardise each feature, x <- (x - mean) / std")


def apply_data_flags(args: argparse.Namespace, experiment=None):
    """The experiment to use after :func:`add_data_flags`'s flags: ``experiment`` itself without
    --data, else a custom-data experiment built from the CSV file (keeping ``experiment``'s
    network and training values when given). A bad file raises :class:`UsageError` naming the
    file, row and column; nothing is written."""
    path = getattr(args, "data", None)
    if path is None:
        for flag in ("label", "task", "standardize"):
            if getattr(args, flag, None) is not None:
                raise UsageError(f"--{flag} needs --data FILE.csv")
        return experiment
    if experiment is not None and experiment.kind != "network":
        raise UsageError(f"--data {path}: {experiment.name} is a cost-surface race; data needs a network experiment")
    from .core.csvdata import DataError, experiment_from_csv
    from .core.experiment import ExperimentError

    try:
        return experiment_from_csv(path, label=args.label, task=args.task, standardize=bool(args.standardize),
                                   base=experiment)
    except (DataError, ExperimentError) as exc:
        raise UsageError(f"{path}: {exc}") from None


def _weights_target(text: str, out: Path) -> Path:
    path = Path(text)
    if path.suffix.lower() not in (".npz", ".json"):
        raise UsageError(f"--weights {text}: the weights file must end in .npz or .json")
    if not path.parent.exists():
        raise UsageError(f"--weights {text}: the folder {path.parent} does not exist")
    if path.resolve() == out.resolve():
        raise UsageError(f"--weights {text}: the same file as --out; choose another name")
    return path


def _save_weights(path: Path, run) -> None:
    from .core.weights_io import WeightsError, save_weights

    try:
        save_weights(path, run)
    except WeightsError as exc:
        raise UsageError(f"--weights {path}: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


# -- helpers -------------------------------------------------------------------------------------
def _resolve(name_or_path: str, verbs: bool = False):
    """The experiment a preset name or a file names. Else a usage error, with "did you mean …" for
    a name close to a preset's (or, with ``verbs``, where a verb could have been meant, a verb's):
    an existing file or a preset always wins over a suggestion, since it is never an error."""
    from .core.experiment import ExperimentError
    from .core.presets import preset_names, resolve
    from .core.reading import is_file

    try:
        return resolve(name_or_path)
    except ExperimentError as exc:
        hint = "" if is_file(name_or_path) else _did_you_mean(name_or_path, preset_names(), VERBS if verbs else ())
        raise UsageError(f"{name_or_path}: {exc}{hint}") from None


def _check_not_a_mistyped_verb(word: str) -> None:
    """A first word that is no file and no preset but close to a verb (``gdlab exprot --view …``)
    is refused with the verb suggested, before its flags are taken for the window's."""
    from .core.presets import preset_names
    from .core.reading import is_file

    if word in preset_names() or is_file(word):
        return
    hint = _did_you_mean(word, (), VERBS)
    if hint:
        raise UsageError(f"{word}: not a verb, a preset nor an experiment file{hint}")


def _did_you_mean(word: str, names: Sequence[str], verbs: Sequence[str] = ()) -> str:
    """``"; did you mean `gdlab run …`?"`` for the verbs and names close to ``word``, else ``""``."""
    import difflib

    close = difflib.get_close_matches(word, [*verbs, *names], n=3, cutoff=0.6)
    if not close:
        return ""
    spelled = [f"`gdlab {c} …`" if c in verbs else f"`{c}`" for c in close]
    return "; did you mean " + " or ".join(spelled) + "?"


def _checked(make):
    from .core.experiment import ExperimentError

    try:
        return make()
    except ExperimentError as exc:
        raise UsageError(str(exc)) from None


def _apply_overrides(experiment, args):
    from .core.params import run_params

    changes: dict[str, Any] = {}
    for param in run_params():
        raw = getattr(args, f"param_{param.name}")
        if raw is None:
            continue
        changes[param.name] = _parse_value(param, raw)
    return _checked(lambda: experiment.replace(**changes)) if changes else experiment


def _parse_value(param, raw: str) -> Any:
    from .core.params import BOOL, CHOICE, CHOICE_LIST, FLOAT_LIST, INT, INT_LIST

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


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"{value} must be at least {least}")
    return value


def _non_negative_int(text: str) -> int:
    return _whole_number(text, 0)


def _positive_int(text: str) -> int:
    return _whole_number(text, 1)


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size {text}: expected WIDTHxHEIGHT, e.g. 1280x800") from None
    if not (200 <= w <= 10000 and 200 <= h <= 10000):
        raise UsageError(f"--size {text}: width and height must be between 200 and 10000")
    return w, h


# -- the verbs -----------------------------------------------------------------------------------
def _no_arguments(p: argparse.ArgumentParser) -> None:
    pass


# (name, one line for `gdlab --help`, description, examples, arguments): build_parser's table
_VERB_TABLE = (
    ("presets", "list the presets: name<TAB>summary", "List the preset scenarios: name<TAB>one-line summary.",
     _examples("gdlab presets", "gdlab presets | cut -f1"), _no_arguments),
    ("run", *RUN_HELP, run_arguments),
    ("export", *EXPORT_HELP, export_arguments),
    ("export-code", *EXPORT_CODE_HELP, export_code_arguments),
    ("inspect", *INSPECT_HELP, inspect_arguments),
    ("worksheet", *WORKSHEET_HELP, worksheet_arguments),
    ("lessons", "list the lessons: name<TAB>title",
     "List the shipped lessons: name<TAB>title (play one with `gdlab lesson NAME`).",
     _examples("gdlab lessons"), _no_arguments),
    ("lesson", *LESSON_HELP, lesson_arguments),
    ("completion", "a shell completion script: bash, zsh or fish",
     "Print a completion script for gdlab's verbs, flags, presets and lessons, generated from this parser.",
     _examples("source <(gdlab completion bash)                      # in ~/.bashrc",
               "gdlab completion zsh > ~/.zfunc/_gdlab                 # with fpath+=(~/.zfunc) in ~/.zshrc",
               "gdlab completion fish > ~/.config/fish/completions/gdlab.fish"), completion_arguments),
)
COMMANDS = {WINDOW: cmd_gui, "presets": cmd_presets, "run": cmd_run, "export": cmd_export,
            "export-code": cmd_export_code, "inspect": cmd_inspect, "worksheet": cmd_worksheet,
            "lessons": cmd_lessons, "lesson": cmd_lesson, "completion": cmd_completion}
