"""Custom data in experiments (points survive save/load bit for bit, malformed points name the
field, runs train on them) and the function-boundary datasets (labels follow y > f(x))."""
from __future__ import annotations

import json

import numpy as np
import pytest

from gdlab.core.data.customdata import MAX_VALUES, CustomData
from gdlab.core.data.datasets import DATASET_INFO, DATASET_NAMES, make_dataset
from gdlab.core.files.experiment import MAX_FILE_BYTES, Experiment, ExperimentError, load_experiment
from gdlab.core.params import PARAMS_BY_NAME, is_relevant
from gdlab.core.run.training import make_run

# -- function-boundary datasets ----------------------------------------------------------------
BOUNDARIES = {  # written out here, not imported: the test checks the formulas the docs promise
    "sin_boundary": lambda x: 0.8 * np.sin(np.pi * x),
    "cubic_boundary": lambda x: 2.0 * (x ** 3 - x),
    "abs_boundary": lambda x: np.abs(x) - 0.5,
}


@pytest.mark.parametrize("name", BOUNDARIES)
@pytest.mark.parametrize("seed", [0, 7])
def test_clean_boundary_labels_are_x2_above_f_of_x1(name, seed):
    d = make_dataset(name, 2000, noise=0.0, seed=seed)
    x1, x2 = d.X.T
    np.testing.assert_array_equal(d.labels, (x2 > BOUNDARIES[name](x1)).astype(int))
    assert d.task == "binary" and d.feature_names == ("x1", "x2")
    assert np.abs(d.X).max() <= 1.0
    assert np.bincount(d.labels).tolist() == [1000, 1000]
    # both classes spread over the whole width of the square, not bunched on one side
    for c in (0, 1):
        assert x1[d.labels == c].min() < -0.9 and x1[d.labels == c].max() > 0.9


@pytest.mark.parametrize("name", BOUNDARIES)
def test_boundary_noise_moves_points_after_labelling(name):
    clean, noisy = make_dataset(name, 3000, 0.0, seed=2), make_dataset(name, 3000, 0.2, seed=2)
    np.testing.assert_array_equal(clean.labels, noisy.labels)
    moved = noisy.X - clean.X
    assert abs(moved.std() - 0.2) < 0.01 and abs(moved.mean()) < 0.01
    wrong_side = noisy.labels != (noisy.X[:, 1] > BOUNDARIES[name](noisy.X[:, 0]))
    assert 0.02 < wrong_side.mean() < 0.4  # noise blurs the boundary


def test_boundary_datasets_are_listed_and_documented():
    for name, words in (("sin_boundary", "0.8·sin(πx₁)"), ("cubic_boundary", "2·(x₁³ − x₁)"),
                        ("abs_boundary", "|x₁| − 0.5")):
        assert name in DATASET_NAMES and name in PARAMS_BY_NAME["dataset"].choices
        assert words in DATASET_INFO[name]
    assert "custom" in PARAMS_BY_NAME["dataset"].choices and "custom" not in DATASET_NAMES


# -- custom points ---------------------------------------------------------------------------------
def _points(n=40, task="binary", d=2, seed=0, **kw) -> CustomData:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    if task == "regression":
        y = X.sum(axis=1) + 0.1 * rng.normal(size=n)
    else:
        C = 2 if task == "binary" else 3
        y = np.arange(n) % C
    return CustomData(X, y, task, **kw)


def _exp(points: CustomData, **values) -> Experiment:
    return Experiment(values={"dataset": "custom", **values}, points=points, name="mine")


def test_points_survive_save_and_load_bit_for_bit(tmp_path):
    awkward = [0.1, -0.0, 5e-324, 1.7976931348623157e308, -2.2250738585072014e-308, 1 / 3, 123456789.98765432, 1e-7]
    X = np.array([[a, b] for a in awkward for b in awkward[::-1]])
    y = (np.arange(len(X)) % 2).astype(int)
    exp = _exp(CustomData(X, y, "binary", class_names=["blue", "orange"], feature_names=["width", "höhe"],
                          target_name="colour", source="drawn"))
    back = load_experiment(exp.save(tmp_path / "mine.json"))
    assert back.points.X.tobytes() == X.tobytes()                     # -0.0 and subnormals too
    assert back.points.y.tobytes() == exp.points.y.tobytes() and back.points.y.dtype == np.int64
    assert back.points == exp.points and back == exp
    assert back.to_json() == exp.to_json()
    assert back.points.class_names == ("blue", "orange") and back.points.feature_names == ("width", "höhe")


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_every_task_round_trips_and_the_json_is_the_dict(tmp_path, task):
    pts = _points(30, task, d=3, mean=[1.0, 2.0, 3.0], std=[0.5, 1.0, 2.0])
    exp = _exp(pts)
    text = exp.to_json()
    assert json.loads(text) == exp.to_dict()
    assert text.count("\n") < 30 * 2 + 100                            # one row of x a line, not a number a line
    back = Experiment.from_json(text)
    assert back.points == pts and back.points.mean == (1.0, 2.0, 3.0) and back.points.std == (0.5, 1.0, 2.0)
    assert back.data_task() == task


