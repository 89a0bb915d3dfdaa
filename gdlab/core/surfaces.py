"""The scripting API's path for get_surface: a re-export of :mod:`gdlab.core.surface.surfaces`."""
from .surface.surfaces import get_surface

__all__ = ["get_surface"]
