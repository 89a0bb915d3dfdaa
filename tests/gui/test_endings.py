"""A race's ending and its replay: a readable summary, and paths trimmed to the moment scrubbed to."""
import numpy as np
import pytest

TIMEOUT = 15_000


def race_at_limit(qtbot, make_window, n=300):
    window = make_window("optimizer-race", max_iterations=n, playback_speed=0)
    window.session.step(n)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == n and window.message.isVisible(),
                    timeout=TIMEOUT)
    return window


@pytest.mark.slow
def test_the_end_of_a_race_is_a_short_summary_not_a_log_line(qtbot, make_window):
    window = race_at_limit(qtbot, make_window)
    text = window.message.text()
    assert "At the limit (300): adam is" in text and "from the minimum" in text
    assert "max_iterations (" not in text and "all runs stopped" not in text


@pytest.mark.slow
def test_scrubbing_a_race_trims_every_path_to_that_moment_in_its_colour(qtbot, make_window):
    window = race_at_limit(qtbot, make_window)
    view = window.contour_view
    window._redraw()
    colours = [items.path.opts["pen"].color().name() for items in view.runs]
    full = [len(items.path.getData()[0]) for items in view.runs]
    assert min(full) == 301
    window.timeline.go_to(100)
    qtbot.waitUntil(lambda: view._moment_paths is not None and len(view._moment_paths) == 101, timeout=TIMEOUT)
    for k, items in enumerate(view.runs):
        x, y = items.path.getData()
        assert len(x) == 101 and items.path.opts["pen"].color().name() == colours[k]
        assert np.allclose([x[-1], y[-1]], view.path(k)[100]), "the path ends where the run was at 100"
    assert len(set(colours)) == len(colours)
    window.timeline.go_live()
    qtbot.waitUntil(lambda: view._moment_paths is None, timeout=TIMEOUT)
    assert [len(items.path.getData()[0]) for items in view.runs] == full


@pytest.mark.slow
def test_legends_follow_a_live_change_of_alpha(qtbot, make_window):
    window = make_window("lr-too-large")
    window.session.step(3)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 3, timeout=TIMEOUT)
    assert "sgd α=0.95" in window.trajectory_plot.caption.text()
    window._on_param_changed("learning_rate", 0.5)
    window.session.step(1)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 4, timeout=TIMEOUT)
    assert window.session.latest.snapshot.labels == ["sgd α=0.5"]
    assert "sgd α=0.5" in window.trajectory_plot.caption.text()
    assert "α=0.95" not in window.trajectory_plot.caption.text()
    assert window.curve_view.run_picker.itemText(0) == "sgd α=0.5"


@pytest.mark.slow
def test_a_races_legend_follows_too(qtbot, make_window):
    window = make_window("lr-just-right", runs=[{"optimizer": "sgd"}, {"optimizer": "momentum",
                                                                        "learning_rate": 0.05}])
    window.session.step(2)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 2, timeout=TIMEOUT)
    window._on_param_changed("learning_rate", 0.1)
    window.session.step(1)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 3, timeout=TIMEOUT)
    legend = [label.text for _sample, label in window.cost_plot.plot_item.legend.items]
    assert legend == ["sgd α=0.1", "momentum α=0.1"]
    assert "sgd α=0.1" in window.contour_view.caption.text() or window.contour_view.labels == legend
