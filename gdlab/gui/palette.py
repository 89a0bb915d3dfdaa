"""Colours and themes: one colour-blind-safe palette (Okabe–Ito) for every view.

Okabe & Ito's eight colours stay distinguishable under the common colour-vision deficiencies;
series, layers and classes all draw from them, in the same order everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass

# Okabe–Ito, without black and yellow (too faint on white) at the front.
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
SERIES = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, "#7F5F00", "#555555")
CLASS_COLORS = (ORANGE, BLUE, GREEN, PURPLE, VERMILLION, SKY)  # class 0, 1, 2, ...
STATUS_COLORS = {"diverged": VERMILLION, "converged": GREEN, "finished": GREEN, "max_iterations": "#666666"}


def series_color(k: int) -> str:
    """The colour of the k-th series (run, layer, class ...), cycling through the palette."""
    return SERIES[k % len(SERIES)]


def class_color(c: int) -> str:
    return CLASS_COLORS[c % len(CLASS_COLORS)]


@dataclass(frozen=True)
class Theme:
    """How every plot looks: colours, line widths and font sizes."""

    name: str
    background: str
    foreground: str          # axes, tick labels, titles
    grid_alpha: float
    line_width: float        # the main curves; thin lines are half of this
    font_pt: int             # axis labels and titles
    tick_pt: int
    surface_colormap: str    # pyqtgraph colormap name for cost surfaces
    neutral: str             # curves that are not a series (a cost curve J(w), a path on a map)
    panel_background: str    # message bars and captions
    # The widgets' colours, which every stylesheet takes from here (see theming.stylesheet); the
    # defaults are the light theme's. Text on each *_background is ``foreground`` (bad: ``bad_text``).
    muted: str = "#555555"             # secondary text: version lines, the lecture keys
    accent: str = BLUE                 # a caption's rule
    error_text: str = "#B03A00"        # a field's or a dialog's error, on ``background``
    info_background: str = "#E8F1FA"   # a message bar saying what happened, the label column of a preview
    ok_background: str = "#E6F4EF"     # ... saying something went well
    bad_background: str = "#FBEDE6"    # ... saying something went wrong
    bad_text: str = "#4A1500"
    bad_highlight: str = "#F9D6C6"     # the cell (or row) at fault in a preview
    warn_background: str = "#FFF6DA"   # the bar asking before a change that restarts training


LIGHT = Theme("light", "#FFFFFF", "#222222", 0.15, 2.0, 11, 9, "viridis", "#333333", "#F4F6F8")
DARK = Theme("dark", "#1E1F22", "#E6E6E6", 0.20, 2.0, 11, 9, "viridis", "#DDDDDD", "#2B2D31",
             muted="#A9ACB2", accent=SKY, error_text="#FF9D70", info_background="#1C3347",
             ok_background="#173A30", bad_background="#4A2519", bad_text="#FFD8C6", bad_highlight="#7A3218",
             warn_background="#3D3320")
PROJECTOR = Theme("projector", "#FFFFFF", "#000000", 0.25, 4.0, 16, 13, "cividis", "#000000", "#FFFFFF",
                  muted="#333333")
THEMES: dict[str, Theme] = {t.name: t for t in (LIGHT, DARK, PROJECTOR)}
