"""The real datasets (digits, iris), the principal components and the pictures the views draw of
inputs beyond 2-D. Cheap: no test trains to convergence (a few iterations, small subsets)."""
from __future__ import annotations

import gzip

import numpy as np
import pytest

from gdlab.core.data import real_data
from gdlab.core.data.datasets import MULTICLASS, make_dataset, split
from gdlab.core.data.projection import principal_components
from gdlab.core.files.experiment import Experiment
from gdlab.core.files.presets import load_preset
from gdlab.core.nn.metrics import predicted_classes
from gdlab.core.run.data_pictures import GALLERY_SIZE
from gdlab.core.run.network_run import NetworkRun


def test_digits_loader_counts_shapes_and_classes():
    data = make_dataset("digits", n_samples=100_000, seed=0)
    assert (data.n_samples, data.n_features, data.n_classes, data.task) == (1797, 64, 10, MULTICLASS)
    assert data.image_shape == (8, 8) and data.class_names == tuple("0123456789")
    assert np.array_equal(np.bincount(data.labels), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    assert data.X.min() == 0.0 and data.X.max() == 1.0
    assert np.array_equal(data.X * 16, np.round(data.X * 16)), "pixels are counts 0 … 16, divided by 16"
    assert np.array_equal(data.y.argmax(axis=1), data.labels)


def test_iris_loader_counts_shapes_and_classes():
    data = make_dataset("iris", n_samples=150, seed=0)
    assert (data.n_samples, data.n_features, data.n_classes) == (150, 4, 3)
    assert data.class_names == ("setosa", "versicolor", "virginica") and data.image_shape is None
    assert np.array_equal(np.bincount(data.labels), [50, 50, 50])
    np.testing.assert_allclose(data.X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(data.X.std(axis=0), 1.0)


def test_a_real_dataset_takes_n_samples_of_its_rows_in_a_seeded_shuffle_and_splits_stratified():
    a, b = make_dataset("digits", 300, noise=0.5, seed=4), make_dataset("digits", 300, noise=0.0, seed=4)
    assert a.n_samples == 300 and np.array_equal(a.X, b.X), "noise does not apply to real data"
    assert not np.array_equal(a.X, make_dataset("digits", 300, seed=5).X)
    train, test = split(make_dataset("iris", 150), test_fraction=0.2, seed=0)
    assert (train.n_samples, test.n_samples) == (120, 30) and np.array_equal(np.bincount(test.labels), [10, 10, 10])
    assert test.class_names == ("setosa", "versicolor", "virginica")


def test_a_damaged_or_inflating_data_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(real_data, "data_dir", lambda: tmp_path)
    (tmp_path / "digits.csv.gz").write_bytes(gzip.compress(b"0," * (real_data.MAX_INFLATED_BYTES // 2 + 10)))
    with pytest.raises(real_data.RealDataError, match="inflates"):
        real_data._read_text("digits.csv.gz")
    (tmp_path / "iris.csv").write_text("150,4,setosa,versicolor,virginica\n1,2,3,x,0\n")
    with pytest.raises(real_data.RealDataError, match="iris.csv"):
        real_data._iris.__wrapped__()


def test_the_projection_is_numpys_svd_of_the_centred_points():
    X = make_dataset("iris", 150).X
    p = principal_components(X, 2)
    Xc = X - X.mean(axis=0)
    _, s, vt = np.linalg.svd(Xc, full_matrices=False)
    for k in range(2):
        assert abs(abs(p.axes[k] @ vt[k]) - 1.0) < 1e-12, "the same axis, up to its sign"
        assert p.axes[k][np.abs(p.axes[k]).argmax()] > 0
    np.testing.assert_allclose(np.abs(p.apply(X)), np.abs(Xc @ vt[:2].T), atol=1e-12)
    np.testing.assert_allclose(p.explained, s[:2] ** 2 / np.sum(s ** 2))


def _digits_run(n: int = 200, iterations: int = 5) -> NetworkRun:
    experiment = load_preset("digits").replace(n_samples=n, max_iterations=iterations)
    run = NetworkRun(experiment)
    run.step(iterations)
    return run


def test_the_gallerys_predicted_labels_are_the_runs_predictions():
    run = _digits_run()
    gallery = run.view_data()["gallery"]
    m = min(GALLERY_SIZE, run.test_set.n_samples)
    assert gallery["images"].shape == (m, 8, 8) and gallery["part"] == "test"
    assert np.array_equal(gallery["images"].reshape(m, 64), run.test_set.X[:m])
    assert np.array_equal(gallery["true"], run.test_set.labels[:m])
    assert np.array_equal(gallery["predicted"], run.predict(run.test_set.X[:m]).argmax(axis=1))
    assert np.array_equal(gallery["wrong"], gallery["predicted"] != gallery["true"])
    assert "map" not in run.view_data(), "no decision map for 64 inputs"


def test_the_first_layer_images_are_the_weights():
    run = _digits_run()
    images = run.weight_images()
    W = run.model.weights[0]
    assert images.shape == (W.shape[1], 8, 8)
    for j in range(W.shape[1]):
        assert np.array_equal(images[j].ravel(), W[:, j])
    assert NetworkRun(load_preset("iris")).weight_images() is None


def test_tabular_data_beyond_two_features_is_projected_with_its_predictions():
    run = NetworkRun(load_preset("iris"))
    run.step(3)
    view = run.view_data()
    p = view["projection"]
    assert "map" not in view and p["train"].shape == (120, 2) and p["test"].shape == (30, 2)
    assert np.array_equal(p["predicted"]["test"], predicted_classes(run.predict(run.test_set.X), MULTICLASS))
    assert np.array_equal(p["true"]["train"], run.train_set.labels)
    assert run.class_names == ["setosa", "versicolor", "virginica"]


@pytest.mark.parametrize("features", [["x"], ["x", "square", "sin"]])
def test_a_small_real_run_ends_with_finite_costs(features):
    experiment = Experiment(values={"dataset": "digits", "n_samples": 60, "features": features,
                                    "hidden_layers": [4], "max_iterations": 3, "batch_size": 16})
    run = NetworkRun(experiment)
    run.step(3)
    assert run.iteration == 3 and np.isfinite(run.history.column("train_cost")[:4]).all()
    assert run.weight_images().shape == (4, 8, 8)
