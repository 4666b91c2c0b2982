"""Every view is a link: a page opened with query parameters shows the state they name;
a bad or stale value gives a visible note and the view's own default, never an
exception; the URL follows the widgets; every view has a Copy link button."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from streamlit.runtime.state.query_params import QueryParams
from streamlit.testing.v1 import AppTest

import seq2seq_core as core
from ui import services, state, url_fields

from tests.shown_charts import chart, has_chart

from test_app import fill_tiny_form, start_app

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
PAGES = {"decode": "views/decode.py", "beam": "views/beam.py",
         "attention": "views/attention.py", "hidden-states": "views/hidden_states.py",
         "train": "views/train.py", "replay": "views/replay.py",
         "compare": "views/compare.py", "about": "views/about.py"}


# -- the parsers (pure) --

def test_parse_int_takes_whole_numbers_in_range_only():
    assert url_fields.parse_int(" 7 ", 1, 16) == 7
    assert url_fields.parse_int("16", 1, 16) == 16
    for raw, why in (("17", "from 1 to 16"), ("0", "from 1 to 16"), ("2.5", "whole"),
                     ("", "whole"), ("1e3", "whole")):
        with pytest.raises(ValueError, match=why):
            url_fields.parse_int(raw, 1, 16)


def test_parse_float_refuses_nan_inf_and_out_of_range_and_snaps_to_the_step():
    assert url_fields.parse_float("0.6", 0.0, 2.0, 0.1) == pytest.approx(0.6)
    assert url_fields.parse_float("0.64", 0.0, 2.0, 0.1) == pytest.approx(0.6)
    assert url_fields.parse_float("2", 0.0, 2.0, 0.1) == 2.0
    for raw in ("nan", "inf", "-inf", "2.01", "-0.1", "x"):
        with pytest.raises(ValueError):
            url_fields.parse_float(raw, 0.0, 2.0, 0.1)
    assert not math.isnan(url_fields.parse_float("1.3", 0.0, 2.0))


def test_parse_choice_and_flag():
    assert url_fields.parse_choice("beam", ["greedy", "beam"]) == "beam"
    with pytest.raises(ValueError, match="greedy"):
        url_fields.parse_choice("Beam", ["greedy", "beam"])  # exact: no guessing
    with pytest.raises(ValueError, match="nothing"):
        url_fields.parse_choice("a", [])
    assert url_fields.parse_flag("1") and url_fields.parse_flag("true")
    assert not url_fields.parse_flag("0") and not url_fields.parse_flag("off")
    with pytest.raises(ValueError):
        url_fields.parse_flag("2")


def test_model_key_names_shipped_models_by_name_and_says_why_a_model_is_missing():
    choices = ["shipped:dates-attention", "run:" + "a" * 32]
    assert url_fields.model_key("dates-attention", choices) == "shipped:dates-attention"
    assert url_fields.model_key("shipped:dates-attention", choices) == choices[0]
    assert url_fields.model_key(choices[1], choices) == choices[1]
    assert url_fields.model_name(choices[0]) == "dates-attention"
    for raw, why in (("nope", "no model of that name"), ("run:" + "b" * 32, "not on this "
                     "server"), ("upload:x", "only in the tab")):
        with pytest.raises(ValueError, match=why):
            url_fields.model_key(raw, choices)


def test_the_field_table_is_consistent():
    pages = {part.split(".")[0] for part in url_fields.FIELDS}
    declared = {v for k, v in vars(state).items() if k.isupper() and isinstance(v, str)}
    declared |= {getattr(v, "text") for v in vars(state).values()
                 if isinstance(v, state.SourceBox)}
    declared |= {state.COMPARE_PICK.format(letter) for letter in "ab"}  # templates
    for page in pages:
        names = [f.name for part, fields in url_fields.FIELDS.items()
                 if part.split(".")[0] in (page, "shared") for f in fields]
        assert len(names) == len(set(names)), (page, names)  # one meaning per page
    for fields in url_fields.FIELDS.values():
        for f in fields:
            assert f.name not in ("run", "present")  # other modules' parameters
            assert callable(f.key) or f.key in declared, f.key


# -- opening a link --

def open_link(page: str, query: dict[str, str | list[str]], present: bool = False) -> AppTest:
    """A new session opened on ``page`` with ``query`` in its URL; ``present``: in
    presenter mode from its first run (AppTest's first run has no URL, so ``present=1``
    in ``query`` alone would not start the mode)."""
    at = AppTest.from_file(MAIN, default_timeout=120)
    if present:
        at.session_state[state.PRESENT] = True
    if page != "decode":
        at.run()  # pages are found by their url_path only after a first run
    at.query_params.update(query)
    if page != "decode":
        at.switch_page(PAGES[page])
    at.run()
    assert not at.exception, [(e.value, e.stack_trace) for e in at.exception]
    return at


def notes(at: AppTest) -> list[str]:
    """The link's notes: one warning box, a bullet per refused value when several."""
    boxes = [w.value for w in at.main.warning if "was not used" in w.value]
    assert len(boxes) <= 1, boxes
    return [line.removeprefix("- ") for box in boxes for line in box.split("\n")]


