"""``gdlab worksheet``: one iteration of backpropagation by hand, as the worked, blank and key PDFs
(drawn by gdlab.gui.figures.worksheet_pdf without a window). Imports the usage, experiment-flag, progress
and headless modules of this package; Qt only inside :func:`cmd_worksheet`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .experiment_flags import add_experiment_argument, checked, resolve_experiment
from .headless import headless_qt
from .progress import Progress, add_progress_flag
from .usage import UsageError, examples, non_negative_int

WORKSHEET_HELP = (
    "one iteration by hand: worked, blank and key PDFs",
    "One iteration of backpropagation and gradient descent to compute by hand, on one training sample, as three "
    "A4 PDFs: the worked solution, the blank worksheet and the answer key.",
    examples("gdlab worksheet xor --out handouts/", "gdlab worksheet xor --iterations 200 --out handouts/"))


def worksheet_arguments(p: argparse.ArgumentParser) -> None:
    add_experiment_argument(p)
    p.add_argument("--out", required=True, metavar="DIR", help="the folder to write into (created if needed)")
    p.add_argument("--iterations", type=non_negative_int, default=0, metavar="N",
                   help="updates before the worksheet's iteration (default 0: the starting weights)")
    add_progress_flag(p)


def cmd_worksheet(args: argparse.Namespace) -> int:
    from ..core.run.driver import Driver
    from ..core.run.training import NetworkRun, make_run
    from ..core.teaching.worksheet import file_stem, worksheet_from_run

    experiment = resolve_experiment(args.experiment)
    if experiment.kind != "network":
        raise UsageError(f"{args.experiment} is a cost-surface race: a worksheet follows a network's forward and "
                         "backward pass")
    if args.iterations > experiment["max_iterations"]:
        experiment = checked(lambda: experiment.replace(max_iterations=args.iterations))
    run = make_run(experiment)
    assert isinstance(run, NetworkRun)
    try:
        worksheet_from_run(run)  # a network too big for a page says so before any training
    except ValueError as exc:
        raise UsageError(f"{args.experiment}: {exc}") from None
    progress = Progress("training", args.progress)
    for iteration in Driver(run).chunks(args.iterations - run.iteration, chunk=1000):
        progress(iteration, args.iterations)
    progress.close()
    worksheet = worksheet_from_run(run)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {args.out}: cannot create the folder: {exc.strerror or exc}") from None
    headless_qt()
    from ..gui.figures.worksheet_pdf import write_worksheet_set

    try:
        paths = write_worksheet_set(out, worksheet, file_stem(experiment.name or Path(args.experiment).stem))
    except OSError as exc:
        raise UsageError(f"cannot write into {out}: {exc.strerror or exc}") from None
    for path in paths:
        print(f"wrote {path}", file=sys.stderr)
    return 0
