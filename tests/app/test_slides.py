"""Presenter text and slide export (app/ui/charts/slides.py) and the presenter beam tree's
node sizes, on figures whose fonts are set by hand (no Streamlit)."""

from __future__ import annotations

import plotly.graph_objects as go
from test_beam_charts import BEST, GREEDY, TREE, VOCAB

from tests.tree_geometry import assert_no_two_nodes_of_a_step_touch
from ui.charts import beam as bc
from ui.charts import slides
from ui.charts.common import animation_controls


def fonts(spec, path=""):
    """Every (path, size) of a ``*font`` dict with a size anywhere in ``spec``."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                yield f"{path}.{key}", value["size"]
            yield from fonts(value, f"{path}.{key}")
    elif isinstance(spec, list):
        for i, item in enumerate(spec):
            yield from fonts(item, f"{path}[{i}]")


def small_figure() -> go.Figure:
    """Explicit sizes under 16 px in a trace (per point), a frame, an annotation, an axis
    and an animation's slider label (13 px)."""
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="markers+text", text=["a", "b"],
                               textfont={"size": [9, 20]}),
                    frames=[go.Frame(data=[go.Scatter(textfont={"size": 10})], name="0")])
    fig.add_annotation(text="note", x=0, y=0, font={"size": 8})
    fig.update_xaxes(tickfont={"size": 11})
    fig.update_layout(**animation_controls(["0"], ["step 0"], 0, "step "))
    return fig


def test_presenter_style_raises_every_size_under_16_px_and_keeps_the_rest():
    fig = small_figure()
    before = dict(fonts(fig.to_dict()))
    assert min(s for v in before.values() for s in (v if isinstance(v, list) else [v])) < 16
    styled = slides.presenter_style(fig).to_dict()
    after = dict(fonts(styled))
    assert after.keys() >= before.keys()
    for path, size in after.items():
        sizes = size if isinstance(size, list) else [size]
        assert min(sizes) >= slides.MIN_PX, (path, size)
    assert after[".data[0].textfont"] == [16, 20]  # 20 px stays 20
    assert styled["layout"]["font"]["size"] == slides.BASE_PX  # what the ticks inherit
    assert styled["layout"]["hoverlabel"]["font"]["size"] == slides.MIN_PX
    # set on each axis, not only inherited: a theme's template (Streamlit's) sets ticks
    assert styled["layout"]["xaxis"]["tickfont"]["size"] == slides.BASE_PX  # was 11
    assert styled["layout"]["yaxis"]["tickfont"]["size"] == slides.BASE_PX  # was unset
    # the same data and frames: a larger figure, not another one
    assert styled["data"][0]["x"] == [0, 1] and styled["data"][0]["text"] == ["a", "b"]
    assert [f["name"] for f in styled["frames"]] == ["0"]
    slider = styled["layout"]["sliders"][0]  # moved right of the larger Play/Pause buttons
    assert slider["x"] == slides.SLIDER_X and slider["x"] + slider["len"] <= 1
    before_pad = fig.to_dict()["layout"]["updatemenus"][0]["pad"]["t"]
    assert styled["layout"]["updatemenus"][0]["pad"]["t"] == before_pad + \
        slides.CONTROLS_DROP_PX  # below the larger tick labels
    assert dict(fonts(fig.to_dict())) == before  # the original is left alone


def test_presenter_style_sets_3d_axes_and_colour_bars():
    fig = go.Figure([go.Scatter3d(x=[0], y=[0], z=[0]), go.Heatmap(z=[[0, 1]])])
    styled = slides.presenter_style(fig).to_dict()
    for axis in "xyz":
        assert styled["layout"]["scene"][f"{axis}axis"]["tickfont"]["size"] == slides.BASE_PX
    assert styled["data"][1]["colorbar"]["tickfont"]["size"] == slides.BASE_PX


