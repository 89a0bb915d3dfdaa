"""Runs: the training loop and its driver, network runs and optimiser races, their status, history, tape and
timeline, the learning-rate sweep.

Imports numpy and the standard library only, and gdlab.core.files and everything below it.
"""
