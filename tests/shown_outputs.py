"""How tests read the model outputs a view shows as code spans (``ui.text.code_span``).

Decode draws its greedy and beam outputs with ``st.markdown(code_span(text))`` rather than
``st.code`` (first paint: bench/first_paint.py), so in AppTest they are the markdown
elements that are a code span; ``outputs(at)`` lists them in page order, as markdown.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from ui.text import code_span

__all__ = ["code_span", "outputs"]


def outputs(at: AppTest) -> list[str]:
    """The markdown of every code-span element on the page (the shown outputs)."""
    return [m.value for m in at.markdown if m.value.startswith("`") and m.value.endswith("`")]
