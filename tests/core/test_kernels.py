"""The kernels are the one implementation: the core runs them, and the exported scripts carry their source.

* every kernel's source appears, verbatim, in the scripts of the experiments that use it, and every
  kernel is used by some script;
* a toy optimiser, registered here (one kernel and one declaration), trains in `gdlab run` and in
  its exported script to the same history, byte for byte;
* the network's fast, buffered activations give the kernels' numbers bit for bit.
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import io
import types

import numpy as np
import pytest

from gdlab.cli import main
from gdlab.core.codegen import export_code, write_code
from gdlab.core.codegen.source import kernel_source
from gdlab.core.files.experiment import Experiment, ExperimentError
from gdlab.core.files.presets import load_preset
from gdlab.core.nn import activation_kernels
from gdlab.core.nn.activations import ACTIVATIONS
from gdlab.core.optim import optimizer_kernels, schedule_kernels
from gdlab.core.optim.optimizer_kernels import OptimizerRule, no_state, register_optimizer, unregister_optimizer
from gdlab.core.optim.optimizers import OPTIMIZER_NAMES, make_optimizer
from gdlab.core.params import PARAMS_BY_NAME
from gdlab.core.run import history_kernels, stopping_kernels
from gdlab.core.run.run_status import schedule_from_values
from gdlab.core.surface import surface_kernels
from gdlab.core.surface.surfaces import SURFACE_NAMES, get_surface

KERNEL_MODULES = (optimizer_kernels, surface_kernels, schedule_kernels, activation_kernels, stopping_kernels,
                  history_kernels)
HISTORY_KERNELS = (history_kernels.header_line, history_kernels.history_line, history_kernels.status_line)

NETWORK_CASES = {
    **{f"optimizer-{name}": dict(optimizer=name) for name in OPTIMIZER_NAMES},
    **{f"schedule-{name}": dict(schedule=name, decay_steps=10) for name in ("step", "exponential", "inverse_time")},
    "relu": dict(hidden_activation="relu"), "leaky-relu": dict(hidden_activation="leaky_relu"),
    "softmax-hidden-mse": dict(hidden_activation="softmax", dataset="spiral3", loss="mse"),
    "linear-sine": dict(hidden_activation="linear", dataset="sine"),
    "mse-sigmoid": dict(loss="mse"),
}
SURFACE_CASES = {name: dict(surface=name, start=[]) for name in SURFACE_NAMES}


def kernels_of(module: types.ModuleType) -> list[types.FunctionType]:
    return [f for _, f in inspect.getmembers(module, inspect.isfunction) if f.__module__ == module.__name__]


def network_kernels(experiment) -> list:
    """The kernels a network experiment's script must carry."""
    rule = optimizer_kernels.OPTIMIZER_RULES[experiment["optimizer"]]
    used = [rule.init, rule.update]
    hidden = experiment["hidden_activation"] if experiment["hidden_layers"] else None
    output, loss = experiment.output_and_loss()
    used += [activation_kernels.VALUES[a] for a in (hidden, output) if a]
    if hidden and hidden != "linear":
        used.append(activation_kernels.SLOPES[hidden])
    fused = (loss, output) in (("bce", "sigmoid"), ("cross_entropy", "softmax"))
    if not fused and output != "linear":
        used.append(activation_kernels.SLOPES[output])
    if experiment["schedule"] != "constant":
        used.append(schedule_from_values(experiment.values).kernel()[0])
    used.append(stopping_kernels.divergence_reason)
    if experiment["tolerance"] > 0 or experiment["grad_tolerance"] > 0:   # full batch: the convergence tests
        used.append(stopping_kernels.convergence_reason)
    return used + list(HISTORY_KERNELS)


def surface_kernel_names(name: str) -> list[str]:
    return [f"{name}_cost", f"{name}_gradient"]


@pytest.mark.parametrize("case", NETWORK_CASES)
def test_a_network_script_carries_its_kernels_verbatim(case):
    experiment = load_preset("xor").replace(**NETWORK_CASES[case])
    text = export_code(experiment)
    for fn in network_kernels(experiment):
        assert_carried(fn, text, case)
    if experiment["optimizer"] != "momentum":
        assert "def momentum_update(" not in text    # only the kernels the experiment uses go in


@pytest.mark.parametrize("surface", SURFACE_NAMES)
def test_a_race_script_carries_its_surface_optimizer_and_schedule_kernels_verbatim(surface):
    experiment = load_preset("optimizer-race").replace(**SURFACE_CASES[surface])
    text = export_code(experiment)
    s = get_surface(surface)
    for fn in (s._value, s._gradient):
        assert_carried(fn, text, surface)
        assert fn.__name__ in surface_kernel_names(surface)
    for run in experiment.run_values():
        rule = optimizer_kernels.OPTIMIZER_RULES[run["optimizer"]]
        assert_carried(rule.update, text, surface)
        assert_carried(rule.init, text, surface)
    for fn in HISTORY_KERNELS:
        assert_carried(fn, text, surface)
    others = [n for n in SURFACE_NAMES if n != surface]
    assert not any(f"def {n}_cost(" in text for n in others)


