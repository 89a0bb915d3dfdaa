"""`gdlab export`: a figure from the command line; in a fresh process with no display at all where that is
the point (no display, the exit status, the same bytes whatever the hash seed), else in this process."""
import json
import os
import re
import struct
import subprocess
import sys

import pytest

from gdlab.core.files.experiment import load_experiment
from gdlab.core.files.pngmeta import EXPERIMENT_KEY, read_chunks, read_text
from gdlab.core.files.presets import load_preset
from gdlab.core.io.gif import gif_info


def png_size(path) -> tuple[int, int]:
    (ihdr_type, ihdr), = [(t, b) for t, b in read_chunks(path.read_bytes()) if t == b"IHDR"]
    return struct.unpack(">II", ihdr[:8])


@pytest.mark.slow
def test_writes_a_png_with_no_display_and_it_opens_as_the_experiment(tmp_path, gdlab):
    out = tmp_path / "cost.png"
    result = gdlab("export", "xor", "--view", "cost", "--iterations", "150", "--size", "640x400", "--out", out)
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (640, 400)
    assert load_experiment(out) == load_preset("xor").replace(max_iterations=150)
    assert f"wrote {out}" in result.stderr
    assert "propagateSizeHints" not in result.stderr  # the offscreen platform's chatter is not shown


SAME_BYTES = [
    ("png", ["--view", "data", "--scale", "1.5"]),
    ("svg", ["--view", "trajectories", "--theme", "dark"]),
    ("pdf", ["--view", "cost", "--theme", "projector"]),
    ("gif", ["--view", "cost", "--every", "40", "--size", "320x200"]),
    ("pdf", ["--view", "sheet", "--page", "Letter"]),
    ("png", ["--view", "graph", "--sample", "2", "--size", "1600x900"]),
    ("png", ["--view", "surface3d", "--size", "480x320"]),
]
EXPORT_EACH = """import json, sys
from gdlab.cli import main
print(json.dumps([main(args) for args in json.loads(sys.argv[1])]))
"""


