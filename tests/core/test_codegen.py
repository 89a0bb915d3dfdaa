"""Show me the numpy: the exported script reproduces `gdlab run` byte for byte, with numpy alone.

Every script runs in a subprocess whose Python can import numpy and the standard library and
nothing else (no site-packages, so no gdlab): ``python -S -s`` with PYTHONPATH holding only a
link to numpy. Its CSV is compared, byte for byte, with what ``gdlab run`` writes in-process.

The byte-for-byte scripts run one after another in one such Python (``numpy_only_scripts``), each
as ``__main__`` in a fresh namespace, from its own folder, with its own argv, its output captured
and numpy's global state put back after it: the ~0.1 s to start Python and import numpy is paid
once, not for every script. The tests of the environment itself and of the script's command line
keep a fresh process of their own (``numpy_only_python``).
"""
from __future__ import annotations

import ast
import contextlib
import io
import json
import select
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gdlab.cli import main
from gdlab.core import codegen
from gdlab.core.codegen import export_code, write_code
from gdlab.core.files.experiment import Experiment
from gdlab.core.files.presets import load_preset, preset_names
from gdlab.core.nn.activations import ACTIVATION_NAMES
from gdlab.core.nn.losses import LOSS_NAMES
from gdlab.core.optim.optimizers import OPTIMIZER_NAMES
from gdlab.core.optim.schedules import SCHEDULE_NAMES
from gdlab.core.surface.surfaces import SURFACE_NAMES

NETWORK_PRESETS = [name for name in preset_names() if load_preset(name).kind == "network"]
SURFACE_PRESETS = [name for name in preset_names() if load_preset(name).kind == "surface"]

# name -> (preset, changes, iterations); iterations None runs to the experiment's own end
VARIATIONS: dict[str, tuple[str, dict, int | None]] = {
    "momentum": ("xor", dict(optimizer="momentum", learning_rate=0.1), 300),
    "nesterov": ("xor", dict(optimizer="nesterov", learning_rate=0.1, hidden_layers=[6, 5]), 300),
    "adagrad": ("xor", dict(optimizer="adagrad", learning_rate=0.1), 300),
    "rmsprop": ("xor", dict(optimizer="rmsprop", learning_rate=0.01, rmsprop_alpha=0.9), 300),
    "adam-betas": ("xor", dict(optimizer="adam", learning_rate=0.02, beta1=0.8, beta2=0.99), 300),
    "relu": ("xor", dict(hidden_activation="relu", hidden_layers=[8, 8], init="he"), 300),
    "leaky-relu": ("xor", dict(hidden_activation="leaky_relu", init="he", seed=3), 300),
    "linear-hidden": ("xor", dict(dataset="moons", hidden_activation="linear", init="normal", init_scale=0.5), 300),
    "softmax-hidden": ("xor", dict(hidden_activation="softmax", hidden_layers=[5]), 300),
    "sine-mse": ("xor", dict(dataset="sine", hidden_layers=[16], learning_rate=0.1), 300),
    "mse-sigmoid-output": ("xor", dict(loss="mse", learning_rate=1.0), 300),
    "mse-tanh-output": ("xor", dict(loss="mse", output_activation="tanh"), 300),
    "mse-softmax-output": ("xor", dict(dataset="spiral3", loss="mse", hidden_layers=[8]), 300),
    "spiral3-cross-entropy": ("xor", dict(dataset="spiral3", hidden_layers=[16, 16], optimizer="adam",
                                          learning_rate=0.01), 300),
    "bce-three-outputs": ("xor", dict(dataset="spiral3", loss="bce", output_activation="sigmoid"), 300),
    "step-schedule": ("xor", dict(schedule="step", decay_steps=50, decay_rate=0.5), 300),
    "exponential-schedule": ("xor", dict(schedule="exponential", decay_steps=100, decay_rate=0.3), 300),
    "inverse-time-schedule": ("xor", dict(schedule="inverse_time", decay_steps=10, decay_rate=0.7,
                                          optimizer="momentum"), 300),
    "mini-batch": ("xor", dict(batch_size=16, optimizer="momentum", learning_rate=0.05), 300),
    "mini-batch-cross-entropy-l2": ("xor", dict(dataset="spiral3", batch_size=7, regularization="l2",
                                                reg_rate=0.01, optimizer="rmsprop", learning_rate=0.01), 300),
    "l1": ("xor", dict(regularization="l1", reg_rate=0.01), 300),
    "l2": ("xor", dict(regularization="l2", reg_rate=0.01, optimizer="adam", learning_rate=0.02), 300),
    "all-features": ("xor", dict(dataset="circles", features=["x", "square", "product", "sin"]), 300),
    "sin-feature-1d": ("xor", dict(dataset="sine", features=["sin", "square"], hidden_layers=[8]), 300),
    "no-hidden-layer": ("xor", dict(dataset="gaussians", hidden_layers=[]), 300),
    "zero-init": ("xor", dict(init="zeros"), 300),
    "no-test-set": ("xor", dict(test_fraction=0.0), 300),
    "regression-mini-batch-no-test-set": ("xor", dict(dataset="sine", hidden_layers=[8], batch_size=10,
                                                      test_fraction=0.0, learning_rate=0.1), 200),
    "multiclass-no-test-set": ("xor", dict(dataset="spiral3", hidden_layers=[8], test_fraction=0.0), 200),
    # runs to their end: convergence (both tests), divergence (both kinds), and a long run
    "converges-by-gradient": ("xor", dict(dataset="linear", hidden_layers=[], learning_rate=0.5), None),
    "converges-by-cost": ("xor", dict(dataset="linear", hidden_layers=[], learning_rate=0.9,
                                      grad_tolerance=0.0, tolerance=1e-12), None),
    # α = 1.9 overshoots the minimum every step: J settles (|ΔJ| ≤ tol) while the weights still swing,
    # so the cost test holds some iterations before the run may stop
    "converges-by-cost-once-the-weights-settle": ("xor", dict(dataset="linear", hidden_layers=[], learning_rate=1.9,
                                                              grad_tolerance=0.0, tolerance=1e-8), None),
    "diverges-by-growth": ("xor", dict(dataset="linear", hidden_layers=[], learning_rate=2.2, tolerance=0.0,
                                       grad_tolerance=0.0), None),
    "diverges-to-inf": ("xor", dict(dataset="sine", hidden_activation="linear", hidden_layers=[64] * 6,
                                    learning_rate=1e4, init="normal", init_scale=100.0), None),
    "long-run-converges": ("xor", dict(schedule="step", decay_steps=50, decay_rate=0.5), None),
}


