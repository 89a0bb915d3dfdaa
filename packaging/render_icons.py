#!/usr/bin/env python3
"""Render gdlab's application icon from its SVG sources to PNGs at every size the desktop needs.

    .venv/bin/python packaging/render_icons.py            write resources/icons/gdlab-<N>.png
    .venv/bin/python packaging/render_icons.py --check    exit 1 if a PNG differs from its SVG

``gdlab.svg`` is drawn for 128 px and up; ``gdlab-small.svg`` (two rings, one step, thicker lines)
for 16-64 px, where the full picture turns to mush. Qt's own SVG renderer (QtSvg) is used, so
no extra tool is needed, and it works without a display (``QT_QPA_PLATFORM=offscreen``).
"""
from __future__ import annotations

import argparse
import os
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 if stale")
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
    for size in SIZES:
        atomic_write_bytes(png_path(size), png_bytes(render(source_for(size), size)))
        png_path(size).chmod(0o644)  # the temporary file was private; icons are read by everyone
        print(f"{png_path(size).relative_to(ROOT)}  ({source_for(size).name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
