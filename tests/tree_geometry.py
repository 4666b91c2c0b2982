"""How tests check a beam tree figure's geometry on screen: the plot's pixels over the
y axis' span (``ui.charts.beam`` draws y in pixels; this reads it from the layout, as
plotly would)."""

from __future__ import annotations


def assert_no_two_nodes_of_a_step_touch(fig) -> None:
    """Each pair of nodes drawn at one step is at least half of each marker apart,
    centre to centre (their circles do not overlap)."""
    margin = fig.layout.margin
    low, high = fig.layout.yaxis.range
    px = (fig.layout.height - margin.t - margin.b) / abs(low - high)  # pixels a unit
    nodes = [(x, y, size) for t in fig.data if t.mode == "markers+text"
             for x, y, size in zip(t.x, t.y, t.marker.size)]
    for i, (x, y, size) in enumerate(nodes):
        for x2, y2, size2 in nodes[i + 1:]:
            if x == x2:
                assert abs(y - y2) * px >= (size + size2) / 2, (x, y, y2, size, size2)
