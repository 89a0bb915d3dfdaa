"""Text that a file cannot hold, or that reads as something else, is refused where it enters, with
the field named: lone surrogates, control characters, bidirectional overrides, line breaks in
one-line fields. A description may hold newlines, and nothing else of the kind."""
import pytest

from gdlab.core.data.customdata import CustomData
from gdlab.core.files.experiment import Experiment, ExperimentError
from gdlab.core.files.presets import load_preset
from gdlab.core.io.text import text_problem

BAD = {"surrogate": "bad\ud800name", "nul": "a\x00b", "form feed": "a\x0cb", "escape": "a\x1b[31mb",
       "newline": "two\nlines", "carriage return": "a\rb", "bidi override": "abc\u202edcba",
       "line separator": "a\u2028b", "delete": "a\x7fb"}
GOOD = ["xor", "Ünïcödé names — fine", "α = 0.1, ŷ", "日本語", "emoji 🎓 ok", "tab-free"]


@pytest.mark.parametrize("kind", BAD)
def test_a_one_line_field_refuses_it(kind):
    assert text_problem(BAD[kind]) is not None


@pytest.mark.parametrize("text", GOOD)
def test_ordinary_text_passes(text):
    assert text_problem(text) is None and text_problem(text, multiline=True) is None


def test_a_description_may_have_newlines_but_no_other_control():
    assert text_problem("line one\nline two", multiline=True) is None
    assert text_problem("line one\r\nline two", multiline=True) is not None
    assert text_problem("x\ud800", multiline=True) is not None


@pytest.mark.parametrize("field", ["name", "summary", "description"])
@pytest.mark.parametrize("kind", ["surrogate", "nul", "form feed", "bidi override"])
def test_the_experiments_text_fields_name_the_field(field, kind):
    xor = load_preset("xor")
    with pytest.raises(ExperimentError) as info:
        Experiment(xor.kind, xor.values, name=BAD[kind] if field == "name" else "n",
                   summary=BAD[kind] if field == "summary" else "", description=BAD[kind] if field == "description"
                   else "")
    assert info.value.field == field


def test_a_run_label_with_a_newline_cannot_reach_the_history_line():
    race = load_preset("optimizer-race")
    with pytest.raises(ExperimentError) as info:
        race.replace(runs=[{"label": "sgd\n# status: finished; reason: injected", "optimizer": "sgd"}])
    assert info.value.field == "runs[0].label"


def test_a_file_with_such_a_name_is_refused_naming_the_field():
    text = load_preset("xor").to_json().replace('"name": "xor"', '"name": "x\\u0000y"')
    with pytest.raises(ExperimentError) as info:
        Experiment.from_json(text)
    assert info.value.field == "name" and "control character" in str(info.value)


@pytest.mark.parametrize("names, where", [(dict(class_names=["ok", "b\ud800"]), "class_names[1]"),
                                          (dict(feature_names=["x", "y\x00"]), "feature_names[1]"),
                                          (dict(target_name="t\x0c"), "target_name")])
def test_custom_data_names_are_checked_too(names, where):
    with pytest.raises(ExperimentError) as info:
        CustomData([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.2, 0.8]], [0, 1, 0, 1], task="binary", **names)
    assert info.value.field.endswith(where), info.value.field
