"""The Qt desktop app. Import PySide6 before pyqtgraph."""
import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
import PySide6  # noqa: E402,F401
