"""ui.text.code_span: a markdown code span that CommonMark reads back as the exact text."""

from __future__ import annotations

import pytest
from ui.text import code_span

from tests.shown_outputs import commonmark_code_span


@pytest.mark.parametrize("text", [
    "2021-03-03", "a`b", "`x", "x`", "``", "a ``` b", " a ", " a", "a  b", "*not bold*",
    "<b>x</b>", "$x$", ":red[x]", "S P IY CH", "le chat est noir .", "`", " ",
])
def test_code_span_reads_back_as_the_exact_text(text):
    assert commonmark_code_span(code_span(text)) == text


def test_empty_output_shows_as_one_space_and_lines_as_spaces():
    assert commonmark_code_span(code_span("")) == " "
    assert commonmark_code_span(code_span("a\nb")) == "a b"
