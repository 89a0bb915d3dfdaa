"""PNG text chunks: the experiment travels inside an exported figure, and bad files are refused."""
import struct
import zlib

import pytest

from gdlab.core.files.experiment import MAX_FILE_BYTES, ExperimentError, experiment_from_png, load_experiment
from gdlab.core.files.pngmeta import (
    EXPERIMENT_KEY,
    MAX_TEXT_BYTES,
    PNGError,
    add_text,
    is_png,
    read_chunks,
    read_text,
    text_chunk,
)
from gdlab.core.files.presets import load_preset, resolve


def chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", len(body), ctype) + body + struct.pack(">I", zlib.crc32(ctype + body))


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A valid 8-bit RGB PNG, built by hand (no image library involved)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\0" + b"".join(bytes([(x * 80) % 256, (y * 120) % 256, 200]) for x in range(width))
                    for y in range(height))  # each row: filter type 0, then R, G, B per pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def experiment():
    return load_preset("xor").replace(learning_rate=0.37, name="round-trip α₁",
                                      description="Greek and subscripts survive: α, β₁, ∂J/∂w.")


def test_a_chunk_round_trips_to_an_identical_experiment(tmp_path, experiment):
    path = tmp_path / "fig.png"
    path.write_bytes(add_text(tiny_png(), {EXPERIMENT_KEY: experiment.to_json()}))
    restored = experiment_from_png(path)
    assert restored == experiment
    assert restored.to_json() == experiment.to_json()


def test_load_experiment_and_resolve_accept_a_png_figure(tmp_path, experiment):
    path = tmp_path / "figure.png"
    path.write_bytes(add_text(tiny_png(), {EXPERIMENT_KEY: experiment.to_json()}))
    assert load_experiment(path) == experiment
    assert resolve(str(path)) == experiment


def test_the_png_is_recognised_by_its_signature_not_its_name(tmp_path, experiment):
    path = tmp_path / "figure.dat"
    path.write_bytes(add_text(tiny_png(), {EXPERIMENT_KEY: experiment.to_json()}))
    assert is_png(path)
    assert load_experiment(path) == experiment
    assert not is_png(tmp_path / "missing.png")


def test_adding_text_leaves_the_image_chunks_untouched_and_replaces_old_text():
    png = tiny_png()
    once = add_text(png, {EXPERIMENT_KEY: "first", "Software": "gdlab"})
    twice = add_text(once, {EXPERIMENT_KEY: "second"})
    image = [(t, b) for t, b in read_chunks(png)]
    assert [(t, b) for t, b in read_chunks(twice) if t not in (b"iTXt",)] == image
    assert read_text(twice) == {EXPERIMENT_KEY: "second", "Software": "gdlab"}
    types = [t for t, _ in read_chunks(twice)]
    assert types.index(b"iTXt") < types.index(b"IDAT")  # before the image data


def test_reads_text_ztxt_and_compressed_itxt_chunks():
    png = tiny_png()
    extra = (chunk(b"tEXt", b"Author\0Ada Lovelace")
             + chunk(b"zTXt", b"Comment\0\0" + zlib.compress("caf\xe9".encode("latin-1")))
             + text_chunk("Title", "Kostenfläche ∂J/∂w", compress=True))
    at = png.index(b"IEND") - 4
    texts = read_text(png[:at] + extra + png[at:])
    assert texts == {"Author": "Ada Lovelace", "Comment": "caf\xe9", "Title": "Kostenfläche ∂J/∂w"}


def test_a_figure_written_atomically_has_no_leftovers(tmp_path, experiment):
    from gdlab.core.files.pngmeta import write_png_with_text

    path = write_png_with_text(tmp_path / "f.png", tiny_png(), {EXPERIMENT_KEY: experiment.to_json()})
    assert experiment_from_png(path) == experiment
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.png"]


def test_bad_keywords_are_refused():
    for bad in ("", " lead", "trail ", "two  spaces", "x" * 80, "tab\there", "snow☃"):
        with pytest.raises(ValueError):
            text_chunk(bad, "x")


