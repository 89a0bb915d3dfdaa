"""GUI test fixtures: an isolated settings file, and a guard against leaked threads and timers."""
import pytest
import shiboken6
from PySide6.QtCore import QEvent, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from gdlab.gui.session import running_threads


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """A window or dialog the test closed is deleted already (WA_DeleteOnClose): pytest-qt, which
    closes the widgets a test gave qtbot, leaves those alone."""
    widgets = getattr(item, "qt_widgets", None)
    if widgets:
        item.qt_widgets = [(ref, before) for ref, before in widgets if ref() is None or shiboken6.isValid(ref())]
    return (yield)


@pytest.fixture(autouse=True)
def no_leaked_threads_or_timers():
    """Fail any test that leaves a training thread running or a window's timer ticking."""
    yield
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
        # The widgets qtbot closed were deleteLater()'d: delete them now, C++ first, while this
        # test is still the one running. Left to a later test's event loop, they were freed in
        # the middle of it, sometimes by the cycle collector, and pyqtgraph items whose Python
        # half was already cleared raised in their virtual methods (LabelItem._sizeHint).
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
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


TIMEOUT = 15_000


@pytest.fixture
def make_window(qtbot, settings, request):
    """``make_window(preset="xor", size=None, **changes)``: the lab window on ``preset`` (with
    ``changes`` applied), shown at ``size`` (default: the module's ``window_size`` mark, else
    1280×800), returned once its first frame for that experiment has arrived and, for a network,
    its diagram is laid out."""
    mark = request.node.get_closest_marker("window_size")
    default_size = tuple(mark.args) if mark else (1280, 800)

    def make(preset="xor", size=None, **changes):
        from gdlab.core.files.presets import load_preset
        from gdlab.gui.main_window import MainWindow

        exp = load_preset(preset).replace(**changes) if changes else load_preset(preset)
        window = MainWindow(exp, settings=settings)
        qtbot.addWidget(window)
        window.resize(*(size or default_size))
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: window._frame is not None and window._frame.experiment.name == exp.name
                        and (exp.kind != "network" or bool(window.network_view.sizes)), timeout=TIMEOUT)
        return window
    return make


@pytest.fixture
def window(make_window):
    """The lab window on xor at 1280×800, first frame drawn."""
    return make_window()


@pytest.fixture(autouse=True)
def light_desktop(monkeypatch):
    """The desktop's colour scheme is light in every test, whatever the machine's desktop is: a
    window on System (the default) is light. A test sets another with ``monkeypatch``."""
    from gdlab.gui import theming

    monkeypatch.setattr(theming, "desktop_scheme", lambda: "light")
