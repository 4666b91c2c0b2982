"""The same over-long input gets the same message on every view: ``check_source``'s.

Regression: Decode's text box had ``max_chars``, so a 5,000-character paste was dropped
in the browser and the page said "The input is empty" while Beam search named the
token limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import seq2seq_core as core
from seq2seq_core.server import Limits
from ui.text import md_escape

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
LONG = ("24 décembre 1998, " * 300)[:5000]
# view -> the keys of its source text boxes
VIEWS = {"views/decode.py": ["source"], "views/beam.py": ["beam_source"],
         "views/attention.py": ["inside_source_input"],
         "views/hidden_states.py": ["states_a_input", "states_b_input"]}


def expected_message(folder: Path) -> str:
    with pytest.raises(core.InputError) as err:
        core.check_source(core.load(folder), LONG, Limits.from_env().max_input_tokens)
    return str(err.value)


@pytest.mark.parametrize("page", VIEWS)
def test_a_long_paste_gets_check_sources_message_on_every_view(pretrained, page):
    message = expected_message(pretrained / "dates-attention")
    assert "5000 tokens" in message
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    at.switch_page(page).run()
    for key in VIEWS[page]:
        box = at.text_input(key=key)
        assert not box.proto.max_chars  # the browser would drop a longer paste silently
        box.set_value(LONG)
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.main.error] == [md_escape(message)]
