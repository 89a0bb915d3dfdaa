"""Accuracy, confusion matrix and R²: by hand on small cases, and as a run records them."""
import math

import numpy as np
import pytest

from gdlab.cli import history_csv
from gdlab.core.files.experiment import Experiment
from gdlab.core.nn.metrics import Scorer, accuracy, confusion_matrix, metric_name, predicted_classes, r_squared
from gdlab.core.run.training import NetworkRun, train

# -- by hand ----------------------------------------------------------------------------------------
# binary: ŷ = 0.9 0.4 0.6 0.2 0.5 → ĉ = 1 0 1 0 0 (0.5 is not > 0.5: class 0)
#         c = 1 1 0 0 0          → right: yes no no yes yes → 3/5
#         true 0 (samples 3, 4, 5): predicted 1, 0, 0 → C[0] = [2, 1];  true 1 (samples 1, 2): 1, 0 → C[1] = [1, 1]
BIN_YHAT = np.array([[0.9], [0.4], [0.6], [0.2], [0.5]])
BIN_Y = np.array([[1.0], [1.0], [0.0], [0.0], [0.0]])

# multiclass: argmax of each row → 0, 2, 1, 0 (tie 0.4/0.4: the lower class), 2, 1
#             true classes         0, 1, 1, 0, 2, 2 → right: yes no yes yes yes no → 4/6
#             true 0: predicted 0, 0 → [2, 0, 0];  true 1: 2, 1 → [0, 1, 1];  true 2: 2, 1 → [0, 1, 1]
MC_YHAT = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3],
                    [0.4, 0.4, 0.2], [0.1, 0.1, 0.8], [0.3, 0.6, 0.1]])
MC_LABELS = np.array([0, 1, 1, 0, 2, 2])


def test_binary_accuracy_and_confusion_by_hand():
    assert accuracy(BIN_YHAT, BIN_Y, "binary") == 3 / 5
    np.testing.assert_array_equal(confusion_matrix(BIN_YHAT, BIN_Y, "binary", 2), [[2, 1], [1, 1]])
    assert confusion_matrix(BIN_YHAT, BIN_Y, "binary", 2).dtype == np.int64
    np.testing.assert_array_equal(predicted_classes(BIN_YHAT, "binary"), [1, 0, 1, 0, 0])


def test_multiclass_accuracy_and_confusion_by_hand():
    onehot = np.eye(3)[MC_LABELS]
    assert accuracy(MC_YHAT, onehot, "multiclass") == pytest.approx(4 / 6, abs=0)
    assert accuracy(MC_YHAT, MC_LABELS, "multiclass") == 4 / 6   # class ids work as targets too
    C = confusion_matrix(MC_YHAT, onehot, "multiclass", 3)
    np.testing.assert_array_equal(C, [[2, 0, 0], [0, 1, 1], [0, 1, 1]])
    assert np.trace(C) / C.sum() == accuracy(MC_YHAT, onehot, "multiclass")
    np.testing.assert_array_equal(C.sum(axis=1), np.bincount(MC_LABELS))   # each row: that class's count


def test_r_squared_by_hand_and_when_the_targets_do_not_vary():
    # y = 1 2 3 4, ŷ = 1.5 2 2.5 4: SS_res = 0.25 + 0 + 0.25 + 0 = 0.5; ȳ = 2.5, SS_tot = 2.25+0.25+0.25+2.25 = 5
    assert r_squared([[1.5], [2.0], [2.5], [4.0]], [[1.0], [2.0], [3.0], [4.0]]) == pytest.approx(1 - 0.5 / 5)
    assert r_squared([2.5, 2.5, 2.5, 2.5], [1.0, 2.0, 3.0, 4.0]) == 0.0    # the mean itself: R² = 0
    assert r_squared([4.0, 3.0, 2.0, 1.0], [1.0, 2.0, 3.0, 4.0]) == pytest.approx(1 - 20 / 5)  # worse: < 0
    assert r_squared([2.0, 2.0], [2.0, 2.0]) == 1.0      # SS_tot = 0, perfect fit
    assert r_squared([2.0, 3.0], [2.0, 2.0]) == 0.0      # SS_tot = 0, not perfect
    assert math.isnan(r_squared(np.empty((0, 1)), np.empty((0, 1))))


def test_empty_sets_and_bad_input():
    assert math.isnan(accuracy(np.empty((0, 1)), np.empty((0, 1)), "binary"))
    np.testing.assert_array_equal(confusion_matrix(np.empty((0, 1)), np.empty((0, 1)), "binary", 2), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="outputs but"):
        accuracy(BIN_YHAT, BIN_Y[:3], "binary")
    with pytest.raises(ValueError, match="no confusion"):
        confusion_matrix(BIN_YHAT, BIN_Y, "regression", 2)
    with pytest.raises(ValueError, match="task"):
        accuracy(BIN_YHAT, BIN_Y, "clustering")
    assert metric_name("binary") == metric_name("multiclass") == "accuracy" and metric_name("regression") == "R²"


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_the_fast_scorer_gives_the_same_numbers(task):
    rng = np.random.default_rng(3)
    n = 57
    if task == "binary":
        y, outs = (rng.random((n, 1)) < 0.5).astype(float), [rng.random((n, 1)) for _ in range(3)]
    elif task == "multiclass":
        y, outs = np.eye(4)[rng.integers(0, 4, n)], [rng.random((n, 4)) for _ in range(3)]
    else:
        y, outs = rng.normal(size=(n, 1)), [rng.normal(size=(n, 1)) for _ in range(3)]
    scorer = Scorer(y, task)
    if task != "regression":
        np.testing.assert_array_equal(scorer.confusion(y.shape[1] if task == "multiclass" else 2), 0)  # nothing scored
    for out in outs:
        expected = r_squared(out, y) if task == "regression" else accuracy(out, y, task)
        layout = np.ascontiguousarray(out.T).T          # the network's (outputs, samples) buffer layout
        assert scorer(layout) == pytest.approx(expected, rel=1e-12)
        assert scorer(out) == pytest.approx(expected, rel=1e-12)
        if task != "regression":
            C = y.shape[1] if task == "multiclass" else 2
            np.testing.assert_array_equal(scorer.confusion(C), confusion_matrix(out, y, task, C))