def link_text(at: AppTest) -> str:
    """The link in the Copy link popover, opened as a click does (it reruns the page,
    which fills it; closed, it is empty): the sidebar's only code box."""
    if not at.session_state[state.COPY_LINK]:
        [popover] = at.sidebar.get("popover")
        assert not popover.code  # nothing in it while closed: nothing to go stale
        at.session_state[state.COPY_LINK] = True
        at.run()
    [code] = at.sidebar.code
    return code.value


def test_decode_link_restores_input_settings_and_hypothesis(pretrained):
    query = {"model": "dates-fixed", "src": "24 décembre 1998", "k": "3", "alpha": "0.6",
             "max_len": "30", "n_best": "2", "hyp": "beam 2"}
    at = open_link("decode", query)
    assert notes(at) == []
    assert at.session_state[state.MODEL] == "shipped:dates-fixed"
    assert at.text_input(key=state.DECODE_SOURCE.widget).value == "24 décembre 1998"
    assert at.slider(key=state.BEAM_SIZE).value == 3
    assert at.slider(key=state.ALPHA).value == pytest.approx(0.6)
    assert at.number_input(key=state.MAX_LEN).value == 30
    assert at.number_input(key=state.N_BEST).value == 2
    assert at.selectbox(key=state.HYPOTHESIS).value == "beam 2"
    assert {k: at.query_params[k] for k in query} == query  # the URL keeps them
    assert "src=24+d%C3%A9cembre+1998" in link_text(at) and "k=3" in link_text(at)


def test_the_url_follows_the_widgets(pretrained):
    at = open_link("decode", {})
    at.slider(key=state.BEAM_SIZE).set_value(7).run()
    at.text_input(key=state.DECODE_SOURCE.widget).set_value("29.02.2004").run()
    assert at.query_params["k"] == "7" and at.query_params["src"] == "29.02.2004"
    assert "k=7" in link_text(at)


def test_a_new_tab_gets_its_whole_url_in_one_message(pretrained, monkeypatch):
    """Each message that changes the query is a history update in the browser: a new
    tab's run writes its view's values once, not one message per value."""
    sent = []
    send = QueryParams._send_query_param_msg

    def counted(self):
        sent.append(dict(self._query_params))
        send(self)

    monkeypatch.setattr(QueryParams, "_send_query_param_msg", counted)
    at = open_link("decode", {})
    assert len(sent) == 1, sent
    assert {"model", "src", "k", "alpha", "max_len", "n_best"} <= set(sent[0])
    sent.clear()
    at.slider(key=state.BEAM_SIZE).set_value(7).run()
    assert len(sent) == 1 and sent[0]["k"] == ["7"]
    sent.clear()
    at.run()  # nothing changed: nothing sent
    assert sent == []


