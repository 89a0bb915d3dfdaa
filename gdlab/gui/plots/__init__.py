"""Live plots: each draws what the worker computed, refreshed by the window's redraw timer."""
