"""Builders for the Beam search view: the search tree, node labels and the table that
compares decoders.

Tree layout: x is the output step; children hang below their parent, ordered by rank,
pushed down where a step gets crowded, so edges never cross and no two labels of one
step share a row. Every token shown is HTML-escaped (plotly would swallow ``<eos>``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from seq2seq_core import BeamNode, BeamTree, Hypothesis, Vocab, length_penalty
from seq2seq_core.search import divergence_step
from seq2seq_core.vocab import EOS_ID
from ui.charts.common import token_text, unchecked_figure, with_correct

ROW_PX = 22  # vertical pixels per layout row: labels of one step never touch
NODE_GAP_PX = 4  # nodes of one step: at least this far apart, edge to edge
MARGIN_PX = 58  # the figure's height beyond its plot: 8 above, 50 for the step axis
LEGEND_FONT_PX, LEGEND_EM = 12, 2.0  # plotly's legend text; an entry's height in em, padded
LABEL_PX = 11  # node label size (tokens of 3+ characters: 2 px less)
LINE_CHARS = 5  # presenter mode: characters on a line of a node label (two lines at most)
BEST_COLOR, GREEDY_COLOR, SELECTED_COLOR = "#d62728", "#ff9f1c", "#111111"
# status -> (legend name, marker fill, marker outline, label colour, symbol)
STYLE = {
    "root": ("start", "#444444", "#444444", "#ffffff", "circle"),
    "forced": ("forced by you", "#c9b3f5", "#6a3fc0", "#222222", "diamond"),
    "kept": ("kept in the beam", "#cfe3fb", "#1f6feb", "#111111", "circle"),
    "finished": ("finished (<eos>)", "#c8efc8", "#1a7f37", "#111111", "square"),
    "pruned": ("pruned", "#f2f2f2", "#c4c4c4", "#9a9a9a", "circle"),
}


def nats(value: float) -> str:
    """A log-probability for people: 4 decimals, or 3 significant digits when tiny."""
    return f"{value:.2e}" if value != 0 and abs(value) < 1e-3 else f"{value:.4f}"


def prefix_text(tree: BeamTree, node_id: int, vocab: Vocab) -> str:
    """Plain (unescaped) text of the output up to ``node_id`` as the target vocabulary
    decodes it (EOS left out). Example: "193"; "S P IY1" for a phoneme model."""
    return vocab.decode(tree.prefix_ids(node_id))


def tree_layout(tree: BeamTree, pruned: bool = True) -> dict[int, float]:
    """Node id -> row (y, top = 0); a node's x is its step. ``pruned=False`` lays out
    the other nodes only (a pruned node has no children, so nothing hangs from it).

    Each node wants the row of its parent plus its place among its siblings (children
    hang below their parent, the best on the parent's row); at each step, in order of
    parent row then rank, a node that would land on or above its upper neighbour is
    pushed down to the next free row. So edges never cross and rows are unique per step.
    Example: root -> a, b; a -> c, d; b -> e gives rows root 0, a 0, b 1, c 0, d 1, e 2.
    """
    def shown(node: BeamNode) -> bool:
        return pruned or node.status != "pruned"

    y = {0: 0.0}
    place = {c.id: i for kids in tree.children_of().values()
             for i, c in enumerate(k for k in kids if shown(k))}
    for step in range(1, tree.num_steps + 1):
        row = -1.0
        for node in sorted(filter(shown, tree.at_step(step)),
                           key=lambda n: (y[n.parent], n.rank)):
            row = max(y[node.parent] + place[node.id], row + 1)
            y[node.id] = row
    return y


def row_tops(tree: BeamTree, y: dict[int, float], sizes: dict[int, float]) -> list[float]:
    """Each layout row's centre in pixels below row 0's, for nodes of ``sizes`` px (id ->
    marker diameter) at rows ``y`` (``tree_layout``): rows at least ``ROW_PX`` apart, and
    two nodes of one step at least ``NODE_GAP_PX`` apart edge to edge. So large nodes
    (presenter mode's ``<eos>``) push apart only the rows they sit on.

    Example: 20 px nodes in adjacent rows of one step -> 24 px apart; a 26 px node over
    a 57.5 px one -> 45.75 px apart; rows that share no step -> ``ROW_PX``.
    """
    rows: dict[int, list[BeamNode]] = {}
    for i, row in y.items():
        rows.setdefault(int(row), []).append(tree.nodes[i])
    tops: list[float] = []
    lowest: dict[int, tuple[float, float]] = {}  # step -> (centre, radius) of its last node
    for row in range(max(rows) + 1):
        top = tops[-1] + ROW_PX if tops else 0.0
        for n in rows.get(row, []):
            if n.step in lowest:
                centre, radius = lowest[n.step]
                top = max(top, centre + radius + sizes[n.id] / 2 + NODE_GAP_PX)
        tops.append(top)
        for n in rows.get(row, []):
            lowest[n.step] = (top, sizes[n.id] / 2)
    return tops


def node_options(tree: BeamTree, vocab: Vocab) -> dict[int, str]:
    """Every node but the root -> a unique label like "step 3 · pruned · '193' · log p
    -4.2100" (an EOS node adds "+ <eos>"), by step then rank (labels are the select box
    values: a new tree's labels never show stale text)."""
    nodes = sorted((n for n in tree.nodes if n.parent is not None),
                   key=lambda n: (n.step, n.rank))
    out: dict[int, str] = {}
    for n in nodes:
        eos = " + <eos>" if n.token_id == EOS_ID else ""
        label = (f"step {n.step} · {n.status} · '{prefix_text(tree, n.id, vocab)}'{eos} · "
                 f"log p {nats(n.score)}")
        out[n.id] = label if label not in out.values() else f"{label} · #{n.id}"
    return out


def node_hover(tree: BeamTree, node: BeamNode, alpha: float,
               short: dict[int, float | None], positions: dict[int, int],
               vocab: Vocab) -> str:
    """Hover text: token, prefix, log p, cumulative and normalised score, rank, shortfall."""
    if node.parent is None:
        return f"<b>{token_text(node.token)}</b> · every hypothesis starts here"
    lines = [f"<b>{token_text(node.token)}</b> · step {node.step} · {node.status}",
             f"prefix: {html.escape(prefix_text(tree, node.id, vocab))}",
             f"log p(token) = {nats(node.log_prob)}",
             f"cumulative log p = {nats(node.score)}",
             f"normalised (α={alpha:g}) = {nats(node.score / length_penalty(node.step, alpha))}"]
    n_cand = sum(1 for n in tree.at_step(node.step) if n.status != "forced")
    if node.status == "forced":
        lines.append("teacher-forced: you chose this token")
    else:
        lines.append(f"rank {node.rank + 1} of {n_cand} candidates at this step")
    if node.id in positions:
        lines.append(f"beam position {positions[node.id]} of {tree.beam_size}")
    if node.status == "pruned":
        gap = short.get(node.id)
        if gap is None:
            lines.append("pruned: nothing stayed in the beam at this step")
        elif node.token_id == EOS_ID and gap <= 0:
            lines.append(f"pruned: &lt;eos&gt; only finishes from the top {tree.beam_size}")
        else:
            lines.append(f"fell short of the beam by {nats(gap)} nats "
                         f"(lowest kept score {nats(node.score + gap)})")
    return "<br>".join(lines)


def _edges(tree: BeamTree, ids: Sequence[int], y: dict[int, float]) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for i in ids:
        node = tree.nodes[i]
        if node.parent is not None and node.id in y:
            parent = tree.nodes[node.parent]
            xs += [parent.step, node.step, None]
            ys += [y[parent.id], y[node.id], None]
    return xs, ys


def beam_tree_figure(tree: BeamTree, vocab: Vocab, *, alpha: float = 0.0,
                     upto: int | None = None,
                     best: Hypothesis | None = None, greedy: Hypothesis | None = None,
                     selected: int | None = None, label_px: int = LABEL_PX,
                     pruned: bool = True) -> go.Figure:
    """The search tree up to step ``upto`` (default: all of it); prefixes are spelled by
    ``vocab``, the model's target vocabulary. ``label_px`` above ``LABEL_PX`` (presenter
    mode) draws every label at that size, wrapped onto two lines when long
    (``node_label``), in a node grown to fit it (``node_px``); rows are as far apart as
    the nodes on them need (``row_tops``), so a few large ones do not stretch the tree.

    Pruned nodes are grey, finished ones green squares, forced ones purple diamonds; the
    ``best`` hypothesis' path is red, ``greedy``'s path an orange band under it, and a
    ring marks the node where they part. ``selected`` gets a black ring. ``pruned=False``
    leaves the pruned candidates out (about half the rows: for a projector).
    """
    last = tree.num_steps
    upto = last if upto is None else max(0, min(upto, last))
    rows = tree_layout(tree, pruned)
    sizes = {i: node_px(tree.nodes[i].token, label_px) for i in rows}
    tops = row_tops(tree, rows, sizes)
    y = {i: tops[int(row)] for i, row in rows.items()}  # y in pixels: the axis is 1 px a unit
    short, positions = tree.fell_short(), tree.beam_positions()
    shown = [n for n in tree.nodes if n.step <= upto and n.id in y]
    data: list[dict] = []
    for dash, color, name, pick in (("dot", "#d0d0d0", "pruned edge", {"pruned"}),
                                    ("solid", "#9a9a9a", "edge",
                                     {"kept", "finished", "forced"})):
        xs, ys = _edges(tree, [n.id for n in shown if n.status in pick], y)
        data.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "hoverinfo": "skip",
                     "showlegend": False, "name": name,
                     "line": {"color": color, "width": 1, "dash": dash}})
    g_path = tree.path_through(greedy.token_ids) if greedy is not None else []
    g_path = [i for i in g_path if i in y]  # where greedy was pruned: up to there
    b_path = _leaf_path(tree, best)
    for path, color, width, name in ((g_path, GREEDY_COLOR, 9, "greedy path"),
                                     (b_path, BEST_COLOR, 3, "best beam path")):
        if len(path) > 1:
            xs, ys = _edges(tree, [i for i in path[1:] if tree.nodes[i].step <= upto], y)
            data.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines",
                         "hoverinfo": "skip", "name": name,
                         "opacity": 0.6 if color == GREEDY_COLOR else 1.0,
                         "line": {"color": color, "width": width}})
    on_best = set(b_path)
    for status, (name, fill, outline, label, symbol) in STYLE.items():
        nodes = [n for n in shown if n.status == status]
        if not nodes:
            continue
        data.append({
            "type": "scatter", "x": [n.step for n in nodes], "y": [y[n.id] for n in nodes],
            "mode": "markers+text", "name": html.escape(name),
            "text": [node_label(n.token, label_px) for n in nodes],
            "textfont": {"size": [_label_size(n.token, label_px) for n in nodes],
                         "color": label},
            "textposition": "middle center", "customdata": [[n.id] for n in nodes],
            "cliponaxis": False,  # a large node on the first or last row is drawn whole
            "hoverinfo": "text",
            "hovertext": [node_hover(tree, n, alpha, short, positions, vocab) for n in nodes],
            "marker": {"size": [sizes[n.id] for n in nodes], "color": fill,
                       "symbol": symbol,
                       "line": {"width": [2.5 if n.id in on_best else 1 for n in nodes],
                                "color": [BEST_COLOR if n.id in on_best else outline
                                          for n in nodes]}}})
    data += _marks(tree, vocab, y, upto, best, greedy, g_path, b_path, selected)
    entries = (len({tree.nodes[i].status for i in rows})  # the whole tree's, at every step
               + sum(len(p) > 1 for p in (g_path, b_path))
               + len(_marks(tree, vocab, y, last, best, greedy, g_path, b_path, selected)))
    above, below = _y_margins(rows, sizes, tops, entries * LEGEND_EM
                              * max(LEGEND_FONT_PX, label_px) + 24)
    layout = {
        "shapes": [{"type": "rect", "xref": "x", "yref": "y domain", "x0": upto - 0.45,
                    "x1": upto + 0.45, "y0": 0, "y1": 1, "fillcolor": "#fff3bf",
                    "opacity": 0.5, "line": {"width": 0}, "layer": "below"}],  # this step
        "xaxis": {"range": [-0.6, last + 0.6], "tickmode": "array",
                  "tickvals": list(range(last + 1)), "title": {"text": "output step"},
                  "showgrid": False, "zeroline": False},
        "yaxis": {"range": [tops[-1] + below, -above], "visible": False},
        "height": round(tops[-1] + below + above + MARGIN_PX), "plot_bgcolor": "white",
        "hoverlabel": {"align": "left"}, "clickmode": "event+select",
        "margin": {"l": 10, "r": 10, "t": 8, "b": 50},  # plotly's tool bar overlays the top
        # the legend to the right, at the bottom: the tool bar shows at the top, and
        # under the tree it would cost the screen's height 70 px
        "legend": {"orientation": "v", "x": 1.01, "xanchor": "left", "y": 0,
                   "yanchor": "bottom"}}
    return unchecked_figure(data, layout)


