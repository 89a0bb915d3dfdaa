"""Atomic file writes: write a temporary file beside the target, then rename it over.

A reader (or a crash half-way) never sees a half-written file: ``os.replace`` is atomic on
POSIX and Windows when source and target are on the same file system.

Only a regular file (or nothing) is replaced: a folder, a device node, a pipe or a socket at the
target is refused with an ``OSError``, so an export aimed at ``/dev/sda`` writes nothing. A write
killed half-way (``kill -9``) leaves its ``.<name>.<random>.tmp`` behind; the next write of the
same name removes such leftovers older than :data:`STALE_SECONDS`.
"""
from __future__ import annotations

import errno
import os
import secrets
import stat
import time
from pathlib import Path
from typing import Iterable

# O_EXCL: never reuse an existing file; the extra flags exist only on some systems.
_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
          | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0))
_ATTEMPTS = 100
STALE_SECONDS = 3600.0  # a temporary file this old belongs to no write still going on


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
    return atomic_write_parts(path, [data])


def atomic_write_parts(path: str | os.PathLike, parts: Iterable[bytes]) -> Path:
    """Write the ``parts`` one after the other to ``path`` atomically (so a long history is
    written as it is formatted, never held whole in memory); see :func:`atomic_write_bytes`."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    if mode is not None and not stat.S_ISREG(mode):
        raise OSError(errno.EEXIST, "it exists and is not a regular file (a folder, device or pipe); "
                      "gdlab replaces only regular files", str(target))
    _remove_stale(folder, target.name)
    fd, tmp = _create_temp(folder, target.name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
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


def _remove_stale(folder: Path, name: str) -> None:
    """Remove ``.<name>.<hex>.tmp`` files older than STALE_SECONDS (left by a killed write)."""
    prefix = f".{name}."
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        middle = entry.name[len(prefix):-len(".tmp")]
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp") and len(middle) == 8):
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
            if entry.is_file(follow_symlinks=False) and old:
                os.unlink(entry.path)
        except OSError:
            pass


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))
