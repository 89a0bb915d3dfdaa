"""The command line as a user meets it: `gdlab --help` lists the verbs, each verb's help has
examples, test-only flags work but do not show, `--iterations` is the one iterations flag, a
mistyped verb, preset or lesson gets a "did you mean", long exports show progress on a terminal
only, and `gdlab completion` prints scripts that their shells accept and that complete."""
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gdlab.cli import VERBS, Progress, gui_main
from gdlab.core.files.presets import presets_dir

TEST_FLAGS = ("--quit-after", "--screenshot", "--run-iterations")


def test_gdlab_help_lists_every_verb_on_one_line_and_no_test_flag(run_cli):
    code, out, _ = run_cli("--help")
    assert code == 0
    listing = out.split("\nverbs (gdlab VERB --help for each):\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in listing] == list(VERBS)  # one line each (no `window`: it is hidden)
    assert all(len(line.split()) > 2 for line in listing)
    assert not [flag for flag in TEST_FLAGS if flag in out]
    assert "examples:\n  gdlab xor\n" in out


@pytest.mark.parametrize("verb", VERBS)
def test_each_verbs_help_has_examples_and_no_test_flag(run_cli, verb):
    code, out, _ = run_cli(verb, "--help")
    assert code == 0
    assert out.startswith(f"usage: gdlab {verb} ")
    examples = out.split("\nexamples:\n")[1]
    assert re.search(rf"^  gdlab {re.escape(verb)}\b", examples, re.M)
    assert not [flag for flag in (*TEST_FLAGS, "--max-iterations") if flag in out]
    if verb in ("run", "export", "export-code", "inspect", "worksheet"):
        assert "--iterations N" in out


def test_the_test_flags_are_still_accepted_by_gdlab_lesson_and_gdlab_gui(run_cli, tmp_path, capsys):
    # each gets past the parser and is refused by gdlab's own check, before any window
    code, _, err = run_cli("xor", "--quit-after", "5", "--screenshot", tmp_path / "shot.txt", "--run-iterations", "3")
    assert code == 2 and "the screenshot is a .png file" in err
    code, _, err = run_cli("lesson", "one-weight", "--export", tmp_path / "s", "--quit-after", "5")
    assert code == 2 and "--quit-after and --screenshot are for the window" in err
    assert gui_main(["xor", "--run-iterations", "3", "--screenshot", str(tmp_path / "shot.txt")]) == 2
    assert "the screenshot is a .png file" in capsys.readouterr().err
    code, _, err = run_cli("--run-iterations", "many")
    assert code == 2 and "--run-iterations: invalid int value" in err


def test_max_iterations_is_a_hidden_alias_of_iterations(run_cli, tmp_path):
    assert run_cli("run", "xor", "--max-iterations", 7, "--out", tmp_path / "a.csv")[0] == 0
    assert run_cli("run", "xor", "--iterations", 7, "--out", tmp_path / "b.csv")[0] == 0
    a = (tmp_path / "a.csv").read_text()
    assert a == (tmp_path / "b.csv").read_text() and "# status: max_iterations; iteration: 7;" in a


@pytest.mark.parametrize("args, suggestion", [
    (["rn"], "did you mean `gdlab run …`?"),
    (["exprot", "--view", "cost"], "did you mean `gdlab export …`?"),
    (["xr"], "did you mean `xor`?"),
    (["run", "spiral-dep", "--out", "h.csv"], "did you mean `spiral-deep`?"),
    (["lesson", "backprop"], "did you mean `backpropagation`?"),
])
def test_a_mistyped_verb_preset_or_lesson_gets_a_suggestion(run_cli, monkeypatch, tmp_path, args, suggestion):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(*args)
    assert (code, out) == (2, "") and err.startswith("gdlab: error: ") and suggestion in err, err


def test_an_existing_file_or_a_preset_wins_over_a_verb_suggestion(run_cli, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    shutil.copy(presets_dir() / "xor.json", tmp_path / "rn")
    code, _, err = run_cli("rn", "--quit-after", "1", "--screenshot", "shot.txt")
    assert code == 2 and "the screenshot is a .png file" in err and "did you mean" not in err  # rn was opened
    (tmp_path / "exprot").write_text("{ not json")
    code, _, err = run_cli("exprot")
    assert code == 2 and "exprot" in err and "did you mean" not in err  # the file's own fault is told
    code, _, err = run_cli("xor", "--quit-after", "1", "--screenshot", "shot.txt")
    assert code == 2 and "the screenshot is a .png file" in err


def test_progress_is_silent_where_stderr_is_not_a_terminal(capsys):
    progress = Progress("frames")
    assert progress(5, 10) is True
    progress.say("wrote x.png")
    progress(10, 10)
    progress.close()
    assert capsys.readouterr().err == "wrote x.png\n"


def read_terminal(master: int) -> str:
    """Everything written to a pseudo-terminal whose other end is closed, then close it. One
    read returns what the terminal has passed on so far, which may be part of it (a full run
    once saw only the first of three lines); the end is EIO (Linux) or an empty read."""
    chunks = []
    try:
        while chunk := os.read(master, 65536):
            chunks.append(chunk)
    except OSError:
        pass
    finally:
        os.close(master)
    return b"".join(chunks).decode()


def test_progress_draws_a_bar_in_place_on_a_pseudo_terminal(monkeypatch):
    master, slave = pty.openpty()
    with os.fdopen(slave, "w", encoding="utf-8") as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        progress = Progress("slides")
        progress(1, 4)
        progress.say("wrote 01-a.png")
        progress(4, 4)
        progress.close()
        monkeypatch.undo()
    text = read_terminal(master)
    assert "\rslides [#######" in text and "25% 1/4" in text and "100% 4/4" in text
    assert "\rwrote 01-a.png" in text and text.endswith("\r\n")


@pytest.mark.slow
def test_a_gif_export_on_a_terminal_shows_its_frames_progress(tmp_path):
    """End to end, in a fresh process whose stderr is a pseudo-terminal."""
    master, slave = pty.openpty()
    out = tmp_path / "cost.gif"
    try:
        done = subprocess.run([sys.executable, "-m", "gdlab", "export", "lr-just-right", "--view", "cost", "--format",
                               "gif", "--iterations", "40", "--every", "4", "--size", "200x200", "--out", out],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, timeout=120,
                              cwd=Path(__file__).resolve().parents[2],
                              env={k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")})
    finally:
        os.close(slave)
    text = read_terminal(master)
    assert done.returncode == 0, text
    assert re.search(r"\rframes \[#+\] 100% (\d+)/\1 ", text), text
    assert f"wrote {out}" in text and out.stat().st_size > 0


def _shells() -> list[str]:
    return [shell for shell in ("bash", "zsh", "fish") if shutil.which(shell)]  # bash at least, where tests run


@pytest.mark.parametrize("shell", _shells())
def test_each_completion_script_parses_in_its_shell(run_cli, tmp_path, shell):
    code, script, _ = run_cli("completion", shell)
    assert code == 0 and "spiral-deep" in script
    assert ("-l iterations" if shell == "fish" else "--iterations") in script
    hidden = ("quit-after", "screenshot", "run-iterations", "max-iterations")
    assert not [flag for flag in hidden if flag in script]
    path = tmp_path / f"gdlab.{shell}"
    path.write_text(script)
    checked = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr


def test_the_bash_completion_completes_verbs_flags_choices_presets_and_lessons(run_cli, tmp_path):
    script = tmp_path / "gdlab.bash"
    script.write_text(run_cli("completion", "bash")[1])
    cases = {"gdlab ru": "run", "gdlab x": "xor", "gdlab run --opt": "--optimizer",
             "gdlab run xor --optimizer ada": "adagrad adam", "gdlab export xor --view su": "surface surface3d",
             "gdlab lesson back": "backpropagation", "gdlab completion f": "fish", "gdlab xor --si": "--size",
             "gdlab run --quit": "", "gdlab run --max": "", "gdlab run xor --out h.cs": "h.csv"}
    (tmp_path / "h.csv").write_text("")
    probe = f"source {script}\n" + "".join(
        f"COMP_WORDS=({line}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); COMPREPLY=(); _gdlab; "
        f"echo \"${{COMPREPLY[*]}}\"\n" for line in cases)
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert dict(zip(cases, done.stdout.split("\n"))) == cases
