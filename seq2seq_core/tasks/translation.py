"""The ``translation`` task: English to French, German or Spanish on Tatoeba pairs.

Pipeline: read the ManyThings file (``tatoeba``), normalise both sides (NFC, no-break
spaces, optional lower-casing), apply the user's filters, hold out English sentences
(with every translation Tatoeba gives for them as references), then build the
vocabularies: words (punctuation split off), or sentencepiece subwords (BPE or unigram)
trained on the training side of the chosen data. Reading and sentencepiece training
report progress through an optional callback and are cached per process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from seq2seq_core.subword import train_subword
from seq2seq_core.tasks.base import Pair, TaskData, split_by_source
from seq2seq_core.tasks.options import option
from seq2seq_core.tasks.tatoeba import (
    LANGUAGES,
    Progress,
    filter_pairs,
    find_corpus,
    normalize,
    parse_manythings,
)
from seq2seq_core.vocab import Vocab

Tokenization = Literal["word", "bpe", "unigram"]
TRANSLATION_EXAMPLES: tuple[str, ...] = ("Where is the station?", "I am cold.",
                                         "Do you speak French?", "Tom is my best friend.",
                                         "I love you.", "Thank you very much.")
NORMALIZER = "sentence"  # see tatoeba.normalize: the vocabularies read input the same way
CREDIT = ("Sentence pairs from the Tatoeba Project (tatoeba.org) via ManyThings "
          "(www.manythings.org/anki), licence CC-BY 2.0 FR.")


@dataclass(frozen=True)
class TranslationOptions:
    """The ``translation`` task's options (``generate_translation``)."""

    lang: str = option("fra", "target language", label="language", choices=tuple(LANGUAGES))
    tokenization: str = option("bpe", "words, or sentencepiece subwords (bpe, unigram)",
                               choices=("word", "bpe", "unigram"))
    vocab_size: int = option(2000, "tokens a side, specials included", label="vocabulary size",
                             low=50, high=32000)
    max_len: int = option(12, "longest sentence in words (punctuation counts)",
                          label="longest sentence (words)", low=1, high=50, flag="--max-words")
    max_vocab: int | None = option(None, "keep only sentences of each side's N most frequent "
                                   "words (empty: all)", label="frequent-word filter", low=1,
                                   flag="--max-vocab", optional=True)
    tutorial_prefixes: bool = option(False, "keep only English starting 'i am', 'he is', "
                                     "'you're'... as the PyTorch tutorial does",
                                     label="tutorial prefix filter",
                                     flag="--tutorial-filter")
    lowercase: bool = option(True, "lower-case both sides", label="lower-case",
                             flag="--keep-case")
    data_dir: str | None = option(None, "folder of the ManyThings files (default "
                                  "$SEQ2SEQ_TATOEBA_DIR, else ../shared/data/tatoeba)",
                                  label="data folder", optional=True)


@lru_cache(maxsize=4)
def _read_cached(key: str, data: bytes | None, path: str | None,
                 name: str) -> tuple[tuple[str, str], ...]:
    raw = data if data is not None else Path(path or "").read_bytes()
    return tuple(parse_manythings(raw, name))


def read_corpus(lang: str = "fra", data_dir: str | None = None, data: bytes | None = None,
                name: str | None = None) -> tuple[tuple[str, str], ...]:
    """Raw (English, other) pairs: from uploaded ``data`` bytes, else the file of ``lang``
    under ``data_dir`` (see ``tatoeba.find_corpus``). Cached by content or path and time.

    Raises:
        ValueError: no file found, or a malformed file (the line is named).
    """
    if data is not None:
        return _read_cached(hashlib.sha1(data).hexdigest(), data, None, name or "upload")
    path = find_corpus(lang, data_dir)
    stat = path.stat()
    return _read_cached(f"{path}:{stat.st_mtime_ns}:{stat.st_size}", None, str(path),
                        name or path.name)


