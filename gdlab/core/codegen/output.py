"""The end of every script: the history file, written by the core's own line kernels
(:mod:`gdlab.core.run.history_kernels`, included by their source) as `gdlab run` writes it, and ``main()``."""
from __future__ import annotations

from ..run.history_kernels import header_line, history_line, status_line
from .source import kernel_source
from .text import _code, _section

# The rows of the history, for a network: (iteration, J, J_test, the metric on both, epoch).
_NETWORK_ROWS = '''
    history, status, iteration, reason = train(max_iterations)
    lines = [header_line(["iteration", "train_cost", "test_cost", "train_$metric", "test_$metric", "epoch"])]
    lines += [history_line(k, values) for k, *values in history]
    '''

# ... and for a race: each run's cost and weights.
_RACE_ROWS = '''
    history, iteration, status, reasons = race(max_iterations)
    names = ["iteration"]
    for k in range(len(LABELS)):
        names += [f"run{k + 1}_cost"] + [f"run{k + 1}_w{i + 1}" for i in range($d)]
    lines = [header_line(names)]
    for row, (J, w) in enumerate(history):
        values = []
        for k in range(len(LABELS)):
            values += [J[k], *w[k]]
        lines.append(history_line(row, values))
    status, reason = summary(status, reasons)
    '''

_HISTORY = '''
    def history_file(max_iterations):
        """$what, and the history as `gdlab run` writes it, in the lines above; with how it ended:
        (text, status, iteration, reason)."""
    $rows
        lines.append(status_line(status, iteration, reason))
        return "".join(lines), status, iteration, reason


    def main():
        parser = argparse.ArgumentParser(description=__doc__.split("\\n")[0])
        parser.add_argument("--iterations", type=int, default=MAX_ITERATIONS, metavar="N",
                            help=f"the iteration limit (default {MAX_ITERATIONS})")
        parser.add_argument("--out", metavar="HISTORY.csv", help="where to write the history (default: print it)")
        args = parser.parse_args()
        if args.iterations < 1:
            parser.error(f"--iterations must be at least 1, got {args.iterations}")
        with np.errstate(all="ignore"):     # a diverging run overflows: the history says so, not numpy warnings
            text, status, iteration, reason = history_file(args.iterations)
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="\\n") as f:
                f.write(text)
        else:
            sys.stdout.write(text)
        print(f"{status} at iteration {iteration}: {reason}", file=sys.stderr)
    '''


def output_section(number: str, race: bool, metric: str = "", d: int = 0) -> str:
    """The section that writes the history: the line kernels, then a network's rows (with ``metric``,
    accuracy or r2) or a race's (each run's cost and its ``d`` weights)."""
    rows = _code(_RACE_ROWS, d=d) if race else _code(_NETWORK_ROWS, metric=metric)
    text = _code(_HISTORY, what="Race" if race else "Train",
                 rows="\n".join("    " + line for line in rows.splitlines()))
    return (_section(number, "Writing the history") + "\n" + kernel_source(header_line, history_line, status_line)
            + "\n\n\n" + text)
