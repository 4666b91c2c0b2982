"""Pure chart and table builders: core results in, plotly figures or DataFrames out.

Nothing here imports Streamlit, so every builder is unit-tested on hand-made data.
Token text is HTML-escaped in every plotly label (plotly would swallow ``<eos>``), and
axes are labelled by position (``"3:a"``) so repeated tokens stay separate rows.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seq2seq_core import EvalEvent, Hypothesis, SearchResult, StepEvent
from seq2seq_core.server.worker import RunSnapshot

MAX_POINTS = 500  # most points per live curve: keeps each poll cheap for the browser
SPACE = "\u2423"  # "␣": a visible stand-in for the space token


def token_labels(tokens: Sequence[str]) -> list[str]:
    """Unique, escaped axis labels.

    Example: ["a", " ", "a", "<eos>"] -> ["0:a", "1:␣", "2:a", "3:&lt;eos&gt;"].
    """
    return [f"{i}:{html.escape(SPACE if tok == ' ' else tok)}" for i, tok in enumerate(tokens)]


def thinned_ticks(labels: Sequence[str], max_ticks: int = 20) -> tuple[list[int], list[str]]:
    """(tickvals, ticktext) for labels at positions 0..n-1, keeping every k-th so that at
    most ``max_ticks`` show: a 50-token output would otherwise print overlapping labels.

    Example: 50 labels, max_ticks 20 -> positions 0, 3, 6, ..., 48 (k = 3).
    """
    k = max(1, -(-len(labels) // max_ticks))  # ceil(n / max_ticks)
    keep = list(range(0, len(labels), k))
    return keep, [labels[i] for i in keep]


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
    fig.update_xaxes(type="category", title_text="source token",  # long sources: slanted
                     tickangle=-60 if len(x) > 20 else 0)  # labels, else they overlap
    fig.update_yaxes(type="category", title_text="output token", autorange="reversed")
    fig.update_layout(height=max(260, 28 * len(y) + 120), margin={"l": 10, "r": 10, "t": 30,
                                                                 "b": 10})
    return fig


def hypothesis_options(greedy: SearchResult, beam: SearchResult) -> dict[str, Hypothesis]:
    """Every hypothesis by a picker id: "greedy", then "beam 1", "beam 2", ..."""
    options = {"greedy": greedy.best}
    options.update({f"beam {i + 1}": h for i, h in enumerate(beam.hypotheses)})
    return options


def nbest_frame(result: SearchResult) -> pd.DataFrame:
    """One row per hypothesis, best first: text, scores, length and whether it finished."""
    rows = [{"rank": i + 1, "text": h.text, "score": h.score,
             "normalized score": h.normalized_score, "length": len(h.tokens),
             "finished": h.finished} for i, h in enumerate(result.hypotheses)]
    return pd.DataFrame(rows, columns=["rank", "text", "score", "normalized score", "length",
                                       "finished"])


def downsample_indices(n: int, max_points: int = MAX_POINTS) -> list[int]:
    """At most ``max_points`` evenly spaced indices of range(n), always keeping the last.

    Example: downsample_indices(10, 4) -> [0, 3, 6, 9].
    """
    if n <= max_points:
        return list(range(n))
    if max_points < 2:
        return [n - 1]
    step = (n - 1) / (max_points - 1)
    return sorted({round(i * step) for i in range(max_points)})


def training_curves(history: Sequence[StepEvent]) -> go.Figure:
    """Loss (nats per token) and teacher-forced token accuracy per step, side by side."""
    points = [history[i] for i in downsample_indices(len(history))]
    steps = [e.step for e in points]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        "training loss (nats per token)", "token accuracy, teacher-forced"))
    fig.add_trace(go.Scatter(x=steps, y=[e.loss for e in points], mode="lines", name="loss"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=steps, y=[e.token_accuracy for e in points], mode="lines",
                             name="token accuracy"), row=1, col=2)
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(range=[0, 1.02], row=1, col=2)
    fig.update_layout(height=280, showlegend=False, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def heldout_curve(evals: Sequence[EvalEvent]) -> go.Figure:
    """Held-out exact match and token accuracy (greedy decoding) at each evaluation."""
    steps = [e.step for e in evals]
    fig = go.Figure([
        go.Scatter(x=steps, y=[e.exact_match for e in evals], mode="lines+markers",
                   name="exact match"),
        go.Scatter(x=steps, y=[e.token_accuracy for e in evals], mode="lines+markers",
                   name="token accuracy")])
    fig.update_layout(title_text="held-out (greedy)", height=280,
                      xaxis={"title": "step", "rangemode": "tozero"},
                      yaxis={"range": [0, 1.02], "tickformat": ".0%"},
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def samples_frame(event: EvalEvent) -> pd.DataFrame:
    """The evaluation's sample predictions: source, reference, prediction, correct."""
    rows = [{"source": s, "reference": r, "prediction": p, "correct": p == r}
            for s, r, p in event.samples]
    return pd.DataFrame(rows, columns=["source", "reference", "prediction", "correct"])


def runs_frame(runs: Sequence[tuple[str, RunSnapshot]]) -> pd.DataFrame:
    """One row per (run name, snapshot): status, progress and the last held-out score."""
    rows = [{"run": name, "status": snap.status, "step": f"{snap.step}/{snap.total_steps}",
             "held-out exact match": snap.evals[-1].exact_match if snap.evals else None,
             "seconds": round(snap.elapsed_s, 1)} for name, snap in runs]
    return pd.DataFrame(rows, columns=["run", "status", "step", "held-out exact match",
                                       "seconds"])
