"""Make the README's screenshots with the app itself, offscreen.

    .venv/bin/python docs/make_screenshots.py [--only NAME ...] [--size 1600x1000]

Each shot opens the lab window on a preset, runs a number of iterations through the real worker,
waits until the window shows that iteration, and saves the window (or one view) as a PNG in docs/.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable


def _projector_screen() -> str:
    """The offscreen platform with one 1920×1080 screen (its default is 800×800), so that full
    screen shots (lecture mode) come out at projector size."""
    config = Path(tempfile.mkdtemp(prefix="gdlab-screen-")) / "offscreen.json"
    config.write_text('{"screens": [{"name": "projector", "x": 0, "y": 0, "width": 1920, "height": 1080, '
                      '"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}', encoding="utf-8")
    return f"offscreen:configfile={config}"


os.environ.setdefault("QT_QPA_PLATFORM", _projector_screen())
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402

from gdlab.core.files.presets import load_preset  # noqa: E402
from gdlab.gui.app import make_app  # noqa: E402
from gdlab.gui.main_window import MainWindow  # noqa: E402

OUT = ROOT / "docs"


def wait_for(app, predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not reach the expected state")
        app.processEvents()
        time.sleep(0.005)


def open_window(app, preset: str, size: tuple[int, int], iterations: int, settings: QSettings,
                prepare: Callable[[MainWindow], None] | None = None) -> MainWindow:
    window = MainWindow(load_preset(preset), settings=settings)
    window.resize(*size)
    window.show()
    wait_for(app, lambda: window._frame is not None)
    if prepare is not None:
        prepare(window)
    if iterations:
        window.session.step(iterations)
        wait_for(app, lambda: window.session.latest.snapshot.iteration >= iterations
                 or window.session.latest.snapshot.status != "running" and window.session.latest.snapshot.iteration > 0)
    # let the redraw timer and the auto-ranging catch up
    end = time.perf_counter() + 0.6
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)
    window._redraw()
    app.processEvents()
    return window


def show_tab(name: str, bottom: str | None = None):
    def prepare(window: MainWindow) -> None:
        for tabs in (window.view_tabs, window.bottom_tabs):
            for k in range(tabs.count()):
                if tabs.tabText(k) in (name, bottom):
                    tabs.setCurrentIndex(k)
    return prepare


def inspector_phase(phase: int):
    def after(app, window: MainWindow) -> None:
        wait_for(app, lambda: window.inspector.trace is not None)
        for _ in range(phase):
            window.inspector.next()
        window.inspector.choose_weight((0, 1, 2))
        window.focus.set_active(True)  # the inspector at lecture scale
        wait_for(app, lambda: window.inspector.network.width() > 0.6 * window.width())
        app.processEvents()
    return after


def graph_steps(steps: int, focus: bool = True):
    def after(app, window: MainWindow) -> None:
        graph = window.graph_view
        wait_for(app, lambda: graph.graph is not None)
        for _ in range(steps):
            window.inspector_next()  # N: the graph's next step while its tab is on show
        if focus:
            window.focus.set_active(True)
            wait_for(app, lambda: graph.plot.width() > 0.6 * window.width())
        window._redraw()
        app.processEvents()
    return after


def gradient_edges(window: MainWindow) -> None:
    show_tab("Network", "Gradient flow")(window)
    window.network_view.set_mode("gradients")


def lecture_mode(window: MainWindow) -> None:
    window.enter_lecture_mode()


def dark_theme(window: MainWindow) -> None:
    window.set_theme("dark")


SHOTS: dict[str, dict] = {
    "screenshot-dark": {"preset": "spiral-deep", "iterations": 1500, "prepare": dark_theme},
    "screenshot-lecture": {"preset": "lr-too-large", "iterations": 7, "prepare": lecture_mode},
    "screenshot-window": {"preset": "xor", "iterations": 600},
    "screenshot-race": {"preset": "optimizer-race", "iterations": 400},
    "screenshot-lr-too-large": {"preset": "lr-too-large", "iterations": 12},
    "screenshot-network": {"preset": "xor", "iterations": 400, "prepare": show_tab("Network", "Gradient flow")},
    "screenshot-inspector": {"preset": "xor", "iterations": 150, "prepare": show_tab("Backprop inspector"),
                             "after": inspector_phase(5)},
    "screenshot-graph": {"preset": "xor", "iterations": 150, "prepare": show_tab("Computation graph"),
                         "after": graph_steps(6)},
    "screenshot-vanishing": {"preset": "vanishing-gradients", "iterations": 1000, "prepare": gradient_edges},
    "screenshot-surface3d": {"preset": "optimizer-race", "iterations": 400, "prepare": show_tab("3-D")},
}


GALLERY = {
    # made by `gdlab export`, exactly as a lecturer would script a handout
    "handout-sheet.png": ["xor", "--view", "sheet", "--iterations", "800", "--dpi", "110"],
    "lr-too-large.gif": ["lr-too-large", "--view", "curve", "--iterations", "30", "--every", "1", "--fps", "4",
                         "--size", "640x420"],
    "optimizer-race.gif": ["optimizer-race", "--view", "surface", "--iterations", "1500", "--every", "30",
                           "--fps", "12", "--size", "640x440"],
    "screenshot-digits.png": ["digits", "--view", "data", "--size", "1600x900"],
    "screenshot-digits-network.png": ["digits", "--view", "network", "--size", "1200x800"],
    "screenshot-iris.png": ["iris", "--view", "data", "--size", "1200x800"],
}


def gallery(out: Path) -> None:
    import subprocess

    for name, args in GALLERY.items():
        subprocess.run([sys.executable, "-m", "gdlab", "export", *args, "--out", str(out / name)], check=True,
                       cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="names of the shots to make (default: all)")
    parser.add_argument("--size", default="1600x1000")
    parser.add_argument("--out", default=str(OUT), help="folder for the PNGs (default: docs/)")
    parser.add_argument("--gallery", action="store_true", help="also make the handout sheet and the GIFs")
    args = parser.parse_args(argv)
    Path(args.out).mkdir(parents=True, exist_ok=True)  # before the gallery writes into it
    if args.gallery:
        gallery(Path(args.out))
    size = tuple(int(v) for v in args.size.split("x"))
    app = make_app()
    folder = tempfile.mkdtemp(prefix="gdlab-shots-")
    for name, shot in SHOTS.items():
        if args.only and name not in args.only:
            continue
        # every shot starts like a first launch: nothing carried over from the shot before
        settings = QSettings(os.path.join(folder, f"{name}.ini"), QSettings.Format.IniFormat)
        settings.setValue("theme", "light")  # not System: the pictures are light whatever the desktop is
        window = open_window(app, shot["preset"], size, shot["iterations"], settings, shot.get("prepare"))
        if "after" in shot:
            shot["after"](app, window)
        target = shot.get("widget", lambda w: w)(window)
        path = Path(args.out) / f"{name}.png"
        if not target.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(f"wrote {path} ({target.width()}×{target.height()})")
        window.close()
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
