"""Figures built without plotly.py's property check (``charts.common.unchecked_figure``)
pass that check here, on every kind of model: the beam tree in each of its forms, and
presenter mode's restyling of the tree, the attention heatmap and the attention
animation (frames included). ``go.Figure(spec)`` raises ValueError on any property
plotly does not know or any value out of its range, and returns the spec as plotly would
have built it: the two must be equal (the Attention view's heatmap and alignment lines
at each row too). The tree's nodes of one step never overlap, in
either mode."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from ui.charts import attention as attention_charts
from ui.charts import beam as beam_charts
from ui.charts import decode as decode_charts
from ui.charts.common import unchecked_figure
from ui.charts.slides import presenter_style

from seq2seq_core import DecodeConfig, decode_text
from seq2seq_core.inside import trace
from tests.tree_geometry import assert_no_two_nodes_of_a_step_touch


def checked(fig: go.Figure) -> None:
    """Plotly's check of every property of ``fig``, and the same spec out of it."""
    spec = fig.to_dict()
    assert json.dumps(go.Figure(spec).to_dict(), sort_keys=True) == json.dumps(
        spec, sort_keys=True)


def searches(kind):
    text = kind.inputs[0]
    beam = decode_text(kind.tm, text, DecodeConfig(strategy="beam", beam_size=3, n_best=3,
                                                   max_len=kind.max_len, length_penalty=0.6))
    greedy = decode_text(kind.tm, text, DecodeConfig(strategy="greedy", max_len=kind.max_len))
    return text, greedy, beam


def test_beam_tree_passes_plotly_check(kind):
    _, greedy, beam = searches(kind)
    tree, vocab = beam.tree, kind.tm.tgt_vocab
    selected = tree.nodes[-1].id
    for upto in (None, 0, 1, tree.num_steps // 2):
        for extra in ({}, {"label_px": 16}, {"pruned": False}, {"selected": selected}):
            fig = beam_charts.beam_tree_figure(tree, vocab, alpha=0.6, upto=upto,
                                               best=beam.best, greedy=greedy.best, **extra)
            checked(fig)
            checked(presenter_style(fig))
            assert_no_two_nodes_of_a_step_touch(fig)


def test_presenter_style_passes_plotly_check(kind):
    text, greedy, _ = searches(kind)
    if kind.tm.model.has_attention:
        checked(presenter_style(decode_charts.attention_heatmap(greedy.best,
                                                                greedy.tree.source_tokens)))
    tr = trace(kind.tm, text, max_len=kind.max_len)
    animation = attention_charts.attention_animation(tr) if tr.attention is not None else None
    if animation is not None:
        assert animation.frames  # the frames are restyled and checked too
        checked(presenter_style(animation))
        last = len(tr.output_tokens) - 1
        for row in (0, last // 2, None):  # the view's, at each row the player draws
            for fig in (attention_charts.attention_upto(tr, row),
                        attention_charts.alignment_lines(tr, row)):
                checked(fig)
                checked(presenter_style(fig))


def test_the_check_catches_what_unchecked_figure_lets_through():
    """The check above fails on a value plotly does not take (a ``textposition`` it has
    no such name for), which ``unchecked_figure`` builds without a word."""
    fig = unchecked_figure([{"type": "scatter", "x": [0], "y": [0],
                             "textposition": "centre"}], {"height": 100})
    with pytest.raises(ValueError):
        checked(fig)
