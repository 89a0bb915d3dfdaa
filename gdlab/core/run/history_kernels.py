"""The history file's lines as kernels: `gdlab run` writes its CSV with them, and the script
``gdlab export-code`` writes includes their source as it is here, so the format is spelled once.

A history CSV is a header of column names, then one line per row of the history (row k is the
state after k updates: the iteration, then each value as repr(float(x)), the shortest text that
reads back to the same bits), and last a line saying how the run ended::

    iteration,train_cost,test_cost,train_accuracy,test_accuracy,epoch
    0,0.6931471805599453,0.6931471805599453,0.5,0.5,0.0
    # status: converged; iteration: 412; reason: the gradient …
"""


def header_line(names):
    """The first line: the column names, comma-separated."""
    return ",".join(names) + "\n"


def history_line(iteration, values):
    """Row ``iteration`` of the history: the iteration, then each value as repr(float(x)), every digit kept."""
    return ",".join([str(iteration)] + [repr(float(x)) for x in values]) + "\n"


def status_line(status, iteration, reason):
    """The last line: how the run ended, at which iteration and why."""
    return f"# status: {status}; iteration: {iteration}; reason: {reason}\n"
