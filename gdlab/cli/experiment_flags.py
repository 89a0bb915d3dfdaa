"""The experiment a command works on: a preset name or a file (with "did you mean" for a near
miss), ``--data FILE.csv`` and its flags (your own data), and one flag per experiment parameter
(``--learning-rate`` ...) applied over it. Shared by the window, run, export, export-code, inspect
and worksheet. Imports :mod:`gdlab.cli.usage` and, inside functions, gdlab.core only."""
from __future__ import annotations

import argparse
from typing import Any

from .usage import VERBS, UsageError, did_you_mean

PRESET_OR_FILE = "a preset name (see `gdlab presets`) or an experiment file"


def add_experiment_argument(p: argparse.ArgumentParser, with_data: str | None = None,
                            kinds: str = PRESET_OR_FILE) -> None:
    """The experiment a verb works on (``kinds``: what may name it). With ``with_data`` (what is
    taken from it with --data, or ``""``) it is optional, --data standing in for it."""
    if with_data is None:
        p.add_argument("experiment", help=kinds)
    else:
        p.add_argument("experiment", nargs="?", help=f"{kinds} (optional with --data{with_data})")


def add_experiment_flags(parser: argparse.ArgumentParser) -> None:
    """The flags of a verb that trains: your own data (:func:`add_data_flags`), then one flag per
    experiment parameter (:func:`add_param_flags`); read back by :func:`experiment_from_args`."""
    add_data_flags(parser)
    add_param_flags(parser)


def add_param_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per experiment parameter (``--learning-rate`` ...); read back by :func:`apply_overrides`."""
    from ..core.params import run_params

    group = parser.add_argument_group("experiment parameters (override the file)")
    for param in run_params():  # playback_speed is how the window shows a run: no flag
        # --max-iterations is what --iterations does: kept working, left out of --help
        hidden = param.name == "max_iterations" and any("--iterations" in a.option_strings for a in parser._actions)
        flag = group.add_argument(param.flag, dest=f"param_{param.name}", metavar=_metavar(param),
                                  help=argparse.SUPPRESS if hidden else f"{param.tooltip} ({param.describe_range()})")
        flag.completions = tuple(param.choices or ())  # checked by the experiment; offered by completion


TASK_FLAG_CHOICES = ("classification", "binary", "multiclass", "regression")


def add_data_flags(parser: argparse.ArgumentParser) -> None:
    """Add --data FILE.csv, --label NAME, --task and --standardize to a parser; pair with
    :func:`apply_data_flags` after parsing."""
    group = parser.add_argument_group("your own data")
    group.add_argument("--data", metavar="FILE.csv", help="train on the data of a CSV file: numeric feature columns "
                       "and a label (target) column; a first row of names is optional")
    group.add_argument("--label", metavar="NAME", help="with --data: the label/target column (default: the last "
                       "column; a file without a header names its columns x1, x2, ..., y)")
    group.add_argument("--task", choices=TASK_FLAG_CHOICES, help="with --data: override the inferred task (text "
                       "labels or up to 10 whole numbers are classes, anything else is regression)")
    group.add_argument("--standardize", action="store_true", default=None,
                       help="with --data: standardise each feature, x <- (x - mean) / std")
    group.add_argument("--image-shape", metavar="ROWSxCOLS", help="with --data: each row is an image of this "
                       "shape, read row by row (e.g. 8x8 for 64 feature columns); the data view shows a gallery")


def apply_data_flags(args: argparse.Namespace, experiment=None):
    """The experiment to use after :func:`add_data_flags`'s flags: ``experiment`` itself without
    --data, else a custom-data experiment built from the CSV file (keeping ``experiment``'s
    network and training values when given). A bad file raises :class:`UsageError` naming the
    file, row and column; nothing is written."""
    path = getattr(args, "data", None)
    if path is None:
        for flag in ("label", "task", "standardize", "image_shape"):
            if getattr(args, flag, None) is not None:
                raise UsageError(f"--{flag.replace('_', '-')} needs --data FILE.csv")
        return experiment
    if experiment is not None and experiment.kind != "network":
        raise UsageError(f"--data {path}: {experiment.name} is a cost-surface race; data needs a network experiment")
    from ..core.files.csvdata import DataError, experiment_from_csv, parse_image_shape
    from ..core.files.experiment import ExperimentError

    shape = None
    if getattr(args, "image_shape", None) is not None:
        try:
            shape = parse_image_shape(args.image_shape, "--image-shape")
        except ExperimentError as exc:
            raise UsageError(str(exc)) from None
    try:
        return experiment_from_csv(path, label=args.label, task=args.task, standardize=bool(args.standardize),
                                   base=experiment, image_shape=shape)
    except (DataError, ExperimentError) as exc:
        raise UsageError(f"{path}: {exc}") from None


def resolve_experiment(name_or_path: str, verbs: bool = False):
    """The experiment a preset name or a file names. Else a usage error, with "did you mean …" for
    a name close to a preset's (or, with ``verbs``, where a verb could have been meant, a verb's):
    an existing file or a preset always wins over a suggestion, since it is never an error."""
    from ..core.files.experiment import ExperimentError
    from ..core.files.presets import preset_names, resolve
    from ..core.io.reading import is_file

    try:
        return resolve(name_or_path)
    except ExperimentError as exc:
        hint = "" if is_file(name_or_path) else did_you_mean(name_or_path, preset_names(), VERBS if verbs else ())
        raise UsageError(f"{name_or_path}: {exc}{hint}") from None


def check_not_a_mistyped_verb(word: str) -> None:
    """A first word that is no file and no preset but close to a verb (``gdlab exprot --view …``)
    is refused with the verb suggested, before its flags are taken for the window's."""
    from ..core.files.presets import preset_names
    from ..core.io.reading import is_file

    if word in preset_names() or is_file(word):
        return
    hint = did_you_mean(word, (), VERBS)
    if hint:
        raise UsageError(f"{word}: not a verb, a preset nor an experiment file{hint}")