def _y_margins(rows: dict[int, float], sizes: dict[int, float], tops: list[float],
               legend_px: float) -> tuple[float, float]:
    """Pixels of plot above row 0's centre and below the last row's: room for the
    largest node on each, and below as much more as the legend beside the plot needs
    (plotly scrolls a legend taller than its plot). ``rows``: node id -> layout row;
    ``sizes``: node id -> diameter in pixels; ``tops``: ``row_tops``."""
    above = max(sizes[i] for i, row in rows.items() if row == 0) / 2 + NODE_GAP_PX
    below = max(sizes[i] for i, row in rows.items() if tops[int(row)] == tops[-1]) / 2 + 6
    return above, below + max(0.0, legend_px - (tops[-1] + below + above))


def _label_size(token: str, label_px: int) -> int:
    """A node label's font size: the default shrinks tokens of 3+ characters by 2 px to
    stay near its 20 px node; a larger ``label_px`` is used as it is."""
    return label_px - 2 if label_px <= LABEL_PX and len(token) >= 3 else label_px


def _label_lines(token: str, label_px: int) -> list[str]:
    """A node label's lines, unescaped: one line by default; above ``LABEL_PX``
    (presenter mode) at most ``LINE_CHARS`` characters a line on at most two lines,
    split in the middle (a narrower node), a longer token cut with "…" (the hover keeps
    it whole)."""
    shown = html.unescape(token_text(token))
    if label_px <= LABEL_PX or len(shown) <= LINE_CHARS:
        return [shown]
    if len(shown) <= 2 * LINE_CHARS:
        half = (len(shown) + 1) // 2
        return [shown[:half], shown[half:]]
    return [shown[:LINE_CHARS], shown[LINE_CHARS:2 * LINE_CHARS - 1] + "…"]


