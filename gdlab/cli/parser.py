"""The one argparse parser of ``gdlab``: :func:`build_parser` puts the window's options at the top
and one sub-command per verb, each with the help and the arguments its own module declares (the
table :data:`VERB_TABLE`); also the ``completion`` verb, which prints a shell completion script
made from this parser (:mod:`gdlab.cli.completion`). Imports the verbs' modules of this package,
never the package itself."""
from __future__ import annotations

import argparse
import sys
from typing import Collection

from .export import EXPORT_HELP, export_arguments
from .export_code import EXPORT_CODE_HELP, export_code_arguments
from .inspect_weight import INSPECT_HELP, inspect_arguments
from .lessons import LESSON_HELP, lesson_arguments
from .run import RUN_HELP, run_arguments
from .usage import VERBS, WINDOW, HelpFormatter, examples
from .window import window_arguments
from .worksheet import WORKSHEET_HELP, worksheet_arguments


def build_parser(needed: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line as one parser: the window's options at the top, one sub-command per
    verb (each with its examples), and the hidden sub-command ``window`` that a command without a
    verb is parsed as. The shell completions (``gdlab completion``) are generated from it.

    ``needed``: the sub-commands whose arguments are wanted (default: all). The others are listed
    with their one line only, so `gdlab --version` does not load the parameter table (and numpy)
    for the experiment flags of verbs it does not run."""
    parser = argparse.ArgumentParser(
        prog="gdlab", formatter_class=HelpFormatter,
        usage="gdlab [PRESET_OR_FILE] [--size WxH] [--data FILE.csv ...]\n       gdlab VERB ...",
        description="Gradient Descent Lab: see backpropagation and gradient descent work. Without a verb, gdlab "
                    "opens the lab window (gdlab-gui does the same without a console), with the preset or "
                    "experiment file given.",
        epilog=examples("gdlab xor", "gdlab presets", "gdlab run xor --iterations 2000 --out xor.csv",
                        "gdlab export xor --view data --out boundary.png", "gdlab run --help"))
    window_arguments(parser, positional=False)
    verbs = parser.add_subparsers(dest="verb", metavar="", title="verbs (gdlab VERB --help for each)")
    verbs.required = True
    window = verbs.add_parser(WINDOW, prog="gdlab", formatter_class=HelpFormatter, usage=parser.usage,
                              description=parser.description, epilog=parser.epilog)
    if needed is None or WINDOW in needed:
        window_arguments(window, positional=True)
    for name, summary, description, epilog, arguments in VERB_TABLE:
        sub = verbs.add_parser(name, prog=f"gdlab {name}", help=summary, description=description, epilog=epilog,
                               formatter_class=HelpFormatter)
        if needed is None or name in needed:
            arguments(sub)
    return parser


def completion_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell to complete in")


def cmd_completion(args: argparse.Namespace) -> int:
    from .completion import completion_script

    sys.stdout.write(completion_script(build_parser(), args.shell, VERBS))
    return 0


def _no_arguments(p: argparse.ArgumentParser) -> None:
    pass


# (name, one line for `gdlab --help`, description, examples, arguments): build_parser's table
VERB_TABLE = (
    ("presets", "list the presets: name<TAB>summary", "List the preset scenarios: name<TAB>one-line summary.",
     examples("gdlab presets", "gdlab presets | cut -f1"), _no_arguments),
    ("run", *RUN_HELP, run_arguments),
    ("export", *EXPORT_HELP, export_arguments),
    ("export-code", *EXPORT_CODE_HELP, export_code_arguments),
    ("inspect", *INSPECT_HELP, inspect_arguments),
    ("worksheet", *WORKSHEET_HELP, worksheet_arguments),
    ("lessons", "list the lessons: name<TAB>title",
     "List the shipped lessons: name<TAB>title (play one with `gdlab lesson NAME`).",
     examples("gdlab lessons"), _no_arguments),
    ("lesson", *LESSON_HELP, lesson_arguments),
    ("completion", "a shell completion script: bash, zsh or fish",
     "Print a completion script for gdlab's verbs, flags, presets and lessons, generated from this parser.",
     examples("source <(gdlab completion bash)                      # in ~/.bashrc",
              "gdlab completion zsh > ~/.zfunc/_gdlab                 # with fpath+=(~/.zfunc) in ~/.zshrc",
              "gdlab completion fish > ~/.config/fish/completions/gdlab.fish"), completion_arguments),
)