# -- malformed files ------------------------------------------------------------------------------
def _with_experiment() -> bytes:
    return add_text(tiny_png(), {EXPERIMENT_KEY: load_preset("xor").to_json()})


def _bad_crc() -> bytes:
    data = bytearray(_with_experiment())
    at = data.index(b"IDAT") + 6
    data[at] ^= 0xFF
    return bytes(data)


def _huge_length() -> bytes:
    data = bytearray(_with_experiment())
    at = data.index(b"iTXt") - 4
    data[at:at + 4] = struct.pack(">I", 0xFFFFFFF0)
    return bytes(data)


def _length_past_the_end() -> bytes:
    data = bytearray(_with_experiment())
    at = data.index(b"iTXt") - 4
    data[at:at + 4] = struct.pack(">I", 0x7FFF0000)
    return bytes(data)


def _not_ihdr_first() -> bytes:
    png = _with_experiment()
    return png[:8] + chunk(b"tEXt", b"a\0b") + png[8:]


def _bad_json() -> bytes:
    return add_text(tiny_png(), {EXPERIMENT_KEY: "{\"format\": \"gdlab-experiment\", "})


def _bomb() -> bytes:
    # a compressed iTXt chunk of a few kB that inflates to more than an experiment may be
    bomb = EXPERIMENT_KEY.encode() + b"\0\1\0\0\0" + zlib.compress(b" " * (MAX_TEXT_BYTES + 10), 9)
    png = tiny_png()
    at = png.index(b"IEND") - 4
    return png[:at] + chunk(b"iTXt", bomb) + png[at:]


def _bad_utf8() -> bytes:
    body = EXPERIMENT_KEY.encode() + b"\0\0\0\0\0" + b"\xff\xfe{}"
    png = tiny_png()
    at = png.index(b"IEND") - 4
    return png[:at] + chunk(b"iTXt", body) + png[at:]


@pytest.mark.parametrize("make, words", [
    (lambda: b"this is not an image, just text", "not a PNG"),
    (lambda: b"", "not a PNG"),
    (lambda: _with_experiment()[:40], "truncated"),
    (lambda: _with_experiment()[:-3], "truncated"),
    (_bad_crc, "CRC"),
    (_huge_length, "more than PNG allows"),
    (_length_past_the_end, "truncated"),
    (_not_ihdr_first, "not IHDR"),
    (lambda: tiny_png(), "carries no gdlab experiment"),
    (_bad_json, "not valid JSON"),
    (_bomb, "decompressed"),
    (_bad_utf8, "UTF-8"),
], ids=["text", "empty", "cut-early", "cut-late", "bad-crc", "huge-length", "length-past-end", "not-ihdr-first",
        "no-chunk", "bad-json", "zip-bomb", "bad-utf8"])
def test_malformed_pngs_give_a_clear_experiment_error(tmp_path, make, words):
    path = tmp_path / "figure.png"
    path.write_bytes(make())
    with pytest.raises(ExperimentError) as info:
        experiment_from_png(path)
    assert words in str(info.value)
    assert "figure.png" in str(info.value)


def test_every_truncation_of_a_figure_is_refused_cleanly():
    data = _with_experiment()
    for n in range(len(data) - 1):
        with pytest.raises(PNGError):
            read_text(data[:n])


def test_an_unreadable_path_is_an_experiment_error(tmp_path):
    with pytest.raises(ExperimentError, match="cannot read"):
        experiment_from_png(tmp_path / "missing.png")
    with pytest.raises(ExperimentError, match="is a folder, not a PNG file"):
        experiment_from_png(tmp_path)


def test_a_text_file_named_png_is_still_read_as_an_experiment_file(tmp_path):
    path = tmp_path / "looks-like.png"
    path.write_text(load_preset("xor").to_json(), encoding="utf-8")
    assert load_experiment(path) == load_preset("xor")  # no PNG signature: the JSON reader decides


def test_the_png_text_cap_is_the_experiment_file_cap():
    assert MAX_TEXT_BYTES == MAX_FILE_BYTES