def fresh_exports(commands: list[list[str]]) -> list[int]:
    """Each command's exit code: every one run by gdlab's main in turn, in one fresh process with no
    display and a random hash seed (as the ``gdlab`` fixture runs one)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "QT_HASH_SEED")}
    env["PYTHONHASHSEED"] = "random"
    done = subprocess.run([sys.executable, "-c", EXPORT_EACH, json.dumps(commands)], capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.slow
def test_the_same_command_gives_the_same_bytes(tmp_path):
    """Each command twice, in two fresh processes (each with its own hash seed), the second running
    them in the reverse order: the same bytes each time, whatever was exported before in a process."""
    commands = [[["export", "xor", "--iterations", "200", *args, "--out", str(tmp_path / f"{k}-fig{run}.{fmt}")]
                 for k, (fmt, args) in enumerate(SAME_BYTES)] for run in range(2)]
    assert fresh_exports(commands[0]) == [0] * len(SAME_BYTES)
    assert fresh_exports(commands[1][::-1]) == [0] * len(SAME_BYTES)
    for k, (fmt, _) in enumerate(SAME_BYTES):
        first, second = tmp_path / f"{k}-fig0.{fmt}", tmp_path / f"{k}-fig1.{fmt}"
        assert first.stat().st_size > 1000, fmt
        assert first.read_bytes() == second.read_bytes(), (k, fmt)


@pytest.mark.slow
def test_svg_and_pdf_have_the_requested_size(tmp_path, run_cli):
    svg, pdf = tmp_path / "f.svg", tmp_path / "f.pdf"
    assert run_cli("export", "lr-just-right", "--view", "cost", "--size", "600x300", "--out", svg)[0] == 0
    assert re.search(rb'<svg width="600" height="300"', svg.read_bytes())
    assert run_cli("export", "lr-just-right", "--view", "trajectories", "--size", "600x300", "--out", pdf)[0] == 0
    assert re.search(rb"/MediaBox \[0 0 450(\.0+)? 225(\.0+)?\]", pdf.read_bytes())


@pytest.mark.slow
def test_gif_has_the_expected_frame_count(tmp_path, run_cli):
    out = tmp_path / "a.gif"
    code, _, err = run_cli("export", "optimizer-race", "--view", "trajectories", "--iterations", "200", "--every", "50",
                           "--fps", "4", "--out", out)
    assert code == 0, err
    info = gif_info(out)
    assert (info.width, info.height, info.frame_count) == (640, 400, 5)
    assert info.delays == [250] * 4 + [1500]  # the end held 1.5 s


@pytest.mark.slow
def test_a_sheet_png_is_a4_at_its_dpi(tmp_path, run_cli):
    out = tmp_path / "sheet.png"
    code, _, err = run_cli("export", "xor", "--view", "sheet", "--iterations", "100", "--dpi", "72", "--out", out)
    assert code == 0, err
    assert png_size(out) == (595, 842)
    assert EXPERIMENT_KEY in read_text(out)


@pytest.mark.slow
def test_parameter_flags_apply(tmp_path, run_cli):
    out = tmp_path / "c.png"
    code, _, err = run_cli("export", "xor", "--view", "cost", "--iterations", "50", "--learning-rate", "0.2",
                           "--out", out)
    assert code == 0, err
    assert load_experiment(out)["learning_rate"] == 0.2


@pytest.mark.parametrize("args, words", [
    (["xor", "--view", "bogus"], "unknown view"),
    (["optimizer-race", "--view", "data"], "does not apply"),
    (["xor", "--view", "surface"], "does not apply"),
    (["xor", "--view", "cost", "--size", "12x9"], "--size 12x9"),
    (["xor", "--view", "cost", "--size", "wide"], "--size wide"),
    (["xor", "--view", "cost", "--format", "svg"], "--format is svg"),
    (["xor", "--view", "sheet", "--format", "gif"], "not an animation"),
    (["xor", "--view", "cost", "--fps", "0"], "--fps"),
    (["no-such-preset", "--view", "cost"], "neither a preset nor an experiment file"),
    (["xor", "--view", "cost", "--dpi", "5"], "dpi"),
    (["xor", "--view", "graph", "--sample", "161"], "--sample 161: the training set has samples 1 … 160"),
    (["xor", "--view", "cost", "--sample", "2"], "--sample: only for --view graph"),
    (["xor", "--view", "graph", "--format", "gif"], "a computation graph is one picture"),
], ids=["view", "not-applicable", "surface-of-a-network", "small-size", "bad-size", "format-mismatch", "sheet-gif",
        "fps", "preset", "dpi", "graph-sample-range", "sample-without-graph", "graph-gif"])
@pytest.mark.slow
def test_bad_arguments_exit_2_with_a_clear_message(tmp_path, args, words, run_cli):
    out = tmp_path / ("fig.gif" if "gif" in args else "fig.png")
    code, _, err = run_cli("export", *args, "--out", out)
    assert code == 2, err
    assert words in err and err.startswith("gdlab: error:")
    assert "Traceback" not in err
    assert os.listdir(tmp_path) == []


def test_an_unknown_suffix_or_missing_view_exit_2(tmp_path, gdlab):
    result = gdlab("export", "xor", "--view", "cost", "--out", tmp_path / "fig.bmp")
    assert result.returncode == 2 and "cannot tell the format" in result.stderr
    result = gdlab("export", "xor", "--out", tmp_path / "fig.png")
    assert result.returncode == 2 and "--view" in result.stderr       # argparse: a required flag
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["png", "pdf", "gif"])
def test_a_path_under_a_file_exits_2_and_leaves_no_file(tmp_path, fmt, run_cli):
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    code, _, err = run_cli("export", "xor", "--view", "cost", "--iterations", "20", "--out", blocker / f"fig.{fmt}")
    assert code == 2
    assert "cannot write" in err and "not a folder" in err
    assert sorted(os.listdir(tmp_path)) == ["plain-file"]


@pytest.mark.slow
def test_a_missing_folder_exits_2(tmp_path, run_cli):
    code, _, err = run_cli("export", "xor", "--view", "cost", "--out", tmp_path / "nowhere" / "fig.png")
    assert code == 2 and "does not exist" in err
    assert os.listdir(tmp_path) == []


def test_export_help_lists_the_views(run_cli):
    code, out, _ = run_cli("export", "--help")
    assert code == 0
    for view in ("cost", "trajectories", "data", "curve", "surface", "network", "sheet", "surface3d"):
        assert view in out


@pytest.mark.parametrize("preset, view", [("lr-too-large", "curve"), ("optimizer-race", "surface"),
                                          ("xor", "network"), ("vanishing-gradients", "gradients"),
                                          ("xor", "surface3d")])
@pytest.mark.slow
def test_every_view_exports_headless(tmp_path, preset, view, run_cli):
    out = tmp_path / f"{view}.png"
    code, _, err = run_cli("export", preset, "--view", view, "--iterations", "30", "--size", "640x420", "--out", out)
    assert code == 0, err
    assert load_experiment(out).name == preset


@pytest.mark.slow
def test_the_graph_exports_the_chosen_sample_at_the_chosen_iteration(tmp_path, run_cli):
    out = tmp_path / "graph.png"
    code, _, err = run_cli("export", "xor", "--view", "graph", "--sample", "3", "--iterations", "40",
                           "--size", "640x400", "--out", out)
    assert code == 0, err
    assert png_size(out) == (640, 400)
    assert load_experiment(out) == load_preset("xor").replace(max_iterations=40)
    assert "Computation graph of sample 3, iteration 40" in read_text(out, {"Title"})["Title"]
    code, _, err = run_cli("export", "xor", "--view", "graph", "--out", out)        # the default: sample 1, start
    assert code == 0, err
    assert load_experiment(out) == load_preset("xor")
    assert "Computation graph of sample 1, iteration 0" in read_text(out, {"Title"})["Title"]
