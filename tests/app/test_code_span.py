"""ui.text.code_span: a markdown code span that CommonMark reads back as the exact text."""

from __future__ import annotations

import re

import pytest
from ui.text import code_span


def commonmark_code_span(markdown: str) -> str:
    """The text of a markdown string that is one code span, read as CommonMark 0.31 says
    (section 6.1): a backtick run opens it, the next run of the same length closes it,
    line endings become spaces, and one space is stripped from each end when both ends are
    spaces and the content is not only spaces."""
    opening = re.match(r"`+", markdown)
    assert opening, markdown
    fence = opening.group()
    closing = [m for m in re.finditer(r"`+", markdown[len(fence):]) if m.group() == fence]
    assert closing, f"no closing fence in {markdown!r}"
    end = len(fence) + closing[0].start()
    assert end + len(fence) == len(markdown), f"{markdown!r} is more than one code span"
    content = markdown[len(fence):end].replace("\n", " ")
    if content.startswith(" ") and content.endswith(" ") and content.strip():
        content = content[1:-1]
    return content


@pytest.mark.parametrize("text", [
    "2021-03-03", "a`b", "`x", "x`", "``", "a ``` b", " a ", " a", "a  b", "*not bold*",
    "<b>x</b>", "$x$", ":red[x]", "S P IY CH", "le chat est noir .", "`", " ",
])
def test_code_span_reads_back_as_the_exact_text(text):
    assert commonmark_code_span(code_span(text)) == text


def test_empty_output_shows_as_one_space_and_lines_as_spaces():
    assert commonmark_code_span(code_span("")) == " "
    assert commonmark_code_span(code_span("a\nb")) == "a b"
