"""Strict JSON parsing for gdlab's files (experiments, weights): a malformed text raises
:class:`ExperimentError` saying where, never a bare ``ValueError``.

NaN/Infinity literals, absurd nesting and integers of thousands of digits are errors, not values.
"""
from __future__ import annotations

import json
from typing import Any

__all__ = ["ExperimentError", "json_kind", "parse_json"]


class ExperimentError(ValueError):
    """A bad experiment value or file. ``field`` names the offending field (dotted path)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", int: "a whole number", float: "a number", str: "text", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def parse_json(text: str) -> Any:
    """Parse JSON strictly: NaN/Infinity literals and absurd nesting are errors, not values."""
    def reject_constant(name: str) -> Any:
        raise ExperimentError("", f"{name} is not a valid number in an experiment file")

    if not text.strip():
        raise ExperimentError("", "not valid JSON: it is empty")
    try:
        return json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        what = exc.msg.removesuffix(" at")  # "Unterminated string starting at" + " at line ..."
        raise ExperimentError("", f"not valid JSON: {what} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise ExperimentError("", "not a valid experiment: the JSON is nested too deeply") from None
    except ExperimentError:
        raise
    except ValueError:  # Python refuses to convert integers of more than 4300 digits
        raise ExperimentError("", "not a valid experiment: a number in it has thousands of digits") from None
