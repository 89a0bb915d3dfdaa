"""The headless command line: gdlab presets, gdlab run."""
import csv
import io
import json
import subprocess
import sys

import pytest

from gdlab.core.files.presets import load_preset, preset_names


def test_presets_lists_names_and_summaries(run_cli):
    code, out, _ = run_cli("presets")
    assert code == 0
    lines = out.splitlines()
    assert [line.split("\t")[0] for line in lines] == preset_names()
    for line in lines:
        name, summary = line.split("\t")
        assert summary == load_preset(name).summary


def test_python_dash_m_gdlab_works_in_a_subprocess():
    out = subprocess.run([sys.executable, "-m", "gdlab", "presets"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "lr-divergent\t" in out.stdout


def test_run_writes_a_csv_history(tmp_path, run_cli):
    path = tmp_path / "h.csv"
    code, _, err = run_cli("run", "xor", "--iterations", "25", "--out", str(path))
    assert code == 0
    lines = path.read_text().splitlines()
    assert lines[0] == "iteration,train_cost,test_cost,train_accuracy,test_accuracy,epoch"
    assert lines[-1].startswith("# status: max_iterations; iteration: 25")
    rows = list(csv.reader(io.StringIO("\n".join(lines[:-1]))))[1:]
    assert [int(r[0]) for r in rows] == list(range(26))
    assert float(rows[-1][1]) < float(rows[0][1])
    assert all(0.0 <= float(r[c]) <= 1.0 for r in rows for c in (3, 4))   # accuracies
    assert [float(r[5]) for r in rows] == [float(k) for k in range(26)]   # full batch: one epoch an iteration
    assert "max_iterations" in err


def test_run_is_byte_identical_for_the_same_inputs(tmp_path, run_cli):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for p in (a, b):
        assert run_cli("run", "spiral-deep", "--iterations", "30", "--batch-size", "16",
                       "--out", str(p))[0] == 0
    assert a.read_bytes() == b.read_bytes()


def test_run_surface_race_as_json(tmp_path, run_cli):
    path = tmp_path / "race.json"
    code, _, _ = run_cli("run", "optimizer-race", "--iterations", "40", "--out", str(path))
    assert code == 0
    doc = json.loads(path.read_text())
    exp = load_preset("optimizer-race")
    k = len(exp.runs)
    assert k >= 6
    assert doc["experiment"]["name"] == "optimizer-race"
    assert set(doc["history"]) == {"iteration"} | {f"run{i}_{c}" for i in range(1, k + 1)
                                                  for c in ("cost", "w1", "w2")}
    assert len(doc["history"]["iteration"]) == 41


def test_divergence_is_written_with_its_reason(tmp_path, run_cli):
    path = tmp_path / "d.json"
    code, _, err = run_cli("run", "lr-divergent", "--out", str(path))
    assert code == 0
    doc = json.loads(path.read_text())
    assert doc["status"] == "diverged" and "iteration" in doc["reason"]
    assert "diverged" in err


def test_parameter_flags_override_the_experiment(tmp_path, run_cli):
    path = tmp_path / "h.json"
    code, _, _ = run_cli("run", "xor", "--iterations", "3", "--learning-rate", "0.25",
                         "--hidden-layers", "5,2", "--optimizer", "adam", "--out", str(path))
    assert code == 0
    exp = json.loads(path.read_text())["experiment"]
    assert exp["training"]["learning_rate"] == 0.25 and exp["training"]["optimizer"] == "adam"
    assert exp["network"]["hidden_layers"] == [5, 2]


def test_playback_speed_is_no_run_flag_and_does_not_change_the_history(tmp_path, run_cli):
    slow, fast = tmp_path / "slow.json", tmp_path / "fast.csv"
    load_preset("lr-just-right").replace(playback_speed=1.0).save(slow)
    code, _, err = run_cli("run", str(slow), "--playback-speed", "3", "--out", str(fast))
    assert code == 2 and "--playback-speed" in err
    assert run_cli("run", str(slow), "--out", str(tmp_path / "a.csv"))[0] == 0
    assert run_cli("run", "lr-just-right", "--out", str(fast))[0] == 0  # the preset plays at 2 it/s
    assert (tmp_path / "a.csv").read_bytes() == fast.read_bytes(), "the pace is how a run is shown, not what it is"


@pytest.mark.parametrize("args, words", [
    (["run", "no-such-preset", "--out", "x.csv"], "neither a preset nor an experiment file"),
    (["run", "xor", "--out", "x.txt"], ".csv or .json"),
    (["run", "xor", "--iterations", "0", "--out", "x.csv"], "must be at least 1"),
    (["run", "xor", "--iterations", "ten", "--out", "x.csv"], "not a whole number"),
    (["run", "xor", "--learning-rate", "fast", "--out", "x.csv"], "is not a number"),
    (["run", "xor", "--learning-rate", "-1", "--out", "x.csv"], "out of range"),
    (["run", "xor", "--optimizer", "lbfgs", "--out", "x.csv"], "adam"),
    (["run", "xor", "--out", "/no/such/folder/x.csv"], "does not exist"),
    (["run", "xor"], "--out"),
    (["bogus-verb-or-file"], "neither a preset nor an experiment file"),
])
def test_bad_arguments_exit_2_with_a_clear_message(tmp_path, monkeypatch, args, words, run_cli):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(*args)
    assert code == 2 and words in err
    assert not list(tmp_path.iterdir())


def test_malformed_experiment_file_exits_2_naming_the_field(tmp_path, run_cli):
    bad = tmp_path / "bad.json"
    doc = load_preset("xor").to_dict()
    doc["training"]["learning_rate"] = "fast"
    bad.write_text(json.dumps(doc))
    code, _, err = run_cli("run", str(bad), "--out", str(tmp_path / "h.csv"))
    assert code == 2 and "training.learning_rate" in err
    assert not (tmp_path / "h.csv").exists()


def test_a_screenshot_into_a_missing_folder_or_not_a_png_exits_2(run_cli, tmp_path):
    code, _, err = run_cli("xor", "--quit-after", 100, "--screenshot", tmp_path / "no" / "shot.png")
    assert code == 2 and "does not exist" in err
    code, _, err = run_cli("xor", "--quit-after", 100, "--screenshot", tmp_path / "shot.jpg")
    assert code == 2 and ".png" in err


@pytest.mark.slow
def test_a_screenshot_that_cannot_be_written_exits_2_with_a_message(gdlab, tmp_path):
    taken = tmp_path / "taken.png"
    taken.mkdir()
    done = gdlab("xor", "--quit-after", 200, "--screenshot", taken, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 2 and "cannot write the screenshot" in done.stderr and "not a regular file" in done.stderr