def test_a_new_beam_tab_gets_its_url_in_one_message_with_the_step(pretrained, monkeypatch):
    """The tree player's fragment runs inside the whole page's run: it leaves the URL to
    the end of that run (it writes the step itself only when it reruns alone)."""
    sent = []
    send = QueryParams._send_query_param_msg
    monkeypatch.setattr(QueryParams, "_send_query_param_msg",
                        lambda self: (sent.append(dict(self._query_params)), send(self)))
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    sent.clear()
    at.switch_page(PAGES["beam"]).run()
    assert not at.exception
    assert len(sent) == 1, sent
    assert {"model", "src", "k", "step", "hyp"} <= set(sent[0])


def test_a_page_that_stops_early_still_writes_its_url(pretrained):
    """A view that ends with st.stop (an input it cannot read; Train before any run) still
    puts what it shows in the URL, and the Copy link says the same."""
    at = open_link("decode", {})
    at.slider(key=state.BEAM_SIZE).set_value(9).run()
    at.text_input(key=state.DECODE_SOURCE.widget).set_value("").run()
    assert at.main.error  # the page stopped at its error
    assert at.query_params["k"] == "9" and "k=9" in link_text(at)
    train = open_link("train", {})
    assert not train.info or any("No runs yet" in i.value for i in train.main.info)
    assert {"task", "decoder"} <= set(train.query_params)
    assert "src" not in train.query_params  # Decode's values left with Decode


def test_beam_link_restores_the_step_and_the_hypothesis(pretrained):
    at = open_link("beam", {"src": "March 3, 2021", "k": "4", "step": "2", "hyp": "beam 2"})
    assert notes(at) == []
    assert at.text_input(key=state.BEAM_SOURCE.widget).value == "March 3, 2021"
    assert at.slider(key=state.BEAM_SIZE).value == 4
    assert at.slider(key=state.BEAM_STEP).value == 2
    assert at.selectbox(key=state.BEAM_ATTENTION).value.startswith("beam 2: ")
    assert at.query_params["step"] == "2" and at.query_params["hyp"] == "beam 2"


def test_beam_link_keeps_the_pruned_candidates_toggle_in_either_mode(pretrained):
    at = open_link("beam", {"src": "March 3, 2021"})
    assert at.toggle(key=state.BEAM_PRUNED).value is False  # hidden by default
    assert "pruned" not in at.query_params
    at.toggle(key=state.BEAM_PRUNED).set_value(True).run()
    assert at.query_params["pruned"] == "1"
    at = open_link("beam", {"src": "March 3, 2021", "pruned": "1"})
    assert notes(at) == [] and at.toggle(key=state.BEAM_PRUNED).value is True
    assert at.query_params["pruned"] == "1"
    at = open_link("beam", {"src": "March 3, 2021", "pruned": "1"}, present=True)
    assert at.toggle(key=state.PRESENT).value is True
    assert notes(at) == [] and at.toggle(key=state.BEAM_PRUNED).value is True
    at = open_link("beam", {"src": "March 3, 2021"}, present=True)
    assert at.toggle(key=state.BEAM_PRUNED).value is False  # hidden in either mode
    at = open_link("beam", {"src": "March 3, 2021", "pruned": "0"})  # older links wrote it
    assert notes(at) == [] and at.toggle(key=state.BEAM_PRUNED).value is False
    at = open_link("beam", {"src": "March 3, 2021", "pruned": "maybe"})
    assert notes(at) and "pruned candidates" in notes(at)[0]


def test_a_link_keeps_presenter_modes_picture(pretrained):
    def shown(at: AppTest) -> set[str]:
        keys = (state.ATTENTION_ANIMATION, state.ALIGNMENT_LINES, state.CONTEXT_ROWS)
        return {k for c in at.get("plotly_chart") for k in keys if c.proto.id.endswith(f"-{k}")}

    at = open_link("attention", {"picture": "alignment-lines"})
    assert notes(at) == []
    at.toggle(key=state.PRESENT).set_value(True).run()
    assert not at.exception and shown(at) == {state.ALIGNMENT_LINES}
    assert at.query_params["picture"] == "alignment-lines"
    at.button_group(key=state.ATTENTION_PICTURE).set_value("Context vectors").run()
    assert at.query_params["picture"] == "context-vectors"
    at = open_link("attention", {"picture": "a-bar-chart"})
    assert notes(at) and "picture" in notes(at)[0]


