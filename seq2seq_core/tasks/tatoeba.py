"""Tatoeba sentence pairs in the ManyThings format: find, read, normalise and filter them.

The files come from www.manythings.org/anki (sentences from tatoeba.org, licence CC-BY
2.0 FR). They are never part of this project: they are read from a folder (the
``SEQ2SEQ_TATOEBA_DIR`` environment variable, else ``../shared/data/tatoeba`` beside the
repository when it exists), a path, or uploaded bytes. Each line is
``English<TAB>Other`` with an optional third attribution column; a ``.zip`` as
downloaded holds ``<lang>.txt`` and ``_about.txt``.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from seq2seq_core.normalize import sentence
from seq2seq_core.pairs import NO_LIMITS, decode_utf8, parse_pairs
from seq2seq_core.vocab import tokenize

TATOEBA_ENV = "SEQ2SEQ_TATOEBA_DIR"
REPO_ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = {"fra": "French", "deu": "German", "spa": "Spanish"}
DOWNLOAD_HINT = ("download {lang}-eng.zip from https://www.manythings.org/anki/ and put it "
                 "(or the {lang}.txt inside it) in a folder named by SEQ2SEQ_TATOEBA_DIR")
# The PyTorch seq2seq tutorial's English prefixes, in its normalised form ("i'm" -> "i m").
TUTORIAL_PREFIXES = ("i am ", "i m ", "he is", "he s ", "she is", "she s ", "you are",
                     "you re ", "we are", "we re ", "they are", "they re ")
Progress = Callable[[float, str], None]


def default_dir() -> Path | None:
    """$SEQ2SEQ_TATOEBA_DIR, else ``<repo>/../shared/data/tatoeba`` if it exists, else None."""
    env = os.environ.get(TATOEBA_ENV)
    if env:
        return Path(env)
    shared = REPO_ROOT.parent / "shared" / "data" / "tatoeba"
    return shared if shared.is_dir() else None


def find_corpus(lang: str, data_dir: str | Path | None = None) -> Path:
    """The file of one language pair under ``data_dir`` (default: ``default_dir()``).

    Looks for ``<lang>-eng/<lang>.txt``, ``<lang>.txt``, ``<lang>-eng.zip``.

    Raises:
        ValueError: for an unknown language or when no file is found (says where to get it).
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    folder = Path(data_dir) if data_dir else default_dir()
    if folder is None:
        raise ValueError("no Tatoeba folder is set: " + DOWNLOAD_HINT.format(lang=lang))
    for name in (f"{lang}-eng/{lang}.txt", f"{lang}.txt", f"{lang}-eng.zip"):
        if (folder / name).is_file():
            return folder / name
    raise ValueError(f"no {lang}-eng data in {folder}: " + DOWNLOAD_HINT.format(lang=lang))


def _text_of(data: bytes, name: str) -> str:
    """The corpus text of a ``.txt`` file's bytes or of a ManyThings ``.zip``."""
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [m for m in archive.namelist()
                           if m.endswith(".txt") and not Path(m).name.startswith("_")]
                if len(members) != 1:
                    raise ValueError(f"{name}: expected one <lang>.txt in the zip, found "
                                     f"{members or 'none'}")
                data = archive.read(members[0])
        except zipfile.BadZipFile as err:
            raise ValueError(f"{name}: not a readable zip ({err})") from None
    return decode_utf8(data, name)


def parse_manythings(data: bytes, name: str = "corpus",
                     progress: Progress | None = None) -> list[tuple[str, str]]:
    """(English, other) pairs of a ManyThings file (``.txt`` bytes or the ``.zip``), read by
    the project's one pairs parser (``pairs.parse_pairs``) with its attribution column.

    Raises:
        ValueError: a line without 2 or 3 tab-separated columns or with an empty side
            (named by its number), bytes that are not UTF-8, or a zip without one .txt.
    """
    pairs = parse_pairs(b"", name, NO_LIMITS, attribution=True, progress=progress,
                        text=_text_of(data, name))
    return [(p.source, p.target) for p in pairs]


def normalize(text: str, lowercase: bool = True) -> str:
    """The translation task's text: ``normalize.sentence`` (NFC, no-break spaces to
    spaces, typographic apostrophes and quotes to ASCII, runs of whitespace to one space,
    trimmed), optionally lower-cased. Its vocabularies name the same normaliser, so a
    typed input is read exactly as the training text was.

    Example: "Cours\u202f!" -> "cours !"; "J\u2019en suis sûr." -> "j'en suis sûr."
    """
    text = sentence(text)
    return text.lower() if lowercase else text


def tutorial_form(english: str) -> str:
    """The PyTorch tutorial's normalisation, used only to test its prefixes: lower-case,
    accents stripped, ``!?`` split off, every other non-letter a space.

    Example: "I'm sure!" -> "i m sure !"
    """
    text = unicodedata.normalize("NFD", english.lower().strip())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = re.sub(r"([.!?])", r" \1", text)
    return re.sub(r"[^a-zA-Z!?]+", " ", text).strip()


def filter_pairs(pairs: Sequence[tuple[str, str]], max_len: int, tutorial_prefixes: bool,
                 max_vocab: int | None) -> tuple[list[tuple[str, str]], list[str]]:
    """Keep the pairs a user asked for; returns them and one note per filter.

    Args:
        pairs: normalised (English, other) pairs.
        max_len: most word tokens (punctuation counts) on either side.
        tutorial_prefixes: keep only English starting "i am", "he is", "you're", ...
            (``TUTORIAL_PREFIXES`` after ``tutorial_form``), as the PyTorch tutorial does.
        max_vocab: keep only pairs made of each side's ``max_vocab`` most frequent words
            (counted after the other filters); None keeps every word.
    """
    notes = []
    kept = list(pairs)
    if tutorial_prefixes:
        kept = [p for p in kept if tutorial_form(p[0]).startswith(TUTORIAL_PREFIXES)]
        notes.append(f"tutorial prefix filter (English starts with i am, he is, you're, ...): "
                     f"{len(kept):,} of {len(pairs):,} pairs kept")
    before = len(kept)
    kept = [p for p in kept
            if len(tokenize(p[0], "word")) <= max_len and len(tokenize(p[1], "word")) <= max_len]
    notes.append(f"at most {max_len} words a side: {len(kept):,} of {before:,} kept")
    if max_vocab is not None:
        before = len(kept)
        allowed = [_top_words([p[i] for p in kept], max_vocab) for i in (0, 1)]
        kept = [p for p in kept if all(set(tokenize(p[i], "word")) <= allowed[i]
                                       for i in (0, 1))]
        notes.append(f"{max_vocab:,} most frequent words a side: {len(kept):,} of "
                     f"{before:,} kept")
    return kept, notes


def _top_words(texts: Sequence[str], n: int) -> set[str]:
    counts = Counter(tok for text in texts for tok in tokenize(text, "word"))
    return {tok for tok, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]}