def test_presenter_style_keeps_larger_sizes():
    fig = go.Figure(go.Scatter(x=[0], y=[0]))
    fig.update_layout(font={"size": 24}, hoverlabel={"font": {"size": 20}})
    styled = slides.presenter_style(fig).to_dict()["layout"]
    assert styled["font"]["size"] == 24 and styled["hoverlabel"]["font"]["size"] == 20


def test_presenter_heatmaps_label_every_row_and_grow_per_row():
    rows = [f"{i}:x" for i in range(8)]
    fig = go.Figure(go.Heatmap(z=[[0.5, 0.5]] * 8, x=["0:a", "1:b"], y=rows))
    fig.update_layout(height=400)
    styled = slides.presenter_style(fig).to_dict()["layout"]
    assert styled["yaxis"]["tickmode"] == "linear" and styled["yaxis"]["dtick"] == 1
    assert styled["height"] == 400 + 8 * slides.ROW_EXTRA_PX
    numeric = go.Figure(go.Heatmap(z=[[0, 1]], y=[0]))  # unnamed rows: left as they are
    numeric.update_layout(height=300)
    kept = slides.presenter_style(numeric).to_dict()["layout"]
    assert kept["height"] == 300 and "dtick" not in kept["yaxis"]


def test_export_names_carry_view_model_and_input():
    assert slides.export_name("decode", "dates-attention", "March 3, 2021") == \
        "decode-dates-attention-March_3_2021"
    assert slides.export_name("beam", "run 2: reverse", "") == "beam-run_2_reverse"
    assert slides.export_name("attention", "m", "24 décembre 1998") == \
        "attention-m-24_décembre_1998"  # letters stay letters
    assert slides.export_name("hidden", "m", "a/../../b<script>") == "hidden-m-a_b_script"
    assert len(slides.export_name("v", "m", "x" * 500)) == len("v-m-") + slides.NAME_CHARS
    config = slides.figure_config("decode", "dates-attention", "March 3, 2021")
    assert config["toImageButtonOptions"] == {
        "format": "svg", "filename": "decode-dates-attention-March_3_2021"}


def test_presenter_beam_tree_nodes_fit_their_labels_and_rows_fit_the_nodes():
    normal = bc.beam_tree_figure(TREE, VOCAB, best=BEST, greedy=GREEDY)
    big = bc.beam_tree_figure(TREE, VOCAB, best=BEST, greedy=GREEDY, label_px=16)
    nodes = [t for t in big.data if t.mode == "markers+text"]
    for trace in nodes:
        for label, font, size in zip(trace.text, trace.textfont.size, trace.marker.size):
            assert font == 16
            lines = label.replace("&lt;", "<").replace("&gt;", ">").split("<br>")
            box = (0.6 * 16 * max(map(len, lines)), 1.2 * 16 * len(lines))  # about 0.6 em a char
            assert size >= (box[0] ** 2 + box[1] ** 2) ** 0.5, (label, size)  # inside the circle
    assert_no_two_nodes_of_a_step_touch(big)
    assert_no_two_nodes_of_a_step_touch(normal)
    assert big.layout.height > normal.layout.height
    # the default is the tree as it was: 20 px nodes, 11 px labels (9 px for 3+ chars)
    for trace in (t for t in normal.data if t.mode == "markers+text"):
        assert set(trace.marker.size) == {20.0}
        assert set(trace.textfont.size) <= {9, 11}
    # a long subword piece wraps onto two lines split in the middle, cut with "…" after 9
    assert bc.node_label("▁something", 16) == "␣some<br>thing"
    assert bc.node_label("▁inter", 16) == "␣in<br>ter"
    assert bc.node_label("▁station", 16) == "␣sta<br>tion"
    assert bc.node_label("▁internationally", 16) == "␣inte<br>rnat…"
    assert bc.node_label("▁something") == "␣something"  # the default does not wrap
    assert bc.node_px("▁something", 16) > bc.node_px("<eos>", 16) > bc.node_px("7", 16)
