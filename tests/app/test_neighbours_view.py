"""Nearest neighbours on the Hidden states view: the k training pairs whose final
encoder state (or decoder state at one output step) lies nearest the input's."""

from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest

import seq2seq_core as core
from seq2seq_core.inside import Neighbour
from ui import services
from ui.charts import neighbours as neighbour_charts

from test_app import MAIN


def hidden_states() -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    at.switch_page("views/hidden_states.py").run()
    assert not at.exception, at.exception
    return at


def test_the_neighbours_table_shows_the_nearest_training_pairs(pretrained):
    at = hidden_states()
    handle = services.models.resolve_model("shipped:dates-attention", [])
    data = services.decode.regenerated(handle, [])
    table = at.dataframe[-1].value
    assert list(table.columns) == ["rank", "training source", "its target", "distance"]
    assert len(table) == 5 and table["distance"].is_monotonic_increasing
    sample = {p.source: p.target for p in data.train_sample}
    assert all(sample[s] == t for s, t in zip(table["training source"], table["its target"]))
    # the same five by brute force over the same sample (traced with targets forced)
    pairs = [p for p in data.train_sample if not handle.tm.src_vocab.unknown_tokens(p.source)]
    traces = core.trace_batch(handle.tm, [p.source for p in pairs], [p.target for p in pairs])
    query = core.trace(handle.tm, at.text_input(key="states_a_input").value).context
    dist = np.linalg.norm(np.stack([t.context for t in traces]) - query, axis=1)
    nearest = np.argsort(dist, kind="stable")[:5]
    np.testing.assert_allclose(table["distance"], dist[nearest], rtol=1e-4)
    caption = [c.value for c in at.caption if "training pairs whose" in c.value]
    assert caption and f"{len(data.train_sample):,} of the model's {data.n_train:,} " \
                      "training pairs" in caption[0]


def test_neighbours_per_decoder_step_and_for_input_b(pretrained):
    at = hidden_states()
    at.number_input(key="neighbours_k").set_value(3).run()
    at.selectbox(key="neighbours_at").set_value(2).run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert len(table) == 3 and table["matched step"].notna().all()
    assert all(t.startswith(p) for t, p in zip(table["its target"], table["target so far"]))
    at.radio(key="neighbours_input").set_value(1).run()
    assert not at.exception and len(at.dataframe[-1].value) == 3


def test_the_neighbours_frame():
    frame = neighbour_charts.neighbours_frame([Neighbour("abc", "cba", 0.5)])
    assert frame.to_dict("records") == [{"rank": 1, "training source": "abc",
                                         "its target": "cba", "distance": 0.5}]
    frame = neighbour_charts.neighbours_frame([Neighbour("ab", "ba", 0.25, 1, "ba")])
    assert frame.to_dict("records")[0]["matched step"] == 2
    assert neighbour_charts.step_label(0, " ") == "decoder state after output 1: '␣'"


def test_an_image_strip_is_named_by_its_digits_not_its_pixel_encoding():
    import numpy as np

    from seq2seq_core import images
    strip = images.strip_to_text(np.zeros((12, 7), dtype=np.uint8))  # "img:..." 7 columns
    (row,) = neighbour_charts.neighbours_frame([Neighbour(strip, "42", 0.5)]).to_dict("records")
    assert row["training source"] == "strip of 42 (7 columns)"
    assert row["its target"] == "42"


def test_the_final_state_is_called_the_context_vector_only_for_a_fixed_context_model(pretrained):
    from ui import state
    at = hidden_states()  # dates-attention
    picker = at.selectbox(key=state.NEIGHBOURS_AT)
    assert picker.format_func(None) == "final encoder state"
    at.selectbox(key=state.MODEL).set_value("shipped:dates-fixed").run()
    assert not at.exception, at.exception
    picker = at.selectbox(key=state.NEIGHBOURS_AT)
    assert picker.format_func(None) == "final encoder state (the context vector c)"
