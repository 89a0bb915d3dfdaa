"""The window's handout sheet is the command line's: a run nobody changed gives the same pixels as
`gdlab export NAME --view sheet --iterations N`; a run changed live says so in its caption."""
import pytest
from PySide6.QtGui import QImage

from gdlab.core.files.presets import load_preset
from gdlab.gui.figures.export import export_experiment
from gdlab.gui.figures.sheet import caption

TIMEOUT = 15_000


def step_to(qtbot, window, n):
    window.session.step(n - window.session.latest.snapshot.iteration)
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == n, timeout=TIMEOUT)


def export_sheet(window, path):
    window.export_dialog()
    dialog = window._export
    dialog.what.setCurrentText("Handout sheet (one page)")
    dialog.format.setCurrentText("PNG")
    dialog.resolution.setCurrentIndex(0)  # Screen (1×): as `gdlab export --scale 1`
    dialog.path.setText(str(path))
    assert dialog.export()
    return dialog


@pytest.mark.slow
def test_the_windows_handout_sheet_equals_the_cli_sheet_pixel_for_pixel(qtbot, make_window, tmp_path):
    window = make_window("xor", size=(1000, 700))
    step_to(qtbot, window, 120)
    window.view_tabs.setCurrentWidget(window.network_view)
    size, tab, splitter = window.size(), window.view_tabs.currentIndex(), window.top_splitter.sizes()
    export_sheet(window, tmp_path / "window.png")
    cli = export_experiment(load_preset("xor"), "sheet", tmp_path / "cli.png", iterations=120, scale=1)
    mine, theirs = QImage(str(tmp_path / "window.png")), QImage(str(cli))
    assert not mine.isNull() and mine.size() == theirs.size()
    assert mine == theirs, "the window's sheet differs from `gdlab export xor --view sheet --iterations 120`"
    assert (window.size(), window.view_tabs.currentIndex(), window.top_splitter.sizes()) == (size, tab, splitter)


def test_a_run_changed_live_says_so_on_its_sheet(qtbot, make_window, tmp_path):
    window = make_window("lr-just-right")
    step_to(qtbot, window, 3)
    window.panel.fields["learning_rate"].set_value(0.1)
    window._on_param_changed("learning_rate", 0.1)
    qtbot.waitUntil(lambda: bool(window.session.latest.changes), timeout=TIMEOUT)
    step_to(qtbot, window, 5)
    dialog = export_sheet(window, tmp_path / "changed.png")
    assert dialog.sheet_replay is None
    text = caption(dialog.experiment, dialog.summary)
    assert "changed while it trained (α set to 0.1 at iteration 3)" in text
    window.reset()
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 0 and not window.session.latest.changes,
                    timeout=TIMEOUT)
