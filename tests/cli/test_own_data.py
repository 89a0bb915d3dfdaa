"""Your own data on the command line: gdlab run --data/--label/--task/--standardize, --weights,
and gdlab --data for the window."""
import csv
import io
import json

import numpy as np
import pytest

from gdlab.core.files.experiment import Experiment
from gdlab.core.files.weights_io import load_weights
from gdlab.core.run.training import make_run

GOOD = "width,height,kind\n" + "".join(
    f"{0.1 * i:.1f},{(-1) ** i * 0.05 * i:.2f},{'cat' if i % 3 else 'dog'}\n" for i in range(1, 31))


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD, encoding="utf-8")
    return path


def _history(path):
    lines = path.read_text().splitlines()
    return lines[-1], list(csv.reader(io.StringIO("\n".join(lines[:-1]))))


def test_run_on_a_csv_file_writes_the_history(good, tmp_path, run_cli):
    out = tmp_path / "h.csv"
    code, _, err = run_cli("run", "--data", str(good), "--iterations", "20", "--out", str(out))
    assert code == 0, err
    status, rows = _history(out)
    assert rows[0] == ["iteration", "train_cost", "test_cost", "train_accuracy", "test_accuracy", "epoch"]
    assert len(rows) == 22
    assert status.startswith("# status: max_iterations; iteration: 20")
    assert float(rows[-1][1]) < float(rows[1][1])


def test_the_json_history_holds_the_points_and_the_choices(tmp_path, run_cli):
    data = tmp_path / "prices.csv"
    data.write_text("size,price,rooms\n" + "".join(f"{20 + 3 * i},{1000 + 37.5 * i},{1 + i % 4}\n"
                                                   for i in range(12)))
    out = tmp_path / "h.json"
    code, _, err = run_cli("run", "--data", str(data), "--label", "price", "--standardize",
                           "--iterations", "5", "--learning-rate", "0.02", "--out", str(out))
    assert code == 0, err
    exp = Experiment.from_dict(json.loads(out.read_text())["experiment"])
    assert exp["dataset"] == "custom" and exp["learning_rate"] == 0.02 and exp.name == "prices"
    points = exp.points
    assert points.task == "regression" and points.target_name == "price" and points.feature_names == ("size", "rooms")
    assert points.standardized and points.mean[0] == pytest.approx(36.5)
    np.testing.assert_allclose(points.X.mean(axis=0), 0.0, atol=1e-12)
    assert exp.output_and_loss() == ("linear", "mse")


def test_text_labels_become_classes_and_task_can_be_forced(good, tmp_path, run_cli):
    out = tmp_path / "h.json"
    assert run_cli("run", "--data", str(good), "--iterations", "2", "--out", str(out))[0] == 0
    points = Experiment.from_dict(json.loads(out.read_text())["experiment"]).points
    assert points.task == "binary" and points.class_names == ("cat", "dog") and points.n_samples == 30
    assert run_cli("run", "--data", str(good), "--task", "multiclass", "--iterations", "2",
                   "--out", str(out))[0] == 0
    exp = Experiment.from_dict(json.loads(out.read_text())["experiment"])
    assert exp.points.task == "multiclass" and exp.output_and_loss() == ("softmax", "cross_entropy")


def test_a_base_experiment_gives_the_network_and_training_values(good, tmp_path, run_cli):
    out = tmp_path / "h.json"
    code, _, _ = run_cli("run", "spiral-deep", "--data", str(good), "--iterations", "2", "--out", str(out))
    assert code == 0
    exp = Experiment.from_dict(json.loads(out.read_text())["experiment"])
    from gdlab.core.files.presets import load_preset

    base = load_preset("spiral-deep")
    assert exp["hidden_layers"] == base["hidden_layers"] and exp["optimizer"] == base["optimizer"]
    assert exp["dataset"] == "custom"


BAD_CSV = "x1,x2,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n11,twelve,1\n"


