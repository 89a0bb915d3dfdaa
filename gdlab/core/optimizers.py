"""The scripting API's path for make_optimizer: a re-export of :mod:`gdlab.core.optim.optimizers`."""
from .optim.optimizers import make_optimizer

__all__ = ["make_optimizer"]
