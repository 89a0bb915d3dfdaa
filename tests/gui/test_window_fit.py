"""A window that fits the screen: a 1280×800 projector, a 1024×768 laptop, a geometry restored from a
bigger monitor."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication

import gdlab

ROOT = Path(gdlab.__file__).resolve().parents[1]

PROBE = r"""
import json, sys
from PySide6.QtCore import QRect, QSettings
from gdlab.gui.app import make_app
from gdlab.gui.main_window import MainWindow
from gdlab.core.files.presets import load_preset

app = make_app()
settings = QSettings(sys.argv[1], QSettings.Format.IniFormat)

def rect(r):
    return [r.x(), r.y(), r.width(), r.height()]

def report(w):
    app.processEvents()
    inside = lambda wd: rect(QRect(wd.mapToGlobal(wd.rect().topLeft()), wd.size()))
    return {"room": rect(w.screen().availableGeometry()), "frame": rect(w.frameGeometry()),
            "parts": [inside(p) for p in (w.start_button, w.step_button, w.speed_value, w.statusBar(),
                                          w.timeline.live_button, w.status_rate)]}

first = MainWindow(load_preset("xor"), settings=settings)
first.show()
out = {"fresh": report(first)}
first.resize(1900, 1060)   # as if on a bigger monitor: saved on close
first.move(300, 200)
app.processEvents()
first.close()
second = MainWindow(settings=settings)
second.show()
out["restored"] = report(second)
second.close()
print(json.dumps(out))
"""


def contains(outer, inner) -> bool:
    return QRect(*outer).contains(QRect(*inner))


@pytest.mark.slow
def test_the_window_opens_inside_a_1280x800_screen_and_a_restored_geometry_is_clamped(tmp_path):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "projector", "x": 0, "y": 0, "width": 1280, "height": 800,
                                               "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", PYTHONPATH=str(ROOT),
               XDG_CONFIG_HOME=str(tmp_path), HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "settings.ini")], capture_output=True,
                         text=True, timeout=120, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    for case in ("fresh", "restored"):
        room, frame = result[case]["room"], result[case]["frame"]
        assert room == [0, 0, 1280, 800], "the offscreen platform took the screen configuration"
        assert contains(room, frame), f"{case}: the window {frame} leaves the screen {room}"
        for part in result[case]["parts"]:
            assert contains(room, part), f"{case}: {part} is outside the screen"
    assert result["fresh"]["frame"][2:] == [1280, 800], "the default size is the screen's room, not 1400×860"


@pytest.mark.slow
def test_the_minimum_size_fits_a_1024x768_screen(make_window):
    window = make_window("xor", size=(1000, 700))
    QApplication.processEvents()  # the layouts take the font's minimum widths (a posted LayoutRequest)
    assert window.minimumSize().width() <= 1000 and window.minimumSize().height() <= 700
    hint = window.minimumSizeHint()
    assert hint.width() <= 1000 and hint.height() <= 700, f"the layout needs {hint.width()}×{hint.height()}"
    assert (window.width(), window.height()) == (1000, 700)
    for part in (window.start_button, window.reinit_button, window.speed_value, window.timeline.live_button,
                 window.timeline.resume_button, window.status_rate):
        corner = part.mapTo(window, QPoint(part.width(), part.height()))
        assert corner.x() <= window.width() and corner.y() <= window.height(), part
        assert part.width() >= part.fontMetrics().horizontalAdvance(getattr(part, "text", lambda: "")()), part


@pytest.mark.slow
def test_the_shortcut_sheet_fits_the_screen_and_larger_text_widens_the_panel(qtbot, make_window):
    window = make_window("xor", size=(1280, 800))
    window.show_shortcuts()
    sheet = window._sheet
    room = sheet.screen().availableGeometry()
    assert sheet.height() <= room.height() and sheet.width() <= room.width()
    assert sheet.table.verticalScrollBar().maximum() > 0 or sheet.table.height() >= sum(
        sheet.table.rowHeight(r) for r in range(sheet.table.rowCount()))
    sheet.close()
    for _ in range(3):
        window.scale_text(1.15)
    QApplication.processEvents()
    assert window.splitter.sizes()[0] >= window.panel.minimumSizeHint().width(), "no field is cut at the edge"
    window.scale_text(None)
