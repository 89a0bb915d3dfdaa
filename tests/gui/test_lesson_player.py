"""The lesson player drives a real MainWindow: every pause is rebuilt from scratch, so playing a
lesson twice, going back, or skipping ahead shows exactly the same state each time."""
import hashlib

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from gdlab.core.files.experiment import load_experiment
from gdlab.core.run.training import TERMINAL
from gdlab.core.teaching.lessons import load_lesson, parse_lesson
from gdlab.gui.figures.lesson_render import render_pauses
from gdlab.gui.lesson_player import HIGHLIGHT_COLOR, LessonPlayer
from gdlab.gui.slides import view_widget

TIMEOUT = 30_000
pytestmark = [pytest.mark.slow, pytest.mark.window_size(1400, 900)]  # every test here opens a lab window

LESSON = '''title = "A rehearsal"

[[step]]
load = "lr-too-large"
pause = "The start: w = 1.5."

[[step]]
run_to = 7
highlight = "curve"
pause = "Seven zig-zag steps."

[[step]]
load = "lr-divergent"
run = "end"
highlight = "cost"
pause = "It diverges."

[[step]]
load = "xor"
inspect = { weight = "W1[2,3]", phase = "backward", layer = 1 }
pause = "δ flows back to W1[2,3]."

[[step]]
run_to = 25
inspect = { weight = "W2[4,1]", phase = "cost" }
pause = "The cost, 25 iterations later."

[[step]]
set = { hidden_layers = [3, 3], learning_rate = 0.3 }
run_to = 40
view = "network"
highlight = "gradients"
pause = "A deeper net, its gradients."

[[step]]
view = "landscape"
pause = "The landscape of two of its weights."

[[step]]
load = "optimizer-race"
run_to = 60
pause = "The race at 60."
'''


@pytest.fixture
def lesson():
    return parse_lesson(LESSON, "rehearsal.toml")


@pytest.fixture
def player(window):
    p = LessonPlayer(window)
    yield p
    if shiboken6.isValid(p):  # else the window closed, and deleted it with itself
        p.stop()


def wait_ready(qtbot, player):
    qtbot.waitUntil(lambda: player.ready, timeout=TIMEOUT)


def digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, dtype=float).tobytes())
    return h.hexdigest()


def record(window, player) -> dict:
    """What a lecturer sees at a pause: the iteration, the experiment, the views, the caption, and a
    digest of the weights and the cost."""
    frame = window.session.latest
    snap = frame.snapshot
    if snap.kind == "network":
        weights = digest(*snap.weights, *snap.biases, *snap.grad_weights)
        cost = window.status_cost.text()
    else:
        weights = digest(snap.w, snap.gradient)
        cost = digest(snap.costs[-1]) if len(snap.costs) else window.status_cost.text()
    state = {"pause": player.pause_index, "iteration": snap.iteration, "status": snap.status,
             "experiment": frame.experiment.to_json(),
             "view": window.view_tabs.tabText(window.view_tabs.currentIndex()),
             "bottom": window.bottom_tabs.tabText(window.bottom_tabs.currentIndex()), "caption": player.caption,
             "message": window.message.text(), "weights": weights, "cost": cost,
             "highlight": None if player.highlight_frame() is None else player.highlight_frame().target.objectName()
             or type(player.highlight_frame().target).__name__}
    if window.view_tabs.currentWidget() is window.inspector:
        inspector = window.inspector
        state["inspector"] = (inspector.phase, inspector.phase_kind, inspector.chosen, inspector.trace.iteration,
                              inspector.trace.J, inspector.chain_text())
    if window.view_tabs.currentWidget() is window.landscape_view:
        state["landscape"] = (window.landscape_view.shown_iteration, window.landscape_view.chosen())
    return state


def play_through(qtbot, player, lesson) -> list[dict]:
    player.start(lesson)
    wait_ready(qtbot, player)
    states = [record(player.window, player)]
    while player.pause_index + 1 < player.count:
        assert player.next()
        wait_ready(qtbot, player)
        states.append(record(player.window, player))
    return states


