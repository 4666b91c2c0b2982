"""Untrusted text (uploaded names, checkpoint metadata, error messages) in Streamlit
markdown: escaped so it shows as typed and is never interpreted as markup or HTML."""

from __future__ import annotations

import re

from seq2seq_core import images

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


def code_span(text: str) -> str:
    """``text`` as a markdown code span that shows it exactly (unlike ``code_span_safe``,
    nothing is replaced or cut): the fence is one backtick longer than the longest run of
    backticks inside, padded with a space where CommonMark would otherwise read a backtick
    or a space at either end differently. Lines become spaces; "" shows as one space.

    Streamlit draws a code span with the markdown it already has loaded, where ``st.code``
    first fetches a 1.5 MB syntax highlighter (bench/first_paint.py).

    Examples: "a`b" -> "``a`b``"; "`x" -> "`` `x ``"; "" -> "` `".
    """
    flat = " ".join(str(text).splitlines()) or " "
    runs = re.findall(r"`+", flat)
    fence = "`" * (max(map(len, runs), default=0) + 1)
    pad = " " if (flat[0] == "`" or flat[-1] == "`"
                  or (flat[0] == " " and flat[-1] == " " and flat.strip())) else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def source_label(text: str, reference: str | None = None) -> str:
    """How a view names a source in captions, tables and titles: the text itself, or for
    an image strip (a source text "img:...") its digits when known, else its width.

    Examples: "abc" -> "abc"; a 40-column strip -> "strip of 40 columns"; with
    reference "4071" -> "strip of 4071 (40 columns)".
    """
    if not text.startswith(images.PREFIX):
        return text
    try:
        width = images.strip_width(text)
    except ValueError:
        return "damaged strip"
    columns = f"{width} column{'' if width == 1 else 's'}"
    return f"strip of {reference} ({columns})" if reference else f"strip of {columns}"
