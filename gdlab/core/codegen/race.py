"""A surface race as a script: K optimiser runs on an analytic cost J(w), stepped together, from the
surface's, the optimisers' and the schedules' kernels, with gdlab's grouping and stopping tests."""
from __future__ import annotations

import re
import textwrap
from typing import Any

from ..files.experiment import Experiment
from ..optim.optimizer_kernels import OPTIMIZER_RULES
from ..params import optimizer_hyper
from ..run.stopping_kernels import convergence_reason, divergence_reason
from ..run.training import SurfaceRace
from .output import output_section
from .source import kernel_source
from .text import _MAX_LINE, _WIDTH, _code, _comment, _docstring_safe, _g, _lines, _num, _schedule_words, _section
from .update import race_group_line, race_optimizer_section, race_schedule_piece


def _race_groups(race: SurfaceRace) -> list[tuple[list[int], dict[str, Any]]]:
    """The runs that step together, as gdlab groups them: same optimiser, settings and schedule."""
    out = []
    for idx, opt, _ in race._groups:
        out.append(([int(i) for i in idx], race.runs[int(idx[0])] | {"hyper": dict(opt.hyper), "name": opt.name}))
    return out


def _surface_script(experiment: Experiment, command: str | None, filename: str | None) -> str:
    race = SurfaceRace(experiment)
    v = experiment.values
    surface = race.surface
    d = surface.dim
    groups = _race_groups(race)
    filename = filename or (re.sub(r"[^\w.-]+", "_", experiment.name).strip("._") or "experiment") + ".py"
    command = command or experiment.name
    it = v["max_iterations"]
    start = ", ".join(_g(x) for x in race.start_point)

    def run_words(r: dict[str, Any]) -> str:
        symbols = OPTIMIZER_RULES[r["optimizer"]].symbols
        h = "".join(f"{symbols.get(k, k)} = {_g(x)}, " for k, x in optimizer_hyper(r).items())
        sched = "" if r["schedule"] == "constant" else f", {_schedule_words(r)}"
        label = "" if r["label"].split(" ")[0] == r["optimizer"] else f"{r['label']}: "
        return f"{label}{r['optimizer']} ({h}α = {_g(r['learning_rate'])}{sched})"

    runs = "\n               ".join(run_words(r) for r in race.runs)
    description = "\n\n".join(textwrap.fill(p.strip(), _WIDTH, break_on_hyphens=False)
                              for p in experiment.description.split("\n\n") if p.strip())
    title = experiment.name + (f": {experiment.summary}" if experiment.summary else "")
    weights = "one weight" if d == 1 else "two weights"
    doc = f"""{title}

{description}

This script is that whole experiment written out in numpy, exported by gdlab ("Show me the numpy"):

    surface    {surface.title}: J(w) = {surface.formula}
    start      w = ({start}), for every run
    runs       {runs}
    training   at most {it} iterations; each run stops when it converges or diverges

Run it with nothing but Python and numpy:

    python {filename} --iterations {it} --out history.csv

It writes the same history file, value for value, as

    gdlab run {command} --iterations {it} --out history.csv

does: one row per iteration (each run's cost and weights), then a last line saying how the race
ended and why.

Here there is no network and no data: J(w) is a formula of {weights}, and its gradient ∂J/∂w
is worked out by hand (no backprop needed). Every run is gradient descent from the same start
with its own optimiser and learning rate α; the weights of all runs are the rows of one array w,
so one call of cost(w) or gradient(w) serves the whole race.
"""
    doc = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in _docstring_safe(doc).splitlines()))
    out = f'#!/usr/bin/env python3\n"""{doc}\n"""\nimport argparse\nimport math\nimport sys\n\nimport numpy as np\n'

    out += _section("1", f"The cost surface: {surface.title}")
    cost, gradient = surface._value, surface._gradient
    out += "\n" + kernel_source(cost, gradient) + "\n\n" + _code('''
        def cost(w):
            """J(w) for every run at once (w holds one row a run): $cost above."""
            return $cost(w)


        def gradient(w):
            """∂J/∂w for every run at once: $gradient above."""
            return $gradient(w)
        ''', cost=cost.__name__, gradient=gradient.__name__)

    out += race_optimizer_section([g["name"] for _, g in groups])

    schedules = [schedule for _, _, schedule in race._groups]
    scheduled = any(schedule.name != "constant" for schedule in schedules)
    out += _section("3", "The runs")
    out += _lines([(f"START = [{', '.join(_num(x) for x in race.start_point)}]", "every run starts here"),
                   f"LABELS = {[r['label'] for r in race.runs]!r}",
                   (f"ALPHAS = np.array([{', '.join(_num(r['learning_rate']) for r in race.runs)}])",
                    "each run's learning rate α")])
    if scheduled:
        out += race_schedule_piece(schedules) + "\n\n"
    out += _comment("Runs with the same optimiser and settings step together: their rows of w are updated by "
                    "one call, with a column of their learning rates." +
                    (" A schedule (its kernel and keywords) scales α over the iterations." if scheduled else ""))
    out += "\n".join(["GROUPS = ["] + [race_group_line(idx, g["name"], g["hyper"], schedule if scheduled else None,
                                                        _MAX_LINE)
                                        for (idx, g), schedule in zip(groups, schedules)] + ["]"]) + "\n"

    out += _section("4", "The race (the training loop)")
    out += _lines([(f"MAX_ITERATIONS = {it}", "the default of --iterations"),
                   (f"GRAD_TOLERANCE = {_num(v['grad_tolerance'])}",
                    "converged when ‖∂J/∂w‖ falls below this (0: off)"),
                   (f"TOLERANCE = {_num(v['tolerance'])}", "... or when J and w stop changing (0: off)")])
    lr = "learning_rates(group, iteration - 1)" if scheduled else "ALPHAS[runs][:, None]"
    loop = kernel_source(divergence_reason, convergence_reason) + "\n\n" + _code(_RACE_LOOP, lr=lr)
    out += "\n\n" + loop
    out += output_section("5", race=True, d=d)
    out += '\n\nif __name__ == "__main__":\n    main()\n'
    return re.sub(r"\n{4,}", "\n\n\n", out)


