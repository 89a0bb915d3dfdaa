"""Atomic file writes: write a temporary file beside the target, then rename it over.

A reader (or a crash half-way) never sees a half-written file: ``os.replace`` is atomic on
POSIX and Windows when source and target are on the same file system.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path.

    Raises ``OSError`` with the path in its message when the folder is missing or not
    writable; no partial file is left behind in either case.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes the file private (0600); a saved figure or experiment should get the
        # permissions any new file gets (0666 minus the umask), as open() would give it.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
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
