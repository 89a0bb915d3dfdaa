"""Shell completion for ``gdlab`` (``gdlab completion bash|zsh|fish``), generated from the
command's own argparse parser, so a new verb or flag completes without touching this file.

What completes: the verbs (first word only, as ``gdlab`` reads them), each verb's flags (the ones
``--help`` shows; hidden test flags are left out), a flag's choices (``--optimizer adam``), file
names after a flag that takes a file, and in place of the experiment the preset names (the
lesson names for ``gdlab lesson``) and file names. The preset and lesson names are written into
the script when it is made: they ship with gdlab and change only with it.

Imports the standard library only (and gdlab.core's preset and lesson names inside
:func:`completion_script`); the parser is handed in by :mod:`gdlab.cli.parser`, which imports this.
"""
from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from typing import Callable, Sequence


@dataclass
class Option:
    flags: tuple[str, ...]
    help: str
    choices: tuple[str, ...] = ()
    takes_value: bool = False
    files: bool = False


@dataclass
class Command:
    """One way gdlab is called: a verb, or ``""`` for the window (no verb)."""
    name: str
    help: str
    options: list[Option] = field(default_factory=list)
    positional: tuple[str, ...] = ()  # words offered in place of the positional argument
    positional_files: bool = False


FILE_METAVAR = re.compile(r"FILE|DIR|PNG")


def commands(parser: argparse.ArgumentParser, verbs: Sequence[str], presets: Sequence[str],
             lessons: Sequence[str]) -> list[Command]:
    """Every verb with its options, then the window (``""``), read from ``parser`` (gdlab's
    :func:`~gdlab.cli.parser.build_parser`). An option's ``completions`` attribute, where set, stands for
    choices that argparse does not check itself."""
    sub_action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help or "" for a in sub_action._get_subactions()}
    found = []
    for name in (*verbs, "window"):  # the window last: its `*)` branch takes what no verb did
        sub = sub_action.choices[name]
        command = Command("" if name == "window" else name, helps.get(name, "open the lab window"))
        for action in sub._actions:
            if action.help == argparse.SUPPRESS:
                continue
            if action.option_strings:
                choices = tuple(map(str, action.choices or getattr(action, "completions", ())))
                command.options.append(Option(tuple(action.option_strings), _first_clause(action.help or ""), choices,
                                              action.nargs != 0, bool(FILE_METAVAR.search(str(action.metavar or "")))))
            elif action.dest == "lesson":
                command.positional, command.positional_files = tuple(lessons), True
            elif action.dest == "experiment":
                command.positional, command.positional_files = tuple(presets), True
            elif action.choices:
                command.positional = tuple(map(str, action.choices))
        found.append(command)
    return found


def _first_clause(text: str) -> str:
    text = re.split(r"[:;(]| \(", text.replace("\n", " "), maxsplit=1)[0].strip()
    return text if len(text) <= 60 else text[:57].rstrip() + "…"


def _sq(text: str) -> str:
    """``text`` single-quoted for bash and zsh."""
    return "'" + text.replace("'", "'\\''") + "'"


