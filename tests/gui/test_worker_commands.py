"""The thread boundary is typed: every command has one handler, every answer one signal, and each
session method's command is handled, its answer arriving as its dataclass."""
import dataclasses

import pytest

from gdlab.core.files.presets import load_preset
from gdlab.core.teaching.backprop_trace import BackpropTrace
from gdlab.gui import commands
from gdlab.gui.session import ROUTES, TrainingSession
from gdlab.gui.view_data import Frame, LandscapeSlice, NetworkMoment, WorksheetAnswer
from gdlab.gui.worker import TrainingWorker

TIMEOUT = 15_000
DECLARED = {v for v in vars(commands).values() if isinstance(v, type) and dataclasses.is_dataclass(v)}


def test_every_command_has_one_handler_and_every_answer_one_route():
    handled = set(TrainingWorker.HANDLERS)
    answers = DECLARED & set(ROUTES)
    assert handled | answers | {commands.Quit} == DECLARED  # Quit ends the loop itself
    assert not handled & answers
    assert {commands.Failed, commands.SweepProgress, commands.SweepDone, commands.Synced} == answers


def test_commands_are_frozen_values():
    step = commands.Step(5)
    assert step == commands.Step(5) and step.n == 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.n = 6


def test_each_session_command_is_handled_and_answered_with_its_type(qtbot):
    session = TrainingSession()
    answers: list = []
    for signal in ("frame_ready", "landscape_ready", "trace_ready", "peek_ready", "worksheet_ready", "failed",
                   "sweep_done"):
        getattr(session, signal).connect(answers.append)
    try:
        session.load(load_preset("xor").replace(max_iterations=5000))
        session.set_shown({"map"})
        session.set_map_aspect(1.5)
        session.select_sample(1)
        session.set_tracked([(0, 0, 0), (1, 1, 0)])
        session.set_learning_rate(0.2)
        session.set_optimizer("momentum", momentum=0.5)
        session.set_max_iterations(4000)
        session.set_speed(0)
        session.step(30)
        session.fork(learning_rate=0.1)
        session.step(10)
        session.unfork()
        session.peek(12)
        session.request_landscape((0, 0, 0), (0, 1, 0), (0.0, 2.0), (-1.0, 1.0), n=5)
        session.request_trace("sample", 0)
        session.request_worksheet()
        session.rewind(20)
        session.reinitialize(7)
        session.reset()
        session.set_start([0.0, 0.0])  # meant for a race: a network ignores it
        session.sweep(0.01, 1.0, 2, 5)
        session.cancel_sweep()
        session.start()
        session.pause()
        with qtbot.waitSignal(session.synced, timeout=TIMEOUT) as synced:
            session.sync("done")
        assert synced.args == ["done"]
        failures = [a for a in answers if isinstance(a, str)]
        assert not failures, failures[0]
        kinds = {type(a) for a in answers}
        assert {Frame, LandscapeSlice, BackpropTrace, NetworkMoment, WorksheetAnswer} <= kinds, kinds
        frames = [a for a in answers if isinstance(a, Frame)]
        assert frames[-1].experiment["learning_rate"] == 0.2 and frames[-1].experiment["optimizer"] == "momentum"
        assert frames[-1].experiment["seed"] == 7 and frames[-1].snapshot.iteration == 0  # reinitialised, reset
        assert any(f.twin is not None and f.twin.iteration == 40 for f in frames)  # the twin kept in lockstep
        moment = next(a for a in answers if isinstance(a, NetworkMoment))
        assert moment.iteration == 12 and moment.found == 12 and len(moment.weights) == 2
        landscape = next(a for a in answers if isinstance(a, LandscapeSlice))
        assert landscape.Z.shape == (5, 5) and tuple(landscape.ys[[0, -1]]) == (-1.0, 1.0)
        assert next(a for a in answers if isinstance(a, WorksheetAnswer)).problem is None
    finally:
        session.shutdown()


def test_an_unknown_command_is_reported_not_fatal(qtbot):
    session = TrainingSession()
    try:
        session.load(load_preset("lr-just-right"))
        with qtbot.waitSignal(session.failed, timeout=TIMEOUT) as failed:
            session._send(object())
        assert "unknown command" in failed.args[0]
        with qtbot.waitSignal(session.synced, timeout=TIMEOUT):
            session.sync(1)  # the worker is still there
    finally:
        session.shutdown()


def test_a_live_change_to_a_race_is_what_its_frames_and_autosave_carry(qtbot):
    """The worker's experiment (what frames carry and autosave writes) is the race's own after a live
    change: a base α reaches every run, so no run keeps its own α in the file either."""
    session = TrainingSession()
    frames: list = []
    session.frame_ready.connect(frames.append)
    try:
        session.load(load_preset("optimizer-race"))
        session.set_start([-1.0, 1.5])
        session.set_learning_rate(0.001)
        session.set_speed(7)
        with qtbot.waitSignal(session.synced, timeout=TIMEOUT):
            session.sync("done")
        qtbot.waitUntil(lambda: bool(frames) and frames[-1].experiment["playback_speed"] == 7, timeout=TIMEOUT)
        experiment = frames[-1].experiment
        assert [run["learning_rate"] for run in experiment.run_values()] == [0.001] * 6
        assert experiment["start"] == [-1.0, 1.5] and experiment["learning_rate"] == 0.001
    finally:
        session.shutdown()
