"""Reading a CSV file's cells: the separator, the header, the row numbers, and every problem
(binary data, a bad encoding, ragged rows, too much data) as a :class:`DataError` naming its row.

:func:`read_csv_table` (or :func:`parse_csv` for text already in memory) is the first of the two
steps :mod:`gdlab.core.files.csvdata` describes; :func:`gdlab.core.files.csvdata.table_to_data` is the second.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from ..data.customdata import MAX_NAME, MAX_VALUES
from ..data.datasets import MAX_SAMPLES, MIN_SAMPLES
from ..io.reading import read_or_fail

MAX_CSV_BYTES = 50_000_000
MAX_COLUMNS = 1000
_DELIMITERS = (",", ";", "\t")
_SNIFF_ROWS = 20
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?|[+-]?\d+,(?:[eE][+-]?\d+)?")
_EXCEL_SEP = re.compile(r"sep=([,;\t|])[ \t]*(?:\r\n|\n|\r|$)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

__all__ = ["CsvTable", "DataError", "MAX_COLUMNS", "MAX_CSV_BYTES", "cell_number", "listing", "parse_csv",
           "read_csv_table", "short_cell"]


class DataError(ValueError):
    """A problem with a data file. ``row`` (1-based, header included) and ``column`` (its name)
    say where, when the problem has a place; ``message`` says what."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        self.message, self.row, self.column = message, row, column
        where = ([f"row {row:,}"] if row is not None else []) + ([f'column "{column}"'] if column is not None else [])
        super().__init__(", ".join(where) + ": " + message if where else message)


@dataclass(frozen=True, eq=False)
class CsvTable:
    """The cells of a CSV file, stripped of surrounding spaces.

    ``columns`` are the names (from the header, or x1, x2, …, y); ``rows`` the data rows;
    ``row_numbers[i]`` the spreadsheet row number of ``rows[i]`` (1-based, header included).
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]
    has_header: bool
    delimiter: str
    source: str = "data"

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    def column_index(self, label: str | int | None = None) -> int:
        """The index of the label column: the last one (None), a name, or an index (negative from the end)."""
        if label is None:
            return len(self.columns) - 1
        if isinstance(label, bool) or not isinstance(label, (str, int)):
            raise DataError(f"the label column must be given by name or number, got {label!r}")
        if isinstance(label, int):
            if not -len(self.columns) <= label < len(self.columns):
                raise DataError(f"there is no column {label}; the file has {len(self.columns)} columns")
            return label % len(self.columns)
        if label in self.columns:
            return self.columns.index(label)
        folded = [c.casefold() for c in self.columns]
        if folded.count(label.strip().casefold()) == 1:
            return folded.index(label.strip().casefold())
        raise DataError(f'there is no column named "{label}"; the columns are: ' + listing(self.columns))

    def column(self, index: int) -> list[str]:
        """The cells of one column, top to bottom."""
        return [row[index] for row in self.rows]


# -- reading -------------------------------------------------------------------------------------
def read_csv_table(path: str | os.PathLike) -> CsvTable:
    """Read a CSV file into a :class:`CsvTable` (see the module docstring); raises :class:`DataError`."""
    path = Path(path)
    raw = read_or_fail(path, MAX_CSV_BYTES, "CSV file", DataError)
    return parse_csv(raw, source=path.name)


def parse_csv(content: bytes | str, source: str = "data") -> CsvTable:
    """Parse CSV content (bytes as read from a file, or text) into a :class:`CsvTable`."""
    text = _decode(content) if isinstance(content, (bytes, bytearray)) else content
    if not isinstance(text, str):
        raise DataError(f"expected the text or bytes of a CSV file, got {type(content).__name__}")
    if len(text) > MAX_CSV_BYTES:
        raise DataError(f"the data is {len(text) / 1e6:.1f} million characters; at most {MAX_CSV_BYTES / 1e6:.0f} MB")
    text = text.removeprefix("\ufeff")
    bad = _CONTROL.search(text)
    if bad:
        raise DataError(f"this is not a text (CSV) file: it holds binary data (the control character "
                        f"{ord(bad.group()):#04x} at character {bad.start()})",
                        row=text.count("\n", 0, bad.start()) + 1)
    if not text.strip():
        raise DataError("the file is empty")
    excel = _EXCEL_SEP.match(text)                             # Excel's "sep=;" first line names the separator
    delimiter = excel.group(1) if excel else _sniff_delimiter(text)
    records = _records(text, delimiter)
    if excel:
        records = records[1:]
        if not records:
            raise DataError("the file holds no data (only the sep= line)")
    if not records:
        raise DataError("the file holds no data (only blank rows)")
    records = _drop_empty_last_columns(records)
    has_header = _looks_like_header(records, delimiter)
    width = len(records[0][1])
    if width > MAX_COLUMNS:
        raise DataError(f"{width} columns; gdlab reads at most {MAX_COLUMNS}", row=records[0][0])
    if has_header:
        columns = _header_names(records[0][1])
        body = records[1:]
    else:
        columns = tuple(f"x{j + 1}" for j in range(width - 1)) + ("y",)
        body = records
    if not body:
        raise DataError(f"no data rows under the header (row {records[0][0]}); gdlab needs at least {MIN_SAMPLES}")
    if len(body) > MAX_SAMPLES:
        raise DataError(f"more than {MAX_SAMPLES:,} data rows; gdlab takes at most {MAX_SAMPLES:,}",
                        row=body[MAX_SAMPLES][0])
    if sum(len(cells) for _, cells in body) > MAX_VALUES:
        raise DataError(f"more than {MAX_VALUES:,} cells of data; gdlab takes at most {MAX_VALUES:,} numbers (e.g. "
                        f"{MAX_SAMPLES:,} rows of up to {MAX_VALUES // MAX_SAMPLES - 1} features and a label)")
    rows = []
    for number, cells in body:
        if len(cells) > width and not any(cells[width:]):
            cells = cells[:width]                              # trailing separators: empty extra cells
        if len(cells) != width:
            if len(cells) < width:
                raise DataError(f"{len(cells)} cells where row {records[0][0]} has {width}: the cell of column "
                                f'"{columns[len(cells)]}" is missing', row=number)
            raise DataError(f"{len(cells)} cells where row {records[0][0]} has {width}: an extra cell "
                            f'"{short_cell(cells[width])}" after column "{columns[-1]}"', row=number)
        rows.append(tuple(cells))
    return CsvTable(columns=columns, rows=tuple(rows), row_numbers=tuple(n for n, _ in body), has_header=has_header,
                    delimiter=delimiter, source=source)


def _decode(raw: bytes) -> str:
    raw = bytes(raw)
    if len(raw) > MAX_CSV_BYTES:
        raise DataError(f"the data is {len(raw) / 1e6:.1f} MB; gdlab reads CSV files of at most "
                        f"{MAX_CSV_BYTES / 1e6:.0f} MB")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):            # UTF-16 with its byte-order mark
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError("the file starts like UTF-16 text but cannot be decoded as such") from None
    zero = raw.find(b"\x00")
    if zero >= 0:
        raise DataError(f"this is not a text (CSV) file: it holds binary data (a zero byte at offset {zero})",
                        row=raw.count(b"\n", 0, zero) + 1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"this is not UTF-8 text: the byte {raw[exc.start]:#04x} at offset {exc.start} cannot be "
                        "read; save the file as \"CSV UTF-8\"", row=raw.count(b"\n", 0, exc.start) + 1) from None


def _reader(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def _sniff_delimiter(text: str) -> str:
    """The separator that splits the first rows into equal numbers (> 1) of cells; "," by default."""
    head = text[:65536]
    best, best_width = ",", 0
    for delimiter in _DELIMITERS:
        widths: list[int] = []
        try:
            for record in _reader(head, delimiter):
                if any(cell.strip() for cell in record):
                    widths.append(len(record))
                if len(widths) > _SNIFF_ROWS:
                    break
        except csv.Error:
            continue
        if len(head) < len(text) and len(widths) > 1:
            widths.pop()                                        # the cut may have split the last row
        if widths and len(set(widths)) == 1 and widths[0] > max(1, best_width):
            best, best_width = delimiter, widths[0]
    return best


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(row number, stripped cells) of every non-blank record, stopping once past the size limits."""
    out: list[tuple[int, list[str]]] = []
    number = total = 0
    reader = _reader(text, delimiter)
    try:
        for number, record in enumerate(reader, start=1):
            cells = [cell.strip() for cell in record]
            if any(cells):
                out.append((number, cells))
                total += len(cells)
                if len(out) > MAX_SAMPLES + 2 or total > MAX_VALUES + 2 * MAX_COLUMNS:
                    break                                       # past the limits (with a sep= line and a header)
    except csv.Error as exc:
        raise DataError(f"cannot be read as CSV: {exc}", row=number + 1) from None
    return out


