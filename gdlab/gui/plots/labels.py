"""Labels that never cover each other: where a plot's text items are on screen, and which collide.

A *label* is any visible text item of a plot's scene (a ``pg.TextItem``, a ``pg.LabelItem`` such as
a title or a legend entry): its on-screen rectangle is the text's own box, the document margin
excluded, mapped into the view's viewport and clipped to it. Two labels *collide* when their
rectangles overlap by more than :data:`OVERLAP` of the smaller one's area.

The network diagram uses :func:`hide_colliding` to drop the labels that do not fit (their
numbers are in the table beside it); the tests use :func:`collisions` over every view.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsTextItem, QGraphicsView

OVERLAP = 0.10   # more than this share of the smaller label covered is a collision


@dataclass(frozen=True)
class Label:
    """One label as it is on screen: its text and its rectangle in viewport pixels."""

    text: str
    rect: QRectF
    item: QGraphicsTextItem


def text_rect(item: QGraphicsTextItem, view: QGraphicsView, clip: bool = True) -> QRectF:
    """The on-screen rectangle of a text item's text (its document margin excluded), in ``view``'s
    viewport pixels, clipped to the viewport (empty when outside) unless ``clip`` is False."""
    m = item.document().documentMargin()
    box = item.boundingRect().adjusted(m, m, -m, -m)
    on_screen = QRectF(view.mapFromScene(item.mapToScene(box)).boundingRect())
    return on_screen.intersected(QRectF(view.viewport().rect())) if clip else on_screen


def _shown(item: QGraphicsItem) -> bool:
    return item.isVisible() and item.effectiveOpacity() > 0.01


def scene_labels(view: QGraphicsView) -> list[Label]:
    """Every visible, non-empty text item of ``view``'s scene that is inside its viewport."""
    if not view.isVisible():
        return []
    labels = []
    for item in view.scene().items():
        if not isinstance(item, QGraphicsTextItem) or not _shown(item):
            continue
        text = item.toPlainText().strip()
        if not text:
            continue
        rect = text_rect(item, view)
        if rect.width() > 0 and rect.height() > 0:
            labels.append(Label(text, rect, item))
    return labels


def overlap(a: QRectF, b: QRectF) -> float:
    """The share of the smaller rectangle that the other one covers (0 … 1)."""
    common = a.intersected(b)
    if common.isEmpty():
        return 0.0
    smaller = min(a.width() * a.height(), b.width() * b.height())
    return common.width() * common.height() / smaller if smaller > 0 else 0.0


def collisions(labels: list[Label]) -> list[tuple[Label, Label]]:
    """The pairs of labels that overlap by more than :data:`OVERLAP` of the smaller."""
    return [(a, b) for k, a in enumerate(labels) for b in labels[k + 1:] if overlap(a.rect, b.rect) > OVERLAP]


def hide_colliding(items: list[QGraphicsTextItem | QGraphicsItem], view: QGraphicsView,
                   keep: list[QRectF] | None = None) -> list[QGraphicsItem]:
    """Show ``items`` in priority order, hiding each one that would collide with one shown before
    it (or with a rectangle of ``keep``); returns the hidden ones. A ``pg.TextItem`` is given as
    itself: its text child is measured, the item itself shown or hidden."""
    placed = list(keep or [])
    hidden = []
    for item in items:
        text = item if isinstance(item, QGraphicsTextItem) else getattr(item, "textItem", None)
        if text is None:
            continue
        item.show()
        if hasattr(item, "updateTransform"):
            item.updateTransform(force=True)  # a pg.TextItem follows the view only while shown
        rect = text_rect(text, view)
        if any(overlap(rect, other) > OVERLAP for other in placed):
            item.hide()
            hidden.append(item)
        elif rect.width() > 0:
            placed.append(rect)
    return hidden


def fit_labels(labels: list[tuple[QGraphicsItem, list[tuple[tuple[float, float], tuple[float, float]]]]],
               view: QGraphicsView, keep: list[QRectF], gap: tuple[float, float]) -> list[QGraphicsItem]:
    """Place ``pg.TextItem`` labels in priority order, each at the first of its candidate places
    (``(anchor, position in view coordinates)``) where it lies wholly inside the viewport and keeps
    ``gap`` (x, y) pixels clear of every label placed before it and of every ``keep`` rectangle; a label
    with no such place is hidden. Stricter than :func:`hide_colliding`, for a dense diagram where a
    10 % overlap already reads as two numbers run together. Returns the hidden labels."""
    placed = list(keep)
    screen = QRectF(view.viewport().rect())
    hidden = []
    for item, places in labels:
        item.show()
        for anchor, (x, y) in places:
            item.setAnchor(anchor)
            item.setPos(x, y)
            item.updateTransform(force=True)  # a pg.TextItem follows the view only while shown
            rect = text_rect(item.textItem, view, clip=False)
            grown = rect.adjusted(-gap[0], -gap[1], gap[0], gap[1])
            if screen.contains(rect) and not any(grown.intersects(other) for other in placed):
                placed.append(rect)
                break
        else:
            item.hide()
            hidden.append(item)
    return hidden
