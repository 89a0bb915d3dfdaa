"""How a script steps its weights: the optimiser's kernels and the learning-rate schedule's, both as
their source in the core, with the few lines that apply them to a network's layers or a race's runs."""
from __future__ import annotations

from typing import Any

from ..optim.optimizer_kernels import OPTIMIZER_RULES
from ..optim.schedules import Schedule
from ..run.run_status import schedule_from_values
from .source import kernel_source
from .spec import Spec
from .text import _code, _comment, _lines, _num, _section


def hyper_literal(hyper: dict[str, Any]) -> str:
    """The hyperparameters as a dict literal of the script, by torch's names."""
    return "{" + ", ".join(f'"{k}": {x if isinstance(x, int) else _num(x)}' for k, x in hyper.items()) + "}"


def optimizer_kernels(names: list[str]) -> str:
    """The source of the optimisers' init and update kernels, each rule once."""
    rules = [OPTIMIZER_RULES[name] for name in dict.fromkeys(names)]
    return kernel_source(*[f for rule in rules for f in (rule.init, rule.update)])


_RULE_WORDS = ("The rule acts elementwise, on an array w of weights by itself, and follows PyTorch's torch.optim in "
               "every detail (first step, bias correction, where ε goes), as gdlab does. t counts the steps, 1 on "
               "the first; the state (running averages) starts at 0.")


# 7. the optimiser of a network -------------------------------------------------------------------
def _optimizer_section(s: Spec) -> str:
    name, h = s.values["optimizer"], s.hyper
    rule = OPTIMIZER_RULES[name]
    out = _section("7", f"The optimiser: {name}")
    out += _comment("Backprop computes the gradient g = ∂J/∂w; the optimiser uses it to step the weights. "
                    + _RULE_WORDS)
    if h:
        symbols = ", ".join(f"{rule.symbols.get(k, k)} = {k}" for k in h)
        out += _lines([(f"HYPER = {hyper_literal(h)}", f"the hyperparameters: {symbols}")])
    out = out.rstrip("\n") + "\n\n\n" + optimizer_kernels([name])
    return out + "\n\n" + _code('''
        def optimizer_state(Wbs):
            """The optimiser's state for every layer's [W_l; b_l], one dict of arrays a layer."""
            return [$init(Wb) for Wb in Wbs]


        def update(Wbs, grads, states, lr, t):
            """One step of every weight and bias by the rule above, layer by layer (t = 1 on the first step)."""
            for Wb, g, state in zip(Wbs, grads, states):
                $update(Wb, g, state, lr, t$hyper)
        ''', init=rule.init.__name__, update=rule.update.__name__, hyper=", **HYPER" if h else "")


# the schedule of a network (section 9) -----------------------------------------------------------
# The script's name for each keyword of a schedule kernel, and the constants that define it.
_SCHEDULE_ARGUMENTS = {
    "step": ({"gamma": "DECAY_RATE", "step_size": "DECAY_STEPS"},
             [("DECAY_RATE", "α is multiplied by this ..."), ("DECAY_STEPS", "... every this many iterations")]),
    "exponential": ({"gamma": "GAMMA"},
                    [("DECAY_RATE", "α shrinks by this factor ..."),
                     ("DECAY_STEPS", "... every this many iterations, smoothly"),
                     ("GAMMA = DECAY_RATE ** (1.0 / DECAY_STEPS)", "γ, the factor per iteration")]),
    "inverse_time": ({"decay": "DECAY"},
                     [("DECAY_RATE", "α_t = α / (1 + rate · t / k)"), ("DECAY_STEPS", "k"),
                      ("DECAY = DECAY_RATE / DECAY_STEPS", "d = rate / k")]),
}


def _schedule_piece(s: Spec) -> str:
    v = s.values
    if v["schedule"] == "constant":
        return ""
    kernel, keywords = schedule_from_values(v).kernel()
    names, constants = _SCHEDULE_ARGUMENTS[v["schedule"]]
    given = {"DECAY_RATE": _num(v["decay_rate"]), "DECAY_STEPS": str(v["decay_steps"])}
    rows: list[tuple[str, str] | str] = [(f"{c} = {given[c]}" if c in given else c, note) for c, note in constants]
    call = f"{kernel.__name__}(t, " + ", ".join(names[k] for k in keywords) + ")"
    return "\n\n" + _lines(rows) + "\n\n" + kernel_source(kernel) + "\n\n" + _code('''
        def learning_rate(t):
            """α_t, the learning rate at iteration t (t = 0 for the first step): α times the factor above."""
            return ALPHA * $call
        ''', call=call)


# the optimisers and schedules of a race ----------------------------------------------------------
def race_optimizer_section(names: list[str]) -> str:
    """Section 2 of a race script: each optimiser's kernels."""
    out = _section("2", "The optimiser" + ("s" if len(set(names)) > 1 else ""))
    out += _comment("Each rule steps an array of runs (one row a run) with a column of learning rates α, one a "
                    "row. " + _RULE_WORDS)
    return out + "\n\n" + optimizer_kernels(names)


def race_group_line(runs: list[int], name: str, hyper: dict[str, float], schedule: Schedule | None,
                    width: int) -> str:
    """One entry of the script's GROUPS: the runs, their optimiser's kernels and hyperparameters, and
    their schedule's kernel with its keywords (when the race has schedules)."""
    rule = OPTIMIZER_RULES[name]
    line = (f'    {{"runs": {runs}, "init": {rule.init.__name__}, "update": {rule.update.__name__}, '
            f'"hyper": {hyper_literal(hyper)}')
    if schedule is not None:
        kernel, keywords = schedule.kernel()
        sched = f'"schedule": ({kernel.__name__}, {hyper_literal(keywords)})'
        line += f",\n     {sched}" if len(line) + len(sched) > width - 4 else f", {sched}"
    return line + "},"


def race_schedule_piece(schedules: list[Schedule]) -> str:
    """The schedule kernels a race uses and the function that applies one to a group's rates."""
    kernels: list[Any] = list(dict.fromkeys(schedule.kernel()[0] for schedule in schedules))
    return "\n\n" + kernel_source(*kernels) + "\n\n" + _code('''
        def learning_rates(group, t):
            """α_t of the group's runs, a column (one row a run), at iteration t (t = 0 for the first step)."""
            factor, keywords = group["schedule"]
            return ALPHAS[group["runs"]][:, None] * factor(t, **keywords)
        ''')
