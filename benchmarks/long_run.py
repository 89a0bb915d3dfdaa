"""Memory on a long run: the lab window (offscreen) trains spiral-deep for 10⁶ iterations at full
speed with every live plot drawing; the resident memory (RSS) is sampled as it goes.

The run's history keeps its recent rows in memory and moves older ones to disk; the plots keep
a bounded, decimated copy. So memory must level off however long the run: target RSS growth
≤ 50 MB from the first frame to the last iteration.

Prints a line every ~10 % and, last, one JSON object with the figures.

Run: .venv/bin/python benchmarks/long_run.py [--iterations 1000000] [--preset spiral-deep]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_MB = 50.0


def rss_mb() -> float:
    """Resident set size of this process, from /proc (Linux), in MB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=1_000_000)
    parser.add_argument("--preset", default="spiral-deep")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QSettings

    from gdlab.core.files.presets import load_preset
    from gdlab.gui.app import make_app
    from gdlab.gui.main_window import MainWindow

    app = make_app()
    folder = tempfile.mkdtemp(prefix="gdlab-bench-")
    settings = QSettings(os.path.join(folder, "bench.ini"), QSettings.Format.IniFormat)
    experiment = load_preset(args.preset).replace(max_iterations=args.iterations, tolerance=0.0, grad_tolerance=0.0)
    window = MainWindow(experiment, settings=settings)
    window.resize(1600, 1000)
    window.show()
    # every plot drawing: the network diagram on top, gradient flow below, both visible
    window.view_tabs.setCurrentWidget(window.network_view)
    window.bottom_tabs.setCurrentWidget(window.trajectory_plot)

    def pump(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)

    while window._frame is None:
        pump(0.05)
    window.toggle_running()
    pump(2.0)
    start_rss, start_iter, t0 = rss_mb(), window.session.latest.snapshot.iteration, time.perf_counter()
    samples = [(start_iter, start_rss)]
    next_report = args.iterations / 10
    while window.session.latest.snapshot.status == "running" or window.session.latest.running:
        pump(1.0)
        it = window.session.latest.snapshot.iteration
        samples.append((it, rss_mb()))
        if it >= next_report:
            print(f"iteration {it:>9,}  RSS {samples[-1][1]:7.1f} MB", flush=True)
            next_report += args.iterations / 10
        if time.perf_counter() - t0 > 3600:
            break
    pump(1.0)
    end_iter = window.session.latest.snapshot.iteration
    end_rss = rss_mb()
    elapsed = time.perf_counter() - t0
    window.close()
    peak = max(r for _, r in samples + [(end_iter, end_rss)])
    result = {"preset": args.preset, "iterations": end_iter, "seconds": round(elapsed, 1),
              "iters_per_s": round((end_iter - start_iter) / elapsed, 1), "rss_start_mb": round(start_rss, 1),
              "rss_end_mb": round(end_rss, 1), "rss_peak_mb": round(peak, 1),
              "rss_growth_mb": round(end_rss - start_rss, 1), "target_growth_mb": TARGET_MB,
              "meets_target": bool(end_rss - start_rss <= TARGET_MB and end_iter >= args.iterations)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
