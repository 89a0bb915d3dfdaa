"""The scripting API's path for make_dataset and split: a re-export of :mod:`gdlab.core.data.datasets`."""
from .data.datasets import make_dataset, split

__all__ = ["make_dataset", "split"]
