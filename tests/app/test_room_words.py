"""AppTest, issue 11 "Words a room understands": the About page's glossary, the controls'
help links to it, and a Train form that shows only the picked decoder's own setting."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from streamlit.testing.v1 import AppTest

from seq2seq_core.server import LimitError
from ui import glossary, services, state

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
LINK = re.compile(r"\]\(about\?term=([a-z0-9-]+)#\1\)")


def page(view: str) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    at.switch_page(view).run()
    assert not at.exception, at.exception
    return at


def help_links(widget) -> list[str]:
    return LINK.findall(widget.help or "")


def test_about_draws_every_glossary_entry_under_its_anchor(pretrained):
    at = page("views/about.py")
    anchors = {h.proto.anchor: h.value for h in at.subheader}
    assert anchors == {t.anchor: t.name for t in glossary.GLOSSARY}
    texts = [m.value for m in at.markdown]
    assert all(t.text in texts for t in glossary.GLOSSARY)
    guide = texts[0]  # the guide links its words to the same anchors
    assert set(re.findall(r"\]\(#([a-z0-9-]+)\)", guide)) - {"glossary"} <= set(glossary.TERMS)


def test_controls_link_the_terms_they_use(pretrained):
    at = page("views/decode.py")
    assert help_links(at.slider(key=state.BEAM_SIZE)) == ["beam-width"]
    assert help_links(at.slider(key=state.ALPHA)) == ["length-penalty", "log-probability"]
    assert "attention-weights" in help_links(at.selectbox(key=state.HYPOTHESIS))
    at.switch_page("views/train.py").run()
    assert help_links(at.radio(key=state.TRAIN_DECODER)) == ["context-vector",
                                                             "attention-weights"]
    assert help_links(at.slider(key=state.TRAIN_TF)) == ["teacher-forcing"]


def keys(at: AppTest) -> set[str]:
    return {w.key for w in at.selectbox}


def test_train_form_shows_only_the_picked_decoders_setting(pretrained, monkeypatch):
    submitted = []

    def refuse(spec):  # capture what the form submits; nothing trains
        submitted.append(spec)
        raise LimitError("captured")

    monkeypatch.setattr(services.training, "start_run", refuse)
    at = page("views/train.py")
    assert at.radio(key=state.TRAIN_DECODER).value == "attention"
    assert state.TRAIN_SCORE in keys(at) and state.TRAIN_FIXED not in keys(at)
    at.selectbox(key=state.TRAIN_SCORE).set_value("dot")
    at.button(key=state.TRAIN_START).click().run()
    assert submitted[-1].model["decoder"] == "attention" and submitted[-1].model["score"] == "dot"

    at.radio(key=state.TRAIN_DECODER).set_value("fixed").run()
    assert state.TRAIN_FIXED in keys(at) and state.TRAIN_SCORE not in keys(at)
    at.selectbox(key=state.TRAIN_FIXED).set_value("sutskever")
    at.button(key=state.TRAIN_START).click().run()
    assert not at.exception
    assert submitted[-1].model["decoder"] == "fixed"
    assert submitted[-1].model["fixed_context"] == "sutskever"

    at.radio(key=state.TRAIN_DECODER).set_value("attention").run()  # its last value is back
    assert at.selectbox(key=state.TRAIN_SCORE).value == "dot"


def test_hidden_states_caption_is_a_sentence_and_names_c_only_for_fixed(pretrained):
    for name, fixed in (("dates-fixed", True), ("dates-attention", False)):
        at = AppTest.from_file(MAIN, default_timeout=60).run()
        at.selectbox(key="model").set_value(f"shipped:{name}").run()
        at.switch_page("views/hidden_states.py").run()
        assert not at.exception, at.exception
        caption = next(c.value for c in at.caption if c.value.startswith("Each point is"))
        assert caption.startswith("Each point is an encoder state h_i, one per source token, "
                                  "placed by PCA: the first 2 principal components of ")
        assert ("context vector c" in caption) == fixed, caption
        assert "of the task's held-out inputs" in caption
        near = next(c.value for c in at.caption if "training pairs whose" in c.value)
        assert ("context vector c" in near) == fixed, near


def test_starting_text_says_what_a_starting_run_reads():
    from ui.widgets.train import starting_text
    g2p = starting_text("g2p", "data", 4.2)
    assert g2p.startswith("Reading the CMU Pronouncing Dictionary") and "4 s so far" in g2p
    assert starting_text("dates", "data", 1.0).startswith("Making the dates pairs")
    assert starting_text("g2p", "model", 9.0).startswith("Building the model")


def test_the_live_panel_says_a_starting_run_is_reading_its_data(pretrained, monkeypatch):
    from seq2seq_core.server import worker
    gate, real = threading.Event(), worker.make_task
    monkeypatch.setattr(worker, "make_task",
                        lambda *a, **k: gate.wait(60) and real(*a, **k))
    at = page("views/train.py")
    at.selectbox(key=state.TRAIN_TASK).set_value("reverse").run()
    at.number_input(key=state.TRAIN_STEPS).set_value(5)
    at.button(key=state.TRAIN_START).click().run()
    run = at.session_state["runs"][0].run
    try:
        assert [i.value for i in at.info if i.value.startswith("Making the reverse pairs")]
    finally:
        gate.set()
        run.stop()
        run.join(60)


def test_a_help_link_opens_about_on_its_term(pretrained):
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.query_params[glossary.TERM_PARAM] = "pca"
    at.run()
    at.switch_page("views/about.py").run()
    assert not at.exception, at.exception
    assert at.info[0].value.startswith(f"**PCA**: {glossary.TERMS['pca'].text}")
    at.query_params[glossary.TERM_PARAM] = "no-such-term"
    at.run()
    assert not at.info and not at.exception  # an unknown term is ignored


def test_wrapped_table_is_a_table_whose_long_tokens_may_break():
    def script():
        import pandas as pd
        from ui import tables
        tables.wrapped_table(pd.DataFrame({"source": ["x" * 80], "prediction": ["y z"]}))

    at = AppTest.from_function(script).run()
    assert not at.exception, at.exception
    assert at.table[0].value["source"].tolist() == ["x" * 80]  # the text itself, unchanged
    assert "overflow-wrap: anywhere" in at.get("html")[0].proto.body
