"""``--progress`` and the progress bar on stderr that it controls (shown on a terminal only).
Imports only the standard library."""
from __future__ import annotations

import argparse
import sys
import time


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
        self.shown = mode == "always" or (mode == "auto" and on_terminal(sys.stderr))
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


def on_terminal(stream) -> bool:
    """Whether ``stream`` is a terminal (a missing stream, as under ``pythonw``, is not)."""
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False
