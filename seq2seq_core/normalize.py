"""Text normalisers: the one place where raw text is made canonical before tokenising.

A vocabulary names its normaliser (``Vocab.normalizer``, saved in its JSON), chosen by
the task that built it, and ``Vocab.split`` applies it, so training, decoding, tracing,
beam search, evaluation, the CLI and the app all see the same text. Adding one is one
function and one entry in ``NORMALIZERS``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

NO_BREAK_SPACES = ("\u00a0", "\u202f", "\u2007")  # no-break, narrow no-break, figure space
# Typographic quotes and apostrophes that phones and Macs type for ' and ".
TYPOGRAPHIC = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'",
                             "\u201c": '"', "\u201d": '"'})


def nfc(text: str) -> str:
    """Unicode NFC, no-break spaces to plain spaces, surrounding whitespace removed.

    For machine-made text (dates, reversed strings, words for g2p), where every other
    character is meaningful. Example: "12\\u00a0mars " -> "12 mars".
    """
    text = unicodedata.normalize("NFC", text)
    for space in NO_BREAK_SPACES:
        text = text.replace(space, " ")
    return text.strip()


def sentence(text: str) -> str:
    """``nfc``, then typographic apostrophes and quotes to ASCII (``’`` -> ``'``) and runs
    of whitespace to one space.

    For people's sentences (translation): "I’m  tired." and "I'm tired." are one input.
    """
    return " ".join(nfc(text).translate(TYPOGRAPHIC).split())


NORMALIZERS: dict[str, Callable[[str], str]] = {"nfc": nfc, "sentence": sentence}
DEFAULT = "nfc"


def normalize(text: str, name: str = DEFAULT) -> str:
    """``text`` through the normaliser ``name`` (a key of ``NORMALIZERS``).

    Raises:
        ValueError: for an unknown name (the known ones are listed).
    """
    return get(name)(text)


def get(name: str) -> Callable[[str], str]:
    """The normaliser called ``name``.

    Raises:
        ValueError: for an unknown name (the known ones are listed).
    """
    try:
        return NORMALIZERS[name]
    except KeyError:
        raise ValueError(f"unknown text normaliser {name!r}; choose one of "
                         f"{', '.join(NORMALIZERS)}") from None
