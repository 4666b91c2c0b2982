"""Untrusted text (uploaded names, checkpoint metadata, error messages) in Streamlit
markdown: escaped so it shows as typed and is never interpreted as markup or HTML."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&:$=])")


def md_escape(text: str, max_chars: int = 300) -> str:
    """``text`` as literal markdown: every markup character backslash-escaped, newlines
    flattened, cut to ``max_chars``.

    Example: md_escape("**<b>hi</b>**") -> "\\*\\*\\<b\\>hi\\</b\\>\\*\\*".
    """
    flat = " ".join(str(text).split())
    if len(flat) > max_chars:
        flat = flat[: max_chars - 1] + "…"
    return _SPECIAL.sub(r"\\\1", flat)


def code_span_safe(text: str, max_chars: int = 80) -> str:
    """``text`` for inside a markdown code span (`...`), where escapes do not work:
    backticks become apostrophes, newlines spaces. Example: "a`b" -> "a'b"."""
    flat = " ".join(str(text).split()).replace("`", "'")
    return flat if len(flat) <= max_chars else flat[: max_chars - 1] + "…"
