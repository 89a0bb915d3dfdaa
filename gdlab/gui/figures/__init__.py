"""Figures without a window: headless views, exports (PNG, SVG, PDF, GIF), the handout sheet and worksheet PDFs,
the lesson slides rendered headless.

Imports Qt, pyqtgraph, gdlab.core and gdlab.gui's views; never the window.
"""
