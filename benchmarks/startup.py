"""Start-up time: from process start to the lab window shown with its first frame drawn.

Each measurement starts a fresh Python process (offscreen), which builds the app the way
``gdlab`` does (``gdlab.gui.app.make_app`` + ``MainWindow``), shows the window, waits for the worker's
first frame and one redraw, and reports the moment. The clock starts in the parent just before the
child is spawned, so interpreter start-up and every import are included. The first run warms the
disk cache and is not counted; the median of the next ones is reported. Target: ≤ 1.5 s.

A breakdown by import comes from ``python -X importtime`` on the same start-up: the time spent
importing each package (numpy, Qt, pyqtgraph, gdlab's core and GUI), the rest being building the
window and the first frame.

Last line: one JSON object.

Run: .venv/bin/python benchmarks/startup.py [--runs 5]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_S = 1.5

CHILD = r"""
import os, sys, time
from PySide6.QtCore import QSettings, QTimer
from gdlab.gui.app import make_app
from gdlab.gui.main_window import MainWindow
from gdlab.core.files.presets import load_preset
app = make_app()
settings = QSettings(os.path.join(sys.argv[1], "startup.ini"), QSettings.Format.IniFormat)
window = MainWindow(load_preset("xor"), settings=settings)
window.resize(1600, 1000)
window.show()
def check():
    if window._frame is not None:
        window._redraw()
        app.processEvents()
        print(f"SHOWN {time.time():.6f}", flush=True)
        window.close()
        app.quit()
    else:
        QTimer.singleShot(1, check)
QTimer.singleShot(0, check)
app.exec()
"""


def one_run(folder: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, folder], capture_output=True, text=True, env=env,
                         timeout=120)
    match = re.search(r"SHOWN ([0-9.]+)", out.stdout)
    if not match:
        raise RuntimeError(f"the child did not report: {out.stderr[-800:]}")
    return float(match.group(1)) - t0


GROUPS = (("numpy", ("numpy",)), ("PySide6 (Qt)", ("PySide6", "shiboken6")), ("pyqtgraph", ("pyqtgraph",)),
          ("gdlab.core", ("gdlab.core",)), ("gdlab.gui", ("gdlab.gui", "gdlab.cli", "gdlab")))


def import_breakdown(folder: str) -> list[tuple[str, float]]:
    """Import time (s) by package: the self time of every module imported, summed per group."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", CHILD, folder], capture_output=True,
                         text=True, env=env, timeout=120)
    totals = {name: 0.0 for name, _ in GROUPS}
    totals["standard library and the rest"] = 0.0
    for line in out.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+)\s*\|\s*(\d+)\s*\|\s*(\S+)", line)
        if not m:
            continue
        own, name = int(m.group(1)) / 1e6, m.group(3)
        for group, prefixes in GROUPS:
            if any(name == p or name.startswith(p + ".") for p in prefixes):
                totals[group] += own
                break
        else:
            totals["standard library and the rest"] += own
    return sorted(totals.items(), key=lambda kv: -kv[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="gdlab-startup-")
    one_run(folder)  # warm the cache
    times = [one_run(folder) for _ in range(args.runs)]
    median = statistics.median(times)
    print(f"process start → window shown with its first frame: median {median:.3f} s "
          f"(runs: {', '.join(f'{t:.3f}' for t in times)}), target ≤ {TARGET_S} s")
    breakdown = import_breakdown(folder)
    print("import time by package:")
    for name, seconds in breakdown:
        print(f"  {name:<32}{seconds:7.3f} s")
    print(json.dumps({"median_s": round(median, 3), "runs_s": [round(t, 3) for t in times], "target_s": TARGET_S,
                      "meets_target": median <= TARGET_S,
                      "imports_s": {name: round(s, 3) for name, s in breakdown}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
