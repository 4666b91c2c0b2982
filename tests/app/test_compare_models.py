"""Compare with nothing to train, and the telling examples.

Compare opens on the chosen task's shipped fixed/attention pair and draws its stored
held-out figures, one input through both decoders, greedy vs beam and the inputs where
only one model is right, without starting a run; a trained run or an uploaded checkpoint
compares the same way (decoded live on a sample). Telling-example buttons fill the input
on Decode, Beam search and Compare; a model without examples of a kind points to one
that has them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import seq2seq_core as core
from ui import services
from ui.charts import compare as compare_charts
from ui.widgets import examples as example_widgets

from tests.shown_outputs import output_texts

from test_app import fill_tiny_form
from test_uploads import upload

ROOT = Path(__file__).resolve().parents[2]
ZOO = ROOT / "pretrained"
MAIN = str(ROOT / "app" / "main.py")
PAIRS = {"dates": "dates", "reverse": "reverse", "g2p": "g2p",
         "translation": "translation-en-fr"}  # task -> shipped name prefix
SECONDS = {}  # task -> seconds AppTest took to draw Compare (printed by the last test)


@pytest.fixture
def zoo(monkeypatch) -> Path:
    """The app reads the real shipped models (every pair with its stored figures)."""
    for prefix in PAIRS.values():
        for kind in ("fixed", "attention"):
            assert (ZOO / f"{prefix}-{kind}" / "heldout.json").is_file(), (prefix, kind)
    monkeypatch.setenv(services.models.PRETRAINED_ENV, str(ZOO))
    return ZOO


def charts_of(at: AppTest) -> dict[str, dict]:
    return {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def by_key(at: AppTest, key: str) -> dict:
    (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if c.proto.id.endswith(key) or key in c.proto.id]
    return chart


def open_compare(task: str | None = None) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    at.switch_page("views/compare.py").run()
    assert not at.exception, at.exception
    if task is not None and at.selectbox(key="compare_pick_task").value != task:
        at.selectbox(key="compare_pick_task").set_value(task).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("task", list(PAIRS))
def test_compare_draws_each_shipped_pair_without_training(zoo, task):
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    at.switch_page("views/compare.py").run()
    if at.selectbox(key="compare_pick_task").value != task:
        at.selectbox(key="compare_pick_task").set_value(task)
    start = time.perf_counter()
    at.run()
    SECONDS[task] = time.perf_counter() - start
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    prefix = PAIRS[task]
    assert at.selectbox(key="compare_pick_a").value == f"shipped:{prefix}-fixed"
    assert at.selectbox(key="compare_pick_b").value == f"shipped:{prefix}-attention"
    assert at.session_state["runs"] == []  # nothing trained
    assert [s.value for s in at.subheader] == [
        "One input, both decoders",
        "Greedy vs beam (K=5) on the same inputs", "Where one is right and the other wrong"]

    fixed, attention = (core.load_figures(zoo / f"{prefix}-{k}") for k in ("fixed", "attention"))
    chart = by_key(at, "compare_by_length_stored")
    exact = [t for t in chart["data"] if t.get("xaxis", "x") == "x"]
    assert [t["name"] for t in exact] == [f"A: {prefix}-fixed", f"B: {prefix}-attention"]
    width = compare_charts.bucket_width([r[0] for r in fixed.by_length["greedy"]])
    for trace, figs in zip(exact, (fixed, attention)):
        pooled = compare_charts.merge_sparse(
            compare_charts.pooled_by_length(figs.by_length["greedy"], width))
        assert trace["y"] == pytest.approx([b[2] for b in pooled])
        assert min(b[1] for b in pooled) >= compare_charts.MIN_BUCKET_PAIRS
    metric = compare_charts.main_metric(fixed.metrics)
    assert len(chart["data"]) == (4 if metric else 2)
    overall = at.dataframe[0].value
    assert overall["exact match"].tolist() == [fixed.overall["greedy"]["exact_match"],
                                               fixed.overall["beam"]["exact_match"],
                                               attention.overall["greedy"]["exact_match"],
                                               attention.overall["beam"]["exact_match"]]

    panels = [c for c in at.get("plotly_chart") if "compare_panel" in c.proto.id]
    kinds = [json.loads(c.proto.spec)["data"][0]["colorscale"][0][1] for c in panels]
    assert len(panels) == 2 and kinds[0] != kinds[1]  # context strip (RdBu) vs heatmap
    strip = json.loads(panels[0].proto.spec)["data"][0]
    assert len(strip["z"]) == 1  # one vector c
    a_only, b_only = compare_charts.split_rows(fixed, attention)
    assert any(f"only **A** is right on **{len(a_only)}** inputs and only **B** on "
               f"**{len(b_only)}**" in m.value for m in at.markdown)
    greedy_beam = at.table[0].value  # st.table: long outputs wrap instead of being cut
    assert {"A greedy", "A beam", "B greedy", "B beam"} <= set(greedy_beam.columns)


def test_compare_opens_on_the_sidebar_models_task_once_one_is_picked(zoo):
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    at.switch_page("views/compare.py").run()
    assert at.selectbox(key="compare_pick_task").value == "reverse"  # the default model
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    at.selectbox(key="model").set_value("shipped:g2p-fixed").run()
    at.switch_page("views/compare.py").run()
    assert at.selectbox(key="compare_pick_task").value == "g2p"
    at.selectbox(key="compare_pick_task").set_value("translation").run()
    at.switch_page("views/decode.py").run()
    at.switch_page("views/compare.py").run()
    assert at.selectbox(key="compare_pick_task").value == "translation"  # kept
    at.selectbox(key="model").set_value("shipped:dates-fixed").run()
    assert at.selectbox(key="compare_pick_task").value == "dates"  # a new pick: followed
    assert at.selectbox(key="compare_pick_a").value == "shipped:dates-fixed"


def test_the_split_table_feeds_the_input_and_beam_changes_the_chart(zoo):
    at = open_compare("reverse")
    fixed = core.load_figures(zoo / "reverse-fixed")
    attention = core.load_figures(zoo / "reverse-attention")
    _, b_only = compare_charts.split_rows(fixed, attention)
    at.button(key="compare_split_use").click().run()
    assert not at.exception
    assert at.text_input(key="compare_source_input").value == b_only[0][0].source
    assert at.code[0].value == b_only[0][0].greedy and at.code[1].value == b_only[0][1].greedy
    at.radio(key="compare_strategy").set_value("beam").run()
    assert not at.exception
    chart = by_key(at, "compare_by_length_stored")
    assert "(beam search)" in chart["layout"]["annotations"][0]["text"]
    width = compare_charts.bucket_width([r[0] for r in fixed.by_length["beam"]])
    pooled = compare_charts.merge_sparse(compare_charts.pooled_by_length(
        fixed.by_length["beam"], width))
    assert chart["data"][0]["y"] == pytest.approx([b[2] for b in pooled])


def test_a_trained_run_compares_with_a_shipped_model_live(zoo):
    at = fill_tiny_form(AppTest.from_file(MAIN, default_timeout=120).run(), 20)
    at.button(key="train_start").click().run()
    entry = at.session_state["runs"][0]
    entry.run.join(120)
    at.switch_page("views/compare.py").run()
    at.selectbox(key="compare_pick_task").set_value("reverse").run()
    at.selectbox(key="compare_pick_a").set_value(entry.key).run()
    assert not at.exception, at.exception
    assert any("decoded live" in c.value for c in at.caption)
    chart = by_key(at, "compare_by_length_stored")
    assert chart["data"][0]["name"] == f"A: {entry.name}"
    pairs = at.dataframe[0].value["pairs"].tolist()
    assert len(set(pairs)) == 1 and 0 < pairs[0] <= services.zoo.LIVE_SAMPLE  # one sample
    at.run()  # cached: a rerun computes nothing again
    assert not at.exception


def test_an_uploaded_checkpoint_compares_like_the_shipped_one(zoo):
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    handle = services.models.resolve_model("shipped:dates-fixed", [])
    upload(at, "my-dates.zip", services.models.checkpoint_zip(handle.tm, "my-dates"))
    at.switch_page("views/compare.py").run()
    at.selectbox(key="compare_pick_task").set_value("dates").run()
    upload_key = at.session_state["uploads"][0].key
    at.selectbox(key="compare_pick_a").set_value(upload_key)
    at.selectbox(key="compare_pick_b").set_value("shipped:dates-fixed").run()
    assert not at.exception and not at.error
    assert any("decoded live" in c.value for c in at.caption)
    overall = at.dataframe[0].value  # the same weights: the same outputs on the sample
    assert overall["exact match"].tolist()[:2] == overall["exact match"].tolist()[2:4]
    assert any("only **A** is right on **0** inputs and only **B** on **0**" in m.value
               for m in at.markdown)


def test_example_buttons_fill_the_input_on_decode_beam_and_compare(zoo):
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    at.selectbox(key="model").set_value("shipped:reverse-fixed").run()
    stored = core.load_examples(zoo / "reverse-fixed")
    button = at.button(key="telling_decode_0")
    assert button.label == example_widgets.label(stored[0])
    assert button.label.startswith("greedy vs beam, beam right")
    button.click().run()
    assert at.text_input(key="source").value == stored[0]["source"]
    greedy, beam = output_texts(at)[:2]
    assert greedy != beam and f"greedy '{greedy}', beam 5 '{beam}'" in stored[0]["note"]
    assert any("Reference" in c.value for c in at.caption)

    at.switch_page("views/beam.py").run()
    last = len(stored) - 1
    at.button(key=f"telling_beam_{last}").click().run()
    assert not at.exception
    assert at.text_input(key="beam_source").value == stored[last]["source"]

    at.switch_page("views/compare.py").run()
    at.button(key="telling_compare_1").click().run()
    assert not at.exception
    assert at.text_input(key="compare_source_input").value in {e["source"] for e in stored} | {
        e["source"] for e in core.load_examples(zoo / "reverse-attention")}


def test_a_model_without_examples_says_so_and_points_to_one(zoo):
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    assert at.selectbox(key="model").value == "shipped:dates-attention"
    assert not [b for b in at.button if b.key and b.key.startswith("telling_")]
    lines = [c.value for c in at.caption if c.value.startswith("No ")]
    assert len(lines) == 2 and "the same output every time" in lines[0]
    at.button(key="point_to_decode_greedy-vs-beam").click().run()
    assert not at.exception
    assert at.selectbox(key="model").value == "shipped:reverse-fixed"
    first = next(e for e in core.load_examples(zoo / "reverse-fixed")
                 if e["kind"] == "greedy-vs-beam")
    assert at.text_input(key="source").value == first["source"]
    greedy, beam = output_texts(at)[:2]
    assert greedy != beam


@pytest.mark.parametrize("note, short", [
    ("beam search finds the reference, greedy does not: greedy 'a', beam 5 'b'", "beam right"),
    ("greedy finds the reference, beam search does not: x", "greedy right"),
    ("both are correct, with different references: x", "both right"),
    ("neither finds the reference: x", "neither right"),
    ("only the attention model is right (25 tokens): x", "attention right"),
    ("only the fixed context model is right (9 tokens): x", "fixed right"),
])
def test_example_labels_say_who_is_right(note, short):
    assert example_widgets.verdict(note) == short
    label = example_widgets.label({"kind": "greedy-vs-beam", "note": note,
                                   "source": "*a_b*" + "x" * 40})
    assert label.startswith(f"greedy vs beam, {short}") and "\\*a\\_b\\*" in label
    assert label.endswith("…")


def test_pooled_buckets_and_the_split_rows():
    assert compare_charts.bucket_width(list(range(5, 26))) == 3
    assert compare_charts.merge_sparse([("1", 2, 1.0, {}), ("2-3", 30, 0.5, {})]) == [
        ("1-3", 32, 0.53125, {})]
    assert compare_charts.merge_sparse([("1", 20, 1.0, {}), ("2-3", 30, 0.5, {}),
                                        ("4", 3, 0.0, {})])[-1][:2] == ("2-4", 33)
    assert compare_charts.main_metric(("word_accuracy", "phoneme_error_rate")) == \
        "phoneme_error_rate"
    assert compare_charts.main_metric(()) is None
    row = core.PairResult
    a = core.Figures(10, (), {}, {}, (row("ab", ("ba",), 2, "ba", "ba", True, True),
                                      row("abc", ("cba",), 3, "cab", "cba", False, True)), 2)
    b = core.Figures(10, (), {}, {}, (row("ab", ("ba",), 2, "aa", "ba", False, True),
                                      row("abc", ("cba",), 3, "cba", "cba", True, True)), 2)
    a_only, b_only = compare_charts.split_rows(a, b)
    assert [x.source for x, _ in a_only] == ["ab"] and [x.source for x, _ in b_only] == ["abc"]
    assert compare_charts.split_rows(a, b, "beam") == ([], [])
    frame = compare_charts.split_frame(b_only, ("A greedy", "B greedy"))
    assert frame.to_dict("records") == [{"source": "abc", "reference": "cba", "length": 3,
                                         "A greedy": "cab", "B greedy": "cba"}]


def test_zz_report_compare_times():
    """Prints what each shipped pair took to draw (AppTest, this process)."""
    print({task: round(s, 2) for task, s in SECONDS.items()})


def test_presenter_mode_shows_one_part_of_compare_at_a_time(zoo):
    from ui import state

    def parts(at: AppTest) -> tuple[bool, list[str]]:
        stored = any(c.proto.id.endswith("compare_by_length_stored")
                     for c in at.get("plotly_chart"))
        return stored, [s.value for s in at.subheader]

    at = open_compare("reverse")
    assert parts(at) == (True, ["One input, both decoders",
                                "Greedy vs beam (K=5) on the same inputs",
                                "Where one is right and the other wrong"])
    at.toggle(key=state.PRESENT).set_value(True).run()
    assert not at.exception, at.exception
    assert parts(at) == (True, [])  # by length first, alone
    key = state.COMPARE_PICTURE
    for name, shown in (("One input", ["One input, both decoders"]),
                        ("Greedy vs beam", ["Greedy vs beam (K=5) on the same inputs"]),
                        ("Right and wrong", ["Where one is right and the other wrong"])):
        at.button_group(key=key).set_value(name).run()
        assert not at.exception, at.exception
        assert parts(at) == (False, shown), name
