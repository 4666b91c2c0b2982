"""An image source's attention: the strip as the model sees it, with one decoder step's
attention weights over its columns (the Attention view's step player picks the step).

The strip is drawn as a greyscale image (ink dark); the weights of step t show twice on
the same column axis: translucent orange bars standing on the strip (height = weight,
the tallest filling the strip) and a coloured band under it. The source's last position,
``<eos>``, has no pixels and gets its own column right of the strip. Attention over an
image's columns is the "show, attend and tell" idea (Xu et al. 2015) on a 1-D strip.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.charts.common import MARGIN, token_text

BAR_COLOR = "rgba(230, 120, 20, 0.45)"  # translucent: the digit stays readable under it
BAND_GAP = 1.5  # rows between the strip's bottom and the band's centre


def _title(tokens: Sequence[str], t: int) -> str:
    return f"step {t}: writing {token_text(tokens[t])!s}"


def step_weights(attention: np.ndarray, t: int) -> list[float]:
    """Step ``t``'s weights over the S source positions (W columns, then ``<eos>``): the
    row the overlay draws. Example: a (2, 3) matrix, t=1 -> its row 1 as floats."""
    return [float(v) for v in np.asarray(attention)[t]]


def _overlay(weights: Sequence[float], height: int) -> list[go.BaseTraceType]:
    """The bars (scaled so the largest weight of the step fills the strip) and the band."""
    x = list(range(len(weights)))
    top = max(max(weights), 1e-9)
    bars = go.Bar(x=x, y=[w / top * height for w in weights], base=-0.5,
                  marker={"color": BAR_COLOR, "line": {"width": 0}}, width=1.0,
                  customdata=list(weights), showlegend=False,
                  hovertemplate="column %{x}<br>weight %{customdata:.3f}<extra></extra>")
    band = go.Heatmap(z=[list(weights)], x=x, y=[-BAND_GAP - 0.5], zmin=0.0, zmax=1.0,
                      colorscale="Oranges", colorbar={"title": {"text": "weight"}, "len": 1.0,
                                                          "tickvals": [0, 0.5, 1]},
                      hovertemplate="column %{x}<br>weight %{z:.3f}<extra></extra>")
    return [bars, band]


def strip_attention(strip: np.ndarray, attention: np.ndarray, output_tokens: Sequence[str],
                    spans: Sequence[tuple[int, int]] | None = None,
                    step: int | None = None) -> go.Figure:
    """The strip with the attention weights of output step ``step`` (0..T-1, clamped;
    the last by default) over its columns, titled with the token that step wrote.

    Args:
        strip: (H, W) grey levels in [0, 1], ink 1 (``images.strip_image``).
        attention: (T, S) weights, S = W + 1 (the columns, then ``<eos>``).
        output_tokens: (T,) the tokens written at each step (the title names the one
            written at ``step``).
        spans: each digit's gold [start, end) columns, drawn as dashed boxes; None for an
            upload, where they are unknown.
        step: the decoder step whose weights are drawn.

    Trace 0 is the strip, trace 1 the bars, trace 2 the band.

    Raises:
        ValueError: if the shapes disagree (S != W + 1, or T != len(output_tokens)).
    """
    strip, attention = np.asarray(strip, dtype=float), np.asarray(attention, dtype=float)
    height, width = strip.shape
    steps = len(output_tokens)
    if attention.ndim != 2 or attention.shape != (steps, width + 1):
        raise ValueError(f"attention of shape {attention.shape} does not fit a strip of "
                         f"{width} columns (plus <eos>) and {steps} output steps")
    image = go.Heatmap(z=(1.0 - strip)[::-1].tolist(), x=list(range(width)),
                       y=list(range(height)), zmin=0.0, zmax=1.0, colorscale="Greys",
                       reversescale=True, showscale=False, hoverinfo="skip")
    t = steps - 1 if step is None else min(max(step, 0), steps - 1)
    fig = go.Figure([image, *_overlay(step_weights(attention, t), height)])
    for a, b in spans or ():
        fig.add_shape(type="rect", x0=a - 0.5, x1=b - 0.5, y0=-0.5, y1=height - 0.5,
                      line={"color": "#1f6feb", "width": 1, "dash": "dash"})
    ticks = list(range(0, width, max(1, width // 12))) + [width]
    fig.update_xaxes(range=[-0.5, width + 0.5], tickvals=ticks, title_text="column",
                     ticktext=[str(i) for i in ticks[:-1]] + ["&lt;eos&gt;"])
    fig.update_yaxes(range=[-BAND_GAP - 1.2, height - 0.5], showticklabels=False,
                     scaleanchor="x", scaleratio=1, showgrid=False, zeroline=False)
    fig.update_layout(title={"text": _title(output_tokens, t)}, bargap=0,
                      height=280, margin={**MARGIN, "b": 50, "t": 50})
    return fig
