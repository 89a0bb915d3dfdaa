"""Experiment files: declarations, validation, round trips and a corpus of malformed files."""
import json
import os

import pytest

from gdlab.core.files.experiment import SCHEMA_VERSION, Experiment, ExperimentError, load_experiment
from gdlab.core.files.presets import load_preset, preset_names, resolve
from gdlab.core.io.printing import alpha
from gdlab.core.params import FORKABLE, LIVE_PARAMS, PARAMS, PARAMS_BY_NAME, get_param, is_relevant

REQUIRED_PRESETS = {"lr-too-small", "lr-just-right", "lr-too-large", "lr-divergent", "local-minimum",
                    "saddle-point", "optimizer-race", "xor", "spiral-deep", "vanishing-gradients"}


def test_every_declaration_is_complete_and_its_default_valid():
    for p in PARAMS:
        assert p.label and p.tooltip and p.tooltip.endswith("."), p.name
        assert p.validate(p.default) == p.default, p.name
        assert p.flag == "--" + p.name.replace("_", "-")


def test_the_declarations_say_what_is_live_forkable_and_when_it_matters():
    assert LIVE_PARAMS == {"learning_rate", "optimizer", "momentum", "beta1", "beta2", "rmsprop_alpha",
                           "max_iterations", "playback_speed"}
    assert set(FORKABLE) == {"learning_rate", "optimizer", "hidden_activation", "momentum", "batch_size",
                             "regularization", "reg_rate", "schedule"}
    for p in PARAMS:
        assert set(p.group_by) <= set(PARAMS_BY_NAME) - {p.name}, p.name
        for name, condition in p.group_by.items():
            if not callable(condition):
                assert set(condition) <= set(PARAMS_BY_NAME[name].choices), p.name
    # each rule, both ways: relevant with the value it waits for, hidden without it
    for name, on, off in [("momentum", {"optimizer": "nesterov"}, {"optimizer": "adam"}),
                          ("beta2", {"optimizer": "adam"}, {"optimizer": "rmsprop"}),
                          ("rmsprop_alpha", {"optimizer": "rmsprop"}, {}),
                          ("decay_steps", {"schedule": "step"}, {"schedule": "constant"}),
                          ("reg_rate", {"regularization": "l1"}, {"regularization": "none"}),
                          ("init_scale", {"init": "normal"}, {"init": "he"}),
                          ("noise", {"dataset": "moons"}, {"dataset": "custom"})]:
        assert is_relevant(name, on) and not is_relevant(name, off), name
    assert is_relevant("batch_size", {}, "network") and not is_relevant("batch_size", {}, "surface")
    assert not is_relevant("hidden_layers", {}, "surface") and not is_relevant("surface", {}, "network")


def test_clamp_keeps_a_value_in_the_declared_range_and_alpha_names_a_rate():
    rate = PARAMS_BY_NAME["learning_rate"]
    assert (rate.clamp(5e4), rate.clamp(1e-9), rate.clamp(0.3)) == (1e4, 1e-8, 0.3)
    assert PARAMS_BY_NAME["seed"].clamp(-5) == 0 and PARAMS_BY_NAME["start"].clamp(-1e7) == -1e6
    assert (alpha(0.5), alpha(1e-05), alpha(0.1234567)) == ("α = 0.5", "α = 1e-05", "α = 0.123457")


def test_defaults_make_a_valid_experiment_of_each_kind():
    for kind in ("network", "surface"):
        exp = Experiment(kind=kind)
        assert Experiment.from_json(exp.to_json()) == exp


def test_round_trip_through_a_file_is_exact(tmp_path):
    exp = Experiment(kind="surface", values={"surface": "rosenbrock", "start": [-1.5, 2.0], "learning_rate": 1e-3},
                     runs=[{"optimizer": "adam", "learning_rate": 0.05, "label": "adam"}, {"optimizer": "sgd"}],
                     name="race", summary="A race.", description="Two optimisers.")
    path = exp.save(tmp_path / "race.json")
    back = load_experiment(path)
    assert back == exp
    assert back.to_json() == exp.to_json()
    assert back.runs[0]["label"] == "adam"
    assert [r["learning_rate"] for r in back.run_values()] == [0.05, 1e-3]


def test_every_preset_loads_and_round_trips():
    names = set(preset_names())
    assert REQUIRED_PRESETS <= names
    for name in names:
        exp = load_preset(name)
        assert exp.name == name
        assert exp.summary and "\n" not in exp.summary
        assert len(exp.description) > 80, f"{name} needs a one-paragraph explanation"
        assert Experiment.from_json(exp.to_json()) == exp
        assert resolve(name) == exp


