"""Applying a theme to the whole app: the Qt palette and fonts, and every plot's colours and sizes.

A :class:`~gdlab.gui.palette.Theme` says how plots look; the text scale (Ctrl+= / Ctrl+−)
multiplies every font size, in the widgets and in the plots alike.
"""
from __future__ import annotations

import dataclasses

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from .palette import THEMES, Theme

MIN_SCALE, MAX_SCALE = 0.7, 2.5
BASE_POINT_SIZE = 10


def scaled(theme: Theme, scale: float) -> Theme:
    """The theme with its font sizes multiplied by ``scale``."""
    return dataclasses.replace(theme, font_pt=max(6, round(theme.font_pt * scale)),
                               tick_pt=max(6, round(theme.tick_pt * scale)))


def qt_palette(theme: Theme) -> QPalette:
    """Window and widget colours to go with a theme (Fusion style)."""
    palette = QPalette()
    if theme.name == "dark":
        base, window, text = QColor("#1E1F22"), QColor("#2B2D31"), QColor("#E6E6E6")
        palette.setColor(QPalette.ColorRole.Window, window)
        palette.setColor(QPalette.ColorRole.WindowText, text)
        palette.setColor(QPalette.ColorRole.Base, base)
        palette.setColor(QPalette.ColorRole.AlternateBase, window)
        palette.setColor(QPalette.ColorRole.Text, text)
        palette.setColor(QPalette.ColorRole.Button, window)
        palette.setColor(QPalette.ColorRole.ButtonText, text)
        palette.setColor(QPalette.ColorRole.ToolTipBase, base)
        palette.setColor(QPalette.ColorRole.ToolTipText, text)
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#0072B2"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#FFFFFF"))
        palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#9A9A9A"))
        for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#777777"))
    elif theme.name == "projector":
        palette.setColor(QPalette.ColorRole.Window, QColor("#FFFFFF"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#000000"))
        palette.setColor(QPalette.ColorRole.Text, QColor("#000000"))
        palette.setColor(QPalette.ColorRole.ButtonText, QColor("#000000"))
        for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8A8A8A"))  # a disabled button looks it
    return palette


def apply_to_app(app: QApplication, theme: Theme, scale: float) -> None:
    """The Qt palette of the theme and a base font ``scale`` times the usual size (projector: larger)."""
    # Only what changes: each set sends a change event to every widget of every window, and
    # each new window applies the theme the application already has.
    palette = qt_palette(theme)
    if palette != app.palette() or palette.resolveMask() != app.palette().resolveMask():
        app.setPalette(palette)
    font = QFont(app.font())
    base = BASE_POINT_SIZE * (1.3 if theme.name == "projector" else 1.0)
    font.setPointSizeF(base * scale)
    if font != app.font():
        app.setFont(font)


def get_theme(name: str) -> Theme:
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}; choose one of {', '.join(THEMES)}") from None
