"""Real data shipped with gdlab: the 8×8 handwritten digits and Fisher's iris flowers.

Both files sit in ``resources/data/`` with their descriptions (``digits.rst``, ``iris.rst``) and
``SOURCES.md`` (where they come from, their licence, whom to credit):

* ``digits.csv.gz``: the test set ``optdigits.tes`` of the UCI "Optical Recognition of Handwritten
  Digits" (E. Alpaydin, C. Kaynak, 1998; CC BY 4.0): 1,797 images of 8×8 counts 0–16, ten classes.
  Row r is the image read row by row (64 numbers) and the digit. The inputs are x = count / 16, so
  every pixel lies in [0, 1] (a pixel's count is how many of the 4×4 block's 16 dots were ink).
* ``iris.csv``: R. A. Fisher's 150 flowers (UCI, CC BY 4.0): sepal and petal length and width in
  cm, three species of 50. The inputs are standardised over all 150 flowers,
  x_j = (x_j,raw − mean_j) / std_j, so each feature has mean 0 and standard deviation 1.

The files are read once, bounded (a compressed file of at most 200 kB that inflates to at most
1 MB), and checked: the shape, every value finite and in range, every label a class.
"""
from __future__ import annotations

import functools
import gzip
import io
import zlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np

from ..io.reading import read_bounded

DIGITS, IRIS = "digits", "iris"
REAL_DATASETS = (DIGITS, IRIS)
MAX_FILE_BYTES = 200_000          # the shipped files are 58 kB (digits, compressed) and 3 kB (iris)
MAX_INFLATED_BYTES = 1_000_000    # digits.csv inflates to 260 kB: a gzip bomb stops here
DIGITS_SHAPE = (8, 8)
DIGITS_MAX_COUNT = 16             # a pixel counts the ink dots of a 4×4 block: 0 … 16

INFO = {
    DIGITS: "Real data: 1,797 handwritten digits 0–9 as 8×8 images (64 inputs, pixel = ink count / 16; "
            "UCI optdigits, CC BY 4.0).",
    IRIS: "Real data: 150 iris flowers, 4 measurements (standardised), 3 species "
          "(Fisher 1936, UCI, CC BY 4.0).",
}
IRIS_FEATURES = ("sepal length", "sepal width", "petal length", "petal width")


class RealDataError(ValueError):
    """A shipped data file is missing, too large or malformed (a broken installation)."""


@dataclass(frozen=True, eq=False)
class RealTable:
    """One real dataset as read: inputs X (n, d), class ids (n,), names, the image shape or None."""

    X: np.ndarray
    labels: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    image_shape: tuple[int, int] | None


def data_dir() -> Path:
    """``resources/data`` (the package ``gdlab.resources``; see :func:`gdlab.core.files.presets.resources_dir`)."""
    root = files("gdlab.resources")
    if not isinstance(root, Path):
        raise RealDataError("gdlab's resources are not files on disk in this installation")
    return root / "data"


def _read_text(name: str) -> str:
    path = data_dir() / name
    try:
        raw = read_bounded(path, MAX_FILE_BYTES, "data file")
    except (OSError, ValueError) as exc:
        raise RealDataError(f"cannot read gdlab's shipped data {name}: {exc}") from None
    if name.endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
                raw = stream.read(MAX_INFLATED_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise RealDataError(f"{name} is not a readable gzip file: {exc}") from None
        if len(raw) > MAX_INFLATED_BYTES:
            raise RealDataError(f"{name} inflates to more than {MAX_INFLATED_BYTES:,} bytes")
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        raise RealDataError(f"{name} is not plain ASCII text") from None


def _numbers(lines: list[str], columns: int, name: str) -> np.ndarray:
    try:
        table = np.array([[float(cell) for cell in line.split(",")] for line in lines], dtype=np.float64)
    except ValueError as exc:
        raise RealDataError(f"{name}: {exc}") from None
    if table.ndim != 2 or table.shape[1] != columns or not np.isfinite(table).all():
        raise RealDataError(f"{name}: expected rows of {columns} finite numbers")
    return table


def _labels(column: np.ndarray, classes: int, name: str) -> np.ndarray:
    labels = column.astype(np.int64)
    if not np.array_equal(labels, column) or labels.min() < 0 or labels.max() >= classes:
        raise RealDataError(f"{name}: a label is not a class 0 … {classes - 1}")
    return labels


@functools.cache
def _digits() -> RealTable:
    name = "digits.csv.gz"
    lines = _read_text(name).split()
    pixels = DIGITS_SHAPE[0] * DIGITS_SHAPE[1]
    table = _numbers(lines, pixels + 1, name)
    counts = table[:, :pixels]
    if counts.min() < 0 or counts.max() > DIGITS_MAX_COUNT or not np.array_equal(counts, np.round(counts)):
        raise RealDataError(f"{name}: a pixel is not a count 0 … {DIGITS_MAX_COUNT}")
    X = counts / DIGITS_MAX_COUNT                                  # x = count / 16 ∈ [0, 1]
    names = tuple(f"r{r + 1}c{c + 1}" for r in range(DIGITS_SHAPE[0]) for c in range(DIGITS_SHAPE[1]))
    return RealTable(X, _labels(table[:, pixels], 10, name), names, tuple(str(d) for d in range(10)), DIGITS_SHAPE)


@functools.cache
def _iris() -> RealTable:
    name = "iris.csv"
    lines = _read_text(name).split()
    if not lines:
        raise RealDataError(f"{name} is empty")
    head = lines[0].split(",")     # "150,4,setosa,versicolor,virginica"
    classes = tuple(head[2:])
    if len(head) != 5 or not all(c.isalpha() for c in classes):
        raise RealDataError(f"{name}: the first line must be n,d and the three species")
    table = _numbers(lines[1:], len(IRIS_FEATURES) + 1, name)
    raw = table[:, :-1]
    std = raw.std(axis=0)
    if not (std > 0).all():
        raise RealDataError(f"{name}: a feature is constant")
    X = (raw - raw.mean(axis=0)) / std                             # x_j = (x_j − mean_j) / std_j
    return RealTable(X, _labels(table[:, -1], len(classes), name), IRIS_FEATURES, classes, None)


def load_real(name: str) -> RealTable:
    """The whole of a real dataset (read once per process; the arrays are read-only)."""
    table = {DIGITS: _digits, IRIS: _iris}[name]()
    for array in (table.X, table.labels):
        array.flags.writeable = False
    return table


def draw_rows(labels: np.ndarray, n_samples: int, seed: int) -> np.ndarray:
    """Which rows a dataset of ``n_samples`` takes: all of them in a seeded shuffle, or the first
    ``n_samples`` of it when fewer are asked for (``np.random.default_rng(seed)``, as the generated
    datasets draw)."""
    order = np.random.default_rng(seed).permutation(len(labels))
    return order[:min(int(n_samples), len(labels))]
