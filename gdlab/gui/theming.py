"""Applying a theme to the whole app: the Qt palette and fonts, the widgets' stylesheets, and every
plot's colours and sizes; and *System*, the window's default, which is light or dark as the desktop is.

A :class:`~gdlab.gui.palette.Theme` says how plots and widgets look; the text scale (Ctrl+= /
Ctrl+−) multiplies every font size, in the widgets and in the plots alike. Stylesheets are
templates (``$panel_background``) filled in from the theme: a widget given one with
:func:`themed_style` is styled again whenever :func:`apply_to_app` changes the app's theme.
Exports never follow the desktop: they draw in the theme they are given, light unless asked.
"""
from __future__ import annotations

import dataclasses
from string import Template

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from .palette import LIGHT, THEMES, Theme

SYSTEM = "system"                    # the window's choice that follows the desktop's colour scheme
WINDOW_THEMES = (SYSTEM, *THEMES)    # what the window can be set to (View → Theme, the saved setting)
APP_THEME = "gdlabTheme"             # the app's property naming its theme (set by apply_to_app)
STYLE_TEMPLATE = "gdlabStyleTemplate"  # a widget's property holding its stylesheet template

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
    if app.property(APP_THEME) != theme.name:
        app.setProperty(APP_THEME, theme.name)
        _restyle(app, theme)


def desktop_scheme() -> str:
    """The desktop's colour scheme, ``"light"`` or ``"dark"`` (unknown, or no app yet: light).

    The one place gdlab asks the desktop; tests replace it (and emit ``colorSchemeChanged``)."""
    if QGuiApplication.instance() is None:
        return "light"
    return "dark" if QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark else "light"


def resolve(name: str) -> str:
    """The theme a window's choice stands for: System is the desktop's scheme, any other name itself."""
    return desktop_scheme() if name == SYSTEM else name


def stylesheet(template: str, theme: Theme) -> str:
    """``template`` with each ``$field`` replaced by that field of ``theme`` (a colour, mostly)."""
    return Template(template).substitute(dataclasses.asdict(theme))


def app_theme() -> Theme:
    """The theme the app's widgets are in (light until :func:`apply_to_app` sets another)."""
    app = QApplication.instance()
    name = app.property(APP_THEME) if app is not None else None
    return THEMES.get(name, LIGHT) if isinstance(name, str) else LIGHT


def themed_style(widget: QWidget, template: str) -> None:
    """Give ``widget`` the stylesheet ``template`` in the app's theme, and again in every theme
    the app changes to."""
    widget.setProperty(STYLE_TEMPLATE, template)
    widget.setStyleSheet(stylesheet(template, app_theme()))


def _restyle(app: QApplication, theme: Theme) -> None:
    for widget in app.allWidgets():
        template = widget.property(STYLE_TEMPLATE)
        if isinstance(template, str) and template:
            widget.setStyleSheet(stylesheet(template, theme))


def get_theme(name: str) -> Theme:
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}; choose one of {', '.join(THEMES)}") from None