def test_a_race_with_schedules_carries_each_schedule_kernel_once():
    experiment = load_preset("optimizer-race").replace(runs=[
        dict(optimizer="sgd", learning_rate=1e-3, schedule="step", decay_steps=50, decay_rate=0.7),
        dict(optimizer="sgd", learning_rate=1e-3, schedule="exponential", decay_steps=30, decay_rate=0.5),
        dict(optimizer="adam", learning_rate=0.05, schedule="inverse_time", decay_steps=10, decay_rate=2.0),
        dict(optimizer="adagrad", learning_rate=0.1)])
    text = export_code(experiment)
    for fn in (schedule_kernels.step_factor, schedule_kernels.exponential_factor,
               schedule_kernels.inverse_time_factor, schedule_kernels.constant_factor):
        assert_carried(fn, text, "schedules")
        assert text.count(f"def {fn.__name__}(") == 1
    assert text.count("def power_or_inf(") == 1


@functools.lru_cache(maxsize=None)
def all_kernels() -> tuple[types.FunctionType, ...]:
    out = [f for module in KERNEL_MODULES for f in kernels_of(module)]
    return tuple(f for f in out if f not in (optimizer_kernels.register_optimizer,
                                            optimizer_kernels.unregister_optimizer))


@functools.lru_cache(maxsize=None)
def source(fn) -> str:
    return inspect.getsource(fn)


@functools.lru_cache(maxsize=None)
def brought_along(fn) -> tuple:
    """fn and the kernels it reads, as kernel_source brings them along."""
    text = kernel_source(fn)
    return tuple(other for other in all_kernels() if source(other) in text)


def assert_carried(fn, text: str, case: str) -> None:
    """fn's source is in the script, and so is every kernel it reads."""
    assert fn in brought_along(fn)
    for other in brought_along(fn):
        assert source(other) in text, (case, fn.__name__, other.__name__)


def test_the_cases_reach_every_kernel():
    """Every kernel is one the cases above check in their scripts, or a helper of one."""
    entries = [fn for c in NETWORK_CASES.values() for fn in network_kernels(load_preset("xor").replace(**c))]
    entries += [f for name in SURFACE_NAMES for f in (get_surface(name)._value, get_surface(name)._gradient)]
    entries.append(schedule_kernels.constant_factor)  # a race's runs without a schedule, beside scheduled ones
    entries += HISTORY_KERNELS
    reached = kernel_source(*entries)
    for fn in all_kernels():
        assert inspect.getsource(fn) in reached, f"{fn.__module__}.{fn.__name__}"


def test_the_frozen_app_ships_the_source_of_every_module_export_code_reads():
    """A frozen app has bytecode only, unless the spec copies the .py files whose source a script takes."""
    from pathlib import Path

    read = {Path(inspect.getfile(f)) for f in all_kernels()}
    assert {p.name for p in read} == {m.__name__.rsplit(".", 1)[1] + ".py" for m in KERNEL_MODULES}
    assert all(p.name.endswith("_kernels.py") and p.parent.parent.name == "core" for p in read)
    spec = (Path(__file__).parents[2] / "packaging" / "gdlab.spec").read_text(encoding="utf-8")
    assert 'rglob("*_kernels.py")' in spec


def test_kernel_source_brings_the_constants_and_helpers_a_kernel_reads():
    text = kernel_source(surface_kernels.one_weight_model_cost)
    assert text.index("MODEL_X = np.array(") < text.index("SXX, SXY, SYY =") < text.index("def one_weight_model_cost(")
    assert "def stack_pair(" not in text
    text = kernel_source(surface_kernels.beale_gradient)
    assert "BEALE_C = (1.5, 2.25, 2.625)" in text and text.index("def stack_pair(") < text.index("def beale_gradient(")
    text = kernel_source(optimizer_kernels.nesterov_update, optimizer_kernels.momentum_update)
    assert text.count("def add_to_velocity(") == 1 and text.index("def nesterov_update(") < text.index(
        "def momentum_update(")


# -- a toy optimiser: one kernel and one declaration --------------------------------------------------
def signum_update(w, g, state, lr, t):
    """signSGD: w ← w − α·sign(g)."""
    w -= lr * np.sign(g)


SIGNUM = OptimizerRule("signum", no_state, signum_update, "w ← w − α·sign(g)", "Sign descent: w ← w − α·sign(g).")


