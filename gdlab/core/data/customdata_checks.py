"""Checks of the values :class:`~gdlab.core.data.customdata.CustomData` is built from: arrays of finite
numbers, the limits on rows, features and values, names, an image shape, and the JSON rows and numbers of an
experiment file's ``data.points``, each error an :class:`ExperimentError` naming the bad entry.
"""
from __future__ import annotations

import math
import re
from typing import Any, Sequence

import numpy as np

from ..io.strict_json import ExperimentError, json_kind
from ..io.text import text_problem
from .datasets import MAX_SAMPLES, MIN_SAMPLES

MAX_FEATURES = 64          # input columns d
MAX_CLASSES = 100          # classes C
MAX_VALUES = 1_000_000     # numbers n·(d + 1) in all: keeps an experiment file under ~30 MB
MAX_NAME = 60              # characters of a feature, target or class name
MAX_SOURCE = 260           # characters of the source (a file name, or "drawn")
_NUMBER_TYPES = (int, float)

__all__ = ["MAX_CLASSES", "MAX_FEATURES", "MAX_NAME", "MAX_SOURCE", "MAX_VALUES", "check_finite", "check_names",
           "check_sizes", "float_array", "json_numbers", "json_rows"]


def float_array(value: Any, where: str, what: str) -> np.ndarray:
    if isinstance(value, np.ndarray) and value.dtype.kind not in "biuf":
        raise ExperimentError(where, f"expected {what}, got an array of {value.dtype}")
    try:
        with np.errstate(all="ignore"):
            return np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ExperimentError(where, f"expected {what}") from None


def check_sizes(n: int, d: int, where: str) -> None:
    if not MIN_SAMPLES <= n <= MAX_SAMPLES:
        raise ExperimentError(where, f"expected {MIN_SAMPLES} to {MAX_SAMPLES:,} rows (points), got {n:,}")
    if not 1 <= d <= MAX_FEATURES:
        raise ExperimentError(where, f"expected 1 to {MAX_FEATURES} numbers per row (features), got {d}")
    if n * (d + 1) > MAX_VALUES:
        raise ExperimentError(where, f"{n:,} rows of {d} features and a target are {n * (d + 1):,} numbers; at "
                              f"most {MAX_VALUES:,} fit (e.g. 100,000 rows of up to {MAX_VALUES // MAX_SAMPLES - 1} "
                              "features)")


