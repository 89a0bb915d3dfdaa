"""The scripting API's path for gradient_check: a re-export of :mod:`gdlab.core.nn.gradcheck`."""
from .nn.gradcheck import gradient_check

__all__ = ["gradient_check"]
