"""Toy datasets: determinism, shapes, targets vs labels, clean geometry, noise, split, errors."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdlab.core.data.datasets import DATASET_INFO, DATASET_NAMES, Dataset, default_output, make_dataset, split

CLASSIFICATION = ("xor", "circles", "moons", "gaussians", "spiral", "spiral3", "sin_boundary", "cubic_boundary",
                  "abs_boundary")
REGRESSION = ("linear", "sine")
TASK = {"xor": "binary", "circles": "binary", "moons": "binary", "gaussians": "binary",
        "spiral": "binary", "spiral3": "multiclass", "linear": "regression", "sine": "regression",
        "sin_boundary": "binary", "cubic_boundary": "binary", "abs_boundary": "binary",
        "digits": "multiclass", "iris": "multiclass"}
GENERATED = tuple(name for name in DATASET_NAMES if name not in ("digits", "iris"))  # real: test_real_data.py


def _rows(X: np.ndarray) -> set[tuple[float, ...]]:
    return {tuple(r) for r in X.tolist()}


def test_names_and_info():
    assert set(DATASET_NAMES) == set(TASK)
    assert tuple(DATASET_INFO) == DATASET_NAMES
    for text in DATASET_INFO.values():
        assert isinstance(text, str) and text.strip() and "\n" not in text


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_same_seed_same_data_other_seed_other_data(name):
    a, b = make_dataset(name, 50, 0.1, seed=3), make_dataset(name, 50, 0.1, seed=3)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    c = make_dataset(name, 50, 0.1, seed=4)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", GENERATED)
@pytest.mark.parametrize("n", [4, 5, 7, 200])
def test_shapes_dtypes_and_fields(name, n):
    d = make_dataset(name, n_samples=n, noise=0.2, seed=1)
    assert isinstance(d, Dataset) and d.name == name and d.task == TASK[name]
    assert d.X.dtype == np.float64 and d.y.dtype == np.float64
    assert d.n_samples == n == len(d.X) == len(d.y)
    assert np.isfinite(d.X).all() and np.isfinite(d.y).all()
    if d.task == "regression":
        assert d.X.shape == (n, 1) and d.y.shape == (n, 1) and d.n_outputs == 1
        assert d.labels is None and d.n_classes == 0 and d.feature_names == ("x",)
    else:
        assert d.X.shape == (n, 2) and d.n_features == 2 and d.feature_names == ("x1", "x2")
        assert d.labels.shape == (n,) and np.issubdtype(d.labels.dtype, np.integer)
        C = 3 if name == "spiral3" else 2
        assert d.n_classes == C
        assert d.n_outputs == (1 if C == 2 else C) == d.y.shape[1]


@pytest.mark.parametrize("name", CLASSIFICATION)
@pytest.mark.parametrize("n", [4, 7, 301])
def test_targets_agree_with_labels_and_classes_are_balanced(name, n):
    d = make_dataset(name, n, 0.1, seed=2)
    counts = np.bincount(d.labels, minlength=d.n_classes)
    assert len(counts) == d.n_classes and counts.sum() == n
    assert counts.max() - counts.min() <= 1
    if d.task == "binary":
        np.testing.assert_array_equal(d.y[:, 0], d.labels)
    else:
        assert set(np.unique(d.y).tolist()) <= {0.0, 1.0}
        np.testing.assert_array_equal(d.y.sum(axis=1), np.ones(n))
        np.testing.assert_array_equal(d.y.argmax(axis=1), d.labels)


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classes_are_interleaved_not_in_blocks(name):
    labels = make_dataset(name, 200, 0.1, seed=0).labels
    assert np.count_nonzero(np.diff(labels)) > 20


def test_default_output():
    assert default_output("binary") == ("sigmoid", "bce")
    assert default_output("multiclass") == ("softmax", "cross_entropy")
    assert default_output("regression") == ("linear", "mse")
    with pytest.raises(ValueError, match="regression"):
        default_output("clustering")


# -- clean geometry (noise = 0) ----------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n in GENERATED if n != "gaussians"])
def test_clean_inputs_lie_in_the_unit_box(name):
    d = make_dataset(name, 500, 0.0, seed=5)
    assert np.abs(d.X).max() <= 1.0


def test_gaussian_inputs_stay_near_the_unit_box():
    d = make_dataset("gaussians", 500, 0.0, seed=5)
    assert np.abs(d.X).max() < 0.5 + 5 * 0.3  # centre ± 5 std


def test_clean_xor_follows_the_quadrant_rule():
    d = make_dataset("xor", 1000, 0.0, seed=1)
    x1, x2 = d.X.T
    np.testing.assert_array_equal(d.labels, (x1 * x2 > 0).astype(int))
    assert np.all(x1 != 0) and np.all(x2 != 0)
    # every quadrant is used
    quadrants = {(a, b) for a, b in zip(np.sign(x1).tolist(), np.sign(x2).tolist())}
    assert quadrants == {(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)}


def test_clean_circles_inner_disc_inside_outer_ring():
    d = make_dataset("circles", 1000, 0.0, seed=1)
    r = np.hypot(d.X[:, 0], d.X[:, 1])
    inner, outer = r[d.labels == 1], r[d.labels == 0]
    assert inner.max() < outer.min()
    assert inner.max() <= 0.5 and outer.min() >= 0.7 and outer.max() <= 1.0
    # filled disc, not a circle: some points near the centre
    assert inner.min() < 0.1


def test_clean_moons_lie_on_their_half_circles():
    d = make_dataset("moons", 400, 0.0, seed=1)
    raw = d.X * 1.5 + (0.5, 0.25)  # undo the scaling to sklearn's layout
    up, low = raw[d.labels == 0], raw[d.labels == 1]
    np.testing.assert_allclose(np.hypot(up[:, 0], up[:, 1]), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.hypot(low[:, 0] - 1.0, low[:, 1] - 0.5), 1.0, atol=1e-12)
    assert up[:, 1].min() >= -1e-12 and low[:, 1].max() <= 0.5 + 1e-12


def test_gaussian_blobs_are_centred_on_the_diagonal():
    d = make_dataset("gaussians", 4000, 0.0, seed=1)
    np.testing.assert_allclose(d.X[d.labels == 0].mean(axis=0), [-0.5, -0.5], atol=0.03)
    np.testing.assert_allclose(d.X[d.labels == 1].mean(axis=0), [0.5, 0.5], atol=0.03)
    np.testing.assert_allclose(d.X[d.labels == 1].std(axis=0), [0.3, 0.3], atol=0.03)


@pytest.mark.parametrize("name, arms, turns", [("spiral", 2, 1.75), ("spiral3", 3, 1.25)])
def test_clean_spiral_points_lie_on_their_arm(name, arms, turns):
    d = make_dataset(name, 300, 0.0, seed=1)
    r = np.hypot(d.X[:, 0], d.X[:, 1])
    angle = np.arctan2(d.X[:, 1], d.X[:, 0])
    expected = 2 * np.pi * turns * r + 2 * np.pi * d.labels / arms
    off = np.angle(np.exp(1j * (angle - expected)))  # wrapped to (−π, π]
    np.testing.assert_allclose(off, 0.0, atol=1e-9)
    assert r.max() == pytest.approx(1.0)


@pytest.mark.parametrize("name, f", [("linear", lambda x: 0.8 * x + 0.2), ("sine", lambda x: np.sin(np.pi * x))])
def test_clean_regression_is_the_curve(name, f):
    d = make_dataset(name, 300, 0.0, seed=1)
    np.testing.assert_allclose(d.y[:, 0], f(d.X[:, 0]), rtol=0, atol=1e-15)
    assert d.X.min() < -0.9 and d.X.max() > 0.9


# -- noise ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", CLASSIFICATION)
def test_noise_jitters_positions_with_that_std_and_keeps_labels(name):
    clean, noisy = make_dataset(name, 5000, 0.0, seed=7), make_dataset(name, 5000, 0.25, seed=7)
    np.testing.assert_array_equal(clean.labels, noisy.labels)
    jitter = noisy.X - clean.X
    np.testing.assert_allclose(jitter.std(axis=0), [0.25, 0.25], rtol=0.05)
    np.testing.assert_allclose(jitter.mean(axis=0), [0.0, 0.0], atol=0.02)


@pytest.mark.parametrize("name", REGRESSION)
def test_noise_is_added_to_the_targets_only(name):
    clean, noisy = make_dataset(name, 5000, 0.0, seed=7), make_dataset(name, 5000, 0.3, seed=7)
    np.testing.assert_array_equal(clean.X, noisy.X)
    residual = noisy.y - clean.y
    assert residual.std() == pytest.approx(0.3, rel=0.05)
    assert abs(residual.mean()) < 0.02


def test_arrays_are_read_only():
    d = make_dataset("xor", 10)
    for array in (d.X, d.y, d.labels):
        with pytest.raises(ValueError):
            array[0] = 1.0
    with pytest.raises(AttributeError):
        d.name = "other"  # type: ignore[misc]


# -- split ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", DATASET_NAMES)
@pytest.mark.parametrize("f", [0.2, 0.5, 0.9])
def test_split_sizes_and_partition(name, f):
    d = make_dataset(name, 101, 0.1, seed=3)
    train, test = split(d, test_fraction=f, seed=1)
    assert test.n_samples == round(f * 101) and train.n_samples + test.n_samples == 101
    assert _rows(np.hstack([train.X, train.y])) | _rows(np.hstack([test.X, test.y])) == _rows(np.hstack([d.X, d.y]))
    assert not _rows(train.X) & _rows(test.X)
    for part in (train, test):
        assert (part.name, part.task, part.n_classes, part.feature_names) == (d.name, d.task, d.n_classes,
                                                                              d.feature_names)
        if d.labels is not None:
            if d.task == "binary":
                np.testing.assert_array_equal(part.y[:, 0], part.labels)
            else:
                np.testing.assert_array_equal(part.y.argmax(axis=1), part.labels)


def test_split_is_seeded_and_shuffles():
    d = make_dataset("sine", 100, 0.1, seed=0)
    a, b, c = split(d, 0.3, seed=5), split(d, 0.3, seed=5), split(d, 0.3, seed=6)
    np.testing.assert_array_equal(a[1].X, b[1].X)
    assert not np.array_equal(a[1].X, c[1].X)
    # not simply the last rows
    assert not np.array_equal(a[1].X, d.X[-30:])


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_empty_test_split_keeps_the_shapes(name):
    d = make_dataset(name, 20, 0.1)
    train, test = split(d, test_fraction=0.0)
    assert train.n_samples == 20
    assert test.X.shape == (0, d.n_features) and test.y.shape == (0, d.n_outputs)
    assert test.X.dtype == np.float64 and test.y.dtype == np.float64
    assert (test.labels is None) == (d.labels is None)
    if test.labels is not None:
        assert test.labels.shape == (0,)


def test_stratified_split_shares_each_class():
    d = make_dataset("spiral3", 300, 0.1, seed=0)  # 100 per class
    train, test = split(d, 0.3, seed=0)
    np.testing.assert_array_equal(np.bincount(test.labels), [30, 30, 30])
    np.testing.assert_array_equal(np.bincount(train.labels), [70, 70, 70])


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(CLASSIFICATION), n=st.integers(4, 60), f=st.floats(0.0, 0.95),
       seed=st.integers(0, 2**31 - 1))
def test_stratified_split_keeps_every_class_in_training(name, n, f, seed):
    d = make_dataset(name, n, 0.1, seed=seed % 1000)
    train, test = split(d, f, seed=seed)
    counts = np.bincount(d.labels, minlength=d.n_classes)
    train_counts = np.bincount(train.labels, minlength=d.n_classes)
    test_counts = np.bincount(test.labels, minlength=d.n_classes)
    assert np.all(train_counts >= 1)
    np.testing.assert_array_equal(train_counts + test_counts, counts)
    assert test.n_samples == min(round(f * n), n - d.n_classes)
    # each class gives its share, up to rounding (unless capped to keep one point in training)
    capped = test_counts == counts - 1
    assert np.all((np.abs(test_counts - f * counts) < 1 + 1e-9) | capped)


# -- errors --------------------------------------------------------------------------------------
def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError) as err:
        make_dataset("mnist")
    for name in DATASET_NAMES:
        assert name in str(err.value)


@pytest.mark.parametrize("n", [3, 0, -5, 100_001, 2.5, 10.0, True, "20", None])
def test_bad_sample_counts(n):
    with pytest.raises(ValueError, match="n_samples"):
        make_dataset("xor", n_samples=n)


def test_sample_count_limits_are_inclusive():
    assert make_dataset("spiral3", 4).n_samples == 4
    assert make_dataset("linear", 100_000, seed=1).n_samples == 100_000
    assert make_dataset("xor", np.int64(6)).n_samples == 6


@pytest.mark.parametrize("noise", [-0.1, math.nan, math.inf, "0.1", None])
def test_bad_noise(noise):
    with pytest.raises(ValueError, match="noise"):
        make_dataset("circles", noise=noise)


@pytest.mark.parametrize("f", [-0.1, 1.0, 1.5, math.nan, "0.2"])
def test_bad_test_fraction(f):
    with pytest.raises(ValueError, match="test_fraction"):
        split(make_dataset("xor", 10), test_fraction=f)


def test_inconsistent_dataset_is_rejected():
    X, y = np.zeros((4, 2)), np.zeros((4, 1))
    with pytest.raises(ValueError):
        Dataset("x", X, np.zeros((3, 1)), np.zeros(4, int), "binary", 2, ("x1", "x2"))
    with pytest.raises(ValueError):
        Dataset("x", X, y, None, "binary", 2, ("x1", "x2"))
    with pytest.raises(ValueError):
        Dataset("x", X, y, np.zeros(4, int), "ranking", 2, ("x1", "x2"))
    with pytest.raises(ValueError):
        Dataset("x", X, y, np.zeros(4, int), "binary", 2, ("x1",))
