"""Builders of the small widgets and layouts the dialogs and views repeat: a push button with its
tip and action (:func:`push_button`), a dialog's accept/Cancel box (:func:`dialog_buttons`), and a
view's rows stacked with no margins (:func:`tight_column`), and the name of a file to save
(:func:`save_file_name`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLayout, QPushButton, QVBoxLayout, QWidget

__all__ = ["dialog_buttons", "push_button", "save_file_name", "tight_column"]


def push_button(text: str, tip: str, slot: Callable[..., object]) -> QPushButton:
    """A push button showing ``text``, with the tooltip ``tip``, that calls ``slot`` when clicked."""
    button = QPushButton(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


def dialog_buttons(dialog: QDialog, accept: QDialogButtonBox.StandardButton, text: str,
                   on_accept: Callable[..., object]) -> QDialogButtonBox:
    """``accept`` (renamed ``text``) and Cancel: ``accept`` calls ``on_accept``, Cancel rejects ``dialog``."""
    buttons = QDialogButtonBox(accept | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(accept).setText(text)
    buttons.accepted.connect(on_accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def tight_column(owner: QWidget, *rows: QLayout | QWidget | tuple[QWidget, int]) -> QVBoxLayout:
    """``owner``'s layout: ``rows`` from top to bottom, no margins, 2 px apart. A row is a layout, a
    widget, or (widget, stretch)."""
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    for row in rows:
        if isinstance(row, QLayout):
            layout.addLayout(row)
        elif isinstance(row, tuple):
            layout.addWidget(*row)
        else:
            layout.addWidget(row)
    return layout


def save_file_name(parent: QWidget, title: str, file_name: str, file_filter: str) -> str:
    """The file name the user picks in a save dialog that starts at ``file_name`` in the home
    folder ("" when cancelled)."""
    name, _ = QFileDialog.getSaveFileName(parent, title, str(Path.home() / file_name), file_filter)
    return name
