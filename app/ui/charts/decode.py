"""Builders for the Decode view: the attention heatmap of a hypothesis and the n-best
table (also the Beam search view's)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from seq2seq_core import Hypothesis, SearchResult
from ui.charts.common import token_labels, with_correct

HEATMAP_TICK_CHARS = 30  # source-label characters that fit across the heatmap unslanted


def attention_heatmap(hyp: Hypothesis, source_tokens: Sequence[str]) -> go.Figure:
    """Heatmap of ``hyp.attention`` (T, S): output tokens down, source tokens across.

    Raises:
        ValueError: if the hypothesis carries no attention (fixed-context decoder).
    """
    if hyp.attention is None:
        raise ValueError("this hypothesis has no attention weights (fixed-context decoder)")
    x, y = token_labels(source_tokens), token_labels(hyp.tokens)
    fig = go.Figure(go.Heatmap(
        z=[list(row) for row in hyp.attention], x=x, y=y, zmin=0.0, zmax=1.0,
        colorscale="Blues", colorbar={"title": {"text": "weight"}},
        hovertemplate="output %{y}<br>source %{x}<br>weight %{z:.3f}<extra></extra>"))
    # Slanted labels once they would not fit side by side (at presenter mode's 16 px,
    # about 30 characters fit the column the heatmap has at 1280 wide: 39 overlapped)
    chars = sum(len(html.unescape(label)) for label in x)
    fig.update_xaxes(type="category", title_text="source token",
                     tickangle=-60 if len(x) > 20 or chars > HEATMAP_TICK_CHARS else 0)
    fig.update_yaxes(type="category", title_text="output token", autorange="reversed")
    fig.update_layout(height=max(260, 28 * len(y) + 120), margin={"l": 10, "r": 10, "t": 30,
                                                                 "b": 10})
    return fig


def hypothesis_options(greedy: SearchResult, beam: SearchResult) -> dict[str, Hypothesis]:
    """Every hypothesis by a picker id: "greedy", then "beam 1", "beam 2", ..."""
    options = {"greedy": greedy.best}
    options.update({f"beam {i + 1}": h for i, h in enumerate(beam.hypotheses)})
    return options


def nbest_table(result: SearchResult, correct: Sequence[bool] | None = None) -> pd.DataFrame:
    """One row per hypothesis, best first: text, scores, length and whether it finished;
    with ``correct`` (one per hypothesis, decided by the core) a "matches reference"
    column."""
    rows = [{"rank": i + 1, "text": h.text, "score": h.score,
             "normalized score": h.normalized_score, "length": len(h.tokens),
             "finished": h.finished} for i, h in enumerate(result.hypotheses)]
    return with_correct(pd.DataFrame(rows, columns=["rank", "text", "score",
                                                    "normalized score", "length",
                                                    "finished"]), correct)
