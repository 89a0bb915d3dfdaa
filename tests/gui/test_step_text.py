"""Readouts that add up: a calculator fed the printed operands of a written-out step gets the
printed result at the printed precision; a learning rate is printed as it was typed."""
import re

import numpy as np
import pytest

from gdlab.core.files.presets import load_preset
from gdlab.core.run.training import make_run
from gdlab.gui.plots.step_text import given, narrate, step_lines

NUMBER = r"−?\d+(?:\.\d*)?(?:e[−+]\d+)?"


def read(text: str) -> float:
    return float(text.replace("−", "-"))


def digits_after_point(text: str) -> int:
    mantissa = text.replace("−", "-").split("e")[0]
    return len(mantissa.partition(".")[2]), int(text.replace("−", "-").split("e")[1]) if "e" in text else 0


def agrees(value: float, printed: str) -> bool:
    """``value`` rounds to ``printed`` (half a unit of its last digit, and a hair for binary fractions)."""
    decimals, power = digits_after_point(printed)
    return abs(value - read(printed)) <= 0.5 * 10.0 ** (power - decimals) * (1 + 1e-9) + 1e-15


def check_sgd_line(line: str) -> None:
    found = re.fullmatch(rf"w_new = ({NUMBER}) − ({NUMBER}) × \(?({NUMBER})\)? = ({NUMBER})", line)
    assert found, line
    w, lr, g, new = found.groups()
    assert agrees(read(w) - read(lr) * read(g), new), line


@pytest.mark.parametrize("preset", ["lr-too-large", "lr-just-right", "lr-too-small", "lr-divergent"])
def test_every_step_of_a_one_weight_preset_adds_up_from_its_printed_digits(preset):
    run = make_run(load_preset(preset))
    lines = 0
    while not run.finished and lines < 40:
        snap = run.snapshot()
        w, g, lr = float(snap.w[0, 0]), float(snap.gradient[0, 0]), float(snap.learning_rates[0])
        w_new = float(snap.w_next[0, 0])
        known, update = step_lines("sgd", w, g, lr, w_new, {}, {})
        check_sgd_line(update)
        assert known.startswith(f"w = {update.split(' = ')[1].split(' − ')[0]}   ")   # the same digits above
        sentence = narrate(run.iteration, "sgd", w, g, lr, w_new)
        if g:
            found = re.search(rf"gradient is ({NUMBER}) and α is ({NUMBER}), so w moves \w+ by ({NUMBER})\.", sentence)
            assert found and agrees(abs(read(found[1])) * read(found[2]), found[3]), sentence
        run.step(1)
        lines += 1
    assert lines >= 3


def test_a_random_thousand_steps_add_up():
    rng = np.random.default_rng(17)
    for _ in range(1000):
        w, g = rng.normal(0, 3), rng.normal(0, 3) * 10.0 ** rng.integers(-4, 3)
        lr = float(rng.choice([0.1, 0.95, 0.9995, 0.012345, 1.0, 3e-4]))
        check_sgd_line(step_lines("sgd", w, g, lr, w - lr * g, {}, {})[1])


def test_a_typed_learning_rate_is_printed_as_typed():
    assert given(0.9995) == "0.9995" and given(0.1) == "0.100" and given(0.95) == "0.950"
    assert given(0.012345) == "0.012345" and given(1.0) == "1.00"
    assert "α = 0.9995" in step_lines("sgd", 1.0, 2.0, 0.9995, 1.0 - 0.9995 * 2.0, {}, {})[0]


def test_the_rule_is_written_with_the_runs_own_hyperparameters():
    """A race's snapshot gives each run's make_optimizer keywords; the written rule uses them."""
    race = make_run(load_preset("lr-just-right").replace(optimizer="rmsprop", rmsprop_alpha=0.9))
    race.step(1)
    snap = race.snapshot()
    assert snap.hyper == [{"alpha": 0.9}] and snap.optimizers == ["rmsprop"]
    w, g, lr = float(snap.w[0, 0]), float(snap.gradient[0, 0]), float(snap.learning_rates[0])
    terms = {k: float(np.ravel(v)[0]) for k, v in snap.step_terms[0].items()}
    _, update = step_lines("rmsprop", w, g, lr, float(snap.w_next[0, 0]), terms, snap.hyper[0])
    assert update.startswith("s ← 0.900·s + 0.100·(dJ/dw)² = ")
    _, update = step_lines("momentum", 1.0, 2.0, 0.1, 0.8, {"velocity": 2.0}, {})  # the rule's default μ
    assert update.startswith("v ← 0.900·v + dJ/dw = 2.00")