def _drop_empty_last_columns(records: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Drop trailing columns that are empty in every row (a separator at the end of each line)."""
    width = len(records[0][1])
    while width > 1 and all(len(cells) >= width and not cells[width - 1] for _, cells in records):
        width -= 1
    if width == len(records[0][1]):
        return records
    return [(n, cells[:width] if len(cells) > width and not any(cells[width:]) else cells) for n, cells in records]


def _looks_like_header(records: list[tuple[int, list[str]]], delimiter: str) -> bool:
    first = records[0][1]
    texts = [j for j, cell in enumerate(first) if cell and cell_number(cell, delimiter) is None]
    if not texts:
        return False
    if len(texts) == len(first):
        return True
    for j in texts:
        if any(len(cells) > j and cell_number(cells[j], delimiter) is not None for _, cells in records[1:]):
            return True
    return False


def _header_names(cells: Sequence[str]) -> tuple[str, ...]:
    """Header cells as names: blanks become "column j", long names are shortened, repeats numbered."""
    names: list[str] = []
    for j, cell in enumerate(cells):
        name = cell if cell else f"column {j + 1}"
        if len(name) > MAX_NAME:
            name = name[:MAX_NAME - 1] + "…"
        base, k = name, 2
        while name in names:
            suffix = f" ({k})"
            name = base[:MAX_NAME - len(suffix)] + suffix
            k += 1
        names.append(name)
    return tuple(names)


def cell_number(cell: str, delimiter: str = ",") -> float | None:
    """The finite number a cell holds, or None (text, a missing value, nan or inf)."""
    if delimiter != "," and "," in cell and _DECIMAL_COMMA.fullmatch(cell):
        cell = cell.replace(",", ".")
    if "_" in cell:  # float() accepts 1_000; a spreadsheet does not
        return None
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def short_cell(cell: str, limit: int = 40) -> str:
    return cell if len(cell) <= limit else cell[:limit - 1] + "…"


def listing(names: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names)} in all)" if len(names) > limit else "")
