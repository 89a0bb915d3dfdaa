"""Dialogs: export, fork, CSV import, welcome and help.

Imports Qt, gdlab.core and gdlab.gui's widgets; never the window.
"""
