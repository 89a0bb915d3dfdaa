"""CSV import: a corpus of good and bad files, each with its expected data or the row and column
its message must name; task inference and overrides; standardisation; the template."""
from __future__ import annotations

import os

import numpy as np
import pytest

from gdlab.core.data.customdata import CustomData
from gdlab.core.files.csvdata import (
    MAX_CSV_BYTES,
    CsvTable,
    DataError,
    experiment_from_csv,
    infer_task,
    load_csv,
    parse_csv,
    read_csv_table,
    table_to_data,
    template_text,
    write_template,
)
from gdlab.core.files.experiment import Experiment, load_experiment
from gdlab.core.files.presets import load_preset

IRIS = """sepal_length,sepal_width,petal_length,petal_width,species
5.1,3.5,1.4,0.2,setosa
4.9,3.0,1.4,0.2,setosa
7.0,3.2,4.7,1.4,versicolor
6.4,3.2,4.5,1.5,versicolor
6.3,3.3,6.0,2.5,virginica
5.8,2.7,5.1,1.9,virginica
"""
IRIS_X = [[5.1, 3.5, 1.4, 0.2], [4.9, 3.0, 1.4, 0.2], [7.0, 3.2, 4.7, 1.4], [6.4, 3.2, 4.5, 1.5],
          [6.3, 3.3, 6.0, 2.5], [5.8, 2.7, 5.1, 1.9]]
IRIS_FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
SPECIES = ("setosa", "versicolor", "virginica")


def _lines(*rows: str, end: str = "\n") -> bytes:
    return (end.join(rows) + end).encode("utf-8")