def test_values_written_for_the_page_before_are_not_a_link(pretrained):
    """AppTest keeps the query across a page switch (a browser clears it): Decode's own
    values must not be read on Beam search as if a link had named them."""
    at = open_link("decode", {"src": "29.02.2004", "hyp": "beam 2"})
    at.switch_page(PAGES["beam"]).run()
    assert not at.exception and notes(at) == []
    assert at.text_input(key=state.BEAM_SOURCE.widget).value != "29.02.2004"
    assert at.selectbox(key=state.BEAM_ATTENTION).value.startswith("greedy: ")
    assert at.query_params["src"] == at.text_input(key=state.BEAM_SOURCE.widget).value


def too_long() -> str:
    """A dates input one token over the server's input limit (the core's number)."""
    return "1" * (services.server.limits().max_input_tokens + 1)


BAD = [  # (parameter, raw value, what the note quotes)
    ("k", "99", "must be from 1 to"), ("k", "five", "not a whole number"),
    ("alpha", "nan", "must be from 0 to 2"), ("alpha", "7", "must be from 0 to 2"),
    ("max_len", "100000", "must be from 1 to"), ("n_best", "0", "must be from 1 to 16"),
    ("src", "TOO_LONG", "tokens; this model reads at most"),
    ("model", "nope", "no model of that name"),
    ("model", "run:" + "0" * 32, "not on this server"),
    ("model", "upload:1234", "only in the tab"),
    ("hyp", "beam 99", "not one of"),
    ("run", "0" * 32, "not on this server"),
]


@pytest.mark.parametrize("name, raw, why", BAD, ids=[f"{n}={r[:12]}" for n, r, _ in BAD])
def test_a_bad_value_gives_a_note_and_the_default(pretrained, name, raw, why):
    raw = too_long() if raw == "TOO_LONG" else raw
    at = open_link("decode", {name: raw})
    [note] = notes(at)
    assert why in note and "was not used" in note
    assert not at.error  # the page still works, on its defaults
    fresh = open_link("decode", {})
    for key in (state.BEAM_SIZE, state.ALPHA):
        assert at.slider(key=key).value == fresh.slider(key=key).value
    assert at.session_state[state.MODEL] == fresh.session_state[state.MODEL]
    assert (at.text_input(key=state.DECODE_SOURCE.widget).value
            == fresh.text_input(key=state.DECODE_SOURCE.widget).value)
    if name != "run":
        assert at.query_params[name] != raw  # the URL shows what replaced it


def test_a_hostile_value_is_quoted_as_text(pretrained):
    at = open_link("decode", {"k": "`<img src=x onerror=alert(1)>`**bold**"})
    [note] = notes(at)
    assert "`'<img src=x onerror=alert(1)>'**bold**`" in note  # inside one code span


def test_beam_step_past_the_tree_is_refused(pretrained):
    at = open_link("beam", {"src": "March 3, 2021", "step": "999"})
    [note] = notes(at)
    assert "step `999`" in note and "must be from 0 to" in note
    last = at.slider(key=state.BEAM_STEP).max
    assert at.slider(key=state.BEAM_STEP).value == last  # the whole tree, as by default


def animation(at: AppTest) -> dict:
    return chart(at, state.ATTENTION_ANIMATION)


def drawn_rows(fig: dict) -> int:
    """How many of the heatmap's rows are drawn (the rest are empty)."""
    rows = fig["data"][0]["z"]
    drawn = [all(v is not None for v in row) for row in rows]
    assert drawn == sorted(drawn, reverse=True)  # drawn rows first, then empty ones
    return sum(drawn)


