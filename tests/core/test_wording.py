"""Sentences that must agree with their own numbers."""
import re

import pytest

from gdlab.core.files.presets import load_preset
from gdlab.core.run.training import CONVERGED, make_run, shown_below


@pytest.mark.parametrize("value, limit, text", [(9.97e-7, 1e-6, "9.97e-07"), (9.9996e-7, 1e-6, "9.9996e-07"),
                                                (5e-7, 1e-6, "5e-07"), (0.0123, 0.1, "0.012")])
def test_a_value_under_a_limit_is_printed_under_it(value, limit, text):
    assert shown_below(value, limit) == text and float(text) < limit


def test_every_converged_race_run_says_a_gradient_length_below_its_tolerance():
    run = make_run(load_preset("optimizer-race"))
    while not run.finished:
        run.step(1000)
    said = 0
    for status, reason in zip(run.run_status, run.run_reason):
        found = re.search(r"fell to (\S+) at iteration \d+, below the tolerance (\S+?):", reason or "")
        if status == CONVERGED and found:
            assert float(found[1]) < float(found[2]), reason
            said += 1
    assert said >= 1


def test_lr_too_small_says_how_far_its_50_steps_go():
    experiment = load_preset("lr-too-small")
    run = make_run(experiment)
    start = float(run.snapshot().w[0, 0])
    run.step(50)
    covered = 1 - float(run.snapshot().w[0, 0]) / start      # the minimum is at w = 0
    assert 0.5 < covered < 2 / 3
    assert "less than two thirds of the way" in experiment.summary
    assert "barely" not in experiment.summary