# (id, file bytes, load_csv keyword arguments, expected fields of the CustomData)
GOOD = [
    ("iris text labels", IRIS.encode(), {},
     dict(task="multiclass", class_names=SPECIES, y=[0, 0, 1, 1, 2, 2], X=IRIS_X, feature_names=IRIS_FEATURES,
          target_name="species")),
    ("quoted fields", _lines('"width, cm","height",label', '"1.5",2,"a, b"', '2.5,"3",c', '3.5,4,"a, b"', '4.5,5,c'),
     {}, dict(task="binary", class_names=("a, b", "c"), y=[0, 1, 0, 1], feature_names=("width, cm", "height"),
              X=[[1.5, 2], [2.5, 3], [3.5, 4], [4.5, 5]])),
    ("UTF-8 BOM", b"\xef\xbb\xbf" + IRIS.encode(), {},
     dict(task="multiclass", feature_names=IRIS_FEATURES, X=IRIS_X, class_names=SPECIES)),
    ("Windows line ends", IRIS.replace("\n", "\r\n").encode(), {},
     dict(task="multiclass", class_names=SPECIES, X=IRIS_X, y=[0, 0, 1, 1, 2, 2])),
    ("BOM and CRLF together", b"\xef\xbb\xbf" + IRIS.replace("\n", "\r\n").encode(), {},
     dict(feature_names=IRIS_FEATURES, class_names=SPECIES)),
    ("header-less, numeric labels", _lines("0.1,0.2,0", "0.3,-0.4,1", "-0.5,0.6,0", "0.7,0.8,1"), {},
     dict(task="binary", feature_names=("x1", "x2"), target_name="y", class_names=("0", "1"), y=[0, 1, 0, 1],
          X=[[0.1, 0.2], [0.3, -0.4], [-0.5, 0.6], [0.7, 0.8]])),
    ("header-less, text labels", IRIS.split("\n", 1)[1].encode(), {},
     dict(task="multiclass", feature_names=("x1", "x2", "x3", "x4"), target_name="y", X=IRIS_X)),
    ("numeric regression", _lines("x,price", "1,10.5", "2,20.25", "3,29.75", "4,41.0", "5,50.5"), {},
     dict(task="regression", class_names=(), y=[10.5, 20.25, 29.75, 41.0, 50.5], target_name="price")),
    ("many whole numbers are regression", _lines("x,age", *(f"{i},{20 + i}" for i in range(12))), {},
     dict(task="regression", y=[20.0 + i for i in range(12)])),
    ("few whole numbers are classes, sorted by value", _lines("x,grade", "1,3", "2,1", "3,2", "4,10", "5,1"), {},
     dict(task="multiclass", class_names=("1", "2", "3", "10"), y=[2, 0, 1, 3, 0])),
    ("semicolon and decimal comma", _lines("x1;x2;y", "1,5;2,25;a", "-0,5;1e-3;b", "3;4;a", "5;6;b"), {},
     dict(task="binary", X=[[1.5, 2.25], [-0.5, 0.001], [3, 4], [5, 6]], y=[0, 1, 0, 1])),
    ("Excel's sep= line", _lines("sep=;", "x1;x2;y", "1;2;a", "3;4;b", "5;6;a", "7;8;b"), {},
     dict(task="binary", feature_names=("x1", "x2"), X=[[1, 2], [3, 4], [5, 6], [7, 8]])),
    ("tab separated", _lines("x1\tx2\ty", "1\t2\t0", "3\t4\t1", "5\t6\t0", "7\t8\t1"), {},
     dict(task="binary", X=[[1, 2], [3, 4], [5, 6], [7, 8]])),
    ("blank lines, spaces and a trailing separator", _lines("x1, x2 ,y,", "", " 1 , 2 , 0 ,", "3,4,1,", "",
                                                             "5,6,0,", "7,8,1,", "", "", end="\n"), {},
     dict(feature_names=("x1", "x2"), target_name="y", X=[[1, 2], [3, 4], [5, 6], [7, 8]])),
    ("label named, in the middle", _lines("a,price,b", "1,10.5,2", "2,20.25,3", "3,29.75,5", "4,41.0,7"),
     {"label": "price"}, dict(task="regression", target_name="price", feature_names=("a", "b"),
                              X=[[1, 2], [2, 3], [3, 5], [4, 7]], y=[10.5, 20.25, 29.75, 41.0])),
    ("label name ignores case", IRIS.encode(), {"label": "SPECIES"}, dict(target_name="species")),
    ("label by index", IRIS.encode(), {"label": -1}, dict(target_name="species", task="multiclass")),
    ("UTF-16 with its BOM", IRIS.encode("utf-16"), {}, dict(task="multiclass", X=IRIS_X)),
    ("task override: regression", _lines("x,y", "1,0", "2,1", "3,0", "4,1"), {"task": "regression"},
     dict(task="regression", y=[0.0, 1.0, 0.0, 1.0])),
    ("task override: multiclass with two classes", _lines("x,y", "1,0", "2,1", "3,0", "4,1"), {"task": "multiclass"},
     dict(task="multiclass", class_names=("0", "1"))),
    ("task override: classification of 3 classes", IRIS.encode(), {"task": "classification"},
     dict(task="multiclass")),
]

