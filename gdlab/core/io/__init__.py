"""Reading and writing safely: bounded reads, atomic writes, the memory budget, the text files may hold, strict
JSON (and ExperimentError, the error a bad value raises), GIF files, numbers printed as people print them.

Imports numpy and the standard library only: the bottom layer of the core.
"""
