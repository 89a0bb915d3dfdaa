"""Animated GIF (GIF89a) files from RGB frames: numpy and the standard library only.

A GIF holds at most 256 colours per frame, so frames are first *quantised*:

* if all frames together use at most 255 colours (a plot usually does not: anti-aliased edges
  add shades), those exact colours are the palette;
* otherwise the palette is built by **median cut** over the colours weighted by how many pixels
  use them: the box of colours with the largest (channel range × pixel count) is split at the
  weighted median of its widest channel until there are enough boxes; each box's colour is the
  pixel-weighted mean. Colours covering ≥ 0.5 % of the pixels (the background, the main line
  colours) are kept exactly, outside the boxes. Each pixel then takes its nearest palette colour
  (squared distance weighted 3:4:2 for R:G:B, roughly the eye's sensitivity). No dithering.

Everything is deterministic: the same frames give the same bytes.

Each frame is then compressed with **LZW** (variable code width from ``min_code_size + 1`` up to
12 bits; a clear code when the 4096-entry table is full). After the first frame only the
rectangle that changed is stored, and unchanged pixels inside it are transparent (disposal
"leave in place"), so a growing curve costs a few hundred bytes a frame. A NETSCAPE2.0
application extension makes the animation loop; a graphic control extension before each frame
carries its delay in 1/100 s (rounded so that the total time matches ``fps`` exactly).
"""
from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np

from .atomic import atomic_write_bytes

MAX_SIDE = 65535
MAX_FPS = 50            # delays under 2/100 s are slowed down to 1/10 s by most viewers
HEAVY_SHARE = 0.005     # colours covering at least this share of the pixels are kept exactly
MAX_HEAVY = 48
_WEIGHTS = np.array([3.0, 4.0, 2.0])

__all__ = ["GifInfo", "gif_info", "encode_gif", "lzw_encode", "quantize", "write_gif"]


class GifInfo(NamedTuple):
    width: int
    height: int
    frame_count: int
    delays: list[int]   # milliseconds, one per frame


# -- quantisation --------------------------------------------------------------------------------
def _pack(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.uint32)
    packed: np.ndarray = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    return packed


def _unpack(packed: np.ndarray) -> np.ndarray:
    packed = np.asarray(packed, dtype=np.uint32)
    return np.stack([(packed >> 16) & 255, (packed >> 8) & 255, packed & 255], axis=-1).astype(np.float64)


def _median_cut(colors: np.ndarray, counts: np.ndarray, n_boxes: int) -> np.ndarray:
    """Median cut of ``colors`` (n, 3) weighted by ``counts`` into at most ``n_boxes`` mean colours."""
    def box(members: np.ndarray) -> tuple[np.ndarray, float, int]:
        if len(members) < 2:
            return members, 0.0, 0
        c = colors[members]
        spans = (c.max(axis=0) - c.min(axis=0)) * _WEIGHTS
        axis = int(np.argmax(spans))
        return members, float(spans[axis]) * float(counts[members].sum()), axis

    boxes = [box(np.arange(len(colors)))]
    while len(boxes) < n_boxes:
        best = max(range(len(boxes)), key=lambda b: boxes[b][1])  # the first of equal scores
        members, score, axis = boxes[best]
        if score <= 0.0:
            break
        order = members[np.argsort(colors[members, axis], kind="stable")]
        cum = np.cumsum(counts[order])
        cut = int(np.searchsorted(cum, cum[-1] / 2.0))
        cut = min(max(cut, 1), len(order) - 1)
        boxes[best:best + 1] = [box(order[:cut]), box(order[cut:])]
    return np.array([np.round((colors[m] * counts[m, None]).sum(axis=0) / counts[m].sum()) for m, _, _ in boxes])


