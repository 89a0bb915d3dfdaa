"""The network: activations, losses, the MLP and its buffers, gradient checks, metrics.

Imports numpy and the standard library only, and gdlab.core.io.
"""