@pytest.fixture
def signum():
    """The toy optimiser, registered (and so a choice of the experiment's optimizer)."""
    register_optimizer(SIGNUM)
    yield SIGNUM
    unregister_optimizer("signum")


def test_a_registered_optimizer_is_made_by_name_and_steps_by_its_kernel(signum):
    opt = make_optimizer("signum", 0.5)
    w, g = np.array([1.0, 2.0, 3.0]), np.array([-4.0, 0.0, 0.25])
    opt.step([w], [g])
    assert w.tolist() == [1.5, 2.0, 2.5] and opt.t == 1 and opt.get_state()["slots"] == {}
    with pytest.raises(ValueError, match="signum has no hyperparameter 'momentum'"):
        make_optimizer("signum", 0.5, momentum=0.9)
    with pytest.raises(ValueError, match="registered already"):
        register_optimizer(signum)


def test_a_registered_optimizer_is_a_choice_of_the_experiment_and_unregistered_is_refused_again():
    choices = PARAMS_BY_NAME["optimizer"].choices
    assert "signum" not in choices and tuple(choices) == OPTIMIZER_NAMES
    register_optimizer(SIGNUM)
    try:
        assert tuple(choices) == (*OPTIMIZER_NAMES, "signum") and choices[-1] == "signum"
        assert Experiment(values={"optimizer": "signum"})["optimizer"] == "signum"
        assert "signum" in PARAMS_BY_NAME["optimizer"].describe_range()
    finally:
        unregister_optimizer("signum")
    assert "signum" not in choices and len(choices) == len(OPTIMIZER_NAMES)
    with pytest.raises(ExperimentError, match="'signum' is not allowed; expected one of sgd, momentum"):
        Experiment(values={"optimizer": "signum"})
    with pytest.raises(ValueError, match="unknown optimizer 'signum'; choose one of sgd, momentum, nesterov"):
        make_optimizer("signum", 0.1)


def test_the_exported_script_reproduces_gdlab_run_with_a_registered_optimizer(signum, tmp_path, numpy_only_python):
    experiment = load_preset("xor").replace(optimizer="signum", learning_rate=0.01)
    source = tmp_path / "experiment.json"
    experiment.save(source)
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(["run", str(source), "--out", str(tmp_path / "gdlab.csv"), "--iterations", "30"]) == 0
    script = write_code(experiment, tmp_path / "signum.py")
    text = script.read_text(encoding="utf-8")
    assert inspect.getsource(signum_update) in text and "# 7. The optimiser: signum" in text
    assert "signum (sign descent), α = 0.01" in text
    done = numpy_only_python(script, "--iterations", "30", "--out", "numpy.csv")
    assert done.returncode == 0, done.stderr
    expected = (tmp_path / "gdlab.csv").read_bytes()
    assert (tmp_path / "numpy.csv").read_bytes() == expected
    assert len(expected.splitlines()) == 33


# -- the buffered network code against the kernels ---------------------------------------------------
def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_the_buffered_activations_give_the_kernels_numbers(name):
    rng = np.random.default_rng(5)
    z = np.concatenate([rng.normal(0.0, 3.0, (4, 40)), [[0.0] * 40], [[-0.0] * 40],
                        [[800.0, -800.0] * 20]])                  # (neurons, samples), extremes included
    f = ACTIVATIONS[name]
    a = np.empty_like(z)
    f._value_into(z, a, 0)
    assert same_bits(a, activation_kernels.VALUES[name](z))
    g = rng.normal(size=z.shape)
    buffered = g.copy()
    f._backward_inplace(z, a, buffered, np.empty_like(g), 0)
    slope = activation_kernels.SLOPES.get(name)
    if slope is None:                                            # linear: f′ = 1, nothing to do
        assert same_bits(buffered, g)
    elif name == "softmax":
        assert same_bits(buffered, slope(a, g))
    else:
        assert same_bits(buffered, slope(a) * g)


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_the_optimizer_on_weights_and_biases_apart_steps_as_the_kernel_on_them_folded(name):
    """A network run steps W_l and b_l as two arrays; the script steps [W_l; b_l] as one: the same bits."""
    rng = np.random.default_rng(1)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=4)
    Wb = np.vstack([W, b[None, :]])
    opt = make_optimizer(name, 0.05)
    rule = optimizer_kernels.OPTIMIZER_RULES[name]
    state = rule.init(Wb)
    for t in (1, 2, 3):
        gW, gb = rng.normal(size=W.shape), rng.normal(size=b.shape)
        opt.step([W, b], [gW, gb])
        rule.update(Wb, np.vstack([gW, gb[None, :]]), state, 0.05, t, **opt.hyper)
    assert same_bits(np.vstack([W, b[None, :]]), Wb)
    assert set(state) == set(rule.slots) == set(opt.get_state()["slots"])
