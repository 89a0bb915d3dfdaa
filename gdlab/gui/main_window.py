"""The lab window's public home: :class:`MainWindow` (``MainWindow(experiment=None, settings=None)``,
with ``open_path`` and ``export_worksheets``) lives in :mod:`gdlab.gui.window`, one module per concern."""
from __future__ import annotations

from .window.main import MainWindow
from .window.run_controls import SPEEDS

__all__ = ["MainWindow", "SPEEDS"]