def test_the_file_shape_of_the_points():
    doc = _exp(_points(4, class_names=["a", "b"], source="drawn")).to_dict()
    points = doc["data"]["points"]
    assert doc["data"]["dataset"] == "custom"
    assert list(points) == ["task", "source", "feature_names", "target_name", "class_names", "x", "y"]
    assert points["task"] == "binary" and points["class_names"] == ["a", "b"] and points["y"] == [0, 1, 0, 1]
    assert all(isinstance(v, float) for row in points["x"] for v in row)
    assert "points" not in Experiment().to_dict()["data"]


def test_defaults_of_names():
    pts = CustomData([[0, 0], [1, 1], [2, 2], [3, 3]], [0, 2, 1, 2], "multiclass")
    assert pts.class_names == ("0", "1", "2") and pts.feature_names == ("x1", "x2") and pts.target_name == "y"
    assert pts.n_outputs == 3 and pts.n_classes == 3


@pytest.mark.slow
def test_largest_custom_data_fits_the_file_limit(tmp_path):
    n, d = 100_000, MAX_VALUES // 100_000 - 1
    rng = np.random.default_rng(1)
    X = -rng.uniform(1, 9, (n, d)) * 10.0 ** rng.integers(-300, -100, (n, d))  # 24-character numbers
    exp = _exp(CustomData(X, -rng.uniform(1, 9, n) * 1e-123, "regression"))
    path = exp.save(tmp_path / "big.json")
    assert path.stat().st_size < MAX_FILE_BYTES
    assert load_experiment(path).points.X.tobytes() == X.tobytes()
    with pytest.raises(ExperimentError) as err:
        CustomData(np.zeros((100_000, d + 1)), np.zeros(100_000), "regression")
    assert err.value.field == "data.points.x" and "at most 1,000,000" in err.value.message


def _doc(mutate) -> dict:
    doc = _exp(_points(20)).to_dict()
    mutate(doc["data"]["points"])
    return doc


def _set(key, value):
    return lambda p: p.__setitem__(key, value)


def _cell(i, j, value):
    return lambda p: p["x"][i].__setitem__(j, value)


def _label(i, value):
    return lambda p: p["y"].__setitem__(i, value)