def _fish_q(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _value_cases(c: Command, complete: Callable[[Option], str]) -> list[str]:
    """The bash/zsh lines of ``c``'s branch that complete a flag's value: after a flag with choices
    or a file, ``complete(option)`` (the shell's command offering them); after any other flag that
    takes a value, nothing."""
    lines = [f'        case "$prev" in {"|".join(o.flags)}) {complete(o)}; return ;; esac'
             for o in c.options if o.choices or o.files]
    valued = [f for o in c.options if o.takes_value and not o.choices and not o.files for f in o.flags]
    if valued:
        lines.append(f'        case "$prev" in {"|".join(valued)}) return ;; esac')
    return lines


# -- bash ----------------------------------------------------------------------------------------
def bash(cmds: list[Command]) -> str:
    verbs = [c.name for c in cmds if c.name]
    lines = ["# bash completion for gdlab: `source <(gdlab completion bash)` (generated from gdlab's parser)",
             "_gdlab() {",
             '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" verb="" words=""',
             '    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"',
             f'    if (( COMP_CWORD > 1 )); then case "${{COMP_WORDS[1]}}" in {"|".join(verbs)}) '
             'verb="${COMP_WORDS[1]}" ;; esac; fi',
             '    case "$verb" in']
    for c in cmds:
        lines.append(f"    {c.name or '*'})")
        lines += _value_cases(c, lambda o: f'COMPREPLY=($(compgen -W {_sq(" ".join(o.choices))} -- "$cur"))'
                              if o.choices else 'COMPREPLY=($(compgen -f -- "$cur"))')
        flags = " ".join(f for o in c.options for f in o.flags)
        words = " ".join([*(verbs if not c.name else []), *c.positional])
        lines.append(f'        if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W {_sq(flags)} -- "$cur")); '
                     'return; fi')
        if c.name:
            lines.append(f"        words={_sq(words)}")
        else:  # the window: the verbs only as the first word
            lines.append(f'        words={_sq(" ".join(c.positional))}; (( COMP_CWORD == 1 )) && '
                         f'words="{" ".join(verbs)} $words"')
        if c.positional_files:
            lines.append('        COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))')
        else:
            lines.append('        COMPREPLY=($(compgen -W "$words" -- "$cur"))')
        lines.append("        ;;")
    lines += ["    esac", "}", "complete -o filenames -F _gdlab gdlab", ""]
    return "\n".join(lines)


# -- zsh -----------------------------------------------------------------------------------------
def zsh(cmds: list[Command]) -> str:
    verbs = [c for c in cmds if c.name]
    lines = ["#compdef gdlab",
             "# zsh completion for gdlab: save as _gdlab in a folder of $fpath (generated from gdlab's parser)",
             "_gdlab() {",
             '    local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" verb=""',
             "    local -a verbs opts",
             "    verbs=(" + " ".join(_sq(f"{c.name}:{c.help}") for c in verbs) + ")",
             f'    if (( CURRENT > 2 )); then case "${{words[2]}}" in {"|".join(c.name for c in verbs)}) '
             'verb="${words[2]}" ;; esac; fi',
             '    case "$verb" in']
    for c in cmds:
        lines.append(f"    {c.name or '*'})")
        lines += _value_cases(c, lambda o: f"compadd -- {' '.join(_sq(x) for x in o.choices)}" if o.choices
                              else "_files")
        lines.append("        opts=(" + " ".join(_sq(f) for o in c.options for f in o.flags) + ")")
        lines.append('        if [[ "$cur" == -* ]]; then compadd -- $opts; return; fi')
        if not c.name:
            lines.append("        (( CURRENT == 2 )) && _describe 'verb' verbs")
        if c.positional:
            lines.append(f"        compadd -- {' '.join(_sq(x) for x in c.positional)}")
        if c.positional_files:
            lines.append("        _files")
        lines.append("        ;;")
    lines += ["    esac", "}", "", 'if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then _gdlab "$@"; '
              "else compdef _gdlab gdlab; fi", ""]
    return "\n".join(lines)


# -- fish ----------------------------------------------------------------------------------------
def fish(cmds: list[Command]) -> str:
    lines = ["# fish completion for gdlab: save as ~/.config/fish/completions/gdlab.fish (generated from gdlab's "
             "parser)", "complete -c gdlab -f"]
    for c in cmds:
        cond = "__fish_use_subcommand" if not c.name else f"__fish_seen_subcommand_from {c.name}"
        if c.name:
            lines.append(f"complete -c gdlab -n __fish_use_subcommand -a {c.name} -d {_fish_q(c.help)}")
        for o in c.options:
            spec = " ".join(f"-l {f[2:]}" if f.startswith("--") else f"-s {f[1:]}" for f in o.flags)
            value = ""
            if o.choices:
                value = f" -x -a {_fish_q(' '.join(o.choices))}"
            elif o.files:
                value = " -r -F"
            elif o.takes_value:
                value = " -x"
            lines.append(f"complete -c gdlab -n {_fish_q(cond)} {spec}{value} -d {_fish_q(o.help)}")
        if c.positional or c.positional_files:
            words = f" -a {_fish_q(' '.join(c.positional))}" if c.positional else ""
            lines.append(f"complete -c gdlab -n {_fish_q(cond)}{words}{' -F' if c.positional_files else ''}")
    return "\n".join(lines) + "\n"


def completion_script(parser: argparse.ArgumentParser, shell: str, verbs: Sequence[str]) -> str:
    """The completion script for ``shell`` (bash, zsh or fish) of ``parser`` and its ``verbs``."""
    from ..core.files.presets import preset_names
    from ..core.teaching.lessons import lesson_names

    cmds = commands(parser, verbs, preset_names(), lesson_names())
    return {"bash": bash, "zsh": zsh, "fish": fish}[shell](cmds)
