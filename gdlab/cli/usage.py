"""How gdlab's command line is written and how a wrong one is refused: the verbs' names, the help
formatter and the examples of each verb's help, the argument types (whole numbers, ``WxH`` sizes),
the checks of an output file's name, and :class:`UsageError` with its "did you mean" hint. Used
by every verb's module; imports only the standard library."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Sequence

VERBS = ("presets", "run", "export", "export-code", "inspect", "worksheet", "lessons", "lesson", "completion")
EXIT_USAGE = 2
WINDOW = "window"  # the hidden sub-command that `gdlab [PRESET_OR_FILE]` (no verb) is parsed as


class UsageError(Exception):
    """A bad argument or input: printed as one clear line, exit status 2."""


class HelpFormatter(argparse.HelpFormatter):
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


def examples(*lines: str) -> str:
    return "examples:\n" + "".join(f"  {line}\n" for line in lines)


def did_you_mean(word: str, names: Sequence[str], verbs: Sequence[str] = ()) -> str:
    """``"; did you mean `gdlab run …`?"`` for the verbs and names close to ``word``, else ``""``."""
    import difflib

    close = difflib.get_close_matches(word, [*verbs, *names], n=3, cutoff=0.6)
    if not close:
        return ""
    spelled = [f"`gdlab {c} …`" if c in verbs else f"`{c}`" for c in close]
    return "; did you mean " + " or ".join(spelled) + "?"


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"{value} must be at least {least}")
    return value


def non_negative_int(text: str) -> int:
    return _whole_number(text, 0)


def positive_int(text: str) -> int:
    return _whole_number(text, 1)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size {text}: expected WIDTHxHEIGHT, e.g. 1280x800") from None
    if not (200 <= w <= 10000 and 200 <= h <= 10000):
        raise UsageError(f"--size {text}: width and height must be between 200 and 10000")
    return w, h


def output_path(flag: str, text: str, suffixes: Sequence[str], what: str) -> Path:
    """The file ``flag`` (``--out``, ``--weights``) names, refused with a clear message unless it
    ends in one of ``suffixes`` and its folder exists: ``what`` names the file in the message."""
    path = Path(text)
    if path.suffix.lower() not in suffixes:
        raise UsageError(f"{flag} {text}: {what} must end in {' or '.join(suffixes)}")
    if not path.parent.exists():
        raise UsageError(f"{flag} {text}: the folder {path.parent} does not exist")
    return path