MALFORMED = [
    ("x not a list", _set("x", {"a": 1}), "data.points.x", "list of rows"),
    ("row not a list", _set("x", [[0, 0]] * 2 + [3.0] + [[1, 1]] * 17), "data.points.x[2]", "row"),
    ("row too short", lambda p: p["x"].__setitem__(3, [1.0]), "data.points.x[3]", "expected 2 numbers"),
    ("text cell", _cell(1, 0, "0.5"), "data.points.x[1][0]", "text"),
    ("true as a number", _cell(4, 1, True), "data.points.x[4][1]", "true/false"),
    ("null cell", _cell(5, 0, None), "data.points.x[5][0]", "null"),
    ("huge whole number", _cell(6, 1, 10 ** 400), "data.points.x[6][1]", "too large"),
    ("too few rows", _set("x", [[0.0, 0.0]] * 3), "data.points.x", "expected 4 to 100,000 rows"),
    ("too many features", _set("x", [[0.0] * 65] * 20), "data.points.x", "1 to 64"),
    ("y too short", lambda p: p["y"].pop(), "data.points.y", "expected 20 numbers"),
    ("class id out of range", _label(12, 2), "data.points.y[12]", "not a class id; expected 0 to 1"),
    ("negative class id", _label(1, -1), "data.points.y[1]", "not a class id"),
    ("fractional class id", _label(5, 0.5), "data.points.y[5]", "whole number"),
    ("text label", _label(7, "setosa"), "data.points.y[7]", "text"),
    ("a single class", _set("y", [0] * 20), "data.points.y", "class 1 (1) has no points"),
    ("unknown task", _set("task", "clustering"), "data.points.task", "binary, multiclass, regression"),
    ("missing y", lambda p: p.pop("y"), "data.points.y", "missing"),
    ("unknown key", _set("colour", "red"), "data.points.colour", "unknown key"),
    ("three names for binary", _set("class_names", ["a", "b", "c"]), "data.points.class_names", "exactly 2"),
    ("repeated class name", _set("class_names", ["a", "a"]), "data.points.class_names", "appears twice"),
    ("empty class name", _set("class_names", ["a", " "]), "data.points.class_names[1]", "1 to 60 characters"),
    ("wrong number of feature names", _set("feature_names", ["x"]), "data.points.feature_names", "2 feature"),
    ("feature names not a list", _set("feature_names", "x1"), "data.points.feature_names", "list of names"),
    ("regression with classes", lambda p: p.update(task="regression"), "data.points.class_names", "no classes"),
    ("zero std", _set("standardization", {"mean": [0, 0], "std": [1, 0]}), "data.points.standardization.std[1]",
     "not > 0"),
    ("std of the wrong length", _set("standardization", {"mean": [0, 0], "std": [1]}),
     "data.points.standardization.std", "expected 2 numbers"),
    ("source not text", _set("source", 3), "data.points.source", "text"),
]


@pytest.mark.parametrize("label, mutate, field, words", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_points_name_the_field(tmp_path, label, mutate, field, words):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_doc(mutate)), encoding="utf-8")
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert err.value.field == field, str(err.value)
    assert words in err.value.message


def test_infinity_from_json_is_refused_at_its_place(tmp_path):
    text = json.dumps(_doc(_cell(2, 1, 12345.5))).replace("12345.5", "1e999")
    with pytest.raises(ExperimentError) as err:
        Experiment.from_json(text)
    assert err.value.field == "data.points.x[2][1]" and "finite" in err.value.message


def test_points_and_dataset_must_agree():
    with pytest.raises(ExperimentError) as err:
        Experiment(values={"dataset": "custom"})
    assert err.value.field == "data.points" and "missing" in err.value.message
    with pytest.raises(ExperimentError) as err:
        Experiment(values={"dataset": "xor"}, points=_points())
    assert err.value.field == "data.points" and "only used with the dataset custom" in err.value.message
    with pytest.raises(ExperimentError) as err:
        Experiment(kind="surface", values={"dataset": "custom"}, points=_points())
    assert err.value.field == "data.points"
    doc = Experiment().to_dict()
    doc["data"]["points"] = _points().to_dict()
    with pytest.raises(ExperimentError, match="only used with the dataset custom"):
        Experiment.from_dict(doc)


def test_replace_keeps_points_until_the_dataset_changes():
    exp = _exp(_points())
    faster = exp.replace(learning_rate=0.5)
    assert faster.points is exp.points and faster["learning_rate"] == 0.5 and exp["learning_rate"] == 0.1
    other = exp.replace(dataset="moons")
    assert other.points is None and "points" not in other.to_dict()["data"]
    assert other.replace(dataset="custom", points=exp.points) == exp
    drawn = Experiment().with_points(_points(12, "multiclass"))
    assert drawn["dataset"] == "custom" and drawn.points.n_classes == 3 and drawn.kind == "network"
    with pytest.raises(AttributeError):
        exp.points.X = np.zeros((4, 2))
    with pytest.raises(ValueError):
        exp.points.X[0, 0] = 1.0


def test_output_loss_and_consistency_follow_the_custom_task():
    assert _exp(_points()).output_and_loss() == ("sigmoid", "bce")
    assert _exp(_points(task="multiclass")).output_and_loss() == ("softmax", "cross_entropy")
    assert _exp(_points(task="regression")).output_and_loss() == ("linear", "mse")
    two = CustomData(np.eye(4, 2), [0, 1, 0, 1], "multiclass", class_names=["a", "b"])  # softmax over 2 classes
    assert _exp(two).output_and_loss() == ("softmax", "cross_entropy") and two.n_outputs == 2
    with pytest.raises(ExperimentError) as err:
        _exp(_points(task="regression"), loss="bce")
    assert err.value.field == "network.loss" and "custom data is a regression dataset" in err.value.message
    with pytest.raises(ExperimentError) as err:
        _exp(_points(), output_activation="softmax", loss="mse")
    assert err.value.field == "network.output_activation"
    with pytest.raises(ExperimentError) as err:
        _exp(_points(d=1), features=["product"])
    assert err.value.field == "data.features" and "1 input column" in err.value.message


