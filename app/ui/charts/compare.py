"""Builders for the Compare view: two models' held-out figures by source length, what
each decoder reads for one input, where one is right and the other wrong; and two live
runs on shared axes.

Accuracy by source length is the analogue of Bahdanau et al. 2015, figure 2: a fixed
context vector has to carry the whole source, so its accuracy falls as sources grow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seq2seq_core import METRIC_LABELS, PERCENT_METRICS, EvalEvent, Figures, PairResult, Trace
from seq2seq_core.server import RunSnapshot
from ui.charts.common import COLORS, MARGIN, downsample_indices, token_labels
from ui.text import source_label

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
    fig.update_layout(height=320, legend={"orientation": "h", "y": -0.3, "yanchor": "top"},
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
        row = {"source": source_label(src, ref), "reference": ref or ""}
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


# -- two models' stored or live held-out figures --------------------------------------

MAX_BUCKETS = 10  # length buckets on the by-length chart


def bucket_width(lengths: Sequence[int], most: int = MAX_BUCKETS) -> int:
    """Lengths pooled per bucket so that at most ``most`` buckets show.

    Example: lengths 5..25 with most 10 -> 3 (21 lengths in 7 buckets)."""
    if not lengths:
        return 1
    return max(1, math.ceil((max(lengths) - min(lengths) + 1) / most))


def main_metric(metrics: Sequence[str]) -> str | None:
    """The task metric drawn beside exact match: the first that is not exact match under
    another name (g2p's word accuracy is). Example: ("word_accuracy",
    "phoneme_error_rate") -> "phoneme_error_rate"; () -> None."""
    return next((m for m in metrics if m not in ("exact_match", "word_accuracy")), None)


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric.replace("_", " "))


Pooled = tuple[str, int, float, dict[str, float]]  # (label, pairs, exact match, metrics)


def pooled_by_length(rows: Sequence[tuple[int, int, float, dict[str, float]]],
                     width: int) -> list[Pooled]:
    """Per-length rows (length, pairs, exact match, {metric: value}) pooled into buckets
    of ``width`` lengths starting at multiples of ``width``, each value the mean over its
    lengths weighted by pairs, labelled by the lengths present.

    Example: [(5, 2, 1.0, {"bleu": 50}), (6, 2, 0.5, {"bleu": 30})], width 5 ->
    [("5-6", 4, 0.75, {"bleu": 40.0})].
    """
    groups: dict[int, list] = {}
    for row in sorted(rows, key=lambda r: r[0]):
        groups.setdefault(row[0] // width, []).append(row)
    out = []
    for _, group in sorted(groups.items()):
        n = sum(r[1] for r in group)
        if not n:
            continue
        lo, hi = group[0][0], group[-1][0]
        names = {m for r in group for m in r[3]}
        metrics = {m: sum(r[1] * r[3][m] for r in group if m in r[3])
                   / sum(r[1] for r in group if m in r[3]) for m in sorted(names)}
        out.append((f"{lo}-{hi}" if hi > lo else f"{lo}", n,
                    sum(r[1] * r[2] for r in group) / n, metrics))
    return out


MIN_BUCKET_PAIRS = 10  # a bucket with fewer pairs joins its neighbour (no 0%/100% spikes)
# Open rings under filled dots: two models with equal figures both stay visible.
MARKERS = ({"symbol": "circle-open", "size": 11, "line": {"width": 2}}, {"size": 6})


def merge_sparse(buckets: Sequence[Pooled], least: int = MIN_BUCKET_PAIRS) -> list[Pooled]:
    """Buckets with fewer than ``least`` pairs merged into their neighbour (the one before,
    or after for the first), values re-weighted by pairs, labels spanning both.

    Example: [("1", 2, 1.0, {}), ("2-3", 30, 0.5, {})] -> [("1-3", 32, 0.53125, {})].
    """
    out = list(buckets)
    i = 0
    while len(out) > 1 and i < len(out):
        if out[i][1] >= least:
            i += 1
            continue
        j = i - 1 if i > 0 else i + 1
        lo, hi = sorted((i, j))
        a, b = out[lo], out[hi]
        n = a[1] + b[1]
        metrics = {m: (a[1] * a[3].get(m, b[3].get(m, 0.0))
                       + b[1] * b[3].get(m, a[3].get(m, 0.0))) / n
                   for m in sorted(set(a[3]) | set(b[3]))}
        label = f"{a[0].split('-')[0]}-{b[0].split('-')[-1]}"
        out[lo:hi + 1] = [(label, n, (a[1] * a[2] + b[1] * b[2]) / n, metrics)]
        i = 0
    return out


def figures_by_length(named: Sequence[tuple[str, Figures]], strategy: str = "greedy"
                      ) -> go.Figure:
    """Exact match by source length for every model on shared axes, and the task's main
    metric (``main_metric``) beside it where it has one; buckets are the same for all."""
    lengths = sorted({r[0] for _, f in named for r in f.by_length.get(strategy, ())})
    width = bucket_width(lengths)
    metric = main_metric(named[0][1].metrics) if named else None
    cols = 2 if metric else 1
    search = "greedy" if strategy == "greedy" else "beam search"
    titles = [f"held-out exact match by source length ({search})"] + (
        [f"{metric_label(metric)} ({search})"] if metric else [])
    fig = make_subplots(rows=1, cols=cols, subplot_titles=titles, horizontal_spacing=0.1)
    order = []
    for i, (name, figs) in enumerate(named):
        buckets = merge_sparse(pooled_by_length(figs.by_length.get(strategy, ()), width))
        order += [b[0] for b in buckets if b[0] not in order]
        color = COLORS[i % len(COLORS)]
        x, n = [b[0] for b in buckets], [b[1] for b in buckets]
        fig.add_trace(go.Scatter(
            x=x, y=[b[2] for b in buckets], mode="lines+markers", name=name, legendgroup=name,
            line={"color": color}, customdata=n, marker=MARKERS[i % len(MARKERS)],
            hovertemplate=f"{name}<br>length %{{x}}<br>exact match %{{y:.1%}}<br>"
                          "%{customdata} pairs<extra></extra>"), row=1, col=1)
        if metric:
            fig.add_trace(go.Scatter(
                x=x, y=[b[3].get(metric) for b in buckets], mode="lines+markers", name=name,
                legendgroup=name, showlegend=False, line={"color": color, "dash": "dot"},
                customdata=n, marker=MARKERS[i % len(MARKERS)],
                hovertemplate=f"{name}<br>length %{{x}}<br>"
                f"{metric_label(metric)} %{{y:.3g}}<br>%{{customdata}} pairs<extra></extra>"),
                row=1, col=2)
    order.sort(key=lambda label: int(label.split("-")[0]))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=order,
                     title_text="source length (tokens)")
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=1)
    if metric in PERCENT_METRICS:
        fig.update_yaxes(tickformat=".0%", rangemode="tozero", row=1, col=2)
    elif metric:
        fig.update_yaxes(rangemode="tozero", row=1, col=2)
    fig.update_layout(height=330, legend={"orientation": "h", "y": -0.28},
                      margin={**MARGIN, "t": 30})
    return fig


def overall_frame(named: Sequence[tuple[str, Figures]]) -> pd.DataFrame:
    """One row per model and search: exact match and the task's metrics over all pairs."""
    rows = []
    for name, figs in named:
        for strategy, values in figs.overall.items():
            row = {"model": name, "search": strategy, "pairs": figs.n}
            row.update({metric_label(k): v for k, v in values.items()})
            rows.append(row)
    return pd.DataFrame(rows)