_THREE = [dict(optimizer="sgd", learning_rate=1e-3), dict(optimizer="momentum", learning_rate=1e-3),
          dict(optimizer="adam", learning_rate=0.05, label="adam")]
# surface races: name -> (preset, changes, iterations)
RACES: dict[str, tuple[str, dict, int | None]] = {
    **{f"surface-{s}": ("optimizer-race", dict(surface=s, start=[], runs=_THREE), 300) for s in SURFACE_NAMES},
    "one-group-of-learning-rates": ("lr-too-small", dict(runs=[dict(learning_rate=a) for a in (0.01, 0.5, 0.9, 1.1)]),
                                    None),
    "schedules-and-shared-groups": ("optimizer-race", dict(runs=[
        dict(optimizer="sgd", learning_rate=1e-3, schedule="step", decay_steps=50, decay_rate=0.7),
        dict(optimizer="sgd", learning_rate=1e-3, schedule="exponential", decay_steps=30, decay_rate=0.5),
        dict(optimizer="adam", learning_rate=0.05, schedule="inverse_time", decay_steps=10, decay_rate=2.0),
        dict(optimizer="rmsprop", learning_rate=0.01, rmsprop_alpha=0.9, label="rms ρ=0.9"),
        dict(optimizer="rmsprop", learning_rate=0.02, rmsprop_alpha=0.9),
        dict(optimizer="adagrad", learning_rate=0.1), dict(optimizer="nesterov", learning_rate=1e-4)]), 400),
    "every-run-converges": ("lr-just-right", dict(runs=[dict(learning_rate=0.2),
                                                        dict(learning_rate=0.3, optimizer="momentum", momentum=0.5)]),
                            None),
    "every-run-diverges-one-to-inf": ("lr-divergent", dict(surface="beale", start=[1e6, 1e6], runs=[
        dict(learning_rate=1.0), dict(learning_rate=1e-8, label="tiny")]), None),
    "tolerances-off": ("lr-just-right", dict(tolerance=0.0, grad_tolerance=0.0), None),
    # α = 1 on J = w² steps w → −w: J never changes, but the weights jump, so that run must not converge
    "a-jump-across-the-minimum-is-not-convergence": ("lr-just-right", dict(runs=[
        dict(learning_rate=1.0, label="α = 1"), dict(learning_rate=0.25, label="α = 0.25")]), None),
}






