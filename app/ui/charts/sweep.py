"""Builders for the beam-width sweep: search quality against beam width K (tested on
hand-made ``SweepRow`` data)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seq2seq_core.metrics import LABELS, PERCENT
from seq2seq_core.search.sweep import SweepRow


def sweep_frame(rows: Sequence[SweepRow]) -> pd.DataFrame:
    """The sweep as a table, one row per beam width, with readable column names; task
    metrics (BLEU, chrF, phoneme error rate) as further columns."""
    names = {"beam_size": "beam width", "n": "pairs", "exact_match": "exact match",
             "mean_log_prob": "mean log-prob", "mean_length": "mean length",
             "search_errors": "search errors", "model_errors": "model errors",
             "unknown": "unknown"}
    records = [{**{k: v for k, v in asdict(r).items() if k != "scores"},
                **{LABELS.get(k, k): v for k, v in r.scores.items()}} for r in rows]
    extra = [LABELS.get(k, k) for k in (rows[0].scores if rows else {})]
    return pd.DataFrame(records, columns=[*names, *extra]).rename(columns=names)


def percent_columns(rows: Sequence[SweepRow]) -> list[str]:
    """The columns of ``sweep_frame(rows)`` that hold 0-1 shares, to show as percentages
    like the chart: exact match and the task's share metrics (phoneme error rate...)."""
    scores = rows[0].scores if rows else {}
    return ["exact match", *(LABELS.get(k, k) for k in scores if k in PERCENT)]


def sweep_figure(rows: Sequence[SweepRow]) -> go.Figure:
    """Exact match, mean log-prob, mean length and error causes against beam width."""
    widths = [str(r.beam_size) for r in rows]
    bleu = bool(rows) and "bleu" in rows[0].scores  # tasks with BLEU get a fifth panel
    cols = 5 if bleu else 4
    fig = make_subplots(rows=1, cols=cols, horizontal_spacing=0.06 if bleu else 0.08,
                        subplot_titles=("exact match", "mean log-prob", "mean length (tokens)",
                                        "errors by cause", *(["BLEU"] if bleu else [])))
    lines = [(1, [r.exact_match for r in rows], ".1%"),
             (2, [r.mean_log_prob for r in rows], ".4f"),
             (3, [r.mean_length for r in rows], ".2f")]
    if bleu:
        lines.append((5, [r.scores["bleu"] for r in rows], ".1f"))
    for col, values, fmt in lines:
        fig.add_trace(go.Scatter(x=widths, y=values, mode="lines+markers", showlegend=False,
                                 line={"color": "#1f6feb"},
                                 hovertemplate=f"K=%{{x}}: %{{y:{fmt}}}<extra></extra>"),
                      row=1, col=col)
    for name, values, color in (("search errors", [r.search_errors for r in rows], "#d62728"),
                                ("model errors", [r.model_errors for r in rows], "#1f6feb"),
                                ("unknown", [r.unknown for r in rows], "#9a9a9a")):
        fig.add_trace(go.Bar(x=widths, y=values, name=name, marker_color=color,
                             hovertemplate=f"K=%{{x}}: %{{y}} {name}<extra></extra>"),
                      row=1, col=4)
    if not any(r.search_errors + r.model_errors + r.unknown for r in rows):
        fig.add_annotation(text="no wrong outputs", showarrow=False, row=1, col=4,
                           x=widths[len(widths) // 2], y=0.5, font={"color": "#6a6a6a"})
        fig.update_yaxes(range=[0, 1], row=1, col=4)
    fig.update_xaxes(type="category", title_text="beam width K")
    fig.update_yaxes(tickformat=".0%", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(rangemode="tozero", row=1, col=4)
    fig.update_layout(barmode="group", height=330, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      legend={"orientation": "h", "y": -0.3, "x": 0.75})
    return fig