def test_a_lesson_plays_to_each_pause_in_the_same_state_twice_and_back(qtbot, window, player, lesson):
    """Played through, restarted and played again, walked back with Previous, and jumped to a pause
    while another is being built: the same state at each pause every time. (One window for all of it:
    each move rebuilds its pause from scratch, so what came before in the window cannot matter.)"""
    first = play_through(qtbot, player, lesson)
    pauses = lesson.pauses()
    assert len(first) == len(pauses) == 8
    for state, pause in zip(first, pauses):
        assert state["experiment"] == pause.experiment.to_json()
        assert state["caption"] == pause.caption and pause.caption in state["message"]
        if pause.until_end:
            assert state["status"] in TERMINAL
        else:
            assert state["iteration"] == pause.iterations
        assert window.view_tabs.indexOf(view_widget(window, pause.view, tab=True)) >= 0
        assert state["view"] == window.view_tabs.tabText(window.view_tabs.indexOf(view_widget(window, pause.view,
                                                                                               tab=True)))
    assert [s["iteration"] for s in first] == [0, 7, 21, 0, 25, 40, 40, 60]
    assert first[2]["status"] == "diverged"
    assert first[3]["inspector"][:4] == (5, "backward", (0, 1, 2), 0)  # 2-4-1: backward at layer 1 is phase 5
    assert first[4]["inspector"][:4] == (3, "cost", (1, 3, 0), 25)
    assert first[5]["bottom"] == "Gradient flow" and first[5]["view"] == "Network"
    assert first[6]["landscape"][0] == 40
    # a restart and a second play give exactly the same states
    player.restart()
    wait_ready(qtbot, player)
    assert record(window, player) == first[0]
    second = [first[0]]
    while player.next():
        wait_ready(qtbot, player)
        second.append(record(window, player))
    assert second == first
    # Previous goes back to exactly the earlier state
    for k in range(len(first) - 1, 0, -1):
        assert player.previous()
        wait_ready(qtbot, player)
        assert player.pause_index == k - 1
        assert record(window, player) == first[k - 1]
    assert not player.previous()  # at the first pause already
    # jumping ahead while a pause is still being built lands on the later pause, untouched by the earlier one
    player.go_to(3)
    player.go_to(4)
    wait_ready(qtbot, player)
    assert record(window, player) == first[4]
    # Next past the end emits finished and stays
    player.start(lesson)
    player.go_to(player.count - 1)
    wait_ready(qtbot, player)
    before = record(window, player)
    with qtbot.waitSignal(player.finished, timeout=TIMEOUT):
        assert not player.next()
    assert player.ready and record(window, player) == before


