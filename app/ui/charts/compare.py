"""Builders for the Compare view: two runs on shared axes, accuracy by source length.

Accuracy by source length is the analogue of Bahdanau et al. 2015, figure 2: a fixed
context vector has to carry the whole source, so its accuracy falls as sources grow.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seq2seq_core import EvalEvent
from seq2seq_core.server import RunSnapshot
from ui.charts.common import COLORS, downsample_indices

Bucket = tuple[str, int, float]  # (label, pairs, exact match share)


def length_buckets(by_length: Sequence[tuple[int, int, float]], width: int = 5) -> list[Bucket]:
    """Pool per-length results into buckets of ``width`` lengths (weighted by pairs).

    Buckets start at multiples of ``width`` and are labelled by the lengths present.
    Example: [(5, 2, 1.0), (7, 2, 0.5), (12, 1, 0.0)] with width 5 ->
    [("5-7", 4, 0.75), ("12", 1, 0.0)].
    """
    groups: dict[int, list[tuple[int, int, float]]] = {}
    for length, n, em in sorted(by_length):
        groups.setdefault(length // width, []).append((length, n, em))
    out = []
    for _, rows in sorted(groups.items()):
        lo, hi = rows[0][0], rows[-1][0]
        n = sum(r[1] for r in rows)
        if n:
            out.append((f"{lo}-{hi}" if hi > lo else f"{lo}", n,
                        sum(r[1] * r[2] for r in rows) / n))
    return out


def accuracy_by_length(named: Sequence[tuple[str, EvalEvent]], width: int = 5) -> go.Figure:
    """Held-out exact match per source-length bucket, one line per run, shared axes."""
    fig = go.Figure()
    for i, (name, event) in enumerate(named):
        buckets = length_buckets(event.by_length, width)
        fig.add_trace(go.Scatter(
            x=[b[0] for b in buckets], y=[b[2] for b in buckets], mode="lines+markers",
            name=f"{name} (step {event.step})", line={"color": COLORS[i % len(COLORS)]},
            customdata=[b[1] for b in buckets],
            hovertemplate="length %{x}<br>exact match %{y:.1%}<br>%{customdata} pairs"
                          "<extra></extra>"))
    fig.update_layout(title_text="held-out exact match by source length (greedy)",
                      height=340, xaxis={"title": "source length (characters)",
                                         "type": "category"},
                      yaxis={"range": [0, 1.02], "tickformat": ".0%"},
                      legend={"orientation": "h", "y": -0.3},
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def compare_curves(named: Sequence[tuple[str, RunSnapshot]]) -> go.Figure:
    """Training loss and held-out exact match of every run, on shared axes."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        "training loss (nats per token)", "held-out exact match (greedy)"))
    for i, (name, snap) in enumerate(named):
        color = COLORS[i % len(COLORS)]
        points = [snap.history[j] for j in downsample_indices(len(snap.history))]
        fig.add_trace(go.Scatter(x=[e.step for e in points], y=[e.loss for e in points],
                                 mode="lines", name=name, legendgroup=name,
                                 line={"color": color}), row=1, col=1)
        fig.add_trace(go.Scatter(x=[e.step for e in snap.evals],
                                 y=[e.exact_match for e in snap.evals], mode="lines+markers",
                                 name=name, legendgroup=name, showlegend=False,
                                 line={"color": color}), row=1, col=2)
    fig.update_xaxes(title_text="step", rangemode="tozero")
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    fig.update_layout(height=320, legend={"orientation": "h", "y": -0.25},
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def alignment_frame(named: Sequence[tuple[str, RunSnapshot]]) -> pd.DataFrame:
    """Latest held-out figures per run: exact match, token accuracy, alignment score."""
    rows = []
    for name, snap in named:
        last = snap.evals[-1] if snap.evals else None
        rows.append({"run": name, "status": snap.status, "step": snap.step,
                     "exact match": None if last is None else last.exact_match,
                     "token accuracy": None if last is None else last.token_accuracy,
                     "alignment score": None if last is None else last.alignment_score})
    return pd.DataFrame(rows, columns=["run", "status", "step", "exact match",
                                       "token accuracy", "alignment score"])


Output = tuple[str, bool]  # (decoded text, whether the core judged it correct)


def greedy_beam_frame(sources: Sequence[str], references: Sequence[str | None],
                      outputs: dict[str, Sequence[tuple[Output, Output]]]) -> pd.DataFrame:
    """One row per source: its reference, then each model's greedy and beam output.

    ``outputs`` maps a model name to (greedy, beam) outputs per source; a correct one is
    marked with a check mark.
    """
    rows = []
    for i, (src, ref) in enumerate(zip(sources, references)):
        row = {"source": src, "reference": ref or ""}
        for name, pairs in outputs.items():
            for kind, (text, ok) in zip(("greedy", "beam"), pairs[i]):
                row[f"{name} {kind}"] = text + (" ✓" if ok else "")
        rows.append(row)
    return pd.DataFrame(rows)


def alignment_curve(evals: Sequence[EvalEvent]) -> go.Figure:
    """Held-out alignment score (and exact match) at each evaluation of one run."""
    scored = [e for e in evals if e.alignment_score is not None]
    fig = go.Figure([
        go.Scatter(x=[e.step for e in scored], y=[e.alignment_score for e in scored],
                   mode="lines+markers", name="alignment score"),
        go.Scatter(x=[e.step for e in evals], y=[e.exact_match for e in evals],
                   mode="lines+markers", name="exact match", line={"dash": "dot"})])
    fig.update_layout(title_text="held-out alignment score during training", height=280,
                      xaxis={"title": "step", "rangemode": "tozero"},
                      yaxis={"range": [0, 1.02]}, legend={"orientation": "h", "y": -0.3},
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig
