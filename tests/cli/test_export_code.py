"""gdlab export-code: the experiment as a numpy script whose history matches `gdlab run`'s byte for byte."""
from __future__ import annotations

import ast
import json

import numpy as np
import pytest

from gdlab.cli import VERBS
from gdlab.core.files.presets import load_preset


def export_and_compare(run_cli, tmp_path, python, source_args, iterations=None, script_iterations=None):
    """`gdlab run ARGS` and `gdlab export-code ARGS` + the script: the same bytes."""
    reference = tmp_path / "gdlab.csv"
    run_args = ["run", *source_args, "--out", reference] + (["--iterations", iterations] if iterations else [])
    code, _, err = run_cli(*run_args)
    assert code == 0, err
    folder = tmp_path / "export"
    folder.mkdir()
    script = folder / "exported.py"
    export_args = ["export-code", *source_args, "--out", script] + (["--iterations", iterations] if iterations else [])
    code, _, err = run_cli(*export_args)
    assert code == 0, err
    assert "wrote" in err and script.is_file()
    done = python(script, "--out", "numpy.csv",
                      *(["--iterations", script_iterations] if script_iterations else []))
    assert done.returncode == 0, done.stderr
    assert (folder / "numpy.csv").read_bytes() == reference.read_bytes()
    return script.read_text(encoding="utf-8")


def test_export_code_is_a_verb():
    assert "export-code" in VERBS


def test_export_code_with_override_flags_matches_gdlab_run(tmp_path, numpy_only_python, run_cli):
    text = export_and_compare(run_cli, tmp_path, numpy_only_python,
                              ["xor", "--optimizer", "nesterov", "--hidden-layers", "8,8", "--learning-rate", "0.05",
                               "--dataset", "xor"], iterations=250)
    doc = ast.get_docstring(ast.parse(text))
    assert ("\n    gdlab run xor --optimizer nesterov --hidden-layers 8,8 --learning-rate 0.05 --dataset xor "
            "--iterations 250 --out history.csv\n") in doc
    assert "python exported.py --iterations 250 --out history.csv" in doc
    assert "2 → 8 → 8 → 1" in doc and "nesterov" in doc


def test_a_mini_batch_adam_variant_of_a_preset_matches(tmp_path, numpy_only_python, run_cli):
    export_and_compare(run_cli, tmp_path, numpy_only_python,
                       ["vanishing-gradients", "--optimizer", "adam", "--learning-rate", "0.01", "--batch-size", "24",
                        "--regularization", "l2"], iterations=200)


def test_iterations_sets_the_scripts_default(tmp_path, numpy_only_python, run_cli):
    text = export_and_compare(run_cli, tmp_path, numpy_only_python, ["spiral-deep"], iterations=60)
    assert "MAX_ITERATIONS = 60" in text


def test_an_experiment_file_matches_to_its_end(tmp_path, numpy_only_python, run_cli):
    path = tmp_path / "linear fit.json"
    load_preset("xor").replace(dataset="linear", hidden_layers=[], learning_rate=0.5, name="linear fit").save(path)
    text = export_and_compare(run_cli, tmp_path, numpy_only_python, [path])
    assert (tmp_path / "gdlab.csv").read_text().splitlines()[-1].startswith("# status: converged;")
    assert f"\n    gdlab run '{path}' --iterations 2000 --out history.csv\n" in text


def test_a_surface_race_with_overrides_matches(tmp_path, numpy_only_python, run_cli):
    text = export_and_compare(run_cli, tmp_path, numpy_only_python,
                              ["optimizer-race", "--surface", "himmelblau", "--start", "0.5,-0.5", "--tolerance", "0"],
                              iterations=400)
    assert "Himmelblau's function" in text and "\n    gdlab run optimizer-race --surface himmelblau" in text


def test_your_own_csv_data_matches(tmp_path, numpy_only_python, run_cli):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(50, 3))
    labels = np.where(X[:, 0] * X[:, 1] > 0, "inside", "outside")
    data = tmp_path / "points.csv"
    data.write_text("a,b,c,where\n" + "".join(f"{float(x[0])!r},{float(x[1])!r},{float(x[2])!r},{lab}\n"
                                             for x, lab in zip(X, labels)))
    text = export_and_compare(run_cli, tmp_path, numpy_only_python,
                              ["--data", data, "--standardize", "--features", "x,square"], iterations=150)
    comments = " ".join(line.strip().removeprefix("# ") for line in text.splitlines() if line.startswith("#"))
    assert "x1 = a, x2 = b, x3 = c" in comments and "0 = inside, 1 = outside" in comments
    assert "standardised when they were imported" in comments


