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

What lives where in this package: ``__init__`` runs a command line (:func:`main`,
:func:`gui_main`, the verb → command table :data:`COMMANDS`) and re-exports the names other code
imports from ``gdlab.cli``; :mod:`~gdlab.cli.parser` builds the one parser (and holds the ``completion`` verb, with
:mod:`~gdlab.cli.completion` writing the scripts); one module per verb or pair of verbs
(:mod:`~gdlab.cli.window`, :mod:`~gdlab.cli.presets`, :mod:`~gdlab.cli.run`,
:mod:`~gdlab.cli.export`, :mod:`~gdlab.cli.export_code`, :mod:`~gdlab.cli.inspect_weight`,
:mod:`~gdlab.cli.worksheet`, :mod:`~gdlab.cli.lessons`); and what they share:
:mod:`~gdlab.cli.usage` (verb names, help format, argument types, usage errors),
:mod:`~gdlab.cli.experiment_flags` (the experiment named, --data, parameter flags),
:mod:`~gdlab.cli.progress` (the progress bar) and :mod:`~gdlab.cli.headless` (Qt without a window).

What they may import: the standard library at module level, each other downwards (this module
→ parser → verbs → shared helpers; no module imports this package's ``__init__``), and gdlab.core
and gdlab.gui only inside the functions that need them, so ``gdlab --version`` loads neither
numpy nor Qt.
"""
from __future__ import annotations

import contextlib
import sys
from typing import Iterator, Sequence

from .experiment_flags import (
    TASK_FLAG_CHOICES,
    add_data_flags,
    add_param_flags,
    apply_data_flags,
    check_not_a_mistyped_verb,
)
from .export import EXPORT_FORMATS, EXPORT_HELP, EXPORT_THEMES, EXPORT_VIEWS, cmd_export, export_arguments
from .export_code import EXPORT_CODE_HELP, cmd_export_code, export_code_arguments
from .inspect_weight import INSPECT_HELP, cmd_inspect, inspect_arguments
from .lessons import LESSON_HELP, cmd_lesson, cmd_lessons, lesson_arguments
from .parser import VERB_TABLE, build_parser, cmd_completion, completion_arguments
from .presets import cmd_presets
from .progress import Progress, add_progress_flag
from .run import CSV_ROWS_AT_ONCE, RUN_HELP, cmd_run, history_csv, history_csv_parts, history_json, run_arguments
from .usage import EXIT_USAGE, VERBS, WINDOW, UsageError
from .window import add_test_flags, cmd_gui, window_arguments
from .worksheet import WORKSHEET_HELP, cmd_worksheet, worksheet_arguments

__all__ = ["main", "gui_main", "build_parser", "COMMANDS", "VERBS", "WINDOW", "EXIT_USAGE", "UsageError",
           "VERB_TABLE", "Progress", "history_csv", "history_csv_parts", "history_json", "CSV_ROWS_AT_ONCE",
           "window_arguments", "add_test_flags", "add_progress_flag", "add_data_flags", "apply_data_flags",
           "add_param_flags", "TASK_FLAG_CHOICES", "RUN_HELP", "run_arguments", "EXPORT_HELP", "EXPORT_VIEWS",
           "EXPORT_FORMATS", "EXPORT_THEMES", "export_arguments", "EXPORT_CODE_HELP", "export_code_arguments",
           "INSPECT_HELP", "inspect_arguments", "WORKSHEET_HELP", "worksheet_arguments", "LESSON_HELP",
           "lesson_arguments", "completion_arguments", "cmd_gui", "cmd_presets", "cmd_run", "cmd_export",
           "cmd_export_code", "cmd_inspect", "cmd_worksheet", "cmd_lessons", "cmd_lesson", "cmd_completion"]


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
                check_not_a_mistyped_verb(argv[0])
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


COMMANDS = {WINDOW: cmd_gui, "presets": cmd_presets, "run": cmd_run, "export": cmd_export,
            "export-code": cmd_export_code, "inspect": cmd_inspect, "worksheet": cmd_worksheet,
            "lessons": cmd_lessons, "lesson": cmd_lesson, "completion": cmd_completion}
