#!/usr/bin/env python3
"""Render gdlab's application icon from its SVG sources to PNGs at every size the desktop needs.

    .venv/bin/python packaging/render_icons.py            write resources/icons/gdlab-<N>.png
    .venv/bin/python packaging/render_icons.py --check    exit 1 if a PNG differs from its SVG
    .venv/bin/python packaging/render_icons.py --app-icons build/icons
                                write gdlab.ico and gdlab.icns there (packaging/build.py does, before PyInstaller)

``gdlab.svg`` is drawn for 128 px and up; ``gdlab-small.svg`` (two rings, one step, thicker lines)
for 16-64 px, where the full picture turns to mush. Qt's own SVG renderer (QtSvg) is used, so
no extra tool is needed, and it works without a display (``QT_QPA_PLATFORM=offscreen``).

The Windows ``.ico`` and macOS ``.icns`` are containers of PNGs, each size drawn from its SVG and
encoded by Qt, and the containers written here (a few lines of ``struct``), because Qt's own
"ico" and "icns" writers store a single image per file:

* ICO (Microsoft, "Icons" in the Win32 documentation: ICONDIR and ICONDIRENTRY): a 6-byte header
  (reserved 0, type 1, count), then one 16-byte entry per image (width and height as bytes, 0
  meaning 256; colour count 0; reserved 0; planes 1; bits per pixel 32; data size; data offset),
  then the images; PNG data is allowed since Windows Vista. All numbers little-endian.
* ICNS (Apple Icon Image format, as ``iconutil`` writes it): the magic ``icns`` and the file's
  length, then entries of a 4-byte type and a length (both counting the 8-byte entry header)
  holding a PNG: ``icp4`` 16 px, ``icp5`` 32, ``ic11`` 32 (16@2x), ``ic12`` 64 (32@2x), ``ic07`` 128,
  ``ic08`` 256, ``ic13`` 256 (128@2x), ``ic09`` 512, ``ic14`` 512 (256@2x), ``ic10`` 1024 (512@2x).
  All numbers big-endian.
"""
from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SMALL_UP_TO = 64  # sizes up to this use gdlab-small.svg
# --check tolerance: a renderer update may shift anti-aliased edges by a few levels; a changed
# drawing changes whole pixels. A pixel "differs" when a channel moves by more than PIXEL_LEVELS;
# the PNG is stale when more than STALE_FRACTION of its pixels differ (at 16 px: one pixel).
PIXEL_LEVELS = 48
STALE_FRACTION = 0.003
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an ICO entry can state
ICNS_TYPES = {b"icp4": 16, b"icp5": 32, b"ic11": 32, b"ic12": 64, b"ic07": 128, b"ic08": 256, b"ic13": 256,
              b"ic09": 512, b"ic14": 512, b"ic10": 1024}


def source_for(size: int) -> Path:
    return ICONS / ("gdlab-small.svg" if size <= SMALL_UP_TO else "gdlab.svg")


def png_path(size: int) -> Path:
    return ICONS / f"gdlab-{size}.png"


def render(svg: Path, size: int):
    """The SVG drawn into a transparent ``size`` x ``size`` QImage (ARGB32)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("Qt could not encode the PNG")
    buffer.close()
    return bytes(data.data())


def difference(a, b) -> float:
    """The fraction of pixels that differ (a channel moved by more than PIXEL_LEVELS) between two images."""
    import numpy as np

    def array(img):
        img = img.convertToFormat(img.Format.Format_ARGB32)
        raw = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
        return raw[:, : 4 * img.width()].reshape(img.height(), img.width(), 4).astype(np.int16)

    if a.size() != b.size():
        return 1.0
    return float((np.abs(array(a) - array(b)).max(axis=2) > PIXEL_LEVELS).mean())


def stale_icons() -> list[str]:
    """Sizes whose PNG is missing or no longer matches its SVG (as messages)."""
    from PySide6.QtGui import QImage

    problems = []
    for size in SIZES:
        path = png_path(size)
        committed = QImage(str(path))
        if committed.isNull():
            problems.append(f"{path.name}: missing or unreadable")
            continue
        diff = difference(render(source_for(size), size), committed)
        if diff > STALE_FRACTION:
            problems.append(f"{path.name}: differs from {source_for(size).name} ({diff:.1%} of its pixels)")
    return problems


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file holding one PNG per size (the sizes ascending; see the module docstring)."""
    sizes = sorted(pngs)
    offset = 6 + 16 * len(sizes)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    entries = b""
    for size in sizes:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(pngs[size]), offset)
        offset += len(pngs[size])
    return header + entries + b"".join(pngs[size] for size in sizes)


def icns_bytes(entries: list[tuple[bytes, bytes]]) -> bytes:
    """An ICNS file holding the (type, PNG) ``entries`` in order (see the module docstring)."""
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in entries)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_app_icons(folder: Path) -> list[Path]:
    """Write ``gdlab.ico`` and ``gdlab.icns`` into ``folder``; every size is drawn from its own SVG."""
    from gdlab.core.io.atomic import atomic_write_bytes

    pngs = {size: png_bytes(render(source_for(size), size)) for size in {*ICO_SIZES, *ICNS_TYPES.values()}}
    folder.mkdir(parents=True, exist_ok=True)
    ico, icns = folder / "gdlab.ico", folder / "gdlab.icns"
    atomic_write_bytes(ico, ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    atomic_write_bytes(icns, icns_bytes([(kind, pngs[size]) for kind, size in ICNS_TYPES.items()]))
    for path in (ico, icns):
        path.chmod(0o644)
    return [ico, icns]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 if stale")
    parser.add_argument("--app-icons", type=Path, metavar="DIR",
                        help="write the Windows .ico and macOS .icns into DIR instead of the PNGs")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtGui import QGuiApplication

    from gdlab.core.io.atomic import atomic_write_bytes

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 (fonts, image plugins)
    if args.check:
        problems = stale_icons()
        for line in problems:
            print(line)
        print("icons are up to date" if not problems else "run packaging/render_icons.py to regenerate")
        return 1 if problems else 0
    if args.app_icons is not None:
        for path in write_app_icons(args.app_icons):
            print(f"{path}  ({path.stat().st_size:,} bytes)")
        return 0
    for size in SIZES:
        atomic_write_bytes(png_path(size), png_bytes(render(source_for(size), size)))
        png_path(size).chmod(0o644)  # the temporary file was private; icons are read by everyone
        print(f"{png_path(size).relative_to(ROOT)}  ({source_for(size).name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
