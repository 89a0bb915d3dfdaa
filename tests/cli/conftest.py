"""What the command-line tests share: running `gdlab` in this process, and in a fresh process
on a machine without a display."""
import os
import subprocess
import sys

import pytest

from gdlab.cli import main


def no_display_env(**extra) -> dict[str, str]:
    """The environment of a machine without a display: no DISPLAY, no Wayland, no Qt platform
    chosen, and hash seeds left random (so reproducible output cannot lean on a fixed one)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "QT_HASH_SEED")}
    env["PYTHONHASHSEED"] = "random"
    env.update(extra)
    return env


@pytest.fixture
def run_cli(capsys):
    """``run_cli(*args) -> (exit code, stdout, stderr)`` of ``gdlab ARGS`` run in this process."""
    def run(*args):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def gdlab():
    """``gdlab(*args, cwd=None, **env)``: ``python -m gdlab ARGS`` in a fresh process with no
    display (``env`` adds variables), as a CompletedProcess with text output."""
    def run(*args, cwd=None, **env) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "gdlab", *map(str, args)], capture_output=True, text=True,
                              timeout=300, env=no_display_env(**env), cwd=cwd)
    return run
