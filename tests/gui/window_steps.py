"""Small helpers the window tests share: the latest snapshot, and stepping to an iteration."""

TIMEOUT = 15_000


def snap(window):
    """The worker's latest snapshot, as the window shows it."""
    return window.session.latest.snapshot


def step_to(qtbot, window, n):
    """Step the window's run to iteration ``n`` through the worker and redraw."""
    window.session.step(n - snap(window).iteration)
    qtbot.waitUntil(lambda: snap(window).iteration == n, timeout=TIMEOUT)
    window._redraw()
