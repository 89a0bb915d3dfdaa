"""Choosing by name: files, forms and flags name an activation or a loss; the code wants the object."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


def by_name(table: Mapping[str, T], name: str | T, kind: type[T], what: str) -> T:
    """``table[name]``; an instance of ``kind`` is returned as it is; an unknown name is a ValueError
    that lists the known ones ("unknown activation 'x'; choose one of linear, sigmoid, …")."""
    if isinstance(name, kind):
        return name
    try:
        return table[name]  # type: ignore[index]
    except (KeyError, TypeError):
        raise ValueError(f"unknown {what} {name!r}; choose one of {', '.join(table)}") from None