def gdlab_run(experiment_file: Path, out: Path, iterations: int | None) -> None:
    args = ["run", str(experiment_file), "--out", str(out)]
    if iterations is not None:
        args += ["--iterations", str(iterations)]
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(args) == 0


# The loop of the numpy-only Python that runs the scripts: a request per line (JSON: script and
# arguments), an answer per line (JSON: exit code, stdout, stderr). numpy's error handling, print
# options and global random state and the warning filters are put back after every script.
SCRIPT_RUNNER = r"""
import io, json, os, runpy, sys, traceback, warnings
import numpy as np
answer = sys.stdout
try:
    import gdlab
except ImportError:
    answer.write(json.dumps("ready, no gdlab") + "\n")
else:
    answer.write(json.dumps("gdlab at " + gdlab.__file__) + "\n")
answer.flush()
for line in sys.stdin:
    script, args = json.loads(line)
    saved = (np.geterr(), np.get_printoptions(), np.random.get_state(), warnings.filters[:])
    out, err = io.StringIO(), io.StringIO()
    os.chdir(os.path.dirname(script))
    sys.argv = [script, *args]
    sys.stdout, sys.stderr = out, err
    code = 0
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:
            print(stop.code, file=err)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout, sys.stderr = answer, sys.__stderr__
        np.seterr(**saved[0])
        np.set_printoptions(**saved[1])
        np.random.set_state(saved[2])
        warnings.filters[:] = saved[3]
    answer.write(json.dumps([code, out.getvalue(), err.getvalue()]) + "\n")
    answer.flush()
"""


@pytest.fixture(scope="module")
def numpy_only_scripts(numpy_only_env):
    """Like ``numpy_only_python(script, *args)`` (the same numpy-only Python: ``-S -s``, a
    PYTHONPATH holding only numpy), but one process runs every script of this module."""
    lib, env = numpy_only_env
    runner = subprocess.Popen([sys.executable, "-S", "-s", "-c", SCRIPT_RUNNER], cwd=lib, env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, encoding="utf-8")

    def answer():
        if not select.select([runner.stdout], [], [], 120)[0]:
            runner.kill()  # the scripts after it fail too: this Python is gone
            pytest.fail("the script did not end within 120 s")
        line = runner.stdout.readline()
        assert line, f"the numpy-only Python ended (exit code {runner.poll()})"
        return json.loads(line)

    assert answer() == "ready, no gdlab"

    def run(script: Path, *args) -> subprocess.CompletedProcess:
        runner.stdin.write(json.dumps([str(script.resolve()), list(map(str, args))]) + "\n")
        runner.stdin.flush()
        code, out, err = answer()
        return subprocess.CompletedProcess([str(script), *map(str, args)], code, out, err)
    with runner:  # closes the pipes and waits for the end of the loop
        yield run


def check_same_history(experiment: Experiment, tmp_path: Path, python, iterations: int | None) -> str:
    """Export, run both, compare byte for byte; returns the reference CSV."""
    source = tmp_path / "experiment.json"
    experiment.save(source)
    reference = tmp_path / "gdlab.csv"
    gdlab_run(source, reference, iterations)
    folder = tmp_path / "script"
    folder.mkdir()
    script = write_code(experiment, folder / "exported.py")
    args = ["--out", "numpy.csv"] + ([] if iterations is None else ["--iterations", str(iterations)])
    done = python(script, *args)
    assert done.returncode == 0, done.stderr
    expected, got = reference.read_bytes(), (folder / "numpy.csv").read_bytes()
    if got != expected:  # name the first differing line, not a wall of bytes
        for i, (a, b) in enumerate(zip(expected.splitlines(), got.splitlines())):
            assert a == b, f"line {i} differs:\n gdlab run: {a!r}\n script:    {b!r}"
    assert got == expected
    last = expected.decode().splitlines()[-1]
    assert done.stderr.strip().startswith(last.split(";")[0].removeprefix("# status: "))
    return expected.decode()


def columns(text: str) -> dict[str, list[str]]:
    """The CSV's columns by name, as written (the status line left out)."""
    lines = text.splitlines()
    names = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:-1]]
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