# -- in a run -----------------------------------------------------------------------------------------
def net(**values):
    base = {"dataset": "xor", "n_samples": 60, "hidden_layers": [4], "max_iterations": 200, "learning_rate": 0.5}
    base.update(values)
    return NetworkRun(Experiment(kind="network", values=base))


def _metric_now(run, X, Y):
    out = run.model.copy().forward(X)
    return r_squared(out, Y) if run.task == "regression" else accuracy(out, Y, run.task)


@pytest.mark.parametrize("values", [{}, {"batch_size": 7}, {"dataset": "spiral3", "hidden_layers": [8]},
                                    {"dataset": "sine", "hidden_layers": [6], "learning_rate": 0.2},
                                    {"dataset": "sine", "batch_size": 5, "learning_rate": 0.05}])
def test_every_row_holds_the_metric_of_that_iterations_weights(values):
    run = net(**values)
    expected_train, expected_test = [], []
    for _ in range(25):
        expected_train.append(_metric_now(run, run.X_train, run.Y_train))
        expected_test.append(_metric_now(run, run.X_test, run.Y_test))
        run.step(1)
    got_train, got_test = run.history.view("train_metric")[:25], run.history.view("test_metric")[:25]
    np.testing.assert_allclose(got_train, expected_train, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got_test, expected_test, rtol=1e-12, atol=1e-15)
    assert run.metric_name == ("R²" if values.get("dataset") == "sine" else "accuracy")
    if run.task != "regression":
        assert len(set(got_train)) > 1      # it moves as the network learns


def test_the_confusion_matrix_is_for_the_current_weights():
    for values in ({}, {"batch_size": 7}, {"dataset": "spiral3", "hidden_layers": [8]}):
        run = net(**values)
        run.step(30)
        confusion = run.confusion()
        C = run.n_classes
        for part, X, Y in (("train", run.X_train, run.Y_train), ("test", run.X_test, run.Y_test)):
            want = confusion_matrix(run.model.copy().forward(X), Y, run.task, C)
            np.testing.assert_array_equal(confusion[part], want)
            assert confusion[part].sum() == len(X)
            assert np.trace(confusion[part]) / len(X) == run.history.view(f"{part}_metric")[-1]
    assert net(dataset="sine").confusion() == {}


def test_snapshots_carry_the_metric_rows_since_the_last_and_the_confusion():
    run = net(max_iterations=40)
    snaps = list(train(run, chunk=7))
    assert all(s.metric_name == "accuracy" for s in snaps)
    train_metric = np.concatenate([s.train_metric for s in snaps])
    np.testing.assert_array_equal(train_metric, run.history.view("train_metric"))
    np.testing.assert_array_equal(np.concatenate([s.test_metric for s in snaps]), run.history.view("test_metric"))
    assert [len(s.train_metric) for s in snaps] == [len(s.iterations) for s in snaps]
    last = snaps[-1]
    assert set(last.confusion) == {"train", "test"} and last.confusion["train"].shape == (2, 2)
    np.testing.assert_array_equal(last.confusion["train"], run.confusion()["train"])
    last.confusion["train"][0, 0] += 100          # a copy: the run is not changed
    assert run.confusion()["train"][0, 0] != last.confusion["train"][0, 0]
    assert run.class_names == last.class_names == ["0", "1"] and last.epochs_per_iteration == 1.0
    mini = net(batch_size=12, max_iterations=3)      # 48 training points
    assert next(train(mini)).epochs_per_iteration == 0.25
    assert net(dataset="sine").snapshot().class_names == []


def test_an_empty_test_set_gives_nan_and_an_empty_matrix():
    run = net(test_fraction=0.0)
    run.step(3)
    assert np.isnan(run.history.view("test_metric")).all()
    np.testing.assert_array_equal(run.confusion()["test"], np.zeros((2, 2)))


def test_files_get_the_metric_and_the_epoch_next_to_the_iteration():
    run = net(batch_size=16, max_iterations=12)   # 48 training points: an epoch is 3 iterations
    run.step(12)
    cols = run.history_columns()
    assert list(cols) == ["iteration", "train_cost", "test_cost", "train_accuracy", "test_accuracy", "epoch"]
    np.testing.assert_array_equal(cols["epoch"], np.arange(13) * 16 / 48)
    assert cols["epoch"][3] == 1.0 and cols["epoch"][-1] == run.epoch == 4.0
    np.testing.assert_array_equal(cols["train_accuracy"], run.history.view("train_metric"))
    reg = net(dataset="sine", max_iterations=5)
    reg.step(5)
    text = history_csv(reg)
    assert text.splitlines()[0] == "iteration,train_cost,test_cost,train_r2,test_r2,epoch"
    row = text.splitlines()[-2].split(",")
    assert float(row[3]) == reg.history.view("train_metric")[-1] and float(row[5]) == 5.0
