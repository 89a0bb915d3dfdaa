"""Where the network diagram's labels go, in pixels, so that none covers another.

The diagram is aspect-locked and its labels are pixel-sized, so the view range is chosen from the
view's size in pixels: room below (and, when titles are staggered, above) the neurons for the
layer titles, room left of the inputs for their names. Titles one unit apart that would touch go
on two lines (every other one above its layer), up to four, then become short (h1, h2, …), and any
that still touch are hidden; the inspector's numbers come last and show only where they cover nothing.
"""
from __future__ import annotations

from .labels import hide_colliding, text_rect


def place_labels(view) -> None:
    """Fit the diagram and put its labels where they fit, in pixels: layer titles under their
    layer (every other one above it, or short, when neighbours would touch), input names left
    of the inputs, room kept for both around the neurons; then the inspector's numbers wherever
    they do not cover a title, a name or each other (the rest stay hidden: the inspector's
    table has them all)."""
    vb = view.plot.plot_item.vb
    width, height = vb.width(), vb.height()
    if not view.sizes or not view.plot.isVisible() or width < 20 or height < 20:
        return
    L = len(view.sizes) - 1
    r = view.node_size / 2 if not view.summarised else max(0.3, view.tiles_side / 2)
    ymax = max(abs(p[:, 1]).max() for p in view.positions) + r
    line = max(t.textItem.boundingRect().height() for t in view._titles) - 4
    names = max((t.textItem.boundingRect().width() for t in view._names), default=0.0)
    left, right = names + 12, 12

    def scale(above: int, below: int) -> float:
        room = height - (above * line + 8) - (below * line + 8)
        return max(1e-6, min((width - left - right) / (L + 2 * r), room / (2 * ymax)))

    # titles one unit apart that would touch go on two lines (every other one above the layer), up
    # to four (two below, two above), then become short (h1, h2, …); any that still touch are hidden
    for short, lines in ((0, 1), (0, 2), (0, 3), (0, 4), (1, 1), (1, 2)):
        for title, texts in zip(view._titles, view._title_texts):
            title.setText(texts[short])
        longest = max(t.textItem.boundingRect().width() for t in view._titles) - 4
        below, above = (lines + 1) // 2, lines // 2
        s = scale(above, below)
        if longest + 8 <= lines * s:
            break
    vb.setRange(xRange=(-r - left / s, L + r + right / s),
                yRange=(-ymax - (below * line + 6) / s, ymax + (above * line + 8) / s), padding=0)
    vb.updateMatrix()
    for l, title in enumerate(view._titles):
        row = l % lines
        up, depth = row % 2 == 1, row // 2
        title.setAnchor((0.5, 1) if up else (0.5, 0))
        title.setPos(float(l), ymax + (2 + depth * line) / s if up else -ymax - (2 + depth * line) / s)
    _refresh_transforms(view._titles + view._names + view.texts)
    order = [view._titles[0], view._titles[-1], *view._titles[1:-1]]   # inputs and output first
    hide_colliding(view._names + order, view.plot)
    keep = [text_rect(t.textItem, view.plot) for t in view._titles + view._names if t.isVisible()]
    hide_colliding(view.texts, view.plot, keep=keep)


def _refresh_transforms(items) -> None:
    for item in items:
        item.updateTransform(force=True)
