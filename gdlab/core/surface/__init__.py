"""Cost surfaces J(w1, w2) and what is drawn over them: contours, the landscape slice of a network.

Imports numpy and the standard library only, and gdlab.core.io and gdlab.core.nn.
"""
