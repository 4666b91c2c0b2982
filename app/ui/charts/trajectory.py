"""Pure builders for hidden-state trajectories and the training replay.

Points come already projected on one shared PCA basis (``seq2seq_core.inside.projection``), so
every panel and every replay frame is drawn on the same axes with fixed ranges. Points
are labelled ``i:token`` (HTML-escaped), joined in order, and the final state, the
fixed context vector, is marked with a star.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seq2seq_core.inside import PCABasis, ReplayFrame, StateSelection, Trace, project
from ui.charts.common import COLORS, animation_controls, thinned_ticks, token_labels
from ui.charts.label_place import label_positions

HEIGHT = 400  # px of the two panels: the inputs and the plot fit a 1280x720 screen
PLOT_WIDTH_PX, PLOT_HEIGHT_PX = 700, 260  # the panels' plot areas together, about
MARKER_PX, STAR_PX = 7, 15  # point and final-state marker diameters
LABEL_FONT_PX = 16  # point labels are placed for presenter mode's size (normal: 11)
REPLAY_HEIGHT = 450  # px of the replay with its Play button and slider: one screen too
REPLAY_AT_HEIGHT = 350  # px of one snapshot, under the view's player: on a 1280x720 screen


@dataclass(frozen=True)
class TrajectoryPanel:
    """One trajectory to draw.

    Attributes:
        title: panel title (plain text; escaped when drawn).
        points: (N, k) projected states, k >= 2 (3 for a 3-D plot).
        tokens: (N,) the token at each point.
        final: index of the final state to mark as the context vector, or None.
    """

    title: str
    points: np.ndarray
    tokens: tuple[str, ...]
    final: int | None = None


def axis_ranges(points: Sequence[np.ndarray], dims: int, pad: float = 0.08) -> list[list]:
    """[low, high] per axis covering every point, padded by ``pad`` of the span."""
    stacked = np.concatenate([np.asarray(p)[:, :dims] for p in points])
    low, high = stacked.min(axis=0), stacked.max(axis=0)
    margin = np.maximum((high - low) * pad, 1e-3)
    return [[float(a), float(b)] for a, b in zip(low - margin, high + margin)]


def _axis_title(i: int, explained: Sequence[float], short: bool = False) -> str:
    if i >= len(explained):
        return f"PC{i + 1}"
    return f"PC{i + 1} ({explained[i]:.0%})" if short else \
        f"PC{i + 1} ({explained[i]:.0%} of variance)"


def scene_labels(tokens: Sequence[str]) -> list[str]:
    """Labels for 3-D scenes, which draw text literally (``&lt;`` would show as is):
    angle brackets become ‹ › so no tag-like text reaches plotly.

    Example: ["a", "<eos>"] -> ["0:a", "1:‹eos›"].
    """
    return [label.replace("&lt;", "‹").replace("&gt;", "›").replace("&amp;", "&")
            .replace("&quot;", '"').replace("&#x27;", "'") for label in token_labels(tokens)]


def _text_positions(panel: TrajectoryPanel, ranges: Sequence[Sequence[float]],
                    plot_px: tuple[float, float], labels: Sequence[str]) -> list[str | None]:
    """Label positions of a 2-D panel that keep its labels apart and off its path line
    (``label_place``), for labels at presenter size (the larger of the two modes); None
    where a label cannot go without overprinting another (its point keeps the label in
    its hover)."""
    pts = np.asarray(panel.points)[:, :2]  # (N, 2)
    (x0, x1), (y0, y1) = ranges[0], ranges[1]
    xy = np.stack([(pts[:, 0] - x0) / (x1 - x0) * plot_px[0],
                   (pts[:, 1] - y0) / (y1 - y0) * plot_px[1]], axis=1)  # (N, 2) pixels
    star = []
    if panel.final is not None:
        fx, fy = xy[panel.final]
        star = [(fx - STAR_PX / 2, fy - STAR_PX / 2, fx + STAR_PX / 2, fy + STAR_PX / 2)]
    shown = [html.unescape(label) for label in labels]
    path = [(*a, *b) for a, b in zip(xy[:-1], xy[1:])]  # the line from point to point
    return label_positions(xy, shown, LABEL_FONT_PX, plot_px, MARKER_PX, star, drop=True,
                           lines=path)


def _panel_traces(panel: TrajectoryPanel, dims: int, color: str,
                  positions: Sequence[str | None] | None = None) -> list:
    pts = np.asarray(panel.points)
    labels = scene_labels(panel.tokens) if dims == 3 else token_labels(panel.tokens)
    common = {"text": labels, "hovertext": labels, "hoverinfo": "text", "showlegend": False}
    if dims == 3:
        path = go.Scatter3d(x=pts[:, 0], y=pts[:, 1], z=pts[:, 2], mode="lines+markers+text",
                            line={"color": color, "width": 4}, marker={"size": 3},
                            textfont={"size": 10}, **common)
    else:
        if positions:  # a label that would overprint another is left to the hover
            common["text"] = [lab if pos else "" for lab, pos in zip(labels, positions)]
        path = go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="lines+markers+text",
                          line={"color": color}, marker={"size": MARKER_PX},
                          textposition=([pos or "top center" for pos in positions]
                                        if positions else "top center"),
                          textfont={"size": 11, "shadow": "auto"},  # a halo over lines
                          **common)
    out = [path]
    if panel.final is not None:
        f = pts[panel.final]
        star = {"mode": "markers", "name": "final state = context c", "hoverinfo": "name",
                "marker": {"symbol": "diamond" if dims == 3 else "star", "size": 6 if dims == 3
                           else STAR_PX, "color": "#111"}, "showlegend": False}
        out.append(go.Scatter3d(x=[f[0]], y=[f[1]], z=[f[2]], **star) if dims == 3
                   else go.Scatter(x=[f[0]], y=[f[1]], **star))
    return out


def trajectory_figure(panels: Sequence[TrajectoryPanel], dims: int = 2,
                      explained: Sequence[float] = ()) -> go.Figure:
    """Panels side by side on identical axes (2-D, or 3-D scenes).

    Raises:
        ValueError: for ``dims`` other than 2 or 3, no panels, or too few coordinates.
    """
    if dims not in (2, 3) or not panels:
        raise ValueError("need at least one panel and dims 2 or 3")
    if any(np.asarray(p.points).shape[1] < dims for p in panels):
        raise ValueError(f"points need {dims} coordinates")
    n = len(panels)
    titles = [html.escape(p.title) for p in panels]
    specs = [[{"type": "scene"} if dims == 3 else {"type": "xy"}] * n]
    fig = make_subplots(rows=1, cols=n, subplot_titles=titles, specs=specs,
                        horizontal_spacing=0.06)
    ranges = axis_ranges([p.points for p in panels], dims)
    plot_px = (PLOT_WIDTH_PX / n, PLOT_HEIGHT_PX)  # nominal: at 1280 wide, sidebar open
    for col, panel in enumerate(panels, start=1):
        positions = None if dims == 3 else _text_positions(
            panel, ranges, plot_px, token_labels(panel.tokens))
        for tr in _panel_traces(panel, dims, COLORS[(col - 1) % len(COLORS)], positions):
            fig.add_trace(tr, row=1, col=col)
    if dims == 3:
        axes = {f"{a}axis": {"range": r, "title": {"text": _axis_title(i, explained, True)}}
                for i, (a, r) in enumerate(zip("xyz", ranges))}
        fig.update_scenes(aspectmode="cube", **axes)
    else:
        fig.update_xaxes(range=ranges[0], title_text=_axis_title(0, explained))
        fig.update_yaxes(range=ranges[1])  # one y title, left: between panels it overprints
        fig.update_yaxes(title_text=_axis_title(1, explained), row=1, col=1)
    fig.update_layout(height=HEIGHT, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig


def trajectory_panels(traces: Sequence[Trace], titles: Sequence[str], basis: PCABasis | None,
                      sel: StateSelection,
                      points: Sequence[np.ndarray] | None = None) -> list[TrajectoryPanel]:
    """One panel per trace: its selected states projected on ``basis`` (or the given
    ``points``, already projected), labelled with the source tokens (encoder) or output
    tokens (decoder); encoder panels mark the final state."""
    panels = []
    for i, (tr, title) in enumerate(zip(traces, titles)):
        tokens = tr.source_tokens if sel.part == "encoder" else tr.output_tokens
        final = tr.final_index(sel) if sel.part == "encoder" else None
        pts = points[i] if points is not None else project(basis, tr.states(sel))
        panels.append(TrajectoryPanel(title, pts, tokens, final))
    return panels


def _replay_left(frame: ReplayFrame) -> go.BaseTraceType:
    """Attention (T, S), or p(output token) per step; rows at numeric positions 0..T-1
    (a category axis would keep the first frame's categories while animating)."""
    tr = frame.trace
    rows = list(range(len(tr.output_tokens)))
    text = [[lab] * len(tr.source_tokens) for lab in token_labels(tr.output_tokens)]
    if tr.attention is not None:
        return go.Heatmap(z=tr.attention.tolist(), x=list(range(len(tr.source_tokens))),
                          y=rows, zmin=0.0, zmax=1.0, colorscale="Blues", showscale=False,
                          text=text, hovertemplate="output %{text}<br>source %{x}<br>"
                                                   "%{z:.3f}<extra></extra>")
    return go.Bar(x=np.exp(tr.log_probs).tolist(), y=rows, orientation="h",
                  marker={"color": COLORS[0]}, text=token_labels(tr.output_tokens),
                  hovertemplate="%{text}: p=%{x:.3f}<extra></extra>", textposition="none")


def _replay_title(frame: ReplayFrame) -> str:
    text = html.escape(frame.trace.output_text) or "(nothing)"
    return f"after {frame.step} steps: prediction <b>{text}</b>"


def _replay_layout(frame: ReplayFrame) -> dict:
    """Per-frame layout: the title with the prediction and the output-token row labels."""
    tokens = frame.trace.output_tokens
    tickvals, ticktext = thinned_ticks(token_labels(tokens))
    return {"title": {"text": _replay_title(frame)},
            "yaxis": {"tickvals": tickvals, "ticktext": ticktext,
                      "range": [len(tokens) - 0.5, -0.5]}}


def _replay_data(frame: ReplayFrame, sel: StateSelection) -> list:
    """One snapshot's traces: the left panel, then the trajectory (always two traces,
    so every frame of the animation replaces the same ones)."""
    panel = trajectory_panels([frame.trace], [""], None, sel, [frame.points])[0]
    traj = _panel_traces(panel, 2, COLORS[1])
    if len(traj) == 1:  # keep the trace count fixed across frames
        traj.append(go.Scatter(x=[], y=[], mode="markers", showlegend=False))
    return [_replay_left(frame)] + traj


def replay_at(frames: Sequence[ReplayFrame], sel: StateSelection,
              explained: Sequence[float] = (), at: int | None = None) -> go.Figure:
    """Attention (or output probabilities for a fixed-context model) and the probe's
    trajectory as snapshot ``at`` saw them (0 = the oldest; clamped; the newest by
    default), on axes fixed over every snapshot, so stepping through them moves only
    what training changed.

    Args:
        frames: the probe seen through each snapshot, oldest first.
        sel: the states the frames' points are; encoder trajectories get their final
            state (the context vector) marked.
        explained: explained-variance shares of the basis, for the axis titles.
        at: the snapshot drawn.

    Raises:
        ValueError: for no frames.
    """
    if not frames:
        raise ValueError("no snapshots to replay")
    k = len(frames) - 1 if at is None else min(max(at, 0), len(frames) - 1)
    attention = frames[-1].trace.attention is not None
    fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.12,
                        subplot_titles=("attention" if attention else "p(output token)",
                                        "trajectory (shared PCA axes)"))
    for tr, col in zip(_replay_data(frames[k], sel), (1, 2, 2)):
        fig.add_trace(tr, row=1, col=col)
    ranges = axis_ranges([f.points for f in frames], 2)
    fig.update_xaxes(range=ranges[0], title_text=_axis_title(0, explained), row=1, col=2)
    fig.update_yaxes(range=ranges[1], title_text=_axis_title(1, explained), row=1, col=2)
    fig.update_yaxes(automargin=False, row=1, col=1)  # labels change per frame: fixed room
    if attention:
        source = frames[-1].trace.source_tokens  # one probe: the same in every frame
        fig.update_xaxes(tickvals=list(range(len(source))), ticktext=token_labels(source),
                         tickangle=-60, range=[-0.5, len(source) - 0.5], row=1, col=1)
    else:
        fig.update_xaxes(range=[0, 1], row=1, col=1)
    fig.update_layout(**_replay_layout(frames[k]))
    fig.update_layout(height=REPLAY_AT_HEIGHT, showlegend=False,
                      margin={"l": 80, "r": 10, "t": 70, "b": 10})  # room for row labels
    return fig


def replay_figure(frames: Sequence[ReplayFrame], sel: StateSelection,
                  explained: Sequence[float] = ()) -> go.Figure:
    """``replay_at`` the newest snapshot with one frame per snapshot and Play and a
    slider over training steps that run with no server (the replay's HTML export).

    Raises:
        ValueError: for no frames.
    """
    fig = replay_at(frames, sel, explained)
    names = [str(f.step) for f in frames]
    fig.frames = [go.Frame(data=_replay_data(f, sel), name=name, layout=_replay_layout(f))
                  for f, name in zip(frames, names)]
    fig.update_layout(height=REPLAY_HEIGHT,
                      **animation_controls(names, [f"{s}" for s in names], len(frames) - 1,
                                           "training step ", frame_ms=700))
    return fig