@pytest.mark.parametrize("extra, words", [
    ([], 'bad.csv: row 7, column "x2": "twelve" is not a number'),
    (["--label", "colour"], 'there is no column named "colour"; the columns are: x1, x2, y'),
])
def test_a_bad_csv_exits_2_naming_row_and_column_and_writes_nothing(tmp_path, monkeypatch, extra, words, run_cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text(BAD_CSV)
    code, out, err = run_cli("run", "--data", "bad.csv", *extra, "--out", "h.csv", "--weights", "w.npz")
    assert code == 2 and out == ""
    assert err.startswith("gdlab: error: bad.csv: ") and words in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


@pytest.mark.parametrize("args, words", [
    (["run", "--out", "h.csv"], "give an experiment or preset to run"),
    (["run", "xor", "--label", "y", "--out", "h.csv"], "--label needs --data FILE.csv"),
    (["run", "xor", "--standardize", "--out", "h.csv"], "--standardize needs --data FILE.csv"),
    (["run", "--data", "missing.csv", "--out", "h.csv"], "missing.csv: cannot read"),
    (["run", "optimizer-race", "--data", "good.csv", "--out", "h.csv"], "cost-surface race"),
    (["run", "--data", "good.csv", "--task", "regression", "--out", "h.csv"], '"cat" is not a number'),
    (["run", "--data", "good.csv", "--task", "clustering", "--out", "h.csv"], "invalid choice"),
    (["run", "--data", "good.csv", "--loss", "mse", "--output-activation", "softmax", "--out", "h.csv"],
     "network.output_activation"),
    (["run", "--data", "good.csv", "--out", "h.csv", "--weights", "w.txt"], ".npz or .json"),
    (["run", "--data", "good.csv", "--out", "h.csv", "--weights", "no/such/w.npz"], "does not exist"),
    (["run", "--data", "good.csv", "--out", "h.json", "--weights", "h.json"], "the same file as --out"),
    (["run", "lr-divergent", "--out", "h.csv", "--weights", "w.npz"], "only a network has weights"),
    (["--data", "bad.csv"], 'bad.csv: row 7, column "x2"'),
    (["--label", "y"], "--label needs --data FILE.csv"),
    (["run", "xor", "--image-shape", "8x8", "--out", "h.csv"], "--image-shape needs --data FILE.csv"),
    (["run", "--data", "good.csv", "--image-shape", "8x", "--out", "h.csv"], "--image-shape: expected ROWSxCOLUMNS"),
    (["run", "--data", "good.csv", "--image-shape", "2x2", "--out", "h.csv"],
     "image shape: an image of 2×2 has 4 pixels, and the data has 2 feature column(s)"),
])
def test_bad_data_arguments_exit_2(tmp_path, monkeypatch, args, words, run_cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.csv").write_text(GOOD)
    (tmp_path / "bad.csv").write_text(BAD_CSV)
    code, _, err = run_cli(*args)
    assert code == 2 and words in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "good.csv"]


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_weights_are_the_final_weights_of_the_run(good, tmp_path, suffix, run_cli):
    out, weights = tmp_path / "h.json", tmp_path / f"w{suffix}"
    code, _, err = run_cli("run", "--data", str(good), "--iterations", "20", "--hidden-layers", "5,3",
                           "--out", str(out), "--weights", str(weights))
    assert code == 0, err
    experiment, W, b = load_weights(weights)
    assert experiment == Experiment.from_dict(json.loads(out.read_text())["experiment"])
    assert [w.shape for w in W] == [(2, 5), (5, 3), (3, 1)] and [v.shape for v in b] == [(5,), (3,), (1,)]
    again = make_run(experiment)
    again.step(20)
    assert again.iteration == 20
    for got, want in zip(W + b, again.model.weights + again.model.biases):
        np.testing.assert_array_equal(got, want)
    fresh = make_run(experiment)
    assert not np.array_equal(W[0], fresh.model.weights[0])  # trained, not the initial weights


def test_npz_weights_are_plain_arrays_and_byte_identical(good, tmp_path, run_cli):
    paths = [tmp_path / "a.npz", tmp_path / "b.npz"]
    for path in paths:
        assert run_cli("run", "--data", str(good), "--iterations", "10", "--out", str(tmp_path / "h.csv"),
                       "--weights", str(path))[0] == 0
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with np.load(paths[0], allow_pickle=False) as f:
        assert sorted(f.files) == ["W1", "W2", "b1", "b2", "experiment", "meta"]
        assert f["W1"].dtype == np.float64 and f["W1"].shape == (2, 8)
        doc = json.loads(str(f["experiment"]))
        meta = json.loads(str(f["meta"]))
    assert doc["data"]["dataset"] == "custom" and len(doc["data"]["points"]["x"]) == 30
    assert meta["format"] == "gdlab-weights" and meta["iteration"] == 10 and meta["layer_sizes"] == [2, 8, 1]
    assert meta["input_labels"] == ["x1", "x2"] and meta["loss"] == "bce"


def test_weights_of_a_preset_in_json(tmp_path, run_cli):
    path = tmp_path / "xor.json"
    assert run_cli("run", "xor", "--iterations", "3", "--out", str(tmp_path / "h.csv"),
                   "--weights", str(path))[0] == 0
    doc = json.loads(path.read_text())
    assert doc["format"] == "gdlab-weights" and doc["experiment"]["name"] == "xor"
    assert len(doc["weights"]) == len(doc["biases"]) == 2 and len(doc["weights"][0]) == 2


def test_the_window_gets_the_custom_experiment(good, monkeypatch, run_cli):
    import gdlab.gui.app as app

    seen = {}

    def fake_run_app(experiment=None, **kwargs):
        seen["experiment"] = experiment
        return 0

    monkeypatch.setattr(app, "run_app", fake_run_app)
    code, _, _ = run_cli("--data", str(good), "--label", "kind", "--standardize")
    assert code == 0
    exp = seen["experiment"]
    assert exp["dataset"] == "custom" and exp.points.class_names == ("cat", "dog") and exp.points.standardized
