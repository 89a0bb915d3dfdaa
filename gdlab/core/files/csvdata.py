"""Your own data from a CSV file: read it, check every cell, and turn it into :class:`CustomData`.

Two steps, so that an import dialog can show the columns before the choices are made:

1. :func:`read_csv_table` (or :func:`parse_csv` for text already in memory) reads the cells.
   It accepts a UTF-8 byte-order mark (and UTF-16 with its mark), ``\\r\\n`` or ``\\n`` line
   ends, quoted fields (with separators or line breaks inside), blank lines anywhere, and
   ``,``, ``;`` or tab as the separator: the one that gives every row of the first lines the
   same number of cells (more than one), ``,`` first. With ``;`` or tab, a decimal comma
   (``1,5``) is read as 1.5.

   The first row is a header when a cell of it is text (not a number) over a column that
   holds a number further down, or when all its cells are text. A header-less file gets the
   names x1, x2, …, and y for the last column.

2. :func:`table_to_data` picks the label (target) column — the last one, unless ``label``
   names another — and reads every other column as a numeric feature.

   Task inference: text labels (``setosa``) are classes; numeric labels that are all whole
   numbers with at most 10 distinct values are classes too; anything else is regression.
   ``task`` overrides it: "binary", "multiclass", "regression", or "classification" (binary
   for two classes, multiclass for more). Classes are numbered in sorted order (numbers by
   value, text alphabetically). With ``standardize`` every feature column j becomes
   x_j ← (x_j − mean_j) / std_j (std with 1/n; a constant column keeps std_j = 1). ``image_shape``
   (rows, columns; :func:`parse_image_shape` reads ``"8x8"``) marks image data, each row an image
   read row by row: rows·columns must equal the number of feature columns.

Every problem raises :class:`DataError`, whose message names the row (1-based, as a
spreadsheet numbers it, header included) and the column, e.g. ``row 7, column "x2": "abc" is
not a number``. Nothing is half-loaded: the result is a complete :class:`CustomData` or an
exception. Files over 50 MB are refused before they are read.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..data.customdata import MAX_CLASSES, MAX_FEATURES, MAX_NAME, MAX_VALUES, CustomData
from ..data.customdata_checks import check_image_shape, parse_image_shape
from ..data.datasets import BINARY, CUSTOM, MAX_SAMPLES, MIN_SAMPLES, MULTICLASS, REGRESSION, make_dataset
from ..io.atomic import atomic_write_text
from ..io.text import text_problem
from ..params import ExperimentError
from .csv_table import MAX_CSV_BYTES, CsvTable, DataError, cell_number, listing, parse_csv, read_csv_table, short_cell

if TYPE_CHECKING:
    from .experiment import Experiment

MAX_INTEGER_CLASSES = 10       # whole-number labels with at most this many values are classes
CLASSIFICATION = "classification"
TASK_CHOICES = (CLASSIFICATION, BINARY, MULTICLASS, REGRESSION)
_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})  # feature cells read as "missing value"

__all__ = ["CsvTable", "DataError", "MAX_CSV_BYTES", "experiment_from_csv", "infer_task", "load_csv", "parse_csv",
           "parse_image_shape", "read_csv_table", "table_to_data", "template_text", "write_template"]


# -- interpreting --------------------------------------------------------------------------------
def _cell_problem(cell: str, delimiter: str) -> str:
    if cell.casefold() in _MISSING:
        return "missing value" if not cell else f'missing value ("{cell}")'
    try:
        value = float(cell.replace(",", ".") if delimiter != "," else cell)
    except ValueError:
        value = None
    if value is not None and not math.isfinite(value) and "_" not in cell:
        return f'"{short_cell(cell)}" is not a finite number'
    return f'"{short_cell(cell)}" is not a number'


def _features(table: CsvTable, columns: list[int]) -> np.ndarray:
    """The feature columns as an (n, d) float array; the first bad cell (in reading order) raises."""
    n, delimiter = table.n_rows, table.delimiter
    X = np.empty((n, len(columns)))
    first: DataError | None = None
    more = 0
    for i, row in enumerate(table.rows):
        for c, j in enumerate(columns):
            value = cell_number(row[j], delimiter)
            if value is None:
                if first is None:
                    first = DataError(_cell_problem(row[j], delimiter), row=table.row_numbers[i],
                                      column=table.columns[j])
                    column_cells = table.column(j)
                    if not any(cell_number(cell, delimiter) is not None for cell in column_cells):
                        first.message += "; the column holds no numbers at all: only the label column may hold text"
                else:
                    more += 1
                continue
            X[i, c] = value
    if first is not None:
        if more:
            first.message += f" (and {more:,} more bad cell{'s' if more > 1 else ''})"
        raise DataError(first.message, row=first.row, column=first.column)
    return X


def _label_values(table: CsvTable, j: int) -> tuple[list[float | None], bool]:
    """The label cells as numbers (None for text) and whether all are numbers; empty cells raise.

    Only an empty cell is a missing label: any text, even "none", "NA" or "?", is a class name
    (unlike a feature cell, where those spellings mean "missing value").
    """
    values: list[float | None] = []
    for i, row in enumerate(table.rows):
        cell = row[j]
        if not cell:
            raise DataError(_cell_problem(cell, table.delimiter), row=table.row_numbers[i], column=table.columns[j])
        values.append(cell_number(cell, table.delimiter))
    return values, all(v is not None for v in values)


def _inferred(values: list[float | None], all_numbers: bool) -> str:
    if not all_numbers:
        return CLASSIFICATION
    numbers = cast("list[float]", values)                       # all_numbers: no None among them
    if all(float(v).is_integer() for v in numbers) and len(set(numbers)) <= MAX_INTEGER_CLASSES:
        return CLASSIFICATION
    return REGRESSION


def infer_task(table: CsvTable, label: str | int | None = None) -> str:
    """The task :func:`table_to_data` would choose without ``task``: binary, multiclass or regression."""
    j = table.column_index(label)
    values, all_numbers = _label_values(table, j)
    if _inferred(values, all_numbers) == REGRESSION:
        return REGRESSION
    keys = set(values) if all_numbers else {row[j] for row in table.rows}
    return BINARY if len(keys) <= 2 else MULTICLASS


def _format_class(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def table_to_data(table: CsvTable, label: str | int | None = None, task: str | None = None,
                  standardize: bool = False, image_shape: tuple[int, int] | None = None) -> CustomData:
    """Features and targets of a :class:`CsvTable` (see the module docstring); raises :class:`DataError`."""
    if task is not None and task not in TASK_CHOICES:
        raise DataError(f"task {task!r} is not allowed; expected one of {', '.join(TASK_CHOICES)}")
    j = table.column_index(label)
    name = table.columns[j]
    columns = [c for c in range(len(table.columns)) if c != j]
    if not columns:
        raise DataError(f'the file has only one column ("{name}"); gdlab needs at least one feature column '
                        "besides the label")
    if len(columns) > MAX_FEATURES:
        raise DataError(f"{len(columns)} feature columns; gdlab takes at most {MAX_FEATURES}")
    try:
        check_image_shape(image_shape, len(columns), "image shape")
    except ExperimentError as exc:
        raise DataError(str(exc)) from None
    n = table.n_rows
    if n < MIN_SAMPLES:
        raise DataError(f"only {n} data row{'s' if n != 1 else ''}; gdlab needs at least {MIN_SAMPLES}")
    if n * (len(columns) + 1) > MAX_VALUES:
        raise DataError(f"{n:,} rows × {len(columns) + 1} columns are {n * (len(columns) + 1):,} numbers; gdlab "
                        f"takes at most {MAX_VALUES:,} (e.g. {MAX_SAMPLES:,} rows of up to "
                        f"{MAX_VALUES // MAX_SAMPLES - 1} features and a label)")
    X = _features(table, columns)
    values, all_numbers = _label_values(table, j)
    inferred = _inferred(values, all_numbers)
    wanted = task or inferred
    if wanted == REGRESSION:
        if not all_numbers:
            i = next(i for i, v in enumerate(values) if v is None)
            raise DataError(f'"{short_cell(table.rows[i][j])}" is not a number; a regression target must be numeric',
                            row=table.row_numbers[i], column=name)
        y: np.ndarray = np.array(values, dtype=np.float64)
        class_names: tuple[str, ...] | None = None
        resolved = REGRESSION
    else:
        if all_numbers:
            numbers = cast("list[float]", values)               # all_numbers: no None among them
            keys = sorted(set(numbers))
            class_names = tuple(_format_class(v) for v in keys)
            index = {v: c for c, v in enumerate(keys)}
            y = np.array([index[v] for v in numbers], dtype=np.int64)
        else:
            cells = [row[j] for row in table.rows]
            for i, cell in enumerate(cells):
                if problem := text_problem(cell):
                    raise DataError(f'the class name "{short_cell(cell)}" cannot be used: {problem}',
                                    row=table.row_numbers[i], column=name)
            texts = sorted(set(cells))
            class_names = tuple(short_cell(k, MAX_NAME) for k in texts)
            if len(set(class_names)) != len(class_names):
                class_names = tuple(f"{k[:MAX_NAME - 6]}… ({c})" for c, k in enumerate(texts))
            text_index = {k: c for c, k in enumerate(texts)}
            y = np.array([text_index[k] for k in cells], dtype=np.int64)
        C = len(class_names)
        if C == 1:
            raise DataError(f'every row has the same class "{class_names[0]}"; classification needs at least two '
                            "classes", column=name)
        if C > MAX_CLASSES:
            raise DataError(f"{C:,} different values; gdlab takes at most {MAX_CLASSES} classes. Is this the label "
                            "column? (choose another with --label NAME, or treat it as regression)", column=name)
        if wanted == BINARY and C != 2:
            raise DataError(f"{C} classes ({listing(class_names, 6)}); binary needs exactly 2: choose multiclass",
                            column=name)
        resolved = MULTICLASS if wanted == MULTICLASS or C > 2 else BINARY
    mean = std = None
    if standardize:
        with np.errstate(all="ignore"):
            mean = X.mean(axis=0)                               # μ_j = 1/n Σ_i x_ij
            std = X.std(axis=0)                                 # σ_j = √(1/n Σ_i (x_ij − μ_j)²)
            std[std == 0] = 1.0                                 # a constant column: σ_j = 1
            X = (X - mean) / std                                # x_ij ← (x_ij − μ_j) / σ_j
        if not (np.isfinite(X).all() and np.isfinite(mean).all() and np.isfinite(std).all()):
            raise DataError("the features are too large to standardise (an overflow); scale them down first")
    feature_names = tuple(table.columns[c] for c in columns)
    for column in (*feature_names, name):
        if problem := text_problem(column):
            raise DataError(f'the column name "{short_cell(column)}" cannot be used: {problem}', column=column)
    try:
        return CustomData(X, y, resolved, feature_names=feature_names, class_names=class_names, target_name=name,
                          mean=mean, std=std, source=table.source[:260], image_shape=image_shape)
    except ExperimentError as exc:  # only if a check above missed something: still a clear message
        raise DataError(exc.message) from None


def load_csv(path: str | os.PathLike, label: str | int | None = None, task: str | None = None,
             standardize: bool = False, image_shape: tuple[int, int] | None = None) -> CustomData:
    """Read a CSV file into :class:`CustomData`: :func:`read_csv_table`, then :func:`table_to_data`."""
    return table_to_data(read_csv_table(path), label=label, task=task, standardize=standardize,
                         image_shape=image_shape)


# -- the template --------------------------------------------------------------------------------
def template_text() -> str:
    """An example CSV: a header, two numeric feature columns and a text label column, 24 rows."""
    data = make_dataset("gaussians", n_samples=24, noise=0.0, seed=1)
    names = ("blue", "orange")
    assert data.labels is not None                              # a classification dataset has labels
    lines = ["x1,x2,class"]
    lines += [f"{x1:.3f},{x2:.3f},{names[c]}" for (x1, x2), c in zip(data.X.tolist(), data.labels.tolist())]
    return "\n".join(lines) + "\n"


def write_template(path: str | os.PathLike) -> Path:
    """Write :func:`template_text` to ``path`` atomically; :func:`load_csv` reads it back."""
    return atomic_write_text(path, template_text())


# -- an experiment from a file -------------------------------------------------------------------
def experiment_from_csv(path: str | os.PathLike, label: str | int | None = None, task: str | None = None,
                        standardize: bool = False, base: Experiment | None = None,
                        image_shape: tuple[int, int] | None = None) -> Experiment:
    """A network experiment (dataset ``custom``) on the data of a CSV file.

    With a network experiment ``base`` its other values are kept (the output, loss and features
    fall back to auto, auto and x if they do not suit the data); otherwise one hidden layer of 8
    tanh neurons, trained by adam with α = 0.01. Raises :class:`DataError` for a bad file.
    """
    from .experiment import Experiment  # here: experiment imports customdata, not this module

    data = load_csv(path, label=label, task=task, standardize=standardize, image_shape=image_shape)
    name = Path(path).stem[:120] or "data"
    summary = _summary(data)[:300]
    texts: dict[str, Any] = {"name": name, "summary": summary, "description": _description(data)}
    if base is not None and getattr(base, "kind", None) == "network":
        try:
            return base.with_points(data, **texts)
        except ExperimentError as exc:
            if exc.field not in ("network.loss", "network.output_activation", "data.features"):
                raise
            return base.with_points(data, output_activation="auto", loss="auto", features=["x"], **texts)
    values = {"dataset": CUSTOM, "hidden_layers": [8], "hidden_activation": "tanh", "optimizer": "adam",
              "learning_rate": 0.01, "max_iterations": 2000}
    return Experiment(values=values, points=data, **texts)


def _summary(data: CustomData) -> str:
    what = (f"{data.n_classes} classes" if data.task != REGRESSION else "regression")
    return f"{data.source or 'Imported data'}: {data.n_samples:,} rows, {data.n_features} features, {what}."


def _description(data: CustomData) -> str:
    parts = [f"Imported from {data.source or 'a CSV file'}: {data.n_samples:,} rows.",
             f"Features: {listing(data.feature_names)}."]
    if data.task == REGRESSION:
        parts.append(f'Target "{data.target_name}" (regression: the network fits a number, cost mse).')
    else:
        parts.append(f'Label "{data.target_name}": {data.n_classes} classes ({listing(data.class_names)}), '
                     f"{data.task}.")
    if data.standardized:
        parts.append("Each feature was standardised on import: x ← (x − mean) / std.")
    return " ".join(parts)[:5000]