_RACE_LOOP = """
    def stopping_reason(k, J, J_previous, J_start, w, grad_norm, step, size, iteration):
        \"\"\"(status, reason in plain words) if run k stops at this iteration, else None: the rules above.

        grad_norm, step and size hold ‖∂J/∂w‖, ‖Δw‖ (the length of the last step) and ‖w‖ of every run.
        \"\"\"
        reason = divergence_reason(float(J[k]), float(J_start[k]), iteration)
        if reason is not None:
            return "diverged", reason
        if not np.isfinite(w[k]).all():
            return "diverged", f"a weight became infinite or NaN at iteration {iteration}."
        reason = convergence_reason(float(J[k]), float(J_previous[k]), float(grad_norm[k]), iteration,
                                    float(step[k]), float(size[k]), GRAD_TOLERANCE, TOLERANCE)
        return None if reason is None else ("converged", reason)


    def race(max_iterations):
        \"\"\"Every run takes gradient-descent steps from START until it converges or diverges (then it
        stays where it stopped) or the race reaches max_iterations.

        Returns the history, a list of (J of every run, w of every run) with row k taken after k
        steps, and the final iteration with each run's status and reason.
        \"\"\"
        w = np.empty((len(LABELS), len(START)))
        w[:] = START                                    # one row a run
        states = [group["init"](w[group["runs"]]) for group in GROUPS]
        J, g = cost(w), gradient(w)
        history = [(J.copy(), w.copy())]
        J_start = J.copy()
        status, reasons = ["running"] * len(LABELS), [""] * len(LABELS)
        active = np.ones(len(LABELS), dtype=bool)
        for iteration in range(1, max_iterations + 1):
            stopped = ~active
            frozen = w[stopped]
            w_previous = w.copy()                       # the weights before the step, for ‖Δw‖
            for group, state in zip(GROUPS, states):
                runs = group["runs"]
                lr = $lr                            # α of these runs, a column
                w_runs = w[runs]
                group["update"](w_runs, g[runs], state, lr, iteration, **group["hyper"])  # the optimiser's step
                w[runs] = w_runs
            w[stopped] = frozen                         # stopped runs stay where they stopped
            J_previous = J
            J, g = cost(w), gradient(w)                 # J and ∂J/∂w at the new weights
            history.append((J.copy(), w.copy()))
            grad_norm = np.sqrt(np.einsum("kd,kd->k", g, g))   # ‖∂J/∂w‖ of every run
            dw = w - w_previous                         # Δw, the last step of every run
            step = np.sqrt(np.einsum("kd,kd->k", dw, dw))       # ‖Δw‖ of every run
            size = np.sqrt(np.einsum("kd,kd->k", w, w))         # ‖w‖ of every run
            for k in np.flatnonzero(active):
                stop = stopping_reason(k, J, J_previous, J_start, w, grad_norm, step, size, iteration)
                if stop is not None:
                    status[k], reasons[k] = stop
                    active[k] = False
            if not active.any():
                return history, iteration, status, reasons
        for k in np.flatnonzero(active):
            status[k], reasons[k] = "max_iterations", f"reached the iteration limit ({max_iterations})."
        return history, max_iterations, status, reasons


    def summary(status, reasons):
        \"\"\"The race's status and reason, in gdlab's words.\"\"\"
        if len(LABELS) == 1:
            return status[0], reasons[0]
        kinds = set(status)
        overall = status[0] if len(kinds) == 1 else "finished"
        parts = " ".join(f"{label}: {s} ({why})" for label, s, why in zip(LABELS, status, reasons))
        return overall, (f"every run {overall}. " if len(kinds) == 1 else "all runs stopped. ") + parts
    """
