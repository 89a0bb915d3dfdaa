"""Lesson slides without a screen: :func:`render_pauses` plays every pause of a lesson in a lab
window of its own, offscreen, and writes each as a numbered PNG slide that carries its experiment
(File → Open restores it). Used by ``gdlab lesson NAME --slides``. It imports the lab window and the
lesson player; neither imports it.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from ...core.teaching.lessons import Lesson, Pause
from ..lesson_player import LessonPlayer
from ..main_window import MainWindow
from ..slides import SLIDE_SIZE, render_slide, slide_views
from .figure_encode import png_bytes
from .figure_prepare import check_writable, write_atomic

__all__ = ["render_pauses"]


def render_pauses(lesson: Lesson, out_dir: str | Path, size: tuple[int, int] = SLIDE_SIZE,
                  timeout_ms: int = 120_000, progress: Callable[[Path], None] | None = None) -> list[Path]:
    """Play every pause of ``lesson`` in a window of its own and write each as a numbered PNG in
    ``out_dir`` (``01-<slug>.png``, …): a slide of ``size`` with the caption large on top and the
    view(s) the pause shows below (:mod:`gdlab.gui.slides`). Each PNG carries the pause's
    experiment. Needs a QApplication (offscreen is fine); returns the paths. Raises
    ``RuntimeError`` if training fails or a pause is not reached within ``timeout_ms``."""
    if QApplication.instance() is None:
        raise RuntimeError("render_pauses needs a QApplication (QT_QPA_PLATFORM=offscreen needs no display)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pauses = lesson.pauses()
    paths: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="gdlab-lesson-") as tmp:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(pauses[0].experiment, settings=settings)
        player = LessonPlayer(window)
        player.large_caption = True
        failures: list[str] = []
        window.session.failed.connect(failures.append)
        try:
            window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            window.resize(*size)
            window.show()
            for k, pause in enumerate(pauses):
                if k == 0:
                    player.start(lesson)
                else:
                    player.go_to(k)
                _wait_until_ready(player, failures, timeout_ms, pause)
                frame = player.highlight_frame()
                if frame is not None:
                    frame.hide()  # the slide draws its own frame, around the view and not over it
                header = f"{lesson.title} · {pause.number}/{len(pauses)}"
                image = render_slide(window, slide_views(lesson, k), pause.caption, header, size,
                                     highlight=pause.highlight)
                path = check_writable(out / pause.file_name)
                write_atomic(path, png_bytes(image, 96.0, window.session.latest.experiment,
                                             f"{lesson.title} {pause.number}/{len(pauses)}: {pause.caption}"))
                if frame is not None:
                    frame.show()
                paths.append(path)
                if progress is not None:
                    progress(path)
        finally:
            player.stop()
            window.close()
            window.deleteLater()
            QApplication.processEvents()
            del settings
    return paths


def _wait_until_ready(player: LessonPlayer, failures: list[str], timeout_ms: int, pause: Pause) -> None:
    """Run the event loop until the player's pause is on show (no sleeping, no busy loop)."""
    if player.ready:
        return
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    player.changed.connect(loop.quit)
    player.window.session.failed.connect(loop.quit)
    timer.start(timeout_ms)
    try:
        while not player.ready and not failures and timer.isActive():
            loop.exec()
    finally:
        timer.stop()
        player.changed.disconnect(loop.quit)
        player.window.session.failed.disconnect(loop.quit)
    if failures:
        raise RuntimeError(f"training failed at pause {pause.number} (step {pause.step}):\n{failures[0]}")
    if not player.ready:
        raise RuntimeError(f"pause {pause.number} (step {pause.step}) was not reached within "
                           f"{timeout_ms / 1000:g} s")
