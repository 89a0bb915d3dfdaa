"""GUI responsiveness: the window training spiral-deep at full speed, offscreen.

Prints, as its last line, one JSON object:
  gui_iters_per_s       iterations per second reached with the window open and redrawing
  headless_iters_per_s  the same experiment stepped in a plain loop, no GUI
  ratio                 gui / headless                       (target >= 0.8)
  latency_p50_ms/p99_ms lateness of a 10 ms main-thread timer (target p99 <= 30 ms)
  redraws_per_s         plot redraws that actually happened  (target >= 25)

Run: .venv/bin/python benchmarks/gui_responsiveness.py [--seconds 10] [--preset spiral-deep]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402


def headless_rate(experiment, seconds: float) -> float:
    from gdlab.core.run.training import make_run

    run = make_run(experiment)
    run.step(200)  # warm up
    start_iter, t0 = run.iteration, time.perf_counter()
    while time.perf_counter() - t0 < seconds and not run.finished:
        run.step(200)
    return (run.iteration - start_iter) / (time.perf_counter() - t0)


def gui_measure(experiment, seconds: float) -> dict:
    import shiboken6
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer

    from gdlab.gui.app import make_app
    from gdlab.gui.main_window import MainWindow

    app = make_app()
    folder = tempfile.mkdtemp(prefix="gdlab-bench-")
    settings = QSettings(os.path.join(folder, "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(experiment, settings=settings)
    window.resize(1280, 800)
    window.show()
    redraws = 0
    original = window._redraw

    def counting_redraw():
        nonlocal redraws
        if window._dirty:
            redraws += 1
        original()

    window.redraw_timer.timeout.disconnect()
    window.redraw_timer.timeout.connect(counting_redraw)

    deadline = time.perf_counter() + 20
    while window._frame is None and time.perf_counter() < deadline:
        app.processEvents()
    lateness: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(10)
    last = [0]

    def tick():
        now = clock.nsecsElapsed()
        lateness.append(max(0.0, (now - last[0]) / 1e6 - 10.0))
        last[0] = now

    probe.timeout.connect(tick)
    window.toggle_running()
    # let the run reach full speed before measuring
    warm = time.perf_counter() + 1.0
    while time.perf_counter() < warm:
        app.processEvents()
    start_iter = window.session.latest.snapshot.iteration
    redraws = 0
    clock.start()
    probe.start()
    t0 = time.perf_counter()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    elapsed = time.perf_counter() - t0
    probe.stop()
    end_iter = window.session.latest.snapshot.iteration
    if shiboken6.isValid(window):  # app.quit() may have closed (and deleted) it already
        window.close()
    lateness = lateness[1:] or [0.0]
    return {
        "gui_iters_per_s": (end_iter - start_iter) / elapsed,
        "latency_p50_ms": float(np.percentile(lateness, 50)),
        "latency_p99_ms": float(np.percentile(lateness, 99)),
        "redraws_per_s": redraws / elapsed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--preset", default="spiral-deep")
    args = parser.parse_args(argv)
    from gdlab.core.files.presets import load_preset

    # no convergence test: the run must keep going for the whole measurement
    experiment = load_preset(args.preset).replace(max_iterations=100_000_000, tolerance=0.0, grad_tolerance=0.0)
    gui = gui_measure(experiment, args.seconds)
    headless = headless_rate(experiment, min(args.seconds, 5.0))
    result = {"preset": args.preset, "seconds": args.seconds, **gui, "headless_iters_per_s": headless,
              "ratio": gui["gui_iters_per_s"] / headless}
    targets = {"ratio": (">=", 0.8), "latency_p99_ms": ("<=", 30.0), "redraws_per_s": (">=", 25.0)}
    print(f"{'measure':<22}{'value':>14}  target")
    for key in ("gui_iters_per_s", "headless_iters_per_s", "ratio", "latency_p50_ms", "latency_p99_ms",
                "redraws_per_s"):
        op, goal = targets.get(key, ("", None))
        target = f"{op} {goal:g}" if goal is not None else ""
        print(f"{key:<22}{result[key]:>14,.2f}  {target}")
    result["meets_targets"] = bool(result["ratio"] >= 0.8 and result["latency_p99_ms"] <= 30
                                   and result["redraws_per_s"] >= 25)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
