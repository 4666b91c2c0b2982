"""How tests read the model outputs a view shows as code spans (``ui.text.code_span``).

Decode draws its greedy and beam outputs with ``st.markdown(code_span(text))`` rather than
``st.code`` (first paint: bench/first_paint.py), so in AppTest they are the markdown
elements that are a code span; ``outputs(at)`` lists them in page order, as markdown.
"""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest
from ui.text import code_span

__all__ = ["code_span", "commonmark_code_span", "output_texts", "outputs"]


def outputs(at: AppTest) -> list[str]:
    """The markdown of every code-span element on the page (the shown outputs)."""
    return [m.value for m in at.markdown if m.value.startswith("`") and m.value.endswith("`")]


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


def output_texts(at: AppTest) -> list[str]:
    """The texts the page's output code spans show (an empty output shows as " ")."""
    return [commonmark_code_span(m) for m in outputs(at)]