# (id, file bytes, load_csv keyword arguments, expected row, expected column, words in the message)
BAD = [
    ("non-numeric cell", IRIS.replace("5.8,2.7,5.1,1.9", "5.8,2.7,5.1,abc").encode(), {}, 7, "petal_width",
     '"abc" is not a number'),
    ("missing value", _lines("x1,x2,y", "1,2,0", "3,,1", "5,6,0", "7,8,1"), {}, 3, "x2", "missing value"),
    ("missing value spelled NA", _lines("x1,x2,y", "1,2,0", "3,4,1", "NA,6,0", "7,8,1"), {}, 4, "x1",
     'missing value ("NA")'),
    ("missing label", _lines("x1,x2,y", "1,2,0", "3,4,1", "5,6,", "7,8,1", "9,10,0"), {}, 4, "y", "missing value"),
    ("a single class", _lines("x,y", "1,setosa", "2,setosa", "3,setosa", "4,setosa"), {}, None, "y",
     'same class "setosa"'),
    ("too few rows", _lines("x,y", "1,0", "2,1", "3,0"), {}, None, None, "only 3 data rows; gdlab needs at least 4"),
    ("ragged row, short", _lines("x1,x2,y", "1,2,0", "3,4,1", "5,6", "7,8,1"), {}, 4, None,
     '2 cells where row 1 has 3: the cell of column "y" is missing'),
    ("ragged row, long", _lines("x1,x2,y", "1,2,0", "3,4,1,9", "5,6,0", "7,8,1"), {}, 3, None, 'an extra cell "9"'),
    ("empty file", b"", {}, None, None, "the file is empty"),
    ("only blank lines", b"\n\r\n   \n", {}, None, None, "the file is empty"),
    ("binary junk", bytes(range(256)) * 4, {}, 1, None, "not a text (CSV) file"),
    ("not UTF-8", b"x,y\n1,0\n2,1\n3,\xe9t\xe9\n4,1\n", {}, 4, None, "not UTF-8"),
    ("header only", _lines("x1,x2,y"), {}, None, None, "no data rows under the header (row 1)"),
    ("one column", _lines("y", "1", "2", "3", "4"), {}, None, None, 'only one column ("y")'),
    ("infinity", _lines("x,y", "1,0", "inf,1", "3,0", "4,1"), {}, 3, "x", '"inf" is not a finite number'),
    ("later bad cells are counted", _lines("x1,x2,y", "a,2,0", "3,b,1", "5,6,0", "c,8,1"), {}, 2, "x1",
     "(and 2 more bad cells)"),
    ("a text feature column", _lines("name,x,y", "ann,1,0", "bob,2,1", "cy,3,0", "dee,4,1"), {}, 2, "name",
     "holds no numbers at all"),
    ("row number counts a quoted line break", _lines("x,y,note", '1,0,"a\nb"', "abc,1,c", "3,0,c", "4,1,c"), {}, 3,
     "x", '"abc" is not a number'),
    ("a class name holds a line break", _lines('x1,x2,note', '1,2,one', '3,4,"two\nlines"', '5,6,one', '7,8,one'),
     {}, 3, "note", "line break"),
    ("row number counts blank lines", _lines("x,y", "1,0", "", "", "2,1,9", "3,1"), {}, 5, None, 'extra cell "9"'),
    ("bad quoting", _lines("x,y", '"1"2,0', "3,1", "4,0", "5,1"), {}, 2, None, "cannot be read as CSV"),
    ("unknown label column", IRIS.encode(), {"label": "colour"}, None, None,
     'there is no column named "colour"; the columns are: sepal_length'),
    ("binary asked for three classes", IRIS.encode(), {"task": "binary"}, None, "species",
     "3 classes (setosa, versicolor, virginica); binary needs exactly 2"),
    ("regression asked for text labels", IRIS.encode(), {"task": "regression"}, 2, "species",
     '"setosa" is not a number; a regression target must be numeric'),
    ("too many classes", _lines("x,id", *(f"{i},id{i}" for i in range(150))), {}, None, "id",
     "150 different values; gdlab takes at most 100 classes"),
]


