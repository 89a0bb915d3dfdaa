"""Where things are in a lesson's TOML text: the lines of its top-level keys, of each ``[[step]]``
header and of each step's keys, so that an error found after parsing can name its line and step.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Layout"]


@dataclass
class Layout:
    """Line numbers of the top-level keys and of each ``[[step]]`` header and its keys.

    tomllib reports lines for syntax errors only; a semantic error is located by this scan of the
    text, which follows TOML's strings, comments and brackets well enough to find keys and headers.
    """

    top: dict[str, int] = field(default_factory=dict)
    steps: list[tuple[int, dict[str, int]]] = field(default_factory=list)  # (header line, {key: line})
    end: int = 1

    @classmethod
    def scan(cls, text: str) -> "Layout":
        out = cls()
        lines = text.split("\n")
        out.end = max(1, len(lines) - (1 if text.endswith("\n") else 0))
        state = None  # None, '"', "'", '"""', "'''" (inside a string of that kind)
        depth = 0     # [ and { nesting of values
        section: str | None = None  # None: top level; "step": inside a [[step]]; other: another table
        for number, line in enumerate(lines, start=1):
            start_state, start_depth = state, depth
            if start_state is None and start_depth == 0:
                stripped = line.strip()
                header = re.match(r"^\[\[\s*([A-Za-z0-9_\-\"'. ]+?)\s*\]\]", stripped)
                table = re.match(r"^\[\s*([A-Za-z0-9_\-\"'. ]+?)\s*\]", stripped)
                key = re.match(r"^(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)\s*[.=]", stripped)
                if header:
                    parts = _key_parts(header.group(1))
                    if parts == ["step"]:
                        out.steps.append((number, {}))
                        section = "step"
                    elif parts[0] == "step" and out.steps:
                        out.steps[-1][1].setdefault(parts[1], number)
                        section = "other"
                    else:
                        out.top.setdefault(parts[0], number)
                        section = "other"
                    line = line[line.index("]]") + 2:]
                elif table:
                    parts = _key_parts(table.group(1))
                    if parts[0] == "step" and len(parts) > 1 and out.steps:
                        out.steps[-1][1].setdefault(parts[1], number)
                    else:
                        out.top.setdefault(parts[0], number)
                    section = "other"
                    line = line[line.index("]") + 1:]
                elif key:
                    name = _key_parts(key.group(1))[0]
                    if section == "step":
                        out.steps[-1][1].setdefault(name, number)
                    elif section is None:
                        out.top.setdefault(name, number)
            state, depth = _scan_line(line, state, depth)
        return out

    def step_at(self, line: int) -> int | None:
        """The 1-based step whose table holds ``line`` (None above the first ``[[step]]``)."""
        found = None
        for k, (header, _) in enumerate(self.steps, start=1):
            if header <= line:
                found = k
        return found

    def step_line(self, step: int, key: str | None = None) -> int:
        if 1 <= step <= len(self.steps):
            header, keys = self.steps[step - 1]
            return keys.get(key, header) if key else header
        return self.end


def _key_parts(text: str) -> list[str]:
    return [p.strip().strip("\"'") for p in text.split(".")]


def _scan_line(line: str, state: str | None, depth: int) -> tuple[str | None, int]:
    """Follow strings, comments and brackets through one line; returns the state at its end."""
    i, n = 0, len(line)
    while i < n:
        if state in ('"""', "'''"):
            if line.startswith(state, i):
                state, i = None, i + 3
                continue
            i += 2 if (state == '"""' and line[i] == "\\") else 1
            continue
        if state in ('"', "'"):
            if state == '"' and line[i] == "\\":
                i += 2
                continue
            if line[i] == state:
                state = None
            i += 1
            continue
        c = line[i]
        if c == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            state, i = line[i:i + 3], i + 3
            continue
        if c in "\"'":
            state = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    if state in ('"', "'"):
        state = None  # a one-line string cannot go on past the end of the line
    return state, depth
