"""The chain rule for one weight written out as HTML, symbolically and with one iteration's numbers
(a :class:`~gdlab.core.teaching.backprop_trace.ChainRule`), next to the finite-difference check: the text of
the inspector's chain-rule panel (:class:`~gdlab.gui.plots.inspector_view.InspectorView`).
"""
from __future__ import annotations

import html

from ...core.nn.gradcheck import RIGHT, WRONG
from ...core.teaching.inspect_text import check_lines
from ..palette import GREEN, VERMILLION
from .network_layout import _fmt

__all__ = ["chain_rule_html"]


def _paren(x: float) -> str:
    """A number, in parentheses when negative (so 0.8·(−0.2), not 0.8·−0.2)."""
    return f"({_fmt(x)})" if x < 0 else _fmt(x)


def _sub(text) -> str:
    return f"<sub>{text}</sub>"


def chain_rule_html(trace, rule, label: str) -> str:
    """The chain rule for one weight, symbolically and with the numbers of ``rule`` (a ChainRule)."""
    L = trace.num_layers
    i, j, layer = rule.i, rule.j, rule.layer
    named = layer == 1 and i < len(trace.input_labels)
    src = html.escape(trace.input_labels[i]) if named else f"neuron {i + 1} of layer {layer - 1}"  # a CSV's name
    dst = "the output" if layer == L else f"neuron {j + 1} of layer {layer}"
    lines = [f"<h3 style='margin:0'>∂J/∂w for {label}</h3>",
             f"<p>the weight from {src} to {dst}</p>",
             f"<p><b>∂J/∂w{_sub('ij')} = δ{_sub('j')} · a{_sub('i')}</b>"
             + (" &nbsp;(one sample)" if trace.mode == "sample" else
                f" &nbsp;for each sample; the batch gradient adds up the n = {rule.n} shares") + "</p>"]
    who = "" if trace.mode == "sample" else f" (sample {rule.sample + 1} of the batch)"
    if rule.output_layer:
        if rule.fused:
            lines.append(f"<p>output layer{who}: δ{_sub('j')} = (ŷ − y)/n = ({_fmt(rule.y_hat)} − {_paren(rule.y)})/"
                         f"{rule.n} = <b>{_fmt(rule.delta_j)}</b><br><small>({trace.loss} after "
                         f"{trace.activation_names[-1]}: f′ and ∂J/∂ŷ cancel to ŷ − y)</small></p>")
        else:
            lines.append(f"<p>output layer{who}: δ{_sub('j')} = f′(z{_sub('j')}) · ∂J/∂ŷ{_sub('j')} = "
                         f"{_fmt(rule.f_prime)} × {_paren(rule.dJ_dyhat)} = <b>{_fmt(rule.delta_j)}</b></p>")
    else:
        terms = " + ".join(f"{_paren(w)}·{_paren(d)}" for _, w, d in rule.terms[:6])
        if len(rule.terms) > 6:
            terms += " + …"
        lines.append(f"<p>hidden layer{who}: δ{_sub('j')} = f′(z{_sub('j')}) · Σ{_sub('k')} w{_sub('jk')} "
                     f"δ{_sub('k')}<br>= {_fmt(rule.f_prime)} × ({terms})<br>= {_fmt(rule.f_prime)} × "
                     f"{_paren(rule.weighted_sum)} = <b>{_fmt(rule.delta_j)}</b></p>")
    lines.append(f"<p>a{_sub('i')} = {_fmt(rule.a_i)} &nbsp;&nbsp; share δ{_sub('j')}·a{_sub('i')} = "
                 f"{_fmt(rule.delta_j)} × {_paren(rule.a_i)} = <b>{_fmt(rule.share)}</b></p>")
    if trace.mode == "batch":
        lines.append(f"<p>Σ over the {rule.n} samples of δ{_sub('j')}·a{_sub('i')}"
                     + (" + penalty gradient" if trace.regularization != "none" else "")
                     + f" = <b>{_fmt(rule.chain_value)}</b></p>")
    if rule.check is not None:
        *numbers, verdict = check_lines(rule.check)
        color = {RIGHT: GREEN, WRONG: VERMILLION}.get(rule.check.verdict, "")
        mark = {RIGHT: "✓ ", WRONG: "✗ "}.get(rule.check.verdict, "")
        style = f" style='color:{color}'" if color else ""
        lines.append("<p>" + "<br>".join(html.escape(" ".join(line.split())) for line in numbers)  # no columns
                     + f"<br><span{style}>{mark}{html.escape(verdict)}</span></p>")
    return "".join(lines)