def test_an_attention_link_opens_the_heatmap_at_its_row(pretrained):
    at = open_link("attention", {"src": "29.02.2004", "step": "2"})
    assert notes(at) == [] and at.slider(key=state.ATTENTION_STEP).value == 2
    fig = animation(at)
    assert drawn_rows(fig) == 3 and len(fig["data"][0]["z"]) > 3  # rows 0, 1 and 2
    assert at.query_params["step"] in ("2", ["2"])  # the link keeps it
    # the row slider is the link's row: moving it moves the URL, as Copy link copies it
    at.slider(key=state.ATTENTION_STEP).set_value(4).run()
    assert drawn_rows(animation(at)) == 5 and at.query_params["step"] in ("4", ["4"])
    assert "step=4" in link_text(at)
    # a new input opens fully drawn again; a row past the output is refused with a note
    at.text_input(key=state.INSIDE_SOURCE.widget).set_value("1-6-2077").run()
    last_row = len(animation(at)["data"][0]["z"]) - 1
    assert at.slider(key=state.ATTENTION_STEP).value == last_row
    assert drawn_rows(animation(at)) == last_row + 1
    at = open_link("attention", {"src": "29.02.2004", "step": "99"})
    [note] = notes(at)
    assert "row `99`" in note
    last_row = len(animation(at)["data"][0]["z"]) - 1
    assert at.slider(key=state.ATTENTION_STEP).value == last_row


def test_attention_play_fills_the_heatmap_from_row_0(pretrained):
    at = open_link("attention", {"src": "29.02.2004"})
    last = at.slider(key=state.ATTENTION_STEP).value
    at.button(key=state.ATTENTION_PLAY).click().run()
    assert at.slider(key=state.ATTENTION_STEP).value == 0 and drawn_rows(animation(at)) == 1
    assert at.button(key=state.ATTENTION_PLAY).label == "Pause"
    at.run()  # AppTest never ticks run_every: each run is one tick
    assert at.slider(key=state.ATTENTION_STEP).value == 1 and drawn_rows(animation(at)) == 2
    for _ in range(last - 1):
        at.run()
    assert at.slider(key=state.ATTENTION_STEP).value == last
    assert drawn_rows(animation(at)) == last + 1
    assert at.button(key=state.ATTENTION_PLAY).label == "Play"  # stopped at the end
    at.button(key=state.ATTENTION_PLAY).click().run()  # again, from row 0 ...
    at.run()
    assert at.slider(key=state.ATTENTION_STEP).value == 1
    at.text_input(key=state.INSIDE_SOURCE.widget).set_value("1-6-2077").run()  # ... a new
    assert at.button(key=state.ATTENTION_PLAY).label == "Play"  # input stops it, whole
    assert not at.session_state[state.ATTENTION_PLAYING]
    assert drawn_rows(animation(at)) == at.slider(key=state.ATTENTION_STEP).value + 1


def line_links(at: AppTest) -> int:
    """How many links the Alignment lines draw (segments: x, x, None)."""
    fig = chart(at, state.ALIGNMENT_LINES)
    return sum(len(t["x"]) for t in fig["data"] if t.get("mode") == "lines") // 3


def test_the_alignment_lines_follow_the_row_as_the_heatmap_does(pretrained):
    from ui.charts.attention import MIN_LINE_WEIGHT
    tm = core.load(pretrained / "dates-attention")
    weights = core.trace(tm, core.check_source(tm, "29.02.2004")).attention  # (T, S)

    def expected(row: int) -> int:  # the weights of rows 0..row worth a line
        return int((weights[:row + 1] >= MIN_LINE_WEIGHT).sum())

    at = open_link("attention", {"src": "29.02.2004", "step": "2"})
    assert drawn_rows(animation(at)) == 3 and line_links(at) == expected(2) < expected(6)
    at.slider(key=state.ATTENTION_STEP).set_value(6).run()
    assert line_links(at) == expected(6)
    at.button(key=state.ATTENTION_PLAY).click().run()  # Play goes on from row 6 ...
    at.run()  # ... a tick (AppTest never ticks run_every: each run is one)
    assert at.slider(key=state.ATTENTION_STEP).value == 7
    assert line_links(at) == expected(7) and drawn_rows(animation(at)) == 8
    # presenter mode's Alignment lines alone: the row player and the link's row with them
    at = open_link("attention", {"src": "29.02.2004", "step": "3",
                                 "picture": "alignment-lines"}, present=True)
    assert notes(at) == [] and at.slider(key=state.ATTENTION_STEP).value == 3
    assert line_links(at) == expected(3)
    assert not has_chart(at, state.ATTENTION_ANIMATION)
    assert "step=3" in link_text(at)


