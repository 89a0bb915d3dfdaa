"""Bounded reads of files the user names: a regular file only, at most a given number of bytes.

    read_bounded(path, limit) -> bytes

A FIFO would block a plain ``open`` for ever and ``/dev/zero`` would fill the memory, so the file
is opened without blocking, checked to be a regular file on the open descriptor (no window
between a check and the open), and read up to ``limit + 1`` bytes: more than ``limit`` is refused
before it is all in memory. Errors are ``OSError`` (cannot be opened) or :class:`FileRefused`.
"""
from __future__ import annotations

import os
import stat
from typing import Callable

__all__ = ["FileRefused", "exists", "is_file", "peek", "read_bounded", "read_or_fail"]


def peek(path: str | os.PathLike[str], count: int) -> bytes:
    """The first ``count`` bytes of a regular file; b"" for anything else (a pipe never blocks)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (OSError, ValueError):
        return b""
    try:
        return os.read(fd, count) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except OSError:
        return b""
    finally:
        os.close(fd)


def exists(path: str | os.PathLike[str]) -> bool:
    """True if something (a file, a folder, a pipe …) is at ``path``; False for a name the system
    cannot look up."""
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):
        return False


def is_file(path: str | os.PathLike[str]) -> bool:
    """True if ``path`` names an existing regular file; False, not an error, for a name the system
    cannot even look up (longer than 255 bytes, a zero byte in it)."""
    try:
        return os.path.isfile(path)
    except (OSError, ValueError):
        return False


class FileRefused(ValueError):
    """A file that is not a regular file, or larger than the reader accepts; the message says why."""


def read_bounded(path: str | os.PathLike[str], limit: int, what: str = "file", keep_excess: bool = False) -> bytes:
    """The bytes of the regular file at ``path``, refusing one of more than ``limit`` bytes, or with
    ``keep_excess`` returning its first ``limit + 1`` bytes (for a reader that says where the limit
    is passed)."""
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
            article = "an" if what[:1] in "aeiou" else "a"
            raise FileRefused(f"{name} is {kind}, not {article} {what}")
        if info.st_size > limit and not keep_excess:
            raise FileRefused(f"{name} is {info.st_size / 1e6:.1f} MB; gdlab reads {what}s of at most "
                              f"{limit / 1e6:.0f} MB")
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit and not keep_excess:  # it grew while read
            raise FileRefused(f"{name} is more than {limit / 1e6:.0f} MB; gdlab reads {what}s of at most that")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_or_fail(path: str | os.PathLike[str], limit: int, what: str, error: Callable[[str], Exception]) -> bytes:
    """:func:`read_bounded`, with a refusal (its message) or an ``OSError`` (``cannot read PATH:
    why``) raised as the reader's own ``error(message)``."""
    try:
        return read_bounded(path, limit, what)
    except FileRefused as exc:
        raise error(str(exc)) from None
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror or exc}") from None
