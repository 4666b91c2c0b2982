"""Character-, word- and subword-level vocabularies with PAD/BOS/EOS/UNK, saved as JSON.

Ids 0-3 are always the specials, in that order, so a padded batch is filled with 0.
A subword vocabulary carries its sentencepiece model (``subword.SubwordModel``), which
splits text into pieces; checkpoints store the model's bytes beside the JSON. Every
vocabulary names its text normaliser (``normalize.NORMALIZERS``) and whether it
lower-cases; ``Vocab.normalize`` applies both and every tokenising path goes through it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import seq2seq_core.images as images
import seq2seq_core.normalize as norm
from seq2seq_core.subword import SPACE, SubwordModel

TokenLevel = Literal["char", "word", "subword", "image"]

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIALS = (PAD, BOS, EOS, UNK)
PAD_ID, BOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3
FORMAT = "seq2seq-explorer-vocab"
LEVELS = ("char", "word", "subword", "image")
# A word: letters/digits, with inner apostrophes kept ("i'm", "aujourd'hui"); any other
# non-space character (punctuation) is a token of its own.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|\S")


def tokenize(text: str, level: TokenLevel) -> list[str]:
    """Split text into tokens: characters, words with punctuation split off, or the
    column positions of an image strip (``images``: "img:…" -> ["c0", "c1", …]).

    Example: tokenize("ab c", "char") -> ["a", "b", " ", "c"];
    tokenize("I'm cold.", "word") -> ["I'm", "cold", "."].

    Raises:
        ValueError: for "subword", which needs its model: use ``Vocab.split``; for
            "image", a text that is not a strip.
    """
    if level == "image":
        return images.column_labels(text)
    if level == "char":
        return list(text)
    if level == "word":
        return _WORD.findall(text)
    raise ValueError(f"cannot split {level!r} text without its model; use Vocab.split")


@dataclass(frozen=True)
class Vocab:
    """An ordered token list; a token's id is its index.

    Attributes:
        tokens: all tokens, the four specials first.
        level: "char", "word", "subword" or "image", how text is split into tokens.
        lowercase: text is lower-cased before it is split (the model never saw capitals).
        subword: the sentencepiece model of a "subword" vocabulary, else None.
        normalizer: name of the text normaliser (``normalize.NORMALIZERS``) applied to
            every text before it is split, chosen by the task and saved with the tokens.
    """

    tokens: tuple[str, ...]
    level: TokenLevel = "char"
    lowercase: bool = False
    subword: SubwordModel | None = None
    normalizer: str = norm.DEFAULT

    def __post_init__(self) -> None:
        norm.get(self.normalizer)  # raises for an unknown name
        if self.level not in LEVELS:
            raise ValueError(f"vocabulary level must be one of {', '.join(LEVELS)}; "
                             f"got {self.level!r}")
        if (self.level == "subword") != (self.subword is not None):
            raise ValueError("a subword vocabulary needs its sentencepiece model, and only "
                             "a subword vocabulary has one")
        if self.subword is not None and self.tokens[4:] != self.subword.pieces:
            raise ValueError("the vocabulary's tokens are not the sentencepiece model's "
                             "pieces: the two files come from different models")
        if tuple(self.tokens[:4]) != SPECIALS:
            raise ValueError(f"vocabulary must start with the specials {', '.join(SPECIALS)}")
        if len(set(self.tokens)) != len(self.tokens):
            dupes = sorted(t for t, n in Counter(self.tokens).items() if n > 1)
            raise ValueError(f"vocabulary has duplicate tokens: {dupes[:5]!r}")
        if any(not isinstance(t, str) or t == "" for t in self.tokens):
            raise ValueError("vocabulary tokens must be non-empty strings")
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.tokens)})
        object.__setattr__(self, "_alphabet", frozenset(
            c for t in self.tokens[len(SPECIALS):] for c in t) - {SPACE})

    @classmethod
    def build(cls, texts: Iterable[str], level: TokenLevel = "char",
              max_size: int | None = None, lowercase: bool = False,
              normalizer: str = norm.DEFAULT) -> Vocab:
        """Vocabulary of every token in ``texts``, most frequent first, ties by token.

        Args:
            texts: the training side (source or target) of a task.
            level: "char" or "word" (a subword vocabulary comes from ``from_subword``).
            max_size: cap on the number of tokens, specials included (None = no cap).
            lowercase: lower-case text before splitting it, here and when encoding.
            normalizer: the text normaliser, here and when encoding.
        """
        blank = cls(SPECIALS, level, lowercase, normalizer=normalizer)
        counts = Counter(tok for text in texts for tok in tokenize(blank.normalize(text), level))
        ranked = sorted(counts, key=lambda t: (-counts[t], t))
        ranked = [t for t in ranked if t not in SPECIALS]
        if max_size is not None:
            ranked = ranked[: max(0, max_size - len(SPECIALS))]
        return cls(SPECIALS + tuple(ranked), level, lowercase, normalizer=normalizer)

    @classmethod
    def from_subword(cls, model: SubwordModel, lowercase: bool = False,
                     normalizer: str = norm.DEFAULT) -> Vocab:
        """The vocabulary of a sentencepiece model: the specials, then its pieces."""
        return cls(SPECIALS + model.pieces, "subword", lowercase, model, normalizer)

    def normalize(self, text: str) -> str:
        """``text`` as this vocabulary reads it: its normaliser, then lower-cased if it is.

        Example (normalizer "sentence", lowercase): " I’m  tired. " -> "i'm tired."
        """
        text = norm.normalize(text, self.normalizer)
        return text.lower() if self.lowercase else text

    def split(self, text: str) -> list[str]:
        """Tokens of ``text`` as this vocabulary sees them (after ``normalize``)."""
        text = self.normalize(text)
        if self.subword is not None:
            return self.subword.split(text)
        return tokenize(text, self.level)

    def join(self, tokens: Sequence[str]) -> str:
        """Text from tokens: characters joined, words joined by spaces, pieces detokenised.

        Example (word level): ["je", "vais", "bien", "."] -> "je vais bien ."
        """
        if self.subword is not None:
            return self.subword.join(tokens)
        return ("" if self.level == "char" else " ").join(tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    def id_of(self, token: str) -> int:
        return self._index.get(token, UNK_ID)  # type: ignore[attr-defined]

    def unknown_tokens(self, text: str) -> list[str]:
        """Tokens of ``text`` that are not in the vocabulary, in order, without repeats."""
        seen: dict[str, None] = {}
        for tok in self.split(text):
            if tok not in self._index:  # type: ignore[attr-defined]
                seen.setdefault(tok)
        return list(seen)

    def unknown_characters(self, text: str) -> list[str]:
        """Characters of ``text`` (after ``normalize``, spaces aside) that appear in no
        token of the vocabulary, in order, without repeats. A subword vocabulary reads
        them as its <unk> piece; for words or characters they make unknown tokens.

        Example (a lower-casing subword vocabulary of English): "Hi Жан 😀" ->
        ["ж", "а", "н", "😀"].
        """
        return list(dict.fromkeys(c for c in self.normalize(text)
                                  if not c.isspace() and c not in self.alphabet))

    @property
    def alphabet(self) -> frozenset[str]:
        """Every character of the ordinary tokens (the word-start mark ``▁`` left out)."""
        return self._alphabet  # type: ignore[attr-defined]

    def encode(self, text: str, *, add_eos: bool = False) -> list[int]:
        """Token ids of ``text``; unknown tokens become UNK; EOS appended on request.

        An "image" vocabulary gives each column the id that packs its pixels
        (``images.column_ids``), not its label's index: the image encoder reads them.
        """
        if self.level == "image":
            ids = images.column_ids(self.normalize(text))
        else:
            ids = [self.id_of(tok) for tok in self.split(text)]
        return ids + [EOS_ID] if add_eos else ids

    def to_tokens(self, ids: Sequence[int]) -> list[str]:
        """Token strings for ids, stopping before the first EOS, dropping PAD and BOS."""
        out = []
        for i in ids:
            if i == EOS_ID:
                break
            if i not in (PAD_ID, BOS_ID):
                out.append(self.tokens[i])
        return out

    def decode(self, ids: Sequence[int]) -> str:
        """Text for ids (see ``to_tokens`` and ``join``)."""
        return self.join(self.to_tokens(ids))

    def to_json(self) -> dict[str, Any]:
        """The vocabulary as JSON (a subword model's bytes are saved apart, see checkpoint)."""
        data = {"format": FORMAT, "version": 1, "level": self.level,
                "normalizer": self.normalizer, "tokens": list(self.tokens)}
        return {**data, "lowercase": True} if self.lowercase else data

    @classmethod
    def from_json(cls, data: Any, subword: SubwordModel | None = None) -> Vocab:
        """Rebuild a vocabulary saved by ``to_json`` (with its model if level is "subword").

        Raises:
            ValueError: if ``data`` is not a vocabulary of this format, or the subword
                model is missing or does not match the tokens.
        """
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a vocabulary file (expected format {FORMAT!r})")
        if data.get("version") != 1:
            raise ValueError(f"unsupported vocabulary version {data.get('version')!r}")
        tokens = data.get("tokens")
        if not isinstance(tokens, list):
            raise ValueError("vocabulary 'tokens' must be a list of strings")
        normalizer = data.get("normalizer", norm.DEFAULT)
        if normalizer not in norm.NORMALIZERS:
            raise ValueError(f"vocabulary names an unknown text normaliser {normalizer!r}; "
                             f"this version knows {', '.join(norm.NORMALIZERS)}")
        return cls(tuple(tokens), data.get("level", "char"), bool(data.get("lowercase", False)),
                   subword, normalizer)

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, ensure_ascii=False, indent=0)
