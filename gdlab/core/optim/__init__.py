"""Gradient descent's rules: the optimisers (w <- w - lr * g and its variants) and the learning-rate schedules.

Imports numpy and the standard library only, and gdlab.core.io.
"""
