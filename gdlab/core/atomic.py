"""Atomic file writes: write a temporary file beside the target, then rename it over.

A reader (or a crash half-way) never sees a half-written file: ``os.replace`` is atomic on
POSIX and Windows when source and target are on the same file system.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

# O_EXCL: never reuse an existing file; the extra flags exist only on some systems.
_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
          | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0))
_ATTEMPTS = 100


def _create_temp(folder: Path, name: str) -> tuple[int, str]:
    """A new, empty file ``.<name>.<random>.tmp`` in ``folder``: its descriptor and path.

    Mode 0o666 is passed to ``os.open`` so the kernel applies the process umask itself and
    the file gets the permissions ``open()`` would give a new file. Unlike ``mkstemp`` (0600
    plus a chmod), this never calls ``os.umask``, which changes a process-wide setting and so
    races with files other threads create meanwhile.
    """
    for _ in range(_ATTEMPTS):
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name for {name!r} in {str(folder)!r}")


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    Raises ``OSError`` with the path in its message when the folder is missing or not
    writable; no partial file is left behind in either case.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = _create_temp(folder, target.name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))
