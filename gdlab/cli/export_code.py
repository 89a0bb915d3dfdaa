"""``gdlab export-code``: an experiment as one standalone numpy script (written by
:mod:`gdlab.core.codegen`). Imports the usage and experiment-flag modules of this package."""
from __future__ import annotations

import argparse
import sys

from .experiment_flags import add_experiment_argument, add_experiment_flags, experiment_from_args, with_iterations
from .usage import UsageError, examples, output_path, positive_int

EXPORT_CODE_HELP = (
    "the experiment as a standalone numpy script",
    "Write an experiment as one standalone, readable Python script that needs only numpy: for a network the data, "
    "the network, the forward pass, backprop, the optimiser's rule and the training loop; for a cost-surface race "
    "the cost J(w), its gradient, the optimisers and the race loop. `python FILE.py --iterations N --out "
    "HISTORY.csv` writes the same history, value for value, as `gdlab run EXPERIMENT --iterations N --out "
    "HISTORY.csv`.",
    examples("gdlab export-code xor --out xor.py && python xor.py --iterations 500 --out history.csv",
             "gdlab export-code optimizer-race --learning-rate 0.01 --out race.py"))


def export_code_arguments(p: argparse.ArgumentParser) -> None:
    add_experiment_argument(p, "")
    p.add_argument("--out", required=True, metavar="FILE.py", help="the script to write")
    p.add_argument("--iterations", type=positive_int, metavar="N",
                   help="the script's default iteration limit (default: the experiment's max_iterations)")
    add_experiment_flags(p)


def cmd_export_code(args: argparse.Namespace) -> int:
    from ..core.codegen import write_code

    out = output_path("--out", args.out, (".py",), "the script")
    experiment = with_iterations(experiment_from_args(args, "export"), args.iterations)
    try:
        write_code(experiment, out, command=_run_command(args.argv, args.experiment))
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out}: run it with `python {out} --out history.csv` (needs only numpy)", file=sys.stderr)
    return 0


def _run_command(argv: list[str], experiment: str | None) -> str:
    """The `gdlab run` arguments that train the same experiment: ``argv`` without --out/--iterations,
    the experiment first (quoted for a shell), for the script's docstring."""
    import shlex

    rest: list[str] = []
    found, i = False, 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--out", "--iterations"):
            i += 2
        elif arg.startswith(("--out=", "--iterations=")):
            i += 1
        elif arg.startswith("--") and "=" not in arg and arg != "--standardize" and i + 1 < len(argv):
            rest += argv[i:i + 2]  # a flag and its value (the value may spell the experiment's name)
            i += 2
        elif not found and arg == experiment:
            found = True
            i += 1
        else:
            rest.append(arg)
            i += 1
    return shlex.join(([experiment] if experiment else []) + rest)