def test_the_highlight_frames_the_view_and_marks_its_tab_until_the_next_pause(qtbot, window, player, lesson):
    player.start(lesson)
    player.go_to(1)
    wait_ready(qtbot, player)
    frame = player.highlight_frame()
    assert frame is not None and frame.target is window.curve_view and frame.isVisible()
    assert frame.geometry() == window.curve_view.rect()
    bar = window.view_tabs.tabBar()
    index = window.view_tabs.indexOf(window.curve_view)
    assert bar.tabTextColor(index) == QColor(HIGHLIGHT_COLOR)
    image = window.curve_view.grab().toImage()
    assert image.pixelColor(2, image.height() // 2) == QColor(HIGHLIGHT_COLOR)  # drawn over the view's edge
    player.go_to(5)
    wait_ready(qtbot, player)
    assert player.highlight_frame().target is window.gradient_flow
    assert bar.tabTextColor(index) != QColor(HIGHLIGHT_COLOR) and not shiboken6.isValid(frame)  # gone
    assert window.bottom_tabs.tabBar().tabTextColor(window.bottom_tabs.indexOf(window.gradient_flow)) == \
        QColor(HIGHLIGHT_COLOR)
    player.go_to(6)
    wait_ready(qtbot, player)
    assert player.highlight_frame() is None


def test_in_lecture_mode_the_caption_is_large_and_stays_through_redraws(qtbot, window, player, lesson):
    window.enter_lecture_mode()
    player.start(lesson)
    player.go_to(1)
    wait_ready(qtbot, player)
    window._dirty = True
    window._redraw()  # the window rewrites its caption line at every redraw: with the lesson's caption
    assert window.lecture_caption.isVisible() and window.lecture_caption.text() == "Seven zig-zag steps."
    player.stop()
    assert not player.playing and player.caption == ""
    window._dirty = True
    window._redraw()
    assert window.lecture_caption.text().startswith("Iteration 7")  # the window's own narration again
    window.leave_lecture_mode()


def test_the_menu_actions_step_through_the_lesson(qtbot, window, player, lesson):
    actions = player.make_actions(window)
    assert set(actions) == {"next", "previous", "restart", "stop"}
    assert not any(a.isEnabled() for a in actions.values())
    for action in actions.values():
        window.addAction(action)
    player.start(lesson)
    wait_ready(qtbot, player)
    assert actions["next"].isEnabled() and not actions["previous"].isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    wait_ready(qtbot, player)
    assert player.pause_index == 1 and actions["previous"].isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    wait_ready(qtbot, player)
    assert player.pause_index == 0
    actions["stop"].trigger()
    assert not player.playing and not actions["next"].isEnabled()


def test_render_pauses_writes_one_png_per_pause_carrying_its_experiment(qtbot, tmp_path, lesson):
    short = parse_lesson(LESSON.split('[[step]]\nset')[0] + '[[step]]\nrun_to = 30\nexport = "inspector"\n'
                         'pause = "The inspector alone."\n', "short.toml")
    paths = render_pauses(short, tmp_path / "slides", size=(1280, 720))
    pauses = short.pauses()
    assert [p.name for p in paths] == [p.file_name for p in pauses]
    assert paths[0].name == "01-the-start-w-1-5.png"
    for path, pause in zip(paths, pauses):
        assert load_experiment(path) == pause.experiment
    from PySide6.QtGui import QImage

    from gdlab.gui.figures.export import image_array

    assert QImage(str(paths[0])).size().toTuple() == (1280, 720)
    inspector_only = QImage(str(paths[-1]))
    assert inspector_only.size().toTuple() == (1280, 720)
    assert image_array(QImage(str(paths[0]))).std() > 10  # a picture, not a blank page


def test_the_shipped_lessons_start_in_a_window(qtbot, window, player):
    for name in ("one-weight", "backpropagation", "network-descent", "handwriting"):
        les = load_lesson(name)
        player.start(les)
        wait_ready(qtbot, player)
        assert record(window, player)["experiment"] == les.pauses()[0].experiment.to_json()


def test_each_slide_shows_the_views_its_step_names_or_the_cost_beside_the_last_view(lesson):
    from gdlab.gui.slides import slide_views

    views = [slide_views(lesson, k) for k in range(len(lesson.pauses()))]
    assert views == [["cost", "curve"],         # names no view: the cost beside the view on show
                     ["curve"],                 # highlights the curve
                     ["cost"],                  # highlights the cost
                     ["inspector"],             # inspect = …
                     ["inspector"],
                     ["gradients", "network"],  # view = network, highlight = gradients
                     ["landscape"],
                     ["cost", "landscape"]]     # names none: the view of the pause before


def test_a_slide_is_16_by_9_with_the_caption_on_top_and_the_frame_around_the_view_not_over_it(qtbot, tmp_path):
    from PySide6.QtGui import QImage

    from gdlab.gui.figures.export import image_array
    from gdlab.gui.slides import FRAME, SLIDE_SIZE

    short = parse_lesson('title = "One slide"\n[[step]]\nload = "lr-too-large"\nrun_to = 3\nhighlight = "curve"\n'
                         'pause = "Three zig-zag steps."\n', "one.toml")
    (path,) = render_pauses(short, tmp_path)
    image = QImage(str(path))
    assert SLIDE_SIZE == (1920, 1080) and image.size().toTuple() == SLIDE_SIZE
    pixels = image_array(image)[..., :3].astype(int)
    dark = (pixels.sum(axis=2) < 200)
    rows = np.flatnonzero(dark.any(axis=1))
    assert rows[0] < 120, "the caption starts at the top"
    # the frame is a vermillion band drawn in the margin; just inside it the view begins on white
    vermillion = np.abs(pixels - np.array(QColor(HIGHLIGHT_COLOR).getRgb()[:3])).sum(axis=2) < 40
    band = np.flatnonzero(vermillion[:, 960])
    assert len(band) >= 2 * FRAME, "a frame above and below the view"
    bottom_edge = band[-1]
    assert bottom_edge > 1000, "the view fills the slide down to its margin"
    top_edge = band[0]
    assert vermillion[top_edge:top_edge + FRAME - 1, 960].all()
    assert vermillion[bottom_edge - FRAME + 2:bottom_edge, 960].all()
    # between the frame and the view a white gap: the frame is around the view, not drawn over it
    assert (pixels[bottom_edge - FRAME, 200:1700] == 255).all() and (pixels[top_edge + FRAME, 200:1700] == 255).all()
