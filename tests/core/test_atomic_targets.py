"""Atomic writes replace only regular files, and clean up after a write that was killed."""
import os
import time

import pytest

from gdlab.core.io.atomic import STALE_SECONDS, atomic_write_bytes, atomic_write_text


def test_a_folder_fifo_or_device_at_the_target_is_not_replaced(tmp_path):
    folder = tmp_path / "out.png"
    folder.mkdir()
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    for target in (folder, fifo, "/dev/null"):
        with pytest.raises(OSError, match="not a regular file"):
            atomic_write_bytes(target, b"png")
    assert folder.is_dir() and not any(folder.iterdir())
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_regular_file_is_replaced_and_a_killed_writes_leftover_removed_later(tmp_path):
    target = tmp_path / "history.csv"
    target.write_text("old")
    stale = tmp_path / ".history.csv.0123abcd.tmp"
    fresh = tmp_path / ".history.csv.89abcdef.tmp"   # a write going on right now, in another process
    other = tmp_path / ".other.csv.0123abcd.tmp"
    for p in (stale, fresh, other):
        p.write_text("partial")
    long_ago = time.time() - STALE_SECONDS - 60
    os.utime(stale, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert not stale.exists() and fresh.exists() and other.exists()
