"""File → Import data…: the dialog reads a CSV file, shows it, and gives exactly what the core loads."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QTableWidget

from gdlab.core.files.csvdata import load_csv, write_template
from gdlab.core.files.presets import load_preset
from gdlab.gui.dialogs.import_dialog import ImportDataDialog

IRIS_LIKE = "sepal_length,sepal_width,petal_length,petal_width,species\n" + "".join(
    f"{5 + 0.1 * i:.1f},{3 + 0.05 * (i % 7):.2f},{1 + 0.2 * i:.1f},{0.1 * (i % 5):.1f},"
    f"{('setosa', 'versicolor', 'virginica')[i % 3]}\n" for i in range(30))
NUMERIC = "size,rooms,price\n" + "".join(f"{20 + 3 * i},{1 + i % 4},{1000 + 37.5 * i}\n" for i in range(12))


@pytest.fixture
def csv_file(tmp_path):
    def write(text, name="data.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write


@pytest.fixture
def open_dialog(qtbot):
    def make(path, base=None):
        dialog = ImportDataDialog(path, base=base)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog
    return make


def click_ok(qtbot, dialog):
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_text_labels_become_classes_and_ok_gives_the_points_load_csv_gives(qtbot, csv_file, open_dialog):
    path = csv_file(IRIS_LIKE, "iris.csv")
    base = load_preset("xor")
    dialog = open_dialog(path, base)
    assert dialog.label_combo.currentText() == "species", "the last column is the label by default"
    assert dialog.task_combo.currentData() == "classification"
    assert dialog.task_note.text() == "Multiclass: 3 classes, 3 softmax outputs, cross-entropy."
    assert dialog.summary.text() == "30 rows, 4 features, 3 classes: setosa, versicolor, virginica"
    assert dialog.ok_button.isEnabled() and not dialog.error_label.isVisible()
    preview = dialog.preview
    assert preview.columnCount() == 5 and preview.rowCount() == 8
    assert preview.item(0, 4).text() == "setosa" and preview.verticalHeaderItem(0).text() == "2"
    assert dialog.result_experiment() is None, "nothing before OK"
    click_ok(qtbot, dialog)
    exp = dialog.result_experiment()
    assert exp.points == load_csv(path)
    assert exp["dataset"] == "custom" and exp.points.class_names == ("setosa", "versicolor", "virginica")
    assert exp["learning_rate"] == base["learning_rate"] and exp["hidden_layers"] == base["hidden_layers"]
    assert exp.name == "iris"


def test_choosing_another_label_column_and_standardising(qtbot, csv_file, open_dialog):
    path = csv_file(NUMERIC, "prices.csv")
    dialog = open_dialog(path)
    assert dialog.task_combo.currentData() == "regression", "1,000 + 37.5·i is no class id"
    dialog.label_combo.setCurrentIndex(dialog.label_combo.findText("rooms"))
    assert dialog.task_combo.currentData() == "classification", "four whole numbers are classes"
    assert dialog.summary.text() == "12 rows, 2 features, 4 classes: 1, 2, 3, 4"
    assert "(label)" in dialog.preview.horizontalHeaderItem(1).text()
    qtbot.mouseClick(dialog.standardize, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.standardize.height() // 2))
    assert dialog.standardize.isChecked() and dialog.summary.text().endswith("features standardised")
    click_ok(qtbot, dialog)
    expected = load_csv(path, label="rooms", task="classification", standardize=True)
    got = dialog.result_experiment().points
    assert got == expected and got.feature_names == ("size", "price")
    assert np.allclose(got.X.mean(axis=0), 0) and np.allclose(got.X.std(axis=0), 1)


def test_the_rows_can_be_images_of_a_shape_that_fits_the_features(qtbot, csv_file, open_dialog):
    path = csv_file("".join(f"{i % 3},{i % 5},{i % 2},{(i + 1) % 4},{'ab'[i % 2]}\n" for i in range(12)))
    dialog = open_dialog(path)
    shapes = [dialog.image_shape.itemData(k) for k in range(dialog.image_shape.count())]
    assert shapes == [None, (2, 2)] and dialog.image_shape.toolTip()  # four features: rows, or 2×2 images
    dialog.image_shape.setCurrentIndex(1)
    assert dialog.summary.text().endswith("images of 2×2 pixels")
    click_ok(qtbot, dialog)
    assert dialog.result_experiment().points == load_csv(path, image_shape=(2, 2))


def test_switching_to_regression_where_the_labels_are_numeric(qtbot, csv_file, open_dialog):
    path = csv_file(NUMERIC)
    dialog = open_dialog(path)
    dialog.label_combo.setCurrentIndex(dialog.label_combo.findText("rooms"))
    assert dialog.task_combo.currentData() == "classification"
    dialog.task_combo.setCurrentIndex(dialog.task_combo.findData("regression"))
    assert dialog.ok_button.isEnabled()
    assert dialog.task_note.text() == ("Regression: one linear output, mean squared error. "
                                       "(gdlab inferred multiclass classification (3 or more classes).)")
    assert dialog.summary.text() == '12 rows, 2 features, regression on "rooms"'
    click_ok(qtbot, dialog)
    points = dialog.result_experiment().points
    assert points == load_csv(path, label="rooms", task="regression")
    assert points.task == "regression" and points.y.dtype == np.float64


def test_regression_on_text_labels_names_the_row_and_column_and_disables_ok(csv_file, open_dialog):
    dialog = open_dialog(csv_file(IRIS_LIKE))
    dialog.task_combo.setCurrentIndex(dialog.task_combo.findData("regression"))
    assert not dialog.ok_button.isEnabled()
    assert dialog.error_label.isVisible() and not dialog.summary.isVisible()
    assert dialog.error_label.text().startswith('Row 2, column "species": "setosa" is not a number')
    dialog.task_combo.setCurrentIndex(dialog.task_combo.findData("classification"))
    assert dialog.ok_button.isEnabled() and not dialog.error_label.isVisible()


def test_a_bad_cell_is_named_marked_in_the_preview_and_nothing_is_loaded(qtbot, csv_file, open_dialog):
    rows = IRIS_LIKE.splitlines()
    cells = rows[12].split(",")
    cells[1] = "abc"                  # spreadsheet row 13, column sepal_width
    rows[12] = ",".join(cells)
    dialog = open_dialog(csv_file("\n".join(rows) + "\n"))
    assert not dialog.ok_button.isEnabled()
    assert dialog.error_label.text() == 'Row 13, column "sepal_width": "abc" is not a number'
    assert dialog.error.row == 13 and dialog.error.column == "sepal_width"
    preview = dialog.preview
    assert preview.rowCount() == 10, "the first 8 rows, a ⋮ row, and the bad row"
    assert preview.verticalHeaderItem(8).text() == "⋮" and preview.verticalHeaderItem(9).text() == "13"
    bad = preview.item(9, 1)
    assert bad.text() == "abc" and bad.background().color().name() == "#f9d6c6"
    assert preview.item(9, 0).background().color().name() != "#f9d6c6", "only the bad cell is marked"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # disabled: nothing happens
    assert dialog.result() == 0 and dialog.result_experiment() is None


def test_an_unreadable_file_says_why_and_offers_nothing(csv_file, open_dialog, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"a,b\n1,\x00\n")
    dialog = open_dialog(path)
    assert not dialog.ok_button.isEnabled() and not dialog.label_combo.isEnabled()
    assert "not a text (CSV) file" in dialog.error_label.text() and dialog.error_label.text().startswith("Row 2")
    missing = open_dialog(tmp_path / "nowhere.csv")
    assert missing.error_label.text().startswith("Cannot read") and not missing.ok_button.isEnabled()


def test_a_file_changed_after_preview_is_read_again_and_the_dialog_stays_open(qtbot, csv_file, open_dialog):
    path = csv_file(IRIS_LIKE)
    dialog = open_dialog(path)
    assert dialog.ok_button.isEnabled()
    path.write_text("x,y\n1,2\n", encoding="utf-8")     # too few rows now
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result_experiment() is None
    text = dialog.error_label.text()
    assert "changed since it was shown" in text and text.endswith("\n\nOnly 1 data row; gdlab needs at least 4")
    assert not dialog.ok_button.isEnabled() and dialog.preview.rowCount() == 1


def test_a_file_changed_to_other_good_data_is_shown_before_it_is_loaded(qtbot, csv_file, open_dialog):
    path = csv_file(NUMERIC)
    dialog = open_dialog(path)
    dialog.label_combo.setCurrentIndex(dialog.label_combo.findText("rooms"))
    path.write_text(NUMERIC.replace("size,", "area,").replace("\n20,", "\n21,"), encoding="utf-8")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result_experiment() is None
    assert "changed since it was shown" in dialog.error_label.text()
    assert dialog.label_combo.currentText() == "rooms", "the choice is kept"
    assert dialog.preview.item(0, 0).text() == "21" and dialog.ok_button.isEnabled()
    click_ok(qtbot, dialog)
    assert dialog.result_experiment().points == load_csv(path, label="rooms")


def test_the_template_imports_as_two_classes(qtbot, tmp_path, open_dialog):
    path = write_template(tmp_path / "template.csv")
    dialog = open_dialog(path, load_preset("lr-just-right"))      # a surface experiment as the base
    assert dialog.summary.text() == "24 rows, 2 features, 2 classes: blue, orange"
    assert dialog.task_note.text() == "Binary: 2 classes, one sigmoid output, binary cross-entropy."
    click_ok(qtbot, dialog)
    exp = dialog.result_experiment()
    assert exp.kind == "network" and exp.points == load_csv(path) and exp.data_task() == "binary"


def test_every_widget_has_a_tooltip(csv_file, open_dialog):
    dialog = open_dialog(csv_file(IRIS_LIKE))
    assert dialog.toolTip()
    for kind in (QComboBox, QCheckBox, QPushButton, QTableWidget, QLabel):
        for child in dialog.findChildren(kind):
            if isinstance(child, QLabel) and not child.text():
                continue
            assert child.toolTip(), f"{type(child).__name__} {getattr(child, 'text', lambda: '')()!r} has no tooltip"
