"""`gdlab lessons` and `gdlab lesson`: the list, slides written with no display at all, clear errors."""
import pytest

from gdlab.core.files.experiment import load_experiment
from gdlab.core.files.pngmeta import read_chunks
from gdlab.core.teaching.lessons import load_lesson

SHIPPED = ("one-weight", "backpropagation", "network-descent", "handwriting")

MALFORMED = '''title = "Broken"

[[step]]
load = "lr-just-right"
pause = "Start."

[[step]]
runto = 5
'''


def test_lessons_lists_the_four_shipped_lessons_with_their_titles(run_cli):
    code, out, _ = run_cli("lessons")
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert [name for name, _ in rows][:4] == list(SHIPPED)
    for name, title in rows:
        assert title == load_lesson(name).title


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_lesson_exports_one_png_per_pause_with_no_display(tmp_path, name, gdlab, run_cli):
    out = tmp_path / "slides" / name  # created, parents too
    args = ("lesson", name, "--export", out, "--size", "1280x720")
    if name == "network-descent":  # the one that shows every kind of view: in a fresh process with no display
        result = gdlab(*args)
        code, err = result.returncode, result.stderr
    else:  # the others here (offscreen too): a fresh process would only add its start-up
        code, _, err = run_cli(*args)
    assert code == 0, err
    pauses = load_lesson(name).pauses()
    files = sorted(out.iterdir())
    assert [f.name for f in files] == [p.file_name for p in pauses]
    for path, pause in zip(files, pauses):
        assert load_experiment(path) == pause.experiment
        (ihdr,) = [data for kind, data in read_chunks(path.read_bytes()) if kind == b"IHDR"]
        assert int.from_bytes(ihdr[:4], "big") == 1280 and int.from_bytes(ihdr[4:8], "big") == 720
    assert f"{len(pauses)} pause(s) written to {out}" in err
    assert "Traceback" not in err and "propagateSizeHints" not in err


def test_a_malformed_lesson_exits_2_naming_the_line_and_step(tmp_path, run_cli, gdlab):
    bad = tmp_path / "broken.toml"
    bad.write_text(MALFORMED)
    code, out, err = run_cli("lesson", bad, "--export", tmp_path / "slides")
    assert code == 2 and out == ""
    assert err.startswith('gdlab: error: broken.toml, line 8, step 2: unknown key "runto" (did you mean run_to?)')
    assert not (tmp_path / "slides").exists()  # nothing written for a lesson that does not parse
    result = gdlab("lesson", bad, "--export", tmp_path / "slides")  # the same from a fresh process
    assert result.returncode == 2 and "broken.toml, line 8, step 2:" in result.stderr


def test_bad_arguments_exit_2_with_a_clear_message(tmp_path, run_cli):
    code, _, err = run_cli("lesson", "no-such-lesson", "--export", tmp_path)
    assert code == 2 and "no lesson named 'no-such-lesson'" in err and "one-weight" in err
    taken = tmp_path / "taken"
    taken.write_text("a file, not a folder")
    code, _, err = run_cli("lesson", "one-weight", "--export", taken)
    assert code == 2 and "a file of that name exists" in err
    code, _, err = run_cli("lesson", "one-weight", "--export", tmp_path / "s", "--size", "12x7")
    assert code == 2 and "--size 12x7" in err
    code, _, err = run_cli("lesson", "one-weight", "--size", "800x600")
    assert code == 2 and "--size goes with --export" in err


@pytest.mark.slow
def test_the_window_opens_with_the_lesson_started(tmp_path, gdlab):
    shot = tmp_path / "shot.png"
    result = gdlab("lesson", "one-weight", "--quit-after", "2500", "--screenshot", shot,
                   QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path), HOME=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "QThread" not in result.stderr
    assert shot.stat().st_size > 10_000
