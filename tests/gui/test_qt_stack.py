"""The pinned PySide6 + pyqtgraph pair survives what the app does all day: repeated setData.

PySide6-Essentials 6.12.0 with pyqtgraph 0.13.7/0.14.0 aborted the interpreter ("Fatal Python
error: none_dealloc") after about a second of this. An abort kills the process, so a fixed
number of frames runs in a subprocess and the test reads its exit status.
The app's own live curves (PathCurve) are redrawn along with pyqtgraph's items.
"""
import os
import subprocess
import sys
import textwrap

import pytest

FRAMES = 250  # a few seconds here; the bad pair aborted within about a second

SCRIPT = textwrap.dedent("""
    import os
    os.environ["PYQTGRAPH_QT_LIB"] = "PySide6"
    import numpy as np
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg
    app = QApplication([])
    w = pg.PlotWidget()
    w.resize(640, 480)
    w.show()
    curves = [w.plot(pen=pg.mkPen(c, width=2)) for c in ("#0072B2", "#E69F00")]
    scatter = pg.ScatterPlotItem()
    w.addItem(scatter)
    image = pg.ImageItem(axisOrder="row-major")
    w.addItem(image)
    from gdlab.gui.plots.base import make_curve
    live = make_curve(pg.mkPen("#009E73", width=2), "live")
    w.addItem(live)
    rng = np.random.default_rng(0)
    n = 0
    for n in range(1, FRAMES + 1):
        x = np.arange(2000 + n)
        for k, c in enumerate(curves + [live]):
            c.setData(x, np.cumsum(rng.normal(size=len(x))) + k)
        scatter.setData(rng.normal(size=50), rng.normal(size=50))
        image.setImage(rng.random((40, 40)))
        app.processEvents()
    print("frames", n)
""").replace("FRAMES", str(FRAMES))


@pytest.mark.slow
def test_hundreds_of_set_data_frames_do_not_abort_the_interpreter():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, f"exit {out.returncode}: {out.stderr[-2000:]}"
    assert "Fatal Python error" not in out.stderr
    assert int(out.stdout.split()[-1]) == FRAMES, "every frame was drawn"
