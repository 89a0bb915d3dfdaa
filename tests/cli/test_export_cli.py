"""`gdlab export`: a figure from the command line, in a fresh process with no display at all."""
import os
import re
import struct

import pytest

from gdlab.core.experiment import load_experiment
from gdlab.core.gif import gif_info
from gdlab.core.pngmeta import EXPERIMENT_KEY, read_chunks, read_text
from gdlab.core.presets import load_preset


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


@pytest.mark.parametrize("fmt, args", [
    ("png", ["--view", "data", "--scale", "1.5"]),
    ("svg", ["--view", "trajectories", "--theme", "dark"]),
    ("pdf", ["--view", "cost", "--theme", "projector"]),
    ("gif", ["--view", "cost", "--every", "40", "--size", "320x200"]),
    ("pdf", ["--view", "sheet", "--page", "Letter"]),
], ids=["png-data", "svg-trajectories", "pdf-cost", "gif-cost", "pdf-sheet"])
@pytest.mark.slow
def test_the_same_command_gives_the_same_bytes(tmp_path, fmt, args, gdlab):
    paths = []
    for k in range(2):
        out = tmp_path / f"fig{k}.{fmt}"
        result = gdlab("export", "xor", "--iterations", "200", *args, "--out", out)
        assert result.returncode == 0, result.stderr
        paths.append(out)
    assert paths[0].stat().st_size > 1000
    assert paths[0].read_bytes() == paths[1].read_bytes()


@pytest.mark.slow
def test_svg_and_pdf_have_the_requested_size(tmp_path, gdlab):
    svg, pdf = tmp_path / "f.svg", tmp_path / "f.pdf"
    assert gdlab("export", "lr-just-right", "--view", "cost", "--size", "600x300", "--out", svg).returncode == 0
    assert re.search(rb'<svg width="600" height="300"', svg.read_bytes())
    assert gdlab("export", "lr-just-right", "--view", "trajectories", "--size", "600x300", "--out", pdf).returncode == 0
    assert re.search(rb"/MediaBox \[0 0 450(\.0+)? 225(\.0+)?\]", pdf.read_bytes())


@pytest.mark.slow
def test_gif_has_the_expected_frame_count(tmp_path, gdlab):
    out = tmp_path / "a.gif"
    result = gdlab("export", "optimizer-race", "--view", "trajectories", "--iterations", "200", "--every", "50",
                   "--fps", "4", "--out", out)
    assert result.returncode == 0, result.stderr
    info = gif_info(out)
    assert (info.width, info.height, info.frame_count) == (640, 400, 5)
    assert info.delays == [250] * 4 + [1500]  # the end held 1.5 s


@pytest.mark.slow
def test_a_sheet_png_is_a4_at_its_dpi(tmp_path, gdlab):
    out = tmp_path / "sheet.png"
    result = gdlab("export", "xor", "--view", "sheet", "--iterations", "100", "--dpi", "72", "--out", out)
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (595, 842)
    assert EXPERIMENT_KEY in read_text(out)


@pytest.mark.slow
def test_parameter_flags_apply(tmp_path, gdlab):
    out = tmp_path / "c.png"
    result = gdlab("export", "xor", "--view", "cost", "--iterations", "50", "--learning-rate", "0.2", "--out", out)
    assert result.returncode == 0, result.stderr
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
], ids=["view", "not-applicable", "surface-of-a-network", "small-size", "bad-size", "format-mismatch", "sheet-gif",
        "fps", "preset", "dpi"])
@pytest.mark.slow
def test_bad_arguments_exit_2_with_a_clear_message(tmp_path, args, words, gdlab):
    out = tmp_path / ("fig.gif" if "gif" in args else "fig.png")
    result = gdlab("export", *args, "--out", out)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and result.stderr.startswith("gdlab: error:")
    assert "Traceback" not in result.stderr
    assert os.listdir(tmp_path) == []


def test_an_unknown_suffix_or_missing_view_exit_2(tmp_path, gdlab):
    result = gdlab("export", "xor", "--view", "cost", "--out", tmp_path / "fig.bmp")
    assert result.returncode == 2 and "cannot tell the format" in result.stderr
    result = gdlab("export", "xor", "--out", tmp_path / "fig.png")
    assert result.returncode == 2 and "--view" in result.stderr       # argparse: a required flag
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["png", "pdf", "gif"])
def test_a_path_under_a_file_exits_2_and_leaves_no_file(tmp_path, fmt, gdlab):
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    result = gdlab("export", "xor", "--view", "cost", "--iterations", "20", "--out", blocker / f"fig.{fmt}")
    assert result.returncode == 2
    assert "cannot write" in result.stderr and "not a folder" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["plain-file"]


@pytest.mark.slow
def test_a_missing_folder_exits_2(tmp_path, gdlab):
    result = gdlab("export", "xor", "--view", "cost", "--out", tmp_path / "nowhere" / "fig.png")
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert os.listdir(tmp_path) == []


def test_export_help_lists_the_views(gdlab):
    result = gdlab("export", "--help")
    assert result.returncode == 0
    for view in ("cost", "trajectories", "data", "curve", "surface", "network", "sheet"):
        assert view in result.stdout


@pytest.mark.parametrize("preset, view", [("lr-too-large", "curve"), ("optimizer-race", "surface"),
                                          ("xor", "network"), ("vanishing-gradients", "gradients")])
@pytest.mark.slow
def test_every_view_exports_headless(tmp_path, preset, view, gdlab):
    out = tmp_path / f"{view}.png"
    result = gdlab("export", preset, "--view", view, "--iterations", "30", "--size", "640x420", "--out", out)
    assert result.returncode == 0, result.stderr
    assert load_experiment(out).name == preset
