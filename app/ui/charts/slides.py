"""Figures for a room and for slides: the presenter's larger text, and the camera
button's SVG export named after the view, model and input.

Both work on any finished figure, so every builder stays as it is and presenter mode
shows the same data (no second code path). Pure: no Streamlit here.
"""

from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go

from ui.charts.common import unchecked_figure

MIN_PX = 16  # presenter mode: no chart text under this (the back of a room)
BASE_PX = 18  # presenter mode: the figure's default text size (plotly's own is 12)
NAME_CHARS = 60  # longest input part of an export's file name
SLIDER_X = 0.3  # presenter mode: an animation's slider starts here, right of its buttons
CONTROLS_DROP_PX = 30  # presenter mode: Play/Pause and sliders move down by this much
ROW_EXTRA_PX = 10  # presenter mode: each labelled heatmap row grows by this much


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


def _set_at_least(parent: dict, path: tuple[str, ...], size: float) -> None:
    """``parent[path...]["size"]`` raised to ``size``, creating the dicts on the way."""
    for key in path:
        parent = parent.setdefault(key, {})
    parent["size"] = max(parent.get("size", 0), size)


def _axis_fonts(layout: dict, size: float) -> None:
    """Tick and title fonts of every 2-D axis and 3-D scene axis, set explicitly: a
    theme's template (Streamlit's) sets them and would win over ``layout.font``."""
    for key, value in list(layout.items()):
        if re.fullmatch(r"[xy]axis\d*", key) and isinstance(value, dict):
            axes = [value]
        elif re.fullmatch(r"scene\d*", key) and isinstance(value, dict):
            axes = [value.setdefault(f"{a}axis", {}) for a in "xyz"]
        else:
            continue
        for axis in axes:
            _set_at_least(axis, ("tickfont",), size)
            _set_at_least(axis, ("title", "font"), size)


def presenter_style(fig: go.Figure, min_px: float = MIN_PX,
                    base_px: float = BASE_PX) -> go.Figure:
    """A copy of ``fig`` whose every text is at least ``min_px`` pixels: explicit sizes
    (traces, frames, axes, annotations, sliders, buttons) are raised; axis ticks and
    titles, legends, colour bars and the default text become ``base_px`` and hover
    labels ``min_px``, set explicitly so that a theme's template does not win; data,
    layout and frames are kept.

    Example: a heatmap with 11 px tick labels and a 13 px slider label -> 18 px ticks,
    a 16 px slider label, 16 px hover text.
    """
    spec = fig.to_dict()
    _raise_fonts(spec, min_px)
    layout = spec.setdefault("layout", {})
    _set_at_least(layout, ("font",), base_px)
    _set_at_least(layout, ("hoverlabel", "font"), min_px)
    _set_at_least(layout, ("legend", "font"), base_px)
    for axis in ("xaxis", "yaxis"):  # the default axes, absent from the dict when unset
        layout.setdefault(axis, {})
    if any(t.get("type") in ("scatter3d", "surface", "mesh3d") for t in spec.get("data", [])):
        layout.setdefault("scene", {})  # the default 3-D scene, likewise
    _axis_fonts(layout, base_px)
    for slider in layout.get("sliders", []):  # larger Play/Pause buttons sit to its left
        slider["x"] = max(slider.get("x", 0), SLIDER_X)
        slider["len"] = min(slider.get("len", 1), 1 - slider["x"])
    for control in [*layout.get("sliders", []), *layout.get("updatemenus", [])]:
        pad = control.setdefault("pad", {})  # below taller (rotated) tick labels
        pad["t"] = pad.get("t", 0) + CONTROLS_DROP_PX
    if layout.get("sliders") and "height" in layout:
        layout["height"] += CONTROLS_DROP_PX  # the plot keeps its size
    for trace in spec.get("data", []):
        if trace.get("type") in ("heatmap", "contour") or "colorbar" in trace:
            _set_at_least(trace, ("colorbar", "tickfont"), base_px)
            _set_at_least(trace, ("colorbar", "title", "font"), base_px)
        if trace.get("type") == "heatmap":
            _label_every_row(layout, trace)
    return unchecked_figure(spec.get("data", []), layout, spec.get("frames"))


def _label_every_row(layout: dict, trace: dict) -> None:
    """A heatmap whose rows are labelled (its y a list of names: output tokens) keeps a
    label on every row at the larger text: each row grows by ``ROW_EXTRA_PX`` and the
    axis is told to label every category (plotly would thin them: 0:F, 2:N, 4:M)."""
    rows = trace.get("y")
    if not isinstance(rows, (list, tuple)) or not all(isinstance(r, str) for r in rows):
        return
    axis = layout.setdefault("yaxis" + str(trace.get("yaxis", "y"))[1:], {})
    axis["tickmode"], axis["dtick"] = "linear", 1
    if "height" in layout:
        layout["height"] += ROW_EXTRA_PX * len(rows)


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
