"""The metrics view: accuracy/R² curves and the confusion matrix, fed numbers, checked as drawn."""
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gdlab.core.files.experiment import Experiment
from gdlab.core.run.training import NetworkRun, train
from gdlab.gui.palette import DARK
from gdlab.gui.plots.metrics_view import MetricsView, format_metric, metric_status


@pytest.fixture
def view(qtbot):
    v = MetricsView()
    qtbot.addWidget(v)
    v.resize(900, 360)
    v.show()
    qtbot.waitExposed(v)
    return v


def curve_xy(curve):
    x, y = curve.getData()
    return np.asarray(x), np.asarray(y)


def test_the_curves_hold_the_numbers_fed(view):
    view.configure("accuracy", 2, ["blue", "orange"])
    view.append(np.arange(4), [0.5, 0.6, 0.75, 0.9], [0.4, 0.5, 0.7, 0.8])
    view.append(np.arange(4, 6), [0.95, 1.0], [0.85, 0.9])
    view.refresh()
    x, y = curve_xy(view.plot.curves[0])
    np.testing.assert_array_equal(x, np.arange(6))
    np.testing.assert_array_equal(y, [0.5, 0.6, 0.75, 0.9, 0.95, 1.0])
    np.testing.assert_array_equal(curve_xy(view.plot.curves[1])[1], [0.4, 0.5, 0.7, 0.8, 0.85, 0.9])
    assert "Accuracy" in view.plot.plot_item.titleLabel.text
    assert view.plot.plot_item.getAxis("left").labelText.startswith("accuracy")
    (x0, x1), (y0, y1) = view.plot.plot_item.vb.viewRange()
    assert y0 <= 0.0 and y1 >= 1.0 and x1 >= 5   # the whole 0 … 1 range and every iteration in view


def test_no_test_set_draws_no_test_curve_and_regression_hides_the_matrix(view):
    view.configure("R²", 0, [])
    assert not view.confusion_panel.isVisibleTo(view)
    view.append(np.arange(3), [-3.0, 0.2, 0.9], [math.nan] * 3)
    view.refresh()
    assert len(curve_xy(view.plot.curves[1])[0]) == 0
    np.testing.assert_array_equal(curve_xy(view.plot.curves[0])[1], [-3.0, 0.2, 0.9])
    assert "R²" in view.plot.plot_item.titleLabel.text
    (_, _), (y0, y1) = view.plot.plot_item.vb.viewRange()
    assert -1.2 < y0 <= -1.0 and y1 >= 1.0            # R² far below −1 runs off the plot, not the axis


def test_mini_batches_get_an_epoch_axis(view):
    view.configure("accuracy", 2, epochs_per_iteration=0.25)
    top = view.plot.plot_item.getAxis("top")
    assert top.isVisible() and top.scale == 0.25 and "epoch" in top.labelText
    view.apply_theme(DARK)
    assert top.grid is False                       # the iterations' grid only, not a second one
    view.configure("accuracy", 2, epochs_per_iteration=1.0)
    assert not view.plot.plot_item.getAxis("top").isVisible()
    assert "= epoch (full batch)" in view.plot.plot_item.getAxis("bottom").labelText


def test_the_confusion_cells_show_the_counts_with_a_train_test_toggle(view, qtbot):
    view.configure("accuracy", 3, ["a", "b", "c"])
    train = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]])
    test = np.array([[1, 0, 0], [0, 2, 1], [1, 0, 3]])
    view.set_confusion(train, test)
    view.refresh()
    assert view.cell_texts() == [["5", "1", "0"], ["2", "7", "1"], ["0", "0", "9"]]
    assert "training set: 21 of 25 right" in view.confusion_plot.plot_item.titleLabel.text
    image = view.confusion_plot.image.image
    np.testing.assert_allclose(image[1], [2 / 10, 7 / 10, 1 / 10])   # colour: share of the true class
    ticks = view.confusion_plot.plot_item.getAxis("bottom")._tickLevels[0]
    assert [name for _, name in ticks] == ["a", "b", "c"]
    qtbot.mouseClick(view.test_button, Qt.MouseButton.LeftButton)
    assert view.part == "test"
    assert view.cell_texts() == [["1", "0", "0"], ["0", "2", "1"], ["1", "0", "3"]]
    assert "test set: 6 of 8 right" in view.confusion_plot.plot_item.titleLabel.text
    view.set_part("train")
    assert view.cell_texts()[0] == ["5", "1", "0"]
    with pytest.raises(ValueError, match="3×3"):
        view.confusion_plot.show_matrix(np.zeros((2, 2)), "train")


def test_fed_from_a_real_run_it_draws_the_runs_numbers(view):
    run = NetworkRun(Experiment(values={"dataset": "xor", "n_samples": 60, "hidden_layers": [4],
                                        "max_iterations": 30, "learning_rate": 0.5, "batch_size": 12}))
    for snap in train(run, chunk=4):
        if snap.start == 0:       # what the window does with a fresh run's first snapshot
            view.configure(snap.metric_name, len(snap.class_names), snap.class_names, snap.epochs_per_iteration)
        view.append(snap.iterations, snap.train_metric, snap.test_metric)
        view.set_confusion(snap.confusion["train"], snap.confusion["test"])
    view.refresh()
    np.testing.assert_array_equal(curve_xy(view.plot.curves[0])[1], run.history.view("train_metric"))
    np.testing.assert_array_equal(curve_xy(view.plot.curves[1])[1], run.history.view("test_metric"))
    C = run.confusion()["train"]
    assert view.cell_texts() == [[str(v) for v in row] for row in C]


def test_readout_theme_and_status_text(view):
    view.configure("accuracy", 2)
    view.append(np.arange(3), [0.5, 0.75, 0.875], [0.5, 0.5, 0.625])
    view.refresh()
    assert view.plot._describe(2, 0.5) == "iteration 2:  train accuracy 87.5%   test accuracy 62.5%"
    view.apply_theme(DARK)
    view.set_confusion(np.array([[3, 1], [0, 4]]), None)
    view.refresh()
    assert view.cell_texts() == [["3", "1"], ["0", "4"]]
    assert format_metric("accuracy", 0.975) == "97.5%" and format_metric("R²", 0.97312) == "0.973"
    assert metric_status("accuracy", 0.975, 0.95) == "accuracy 97.5% (test 95.0%)"
    assert metric_status("R²", 0.5, math.nan) == "R² 0.500"
    for button in (view.train_button, view.test_button):
        assert button.toolTip()