def test_merging_pieces_is_refused_in_a_link_for_a_model_without_pieces(pretrained):
    at = open_link("attention", {"src": "29.02.2004", "merge": "1"})
    [note] = notes(at)
    assert "merging of pieces into words `1`" in note and "no attention over subword" in note
    assert "merge=" not in link_text(at)


def test_attention_and_hidden_states_links(pretrained):
    at = open_link("attention", {"src": "29.02.2004"})
    assert notes(at) == [] and at.text_input(key=state.INSIDE_SOURCE.widget).value == \
        "29.02.2004"
    at = open_link("hidden-states", {"a": "1-6-2077", "b": "2-6-2077", "states": "decoder",
                                     "layer": "1", "dims": "3"})
    assert notes(at) == []
    assert at.text_input(key=state.STATES_A.widget).value == "1-6-2077"
    assert at.text_input(key=state.STATES_B.widget).value == "2-6-2077"
    assert at.radio(key=state.STATES_PART).value == "decoder"
    assert at.radio(key=state.STATES_DIMS).value == 3
    at = open_link("hidden-states", {"layer": "2", "dims": "4", "dir": "backward"})
    assert len(notes(at)) == 3  # one layer, 2-D or 3-D, a one-way encoder
    assert at.radio(key=state.STATES_DIMS).value == 2


def test_compare_link_restores_the_pair_search_and_input(pretrained):
    query = {"task": "dates", "a": "dates-attention", "b": "dates-fixed", "search": "beam",
             "src": "29.02.2004"}
    at = open_link("compare", query)
    assert notes(at) == []
    assert at.selectbox(key=state.COMPARE_PICK.format("a")).value == "shipped:dates-attention"
    assert at.selectbox(key=state.COMPARE_PICK.format("b")).value == "shipped:dates-fixed"
    assert at.radio(key=state.COMPARE_STRATEGY).value == "beam"
    assert at.text_input(key=state.COMPARE_SOURCE.widget).value == "29.02.2004"
    at = open_link("compare", {"task": "reverse", "a": "nope"})
    assert len(notes(at)) == 2


def test_a_train_link_opens_on_its_task_and_decoder(pretrained):
    at = open_link("train", {"task": "reverse", "decoder": "fixed"})
    assert notes(at) == []
    assert at.selectbox(key=state.TRAIN_TASK).value == "reverse"
    assert at.radio(key=state.TRAIN_DECODER).value == "fixed"
    at = open_link("train", {"task": "sorting", "decoder": "transformer"})
    assert len(notes(at)) == 2 and not at.error


