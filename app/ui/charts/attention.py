"""Builders for the Attention view: the heatmap and the alignment lines up to a row,
context rows.

Traces in, plotly figures out (each unit-tested on a hand-made ``Trace``). The view plays
the rows of the heatmap and of the alignment lines with its own step player (the row is
in the link); the heatmap's HTML export is a plotly animation, one frame per decoder
step with Play/Pause buttons and a step slider that run in the browser without a
server. Token text is HTML-escaped and labelled by position (``token_labels``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly import colors

from seq2seq_core.inside import Trace
from ui.charts.common import MARGIN, animation_controls, token_labels, unchecked_figure

LINE_BINS = 10  # attention weights are drawn in 10 width classes (0-0.1, ..., 0.9-1)
MIN_LINE_WEIGHT = 0.05  # lighter links are left out of the alignment view
BLUES = colors.get_colorscale("Blues")  # as plotly's check spells it out
UPRIGHT_TICKS = 10  # alignment lines: more tokens than this on an axis are slanted


def _step_labels(tokens: Sequence[str]) -> list[str]:
    """The slider's label of each step: the heatmap row's own label ("2:a", counted from
    0 like the rows), so "output token 2:a" on the slider is row 2:a."""
    return token_labels(tokens)


def _rows_up_to(matrix: np.ndarray, k: int) -> list[list[float | None]]:
    """Rows before ``k`` as they are, later rows empty (None draws nothing)."""
    return [[float(v) for v in row] if t < k else [None] * len(row)
            for t, row in enumerate(matrix)]


def _rows_drawn(row: int | None, steps: int) -> int:
    """How many rows "up to row ``row``" draws (0..T-1, clamped; every row for None).
    Example: _rows_drawn(2, 5) -> 3; _rows_drawn(9, 5) -> 5; _rows_drawn(None, 5) -> 5."""
    return steps if row is None else min(max(row + 1, 1), steps)


def attention_upto(tr: Trace, row: int | None = None) -> go.Figure:
    """Heatmap (T, S) of the attention weights drawn up to row ``row`` (0..T-1, as the
    row labels count; clamped), later rows empty; fully drawn by default. Row t is where
    the decoder looked while writing output token t (Bahdanau et al. 2015).

    Raises:
        ValueError: if the trace has no attention (fixed-context decoder).
    """
    if tr.attention is None:
        raise ValueError("this model has no attention (fixed-context decoder)")
    x, y = token_labels(tr.source_tokens), token_labels(tr.output_tokens)
    steps = len(y)
    shown = _rows_drawn(row, steps)
    heatmap = {"type": "heatmap", "z": _rows_up_to(tr.attention, shown), "x": x, "y": y,
               "zmin": 0.0, "zmax": 1.0, "colorscale": BLUES,
               "colorbar": {"title": {"text": "weight"}},
               "hovertemplate": "output %{y}<br>source %{x}<br>weight %{z:.3f}<extra></extra>"}
    return unchecked_figure([heatmap], {  # redrawn at each row: see unchecked_figure
        "xaxis": {"type": "category", "title": {"text": "source token"}, "tickangle": -60,
                  "side": "top"},
        "yaxis": {"type": "category", "title": {"text": "output token"},
                  "autorange": "reversed"},
        "height": max(300, 26 * steps + 140), "margin": {**MARGIN, "r": 50}})


def attention_animation(tr: Trace) -> go.Figure:
    """The whole ``attention_upto`` heatmap with one frame per decoder step that fills in
    one more row, Play/Pause and a row slider that run without a server (the Attention
    view's HTML export).

    Raises:
        ValueError: if the trace has no attention (fixed-context decoder).
    """
    fig = attention_upto(tr)
    steps = len(tr.output_tokens)
    names = [str(k) for k in range(1, steps + 1)]
    fig.frames = [go.Frame(data=[go.Heatmap(z=_rows_up_to(tr.attention, k))], name=name)
                  for k, name in zip(range(1, steps + 1), names)]
    fig.update_layout(height=max(360, 26 * steps + 230), margin={**MARGIN, "b": 90, "r": 50},
                      **animation_controls(names, _step_labels(tr.output_tokens),
                                           steps - 1, "row "))  # short: clear of Pause
    return fig


def _line_bins(attention: np.ndarray, k: int, x_src: np.ndarray,
               x_out: np.ndarray) -> list[tuple[list, list]]:
    """Line segments (x, y lists with None breaks) per width class, outputs before k."""
    bins: list[tuple[list, list]] = [([], []) for _ in range(LINE_BINS)]
    for t in range(k):
        for j, w in enumerate(attention[t]):
            if w >= MIN_LINE_WEIGHT:
                xs, ys = bins[min(int(w * LINE_BINS), LINE_BINS - 1)]
                xs += [float(x_src[j]), float(x_out[t]), None]
                ys += [1.0, 0.0, None]
    return bins


def line_width(bin_index: int) -> float:
    """Pixel width of a width class: proportional to its mean weight (0.05 -> 0.5 px,
    0.95 -> 9.5 px)."""
    return (bin_index + 0.5) * 10.0 / LINE_BINS


def alignment_lines(tr: Trace, row: int | None = None) -> go.Figure:
    """Source tokens on top, output tokens below, a line per link whose width is the
    attention weight (weights under ``MIN_LINE_WEIGHT`` left out), for the outputs up to
    row ``row`` (0..T-1, as ``attention_upto`` counts; clamped); every output's by
    default. The output axis keeps every token, so the picture does not move as the
    rows fill in.

    Raises:
        ValueError: if the trace has no attention.
    """
    if tr.attention is None:
        raise ValueError("this model has no attention (fixed-context decoder)")
    n_src, n_out = len(tr.source_tokens), len(tr.output_tokens)
    shown = _rows_drawn(row, n_out)
    x_src = np.arange(n_src, dtype=float)
    x_out = np.linspace(0, n_src - 1, n_out) if n_out > 1 else np.array([(n_src - 1) / 2])
    lines = [{"type": "scatter", "x": xs, "y": ys, "mode": "lines", "hoverinfo": "skip",
              "showlegend": False,
              "line": {"width": line_width(b), "color": "rgba(31,111,235,0.75)"}}
             for b, (xs, ys) in enumerate(_line_bins(tr.attention, shown, x_src, x_out))]
    marks = [{"type": "scatter", "x": x_src.tolist(), "y": [1.0] * n_src, "mode": "markers",
              "xaxis": "x2", "marker": {"color": "#333", "size": 7}, "showlegend": False,
              "hovertext": token_labels(tr.source_tokens), "hoverinfo": "text"},
             {"type": "scatter", "x": x_out.tolist(), "y": [0.0] * n_out, "mode": "markers",
              "showlegend": False, "marker": {"color": "#d1495b", "size": 7},
              "hovertext": token_labels(tr.output_tokens), "hoverinfo": "text"}]
    pad = [-0.6, n_src - 0.4]
    return unchecked_figure(lines + marks, {  # redrawn at each row: see unchecked_figure
        "height": 360, "margin": {**MARGIN, "t": 70, "b": 90, "r": 50},
        "plot_bgcolor": "white",
        "xaxis": {"tickvals": x_out.tolist(), "ticktext": token_labels(tr.output_tokens),
                  "range": pad, "title": {"text": "output token"}, "showgrid": False,
                  "tickangle": -60 if n_out > UPRIGHT_TICKS else 0},
        "xaxis2": {"tickvals": x_src.tolist(), "ticktext": token_labels(tr.source_tokens),
                   "range": pad, "overlaying": "x", "side": "top", "showgrid": False,
                   "tickangle": -60 if n_src > UPRIGHT_TICKS else 0},
        "yaxis": {"range": [-0.1, 1.1], "visible": False}})


def context_spread(tr: Trace) -> float:
    """Largest difference between any step's context vector and the first step's
    (0 when every step reads the same c); 0 for a decoder that reads no context."""
    if tr.step_contexts is None:
        return 0.0
    return float(np.abs(tr.step_contexts - tr.step_contexts[0]).max())


def context_rows(tr: Trace) -> go.Figure:
    """The context vector each decoder step reads, one row per step (hidden units across).

    A fixed-context (Cho) decoder shows one vector c repeated on every row; attention
    shows a different c_t per row. Sutskever's decoder reads no context at its steps:
    the single row is c, which only sets the decoder's initial state s_0.
    """
    if tr.step_contexts is None:
        z, y = tr.context[None, :], ["c → s_0 only"]
    else:
        z, y = tr.step_contexts, token_labels(tr.output_tokens)
    bound = float(np.abs(z).max()) or 1.0
    fig = go.Figure(go.Heatmap(
        z=z.tolist(), y=y, zmin=-bound, zmax=bound, colorscale="RdBu", zmid=0.0,
        colorbar={"title": {"text": "value"}},
        hovertemplate="step %{y}<br>unit %{x}<br>%{z:.3f}<extra></extra>"))
    fig.update_xaxes(title_text="context vector unit")
    fig.update_yaxes(type="category", title_text="decoder step (output token)",
                     autorange="reversed")
    fig.update_layout(height=max(220, 24 * len(y) + 110), margin=MARGIN)
    return fig