def _write(tmp_path, content: bytes, name: str = "data.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _check(data: CustomData, expected: dict) -> None:
    for field, value in expected.items():
        got = getattr(data, field)
        if field in ("X", "y"):
            np.testing.assert_array_equal(got, np.array(value, dtype=got.dtype))
        else:
            assert got == value, field


@pytest.mark.parametrize("label, content, kwargs, expected", GOOD, ids=[g[0] for g in GOOD])
def test_good_files_load_as_expected(tmp_path, label, content, kwargs, expected):
    data = load_csv(_write(tmp_path, content), **kwargs)
    assert isinstance(data, CustomData) and data.source == "data.csv"
    _check(data, expected)
    assert data.X.shape == (len(data.y), len(data.feature_names))
    assert not data.X.flags.writeable and not data.y.flags.writeable


@pytest.mark.parametrize("label, content, kwargs, row, column, words", BAD, ids=[b[0] for b in BAD])
def test_bad_files_name_the_row_and_column(tmp_path, label, content, kwargs, row, column, words):
    with pytest.raises(DataError) as err:
        load_csv(_write(tmp_path, content), **kwargs)
    assert err.value.row == row and err.value.column == column, str(err.value)
    assert words in str(err.value)
    prefix = ", ".join(([f"row {row}"] if row else []) + ([f'column "{column}"'] if column else []))
    if prefix:
        assert str(err.value).startswith(prefix + ": ")
    else:
        assert not str(err.value).startswith(("row ", "column "))
    assert isinstance(err.value, ValueError)


def test_the_message_reads_like_a_spreadsheet_address(tmp_path):
    with pytest.raises(DataError) as err:
        load_csv(_write(tmp_path, IRIS.replace("5.8,2.7,5.1,1.9", "5.8,2.7,5.1,abc").encode()))
    assert str(err.value) == 'row 7, column "petal_width": "abc" is not a number'


def test_header_detection():
    assert parse_csv(IRIS).has_header
    assert not parse_csv(IRIS.split("\n", 1)[1]).has_header
    headerless = parse_csv("1,2,0\n3,4,1\n")
    assert headerless.columns == ("x1", "x2", "y") and headerless.row_numbers == (1, 2)
    assert parse_csv("a,b\nc,d\n").has_header  # all text: a header over text cells
    named = parse_csv(",x,x,y\n1,2,3,0\n")
    assert named.columns == ("column 1", "x", "x (2)", "y")


@pytest.mark.slow
def test_one_hundred_thousand_rows_load_and_one_more_is_refused(tmp_path):
    rows = [f"{i % 7},{i % 2}" for i in range(100_000)]
    data = load_csv(_write(tmp_path, _lines("x,y", *rows)))
    assert data.n_samples == 100_000 and data.task == "binary"
    with pytest.raises(DataError) as err:
        load_csv(_write(tmp_path, _lines("x,y", *rows, "1,1")))
    assert err.value.row == 100_002 and "more than 100,000 data rows" in str(err.value)
    assert str(err.value).startswith("row 100,002: ")


@pytest.mark.slow
def test_more_than_a_million_numbers_are_refused(tmp_path):
    row = ",".join(["0.5"] * 10 + ["1"])
    with pytest.raises(DataError, match="more than 1,000,000 cells of data"):
        load_csv(_write(tmp_path, _lines(*[row] * 100_000)))
    table = CsvTable(columns=tuple("abcdefghij") + ("y",), rows=(tuple(row.split(",")),) * 100_000,
                     row_numbers=tuple(range(2, 100_002)), has_header=True, delimiter=",")
    with pytest.raises(DataError, match="100,000 rows × 11 columns are 1,100,000 numbers"):
        table_to_data(table)                                  # checked before any cell is read


def test_files_over_50_mb_are_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(MAX_CSV_BYTES + 1)
    with pytest.raises(DataError, match="huge.csv is 50.0 MB; gdlab reads CSV files of at most 50 MB"):
        load_csv(path)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="cannot read .*missing.csv"):
        load_csv(tmp_path / "missing.csv")


def test_task_inference_matches_the_loaded_task():
    assert infer_task(parse_csv(IRIS)) == "multiclass"
    assert infer_task(parse_csv(IRIS), label="petal_width") == "regression"
    assert infer_task(parse_csv("x,y\n1,0\n2,1\n")) == "binary"
    with pytest.raises(DataError, match="task 'clustering' is not allowed"):
        table_to_data(parse_csv(IRIS), task="clustering")


def test_standardize_gives_mean_0_std_1_and_records_the_map(tmp_path):
    text = _lines("a,b,const,y", "1,100,5,0", "2,300,5,1", "3,200,5,0", "6,400,5,1")
    data = load_csv(_write(tmp_path, text), standardize=True)
    raw = np.array([[1, 100, 5], [2, 300, 5], [3, 200, 5], [6, 400, 5]], dtype=float)
    np.testing.assert_allclose(data.X[:, :2].mean(axis=0), 0.0, atol=1e-15)
    np.testing.assert_allclose(data.X[:, :2].std(axis=0), 1.0)
    np.testing.assert_array_equal(data.X[:, 2], 0.0)          # a constant column: x − mean, std kept at 1
    assert data.mean == (3.0, 250.0, 5.0) and data.std[2] == 1.0
    np.testing.assert_allclose(data.X * np.array(data.std) + np.array(data.mean), raw)
    assert load_csv(_write(tmp_path, text)).mean is None


