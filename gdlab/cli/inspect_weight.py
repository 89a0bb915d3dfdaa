"""``gdlab inspect``: the chain rule of one weight after N updates, with its finite-difference
check, as plain text (made by :mod:`gdlab.core.teaching.inspect_text`). Imports the usage and
experiment-flag modules of this package."""
from __future__ import annotations

import argparse
import sys

from .experiment_flags import add_experiment_argument, resolve_experiment
from .usage import UsageError, examples, non_negative_int, positive_int

INSPECT_HELP = (
    "one weight's chain rule, checked numerically",
    "The backprop inspector's chain rule for one weight, as plain text: its numbers after N updates, the "
    "finite-difference estimate with its error bound B, and the verdict.",
    examples("gdlab inspect spiral-deep --iterations 1000 --weight 'W2[3,6]'",
             "gdlab inspect xor --weight 'W1[1,2]' --sample 3"))


def inspect_arguments(p: argparse.ArgumentParser) -> None:
    add_experiment_argument(p)
    p.add_argument("--weight", required=True, metavar="'W2[3,6]'",
                   help="W{layer}[from,to], 1-based as in lessons: W2[3,6] goes from neuron 3 of layer 1 to "
                        "neuron 6 of layer 2")
    p.add_argument("--iterations", type=non_negative_int, default=0, metavar="N",
                   help="updates before the inspected iteration (default 0: the starting weights)")
    p.add_argument("--sample", type=positive_int, metavar="K",
                   help="one training sample (1-based) instead of the batch")


def cmd_inspect(args: argparse.Namespace) -> int:
    from ..core.teaching.inspect_text import inspect_weight

    experiment = resolve_experiment(args.experiment)
    try:
        text = inspect_weight(experiment, args.iterations, args.weight, args.sample)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    sys.stdout.write(text)
    return 0
