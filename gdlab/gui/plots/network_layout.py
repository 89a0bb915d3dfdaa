"""Where the network diagram puts its neurons, and how strong its edges are drawn.

Diagram units: layer l sits at x = l; a layer's neurons are centred on y = 0. A layer of more than
:data:`COLUMN` neurons is drawn as two staggered columns (neuron j alternately left and right of
x = l, each half a row below the one before), so 16 neurons take the height of 8 and each
thumbnail stays large. The row spacing grows for long networks, whose width limits the scale of
an aspect-locked view anyway, so their neurons come out as large on screen as a short network's;
a layer much shorter than the tallest (the inputs) spreads out over more of its height.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

COLUMN = 8              # more neurons than this in a layer: two staggered columns
ASPECT = 1.5            # the width : height the diagram is laid out for (a plot tab's shape)
SUMMARY_BLOCK = 0.45    # a summarised layer's block: its side in diagram units (layers 1 apart)
TILE_BLOCK = 0.8        # the first hidden block when it shows its neurons' weights as image tiles:
                        # nearly twice a block, leaving 0.375 of edge to the blocks either side
DECADES = 6                           # the gradient colour scale: the top decade and five below it
DECADE_COLORS = ("#DCE3EA", "#B3C7DA", "#7FA3C6", "#4A7DB0", "#235A94", "#08306B")   # pale → dark
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _fmt(x: float) -> str:
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    return f"{x:.3g}".replace("-", "−")


def decade(exponent: int) -> str:
    """10 to an integer power, as text: 10⁻³."""
    return "10" + str(exponent).translate(_SUPERSCRIPT)


def decade_classes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's class on the shared log scale (0 … DECADES−1: the decade of |v| counted from
    the lowest shown; smaller or zero values fall in class 0) and the scale's top exponent (the
    largest |v| is below 10^top)."""
    magnitude = np.abs(np.asarray(values, dtype=float))
    finite = magnitude[np.isfinite(magnitude) & (magnitude > 0)]
    top = math.floor(math.log10(finite.max())) + 1 if len(finite) else 0
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.floor(np.log10(np.where(np.isfinite(magnitude), magnitude, 10.0 ** top)))
    classes = np.clip(exponent - (top - DECADES), 0, DECADES - 1)
    return np.nan_to_num(classes, nan=0).astype(int), top


@dataclass(frozen=True)
class Layout:
    positions: list[np.ndarray]     # per layer: (k, 2) neuron centres
    node_size: float                # the side of a neuron (diameter of a circle) in diagram units
    spacing: float                  # between neighbouring rows


def rows(k: int) -> int:
    """How many rows ``k`` neurons take (two staggered columns beyond :data:`COLUMN`)."""
    return k if k <= COLUMN else math.ceil(k / 2)


def layout(sizes: list[int], summarised: bool) -> Layout:
    """Neuron centres for layer sizes ``sizes`` (inputs first); one block per layer when summarised."""
    L = len(sizes) - 1
    if summarised:
        return Layout([np.array([[float(l), 0.0]]) for l in range(L + 1)], SUMMARY_BLOCK, 1.0)
    tallest = max(rows(k) for k in sizes)
    if tallest > 1:
        spacing = min(1.8 / (tallest - 1), 0.45)
        # a long network is limited by its width: rows as far apart as the width allows
        spacing = min(max(spacing, ((L + 0.8) / ASPECT - 0.9) / (tallest - 1)), 0.7)
    else:
        spacing = 1.0
    node = min(0.42, 0.78 * spacing)
    positions = []
    span = (tallest - 1) * spacing
    for l, k in enumerate(sizes):
        if k <= COLUMN:
            # a short layer (the inputs of a wide network) spreads out, so its names have room
            gap = max(spacing, min(0.6, span / k)) if k > 1 else spacing
            ys = (np.arange(k)[::-1] - (k - 1) / 2) * gap
            xs = np.full(k, float(l))
        else:
            ys = (np.arange(k)[::-1] - (k - 1) / 2) * spacing / 2
            xs = l + np.where(np.arange(k) % 2 == 0, -0.55, 0.55) * node
        positions.append(np.column_stack([xs, ys]))
    return Layout(positions, node, spacing)


def edge_style(edges: int) -> tuple[float, int]:
    """(width factor, alpha 0–255) of the edges: the more edges, the thinner and fainter, so that
    the neurons of a deep network stay visible through them."""
    if edges <= 60:
        return 1.0, 255
    if edges <= 200:
        return 0.6, 200
    return 0.35, 150


def nearest(positions: list[np.ndarray], node_size: float, segments: np.ndarray,
            edge_ids: list[tuple[int, int, int]], x: float, y: float) -> tuple[str, tuple[int, ...]] | None:
    """The neuron ("node", (layer, j)) or edge ("edge", weight id) under (x, y) in diagram units."""
    for l, pos in enumerate(positions):
        d = np.hypot(pos[:, 0] - x, pos[:, 1] - y)
        j = int(np.argmin(d))
        if d[j] < node_size * 0.6:
            return "node", (l, j)
    if not len(segments):
        return None
    a, b = segments[:, 0], segments[:, 1]
    ab = b - a
    t = np.clip(((x - a[:, 0]) * ab[:, 0] + (y - a[:, 1]) * ab[:, 1]) / np.maximum((ab ** 2).sum(axis=1), 1e-12),
                0, 1)
    closest = a + t[:, None] * ab
    dist = np.hypot(closest[:, 0] - x, closest[:, 1] - y)
    k = int(np.argmin(dist))
    return ("edge", edge_ids[k]) if dist[k] < 0.03 else None
