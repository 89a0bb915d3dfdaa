"""Weights files: .npz and .json round trips, snapshots, and malformed files refused without
executing anything."""
from __future__ import annotations

import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

from gdlab.core.data.customdata import CustomData
from gdlab.core.files.experiment import Experiment
from gdlab.core.files.presets import load_preset
from gdlab.core.files.weights_io import WeightsError, load_weights, save_weights, write_weights
from gdlab.core.run.training import make_run


def _run(steps=15):
    exp = Experiment(values={"dataset": "spiral3", "n_samples": 60, "hidden_layers": [5, 4],
                             "features": ["x", "sin"]})
    run = make_run(exp)
    run.step(steps)
    return run


@pytest.mark.parametrize("suffix", [".npz", ".json", ".NPZ"])
def test_round_trip_is_exact(tmp_path, suffix):
    run = _run()
    path = save_weights(tmp_path / f"w{suffix}", run)
    experiment, W, b = load_weights(path)
    assert experiment == run.experiment
    assert [w.shape for w in W] == [(4, 5), (5, 4), (4, 3)]
    for got, want in zip(W + b, run.model.weights + run.model.biases):
        assert got.dtype == np.float64 and got.tobytes() == want.tobytes()
    assert os.listdir(tmp_path) == [path.name]


def test_custom_data_travels_with_the_weights(tmp_path):
    pts = CustomData(np.arange(24.0).reshape(8, 3), [0, 1] * 4, "binary", class_names=["no", "yes"])
    run = make_run(Experiment(values={"dataset": "custom"}, points=pts))
    run.step(3)
    experiment, W, _ = load_weights(save_weights(tmp_path / "w.npz", run))
    assert experiment.points == pts and W[0].shape == (3, 4)


def test_a_snapshot_can_be_written_and_nan_survives_json(tmp_path):
    run = _run(2)
    snap = run.snapshot()
    weights = [w.copy() for w in snap.weights]
    weights[1][0, 0] = np.nan
    weights[2][1, 2] = np.inf
    path = write_weights(tmp_path / "s.json", run.experiment, weights, snap.biases, iteration=snap.iteration,
                         status=snap.status)
    doc = json.loads(path.read_text())
    assert doc["iteration"] == 2 and doc["weights"][1][0][0] is None
    _, W, _ = load_weights(path)
    assert np.isnan(W[1][0, 0]) and np.isnan(W[2][1, 2])       # non-finite numbers come back as NaN
    assert np.isfinite(np.delete(W[1].ravel(), 0)).all()


def test_shapes_must_fit_the_network(tmp_path):
    run = _run(0)
    with pytest.raises(WeightsError, match=r"W2 must have shape \(5, 4\)"):
        write_weights(tmp_path / "w.npz", run.experiment, [run.model.weights[0], np.zeros((4, 5)),
                                                             run.model.weights[2]], run.model.biases)
    with pytest.raises(WeightsError, match="3 layers of weights"):
        write_weights(tmp_path / "w.npz", run.experiment, run.model.weights[:2], run.model.biases[:2])
    with pytest.raises(WeightsError, match=".npz or .json"):
        save_weights(tmp_path / "w.txt", run)
    race = make_run(load_preset("optimizer-race"))
    with pytest.raises(WeightsError, match="only a network run"):
        save_weights(tmp_path / "w.npz", race)
    assert not list(tmp_path.iterdir())


def _npz(arrays: dict) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _good_arrays() -> dict:
    run = _run(1)
    path_arrays = {f"W{l + 1}": W for l, W in enumerate(run.model.weights)}
    path_arrays.update({f"b{l + 1}": b for l, b in enumerate(run.model.biases)})
    path_arrays["experiment"] = np.array(run.experiment.to_json())
    path_arrays["meta"] = np.array(json.dumps({"format": "gdlab-weights", "version": 1}))
    return path_arrays


def _with(**changes):
    arrays = _good_arrays()
    for key, value in changes.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    return _npz(arrays)


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


MALFORMED = [
    ("not a zip", b"just text", "not an .npz file"),
    ("broken zip", b"PK\x03\x04 broken", "cannot be read as an .npz"),
    ("pickled object array", _with(W1=np.array([_Boom()], dtype=object)), "cannot be read as an .npz"),
    ("missing meta", _with(meta=None), "'meta'"),
    ("wrong format", _with(meta=np.array(json.dumps({"format": "other", "version": 1}))), "not a gdlab weights"),
    ("future version", _with(meta=np.array(json.dumps({"format": "gdlab-weights", "version": 9}))), "version 9"),
    ("bad experiment", _with(experiment=np.array('{"schema_version": 1, "training": {"learning_rate": -1}}')),
     "training.learning_rate"),
    ("missing bias", _with(b2=None), "missing 'b2'"),
    ("extra array", _with(extra=np.zeros(2)), "unexpected 'extra'"),
    ("wrong shape", _with(W1=np.zeros((3, 5))), r"W1 must have shape (4, 5)"),
    ("text weights", _with(W1=np.array([["a"] * 5] * 4)), "not numbers"),
]


@pytest.mark.parametrize("label, content, words", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_npz_files_are_refused_and_nothing_runs(tmp_path, monkeypatch, label, content, words):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "w.npz"
    path.write_bytes(content)
    with pytest.raises(WeightsError) as err:
        load_weights(path)
    assert words in str(err.value)
    assert not (tmp_path / "PWNED").exists()


def test_a_pickle_disguised_as_npz_is_not_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "w.npz"
    path.write_bytes(pickle.dumps(_Boom()))
    with pytest.raises(WeightsError, match="not an .npz file"):
        load_weights(path)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("mutate, words", [
    (lambda d: d.pop("weights"), "'weights' is missing"),
    (lambda d: d.update(format="x"), "not a gdlab weights file"),
    (lambda d: d["weights"][0][1].append(0.5), "rows of different lengths"),
    (lambda d: d["weights"][0][0].__setitem__(0, "1"), "expected numbers"),
    (lambda d: d["biases"].pop(), "3 weight matrices and 2 bias vectors"),
    (lambda d: d.update(experiment="xor"), "'experiment' must be an object"),
])
def test_malformed_json_files_name_the_problem(tmp_path, mutate, words):
    path = save_weights(tmp_path / "w.json", _run(1))
    doc = json.loads(path.read_text())
    mutate(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(WeightsError, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_weights(path)


def test_unreadable_files(tmp_path):
    with pytest.raises(WeightsError, match="cannot read"):
        load_weights(tmp_path / "none.npz")
    (tmp_path / "w.json").write_text("{not json")
    with pytest.raises(WeightsError, match="not valid JSON"):
        load_weights(tmp_path / "w.json")
    zipfile.ZipFile(tmp_path / "empty.npz", "w").close()
    with pytest.raises(WeightsError, match="'meta'"):
        load_weights(tmp_path / "empty.npz")
