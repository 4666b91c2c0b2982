"""What every chart shares: token labels, tick thinning, downsampling, colours, and the
Play/Pause controls of plotly animations, and figures built from plain dicts.

Token text is HTML-escaped in every plotly label (plotly would swallow ``<eos>``), and
axes are labelled by position (``"3:a"``) so repeated tokens stay separate rows.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

MAX_POINTS = 500  # most points per live curve: keeps each poll cheap for the browser
SPACE = "\u2423"  # "␣": a visible stand-in for the space token
WORD_START = "\u2581"  # sentencepiece's word-start mark "▁", hard to see at chart sizes
COLORS = ("#1f6feb", "#d1495b", "#2a9d8f", "#e9c46a")  # one per run or panel, in order
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def token_text(token: str) -> str:
    """A token as plotly text: escaped, a space (or a subword piece's word-start mark
    "▁") as "␣", so every chart shows pieces alike.

    Example: "<eos>" -> "&lt;eos&gt;"; "▁chat" -> "␣chat"; "on" -> "on".
    """
    return html.escape(SPACE if token == " " else token.replace(WORD_START, SPACE))


def token_labels(tokens: Sequence[str]) -> list[str]:
    """Unique, escaped axis labels.

    Example: ["a", " ", "a", "<eos>"] -> ["0:a", "1:␣", "2:a", "3:&lt;eos&gt;"].
    """
    return [f"{i}:{token_text(tok)}" for i, tok in enumerate(tokens)]


def thinned_ticks(labels: Sequence[str], max_ticks: int = 20) -> tuple[list[int], list[str]]:
    """(tickvals, ticktext) for labels at positions 0..n-1, keeping every k-th so that at
    most ``max_ticks`` show: a 50-token output would otherwise print overlapping labels.

    Example: 50 labels, max_ticks 20 -> positions 0, 3, 6, ..., 48 (k = 3).
    """
    k = max(1, -(-len(labels) // max_ticks))  # ceil(n / max_ticks)
    keep = list(range(0, len(labels), k))
    return keep, [labels[i] for i in keep]


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


def with_correct(frame: pd.DataFrame, correct: Sequence[bool] | None) -> pd.DataFrame:
    """``frame`` with a "matches reference" column, one decision per row (the core's,
    see ``services.decode.correct``); unchanged when ``correct`` is None."""
    if correct is not None:
        frame["matches reference"] = list(correct)
    return frame


def animation_controls(names: Sequence[str], labels: Sequence[str], active: int,
                       prefix: str, redraw: bool = True,
                       frame_ms: int = 600) -> dict:
    """Layout entries (``updatemenus`` and ``sliders``) that play frames ``names``.

    Play runs every frame in order, Pause stops; the slider jumps to one frame and
    shows ``prefix`` + its label. Pass the result to ``fig.update_layout(**...)``.
    """
    anim = {"frame": {"duration": frame_ms, "redraw": redraw}, "mode": "immediate",
            "transition": {"duration": 0}, "fromcurrent": False}
    pause = {"frame": {"duration": 0, "redraw": redraw}, "mode": "immediate",
             "transition": {"duration": 0}}
    buttons = [{"label": "Play", "method": "animate", "args": [None, anim]},
               {"label": "Pause", "method": "animate", "args": [[None], pause]}]
    steps = [{"label": label, "method": "animate", "args": [[name], pause]}
             for name, label in zip(names, labels)]
    return {
        "updatemenus": [{"type": "buttons", "direction": "left", "showactive": False,
                         "x": 0.0, "y": -0.02, "xanchor": "left", "yanchor": "top",
                         "pad": {"t": 50, "r": 10}, "buttons": buttons}],
        "sliders": [{"active": active, "steps": steps, "x": 0.25, "len": 0.75,  # right of
                     # the buttons, also where the figure is only a column wide
                     "y": -0.02, "yanchor": "top", "pad": {"t": 40},
                     # the label at the slider's right end, clear of Play and Pause
                     "currentvalue": {"prefix": prefix, "font": {"size": 13},
                                      "xanchor": "right"}}],
    }


def unchecked_figure(data: list[dict], layout: dict,
                     frames: list[dict] | None = None) -> go.Figure:
    """A figure from plain trace, layout and frame dicts, without plotly.py's check of
    every property as it is set. The beam tree's redraw at each step spent 15-25 ms (of a
    200 ms budget) in that check, presenter mode's restyling another 7; Streamlit sends a
    ``go.Figure`` on as it is. The check still runs, in the tests, on every builder that
    calls this (tests/matrix/test_figure_specs_matrix.py, every kind of model).
    """
    spec = {"data": data, "layout": layout, **({"frames": frames} if frames else {})}
    return go.Figure(spec, _validate=False)
