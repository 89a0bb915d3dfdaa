"""The GIF encoder: LZW against an independent decoder, frames decoded by Qt, determinism, errors."""
import os

import numpy as np
import pytest
from PySide6.QtGui import QImage, QImageReader

from gdlab.core.io.gif import encode_gif, gif_info, lzw_encode, quantize, write_gif


def lzw_decode(data: bytes, min_code_size: int) -> bytes:
    """A plain GIF LZW decoder written from the specification, to check the encoder against."""
    clear, eoi = 1 << min_code_size, (1 << min_code_size) + 1
    pos, bits, n_bits = 0, 0, 0
    size = min_code_size + 1
    table: list[bytes] = []
    out = bytearray()
    prev: bytes | None = None

    def reset():
        return [bytes([i]) for i in range(clear)] + [b"", b""]

    table = reset()
    while True:
        while n_bits < size:
            bits |= data[pos] << n_bits
            pos += 1
            n_bits += 8
        code = bits & ((1 << size) - 1)
        bits >>= size
        n_bits -= size
        if code == clear:
            table, size, prev = reset(), min_code_size + 1, None
            continue
        if code == eoi:
            return bytes(out)
        if code < len(table):
            entry = table[code]
            if prev is not None:
                table.append(prev + entry[:1])
        else:
            assert code == len(table) and prev is not None, "a code the decoder cannot know yet"
            entry = prev + prev[:1]
            table.append(entry)
        out += entry
        prev = entry
        if len(table) == (1 << size) and size < 12:
            size += 1


@pytest.mark.parametrize("min_code, n, seed", [(2, 1, 0), (2, 5000, 1), (8, 70000, 2), (4, 3000, 3), (8, 0, 4)])
def test_lzw_round_trips_through_an_independent_decoder(min_code, n, seed):
    rng = np.random.default_rng(seed)
    # runs and noise: the table fills up (clear codes) and the code width grows to 12 bits
    data = np.repeat(rng.integers(0, 1 << min_code, n // 3 + 1), rng.integers(1, 6, n // 3 + 1))[:n]
    raw = data.astype(np.uint8).tobytes()
    assert lzw_decode(lzw_encode(raw, min_code), min_code) == raw


def frames_with_many_colours(n: int = 6, h: int = 60, w: int = 80) -> list[np.ndarray]:
    yy, xx = np.mgrid[0:h, 0:w]
    out = []
    for i in range(n):
        f = np.zeros((h, w, 3), np.uint8)
        f[..., 0] = xx * 255 // (w - 1)
        f[..., 1] = yy * 255 // (h - 1)
        f[..., 2] = 128
        f[10:14, 5:5 + 12 * i] = (0, 114, 178)   # a growing bar in the plots' blue
        out.append(f)
    return out


def decode_with_qt(path) -> list[np.ndarray]:
    reader = QImageReader(str(path))
    frames = []
    while True:
        image = reader.read()
        if image.isNull():
            break
        rgb = image.convertToFormat(QImage.Format.Format_RGB888)
        raw = np.frombuffer(rgb.constBits(), np.uint8, count=rgb.bytesPerLine() * rgb.height())
        frames.append(raw.reshape(rgb.height(), rgb.bytesPerLine())[:, :rgb.width() * 3]
                      .reshape(rgb.height(), rgb.width(), 3).copy())
    return frames


@pytest.mark.parametrize("palette", ["global", "frame"])
def test_qt_decodes_every_frame_as_quantised(tmp_path, palette):
    frames = frames_with_many_colours()
    path = write_gif(tmp_path / "a.gif", frames, fps=4, palette=palette)
    decoded = decode_with_qt(path)
    assert len(decoded) == len(frames)
    if palette == "global":
        pal, index = quantize(frames, 255)
        expected = [pal[ix] for ix in index]
    else:
        expected = []
        for f in frames:
            pal, (ix,) = quantize([f], 255)
            expected.append(pal[ix])
    for got, want, source in zip(decoded, expected, frames):
        assert got.shape == (60, 80, 3)
        assert np.array_equal(got, want)                      # exactly what was encoded ...
        assert np.abs(got.astype(int) - source).mean() < 4.0  # ... and close to the source


def test_frame_count_size_delays_and_loop(tmp_path):
    frames = frames_with_many_colours(n=7)
    path = write_gif(tmp_path / "a.gif", frames, fps=3)
    info = gif_info(path)
    assert (info.width, info.height, info.frame_count) == (80, 60, 7)
    assert info.delays == [330, 340, 330, 330, 340, 330, 330]   # 1/100 s steps adding up to 7/3 s
    reader = QImageReader(str(path))
    assert reader.imageCount() == 7 and reader.size().width() == 80 and reader.size().height() == 60
    assert reader.loopCount() == -1                              # NETSCAPE2.0 with 0 = for ever
    assert b"NETSCAPE2.0" in path.read_bytes()


def test_colours_of_a_plot_are_kept_exactly():
    frames = frames_with_many_colours()
    pal, index = quantize(frames, 255)
    blue = np.array([0, 114, 178])
    assert (pal == blue).all(axis=1).any(), "a line colour covering many pixels must be in the palette as it is"
    assert len(pal) <= 255
    few = [np.full((4, 4, 3), c, np.uint8) for c in (0, 90, 255)]
    pal, index = quantize(few)
    assert sorted(map(tuple, pal)) == [(0, 0, 0), (90, 90, 90), (255, 255, 255)]


def test_the_same_frames_give_the_same_bytes():
    frames = frames_with_many_colours()
    assert encode_gif(frames, 10) == encode_gif([f.copy() for f in frames], 10)


def test_a_single_frame_has_no_loop_extension(tmp_path):
    path = write_gif(tmp_path / "one.gif", frames_with_many_colours(n=1), fps=1)
    assert gif_info(path).frame_count == 1
    assert b"NETSCAPE2.0" not in path.read_bytes()
    assert len(decode_with_qt(path)) == 1


def test_unchanged_frames_are_still_frames(tmp_path):
    frame = frames_with_many_colours(n=1)[0]
    path = write_gif(tmp_path / "still.gif", [frame] * 4, fps=2)
    assert gif_info(path).frame_count == 4
    decoded = decode_with_qt(path)
    assert len(decoded) == 4 and all(np.array_equal(d, decoded[0]) for d in decoded)


@pytest.mark.parametrize("frames, fps, words", [
    ([], 10, "at least one frame"),
    ([np.zeros((4, 4, 3), np.float64)], 10, "uint8"),
    ([np.zeros((4, 4), np.uint8)], 10, "uint8"),
    ([np.zeros((4, 4, 3), np.uint8), np.zeros((5, 4, 3), np.uint8)], 10, "one size"),
    ([np.zeros((4, 4, 3), np.uint8)], 0, "fps"),
    ([np.zeros((4, 4, 3), np.uint8)], 80, "fps"),
])
def test_bad_input_is_refused(frames, fps, words):
    with pytest.raises(ValueError, match=words):
        encode_gif(frames, fps)


def test_an_unwritable_path_leaves_no_file(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(OSError):
        write_gif(blocker / "anim.gif", frames_with_many_colours(n=2))
    assert sorted(os.listdir(tmp_path)) == ["a-file"]
