"""The scripting API's path for MLP: a re-export of :mod:`gdlab.core.nn.network`."""
from .nn.network import MLP

__all__ = ["MLP"]