def final_iteration(text: str) -> int:
    return int(text.splitlines()[-1].split("iteration: ")[1].split(";")[0])


# -- the environment really is numpy-only ---------------------------------------------------------
def test_the_subprocess_python_has_numpy_but_not_gdlab(numpy_only_python, tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import numpy\ntry:\n    import gdlab\nexcept ImportError:\n    print('no gdlab')\n"
                     "else:\n    print('gdlab at', gdlab.__file__)\n")
    done = numpy_only_python(probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "no gdlab"


# -- byte for byte --------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("preset", NETWORK_PRESETS)
def test_every_network_preset_is_reproduced_byte_for_byte(preset, tmp_path, numpy_only_scripts):
    text = check_same_history(load_preset(preset), tmp_path, numpy_only_scripts, 300)
    assert len(text.splitlines()) == 303  # header, rows 0 … 300, status


@pytest.mark.slow
@pytest.mark.parametrize("preset", SURFACE_PRESETS)
def test_every_surface_preset_is_reproduced_byte_for_byte_to_its_end(preset, tmp_path, numpy_only_scripts):
    text = check_same_history(load_preset(preset), tmp_path, numpy_only_scripts, None)
    assert text.splitlines()[0].startswith("iteration,run1_cost,run1_w1")


@pytest.mark.slow
@pytest.mark.parametrize("name", RACES)
def test_every_race_variation_is_reproduced_byte_for_byte(name, tmp_path, numpy_only_scripts):
    preset, changes, iterations = RACES[name]
    text = check_same_history(load_preset(preset).replace(**changes), tmp_path, numpy_only_scripts, iterations)
    status = text.splitlines()[-1]
    if name == "every-run-converges":
        assert status.startswith("# status: converged;") and "every run converged." in status
    if name == "every-run-diverges-one-to-inf":
        assert status.startswith("# status: diverged;") and "the cost became inf" in status
    if name == "a-jump-across-the-minimum-is-not-convergence":
        cols = columns(text)
        assert set(cols["run1_cost"]) == {"2.25"}                        # J = 1.5² at every iteration
        assert cols["run1_w1"][:4] == ["1.5", "-1.5", "1.5", "-1.5"]      # the weights jump across
        assert status.startswith("# status: finished; iteration: 60;")
        assert "α = 1: max_iterations" in status and "α = 0.25: converged" in status


def test_the_races_cover_every_surface_optimizer_and_schedule():
    races = [load_preset(p).replace(**c) for p, c, _ in RACES.values()]
    assert {r["surface"] for r in races} == set(SURFACE_NAMES)
    runs = [run for r in races for run in r.run_values()]
    assert {run["optimizer"] for run in runs} == set(OPTIMIZER_NAMES)
    assert {run["schedule"] for run in runs} == set(SCHEDULE_NAMES)


@pytest.mark.slow
@pytest.mark.parametrize("name", VARIATIONS)
def test_every_variation_is_reproduced_byte_for_byte(name, tmp_path, numpy_only_scripts):
    preset, changes, iterations = VARIATIONS[name]
    text = check_same_history(load_preset(preset).replace(**changes), tmp_path, numpy_only_scripts, iterations)
    status = text.splitlines()[-1]
    if name.startswith("converges") or name == "long-run-converges":
        assert status.startswith("# status: converged;")
    elif name.startswith("diverges"):
        assert status.startswith("# status: diverged;")
    if name == "diverges-to-inf":
        assert "the cost became inf" in status
    if name == "converges-by-cost":
        assert "J has stopped falling" in status
    if name == "long-run-converges":
        assert final_iteration(text) > 1500
    experiment = load_preset(preset).replace(**changes)
    check_metric_and_epoch_columns(experiment, text)
    if name == "converges-by-cost-once-the-weights-settle":
        # the old rule (|ΔJ| alone) would have stopped at the first iteration where J settled; the
        # weights were still moving then, so the run went on
        cost = [float(x) for x in columns(text)["train_cost"]]
        tol = experiment["tolerance"]
        settled = [k for k in range(1, len(cost)) if abs(cost[k - 1] - cost[k]) <= tol * max(1.0, abs(cost[k]))]
        end = final_iteration(text)
        assert status.startswith("# status: converged;") and "and the weights by" in status
        assert settled[0] < end - 10 and end == settled[-1] == 99


def check_metric_and_epoch_columns(experiment: Experiment, text: str) -> None:
    """The metric the data's task calls for, nan without test points, and epoch = iteration × batch / n."""
    from gdlab.core.run.training import NetworkRun

    run = NetworkRun(experiment)
    cols = columns(text)
    metric = "r2" if run.task == "regression" else "accuracy"
    assert list(cols) == ["iteration", "train_cost", "test_cost", f"train_{metric}", f"test_{metric}", "epoch"]
    n = len(run.X_train)
    assert [float(e) for e in cols["epoch"]] == [k * run.batch_size / n for k in range(len(cols["epoch"]))]
    if not len(run.X_test):
        assert set(cols["test_cost"]) == set(cols[f"test_{metric}"]) == {"nan"}
    if metric == "accuracy":  # a count of points over n: a whole number of points right
        for name, size in (("train_accuracy", n), ("test_accuracy", len(run.X_test))):
            values = [float(x) for x in cols[name] if x != "nan"]
            assert all(0.0 <= a <= 1.0 and round(a * size) / size == a for a in values), name


def test_the_cases_cover_every_optimizer_activation_loss_and_schedule():
    experiments = [load_preset(p) for p in NETWORK_PRESETS] + [
        load_preset(p).replace(**c) for p, c, _ in VARIATIONS.values()]
    assert {e["optimizer"] for e in experiments} == set(OPTIMIZER_NAMES)
    assert {e["schedule"] for e in experiments} == set(SCHEDULE_NAMES)
    assert {e.output_and_loss()[1] for e in experiments} == set(LOSS_NAMES)
    hidden = {e["hidden_activation"] for e in experiments if e["hidden_layers"]}
    outputs = {e.output_and_loss()[0] for e in experiments}
    assert hidden | outputs == set(ACTIVATION_NAMES)
    assert {e["regularization"] for e in experiments} == {"none", "l1", "l2"}
    assert {e["init"] for e in experiments} == {"xavier", "he", "normal", "zeros"}
    assert any(e["batch_size"] for e in experiments)
    assert set().union(*(e["features"] for e in experiments)) == {"x", "square", "product", "sin"}


def test_embedded_initial_weights_are_used_when_a_seeded_draw_would_differ(tmp_path, numpy_only_scripts, monkeypatch):
    # e.g. weights set by hand: the script then carries them, exact, instead of drawing them
    monkeypatch.setattr(codegen.spec, "_seeded_weights", lambda *args: [np.full((1, 1), 7.0)])
    experiment = load_preset("xor").replace(optimizer="nesterov", learning_rate=0.1)
    text = export_code(experiment)
    assert "INITIAL_WEIGHTS = [" in text and "default_rng(WEIGHT_SEED)" not in text
    check_same_history(experiment, tmp_path, numpy_only_scripts, 200)


# -- the script itself ----------------------------------------------------------------------------
ALLOWED_IMPORTS = {"argparse", "math", "sys", "numpy"}


@pytest.mark.parametrize("name", ["xor", "spiral-deep", "vanishing-gradients", "l2", "spiral3-cross-entropy",
                                  "optimizer-race", "schedules-and-shared-groups"])
def test_the_script_imports_only_numpy_and_the_standard_library(name):
    cases = VARIATIONS | RACES
    experiment = load_preset(name) if name in preset_names() else load_preset(cases[name][0]).replace(**cases[name][1])
    text = export_code(experiment)
    tree = ast.parse(text)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= ALLOWED_IMPORTS
    assert "gdlab" not in imported and "__import__" not in text and "importlib" not in text
    compile(text, "exported.py", "exec")


def test_the_script_spells_out_the_chain_rule_and_the_update_rule():
    text = export_code(load_preset("xor"))
    for line in ("δ_L = ∂J/∂z_L = (ŷ − y)/n",                    # the output error
                 "δ_{l−1} = f′(z_{l−1}) ⊙ (δ_l W_lᵀ)",          # the chain rule, layer to layer
                 "∂J/∂W_l = a_{l−1}ᵀ δ_l,   ∂J/∂b_l = Σ_samples δ_l",
                 "z_l = a_{l−1} W_l + b_l",
                 "w -= lr * g                                     # w ← w − α·g",
                 "The bias is folded into the weight matrix as its last row",
                 "def forward(Wbs, X):", "def backward(Wbs, inputs, activations, Y):", "def train(max_iterations):"):
        assert line in text, line
    sections = ["1. The data", "2. The network and its initial weights", "3. The activations", "4. The cost",
                "5. The forward pass", "6. The backward pass (backpropagation)", "7. The optimiser: sgd",
                "8. How good the answers are: the accuracy", "9. The training loop", "10. Writing the history",
                "Appendix. The data"]
    positions = [text.index(f"# {s}") for s in sections]
    assert positions == sorted(positions)


@pytest.mark.parametrize("optimizer, rule", [
    ("momentum", "w -= lr * v                                     # w ← w − α·v"),
    ("nesterov", "w -= lr * (g + momentum * v)                    # w ← w − α·(g + μv)"),
    ("adagrad", "s += g * g                                      # s ← s + g²"),
    ("rmsprop", "s += (1.0 - alpha) * g * g                      # s ← ρs + (1 − ρ)g²"),
    ("adam", "w -= step_size * m / denominator                # w ← w − α·m̂ / (√v̂ + ε)"),
])
def test_each_optimizer_writes_out_its_own_rule_and_no_other(optimizer, rule):
    text = export_code(load_preset("xor").replace(optimizer=optimizer))
    assert rule in text
    assert f"# 7. The optimiser: {optimizer}" in text
    for name in OPTIMIZER_NAMES:
        if name != optimizer:
            assert f"def {name}_update(" not in text, (optimizer, name)


def test_only_the_pieces_the_experiment_uses_go_in():
    xor = export_code(load_preset("xor"))
    for absent in ("def relu", "def softmax", "def sigmoid_prime", "def penalty", "mini_batches", "learning_rate(t)",
                   "def features", "INITIAL_WEIGHTS"):
        assert absent not in xor, absent
    assert "def tanh(" in xor and "def sigmoid(" in xor and "def tanh_prime(" in xor
    deep = export_code(load_preset("vanishing-gradients"))
    assert "def mini_batches(" in deep and "SHUFFLE_SEED = [0, 0, 7]" in deep and "def converged" not in deep
    regression = export_code(load_preset("xor").replace(dataset="sine", regularization="l1"))
    assert "J = 1/(2n) Σ (ŷ − y)²" in regression and "def linear(" in regression
    assert "np.sign(Wb[:-1]) * LAMBDA" in regression and "np.logaddexp" not in regression


def test_each_task_scores_with_its_own_metric_only():
    binary = export_code(load_preset("xor"))
    multiclass = export_code(load_preset("xor").replace(dataset="spiral3"))
    regression = export_code(load_preset("xor").replace(dataset="sine"))
    assert "predicted = y_hat[0] > 0.5" in binary and "argmax" not in binary
    assert "predicted = np.argmax(y_hat, axis=0)" in multiclass and "y_hat[0] > 0.5" not in multiclass
    assert "R² = 1 − SS_res/SS_tot" in regression and "def test_cost_and_r_squared(" in regression
    for text in (binary, multiclass):
        assert "def accuracy(" in text and "def test_cost_and_accuracy(" in text and "r_squared" not in text
        assert "# 8. How good the answers are: the accuracy" in text
    assert "def accuracy(" not in regression and "# 8. How good the fit is: R²" in regression
    assert 'header_line(["iteration", "train_cost", "test_cost", "train_r2", "test_r2", "epoch"])' in regression
    assert ('header_line(["iteration", "train_cost", "test_cost", "train_accuracy", "test_accuracy", "epoch"])'
            in multiclass)


def test_the_stopping_rule_is_spelled_out_and_only_the_tests_switched_on_go_in():
    text = export_code(load_preset("xor"))
    for piece in ("|ΔJ| ≤ tol·max(1, |J|)", "‖Δw‖ ≤ √tol·max(1, ‖w‖)", "def step_and_weight_norms(Wbs, Wbs_before):",
                  "Wbs_before = [Wb.copy() for Wb in Wbs]",
                  "step_norm <= math.sqrt(tolerance) * max(1.0, weight_norm):",
                  "def converged(J, J_previous, grads, Wbs, Wbs_before, iteration):"):
        assert piece in text, piece
    gradient_only = export_code(load_preset("xor").replace(tolerance=0.0))
    assert "def gradient_norm(" in gradient_only and "TOLERANCE =" in gradient_only  # GRAD_TOLERANCE
    for absent in ("step_and_weight_norms", "Wbs_before", "\nTOLERANCE ="):
        assert absent not in gradient_only, absent
    race = export_code(load_preset("lr-just-right"))
    assert "w_previous = w.copy()" in race and "step_norm <= math.sqrt(tolerance) * max(1.0, weight_norm)" in race


def test_the_docstring_says_what_the_experiment_is_and_how_to_run_it():
    text = export_code(load_preset("spiral-deep"), command="spiral-deep", filename="spiral.py")
    doc = ast.get_docstring(ast.parse(text))
    assert doc.startswith("spiral-deep: a deeper network untangles two spirals")
    for part in ("2 → 16 → 16 → 16 → 1", "adam", "α = 0.01", "binary cross-entropy (bce)",
                 "python spiral.py --iterations 3000 --out history.csv",
                 "\n    gdlab run spiral-deep --iterations 3000 --out history.csv\n"):
        assert part in doc, part


def test_odd_names_and_descriptions_cannot_break_the_script():
    experiment = load_preset("xor").replace(name='a """ name \\ with C:\\path', summary="quotes ''' and \"\"\"",
                                            description='ends in a backslash \\\n\nand """')
    text = export_code(experiment)
    compile(text, "x.py", "exec")
    doc = ast.get_docstring(ast.parse(text))
    assert doc.startswith('a """ name \\ with C:\\path: quotes')


def test_the_script_checks_its_arguments_and_prints_without_out(tmp_path, numpy_only_python):
    experiment = load_preset("xor").replace(max_iterations=7)
    script = write_code(experiment, tmp_path / "xor7.py")
    done = numpy_only_python(script)  # no --iterations: the experiment's max_iterations
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "iteration,train_cost,test_cost,train_accuracy,test_accuracy,epoch"
    assert lines[-2].startswith("7,") and lines[-2].endswith(",7.0")
    assert lines[-1] == "# status: max_iterations; iteration: 7; reason: reached the iteration limit (7)."
    bad = numpy_only_python(script, "--iterations", "0")
    assert bad.returncode == 2 and "--iterations must be at least 1" in bad.stderr


def test_export_is_deterministic_and_takes_only_experiments():
    assert export_code(load_preset("xor")) == export_code(load_preset("xor"))
    assert export_code(load_preset("optimizer-race")) == export_code(load_preset("optimizer-race"))
    with pytest.raises(TypeError):
        export_code("xor")  # type: ignore[arg-type]


def test_a_race_script_has_its_surface_its_optimizers_and_no_network():
    text = export_code(load_preset("optimizer-race"))
    doc = ast.get_docstring(ast.parse(text))
    assert "Rosenbrock's valley: J(w) = (1 − w₁)² + 100·(w₂ − w₁²)²" in doc
    assert "\n    gdlab run optimizer-race --iterations 3000 --out history.csv\n" in doc
    for piece in ("def cost(w):", "def gradient(w):",
                  "return (ROSENBROCK_A - w1) ** 2 + ROSENBROCK_B * (w2 - w1 * w1) ** 2",
                  "w -= lr * g", "w -= lr * (g + momentum * v)", "w -= step_size * m / denominator", "def race(",
                  "w[stopped] = frozen", "GROUPS = ["):
        assert piece in text, piece
    for absent in ("def forward", "def backward", "TRAIN_POINTS", "def learning_rates("):
        assert absent not in text, absent
    parabola = export_code(load_preset("lr-just-right"))
    assert "return w[..., 0] ** 2" in parabola and "def adam_update(" not in parabola and "def sgd_update(" in parabola


def test_write_code_is_atomic(tmp_path):
    target = tmp_path / "x.py"
    assert write_code(load_preset("xor"), target) == target
    assert target.read_text(encoding="utf-8").startswith("#!/usr/bin/env python3\n")
    assert "python x.py --iterations 2000" in target.read_text(encoding="utf-8")
    with pytest.raises(OSError):
        write_code(load_preset("xor"), tmp_path / "missing" / "x.py")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.py"]  # no temporary file left behind


def test_the_digits_are_embedded_as_their_ink_counts():
    text = export_code(load_preset("digits"))
    assert len(text.encode()) < 200_000  # written as floats, they took 937 kB
    assert "X = np.array([[int(c, 17) for c in p[0]] for p in points]) / 16" in text
    assert "TRAIN_POINTS = [\n    ('01FGGG5007GGC9100DG3000005GB000000AG6000001FB000014EC00003FG6000', 5),\n" in text
