"""Hostile and odd source text on the Decode view, and the input and decode limits."""

from __future__ import annotations

import unicodedata

import pytest

import seq2seq_core as core
from tests.hostile_files import PAYLOADS
from tests.shown_outputs import outputs
from ui import services

from test_app import start_app

NFC = "24 décembre 1998"
NFD = unicodedata.normalize("NFD", NFC)


def decode(at, text: str):
    at.text_input(key="source").set_value(text).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("text, message", [
    ("", "The input is empty"),
    (" \t\u00a0 \u202f ", "The input is empty"),
    ("1" * 10_000, "The input has 10000 tokens; this model reads at most 200"),
    ("2021-03-03 ☃ \U0001F600", "never seen '☃' '\U0001F600'"),
    (PAYLOADS[0], "never seen"),
], ids=["empty", "whitespace", "10000-chars", "out-of-vocabulary", "script"])
def test_bad_text_gets_a_clear_error_and_no_output(pretrained, text, message):
    at = decode(start_app(), text)
    assert len(at.error) == 1 and message in at.error[0].value.replace("\\", "")
    assert not outputs(at) and not at.get("plotly_chart")


def test_an_html_payload_in_an_error_is_escaped_markdown():
    from ui.text import code_span_safe, md_escape
    assert md_escape("<script>x</script>") == "\\<script\\>x\\</script\\>"
    assert md_escape("![i](http://h/x.png)") == "\\!\\[i\\]\\(http\\://h/x\\.png\\)"
    assert md_escape("a\n\n# b", 4) == "a \\#…"
    assert code_span_safe("a`b\nc") == "a'b c"


def test_nfd_and_nfc_forms_decode_the_same(pretrained):
    assert NFD != NFC
    at = decode(start_app(), NFC)
    nfc_outputs = outputs(at)
    decode(at, NFD)
    assert outputs(at) == nfc_outputs and not at.error


def test_the_input_token_limit_is_a_setting(pretrained, monkeypatch):
    monkeypatch.setenv("SEQ2SEQ_MAX_INPUT_TOKENS", "5")
    at = decode(start_app(), "March 3, 2021")
    assert "this model reads at most 5" in at.error[0].value


def test_beam_width_and_output_length_limits_are_settings(pretrained, monkeypatch):
    monkeypatch.setenv("SEQ2SEQ_MAX_BEAM_SIZE", "3")
    monkeypatch.setenv("SEQ2SEQ_MAX_OUTPUT_LEN", "20")
    at = start_app()
    assert at.slider(key="beam_size").max == 3 and at.slider(key="beam_size").value == 3
    assert at.number_input(key="max_len").max == 20
    handle = services.models.resolve_model("shipped:dates-attention", [])
    for cfg, message in ((core.DecodeConfig(beam_size=4, max_len=20), "limit of 3"),
                         (core.DecodeConfig(beam_size=3, max_len=21), "limit of 20")):
        with pytest.raises(core.InputError, match=message):
            services.decode.greedy_and_beam(handle, "March 3, 2021", cfg)
    at.switch_page("views/beam.py").run()  # greedy and sampling are within any beam limit
    assert not at.exception and not at.error, at.error[0].value if at.error else at.exception
