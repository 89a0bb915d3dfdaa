"""Lessons: the TOML format, its checks (every error names the file, line and step), the plan of
pauses, and the shipped lessons — which parse, and whose captions say what their state shows."""
import math

import pytest

from gdlab.core.files.experiment import Experiment
from gdlab.core.files.presets import load_preset
from gdlab.core.nn.gradcheck import stencil_formula
from gdlab.core.run.training import CONVERGED, DIVERGED, MAX_ITERATIONS, TERMINAL, make_run
from gdlab.core.teaching.backprop_trace import trace_iteration
from gdlab.core.teaching.lessons import (
    MAX_FILE_BYTES,
    MAX_STEPS,
    STEP_KEYS,
    Inspect,
    LessonError,
    lesson_heading,
    lesson_names,
    lessons_dir,
    load_lesson,
    parse_lesson,
)

SHIPPED = ("one-weight", "backpropagation", "network-descent", "handwriting")


def lesson(text: str, name: str = "intro.toml"):
    return parse_lesson(text, name)


def error_of(text: str, name: str = "intro.toml") -> LessonError:
    with pytest.raises(LessonError) as info:
        lesson(text, name)
    return info.value


# -- the shipped lessons ---------------------------------------------------------------------------
def test_the_four_shipped_lessons_are_listed_in_teaching_order():
    assert lesson_names()[:4] == list(SHIPPED)
    assert all((lessons_dir() / f"{name}.toml").is_file() for name in SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_lesson_parses_into_8_to_20_steps_with_short_captions(name):
    les = load_lesson(name)
    assert les.name == name and les.title and les.summary
    assert 8 <= len(les.steps) <= 20
    pauses = les.pauses()
    assert len(pauses) >= 8
    assert [p.number for p in pauses] == list(range(1, len(pauses) + 1))
    assert len({p.file_name for p in pauses}) == len(pauses)  # every slide gets its own file
    for p in pauses:
        assert 40 <= len(p.caption) <= 260, p.caption  # one or two sentences, large on a projector
        assert p.caption.count(". ") <= 2, p.caption


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_every_pause_of_a_shipped_lesson_is_reached_by_its_plan(name):
    """Each pause's experiment, stepped its number of iterations, gets there (or ends, when the
    pause runs to the end): the plan a player follows is sound."""
    for p in load_lesson(name).pauses():
        run = _stepped(p.experiment, p.iterations)
        if p.until_end:
            assert run.status in TERMINAL, (p.number, run.status)
        else:
            assert run.iteration == p.iterations, (p.number, run.iteration, run.status)


# experiment file -> (its run, the iterations asked of it so far); a run asked for more iterations
# steps on from where it is: step(a) then step(n − a) is step(n), as every run is deterministic.
_RUNS: dict[str, tuple] = {}


def _stepped(experiment: Experiment, n: int):
    """``make_run(experiment)`` after ``step(n)``, shared by the tests of this module that read it
    at once (the pauses of a lesson and its captions step the same experiments)."""
    run, asked = _RUNS.get(experiment.to_json(), (None, 0))
    if run is None or n < asked:
        run, asked = make_run(experiment), 0
    run.step(n - asked)
    _RUNS[experiment.to_json()] = (run, n)
    return run


def _run_to(experiment: Experiment, n: int):
    run = make_run(experiment)
    run.step(n)
    return run


def _pause(name: str, slug: str):
    (p,) = [p for p in load_lesson(name).pauses() if p.slug == slug]
    return p


def test_the_one_weight_captions_tell_the_truth():
    p = _pause("one-weight", "the-cost-curve")
    run = _run_to(p.experiment, 0)
    assert run.w[0, 0] == 1.5 and run.cost[0] == 2.25
    assert run.gradient[0, 0] == 3.0 and "dJ/dw = 2w = 3" in _pause("one-weight", "the-gradient").caption
    p = _pause("one-weight", "one-step")
    assert _run_to(p.experiment, p.iterations).w[0, 0] == 0.75 and "= 0.75" in p.caption
    p = _pause("one-weight", "the-sign-decides")
    assert p.experiment["start"] == [-1.2]
    assert math.isclose(_run_to(p.experiment, 1).w[0, 0], -0.6) and "−0.6" in p.caption
    p = _pause("one-weight", "steps-shrink")
    assert round(_run_to(p.experiment, 5).w[0, 0], 3) == 0.047 and "0.047" in p.caption
    run = _run_to(_pause("one-weight", "converged").experiment, 1000)
    assert (run.status, run.iteration) == (CONVERGED, 22)
    run = _run_to(_pause("one-weight", "too-small").experiment, 50)
    assert round(run.w[0, 0], 2) == 0.55 and run.status == MAX_ITERATIONS
    assert _run_to(_pause("one-weight", "too-large-one-step").experiment, 1).w[0, 0] == pytest.approx(-1.35)
    assert round(abs(_run_to(_pause("one-weight", "zig-zag").experiment, 20).w[0, 0]), 2) == 0.18
    assert round(_run_to(_pause("one-weight", "divergent").experiment, 5).w[0, 0], 1) == -8.1
    run = _run_to(_pause("one-weight", "diverged").experiment, 1000)
    assert (run.status, run.iteration) == (DIVERGED, 21) and "iteration 21" in _pause("one-weight", "diverged").caption
    run = _run_to(_pause("one-weight", "the-perfect-step").experiment, 1)
    assert run.w[0, 0] == 0.0 and run.status == CONVERGED


def test_the_handwriting_captions_tell_the_truth():
    first = _pause("handwriting", "the-digits")
    assert round(100 * float(_stepped(first.experiment, 0).snapshot().test_metric[-1])) == 16 and "16%" in first.caption
    p = _pause("handwriting", "a-misread-digit")
    assert (p.iterations, p.inspect.sample, p.inspect.phase) == (15, 10, "forward")  # "sample 11", counted from 1
    run = _stepped(p.experiment, 15)
    assert round(100 * float(run.snapshot().test_metric[-1])) == 80
    assert "from 16% to 80%" in _pause("handwriting", "accuracy-rising").caption
    trace = trace_iteration(run, "sample", p.inspect.sample)
    (read, y_read, d_read, _), (true, y_true, d_true, is_true), _ = trace.ranked_outputs(3)
    assert (read, true, is_true) == ("9", "5", True) and trace.image.shape == (8, 8)
    assert f"9 a probability of {y_read:.2f} and 5 only {y_true:.2f}" in p.caption
    assert d_true < 0 < d_read  # "negative for 5 and positive for 9"
    last = _pause("handwriting", "after-45")
    assert round(100 * float(_stepped(last.experiment, 45).snapshot().test_metric[-1])) == 92 and "92%" in last.caption


def test_the_backpropagation_captions_tell_the_truth():
    p = _pause("backpropagation", "the-cost")
    run = make_run(p.experiment)
    trace = trace_iteration(run)
    assert round(trace.J, 4) == 0.6928 and "J = 0.6928" in p.caption
    assert len(run.X_train) == 160 and sum(w.size + b.size for w, b in zip(run.model.weights, run.model.biases)) == 17
    assert 0.38 <= trace.a[-1].min() and trace.a[-1].max() <= 0.62
    rule = trace.chain_rule(1, 0, 0)
    assert rule.check.verdict == "right"  # "agrees with backprop within its error bound B"
    caption = _pause("backpropagation", "finite-differences").caption
    assert stencil_formula(rule.check.order) in caption.replace("]/60ε", "] / 60ε")
    assert f"ε = {rule.check.eps:g}" in caption
    run.step(1)
    assert round(float(run.history_columns()["train_cost"][1]), 4) == 0.6860
    run = _run_to(p.experiment, 500)
    snap = run.snapshot()
    assert round(float(snap.train_cost[-1]), 3) == 0.071 and round(100 * float(snap.train_metric[-1]), 1) == 98.8


@pytest.mark.slow
def test_the_network_descent_captions_tell_the_truth():
    adam = _stepped(_pause("network-descent", "after-300").experiment, 300).snapshot()
    assert round(float(adam.train_cost[-1]), 4) == 0.0015 and adam.train_metric[-1] == adam.test_metric[-1] == 1.0
    sgd = _pause("network-descent", "plain-sgd")
    assert sgd.experiment["optimizer"] == "sgd" and sgd.experiment["learning_rate"] == 0.5
    run = _stepped(sgd.experiment, 3000)  # the pauses leave this run at 3000 (before 300, it would start again)
    assert round(float(run.snapshot().train_cost[-1]), 4) == 0.0022
    snap = _stepped(sgd.experiment, 300).snapshot()
    assert round(float(snap.train_cost[-1]), 2) == 0.66 and round(100 * float(snap.train_metric[-1])) == 64
    race = _stepped(_pause("network-descent", "race-end").experiment, 3000)
    labels = race.snapshot().labels
    assert race.snapshot().run_status[labels.index("adam")] == CONVERGED
    assert "2022" in race.snapshot().run_reason[labels.index("adam")]
    deep = _stepped(_pause("network-descent", "learns-nothing").experiment, 1000).snapshot()
    assert round(float(deep.train_cost[-1]), 3) == 0.693 and deep.train_metric[-1] == 0.5
    grads = _stepped(_pause("network-descent", "gradient-flow").experiment, 200).snapshot().grad_norms[-1]
    assert 3e3 < grads[-1] / grads[0] < 3e4  # "about 10⁴ times smaller"
    tanh = _stepped(_pause("network-descent", "tanh-learns").experiment, 1000).snapshot()
    assert round(float(tanh.train_cost[-1]), 4) == 0.0013 and tanh.train_metric[-1] == tanh.test_metric[-1] == 1.0


# -- the plan -----------------------------------------------------------------------------------------
PLAN = '''title = "A plan"
summary = "What pauses() says."

[[step]]
load = "lr-just-right"
pause = "The start."

[[step]]
run_to = 5
pause = "Five steps later."
highlight = "trajectories"

[[step]]
set = { learning_rate = 0.1 }
view = "sweep"

[[step]]
run = "end"
pause = "To the end."
export = "curve"
name = "the-end"

[[step]]
load = "xor"
inspect = { weight = "W1[2,3]", phase = "backward" }
pause = "The backward pass."

[[step]]
run_to = 10
view = "network"
pause = "Ten iterations of XOR."
'''


def test_pauses_give_the_state_of_each_pause_from_scratch():
    les = lesson(PLAN, "plan.toml")
    assert (les.name, les.title, les.summary) == ("plan", "A plan", "What pauses() says.")
    p1, p2, p3, p4, p5 = les.pauses()
    base = load_preset("lr-just-right")
    assert (p1.number, p1.step, p1.line) == (1, 1, 4)
    assert p1.experiment == base and (p1.iterations, p1.until_end) == (0, False)
    assert (p1.view, p1.bottom, p1.inspect, p1.highlight, p1.export) == ("curve", "trajectories", None, None, "window")
    assert p1.file_name == "01-the-start.png"
    assert (p2.iterations, p2.highlight, p2.step, p2.line) == (5, "trajectories", 2, 8)
    # a set starts again from 0 with the changed experiment; run = "end" runs to max_iterations
    assert p3.experiment == base.replace(learning_rate=0.1)
    assert (p3.iterations, p3.until_end, p3.bottom, p3.export, p3.file_name) == (
        base["max_iterations"], True, "sweep", "curve", "03-the-end.png")
    # a load goes back to the first view of its kind; inspect opens the inspector on its weight
    assert p4.experiment == load_preset("xor") and p4.view == "inspector" and p4.bottom == "trajectories"
    assert p4.inspect == Inspect((0, 1, 2), "backward", None) and p4.inspect.label == "W1[2,3]"
    assert p5.view == "network" and p5.inspect is None and p5.iterations == 10


def test_the_example_in_the_format_description_is_a_valid_lesson():
    import gdlab.core.teaching.lessons as module

    doc = module.__doc__
    block = doc[doc.index("::\n") + 3:doc.index("\nThe keys of a step")]
    text = "\n".join(line[4:] for line in block.splitlines())
    les = parse_lesson(text, "example.toml")
    assert [p.slug for p in les.pauses()][:1] == ["this-is-the-cost-j-w-w-of-one"]
    assert [(p.iterations, p.view, p.highlight, p.export) for p in les.pauses()] == [
        (0, "curve", None, "window"), (1, "curve", "curve", "window"), (60, "curve", None, "curve"),
        (0, "inspector", None, "window")]


def test_an_inspector_view_without_inspect_starts_at_the_first_phase_on_the_first_weight():
    (p,) = lesson('title = "t"\n[[step]]\nload = "xor"\nview = "inspector"\npause = "Look."\n').pauses()
    assert p.inspect == Inspect((0, 0, 0), "input", None)


@pytest.mark.parametrize("preset, hidden", [("xor", [4]), ("xor", [3, 5])])
def test_inspect_phases_index_the_inspectors_phases(preset, hidden):
    run = make_run(load_preset(preset).replace(hidden_layers=hidden))
    phases = [(p.kind, p.layer) for p in trace_iteration(run).phases]
    L = len(hidden) + 1
    assert phases[Inspect(phase="input").phase_index(L)] == ("forward", 0)
    assert phases[Inspect(phase="forward").phase_index(L)] == ("forward", L)
    assert phases[Inspect(phase="forward", layer=1).phase_index(L)] == ("forward", 1)
    assert phases[Inspect(phase="cost").phase_index(L)][0] == "cost"
    assert phases[Inspect(phase="backward").phase_index(L)] == ("backward", 1)
    assert phases[Inspect(phase="backward", layer=L).phase_index(L)] == ("backward", L)
    assert phases[Inspect(phase="update").phase_index(L)][0] == "update"


def test_load_takes_an_experiment_file_relative_to_the_lesson(tmp_path):
    (tmp_path / "exps").mkdir()
    mine = load_preset("lr-too-large").replace(learning_rate=0.7, name="mine")
    mine.save(tmp_path / "exps" / "mine.json")
    path = tmp_path / "mine.toml"
    path.write_text('title = "Mine"\n[[step]]\nload = "exps/mine.json"\npause = "My own experiment."\n')
    (p,) = load_lesson(path).pauses()
    assert p.experiment == mine


def test_a_missing_lesson_is_named_with_the_lessons_there_are(tmp_path):
    with pytest.raises(LessonError, match="no lesson named 'nope'.*one-weight"):
        load_lesson("nope")
    with pytest.raises(LessonError, match="no lesson named"):
        load_lesson(tmp_path / "missing.toml")


# -- malformed lessons: each error names the file, the line and the step --------------------------------
HEAD = 'title = "Intro"\n\n'
GOOD_STEP = '[[step]]\nload = "lr-just-right"\npause = "Start."\n\n'

MALFORMED = [
    # (name, the lesson's text, line, step, words in the message)
    ("toml-syntax", HEAD + GOOD_STEP + '[[step]]\nrun_to = \npause = "x"\n', 8, 2, "not valid TOML"),
    ("unknown-key", HEAD + GOOD_STEP + '[[step]]\nrun_to = 3\n\n[[step]]\n# comment\nrunto = 5\n', 12, 3,
     'unknown key "runto" (did you mean run_to?); known: ' + ", ".join(STEP_KEYS)),
    ("wrong-type", HEAD + GOOD_STEP + '[[step]]\nrun_to = "5"\n', 8, 2, 'run_to must be a whole number of iterations'),
    ("float-run-to", HEAD + GOOD_STEP + '[[step]]\nrun_to = 2.5\n', 8, 2, "whole number"),
    ("unknown-preset", HEAD + '[[step]]\nload = "lr-just-wrong"\n', 4, 1, "neither a preset nor an experiment file"),
    ("bad-parameter-value", HEAD + GOOD_STEP + '[[step]]\npause = "x"\nset = { learning_rate = -1 }\n', 9, 2,
     "training.learning_rate: -1.0 is out of range"),
    ("unknown-parameter", HEAD + GOOD_STEP + '[[step]]\nset = { learning_rat = 0.1 }\n', 8, 2,
     'unknown parameter "learning_rat" (did you mean learning_rate?)'),
    ("bad-choice", HEAD + GOOD_STEP + '[[step]]\nset = { optimizer = "adamw" }\n', 8, 2, "'adamw' is not allowed"),
    ("negative-run-to", HEAD + GOOD_STEP + '[[step]]\nrun_to = -3\n', 8, 2, "run_to must be 0 or more"),
    ("no-action", HEAD + GOOD_STEP + '[[step]]\n\n[[step]]\nrun_to = 1\n', 7, 2, "a step with no action"),
    ("run-to-backwards", HEAD + GOOD_STEP + '[[step]]\nrun_to = 5\n[[step]]\nrun_to = 3\n', 10, 3,
     "lies before iteration 5"),
    ("run-to-past-the-limit", HEAD + GOOD_STEP + '[[step]]\nrun_to = 61\n', 8, 2, "max_iterations (60)"),
    ("run-forever", HEAD + GOOD_STEP + '[[step]]\nrun = "forever"\n', 8, 2, 'run must be "end"'),
    ("run-and-run-to", HEAD + GOOD_STEP + '[[step]]\nrun_to = 2\nrun = "end"\n', 9, 2, "not both"),
    ("set-before-load", HEAD + '[[step]]\nset = { learning_rate = 0.1 }\n', 4, 1, "load a preset"),
    ("view-that-does-not-suit", HEAD + GOOD_STEP + '[[step]]\nview = "surface"\n', 8, 2,
     "does not suit lr-just-right"),
    ("unknown-view", HEAD + GOOD_STEP + '[[step]]\nview = "curv"\n', 8, 2, 'unknown view "curv" (did you mean curve?)'),
    ("highlight-without-pause", HEAD + GOOD_STEP + '[[step]]\nrun_to = 2\nhighlight = "curve"\n', 9, 2,
     "highlight belongs to a pause"),
    ("inspect-a-surface", HEAD + GOOD_STEP + '[[step]]\ninspect = { weight = "W1[1,1]" }\n', 8, 2,
     "is a cost surface"),
    ("inspect-no-such-weight", HEAD + '[[step]]\nload = "xor"\ninspect = { weight = "W1[3,1]" }\n', 5, 1,
     "no W1[3,1]: W1 connects 2 neuron(s) to 4"),
    ("inspect-bad-phase", HEAD + '[[step]]\nload = "xor"\n\n[step.inspect]\nphase = "sideways"\n', 6, 1,
     'unknown phase "sideways"'),
    ("inspect-bad-layer", HEAD + '[[step]]\nload = "xor"\ninspect = { phase = "backward", layer = 3 }\n', 5, 1,
     "layer must be a whole number from 1 to 2"),
    ("inspect-bad-sample", HEAD + '[[step]]\nload = "xor"\ninspect = { sample = 161 }\n', 5, 1,
     "sample must be a whole number from 1 to 160 (a training sample of xor), got the number 161"),
    ("empty-caption", HEAD + GOOD_STEP + '[[step]]\npause = "   "\n', 8, 2, "pause must be a caption"),
    ("long-caption", HEAD + GOOD_STEP + '[[step]]\npause = "' + "word " * 100 + '"\n', 8, 2,
     "keep it to one or two sentences"),
    ("bad-slide-name", HEAD + GOOD_STEP + '[[step]]\npause = "x"\nname = "Slide 3!"\n', 9, 2,
     "name must be a short slug"),
    ("a-date", HEAD + GOOD_STEP + '[[step]]\nset = { learning_rate = 2024-01-01 }\n', 8, 2, "learning_rate"),
    ("multi-line-string-with-a-header", HEAD + '[[step]]\nload = "lr-just-right"\npause = """Two\n[[step]]\nlines."""'
     '\n\n[[step]]\nrunto = 1\n', 10, 2, 'unknown key "runto"'),
]


@pytest.mark.parametrize("name, text, line, step, words", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_lesson_names_the_line_and_the_step(name, text, line, step, words):
    error = error_of(text)
    assert (error.file, error.line, error.step) == ("intro.toml", line, step), str(error)
    assert str(error).startswith(f"intro.toml, line {line}, step {step}: ")
    assert words in error.message, error.message


def test_an_oversized_file_names_the_line_and_step_where_it_passes_the_limit(tmp_path):
    steps = "".join(f'[[step]]\nrun_to = {k}\npause = "Iteration {k}: {"and so on " * 20}"\n\n' for k in range(300))
    path = tmp_path / "huge.toml"
    path.write_text(HEAD + '[[step]]\nload = "lr-just-right"\nset = { max_iterations = 1000 }\n\n' + steps)
    assert path.stat().st_size > MAX_FILE_BYTES
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    error = info.value
    head = path.read_bytes()[:MAX_FILE_BYTES].decode()
    assert error.line == head.count("\n") + 1 and error.step == head.count("[[step]]")
    assert str(error).startswith(f"huge.toml, line {error.line}, step {error.step}: the file passes 64,000 bytes")


def test_too_many_steps_names_the_first_one_too_many():
    text = HEAD + GOOD_STEP + "".join(f'[[step]]\npause = "Pause {k}."\n' for k in range(MAX_STEPS))
    error = error_of(text)
    assert error.step == MAX_STEPS + 1 and "at most 200" in error.message
    headers = [k + 1 for k, line in enumerate(text.split("\n")) if line == "[[step]]"]
    assert error.line == headers[MAX_STEPS]  # the header of step 201


def test_top_level_errors_name_the_line():
    assert str(error_of('summary = "no title"\n' + GOOD_STEP)) == \
        'intro.toml, line 1: missing title: start the file with title = "…"'
    error = error_of(HEAD + 'author = "me"\n' + GOOD_STEP)
    assert (error.line, error.step) == (3, None) and 'unknown key "author"' in error.message
    error = error_of(HEAD + "[[step]]\nload = \"xor\"\n")
    assert "no pause" in error.message and error.step == 1


def test_text_that_is_not_utf8_names_its_line_and_step():
    raw = (HEAD + GOOD_STEP + "[[step]]\npause = \"caf").encode() + b"\xe9\"\n"
    with pytest.raises(LessonError) as info:
        parse_lesson(raw, "intro.toml")
    assert (info.value.line, info.value.step) == (8, 2) and "not UTF-8" in info.value.message


def test_nothing_in_a_lesson_is_executed(tmp_path):
    """A lesson is data: a string that looks like code is a caption (or an unknown preset), never run."""
    marker = tmp_path / "ran"
    text = (HEAD + f'[[step]]\nload = "lr-just-right"\npause = "__import__(\'pathlib\').Path(r\'{marker}\').touch()"\n')
    (p,) = lesson(text).pauses()
    assert "__import__" in p.caption and not marker.exists()
    error = error_of(HEAD + f'[[step]]\nload = "__import__(\'os\').system(\'touch {marker}\')"\n')
    assert "neither a preset nor an experiment file" in error.message and not marker.exists()


def test_the_menu_heading_of_a_shipped_lesson_is_its_checked_title_and_summary():
    for name in lesson_names():
        lesson = load_lesson(name)
        assert lesson_heading(name) == (lesson.title, lesson.summary)