def test_template_is_written_atomically_and_loads_back(tmp_path):
    path = write_template(tmp_path / "template.csv")
    assert os.listdir(tmp_path) == ["template.csv"]
    assert path.read_text(encoding="utf-8") == template_text()
    data = load_csv(path)
    assert data.task == "binary" and data.n_samples == 24 and data.feature_names == ("x1", "x2")
    assert data.class_names == ("blue", "orange") and data.target_name == "class"
    assert np.bincount(data.y).tolist() == [12, 12]


def test_read_table_then_choose(tmp_path):
    table = read_csv_table(_write(tmp_path, IRIS.encode()))
    assert table.columns == IRIS_FEATURES + ("species",) and table.n_rows == 6 and table.source == "data.csv"
    assert table.row_numbers == (2, 3, 4, 5, 6, 7) and table.delimiter == ","
    assert table_to_data(table).task == "multiclass"
    with pytest.raises(DataError, match='row 2, column "species": "setosa" is not a number'):
        table_to_data(table, label="sepal_length")  # species is now a feature: text is not allowed


def test_experiment_from_csv_defaults(tmp_path):
    exp = experiment_from_csv(_write(tmp_path, IRIS.encode(), "iris.csv"))
    assert exp.kind == "network" and exp["dataset"] == "custom" and exp.name == "iris"
    assert exp["hidden_layers"] == [8] and exp["hidden_activation"] == "tanh"
    assert exp.output_and_loss() == ("softmax", "cross_entropy")
    assert "setosa" in exp.description and "6 rows" in exp.summary
    back = load_experiment(exp.save(tmp_path / "iris.json"))
    assert back == exp and back.points == exp.points


def test_experiment_from_csv_keeps_the_base_values(tmp_path):
    base = load_preset("xor").replace(learning_rate=0.3)
    exp = experiment_from_csv(_write(tmp_path, IRIS.encode()), base=base)
    assert exp["learning_rate"] == 0.3 and exp["hidden_layers"] == base["hidden_layers"]
    assert exp["dataset"] == "custom" and exp.points.task == "multiclass"
    # a base whose explicit output does not suit the data falls back to auto
    strict = Experiment(values={"dataset": "xor", "output_activation": "sigmoid", "loss": "bce",
                                "features": ["product"]})
    reg = experiment_from_csv(_write(tmp_path, _lines("x,y", "1,0.5", "2,1.5", "3,2.25", "4,3.125"), "r.csv"),
                              base=strict)
    assert reg.output_and_loss() == ("linear", "mse") and reg["features"] == ["x"]


def test_experiment_from_csv_passes_data_errors_through(tmp_path):
    with pytest.raises(DataError, match='row 3, column "x2": missing value'):
        experiment_from_csv(_write(tmp_path, _lines("x1,x2,y", "1,2,0", "3,,1", "5,6,0", "7,8,1")))


def test_label_text_that_looks_missing_is_an_ordinary_class(tmp_path):
    content = _lines("x1,x2,y", "1,2,none", "3,4,NA", "5,6,none", "7,8,NA", "9,10,?", "11,12,cat")
    data = load_csv(_write(tmp_path, content))
    assert data.task == "multiclass" and data.class_names == ("?", "NA", "cat", "none")
    assert data.y.tolist() == [3, 1, 3, 1, 0, 2]
    assert infer_task(read_csv_table(_write(tmp_path, content))) == "multiclass"
    binary = load_csv(_write(tmp_path, _lines("x,label", "1,none", "2,NA", "3,none", "4,NA")))
    assert binary.task == "binary" and binary.class_names == ("NA", "none")


def test_an_empty_label_cell_is_still_refused_by_row_and_column(tmp_path):
    content = _lines("x1,x2,y", "1,2,none", "3,4,NA", "5,6,", "7,8,none")
    with pytest.raises(DataError) as err:
        load_csv(_write(tmp_path, content))
    assert err.value.row == 4 and err.value.column == "y"
    assert str(err.value).startswith('row 4, column "y": missing value')
    # numeric feature columns keep their missing-value words
    with pytest.raises(DataError, match='row 3, column "x1": missing value \\("NA"\\)'):
        load_csv(_write(tmp_path, _lines("x1,x2,y", "1,2,none", "NA,4,cat", "5,6,none", "7,8,cat")))
