"""A race's ending in words: who reached the minimum when, who stopped where."""
import pytest

from gdlab.core.files.presets import load_preset
from gdlab.core.run.outcome import race_summary
from gdlab.core.run.training import make_run


def finished(name, **changes):
    run = make_run(load_preset(name).replace(**changes))
    while not run.finished:
        run.step(1000)
    return run


@pytest.mark.slow
def test_the_optimizer_race_ends_in_a_readable_summary():
    text = race_summary(finished("optimizer-race"))
    assert text.startswith("adam reached the minimum at iteration 2,0")
    assert "At the limit (3,000): rmsprop is 0.0" in text and text.endswith("sgd 1.26.")
    assert "max_iterations" not in text and "tolerance" not in text, "a summary, not the log line"


def test_a_local_minimum_and_a_divergence_are_named_as_such():
    assert race_summary(finished("local-minimum")).startswith("Came to rest: sgd α=0.05 in a local minimum at "
                                                              "iteration 32")
    assert race_summary(finished("lr-divergent")) == "Diverged: sgd α=1.2 at iteration 21."
    assert race_summary(finished("lr-just-right")) == "sgd α=0.25 reached the minimum at iteration 22."
