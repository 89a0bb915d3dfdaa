"""Datasets: the built-in ones, drawn or imported points, input features.

Imports numpy and the standard library only, and gdlab.core.io.
"""