def test_a_regression_on_mini_batches_writes_r2_and_fractional_epochs(tmp_path, numpy_only_python, run_cli):
    export_and_compare(run_cli, tmp_path, numpy_only_python,
                       ["xor", "--dataset", "sine", "--hidden-layers", "6", "--batch-size", "8"], iterations=80)
    lines = (tmp_path / "gdlab.csv").read_text().splitlines()
    assert lines[0] == "iteration,train_cost,test_cost,train_r2,test_r2,epoch"
    rows = [line.split(",") for line in lines[1:-1]]
    n_train = round(8 / float(rows[1][5]))                       # epoch 1 = one batch of 8 over n
    assert [float(r[5]) for r in rows] == [k * 8 / n_train for k in range(81)]
    assert float(rows[-1][3]) > float(rows[0][3])                 # the fit improves: R² grows


def test_an_empty_test_set_is_nan_in_the_script_and_null_in_json(tmp_path, numpy_only_python, run_cli):
    args = ["xor", "--dataset", "spiral3", "--hidden-layers", "8", "--test-fraction", "0"]
    export_and_compare(run_cli, tmp_path, numpy_only_python, args, iterations=40)
    lines = (tmp_path / "export" / "numpy.csv").read_text().splitlines()
    names = lines[0].split(",")
    assert names == ["iteration", "train_cost", "test_cost", "train_accuracy", "test_accuracy", "epoch"]
    rows = [line.split(",") for line in lines[1:-1]]
    assert {r[2] for r in rows} == {r[4] for r in rows} == {"nan"}
    code, _, err = run_cli("run", *args, "--iterations", 40, "--out", tmp_path / "gdlab.json")
    assert code == 0, err
    history = json.loads((tmp_path / "gdlab.json").read_text())["history"]
    assert list(history) == names and history["test_cost"] == history["test_accuracy"] == [None] * 41
    for i, name in enumerate(names):  # the script's CSV and gdlab's JSON hold the same values
        assert [None if r[i] == "nan" else (int(r[i]) if name == "iteration" else float(r[i])) for r in rows] \
            == history[name], name


@pytest.mark.parametrize("args, message", [
    (["xor", "--learning-rate", "-1"], "training.learning_rate"),
    (["xor", "--hidden-layers", "4,x"], "is not a whole number"),
    (["no-such-preset"], "neither a preset nor an experiment file"),
    ([], "give an experiment or preset"),
    (["xor", "--label", "y"], "--label needs --data"),
    (["--data", "missing.csv"], "missing.csv"),
])
def test_bad_arguments_exit_2_and_write_nothing(tmp_path, args, message, run_cli):
    out = tmp_path / "x.py"
    code, _, err = run_cli("export-code", *args, "--out", out)
    assert code == 2
    assert message in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out, message", [("x.txt", "must end in .py"), ("nope/x.py", "does not exist")])
def test_a_bad_out_path_exits_2(tmp_path, out, message, run_cli):
    code, _, err = run_cli("export-code", "xor", "--out", tmp_path / out)
    assert code == 2 and message in err
    assert list(tmp_path.iterdir()) == []


def test_argparse_errors_exit_2(tmp_path, run_cli):
    assert run_cli("export-code", "xor")[0] == 2                       # no --out
    assert run_cli("export-code", "xor", "--out", tmp_path / "x.py", "--iterations", "0")[0] == 2
    assert run_cli("export-code", "xor", "--out", tmp_path / "x.py", "--no-such-flag", "1")[0] == 2
    assert list(tmp_path.iterdir()) == []


def test_help_explains_the_verb(run_cli):
    code, out, _ = run_cli("export-code", "--help")
    assert code == 0
    words = " ".join(out.split())
    assert "needs only numpy" in words and "cost-surface race" in words and "--learning-rate" in words