def checked(make):
    from ..core.files.experiment import ExperimentError

    try:
        return make()
    except ExperimentError as exc:
        raise UsageError(str(exc)) from None


def apply_overrides(experiment, args):
    from ..core.params import run_params

    changes: dict[str, Any] = {}
    for param in run_params():
        raw = getattr(args, f"param_{param.name}")
        if raw is None:
            continue
        changes[param.name] = _parse_value(param, raw)
    return checked(lambda: experiment.replace(**changes)) if changes else experiment


def _parse_value(param, raw: str) -> Any:
    from ..core.params import BOOL, CHOICE, CHOICE_LIST, FLOAT_LIST, INT, INT_LIST

    def number(text: str, integer: bool) -> Any:
        try:
            return int(text) if integer else float(text)
        except ValueError:
            kind = "a whole number" if integer else "a number"
            raise UsageError(f"{param.flag} {raw}: {text!r} is not {kind}") from None

    if param.kind in (INT_LIST, FLOAT_LIST, CHOICE_LIST):
        items = [s.strip() for s in raw.split(",") if s.strip()]
        if param.kind == CHOICE_LIST:
            return items
        return [number(s, param.kind == INT_LIST) for s in items]
    if param.kind == BOOL:
        if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise UsageError(f"{param.flag} {raw}: expected true or false")
        return raw.lower() in ("true", "1", "yes")
    if param.kind == CHOICE:
        return raw
    return number(raw, param.kind == INT)


def _metavar(param) -> str:
    from ..core.params import CHOICE, CHOICE_LIST, FLOAT_LIST, INT, INT_LIST

    if param.kind == CHOICE:
        return "{" + ",".join(param.choices) + "}"
    if param.kind in (INT_LIST, FLOAT_LIST, CHOICE_LIST):
        return "A,B,..."
    return "N" if param.kind == INT else "X"


def require_experiment(args: argparse.Namespace, doing: str) -> None:
    """Refuses a verb that takes an experiment or ``--data`` (``doing``: "run", "export") given neither."""
    if not args.experiment and not args.data:
        raise UsageError(f"give an experiment or preset to {doing} (see `gdlab presets`), or --data FILE.csv")


def experiment_from_args(args: argparse.Namespace, doing: str):
    """The experiment of a verb that takes one or ``--data`` (``doing``: see :func:`require_experiment`):
    the preset or file named, with --data's file and the parameter flags applied."""
    require_experiment(args, doing)
    return apply_overrides(apply_data_flags(args, resolve_experiment(args.experiment) if args.experiment else None),
                           args)


def with_iterations(experiment, iterations: int | None):
    """``experiment`` with ``--iterations`` as its iteration limit, where given."""
    if iterations:
        return checked(lambda: experiment.replace(max_iterations=iterations))
    return experiment