def test_playback_speed_round_trips_and_a_file_without_it_plays_at_full_speed():
    exp = load_preset("xor").replace(playback_speed=2.0)
    doc = json.loads(exp.to_json())
    assert doc["playback"] == {"playback_speed": 2.0}
    assert Experiment.from_json(exp.to_json())["playback_speed"] == 2.0
    del doc["playback"]  # a file written before the playback section existed
    assert Experiment.from_dict(doc)["playback_speed"] == 0.0
    doc["playback"] = {"playback_speed": -1}
    with pytest.raises(ExperimentError) as err:
        Experiment.from_dict(doc)
    assert err.value.field == "playback.playback_speed"
    paces = {name: load_preset(name)["playback_speed"] for name in preset_names()}
    assert all(0 < paces[n] <= 5 for n in ("lr-too-small", "lr-just-right", "lr-too-large", "lr-divergent",
                                           "local-minimum", "saddle-point"))
    assert paces["optimizer-race"] == 100 and paces["spiral-deep"] == 0
    assert 100 <= paces["xor"] <= 500 and 100 <= paces["vanishing-gradients"] <= 500


def test_replace_validates_and_leaves_the_original_untouched():
    exp = Experiment()
    changed = exp.replace(learning_rate=0.5, hidden_layers=[8, 8])
    assert changed["learning_rate"] == 0.5 and changed["hidden_layers"] == [8, 8]
    assert exp["learning_rate"] == PARAMS_BY_NAME["learning_rate"].default
    with pytest.raises(ExperimentError) as err:
        exp.replace(learning_rate=-1.0)
    assert err.value.field == "training.learning_rate"
    assert "out of range" in str(err.value) and "1e-08" in str(err.value)


def test_values_are_copies():
    exp = Experiment()
    exp["hidden_layers"].append(99)
    exp.values["hidden_layers"].append(99)
    assert exp["hidden_layers"] == PARAMS_BY_NAME["hidden_layers"].default


def test_auto_output_and_loss_follow_the_dataset():
    assert Experiment(values={"dataset": "xor"}).output_and_loss() == ("sigmoid", "bce")
    assert Experiment(values={"dataset": "spiral3"}).output_and_loss() == ("softmax", "cross_entropy")
    assert Experiment(values={"dataset": "sine"}).output_and_loss() == ("linear", "mse")


@pytest.mark.parametrize("values, field", [
    ({"dataset": "sine", "loss": "bce"}, "network.loss"),
    ({"dataset": "xor", "loss": "bce", "output_activation": "tanh"}, "network.output_activation"),
    ({"dataset": "spiral3", "loss": "cross_entropy", "output_activation": "sigmoid"}, "network.output_activation"),
    ({"dataset": "xor", "output_activation": "softmax", "loss": "mse"}, "network.output_activation"),
])
def test_inconsistent_combinations_name_the_field(values, field):
    with pytest.raises(ExperimentError) as err:
        Experiment(values=values)
    assert err.value.field == field


def test_surface_start_must_match_the_dimension():
    with pytest.raises(ExperimentError) as err:
        Experiment(kind="surface", values={"surface": "bowl", "start": [1.0]})
    assert err.value.field == "surface.start" and "2" in err.value.message


def _doc(**changes):
    doc = Experiment(kind="network").to_dict()
    for dotted, value in changes.items():
        section, _, key = dotted.partition("__")
        if key:
            doc[section][key] = value
        elif value is _DELETE:
            del doc[section]
        else:
            doc[section] = value
    return doc


_DELETE = object()

