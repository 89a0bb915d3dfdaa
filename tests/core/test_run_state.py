"""A run's state as a value (get_state / set_state), and the experiment as the one source of its settings."""
import ast
from pathlib import Path

import numpy as np
import pytest

import gdlab
from gdlab.core.files.experiment import Experiment
from gdlab.core.files.presets import load_preset
from gdlab.core.optim.optimizers import make_optimizer
from gdlab.core.run.surface_race import SurfaceRace
from gdlab.core.run.timeline import attach_tape, fork, rewind
from gdlab.core.run.training import make_run


def net(**values):
    base = {"dataset": "xor", "n_samples": 40, "hidden_layers": [3], "max_iterations": 10_000,
            "tolerance": 0.0, "grad_tolerance": 0.0}
    base.update(values)
    return make_run(Experiment(values=base))


def network_record(run):
    return [b.copy() for b in run.model.blocks], {c: run.history.copy(c) for c in run.history.columns}


def assert_same_network(a, b):
    for x, y in zip(a[0], b[0]):
        np.testing.assert_array_equal(x, y)
    assert a[1].keys() == b[1].keys()
    for name in a[1]:
        np.testing.assert_array_equal(a[1][name], b[1][name], err_msg=name)


@pytest.mark.parametrize("values", [
    {"optimizer": "momentum", "learning_rate": 0.2},
    {"optimizer": "adam", "learning_rate": 0.05, "batch_size": 7},       # 32 samples: reshuffles mid-way
    {"optimizer": "nesterov", "learning_rate": 0.1, "batch_size": 5, "schedule": "step"},
])
def test_a_network_state_set_back_replays_the_same_steps_bit_for_bit(values):
    run = net(**values)
    run.step(13)
    state = run.get_state()
    run.step(29)
    first = network_record(run)
    run.set_state(state)
    assert run.iteration == 13 and len(run.history) == 14
    run.step(29)
    assert_same_network(network_record(run), first)
    assert run.optimizer.t == 42


def test_the_state_is_a_value_the_run_cannot_change():
    run = net(optimizer="adam", batch_size=7)
    run.step(5)
    state = run.get_state()
    weights = [w.copy() for w in state.weights]
    run.step(20)
    for got, want in zip(state.weights, weights):
        np.testing.assert_array_equal(got, want)
    assert state.iteration == 5 and state.optimizer[0]["t"] == 5
    with pytest.raises(ValueError):
        state.weights[0][0, 0] = 1.0     # read-only
    with pytest.raises(AttributeError):
        state.iteration = 7              # frozen


def test_a_race_state_set_back_replays_the_same_steps():
    race = make_run(load_preset("optimizer-race"))
    race.step(10)
    state = race.get_state()
    race.step(30)
    w, costs, paths, status = race.w.copy(), race.history.copy("costs"), race.history.copy("paths"), \
        list(race.run_status)
    race.set_state(state)
    assert race.iteration == 10 and len(race.history) == 11
    race.step(30)
    np.testing.assert_array_equal(race.w, w)
    np.testing.assert_array_equal(race.history.view("costs"), costs)
    np.testing.assert_array_equal(race.history.view("paths"), paths)
    assert race.run_status == status


def test_a_state_the_history_no_longer_holds_or_of_another_shape_is_refused():
    run = net()
    run.step(10)
    state = run.get_state()
    run.reset()
    with pytest.raises(ValueError, match="history"):
        run.set_state(state)
    with pytest.raises(ValueError, match="shape"):
        net(hidden_layers=[4]).set_state(net().get_state())


def test_a_live_change_is_in_the_run_s_experiment_and_is_what_the_run_uses():
    run = net(optimizer="momentum", learning_rate=0.1)
    run.step(3)
    before = run.get_state()
    run.set_learning_rate(0.7)
    run.set_optimizer("adam", beta1=0.8)
    run.set_max_iterations(500)
    exp = run.experiment
    assert (exp["learning_rate"], exp["optimizer"], exp["beta1"], exp["max_iterations"]) == (0.7, "adam", 0.8, 500)
    assert run.base_lr == 0.7 and run.max_iterations == 500
    assert run.optimizer.name == "adam" and run.optimizer.hyper["beta1"] == 0.8 and run.optimizer.lr == 0.7
    # a state from before the change keeps today's rewind: the settings in use stay, and the
    # momentum saved with it does not become Adam's state
    run.set_state(before)
    assert run.experiment is exp and run.optimizer.name == "adam" and run.optimizer.t == 0
    w, g = [p.copy() for p in run.model.params], [p.copy() for p in run.model.gradients]
    run.step(1)
    reference = make_optimizer("adam", 0.7, beta1=0.8)
    reference.step(w, g)
    for got, want in zip(run.model.params, w):
        np.testing.assert_array_equal(got, want)
    run.reinitialize(5)
    assert run.experiment["seed"] == 5 and run.experiment["learning_rate"] == 0.7


def test_a_rewind_after_a_live_change_trains_on_with_the_new_setting():
    run = net(learning_rate=0.1)
    attach_tape(run)
    run.step(20)
    run.set_learning_rate(0.4)
    rewind(run, 8)
    assert run.experiment["learning_rate"] == 0.4
    w, g = [p.copy() for p in run.model.params], [p.copy() for p in run.model.gradients]
    run.step(1)
    for got, p, gp in zip(run.model.params, w, g):
        np.testing.assert_allclose(got, p - 0.4 * gp, rtol=1e-13, atol=1e-16)


def test_a_twin_forked_after_a_live_change_has_the_settings_in_use():
    run = net(learning_rate=0.05, optimizer="momentum")
    run.step(5)
    run.set_learning_rate(0.3)
    twin = fork(run)
    assert twin.experiment["learning_rate"] == 0.3
    run.step(10)
    twin.step(10)
    for a, b in zip(run.model.blocks, twin.model.blocks):
        np.testing.assert_array_equal(a, b)


def test_a_race_s_experiment_holds_its_runs_after_live_changes():
    race = make_run(load_preset("optimizer-race"))
    race.step(5)
    race.set_learning_rate(0.3, run=1)
    assert race.experiment.run_values() == race.runs and race.runs[1]["learning_rate"] == 0.3
    assert race.experiment["learning_rate"] == 0.1, "one run's α is that run's alone"
    race.set_learning_rate(0.002)
    race.set_optimizer("adam", beta1=0.8)
    assert race.experiment.run_values() == race.runs
    assert race.experiment["learning_rate"] == 0.002 and race.experiment["optimizer"] == "adam"
    assert set(race.base_lr) == {0.002} and race.labels == [r["label"] for r in race.runs]
    again = SurfaceRace(race.experiment)      # the experiment alone gives the race's settings
    assert again.runs == race.runs
    single = make_run(load_preset("lr-just-right"))
    single.set_learning_rate(0.05)
    assert single.experiment.runs == () and single.experiment.run_values() == single.runs
    twin = fork(race, learning_rate=0.01)
    assert twin.experiment.run_values() == twin.runs and {r["learning_rate"] for r in twin.runs} == {0.01}


def test_no_timeline_code_reads_a_run_s_private_attributes():
    """Rewind and fork go through get_state / set_state: no ``run._x`` outside the run classes."""
    root = Path(gdlab.__file__).parent
    runs = {"run", "race", "twin", "probe"}
    for path in (root / "core/run/timeline.py", root / "gui" / "worker.py", root / "gui" / "window" / "timeline.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("_")):
                continue
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            assert name.lstrip("_") not in runs, f"{path.name}:{node.lineno} reads {name}.{node.attr}"
