"""The end of every script: the history file, written as `gdlab run` writes it, and ``main()``."""
from __future__ import annotations

from .text import _code, _section

# The first line of the history and a row of it, for a network.
_NETWORK_ROWS = '''
    lines = ["iteration,train_cost,test_cost,train_$metric,test_$metric,epoch"]
    lines += [f"{k},{J!r},{J_test!r},{train_$metric!r},{test_$metric!r},{epoch!r}"
              for k, J, J_test, train_$metric, test_$metric, epoch in history]
    '''

# ... and for a race: each run's cost and weights.
_RACE_ROWS = '''
    names = ["iteration"]
    for k in range(len(LABELS)):
        names += [f"run{k + 1}_cost"] + [f"run{k + 1}_w{i + 1}" for i in range($d)]
    lines = [",".join(names)]
    for row, (J, w) in enumerate(history):
        cells = [str(row)]
        for k in range(len(LABELS)):
            cells += [repr(float(J[k]))] + [repr(float(x)) for x in w[k]]
        lines.append(",".join(cells))
    status, reason = summary(status, reasons)
    '''

_HISTORY = '''
    def history_file(max_iterations):
        """$what, and the history as `gdlab run` writes it, floats with repr() so that every digit
        survives; with how it ended: (text, status, iteration, reason)."""
        $call
    $rows
        lines.append(f"# status: {status}; iteration: {iteration}; reason: {reason}")
        return "\\n".join(lines) + "\\n", status, iteration, reason


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
    """The section that writes the history: a network's rows (with ``metric``, accuracy or r2) or a
    race's (each run's cost and its ``d`` weights)."""
    rows = _code(_RACE_ROWS, d=d) if race else _code(_NETWORK_ROWS, metric=metric)
    call = ("history, iteration, status, reasons = race(max_iterations)" if race else
            "history, status, iteration, reason = train(max_iterations)")
    what = "Race" if race else "Train"
    text = _code(_HISTORY, what=what, call=call, rows="\n".join("    " + line for line in rows.splitlines()))
    return _section(number, "Writing the history") + "\n" + text
