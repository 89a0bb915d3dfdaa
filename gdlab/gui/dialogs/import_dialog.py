"""File → Import data…: your own points from a CSV file, chosen in a small dialog.

    dialog = ImportDataDialog(path, base=window.experiment, parent=window)
    dialog.accepted.connect(lambda: window.load_experiment(dialog.result_experiment()))
    dialog.open()

The dialog reads the file once (:func:`gdlab.core.files.csvdata.read_csv_table`) and shows its first
rows. The label (target) column is the last one unless another is chosen; every other column is
a numeric feature. The task is inferred by the core (:func:`~gdlab.core.files.csvdata.infer_task`: text
labels and a few whole numbers are classes, anything else is regression) and can be changed;
binary or multiclass follows from the number of classes. Every choice is checked at once by
:func:`~gdlab.core.files.csvdata.table_to_data`: a problem is shown in red with its row and column
(and the row is shown in the preview, the bad cell marked), and OK stays disabled until the
choice is valid. OK builds the experiment with :func:`~gdlab.core.files.csvdata.experiment_from_csv`;
if that fails (the file changed meanwhile), the dialog stays open with the message. Nothing is
half-loaded: :meth:`ImportDataDialog.result_experiment` is a complete experiment or None.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.data.customdata import CustomData
from ...core.data.customdata_checks import image_shapes
from ...core.data.datasets import BINARY, REGRESSION
from ...core.files.csvdata import (
    CLASSIFICATION,
    CsvTable,
    DataError,
    experiment_from_csv,
    infer_task,
    read_csv_table,
    table_to_data,
)
from ...core.files.experiment import Experiment
from ...core.params import ExperimentError
from ..accessibility import label_for
from ..palette import SKY, VERMILLION
from ..theming import app_theme, themed_style

PREVIEW_ROWS = 8
MAX_SHOWN_CLASSES = 8
# stylesheet templates, filled in from the theme; the preview tints the label column with
# info_background and the cell (and row) of the problem with bad_highlight
ERROR_STYLE = (f"QLabel {{ color:$error_text; background:$bad_background; border:1px solid {VERMILLION}; "
               "border-radius:4px; padding:6px; }")
SUMMARY_STYLE = (f"QLabel {{ color:$foreground; background:$info_background; border:1px solid {SKY}; "
                 "border-radius:4px; padding:6px; }")
_DELIMITER_NAMES = {",": "comma-separated", ";": "semicolon-separated", "\t": "tab-separated"}
_TASKS = ((CLASSIFICATION, "Classification", "The label column holds classes (text such as \"setosa\", or a few "
                                             "whole numbers). Two classes: one sigmoid output and binary "
                                             "cross-entropy; more: a softmax output and cross-entropy."),
          (REGRESSION, "Regression", "The target column holds numbers to fit: one linear output and the mean "
                                     "squared error J = 1/(2n)·Σ(ŷ − y)²."))


class ImportDataDialog(QDialog):
    """Choose the label column, the task and standardisation for a CSV file; see the module docstring."""

    def __init__(self, path: str | os.PathLike, base: Experiment | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.base = base
        self.table: CsvTable | None = None
        self.data: CustomData | None = None        # the points the current choice gives (None: invalid)
        self.error: DataError | None = None        # why the current choice is invalid
        self._experiment: Experiment | None = None
        self._inferred = ""
        self.setWindowTitle(f"Import data — {self.path.name}")
        self.setToolTip("Your own data: numeric feature columns and one label (target) column from a CSV file.")
        self._build()
        self._read()

    def _read(self, label: str | None = None) -> None:
        """(Re)read the file; the label column is ``label`` if the file has it, else the last one."""
        try:
            self.table = read_csv_table(self.path)
        except DataError as exc:
            self.table = self.data = None
            self._show_unreadable(exc)
            return
        self._fill_from_table(label)
        self._on_label_changed(self.label_combo.currentIndex())

    # -- construction ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.file_label = QLabel(f"<b>{_html(self.path.name)}</b>")
        self.file_label.setTextFormat(Qt.TextFormat.RichText)
        self.file_label.setWordWrap(True)
        self.file_label.setToolTip(str(self.path))
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview.setToolTip(f"The first {PREVIEW_ROWS} rows of the file as read (row numbers as a spreadsheet "
                                "counts them). The label column is tinted; a cell with a problem is marked.")
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # a preview: no current cell to outline
        row = self.preview.fontMetrics().height() + 8
        self.preview.verticalHeader().setDefaultSectionSize(row)
        self.preview.setMinimumHeight((PREVIEW_ROWS + 3) * row + 6)   # the rows, a ⋮ row and a bad row, a header
        self.label_combo = QComboBox()
        self.label_combo.setToolTip("The column the network learns to predict: the label (classification) or the "
                                    "target (regression). Every other column is an input feature and must hold "
                                    "numbers.")
        self.task_combo = QComboBox()
        for value, text, tip in _TASKS:
            self.task_combo.addItem(text, value)
            self.task_combo.setItemData(self.task_combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.task_combo.setToolTip("Classification (binary for two classes, multiclass for more) or regression. "
                                   "gdlab infers it from the label column; change it here.")
        self.task_note = QLabel()
        self.task_note.setWordWrap(True)
        self.task_note.setToolTip("What gdlab inferred from the label column, and what the choice means for the "
                                  "network's output.")
        self.standardize = QCheckBox("Standardise features")
        self.standardize.setToolTip("Rescale each feature column j to mean 0 and standard deviation 1:\n"
                                    "x_j ← (x_j − mean_j) / std_j.\nFeatures of very different sizes (metres and "
                                    "millimetres) then get steps of similar size; the mean and std are saved "
                                    "with the data.")
        self.image_shape = QComboBox()
        self.image_shape.setToolTip("Whether each row is an image, read row by row (e.g. 8×8 for 64 feature "
                                    "columns): the Data view then shows a gallery of the images with the class "
                                    "the network predicts, and the Network view each first-layer neuron's weights "
                                    "as an image.")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        themed_style(self.summary, SUMMARY_STYLE)
        self.summary.setToolTip("What will be loaded when you press Import.")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        themed_style(self.error_label, ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setToolTip("Why this choice cannot be loaded: the row (as a spreadsheet numbers it) and "
                                    "the column of the problem.")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import")
        self.ok_button.setToolTip("Load these points as the experiment's data (dataset \"custom\"); training "
                                  "starts again from iteration 0. The other settings are kept where they fit.")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setToolTip("Close without loading anything.")
        self.buttons.setToolTip("Import the data, or cancel.")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        label_caption = QLabel("Label / target column:")
        label_caption.setToolTip(self.label_combo.toolTip())
        task_caption = QLabel("Task:")
        task_caption.setToolTip(self.task_combo.toolTip())
        label_for(label_caption, self.label_combo, "Label column")
        label_for(task_caption, self.task_combo)
        form.addRow(label_caption, self.label_combo)
        form.addRow(task_caption, self.task_combo)
        form.addRow("", self.task_note)
        form.addRow("", self.standardize)
        shape_caption = QLabel("Each row is:")
        shape_caption.setToolTip(self.image_shape.toolTip())
        label_for(shape_caption, self.image_shape, "Image shape")
        form.addRow(shape_caption, self.image_shape)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.preview, 1)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(680, 500)
        self.label_combo.currentIndexChanged.connect(self._on_label_changed)
        self.task_combo.currentIndexChanged.connect(self._validate)
        self.standardize.toggled.connect(self._validate)
        self.image_shape.currentIndexChanged.connect(self._validate)

    def _show_unreadable(self, exc: DataError) -> None:
        for widget in (self.label_combo, self.task_combo, self.standardize, self.image_shape):
            widget.setEnabled(False)
        self.preview.clear()
        self.preview.setRowCount(0)
        self.preview.setColumnCount(0)
        self.summary.hide()
        self.task_note.setText("")
        self.error = exc
        self._show_error(exc)
        self.ok_button.setEnabled(False)

    def _fill_from_table(self, label: str | None = None) -> None:
        table = self.table
        for widget in (self.label_combo, self.task_combo, self.standardize, self.image_shape):
            widget.setEnabled(True)
        self.image_shape.blockSignals(True)
        self.image_shape.clear()
        self.image_shape.addItem("a row of features (not an image)", None)
        for rows, cols in image_shapes(len(table.columns) - 1):   # every column but the label's
            self.image_shape.addItem(f"an image of {rows}×{cols} pixels", (rows, cols))
        self.image_shape.blockSignals(False)
        header = "a header row" if table.has_header else "no header row (columns named x1, x2, …, y)"
        self.file_label.setText(f"<b>{_html(self.path.name)}</b> — {table.n_rows:,} data rows × "
                                f"{len(table.columns)} columns, {_DELIMITER_NAMES.get(table.delimiter, 'separated')}"
                                f", {header}")
        self.label_combo.blockSignals(True)
        self.label_combo.clear()
        for j, name in enumerate(table.columns):
            self.label_combo.addItem(name, j)
        chosen = table.columns.index(label) if label in table.columns else len(table.columns) - 1
        self.label_combo.setCurrentIndex(chosen)  # the last column unless told, as the core defaults
        self.label_combo.blockSignals(False)

    # -- choices -----------------------------------------------------------------------------------
    @property
    def label_index(self) -> int:
        """The index of the chosen label column."""
        return int(self.label_combo.currentData())

    @property
    def task(self) -> str:
        """The chosen task: "classification" or "regression"."""
        return str(self.task_combo.currentData())

    @property
    def shape(self) -> tuple[int, int] | None:
        """The chosen image shape (rows, columns), or None for rows of features."""
        return self.image_shape.currentData()

    @Slot(int)
    def _on_label_changed(self, _index: int) -> None:
        """A new label column: the task shown becomes the one the core infers for it."""
        if self.table is None:
            return
        try:
            self._inferred = infer_task(self.table, self.label_index)
        except DataError:
            self._inferred = ""       # e.g. a missing label cell: _validate shows where
        wanted = REGRESSION if self._inferred == REGRESSION else CLASSIFICATION
        self.task_combo.blockSignals(True)
        self.task_combo.setCurrentIndex(self.task_combo.findData(wanted))
        self.task_combo.blockSignals(False)
        self._validate()

    @Slot()
    def _validate(self) -> None:
        """Read the data as chosen; show what it gives, or the problem (OK disabled)."""
        if self.table is None:
            return
        self._experiment = None
        try:
            self.data = table_to_data(self.table, label=self.label_index, task=self.task,
                                      standardize=self.standardize.isChecked(), image_shape=self.shape)
            self.error = None
        except DataError as exc:
            self.data, self.error = None, exc
        self.task_note.setText(self._task_text())
        if self.data is not None:
            self.error_label.hide()
            self.summary.setText(describe(self.data))
            self.summary.show()
        else:
            self.summary.hide()
            self._show_error(self.error)
        self.ok_button.setEnabled(self.data is not None)
        self._fill_preview()

    def _task_text(self) -> str:
        """What the chosen task means for the network, and what was inferred if that differs."""
        inferred = {BINARY: "binary classification (2 classes)", REGRESSION: "regression"}.get(
            self._inferred, "multiclass classification (3 or more classes)")
        if self.data is None:
            return f"Inferred from the column: {inferred}." if self._inferred else ""
        k = self.data.n_classes
        text = {BINARY: "Binary: 2 classes, one sigmoid output, binary cross-entropy.",
                REGRESSION: "Regression: one linear output, mean squared error."}.get(
            self.data.task, f"Multiclass: {k} classes, {k} softmax outputs, cross-entropy.")
        if self._inferred and (self.data.task == REGRESSION) != (self._inferred == REGRESSION):
            text += f" (gdlab inferred {inferred}.)"
        return text

    def _show_error(self, exc: DataError) -> None:
        text = str(exc)
        self.error_label.setText(text[:1].upper() + text[1:])
        self.error_label.show()

    # -- the preview -------------------------------------------------------------------------------
    def _fill_preview(self) -> None:
        """The first rows, the label column tinted, and the row of the problem (if any) marked."""
        table = self.table
        shown = list(range(min(PREVIEW_ROWS, table.n_rows)))
        bad_row = bad_col = None
        if self.error is not None and self.error.row is not None and self.error.row in table.row_numbers:
            bad_row = table.row_numbers.index(self.error.row)
            if bad_row not in shown:
                shown.append(bad_row)
        if self.error is not None and self.error.column in table.columns:
            bad_col = table.columns.index(self.error.column)
        gap = len(shown) > PREVIEW_ROWS and shown[-1] > PREVIEW_ROWS  # a "⋮" row before the bad one
        self.preview.clear()
        self.preview.setColumnCount(len(table.columns))
        self.preview.setRowCount(len(shown) + (1 if gap else 0))
        label = self.label_index
        bold = QFont(self.preview.font())
        theme = app_theme()
        bold.setBold(True)
        for j, name in enumerate(table.columns):
            item = QTableWidgetItem(name + ("  (label)" if j == label else ""))
            if j == label:
                item.setFont(bold)
            self.preview.setHorizontalHeaderItem(j, item)
        numbers = []
        for r, i in enumerate(shown):
            if gap and r == len(shown) - 1:
                numbers.append("⋮")
                for j in range(len(table.columns)):
                    self.preview.setItem(r, j, QTableWidgetItem("⋮"))
                r += 1
            numbers.append(str(table.row_numbers[i]))
            for j, cell in enumerate(table.rows[i]):
                item = QTableWidgetItem(cell)
                if i == bad_row and (bad_col is None or j == bad_col):
                    item.setBackground(QBrush(QColor(theme.bad_highlight)))
                    item.setToolTip(str(self.error))
                elif j == label:
                    item.setBackground(QBrush(QColor(theme.info_background)))
                self.preview.setItem(r, j, item)
        if bad_row is None and bad_col is not None:      # a problem of a whole column: tint its header
            header = self.preview.horizontalHeaderItem(bad_col)
            header.setForeground(QBrush(QColor(theme.error_text)))
            header.setToolTip(str(self.error))
        self.preview.setVerticalHeaderLabels(numbers)
        self.preview.resizeColumnsToContents()

    # -- the result --------------------------------------------------------------------------------
    def accept(self) -> None:
        """Build the experiment. If the file changed since it was shown, read it again and stay open."""
        if self.data is None:
            return
        try:
            experiment = experiment_from_csv(self.path, label=self.label_index, task=self.task,
                                             standardize=self.standardize.isChecked(), base=self.base,
                                             image_shape=self.shape)
            changed = experiment.points != self.data
        except DataError:
            changed = True
        except ExperimentError as exc:          # the data does not fit the base experiment: say so, stay open
            self.error = DataError(str(exc))
            self._show_error(self.error)
            self.ok_button.setEnabled(False)
            return
        if changed:
            self._read(self.label_combo.currentText())
            note = (f"{self.path.name} changed since it was shown; it has been read again: check the choices and "
                    "press Import again.")
            self.error_label.setText(note + ("\n\n" + self.error_label.text() if self.error_label.isVisible() else ""))
            self.error_label.show()
            return
        self._experiment = experiment
        super().accept()

    def result_experiment(self) -> Experiment | None:
        """The experiment on the imported points (``base.with_points(data)``, other values kept where they
        fit), once the dialog was accepted; None before, or after Cancel."""
        return self._experiment


def describe(data: CustomData) -> str:
    """One line on what ``data`` holds: "150 rows, 4 features, 3 classes: setosa, versicolor, virginica"."""
    features = f"{data.n_features} feature{'s' if data.n_features != 1 else ''}"
    if data.task == REGRESSION:
        what = f'regression on "{data.target_name}"'
    else:
        names = ", ".join(data.class_names[:MAX_SHOWN_CLASSES])
        more = f", … ({data.n_classes} in all)" if data.n_classes > MAX_SHOWN_CLASSES else ""
        what = f"{data.n_classes} classes: {names}{more}"
    text = f"{data.n_samples:,} rows, {features}, {what}"
    if data.standardized:
        text += " · features standardised"
    if data.image_shape is not None:
        text += f" · images of {data.image_shape[0]}×{data.image_shape[1]} pixels"
    return text


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
