"""Text that files may hold: what a name, a label or a description may contain.

Everything gdlab writes (experiment files, PNG text chunks, SVG, the exported script, the history's
status line) must be able to hold every text the user gave, so text is checked where it enters:

* no lone surrogates (U+D800 … U+DFFF): they are not text, and no UTF-8 file can hold them;
* no control characters (Unicode category Cc: NUL, form feed, escape, …), no line or paragraph
  separators (U+2028, U+2029) and no bidirectional overrides (U+202A … U+202E, U+2066 … U+2069),
  which make a name read differently from what it is;
* one line, except where ``multiline`` allows newlines (``\\n``, and nothing else of the kind).
"""
from __future__ import annotations

import unicodedata

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

__all__ = ["text_problem"]


def text_problem(text: str, multiline: bool = False) -> str | None:
    """None if ``text`` may be held by a file (see the module docstring), else why not, in words."""
    for i, ch in enumerate(text):
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return f"character {i + 1} is a lone surrogate (U+{code:04X}), which no file can hold"
        if ch == "\n":
            if multiline:
                continue
            return f"character {i + 1} is a line break: one line only"
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _BIDI:
            return f"character {i + 1} is a control character (U+{code:04X})"
    return None