def test_a_replay_link_restores_the_run_probe_and_states(pretrained):
    at = fill_tiny_form(start_app(), 20)
    at.button(key=state.TRAIN_START).click().run()
    run = at.session_state[state.RUNS][0].run
    run.join(120)
    assert run.replay.snapshots()
    key = f"run:{run.run_id}"
    at = open_link("replay", {"run": run.run_id, "model": key, "replay": run.run_id,
                              "probe": "hello", "states": "decoder"})
    assert notes(at) == []
    assert at.session_state[state.MODEL] == key
    assert at.selectbox(key=state.REPLAY_RUN).value == key
    assert at.text_input(key=state.REPLAY_PROBE.widget).value == "hello"
    assert at.radio(key=state.STATES_PART).value == "decoder"
    assert at.query_params["probe"] == "hello" and at.query_params["replay"] == run.run_id
    # the snapshot shown: the newest by default; a link's, and the slider's, kept
    snaps = run.replay.snapshots()
    assert len(snaps) >= 2
    assert at.slider(key=state.REPLAY_STEP).value == len(snaps) - 1

    def title(at: AppTest) -> str:
        return chart(at, state.REPLAY_CHART)["layout"]["title"]["text"]

    assert title(at).startswith(f"after {snaps[-1].step} steps")
    assert at.query_params["snapshot"] == str(snaps[-1].step)  # named by training step
    first = str(snaps[0].step)  # a snapshot's index moves as a training run thins them
    at = open_link("replay", {"run": run.run_id, "model": key, "replay": run.run_id,
                              "snapshot": first})
    assert notes(at) == [] and at.slider(key=state.REPLAY_STEP).value == 0
    assert title(at).startswith(f"after {first} steps")
    assert f"snapshot={first}" in link_text(at)
    at.slider(key=state.REPLAY_STEP).set_value(1).run()
    assert title(at).startswith(f"after {snaps[1].step} steps")
    assert at.query_params["snapshot"] == str(snaps[1].step)
    at = open_link("replay", {"run": run.run_id, "replay": run.run_id,
                              "snapshot": str(snaps[0].step + 1)})  # no snapshot there
    [note] = notes(at)
    assert f"snapshot `{snaps[0].step + 1}`" in note and "not one of" in note
    assert at.slider(key=state.REPLAY_STEP).value == len(snaps) - 1


def test_a_replay_link_to_a_run_that_is_gone_says_so(pretrained):
    at = open_link("replay", {"run": "f" * 32, "replay": "f" * 32})
    [note] = notes(at)
    assert "training run" in note and "not on this server" in note


@pytest.mark.parametrize("page", PAGES)
def test_every_view_has_a_copy_link_button(pretrained, page):
    at = open_link(page, {})
    [popover] = at.sidebar.get("popover")
    assert popover.proto.popover.label == "Copy link"
    text = link_text(at)  # opened
    [popover] = at.sidebar.get("popover")
    [code] = popover.code  # the link, in a code box with Streamlit's copy button
    assert code.value == text and "model=dates-attention" in code.value


def test_an_unreadable_input_in_a_link_falls_back_to_the_example(pretrained):
    tm = services.models.load_shipped("dates-attention")
    with pytest.raises(core.InputError):
        core.check_source(tm, "ǂǂǂ")
    at = open_link("attention", {"src": "ǂǂǂ"})
    [note] = notes(at)
    assert "never seen" in note or "no character" in note
    assert not at.error


def test_a_train_link_keeps_presenter_modes_picture(pretrained):
    at = open_link("train", {"picture": "held-out", "present": "1"})
    assert notes(at) == [] and at.session_state[state.TRAIN_PICTURE] == "Held-out"
    at = open_link("train", {"picture": "trajectories"})  # another view's picture
    assert notes(at) and "picture" in notes(at)[0]


def test_after_a_page_that_raised_fragments_write_the_url_again(pretrained, monkeypatch):
    """A step player's own rerun writes the URL only outside a whole-page run; a page
    that raised must not leave the run marked as going on (its steps would then never
    reach the URL until the next whole-page run)."""
    from ui.services import inside

    at = open_link("attention", {"src": "29.02.2004"})
    assert not at.session_state[state.URL_FULL_RUN]

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in a view")

    monkeypatch.setattr(inside, "trace_text", broken)
    at.text_input(key=state.INSIDE_SOURCE.widget).set_value("1-6-2077").run()
    assert at.exception  # (its text is redacted: showErrorDetails is off)
    assert not at.session_state[state.URL_FULL_RUN]
    at = open_link("train", {})  # a page that stops early (no run yet): the same
    assert not at.session_state[state.URL_FULL_RUN]
