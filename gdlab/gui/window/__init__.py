"""The lab window, one concern per module; :class:`~gdlab.gui.window.main.MainWindow` (re-exported
by :mod:`gdlab.gui.main_window`) is the one QMainWindow, made of the mixins here.

- ``main``: the class itself, its state and the order it is built in;
- ``layout``: the widgets and their layout; ``menus``: the menu bar and its actions (functions);
- ``run_controls``: the run bar and the run commands; ``experiments``: presets, files, parameter
  changes, drawn and imported data, lessons; ``frames``: frames from the worker, the redraw timer,
  the tabs; ``timeline``: scrubbing, rewinding and the forked twin; ``exports``: figures, scripts,
  weights, worksheets; ``lecture``: themes, text size, lecture mode; ``messages``: the message bars,
  the status bar, error boxes, help dialogs; ``saved_state``: settings kept between starts, closing.

What these modules may import: Qt, :mod:`gdlab.core`, and the rest of :mod:`gdlab.gui` (views,
session, dialogs, the lesson player), never the other way round: nothing outside this package
imports it except :mod:`gdlab.gui.main_window` and the headless lesson renderer
(:mod:`gdlab.gui.figures.lesson_render`), so no import circle goes through the window. Inside, the mixins
import only each other's constants and small widgets (``messages``, ``layout``), and ``main`` imports
them all. This ``__init__`` imports nothing, so importing one module here loads only what it needs.
"""
