"""``gdlab [PRESET_OR_FILE]`` and ``gdlab-gui``: the window's arguments (also the hidden test flags
shared with ``gdlab lesson``) and the command that opens the window. Imports the usage and
experiment-flag modules of this package; Qt only inside :func:`cmd_gui`."""
from __future__ import annotations

import argparse
from pathlib import Path

from .. import __version__
from .experiment_flags import PRESET_OR_FILE, add_data_flags, apply_data_flags, resolve_experiment
from .usage import UsageError, parse_size


def window_arguments(p: argparse.ArgumentParser, positional: bool) -> None:
    """The window's arguments (``gdlab [PRESET_OR_FILE]`` and ``gdlab-gui``); ``positional``: with
    the experiment (the top level of the parser shows the options only, its verbs being the
    positional argument there)."""
    if positional:
        p.add_argument("experiment", nargs="?", metavar="PRESET_OR_FILE",
                       help=PRESET_OR_FILE)
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
    experiment = resolve_experiment(args.experiment, verbs=True) if args.experiment else None
    experiment = apply_data_flags(args, experiment)
    size = parse_size(args.size) if args.size else None
    if args.screenshot:
        shot = Path(args.screenshot)
        if shot.suffix.lower() != ".png":
            raise UsageError(f"--screenshot {args.screenshot}: the screenshot is a .png file")
        if not shot.parent.is_dir():
            raise UsageError(f"--screenshot {args.screenshot}: the folder {shot.parent} does not exist")
    from ..gui.app import run_app  # Qt is imported only when the window is wanted

    return run_app(experiment=experiment, quit_after=args.quit_after, screenshot=args.screenshot, size=size,
                   run_iterations=args.run_iterations)
