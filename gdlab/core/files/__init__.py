"""Experiment files (JSON, PNG text chunks), presets, weights, CSV tables read as data.

Imports numpy and the standard library only, and gdlab.core.params and the packages below it (io, nn, optim,
surface, data).
"""