MALFORMED = [
    # (description, file text, expected field, words the message must contain)
    ("not JSON", "{", "", "not valid JSON"),
    ("empty", "", "", "not valid JSON"),
    ("a list", "[]", "", "JSON object"),
    ("NaN literal", json.dumps(_doc(training__learning_rate=0.1)).replace("0.1", "NaN", 1), "", "NaN"),
    ("Infinity", json.dumps(_doc(training__learning_rate=0.1)).replace("0.1", "Infinity", 1), "", "Infinity"),
    ("string lr", json.dumps(_doc(training__learning_rate="0.1")), "training.learning_rate", "text"),
    ("lr zero", json.dumps(_doc(training__learning_rate=0)), "training.learning_rate", "out of range"),
    ("huge lr", json.dumps(_doc(training__learning_rate=1e300)), "training.learning_rate", "out of range"),
    ("bool as int", json.dumps(_doc(data__n_samples=True)), "data.n_samples", "true/false"),
    ("float samples", json.dumps(_doc(data__n_samples=10.5)), "data.n_samples", "whole number"),
    ("too few samples", json.dumps(_doc(data__n_samples=1)), "data.n_samples", "out of range"),
    ("unknown dataset", json.dumps(_doc(data__dataset="mnist")), "data.dataset", "xor"),
    ("unknown optimizer", json.dumps(_doc(training__optimizer="lbfgs")), "training.optimizer", "adam"),
    ("unknown key", json.dumps(_doc(training__learnig_rate=0.1)), "training.learnig_rate", "learning_rate"),
    ("param in wrong group", json.dumps(_doc(data__learning_rate=0.1)), "data.learning_rate", "unknown key"),
    ("unknown top key", json.dumps(_doc(extra={"a": 1})), "extra", "unknown key"),
    ("section not object", json.dumps(_doc(training=[1, 2])), "training", "object"),
    ("layers not list", json.dumps(_doc(network__hidden_layers=8)), "network.hidden_layers", "list"),
    ("layer zero", json.dumps(_doc(network__hidden_layers=[8, 0])), "network.hidden_layers[1]", "out of range"),
    ("layer too wide", json.dumps(_doc(network__hidden_layers=[100000])), "network.hidden_layers[0]",
     "out of range"),
    ("too many layers", json.dumps(_doc(network__hidden_layers=[2] * 40)), "network.hidden_layers", "entries"),
    ("repeated feature", json.dumps(_doc(data__features=["x", "x"])), "data.features", "repeat"),
    ("schema version", json.dumps(_doc(schema_version=99)), "schema_version", "not supported"),
    ("no schema version", json.dumps(_doc(schema_version=_DELETE)), "schema_version", "missing"),
    ("wrong format", json.dumps(_doc(format="something-else")), "format", "gdlab-experiment"),
    ("unknown kind", json.dumps(_doc(kind="quantum")), "kind", "network"),
    ("name not text", json.dumps(_doc(name=42)), "name", "text"),
    ("runs not list", json.dumps({**_doc(kind="surface"), "runs": {"a": 1}}), "runs", "list"),
    ("run unknown key", json.dumps({**_doc(kind="surface"), "runs": [{"hidden_layers": [3]}]}),
     "runs[0].hidden_layers", "unknown key"),
    ("run bad lr", json.dumps({**_doc(kind="surface"), "runs": [{"learning_rate": -2}]}),
     "runs[0].learning_rate", "out of range"),
    ("deep nesting", "[" * 100000 + "]" * 100000, "", ""),
    ("null value", json.dumps(_doc(training__momentum=None)), "training.momentum", "null"),
]


@pytest.mark.parametrize("label, text, field, words", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_files_name_the_problem(tmp_path, label, text, field, words):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert err.value.field == field, str(err.value)
    assert words in str(err.value)


def test_binary_junk_and_oversized_files_are_refused_clearly(tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(ExperimentError, match="not a text"):
        load_experiment(junk)
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(50_000_000)
    with pytest.raises(ExperimentError, match="at most"):
        load_experiment(big)
    with pytest.raises(ExperimentError, match="cannot read"):
        load_experiment(tmp_path / "missing.json")


def test_loading_never_executes_code(tmp_path):
    marker = tmp_path / "pwned"
    doc = _doc(name=f"__import__('os').system('touch {marker}')")
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(doc))
    exp = load_experiment(path)
    assert exp.name.startswith("__import__") and not marker.exists()


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path, monkeypatch):
    exp = Experiment(name="first")
    path = exp.save(tmp_path / "e.json")
    import gdlab.core.io.atomic as atomic

    def boom(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", boom)
    with pytest.raises(OSError):
        Experiment(name="second").save(path)
    assert load_experiment(path).name == "first"
    assert os.listdir(tmp_path) == ["e.json"]


def test_unknown_parameter_lookup_lists_known_ones():
    with pytest.raises(ExperimentError, match="learning_rate"):
        get_param("alpha")


def test_schema_version_is_written():
    assert json.loads(Experiment().to_json())["schema_version"] == SCHEMA_VERSION


def test_saved_files_get_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        path = Experiment().save(tmp_path / "e.json")
    finally:
        os.umask(old)
    assert (path.stat().st_mode & 0o777) == 0o644


def test_atomic_write_gives_open_permissions_without_touching_the_umask(tmp_path, monkeypatch):
    import stat

    import gdlab.core.io.atomic as atomic

    real_umask = os.umask
    current = real_umask(0o022)
    real_umask(current)
    try:
        for mask in (0o022, 0o077, 0o002):
            real_umask(mask)

            def no_umask(*args):
                raise AssertionError("os.umask called during an atomic write")

            monkeypatch.setattr(os, "umask", no_umask)
            path = atomic.atomic_write_bytes(tmp_path / f"f{mask:o}.bin", b"data")
            monkeypatch.undo()
            assert path.read_bytes() == b"data"
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~mask
            reference = tmp_path / f"ref{mask:o}.bin"
            with open(reference, "wb"):
                pass
            assert stat.S_IMODE(os.stat(path).st_mode) == stat.S_IMODE(os.stat(reference).st_mode)
            atomic.atomic_write_text(path, "again")                 # overwrite keeps the same rule
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~mask
    finally:
        monkeypatch.undo()
        real_umask(current)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f2.bin", "f22.bin", "f77.bin",
                                                           "ref2.bin", "ref22.bin", "ref77.bin"]