def check_finite(values: np.ndarray, where: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        index = np.argwhere(bad)[0]
        path = where + "".join(f"[{int(i)}]" for i in index)
        raise ExperimentError(path, f"{float(values[tuple(index)])!r} is not a finite number")


def check_names(values: Any, where: str) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise ExperimentError(where, "expected a list of names")
    out = []
    for i, name in enumerate(values):
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= MAX_NAME:
            raise ExperimentError(f"{where}[{i}]", f"expected a name of 1 to {MAX_NAME} characters, got {name!r}")
        if problem := text_problem(name):
            raise ExperimentError(f"{where}[{i}]", problem)
        out.append(name)
    if len(set(out)) != len(out):
        twice = next(name for name in out if out.count(name) > 1)
        raise ExperimentError(where, f"the name {twice!r} appears twice; names must differ")
    return tuple(out)


def _is_number(value: Any) -> bool:
    return type(value) in _NUMBER_TYPES or (isinstance(value, (int, float)) and not isinstance(value, bool))


def json_rows(rows: Any, where: str) -> np.ndarray:
    """A JSON list of equal-length lists of numbers (no true/false, no text), checked element by element."""
    if not isinstance(rows, list):
        raise ExperimentError(where, "expected a list of rows [[x1, x2, ...], ...]")
    if not MIN_SAMPLES <= len(rows) <= MAX_SAMPLES:
        raise ExperimentError(where, f"expected {MIN_SAMPLES} to {MAX_SAMPLES:,} rows (points), got {len(rows):,}")
    width = len(rows[0]) if isinstance(rows[0], list) else -1
    for i, row in enumerate(rows):
        if not isinstance(row, list):
            raise ExperimentError(f"{where}[{i}]", f"expected a row [x1, x2, ...], got {json_kind(row)}")
        if len(row) != width:
            raise ExperimentError(f"{where}[{i}]", f"expected {width} numbers like row 0, got {len(row)}")
        if not all(type(v) in _NUMBER_TYPES for v in row):
            j = next(j for j, v in enumerate(row) if type(v) not in _NUMBER_TYPES)
            if not _is_number(row[j]):
                raise ExperimentError(f"{where}[{i}][{j}]", f"expected a number, got {json_kind(row[j])}")
    check_sizes(len(rows), width, where)
    try:
        return np.array(rows, dtype=np.float64).reshape(len(rows), width)
    except OverflowError:  # a whole number beyond the float range
        i, j = next((i, j) for i, row in enumerate(rows) for j, v in enumerate(row)
                    if isinstance(v, int) and not -1e308 < v < 1e308)
        raise ExperimentError(f"{where}[{i}][{j}]", "the number is too large") from None


def json_numbers(values: Any, where: str, n: int, whole: bool = False) -> list[float]:
    if not isinstance(values, list):
        raise ExperimentError(where, f"expected a list of {n} numbers, got {json_kind(values)}")
    if len(values) != n:
        raise ExperimentError(where, f"expected {n} numbers (one per row of x), got {len(values)}")
    for i, v in enumerate(values):
        if not _is_number(v):
            raise ExperimentError(f"{where}[{i}]", f"expected a number, got {json_kind(v)}")
        if isinstance(v, int) and not -1e308 < v < 1e308:
            raise ExperimentError(f"{where}[{i}]", "the number is too large")
        if whole and not (isinstance(v, int) or (math.isfinite(v) and float(v).is_integer())):
            raise ExperimentError(f"{where}[{i}]", f"{v!r} is not a class id (a whole number)")
    return values


def check_image_shape(value: Any, d: int, where: str) -> tuple[int, int] | None:
    """An image shape (rows, columns) for points of ``d`` features read row by row: two whole
    numbers from 1 to ``MAX_FEATURES`` with rows·columns = d; None stays None."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2 \
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        raise ExperimentError(where, "expected two whole numbers [rows, columns], e.g. [8, 8]")
    rows, cols = int(value[0]), int(value[1])
    if not (1 <= rows <= MAX_FEATURES and 1 <= cols <= MAX_FEATURES):
        raise ExperimentError(where, f"rows and columns must be 1 to {MAX_FEATURES}, got {rows}×{cols}")
    if rows * cols != d:
        raise ExperimentError(where, f"an image of {rows}×{cols} has {rows * cols} pixels, and the data has {d} "
                              f"feature column(s)")
    return rows, cols


def parse_image_shape(text: str, where: str = "image shape") -> tuple[int, int]:
    """``"8x8"`` (or ``8×8``, ``8,8``) as (8, 8); anything else raises :class:`ExperimentError`
    naming ``where`` (the number of pixels is checked against the data by :func:`check_image_shape`)."""
    found = re.fullmatch(r"\s*(\d{1,3})\s*[x×X,]\s*(\d{1,3})\s*", text) if isinstance(text, str) else None
    if found is None:
        shown = text if isinstance(text, str) and len(text) <= 20 else "that"
        raise ExperimentError(where, f"expected ROWSxCOLUMNS, e.g. 8x8, got {shown!r}")
    return int(found.group(1)), int(found.group(2))


def image_shapes(d: int) -> list[tuple[int, int]]:
    """The image shapes (rows, columns) that ``d`` features can be read as, rows·columns = d with
    both at least 2, the squarest first (64: 8×8, 4×16, 16×4, 2×32, 32×2)."""
    shapes = [(r, d // r) for r in range(2, d // 2 + 1) if d % r == 0 and 2 <= d // r <= MAX_FEATURES]
    return sorted(shapes, key=lambda s: (abs(s[0] - s[1]), -s[1]))
