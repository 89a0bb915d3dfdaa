"""The scripting API's path for load_preset and resolve: a re-export of :mod:`gdlab.core.files.presets`."""
from .files.presets import load_preset, resolve

__all__ = ["load_preset", "resolve"]
