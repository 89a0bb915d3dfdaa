"""The inspector's chain rule for one weight as plain text (``gdlab inspect``).

    ∂J/∂wᵢⱼ = δⱼ · aᵢ     with the numbers of one iteration, then the finite-difference
                         estimate D₆, its error bound B and the verdict (gradcheck)

Every number comes from a :class:`~gdlab.core.teaching.backprop_trace.BackpropTrace`; this module only
writes them down.
"""
from __future__ import annotations

import re

from ..files.experiment import Experiment
from ..io.printing import number, operand, scientific
from ..nn.gradcheck import WeightCheck, stencil_formula
from ..run.driver import Driver
from ..run.training import NetworkRun, make_run
from .backprop_trace import BackpropTrace, ChainRule, trace_iteration

_WEIGHT = re.compile(r"\s*W(\d{1,6})\[\s*(\d{1,6})\s*,\s*(\d{1,6})\s*\]\s*")


def parse_weight(text: str, layer_sizes: list[int]) -> tuple[int, int, int]:
    """'W2[3,6]' (1-based: layer 2, from neuron 3 of layer 1 to neuron 6) → (2, 2, 5): the layer
    (1-based) and the 0-based row and column of that weight matrix. Raises ValueError saying why."""
    found = _WEIGHT.fullmatch(text)
    if found is None:
        raise ValueError(f"a weight reads like W2[3,6] (layer 2, from neuron 3 to neuron 6), got {text!r}")
    layer, i, j = (int(g) for g in found.groups())
    L = len(layer_sizes) - 1
    if not 1 <= layer <= L:
        raise ValueError(f"no {text.strip()}: the network has weight layers W1 … W{L}")
    if not (1 <= i <= layer_sizes[layer - 1] and 1 <= j <= layer_sizes[layer]):
        raise ValueError(f"no {text.strip()}: W{layer} connects {layer_sizes[layer - 1]} neuron(s) to "
                         f"{layer_sizes[layer]}, so W{layer}[i,j] needs 1 ≤ i ≤ {layer_sizes[layer - 1]} "
                         f"and 1 ≤ j ≤ {layer_sizes[layer]}")
    return layer, i - 1, j - 1


def check_lines(check: WeightCheck) -> list[str]:
    """The estimate, its bound and the verdict: the last lines of every chain rule shown."""
    return [f"backprop:           ∂J/∂w = {number(check.backprop, 9)}",
            f"finite differences: D₆ = {stencil_formula(check.order)} with ε = {check.eps:g}",
            f"                       = {number(check.numeric, 9)}",
            f"error bound:        B = {scientific(check.bound)} (truncation {scientific(check.truncation)} "
            f"+ round-off {scientific(check.roundoff)}); |backprop − D₆| = {scientific(check.difference)}",
            check.sentence]


def chain_rule_text(trace: BackpropTrace, rule: ChainRule, label: str) -> str:
    """The chain rule for one weight, symbolically and with its numbers, as plain text."""
    L = trace.num_layers
    i, j, layer = rule.i, rule.j, rule.layer
    named = layer == 1 and i < len(trace.input_labels)
    src = trace.input_labels[i] if named else f"neuron {i + 1} of layer {layer - 1}"
    dst = "the output" if layer == L else f"neuron {j + 1} of layer {layer}"
    batch = trace.mode == "batch"
    where = (f"the batch of {rule.n} samples (sample {rule.sample + 1} shown)" if batch
             else f"training sample {int(trace.samples[0]) + 1} alone")
    lines = [f"∂J/∂w for {label}: the weight from {src} to {dst}",
             f"iteration {trace.iteration}, {where}; J = {number(trace.J)} ({trace.loss})",
             "",
             "∂J/∂wᵢⱼ = δⱼ · aᵢ" + ("  for each sample; the batch gradient adds up the shares" if batch else "")]
    if rule.output_layer:
        if rule.fused:
            lines.append(f"output layer: δⱼ = (ŷ − y)/n = ({number(rule.y_hat)} − {operand(rule.y)})/{rule.n} "
                         f"= {number(rule.delta_j)}   ({trace.loss} after {trace.activation_names[-1]}: "
                         "f′ and ∂J/∂ŷ cancel to ŷ − y)")
        else:
            lines.append(f"output layer: δⱼ = f′(zⱼ) · ∂J/∂ŷⱼ = {number(rule.f_prime)} × "
                         f"{operand(rule.dJ_dyhat)} = {number(rule.delta_j)}")
    else:
        terms = " + ".join(f"{operand(w)}·{operand(d)}" for _, w, d in rule.terms)
        lines += ["hidden layer: δⱼ = f′(zⱼ) · Σₖ wⱼₖ δₖ",
                  f"  = {number(rule.f_prime)} × ({terms})",
                  f"  = {number(rule.f_prime)} × {operand(rule.weighted_sum)} = {number(rule.delta_j)}"]
    lines.append(f"aᵢ = {number(rule.a_i)}   share δⱼ·aᵢ = {number(rule.delta_j)} × {operand(rule.a_i)} "
                 f"= {number(rule.share)}")
    if batch:
        penalty = " + penalty gradient" if trace.regularization != "none" else ""
        lines.append(f"Σ over the {rule.n} samples of δⱼ·aᵢ{penalty} = {number(rule.chain_value)}")
    lines.append("")
    if rule.check is not None:
        lines += check_lines(rule.check)
    return "\n".join(lines) + "\n"


def inspect_weight(experiment: Experiment, iterations: int, weight: str, sample: int | None = None) -> str:
    """``gdlab inspect``: the chain rule of ``weight`` (e.g. 'W2[3,6]') after ``iterations`` updates,
    for the batch (``sample`` None) or one training sample (1-based). Raises ValueError saying why."""
    if experiment.kind != "network":
        raise ValueError(f"{experiment.name or 'this experiment'} is a cost-surface race: it has no network "
                         "whose gradients backprop computes")
    if iterations > experiment["max_iterations"]:
        experiment = experiment.replace(max_iterations=iterations)
    run = make_run(experiment)
    assert isinstance(run, NetworkRun)
    layer, i, j = parse_weight(weight, list(run.model.layer_sizes))
    if sample is not None and not 1 <= sample <= len(run.X_train):
        raise ValueError(f"--sample {sample}: the training set has samples 1 … {len(run.X_train)}")
    Driver(run).advance(iterations - run.iteration, chunk=1000)
    trace = trace_iteration(run, "batch" if sample is None else "sample", 0 if sample is None else sample - 1)
    rule = trace.chain_rule(layer, i, j)
    text = chain_rule_text(trace, rule, NetworkRun.weight_label((layer - 1, i, j)))
    if run.iteration < iterations:
        text = f"The run stopped at iteration {run.iteration} of {iterations}: {run.reason}\n\n" + text
    return text
