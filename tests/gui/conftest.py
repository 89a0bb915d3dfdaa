"""GUI test fixtures: an isolated settings file, and a guard against leaked threads and timers."""
import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from gdlab.gui.session import running_threads


@pytest.fixture(autouse=True)
def no_leaked_threads_or_timers():
    """Fail any test that leaves a training thread running or a window's timer ticking."""
    yield
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
    leaked = running_threads()
    assert not leaked, f"{len(leaked)} training thread(s) still running after the test"
    if app is not None:
        ticking = [t for w in app.topLevelWidgets() if not w.isVisible()
                   for t in w.findChildren(QTimer) if t.isActive() and t.interval() > 0
                   and t.objectName() != "pyqtgraph"]
        assert not ticking, f"{len(ticking)} timer(s) still running in closed windows: " + ", ".join(
            f"{t.parent().__class__.__name__}.{t.objectName() or t.interval()}" for t in ticking)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "gdlab-test.ini"), QSettings.Format.IniFormat)
