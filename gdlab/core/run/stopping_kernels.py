"""The stopping rules as pure kernels: when a run has diverged or converged, and why, in plain words.

    diverged    J is not finite, or J > DIVERGENCE_FACTOR · max(1, |J_start|)
    converged   ‖∂J/∂w‖ < grad_tolerance, or |ΔJ| ≤ tol·max(1, |J|) and ‖Δw‖ ≤ √tol·max(1, ‖w‖)
                (a tolerance of 0 switches its test off)

A step that jumps across the minimum to a point of the same cost (α = 1/L exactly on a parabola)
changes J by 0 but is not convergence: the weights are still moving, hence the test on ‖Δw‖.
These functions are the only implementation: the runs call them (through
:mod:`gdlab.core.run.run_status`), and the script ``gdlab export-code`` writes includes their source as
it is here (numpy-free, no type annotations).
"""
from __future__ import annotations

import math

DIVERGENCE_FACTOR = 1e6                             # a cost this many times its start has diverged


def divergence_reason(cost, start_cost, iteration):
    """A reason in plain words if the cost J shows divergence, else None."""
    if not math.isfinite(cost):
        return (f"the cost became {cost} at iteration {iteration}: the steps overshot the minimum and grew "
                f"until the numbers overflowed. Try a smaller learning rate α.")
    if cost > DIVERGENCE_FACTOR * max(1.0, abs(start_cost)):
        return (f"the cost grew to {cost:.3g} at iteration {iteration}, over {DIVERGENCE_FACTOR:g} times its "
                f"start: each step overshoots the minimum by more than the last. Try a smaller learning rate α.")
    return None


def shown_below(value, limit):
    """value with the fewest significant digits (2 or more) that print it below limit: a gradient
    length of 9.97e-07 under a tolerance of 1e-06 reads 9.97e-07, never 1e-06."""
    for digits in range(2, 18):
        text = f"{value:.{digits}g}"
        if float(text) < limit:
            return text
    return repr(value)


def convergence_reason(cost, previous, grad_norm, iteration, step_norm, weight_norm, grad_tolerance, tolerance):
    """A reason in plain words if the run has converged, else None: ‖∂J/∂w‖ = grad_norm below
    grad_tolerance, or J changed from previous by |ΔJ| ≤ tol·max(1, |J|) while the last step
    ‖Δw‖ = step_norm ≤ √tol·max(1, ‖w‖), with ‖w‖ = weight_norm."""
    if grad_tolerance > 0 and grad_norm < grad_tolerance:
        return (f"the gradient's length fell to {shown_below(grad_norm, grad_tolerance)} at iteration "
                f"{iteration}, below the tolerance {grad_tolerance:g}: the weights sit where J is flat "
                "(a minimum, or a saddle).")
    change = abs(previous - cost)                   # |ΔJ|
    if tolerance > 0 and change <= tolerance * max(1.0, abs(cost)) and \
            step_norm <= math.sqrt(tolerance) * max(1.0, weight_norm):
        return (f"the cost changed by only {change:.2g} and the weights by {step_norm:.2g} at "
                f"iteration {iteration}, below the tolerance: J has stopped falling.")
    return None
