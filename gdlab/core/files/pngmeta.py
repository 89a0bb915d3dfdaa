"""Text chunks in PNG files: how an exported figure carries the experiment that made it.

A PNG is an 8-byte signature followed by chunks, each ``length (4 bytes, big-endian) · type (4
ASCII letters) · data (length bytes) · CRC-32 of type+data (4 bytes)``; the first chunk is
``IHDR`` and the last ``IEND``. Text lives in three chunk types:

* ``tEXt``: ``keyword \\0 text``, both Latin-1;
* ``zTXt``: ``keyword \\0 method(0) zlib(text)``, Latin-1;
* ``iTXt``: ``keyword \\0 compressed(0|1) method(0) language \\0 translated keyword \\0 text``,
  the text in UTF-8 (zlib-compressed when the flag is 1).

gdlab writes the experiment's JSON as an uncompressed ``iTXt`` chunk with the keyword
:data:`EXPERIMENT_KEY` (``gdlab:experiment``), placed before the image data, and reads all three
types. Reading is defensive: the signature, every chunk's length and CRC, and the order IHDR …
IEND are checked; only the keywords asked for are decoded (the first chunk of each, as libpng
does), and all the text decoded from one file, inflated, is limited to :data:`MAX_TEXT_BYTES` (so
300 compressed chunks cannot take 1.5 GB); a bad file raises
:class:`PNGError` (a ``ValueError``) saying what is wrong. This module knows PNG bytes and text
only: :func:`gdlab.core.files.experiment.experiment_from_png` parses the text as JSON and validates it
like any experiment file (nothing read is ever executed).
"""
from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

from ..io.atomic import atomic_write_bytes
from ..io.reading import FileRefused, peek, read_bounded

SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXPERIMENT_KEY = "gdlab:experiment"
MAX_FILE_BYTES = 256_000_000      # a 300-dpi A4 sheet is a few MB; refuse anything absurd
MAX_CHUNK_BYTES = 0x7FFF_FFFF     # the PNG limit (2^31 − 1)
MAX_TEXT_BYTES = 30_000_000      # all the text read from one file, inflated: an experiment file's cap
#                                   (gdlab.core.files.experiment.MAX_FILE_BYTES; a test keeps the two equal)
TEXT_TYPES = (b"tEXt", b"zTXt", b"iTXt")

__all__ = ["EXPERIMENT_KEY", "PNGError", "add_text", "is_png", "read_chunks", "read_text", "text_chunk"]


class PNGError(ValueError):
    """A file that is not a well-formed PNG, or a text chunk that cannot be read."""


# -- reading -------------------------------------------------------------------------------------
def is_png(path: str | os.PathLike) -> bool:
    """True if the file starts with the PNG signature (False if it cannot be read)."""
    return peek(path, len(SIGNATURE)) == SIGNATURE  # a pipe named .png must not block File → Open


def read_chunks(data: bytes, types: tuple[bytes, ...] | None = None) -> list[tuple[bytes, bytes]]:
    """The chunks of PNG ``data`` as ``(type, data)`` pairs, in file order, after checking the
    structure and every CRC. ``types`` keeps only those types (all chunks are still checked)."""
    if len(data) < len(SIGNATURE) or data[:len(SIGNATURE)] != SIGNATURE:
        raise PNGError("not a PNG file (the PNG signature is missing)")
    chunks: list[tuple[bytes, bytes]] = []
    pos, end, first = len(SIGNATURE), len(data), True
    while True:
        if pos + 8 > end:
            raise PNGError("the PNG file is truncated (it ends inside a chunk header, before IEND)")
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        if length > MAX_CHUNK_BYTES:
            raise PNGError(f"a chunk declares {length} bytes, more than PNG allows ({MAX_CHUNK_BYTES}): "
                           "the file is corrupt")
        if not all(65 <= c <= 90 or 97 <= c <= 122 for c in ctype):
            raise PNGError(f"bad chunk type {ctype!r} at byte {pos + 4}: the file is corrupt")
        body_end = pos + 8 + length
        if body_end + 4 > end:
            raise PNGError(f"the PNG file is truncated (the {ctype.decode('ascii')} chunk at byte {pos} "
                           f"needs {length} bytes of data, the file ends first)")
        body = data[pos + 8:body_end]
        (crc,) = struct.unpack(">I", data[body_end:body_end + 4])
        if zlib.crc32(body, zlib.crc32(ctype)) != crc:
            raise PNGError(f"the {ctype.decode('ascii')} chunk at byte {pos} fails its CRC check: the file is corrupt")
        if first and ctype != b"IHDR":
            raise PNGError(f"the first chunk is {ctype.decode('ascii')}, not IHDR: the file is corrupt")
        first = False
        if types is None or ctype in types:
            chunks.append((ctype, body))
        pos = body_end + 4
        if ctype == b"IEND":
            return chunks


