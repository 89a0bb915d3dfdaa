"""Learning-rate schedules: the rate at chosen iterations against hand-computed values."""
import numpy as np
import pytest

from gdlab.core.files.experiment import Experiment
from gdlab.core.optim.schedules import SCHEDULE_NAMES, make_schedule
from gdlab.core.run.training import make_run, schedule_from_values


def test_constant():
    s = make_schedule("constant")
    assert [s(0.3, t) for t in (0, 1, 1000)] == [0.3, 0.3, 0.3]


def test_step_decay_halves_every_k_iterations():
    s = make_schedule("step", step_size=10, gamma=0.5)
    assert [s(0.8, t) for t in (0, 9, 10, 19, 20, 35)] == [0.8, 0.8, 0.4, 0.4, 0.2, 0.1]


def test_exponential_decay():
    s = make_schedule("exponential", gamma=0.9)
    assert s(1.0, 0) == 1.0
    assert s(1.0, 2) == pytest.approx(0.81, rel=1e-15)
    assert s(2.0, 3) == pytest.approx(2 * 0.729, rel=1e-15)


def test_inverse_time_decay():
    s = make_schedule("inverse_time", decay=0.5)
    assert [s(1.0, t) for t in (0, 1, 2, 6)] == pytest.approx([1.0, 1 / 1.5, 0.5, 0.25], rel=1e-15)


def test_base_rates_may_be_an_array():
    s = make_schedule("step", step_size=1, gamma=0.1)
    np.testing.assert_allclose(s(np.array([[1.0], [0.5]]), 2), [[0.01], [0.005]], rtol=1e-14)


def test_experiment_values_follow_tensorflow_decay_rate_and_steps():
    values = Experiment().values | {"decay_rate": 0.5, "decay_steps": 100}
    for name, t, expected in (("step", 250, 0.25), ("exponential", 250, 0.5 ** 2.5),
                              ("inverse_time", 250, 1 / (1 + 0.5 * 2.5)), ("constant", 250, 1.0)):
        sched = schedule_from_values(values | {"schedule": name})
        assert sched(1.0, t) == pytest.approx(expected, rel=1e-12), name


def test_a_run_steps_with_the_scheduled_rate():
    exp = Experiment(kind="surface", values={"surface": "parabola", "start": [1.0], "learning_rate": 0.1,
                                             "schedule": "step", "decay_rate": 0.5, "decay_steps": 1})
    run = make_run(exp)
    run.step(2)
    # w₁ = 1 − 0.1·2·1 = 0.8;  w₂ = 0.8 − 0.05·2·0.8 = 0.72
    assert run.w[0, 0] == pytest.approx(0.72, rel=1e-14)


@pytest.mark.parametrize("name, kwargs", [("nope", {}), ("step", {"step_size": 0, "gamma": 0.5}),
                                          ("exponential", {"gamma": -1.0}), ("inverse_time", {"decay": "x"}),
                                          ("step", {"gamma": 0.5})])
def test_bad_schedules_are_refused(name, kwargs):
    with pytest.raises(ValueError):
        make_schedule(name, **kwargs)


def test_names():
    assert SCHEDULE_NAMES == ("constant", "step", "exponential", "inverse_time")


def test_a_growing_rate_overflows_to_inf_and_the_run_diverges_instead_of_crashing():
    assert make_schedule("exponential", gamma=10.0)(1.0, 10_000) == float("inf")
    assert make_schedule("step", step_size=1, gamma=10.0)(1.0, 10_000) == float("inf")
    exp = Experiment(kind="surface", values={"surface": "bowl", "learning_rate": 0.01, "schedule": "exponential",
                                             "decay_rate": 10.0, "decay_steps": 1, "max_iterations": 2000})
    run = make_run(exp)
    assert run.step(2000) == "diverged"
