"""How tests read the plotly charts a view draws, by the key it draws them with
(``figures.show(..., key=...)``): Streamlit's element id ends in ``-<key>``."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def has_chart(at: AppTest, key: str) -> bool:
    """Whether the page drew a chart with ``key``."""
    return any(c.proto.id.endswith(f"-{key}") for c in at.get("plotly_chart"))


def chart(at: AppTest, key: str) -> dict:
    """The plotly figure (its JSON spec) of the one chart drawn with ``key``."""
    found = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
             if c.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, (key, [c.proto.id for c in at.get("plotly_chart")])
    return found[0]