def _decompress(blob: bytes, what: str, room: int) -> bytes:
    """``blob`` inflated, refused once it passes ``room`` bytes (what is left of the file's text cap)."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(blob, room + 1)
    except zlib.error as exc:
        raise PNGError(f"the compressed text of {what} is corrupt ({exc})") from None
    if len(out) > room or inflater.unconsumed_tail:
        raise PNGError(f"the text of {what} is larger than {MAX_TEXT_BYTES // 1_000_000} MB once "
                       "decompressed: refused")
    return out


def _keyword(ctype: bytes, body: bytes) -> str:
    sep = body.find(b"\0")
    if not 1 <= sep <= 79:
        raise PNGError(f"a {ctype.decode('ascii')} chunk has no valid keyword (1 to 79 characters before a zero byte)")
    return body[:sep].decode("latin-1")


def _parse_text(ctype: bytes, body: bytes, room: int = MAX_TEXT_BYTES) -> tuple[str, str]:
    name = ctype.decode("ascii")
    keyword = _keyword(ctype, body)
    rest = body[len(keyword.encode("latin-1")) + 1:]
    what = f"the {name} chunk {keyword!r}"
    if ctype == b"tEXt":
        raw = rest
        encoding = "latin-1"
    elif ctype == b"zTXt":
        if not rest or rest[0] != 0:
            raise PNGError(f"{what} uses an unknown compression method")
        raw, encoding = _decompress(rest[1:], what, room), "latin-1"
    else:  # iTXt
        if len(rest) < 2 or rest[0] not in (0, 1) or rest[1] != 0:
            raise PNGError(f"{what} has a bad compression flag or method")
        compressed = rest[0] == 1
        lang_end = rest.find(b"\0", 2)
        tkey_end = rest.find(b"\0", lang_end + 1) if lang_end >= 0 else -1
        if tkey_end < 0:
            raise PNGError(f"{what} is malformed (its language tag or translated keyword is not terminated)")
        raw = rest[tkey_end + 1:]
        raw = _decompress(raw, what, room) if compressed else raw
        encoding = "utf-8"
    if len(raw) > room:
        raise PNGError(f"{what} holds {len(raw)} bytes of text, more than the {MAX_TEXT_BYTES // 1_000_000} MB "
                       "a file may carry: refused")
    try:
        return keyword, raw.decode(encoding)
    except UnicodeDecodeError:
        raise PNGError(f"{what} is not valid {encoding.upper()} text") from None


def read_text(source: str | os.PathLike | bytes, keys: set[str] | None = None) -> dict[str, str]:
    """The text chunks (tEXt, zTXt, iTXt) of a PNG file or of PNG bytes: ``{keyword: text}``, for
    the ``keys`` asked for (None: every keyword). The first chunk of a keyword wins, as in libpng;
    later ones are not decoded. All the text decoded, inflated, stays within :data:`MAX_TEXT_BYTES`.

    Raises :class:`PNGError` for a malformed file and ``OSError`` if the file cannot be read.
    """
    data = source if isinstance(source, (bytes, bytearray)) else _read_file(Path(source))
    out: dict[str, str] = {}
    used = 0
    for ctype, body in read_chunks(bytes(data), TEXT_TYPES):
        keyword = _keyword(ctype, body)
        if keyword in out or (keys is not None and keyword not in keys):
            continue
        _, text = _parse_text(ctype, body, MAX_TEXT_BYTES - used)
        used += len(text.encode("utf-8"))
        out[keyword] = text
    return out


def _read_file(path: Path) -> bytes:
    try:
        return read_bounded(path, MAX_FILE_BYTES, "PNG file")
    except FileRefused as exc:
        raise PNGError(str(exc)) from None


# -- writing -------------------------------------------------------------------------------------
def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", len(body), ctype) + body + struct.pack(">I", zlib.crc32(body, zlib.crc32(ctype)))


def _check_keyword(keyword: str) -> bytes:
    try:
        raw = keyword.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"PNG keyword {keyword!r} must be Latin-1") from None
    if not 1 <= len(raw) <= 79 or keyword != keyword.strip() or "  " in keyword or \
            any(not (32 <= c <= 126 or 161 <= c <= 255) for c in raw):
        raise ValueError(f"{keyword!r} is not a valid PNG keyword (1 to 79 printable Latin-1 characters, "
                         "no leading, trailing or double spaces)")
    return raw


def text_chunk(keyword: str, text: str, compress: bool = False) -> bytes:
    """An ``iTXt`` chunk (length, type, data, CRC) holding UTF-8 ``text`` under ``keyword``."""
    payload = text.encode("utf-8")
    if compress:
        payload = zlib.compress(payload, 9)
    body = _check_keyword(keyword) + b"\0" + bytes([1 if compress else 0, 0]) + b"\0\0" + payload
    return _chunk(b"iTXt", body)


def add_text(png: bytes, texts: dict[str, str], compress: bool = False) -> bytes:
    """PNG bytes with ``texts`` as iTXt chunks before the image data; existing text chunks with
    the same keywords are dropped (so adding twice replaces). The image itself is untouched."""
    read_chunks(png)  # refuse to touch a malformed file
    keys = {_check_keyword(k) for k in texts}
    out = [SIGNATURE]
    pos = len(SIGNATURE)
    inserted = False
    while pos < len(png):
        (length, ctype) = struct.unpack(">I4s", png[pos:pos + 8])
        end = pos + 12 + length
        raw = png[pos:end]
        if ctype in TEXT_TYPES and png[pos + 8:pos + 8 + length].split(b"\0", 1)[0] in keys:
            pos = end
            continue
        if not inserted and ctype in (b"IDAT", b"IEND"):
            out.extend(text_chunk(k, v, compress) for k, v in texts.items())
            inserted = True
        out.append(raw)
        pos = end
        if ctype == b"IEND":
            break
    return b"".join(out)


def write_png_with_text(path: str | os.PathLike, png: bytes, texts: dict[str, str]) -> Path:
    """Add ``texts`` to ``png`` and write it atomically (temp file beside ``path``, then rename)."""
    return atomic_write_bytes(path, add_text(png, texts))