def _vocabs(train: tuple[Pair, ...], tokenization: str, vocab_size: int,
            lowercase: bool) -> tuple[Vocab, Vocab]:
    sides = ([p.source for p in train], [p.target for p in train])
    if tokenization == "word":
        return (Vocab.build(sides[0], "word", vocab_size, lowercase, NORMALIZER),
                Vocab.build(sides[1], "word", vocab_size, lowercase, NORMALIZER))
    models = [train_subword(texts, vocab_size, tokenization) for texts in sides]
    return (Vocab.from_subword(models[0], lowercase, NORMALIZER),
            Vocab.from_subword(models[1], lowercase, NORMALIZER))


def generate_translation(lang: str = "fra", n_heldout: int = 1000, seed: int = 0,
                         lowercase: bool = True, max_len: int = 12,
                         tutorial_prefixes: bool = False, max_vocab: int | None = None,
                         tokenization: Tokenization = "bpe", vocab_size: int = 2000,
                         data_dir: str | None = None, data: bytes | None = None,
                         data_name: str | None = None, n_train: int | None = None,
                         progress: Progress | None = None) -> TaskData:
    """Generate the ``translation`` task (English -> ``lang``).

    Args:
        lang: "fra", "deu" or "spa".
        n_heldout: English sentences held out (with all their translations).
        seed: shuffles sentences before the split.
        lowercase: lower-case both sides (the model, and its input, are then caseless).
        max_len, tutorial_prefixes, max_vocab: filters, see ``tatoeba.filter_pairs``.
        tokenization: "word", or sentencepiece "bpe" / "unigram" subwords.
        vocab_size: tokens per side, specials included: the most frequent training words
            (rarer ones become <unk>), or the sentencepiece pieces (a soft limit).
        data_dir: folder holding the ManyThings files (default ``tatoeba.default_dir()``).
        data: an uploaded ManyThings ``.txt`` or ``.zip`` instead of the folder's file.
        data_name: the upload's file name, for messages.
        n_train: cap on training pairs (None = all).
        progress: called with (fraction 0-1, message) while preparing.

    Raises:
        ValueError: missing or malformed data, bad options, or too few pairs left.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    if tokenization not in ("word", "bpe", "unigram"):
        raise ValueError(f"tokenization must be word, bpe or unigram; got {tokenization!r}")
    if max_len < 1 or (max_vocab is not None and max_vocab < 1) or vocab_size < 50:
        raise ValueError("max_len and max_vocab must be at least 1, vocab_size at least 50")
    report = progress or (lambda fraction, message: None)
    report(0.0, "reading the corpus")
    raw = read_corpus(lang, data_dir, data, data_name)
    report(0.4, f"normalising and filtering {len(raw):,} pairs")
    pairs = [(normalize(en, lowercase), normalize(xx, lowercase)) for en, xx in raw]
    kept, notes = filter_pairs(pairs, max_len, tutorial_prefixes, max_vocab)
    train, heldout, refs = split_by_source([Pair(en, xx) for en, xx in kept], n_heldout, seed,
                                           keep_all_train_targets=True)
    if n_train is not None:
        train = train[:n_train]
    if tokenization != "word":
        report(0.6, f"training sentencepiece ({tokenization}, {vocab_size:,} pieces a side)")
    vocabs = _vocabs(train, tokenization, vocab_size, lowercase)
    report(1.0, "ready")
    kind = "word" if tokenization == "word" else f"{tokenization} subword"
    notes.append(f"vocabularies: {len(vocabs[0]):,} English and {len(vocabs[1]):,} "
                 f"{LANGUAGES[lang]} {kind} tokens (4 specials included"
                 + ("; rarer words become <unk>)" if tokenization == "word" else ")"))
    notes = [f"{len(raw):,} English-{LANGUAGES[lang]} pairs read; Unicode NFC, no-break "
             f"spaces made spaces, ’ made '{', lower-cased' if lowercase else ''}", *notes,
             f"{len(train):,} training pairs (every translation of "
             f"{len({p.source for p in train}):,} English sentences), {len(heldout):,} "
             "held-out English sentences (all their translations are references)", CREDIT]
    level = "word" if tokenization == "word" else "subword"
    return TaskData("translation", train, heldout, level, level, refs, vocabs, tuple(notes))