def split_rows(a: Figures, b: Figures, strategy: str = "greedy"
               ) -> tuple[list[tuple[PairResult, PairResult]], list[tuple[PairResult,
                                                                          PairResult]]]:
    """The inputs both figures hold where exactly one model is right: (A right, B wrong)
    and (B right, A wrong) pairs of rows, longest source first."""
    theirs = b.by_source()
    ok = (lambda r: r.greedy_correct) if strategy == "greedy" else (lambda r: r.beam_correct)
    both = [(r, theirs[r.source]) for r in a.rows if r.source in theirs]
    a_only = [(x, y) for x, y in both if ok(x) and not ok(y)]
    b_only = [(x, y) for x, y in both if ok(y) and not ok(x)]
    for found in (a_only, b_only):
        found.sort(key=lambda xy: -xy[0].length)
    return a_only, b_only


def split_frame(pairs: Sequence[tuple[PairResult, PairResult]], names: tuple[str, str],
                strategy: str = "greedy") -> pd.DataFrame:
    """One row per input: source, reference, length and both models' outputs."""
    rows = [{"source": source_label(x.source, x.references[0] if x.references else None),
             "reference": x.references[0] if x.references else "",
             "length": x.length, names[0]: getattr(x, strategy),
             names[1]: getattr(y, strategy)} for x, y in pairs]
    return pd.DataFrame(rows, columns=["source", "reference", "length", *names])


def attention_of(tr: Trace, title: str) -> go.Figure:
    """The greedy decode's attention (T, S): output tokens down, source tokens across."""
    x, y = token_labels(tr.source_tokens), token_labels(tr.output_tokens)
    fig = go.Figure(go.Heatmap(
        z=np.asarray(tr.attention).tolist(), x=x, y=y, zmin=0.0, zmax=1.0,
        colorscale="Blues", colorbar={"title": {"text": "weight"}},
        hovertemplate="output %{y}<br>source %{x}<br>weight %{z:.3f}<extra></extra>"))
    fig.update_xaxes(type="category", title_text="source token",
                     tickangle=-60 if len(x) > 16 else 0)
    fig.update_yaxes(type="category", title_text="output token", autorange="reversed")
    fig.update_layout(title_text=title, height=max(300, min(18 * len(y), 700) + 140),
                      margin={**MARGIN, "t": 50})
    return fig


def context_strip(tr: Trace, title: str) -> go.Figure:
    """The fixed model's one context vector c (the encoder's final state): one row of
    its numbers, which the decoder reads at every output step."""
    c = np.asarray(tr.context, dtype=float)
    bound = float(np.abs(c).max()) or 1.0
    fig = go.Figure(go.Heatmap(
        z=[c.tolist()], x=list(range(len(c))), y=["c"], zmin=-bound, zmax=bound, zmid=0.0,
        colorscale="RdBu", colorbar={"title": {"text": "value"}, "len": 0.9},
        hovertemplate="unit %{x}<br>value %{z:.3f}<extra></extra>"))
    fig.update_xaxes(title_text=f"unit of c ({len(c)} numbers for {len(tr.source_tokens)} "
                                f"source tokens)")
    fig.update_yaxes(showticklabels=False)
    fig.update_layout(title_text=title, height=230, margin={**MARGIN, "t": 50})
    return fig
