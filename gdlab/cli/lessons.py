"""``gdlab lessons`` (the shipped lessons, one a line) and ``gdlab lesson`` (play one in the window,
or write its pauses as numbered slides without a window). Imports the usage, progress, headless
and window modules of this package; Qt only inside :func:`cmd_lesson`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .headless import headless_qt
from .progress import Progress, add_progress_flag
from .usage import UsageError, did_you_mean, examples, parse_size
from .window import add_test_flags


def cmd_lessons(args: argparse.Namespace) -> int:
    from ..core.teaching.lessons import lesson_heading, lesson_names

    for name in lesson_names():
        print(f"{name}\t{lesson_heading(name)[0]}")
    return 0


LESSON_HELP = (
    "play a lesson, or write its pauses as slides",
    "Play a lesson (a TOML file of steps: load, set, run to iteration N, pause with a caption …) in the lab "
    "window: Page Down for the next pause, Page Up for the previous one. With --export, write every pause as a "
    "numbered slide instead (a PNG, the caption large on top, the view(s) the pause shows below), without any "
    "window (no display needed); each PNG carries its experiment (File → Open restores it).",
    examples("gdlab lesson backpropagation", "gdlab lesson backpropagation --export slides/",
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
    size = parse_size(args.size) if args.size else (1920, 1080)
    if args.export is None:
        if args.size:
            raise UsageError("--size goes with --export; the window opens at its own size")
        from ..gui.app import run_app

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
    headless_qt(training_thread=True)  # the slides are drawn by a window
    from ..gui.figures.export import ExportError
    from ..gui.figures.lesson_render import render_pauses

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
    from ..core.io.reading import is_file
    from ..core.teaching.lessons import LessonError, lesson_names, load_lesson

    try:
        return load_lesson(name_or_file)
    except LessonError as exc:
        raise UsageError(str(exc) + ("" if is_file(name_or_file) else did_you_mean(name_or_file, lesson_names())))\
            from None
