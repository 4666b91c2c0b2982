"""Where to put a scatter's point labels so they keep apart: a greedy placement.

Plotly draws each label at one of nine positions around its point and never moves it
to avoid another, so labels of nearby points overprint. ``label_positions`` picks,
point by point in order, the first of ``POSITIONS`` whose label box overlaps least the
labels already placed, every other marker, the lines drawn between the points and the
plot's edges. Boxes are estimated in
pixels (a character about 0.6 em wide, a line 1.2 em high) from the points' pixel
coordinates, which the caller maps from data units with the plot's nominal size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

POSITIONS = ("top center", "bottom center", "middle right", "middle left",
             "top right", "top left", "bottom right", "bottom left")
CHAR_EM, LINE_EM = 0.6, 1.2

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, y up
Segment = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, y up


SIDE = {"left": -1, "bottom": -1, "center": 0, "middle": 0, "right": 1, "top": 1}


def _start(side: int, centre: float, size: float, gap: float) -> float:
    """Where a label of ``size`` starts along one axis: centred on the point, or ``gap``
    past it on the ``side`` (-1 before, +1 after)."""
    if side == 0:
        return centre - size / 2
    return centre + gap if side > 0 else centre - gap - size


def label_box(x: float, y: float, position: str, width: float, height: float,
              gap: float) -> Box:
    """The box a label of ``width`` x ``height`` px takes at ``position`` around the point
    (x, y), ``gap`` px from its centre (half that on each axis for a corner)."""
    vertical, horizontal = (SIDE[word] for word in position.split())
    x0 = _start(horizontal, x, width, gap if vertical == 0 else gap / 2)
    y0 = _start(vertical, y, height, gap if horizontal == 0 else gap / 2)
    return x0, y0, x0 + width, y0 + height


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def crossing(box: Box, segments: np.ndarray) -> np.ndarray:
    """Length in pixels of each line segment's part inside ``box``, its edges included
    (a line along a label's edge touches its text), by clipping the segments to the box
    (Liang-Barsky), all at once. A segment with a coordinate that is not finite counts 0.

    Args:
        box: x0, y0, x1, y1.
        segments: (M, 4) rows x0, y0, x1, y1; M may be 0.

    Returns:
        (M,) lengths. Example: crossing((0, 0, 10, 10), [[5, -5, 5, 15]]) -> [10.0].

    Raises:
        ValueError: if ``segments`` is not (M, 4).
    """
    seg = np.asarray(segments, dtype=float)
    if seg.size == 0:
        return np.zeros(0)
    if seg.ndim != 2 or seg.shape[1] != 4:
        raise ValueError(f"segments must be (M, 4), not {seg.shape}")
    finite = np.isfinite(seg).all(axis=1)  # (M,)
    seg = np.where(finite[:, None], seg, 0.0)  # (M, 4)
    d = seg[:, 2:] - seg[:, :2]  # (M, 2) direction
    low, high = np.zeros(len(seg)), np.where(finite, 1.0, -1.0)
    for axis in (0, 1):
        for p, q in ((-d[:, axis], seg[:, axis] - box[axis]),
                     (d[:, axis], box[axis + 2] - seg[:, axis])):
            parallel = p == 0
            high = np.where(parallel & (q < 0), -1.0, high)  # parallel, outside this edge
            t = np.divide(q, p, out=np.zeros_like(q), where=~parallel)
            low = np.where(~parallel & (p < 0), np.maximum(low, t), low)
            high = np.where(~parallel & (p > 0), np.minimum(high, t), high)
    return np.maximum(0.0, high - low) * np.hypot(d[:, 0], d[:, 1])


def _outside(box: Box, size: tuple[float, float]) -> float:
    """The box's area beyond the plot (0..width, 0..height)."""
    inside = _overlap(box, (0.0, 0.0, size[0], size[1]))
    return (box[2] - box[0]) * (box[3] - box[1]) - inside


def label_positions(xy_px: np.ndarray, labels: Sequence[str], font_px: float,
                    plot_px: tuple[float, float], marker_px: float = 7.0,
                    obstacles: Sequence[Box] = (), drop: bool = False,
                    lines: Sequence[Segment] | np.ndarray = ()) -> list[str | None]:
    """One plotly ``textposition`` per point.

    Args:
        xy_px: (N, 2) the points in pixels from the plot's bottom-left corner, y up.
        labels: (N,) the label texts as drawn (one line each).
        font_px: the labels' font size in pixels.
        plot_px: (width, height) of the plot area in pixels.
        marker_px: the markers' diameter in pixels (the labels keep clear of them).
        obstacles: more boxes to keep clear of (a star marking a point, say).
        drop: leave out (None) a label that, wherever it goes, overprints one placed
            before it or is cut by the plot's edge, so a dense path shows the labels that
            fit and its hover the others.
        lines: line segments drawn on the plot (a path between the points), in pixels:
            a pixel of line under a label costs as much as ``font_px`` square pixels of
            overlap, so a label goes where no line runs through it if it can.

    Returns:
        (N,) positions from ``POSITIONS``: for each point in order, the first position
        whose box overlaps least the labels placed before it, the other markers, the
        obstacles, the lines and the area outside the plot (with ``drop``, the least
        among those clear of the placed labels and inside the plot); None for a dropped
        label.

    Raises:
        ValueError: if ``lines`` is not (M, 4).
    """
    pts = np.asarray(xy_px, dtype=float).reshape(-1, 2)  # (N, 2)
    half = marker_px / 2
    markers = [(x - half, y - half, x + half, y + half) for x, y in pts]
    segments = np.asarray(lines, dtype=float)  # (M, 4), or empty
    placed: list[Box] = []
    out = []
    for i, ((x, y), text) in enumerate(zip(pts, labels)):
        width, height = CHAR_EM * font_px * len(text), LINE_EM * font_px
        others = [m for j, m in enumerate(markers) if j != i] + list(obstacles) + placed

        boxes = {p: label_box(x, y, p, width, height, half + 2) for p in POSITIONS}

        def cost(position: str) -> float:
            box = boxes[position]
            return (sum(_overlap(box, o) for o in others) + _outside(box, plot_px)
                    + font_px * float(crossing(box, segments).sum()))

        def blocked(position: str) -> bool:
            """Overprints a placed label, or is cut by the plot's edge."""
            box = boxes[position]
            return any(_overlap(box, other) for other in placed) or _outside(box, plot_px) > 0

        # min keeps the first of equal costs; with ``drop``, an unblocked position first
        best = min(POSITIONS, key=(lambda p: (blocked(p), cost(p))) if drop else cost)
        box = boxes[best]
        if drop and blocked(best):
            out.append(None)
            continue
        out.append(best)
        placed.append(box)
    return out
