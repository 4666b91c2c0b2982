"""Figures for a room and for slides: the presenter's larger text, and the camera
button's SVG export named after the view, model and input.

Both work on any finished figure, so every builder stays as it is and presenter mode
shows the same data (no second code path). Pure: no Streamlit here.
"""

from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go

MIN_PX = 16  # presenter mode: no chart text under this (the back of a room)
BASE_PX = 18  # presenter mode: the figure's default text size (plotly's own is 12)
NAME_CHARS = 60  # longest input part of an export's file name


def _at_least(size: Any, min_px: float) -> Any:
    """A plotly font size raised to ``min_px`` (a per-point list element-wise)."""
    if isinstance(size, (list, tuple)):
        return [_at_least(s, min_px) for s in size]
    return max(size, min_px) if isinstance(size, (int, float)) else size


def _raise_fonts(node: Any, min_px: float) -> None:
    """Raise every ``*font`` dict's explicit ``size`` under ``node`` in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                value["size"] = _at_least(value["size"], min_px)
            _raise_fonts(value, min_px)
    elif isinstance(node, list):
        for item in node:
            _raise_fonts(item, min_px)


def presenter_style(fig: go.Figure, min_px: float = MIN_PX,
                    base_px: float = BASE_PX) -> go.Figure:
    """A copy of ``fig`` whose every text is at least ``min_px`` pixels: explicit sizes
    (traces, frames, axes, annotations, sliders, buttons) are raised, the default text
    becomes ``base_px`` and hover labels ``min_px``; data, layout and frames are kept.

    Example: a heatmap with 11 px tick labels and a 13 px slider label -> 18 px ticks
    (they inherit the default), a 16 px slider label, 16 px hover text.
    """
    spec = fig.to_dict()
    _raise_fonts(spec, min_px)
    layout = spec.setdefault("layout", {})
    font = layout.setdefault("font", {})
    font["size"] = max(font.get("size", 0), base_px)
    hover = layout.setdefault("hoverlabel", {}).setdefault("font", {})
    hover["size"] = max(hover.get("size", 0), min_px)
    return go.Figure(spec)


def export_name(view: str, model: str, source: str = "") -> str:
    """A file name (no extension) for a figure: view, model and input, each reduced to
    letters, digits, '-' and '_'.

    Example: ("decode", "dates-attention", "March 3, 2021") ->
    "decode-dates-attention-March_3_2021".
    """
    parts = [view, model, source[:NAME_CHARS]]
    clean = [re.sub(r"[^\w-]+", "_", p).strip("_") for p in parts]
    return "-".join(p for p in clean if p) or "figure"


def figure_config(view: str, model: str, source: str = "") -> dict[str, Any]:
    """plotly ``config`` for ``st.plotly_chart``: the camera button saves an SVG (it
    scales for slides) named by ``export_name``; no plotly logo."""
    return {"toImageButtonOptions": {"format": "svg",
                                     "filename": export_name(view, model, source)},
            "displaylogo": False}