def node_label(token: str, label_px: int = LABEL_PX) -> str:
    """A node's label as plotly text: escaped, lines joined by <br>.

    Example: node_label("▁station", 16) -> "␣sta<br>tion"; node_label("<eos>") -> "&lt;eos&gt;".
    """
    return "<br>".join(html.escape(line) for line in _label_lines(token, label_px))


def node_px(token: str, label_px: int = LABEL_PX) -> float:
    """A node's marker diameter in pixels: 20 at the default label size; above it
    (presenter mode), the diagonal of the label's box plus 4 px, so the label fits
    inside the circle: a character about 0.62 em wide, a line 1.25 em high.

    Example: node_px("7", 16) -> 26.3; node_px("<eos>", 16) -> 57.5.
    """
    if label_px <= LABEL_PX:
        return 20.0
    lines = _label_lines(token, label_px)
    width = 0.62 * label_px * max(len(line) for line in lines)
    height = 1.25 * label_px * len(lines)
    return round(max(20.0, math.hypot(width, height) + 4), 1)


def _marks(tree: BeamTree, vocab: Vocab, y: dict[int, float], upto: int,
           best: Hypothesis | None, greedy: Hypothesis | None, g_path: list[int],
           b_path: list[int], selected: int | None) -> list[dict]:
    """Rings (scatter traces): where greedy and beam part, where greedy leaves the tree,
    the selection."""
    rings = []
    if best is not None and greedy is not None and b_path:
        split = divergence_step(best, greedy)
        if split is not None and split < upto:
            node = tree.nodes[b_path[min(split, len(b_path) - 1)]]
            rings.append((node, "greedy and beam part here", GREEDY_COLOR, "circle-open", 34,
                          f"greedy takes '{token_text(_tok(greedy, split))}', "
                          f"beam takes '{token_text(_tok(best, split))}' next"))
        if greedy is not None and len(g_path) - 1 < len(greedy.token_ids):
            node = tree.nodes[g_path[-1]]
            if node.step < upto:
                rings.append((node, "greedy leaves the recorded tree", GREEDY_COLOR, "x-thin",
                              26, f"greedy goes on outside the beam: '{html.escape(greedy.text)}'"
                              f" (log p {nats(greedy.score)})"))
    if selected is not None and selected in y:
        node = tree.nodes[selected]
        if node.step <= upto:
            rings.append((node, "selected node", SELECTED_COLOR, "circle-open", 30,
                          f"selected: '{html.escape(prefix_text(tree, node.id, vocab))}'"))
    return [{"type": "scatter", "x": [node.step], "y": [y[node.id]], "mode": "markers",
             "name": name, "hoverinfo": "text", "hovertext": [hover], "cliponaxis": False,
             "marker": {"size": size, "symbol": symbol, "color": color,
                        "line": {"width": 3, "color": color}}}
            for node, name, color, symbol, size, hover in rings]


def _tok(hyp: Hypothesis, i: int) -> str:
    return hyp.tokens[i] if i < len(hyp.tokens) else "(end)"


def _leaf_path(tree: BeamTree, hyp: Hypothesis | None) -> list[int]:
    """Node ids root -> the hypothesis' leaf (empty when it has no leaf in this tree)."""
    if hyp is None or not 0 <= hyp.leaf_id < len(tree.nodes):
        return []
    return [n.id for n in tree.path(hyp.leaf_id)]


def strategies_table(rows: Sequence[tuple[str, Hypothesis]], alpha: float,
                     correct: Sequence[bool] | None = None) -> pd.DataFrame:
    """One row per (decoder name, output): text, model log-prob, normalised, length; with
    ``correct`` (one per row, decided by the core) a "matches reference" column."""
    out = [{"decoder": name, "text": h.text, "log-prob": h.score,
            "normalized score": h.score / length_penalty(len(h.token_ids), alpha),
            "length": len(h.token_ids), "finished": h.finished} for name, h in rows]
    return with_correct(pd.DataFrame(out, columns=["decoder", "text", "log-prob",
                                                   "normalized score", "length",
                                                   "finished"]), correct)
