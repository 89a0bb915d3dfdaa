"""Show me the numpy: an experiment as one standalone, readable numpy script.

:func:`export_code` writes the whole experiment as a Python script that needs nothing but numpy. For
a network: the data (embedded, exact to the last bit), the network and its initial weights, the
activations, the cost, the forward pass, backpropagation with the chain rule in its comments, the
optimiser's update rule, the accuracy (or R² for regression), the training loop with its stopping
tests, and the history file with the cost and the accuracy (or R²) on both sets and the epoch. For a
cost-surface race: the cost J(w) and its gradient, the optimisers of its runs, the runs (grouped as
gdlab groups them), the race loop with each run's stopping tests, and the history file. Run as

    python FILE.py --iterations N --out HISTORY.csv

it writes the same file, byte for byte, as ``gdlab run EXPERIMENT --iterations N --out HISTORY.csv``.

Byte for byte means bit for bit: floating-point sums depend on their order, and a last-bit
difference grows over thousands of steps. So the script keeps gdlab's arrangement of the
arithmetic (layers stored as (neurons, samples), the bias folded into the weight matrix as its
last row, the same fused cost formulas, each optimiser's operations in torch's order) and says so
in plain comments where that arrangement differs from a textbook's. Two rewrites are exact and
make the script simpler: every f′ is computed from a = f(z) (relu′(z) = [z > 0] = [a > 0]), and
the arrays are fresh results instead of gdlab's reused buffers (an elementwise operation or a
matrix product gives the same bits whether or not it writes into a given array).

The arithmetic is not written twice: the optimisers' rules, the cost surfaces, the activations,
the schedules, the stopping rules and the history file's lines are the core's own kernels (the
modules ``*_kernels.py``), included by their source (:mod:`.source`); the modules of this package hold the
script's prose and the few lines that apply the kernels: ``spec`` (what an experiment's script needs
to know), ``text`` (comments, sections, number literals), ``network`` and ``passes`` (a network's
data, weights, activations, cost, forward and backward passes), ``update`` (optimisers and
schedules), ``loop`` (the metric and the training loop), ``race`` (a surface race) and ``output``
(the history file and ``main``).

A script is assembled from these pieces, and only the pieces the experiment uses go in: its
activations, its cost, its metric (accuracy for classification, R² for regression), its optimiser,
its schedule, the penalty and the mini-batches if it has them, the convergence tests it switches on.
Before returning, :func:`export_code` checks that the embedded data rebuild exactly gdlab's training
and test arrays, and compiles the script.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..files.experiment import Experiment
from ..io.atomic import atomic_write_text
from ..params import NETWORK
from .loop import _metric_section, _training_section
from .network import _appendix, _data_section, _header, _network_section
from .output import output_section
from .passes import _activation_section, _backward_section, _cost_section, _forward_section
from .race import _surface_script
from .spec import _check_embedding, _read
from .update import _optimizer_section

__all__ = ["export_code", "write_code"]

# -- the public API -------------------------------------------------------------------------------
def export_code(experiment: Experiment, command: str | None = None, filename: str | None = None) -> str:
    """The text of a standalone numpy script that trains ``experiment`` exactly as ``gdlab run`` does.

    A network experiment becomes data, network, forward pass, backprop, optimiser and training
    loop; a surface experiment (a race of optimisers on an analytic cost J(w)) becomes the cost
    and its gradient, the optimisers of its runs and the race loop. ``command`` is what the
    script's docstring quotes after ``gdlab run`` (default: the experiment's name) and
    ``filename`` the name it is run by (default: the name plus ``.py``).
    """
    if isinstance(experiment, Experiment) and experiment.kind != NETWORK:
        text = _surface_script(experiment, command, filename)
        compile(text, filename or "race.py", "exec")
        return text
    spec, run = _read(experiment, command, filename)
    _check_embedding(spec, run)
    text = "".join([_header(spec), _data_section(spec), _network_section(spec), _activation_section(spec),
                    _cost_section(spec), _forward_section(spec), _backward_section(spec),
                    _optimizer_section(spec), _metric_section(spec), _training_section(spec),
                    output_section("10", race=False, metric=spec.metric), _appendix(spec),
                    '\n\nif __name__ == "__main__":\n    main()\n'])
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    compile(text, spec.filename, "exec")  # a generator bug shows up here, not in the user's terminal
    return text


def write_code(experiment: Experiment, path: str | os.PathLike, command: str | None = None) -> Path:
    """Write :func:`export_code`'s script to ``path`` atomically (temp file, then rename)."""
    return atomic_write_text(path, export_code(experiment, command, filename=Path(path).name))

