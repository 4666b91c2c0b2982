"""Presenter mode shows the views' tables as HTML tables (whose text its CSS enlarges)
with the same rows and the dataframes' number formats, and folds the search settings
into a collapsed expander; the normal mode keeps the sortable dataframes and the open
form."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest
from ui import state, tables

from tests.shown_charts import chart

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")


def test_formats_spell_percent_printf_and_booleans_as_the_dataframe_columns_do():
    frame = pd.DataFrame({"exact match": [0.5, 0.8766, None], "distance": [1.0, 0.12345, 2],
                          "finished": [True, False, True], "text": ["a", "b", "c"]})
    out = tables._formatted(frame, {"exact match": "percent", "distance": "%.3f"})
    assert list(out["exact match"]) == ["50.0%", "87.7%", ""]
    assert list(out["distance"]) == ["1.000", "0.123", "2.000"]
    assert list(out["finished"]) == ["yes", "no", "yes"]
    assert list(out["text"]) == ["a", "b", "c"]
    assert frame["exact match"].iloc[0] == 0.5  # the caller's frame is left as it was


def test_the_n_best_list_is_an_html_table_in_presenter_mode_only():
    at = AppTest.from_file(MAIN, default_timeout=90).run()
    assert not at.exception, at.exception
    assert not at.table
    (nbest,) = [d.value for d in at.dataframe if "normalized score" in d.value.columns]
    at.toggle(key=state.PRESENT).set_value(True).run()
    assert not at.exception, at.exception
    shown = [t.value for t in at.table if "normalized score" in t.value.columns]
    assert len(shown) == 1 and not [d for d in at.dataframe
                                    if "normalized score" in d.value.columns]
    assert list(shown[0]["text"]) == list(nbest["text"])
    assert set(shown[0]["finished"]) <= {"yes", "no"}


def test_the_search_settings_fold_into_an_expander_in_presenter_mode():
    at = AppTest.from_file(MAIN, default_timeout=90).run()
    assert not [e for e in at.expander if e.label.startswith("Search settings")]
    assert at.slider(key=state.BEAM_SIZE).value == 5
    at.toggle(key=state.PRESENT).set_value(True).run()
    assert not at.exception, at.exception
    (folded,) = [e for e in at.expander if e.label.startswith("Search settings")]
    assert folded.proto.expanded is False
    assert folded.slider(key=state.BEAM_SIZE).value == 5  # the same widget, kept
    folded.slider(key=state.BEAM_SIZE).set_value(3).run()
    assert not at.exception, at.exception
    assert any("K=3" in h.value for h in at.subheader)


def test_the_beam_tree_shows_its_pruned_candidates_only_when_asked_in_either_mode():
    def tree_statuses(at: AppTest) -> set[str]:
        fig = chart(at, state.BEAM_TREE_CHART)
        return {t.get("name") for t in fig["data"] if t.get("mode") == "markers+text"}

    at = AppTest.from_file(MAIN, default_timeout=90).run()
    at.switch_page("views/beam.py").run()
    assert "pruned" not in tree_statuses(at) and not at.toggle(key=state.BEAM_PRUNED).value
    assert "kept in the beam" in tree_statuses(at)
    at.toggle(key=state.BEAM_PRUNED).set_value(True).run()
    assert "pruned" in tree_statuses(at)
    at.toggle(key=state.PRESENT).set_value(True).run()  # the choice outlives the mode
    assert not at.exception, at.exception
    assert "pruned" in tree_statuses(at)
    at.switch_page("views/decode.py").run()
    at.switch_page("views/beam.py").run()
    assert "pruned" in tree_statuses(at)
    at.toggle(key=state.BEAM_PRUNED).set_value(False).run()
    assert "pruned" not in tree_statuses(at)


def test_attention_shows_one_picture_at_a_time_in_presenter_mode():
    def charts(at: AppTest) -> set[str]:
        keys = (state.ATTENTION_ANIMATION, state.ALIGNMENT_LINES, state.CONTEXT_ROWS)
        return {k for c in at.get("plotly_chart") for k in keys if c.proto.id.endswith(f"-{k}")}

    at = AppTest.from_file(MAIN, default_timeout=90)
    at.switch_page("views/attention.py").run()
    assert not at.exception, at.exception
    assert charts(at) == {state.ATTENTION_ANIMATION, state.ALIGNMENT_LINES, state.CONTEXT_ROWS}
    at.toggle(key=state.PRESENT).set_value(True).run()
    assert not at.exception, at.exception
    assert charts(at) == {state.ATTENTION_ANIMATION}
    at.slider(key=state.ATTENTION_STEP).set_value(3).run()
    for name, key in (("Alignment lines", state.ALIGNMENT_LINES),
                      ("Context vectors", state.CONTEXT_ROWS),
                      ("Heatmap", state.ATTENTION_ANIMATION)):
        at.button_group(key=state.ATTENTION_PICTURE).set_value(name).run()
        assert not at.exception, at.exception
        assert charts(at) == {key}, name
    assert at.slider(key=state.ATTENTION_STEP).value == 3  # the row kept meanwhile
    at.toggle(key=state.PRESENT).set_value(False).run()
    assert len(charts(at)) == 3


def test_hidden_states_shows_its_plot_or_its_neighbours_in_presenter_mode():
    def parts(at: AppTest) -> tuple[bool, bool]:
        plot = any(c.proto.id.endswith(f"-{state.TRAJECTORIES}") for c in at.get("plotly_chart"))
        near = any(s.value.startswith("Nearest training pairs") for s in at.subheader)
        return plot, near

    at = AppTest.from_file(MAIN, default_timeout=90).run()
    at.switch_page("views/hidden_states.py").run()
    assert not at.exception, at.exception
    assert parts(at) == (True, True)
    at.toggle(key=state.PRESENT).set_value(True).run()
    assert not at.exception, at.exception
    assert parts(at) == (True, False)
    at.button_group(key=state.STATES_PICTURE).set_value("Nearest training pairs").run()
    assert not at.exception, at.exception
    assert parts(at) == (False, True)


def test_train_shows_its_curves_held_out_curve_or_samples_one_at_a_time(pretrained):
    from test_app import fill_tiny_form, start_app, stop_run, wait_for_step

    def parts(at: AppTest) -> tuple[set[str], bool]:
        keys = (state.TRAIN_CURVES, state.HELDOUT_CURVE)
        shown = {k for c in at.get("plotly_chart") for k in keys if c.proto.id.endswith(f"-{k}")}
        return shown, any(m.value.startswith("**Sample predictions") for m in at.markdown)

    at = fill_tiny_form(start_app(), 100_000)
    at.button(key="train_start").click().run()
    run = at.session_state["runs"][0].run
    try:
        assert wait_for_step(run, 25)  # two evaluations: every picture has data
    finally:
        stop_run(at, run)
    assert not at.exception, at.exception
    assert parts(at) == ({state.TRAIN_CURVES, state.HELDOUT_CURVE}, True)
    at.toggle(key=state.PRESENT).set_value(True).run()
    assert not at.exception, at.exception
    assert parts(at) == ({state.TRAIN_CURVES}, False)
    for name, expected in (("Held-out", ({state.HELDOUT_CURVE}, False)),
                           ("Samples", (set(), True)),
                           ("Curves", ({state.TRAIN_CURVES}, False))):
        at.button_group(key=state.TRAIN_PICTURE).set_value(name).run()
        assert not at.exception, at.exception
        assert parts(at) == expected, name
    at.toggle(key=state.PRESENT).set_value(False).run()
    assert parts(at) == ({state.TRAIN_CURVES, state.HELDOUT_CURVE}, True)