def _nearest(colors: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Index of the nearest palette colour for each colour (weighted squared distance)."""
    out = np.empty(len(colors), dtype=np.intp)
    pal = palette.astype(np.float64)
    pal_norm = (pal * pal * _WEIGHTS).sum(axis=1)
    for start in range(0, len(colors), 8192):
        block = colors[start:start + 8192]
        # |a − b|²_w = |a|²_w − 2·a·w·b + |b|²_w; |a|²_w is the same for every b, so it is left out
        d = pal_norm[None, :] - 2.0 * (block * _WEIGHTS) @ pal.T
        out[start:start + 8192] = np.argmin(d, axis=1)
    return out


def _color_counts(packed: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The distinct colours of all frames (sorted), how many pixels of all frames have each, and
    for each frame its pixels' positions in that list.

    Frames of an animation differ little from one to the next, so only the first frame is
    counted in full; after that, only the pixels that changed are looked up.
    """
    first = packed[0].ravel()
    changed = [np.flatnonzero(b.ravel() != a.ravel()) for a, b in zip(packed, packed[1:])]
    uniq = np.unique(np.concatenate([first] + [b.ravel()[c] for b, c in zip(packed[1:], changed)]))
    where = [np.searchsorted(uniq, first)]
    current = np.bincount(where[0], minlength=len(uniq)).astype(np.int64)
    total = current.copy()
    for frame, c in zip(packed[1:], changed):
        new = np.searchsorted(uniq, frame.ravel()[c])
        current -= np.bincount(where[-1][c], minlength=len(uniq))
        current += np.bincount(new, minlength=len(uniq))
        total += current
        positions = where[-1].copy()
        positions[c] = new
        where.append(positions)
    return uniq, total, where


def quantize(frames: Sequence[np.ndarray], max_colors: int = 256) -> tuple[np.ndarray, list[np.ndarray]]:
    """One palette for all ``frames``: ``(palette (n, 3) uint8, [index image (H, W) uint8 per frame])``.

    See the module docstring for the method; ``max_colors`` is at most 256.
    """
    if not 2 <= max_colors <= 256:
        raise ValueError(f"max_colors must be between 2 and 256, got {max_colors}")
    uniq, counts, where = _color_counts([_pack(f) for f in frames])
    colors = _unpack(uniq)
    if len(uniq) <= max_colors:
        palette, lut = colors, np.arange(len(uniq))
    else:
        share = counts / counts.sum()
        heavy = np.flatnonzero(share >= HEAVY_SHARE)
        heavy = np.sort(heavy[np.argsort(-counts[heavy], kind="stable")][:min(MAX_HEAVY, max_colors // 4)])
        rest = np.setdiff1d(np.arange(len(uniq)), heavy, assume_unique=True)
        boxes = _median_cut(colors[rest], counts[rest].astype(np.float64), max_colors - len(heavy))
        palette = np.concatenate([colors[heavy], boxes]) if len(heavy) else boxes
        lut = _nearest(colors, palette)
    lut = lut.astype(np.uint8)
    indexed = [lut[w].reshape(f.shape[:2]) for f, w in zip(frames, where)]
    return np.clip(palette, 0, 255).astype(np.uint8), indexed


# -- LZW -----------------------------------------------------------------------------------------
def lzw_encode(indices: bytes, min_code_size: int) -> bytes:
    """GIF's variable-width LZW code stream for ``indices`` (each < 2**min_code_size).

    Codes are packed least-significant bit first. The stream starts with a clear code, grows the
    code width by one bit when the next new code would not fit, emits a clear code and starts a
    fresh table when 4096 codes are in use, and ends with the end-of-information code.
    """
    if not 2 <= min_code_size <= 8:
        raise ValueError("min_code_size must be between 2 and 8")
    clear = 1 << min_code_size
    eoi = clear + 1
    out = bytearray()
    bits = 0      # pending bits, least significant first
    n_bits = 0
    code_size = min_code_size + 1
    next_code = eoi + 1
    table: dict[int, int] = {}

    def emit(code: int) -> None:
        nonlocal bits, n_bits
        bits |= code << n_bits
        n_bits += code_size
        while n_bits >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            n_bits -= 8

    emit(clear)
    if not indices:
        emit(eoi)
        if n_bits:
            out.append(bits & 0xFF)
        return bytes(out)
    prefix = indices[0]
    for k in indices[1:]:
        key = (prefix << 8) | k
        code = table.get(key)
        if code is not None:
            prefix = code          # the string prefix+k is known: extend it
            continue
        emit(prefix)               # emit the longest known string ...
        if next_code == 4096:      # ... and start a fresh table when it is full
            emit(clear)
            table.clear()
            next_code = eoi + 1
            code_size = min_code_size + 1
        else:                      # ... or remember prefix+k as a new code
            if next_code >= (1 << code_size):
                code_size += 1
            table[key] = next_code
            next_code += 1
        prefix = k
    emit(prefix)
    emit(eoi)
    if n_bits:
        out.append(bits & 0xFF)
    return bytes(out)


def _sub_blocks(data: bytes) -> bytes:
    parts = [bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255)]
    return b"".join(parts) + b"\0"


# -- the file --------------------------------------------------------------------------------------
def _delays_cs(n: int, fps: float) -> list[int]:
    """Frame delays in 1/100 s whose running total follows ``k · 100 / fps`` (rounded)."""
    marks = [round(k * 100.0 / fps) for k in range(n + 1)]
    return [max(2, b - a) for a, b in zip(marks, marks[1:])]


def _check_frames(frames: Sequence[np.ndarray]) -> tuple[int, int]:
    if not len(frames):
        raise ValueError("an animation needs at least one frame")
    shape = None
    for i, f in enumerate(frames):
        if not isinstance(f, np.ndarray) or f.dtype != np.uint8 or f.ndim != 3 or f.shape[2] != 3:
            raise ValueError(f"frame {i} must be a (height, width, 3) uint8 array")
        if shape is None:
            shape = f.shape
        elif f.shape != shape:
            raise ValueError(f"frame {i} is {f.shape[1]}×{f.shape[0]}, frame 0 is {shape[1]}×{shape[0]}: "
                             "all frames must have one size")
    assert shape is not None                                      # frames is not empty
    h, w = shape[:2]
    if not (1 <= w <= MAX_SIDE and 1 <= h <= MAX_SIDE):
        raise ValueError(f"a GIF is at most {MAX_SIDE}×{MAX_SIDE} pixels, got {w}×{h}")
    return w, h


def _table_bits(n_colors: int) -> int:
    """The GIF colour-table size field: the table holds 2**(bits + 1) entries."""
    return max(1, int(np.ceil(np.log2(max(n_colors, 2))))) - 1


def encode_gif(frames: Sequence[np.ndarray], fps: float = 10.0, loop: int | None = 0,
               palette: str = "global", hold_last: float = 0.0) -> bytes:
    """The bytes of an animated GIF of ``frames`` ((H, W, 3) uint8 arrays, all one size).

    ``fps``: frames per second (up to 50). ``loop``: 0 = repeat for ever, n = repeat n more
    times, None = play once. ``palette``: ``"global"`` (one colour table for all frames) or
    ``"frame"`` (a table per frame, for animations whose colours change a lot). ``hold_last``:
    the last frame stays at least this many seconds (the end is read before the loop restarts).
    """
    w, h = _check_frames(frames)
    if not 0 < fps <= MAX_FPS:
        raise ValueError(f"fps must be above 0 and at most {MAX_FPS}, got {fps}")
    if loop is not None and not 0 <= loop <= 65535:
        raise ValueError("loop must be None or between 0 and 65535")
    if palette not in ("global", "frame"):
        raise ValueError("palette must be 'global' or 'frame'")
    animated = len(frames) > 1
    max_colors = 255 if animated else 256  # one index stays free for "unchanged" (transparent)
    if palette == "global":
        pal, indexed = quantize(frames, max_colors)
        tables = [pal] * len(frames)
    else:
        tables, indexed = [], []
        for f in frames:
            p, (ix,) = quantize([f], max_colors)
            tables.append(p)
            indexed.append(ix)
    out = bytearray(b"GIF89a")
    global_bits = _table_bits(len(tables[0]) + (1 if animated else 0))
    if palette == "global":
        out += struct.pack("<HHBBB", w, h, 0x80 | (7 << 4) | global_bits, 0, 0)
        out += _color_table(tables[0], global_bits)
    else:
        out += struct.pack("<HHBBB", w, h, 7 << 4, 0, 0)
    if animated and loop is not None:
        out += b"\x21\xFF\x0BNETSCAPE2.0\x03\x01" + struct.pack("<H", loop) + b"\0"
    delays = _delays_cs(len(frames), fps)
    if animated:
        delays[-1] = max(delays[-1], min(65535, round(100 * hold_last)))
    previous: np.ndarray | None = None  # per-frame palettes: the RGB a viewer shows after the previous frame
    for i, (ix, table) in enumerate(zip(indexed, tables)):
        shown = table[ix] if palette == "frame" else None
        bits = global_bits if palette == "global" else _table_bits(len(table) + (1 if animated else 0))
        transparent = (1 << (bits + 1)) - 1 if animated else 0  # the last entry of the table
        if i == 0:
            x0, y0, data, use_t = 0, 0, ix, False
        else:
            changed = ix != indexed[i - 1] if palette == "global" else np.any(shown != previous, axis=2)
            if changed.any():
                rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
                y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
                data = np.where(changed[y0:y1, x0:x1], ix[y0:y1, x0:x1], transparent).astype(np.uint8)
            else:
                x0, y0, data = 0, 0, np.full((1, 1), transparent, dtype=np.uint8)
            use_t = True
        previous = shown
        packed = (1 << 2) | (1 if use_t else 0)  # disposal 1: leave the frame in place
        out += b"\x21\xF9\x04" + struct.pack("<BHB", packed, delays[i], transparent if use_t else 0) + b"\0"
        fh, fw = data.shape
        local = 0 if palette == "global" else 0x80 | bits
        out += b"\x2C" + struct.pack("<HHHHB", int(x0), int(y0), fw, fh, local)
        if palette == "frame":
            out += _color_table(table, bits)
        min_code = max(2, bits + 1)
        out += bytes([min_code]) + _sub_blocks(lzw_encode(data.tobytes(), min_code))
    out += b"\x3B"
    return bytes(out)


def _color_table(palette: np.ndarray, bits: int) -> bytes:
    table = np.zeros((1 << (bits + 1), 3), dtype=np.uint8)
    table[:len(palette)] = palette
    return table.tobytes()


def write_gif(path: str | os.PathLike, frames: Sequence[np.ndarray], fps: float = 10.0, loop: int | None = 0,
              palette: str = "global") -> Path:
    """Encode ``frames`` (see :func:`encode_gif`) and write the GIF atomically (temp file, rename)."""
    return atomic_write_bytes(path, encode_gif(frames, fps, loop, palette))


# -- reading (for checks) ----------------------------------------------------------------------------
def gif_info(path: str | os.PathLike) -> GifInfo:
    """Width, height, number of frames and each frame's delay (ms) of a GIF file.

    Walks the block structure without decoding pixels; raises ``ValueError`` if it is malformed.
    """
    data = Path(path).read_bytes()
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise ValueError(f"{Path(path).name} is not a GIF file")
    w, h, flags = struct.unpack("<HHB", data[6:11])
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    frames, pending = 0, 0
    delays: list[int] = []

    def skip_sub_blocks(p: int) -> int:
        while True:
            if p >= len(data):
                raise ValueError("the GIF is truncated")
            n = data[p]
            p += 1 + n
            if n == 0:
                return p

    while True:
        if pos >= len(data):
            raise ValueError("the GIF is truncated (no trailer)")
        tag = data[pos]
        if tag == 0x3B:
            return GifInfo(w, h, frames, delays)
        if tag == 0x21:
            label = data[pos + 1]
            if label == 0xF9 and data[pos + 2] == 4:
                pending = struct.unpack("<H", data[pos + 4:pos + 6])[0] * 10
            pos = skip_sub_blocks(pos + 2)
        elif tag == 0x2C:
            if pos + 10 > len(data):
                raise ValueError("the GIF is truncated")
            local = data[pos + 9]
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0)
            pos = skip_sub_blocks(pos + 1)  # after the LZW minimum code size
            frames += 1
            delays.append(pending)
            pending = 0
        else:
            raise ValueError(f"unexpected block 0x{tag:02X} at byte {pos} of the GIF")
