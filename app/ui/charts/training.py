"""Builders for the Train view: live curves, the latest evaluation's samples, the runs."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seq2seq_core import EvalEvent, StepEvent
from seq2seq_core.metrics import LABELS, PERCENT
from seq2seq_core.server import RunSnapshot
from ui.charts.common import downsample_indices
from ui.text import source_label

CURVES_HEIGHT = 250  # px: the live curves and the sample predictions fit a 1280x720 screen


def training_curves(history: Sequence[StepEvent]) -> go.Figure:
    """Loss (nats per token) and teacher-forced token accuracy per step, side by side."""
    points = [history[i] for i in downsample_indices(len(history))]
    steps = [e.step for e in points]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        "training loss<br>(nats per token)", "token accuracy<br>(teacher-forced)"))  # half a
    # screen wide beside the sample predictions: two lines each
    fig.add_trace(go.Scatter(x=steps, y=[e.loss for e in points], mode="lines", name="loss"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=steps, y=[e.token_accuracy for e in points], mode="lines",
                             name="token accuracy"), row=1, col=2)
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(range=[0, 1.02], row=1, col=2)
    fig.update_layout(height=CURVES_HEIGHT, showlegend=False,
                      margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return fig


def heldout_curve(evals: Sequence[EvalEvent]) -> go.Figure:
    """Held-out exact match and token accuracy (greedy decoding) at each evaluation, the
    task's own shares (g2p: word accuracy, phoneme error rate) on the same axis, dashed,
    and its 0-100 scores (translation: BLEU and chrF) on a right-hand axis."""
    steps = [e.step for e in evals]
    fig = go.Figure([
        go.Scatter(x=steps, y=[e.exact_match for e in evals], mode="lines+markers",
                   name="exact match"),
        go.Scatter(x=steps, y=[e.token_accuracy for e in evals], mode="lines+markers",
                   name="token accuracy")])
    task_metrics = [k for k, _ in (evals[-1].scores if evals else ())]
    for key in (k for k in task_metrics if k in PERCENT and k != "exact_match"):
        fig.add_trace(go.Scatter(x=steps, y=[dict(e.scores).get(key) for e in evals],
                                 mode="lines+markers", name=LABELS.get(key, key),
                                 line={"dash": "dash"}))
    scores = [k for k in task_metrics if k not in PERCENT]
    for key in scores:  # e.g. bleu, chrf: sacrebleu's 0-100 corpus scores
        fig.add_trace(go.Scatter(x=steps, y=[dict(e.scores).get(key) for e in evals],
                                 mode="lines+markers", name=LABELS.get(key, key),
                                 yaxis="y2", line={"dash": "dot"}))
    fig.update_layout(title_text="held-out (greedy)", height=280,
                      xaxis={"title": "step", "rangemode": "tozero"},
                      yaxis={"range": [0, 1.02], "tickformat": ".0%"},
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    if scores:
        fig.update_layout(yaxis2={"range": [0, 100], "overlaying": "y", "side": "right",
                                  "title": " and ".join(LABELS.get(k, k) for k in scores)})
    return fig


def samples_frame(event: EvalEvent) -> pd.DataFrame:
    """The evaluation's sample predictions: source, reference, prediction, and whether it
    is correct (the evaluation's own decision, ``EvalEvent.samples_correct``, which
    accepts any of a source's references; None where the event carries no decision)."""
    correct = event.samples_correct or (None,) * len(event.samples)
    rows = [{"source": source_label(s, r), "reference": r, "prediction": p, "correct": ok}
            for (s, r, p), ok in zip(event.samples, correct)]
    return pd.DataFrame(rows, columns=["source", "reference", "prediction", "correct"])


def runs_frame(runs: Sequence[tuple[str, RunSnapshot]]) -> pd.DataFrame:
    """One row per (run name, snapshot): status, progress and the last held-out score."""
    rows = [{"run": name, "status": snap.status, "step": f"{snap.step}/{snap.total_steps}",
             "held-out exact match": snap.evals[-1].exact_match if snap.evals else None,
             "seconds": round(snap.elapsed_s, 1)} for name, snap in runs]
    return pd.DataFrame(rows, columns=["run", "status", "step", "held-out exact match",
                                       "seconds"])