def test_sample_count_and_noise_are_hidden_for_custom_data():
    values = _exp(_points()).values
    assert not is_relevant("n_samples", values) and not is_relevant("noise", values)
    assert is_relevant("test_fraction", values) and is_relevant("n_samples", Experiment().values)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_a_run_on_custom_data_trains_and_its_cost_falls(task):
    pts = _points(60, task, d=2, seed=3)
    exp = _exp(pts, hidden_layers=[6], optimizer="adam", learning_rate=0.05, max_iterations=200,
               test_fraction=0.25, features=["x", "square"])
    run = make_run(exp)
    np.testing.assert_array_equal(run.dataset.X, pts.X)
    assert run.dataset.task == task and run.dataset.feature_names == ("x1", "x2")
    assert len(run.X_train) == 45 and len(run.X_test) == 15 and run.X_train.shape[1] == 4
    assert run.Y_train.shape[1] == (3 if task == "multiclass" else 1)
    run.step(200)
    cost = run.history.copy("train_cost")
    assert run.status == "max_iterations" and cost[-1] < 0.5 * cost[0]
    if task == "multiclass":
        np.testing.assert_array_equal(run.dataset.y.argmax(axis=1), pts.y)
    again = make_run(Experiment.from_json(exp.to_json()))
    again.step(200)
    np.testing.assert_array_equal(again.history.copy("train_cost"), cost)  # the file gives the same run


def test_custom_data_from_a_generated_dataset():
    data = make_dataset("spiral3", 30, 0.1, seed=4)
    pts = CustomData.from_dataset(data)
    assert pts.source == "spiral3" and pts.task == "multiclass" and pts.class_names == ("0", "1", "2")
    back = pts.to_dataset()
    np.testing.assert_array_equal(back.X, data.X)
    np.testing.assert_array_equal(back.y, data.y)
    np.testing.assert_array_equal(back.labels, data.labels)
    moved = pts.replace(X=pts.X + 1.0)
    assert moved.class_names == pts.class_names and np.array_equal(moved.X, pts.X + 1.0)
    assert pts.replace(task="regression").class_names == ()


def test_an_image_shape_is_checked_saved_and_optional():
    from gdlab.core.data.customdata_checks import image_shapes, parse_image_shape

    data = make_dataset("digits", n_samples=60, noise=0.0, seed=0)  # every class among them
    points = CustomData.from_dataset(data)
    assert points.image_shape == (8, 8) and points.to_dataset().image_shape == (8, 8)
    experiment = Experiment(values={"dataset": "custom"}, points=points)
    again = Experiment.from_json(experiment.to_json())
    assert again == experiment and again.points.image_shape == (8, 8)
    doc = json.loads(experiment.to_json())
    assert doc["data"]["points"]["image_shape"] == [8, 8]
    del doc["data"]["points"]["image_shape"]  # a file from before image shapes: loads as rows of features
    assert Experiment.from_dict(doc).points == points.replace(image_shape=None)
    assert "image_shape" not in points.replace(image_shape=None).to_dict()
    for bad, words in (([8, 9], "an image of 8×9 has 72 pixels, and the data has 64"), ([8, "8"], "two whole numbers"),
                       ([0, 64], "rows and columns must be 1 to 64"), ("8x8", "two whole numbers"),
                       ([8, 8, 1], "two whole numbers"), ([True, 64], "two whole numbers")):
        doc["data"]["points"]["image_shape"] = bad
        with pytest.raises(ExperimentError) as info:
            Experiment.from_dict(doc)
        assert info.value.field == "data.points.image_shape" and words in info.value.message, (bad, info.value)
    assert parse_image_shape(" 8x8 ") == parse_image_shape("8×8") == (8, 8)
    with pytest.raises(ExperimentError, match="--image-shape: expected ROWSxCOLUMNS, e.g. 8x8, got '8 by 8'"):
        parse_image_shape("8 by 8", "--image-shape")
    assert image_shapes(64)[:3] == [(8, 8), (4, 16), (16, 4)] and image_shapes(7) == [] and image_shapes(2) == []
