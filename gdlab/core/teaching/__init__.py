"""Teaching material: lessons, worksheets and their notation, the backprop trace and the inspector's text, hand
arithmetic.

Imports numpy and the standard library only, and gdlab.core.run and everything below it.
"""
