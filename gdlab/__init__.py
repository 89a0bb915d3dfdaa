"""gdlab, the Gradient Descent Lab: see backpropagation and gradient descent work.

`gdlab.core` holds the maths (numpy only); `gdlab.gui` is the Qt desktop app on top.
"""
__version__ = "0.1.0"
