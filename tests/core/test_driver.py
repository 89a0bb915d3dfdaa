"""The one driver: chunks within budgets, a twin in lockstep, a stop request between chunks, and
no other place in gdlab/ that calls ``run.step``."""
import ast
import re
import threading
from pathlib import Path

import numpy as np
import pytest

import gdlab
from gdlab.core.files.experiment import Experiment
from gdlab.core.run.driver import STEP_CHUNK, Driver
from gdlab.core.run.timeline import fork
from gdlab.core.run.training import make_run

GDLAB = Path(gdlab.__file__).resolve().parent

# A call ``x.step(...)`` is a run's step unless x is one of these (the last name of x, without
# leading underscores): an optimiser's update, a session's command, or the driver itself.
OPTIMISERS = {"opt", "optimizer", "optimiser", "trial"}
NOT_RUNS = OPTIMISERS | {"session", "driver"}
STEP_CALL = re.compile(r"\.\s*step\s*\(")  # only files with such text are parsed (it keeps the test fast)


def _receiver_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id.lstrip("_")
    if isinstance(node, ast.Attribute):
        return node.attr.lstrip("_")
    return None


def run_steps(source: str) -> list[tuple[int, str | None]]:
    """(line, receiver) of each call of ``.step(`` on a run in ``source``: every ``x.step(...)``
    except those on :data:`NOT_RUNS` and on what ``make_optimizer(...)`` returns."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "step"):
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Call) and _receiver_name(receiver.func) == "make_optimizer":
            continue
        if _receiver_name(receiver) in NOT_RUNS:
            continue
        found.append((node.lineno, _receiver_name(receiver)))
    return sorted(found)


def test_the_check_tells_a_run_step_from_an_optimiser_or_a_session_step():
    runs = "run.step(5)\nself._twin.step(n)\nrace.step(1)\nmake_run(e).step(3)\nr.step()\nself.run.step(n)\n"
    assert run_steps(runs) == [(1, "run"), (2, "twin"), (3, "race"), (4, None), (5, "r"), (6, "run")]
    others = ("opt.step(p, g)\nself.optimizer.step(p, g)\ntrial.step([p], [g])\nwindow.session.step(1)\n"
              "make_optimizer('sgd', 0.1).step(p, g)\nself._driver.step(1)\ndriver.step(1)\n")
    assert run_steps(others) == []


def test_run_step_is_called_only_by_the_driver():
    sources = {path.relative_to(GDLAB).as_posix(): path.read_text(encoding="utf-8") for path in GDLAB.rglob("*.py")}
    found = {name: calls for name, text in sources.items() if STEP_CALL.search(text) and (calls := run_steps(text))}
    assert set(found) == {"core/run/driver.py"}, found
    # Driver.step steps the run and the twin; the driver's other methods go through Driver.step
    assert {receiver for _, receiver in found["core/run/driver.py"]} == {"run", "twin", "self"}


def surface(max_iterations=1000, **values):
    return make_run(Experiment(kind="surface", values={"surface": "bowl", "learning_rate": 0.01,
                                                       "tolerance": 0.0, "grad_tolerance": 0.0,
                                                       "max_iterations": max_iterations, **values}))


def test_chunks_take_the_budget_a_chunk_at_a_time_and_yield_the_iteration():
    run = surface()
    assert list(Driver(run).chunks(25, chunk=10)) == [10, 20, 25]
    assert run.iteration == 25
    assert list(Driver(run).chunks(0)) == [] and run.iteration == 25
    assert Driver(run).advance(7) == 32


def test_without_a_budget_the_run_goes_to_its_end_and_nothing_is_stepped_after():
    run = surface(max_iterations=450)
    seen = list(Driver(run).chunks())
    assert seen == [STEP_CHUNK, 2 * STEP_CHUNK, 450] and run.finished
    assert list(Driver(run).chunks()) == []


def test_a_stop_request_ends_the_steps_at_the_next_chunk():
    run = surface()
    stop = threading.Event()
    driver = Driver(run, stop=stop)
    for iteration in driver.chunks(500, chunk=20):
        if iteration == 60:
            stop.set()  # as the window closing does, from the GUI thread
    assert run.iteration == 60
    assert driver.advance(100) == 60  # still stopped


def test_a_twin_keeps_in_lockstep_and_the_driver_goes_on_until_both_have_ended():
    run = surface(max_iterations=300)
    Driver(run).advance(10)
    twin = fork(run, learning_rate=0.05)
    driver = Driver(run, twin)
    driver.advance(55, chunk=20)
    assert run.iteration == twin.iteration == 65
    assert not np.array_equal(run.w, twin.w)  # the twin's change shows
    twin.set_max_iterations(400)
    driver.advance()
    assert run.iteration == 300 and twin.iteration == 400 and driver.finished


def test_a_timed_chunk_grows_to_fill_its_time():
    driver = Driver(surface(max_iterations=100_000))
    assert driver.step_for(0.05) == 1  # the first chunk is one iteration, and it is timed
    second = driver.step_for(0.05)
    assert second > 1 and driver.run.iteration == 1 + second


def test_a_chunk_is_at_least_one_iteration():
    with pytest.raises(ValueError, match="at least one"):
        next(Driver(surface()).chunks(chunk=0))
