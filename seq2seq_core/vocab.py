"""Character- and word-level vocabularies with PAD/BOS/EOS/UNK, saved as JSON.

Ids 0-3 are always the specials, in that order, so a padded batch is filled with 0.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from seq2seq_core.tasks.base import TokenLevel

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIALS = (PAD, BOS, EOS, UNK)
PAD_ID, BOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3
FORMAT = "seq2seq-explorer-vocab"


def tokenize(text: str, level: TokenLevel) -> list[str]:
    """Split text into tokens: characters, or whitespace-separated words.

    Example: tokenize("ab c", "char") -> ["a", "b", " ", "c"];
    tokenize("ab c", "word") -> ["ab", "c"].
    """
    return list(text) if level == "char" else text.split()


@dataclass(frozen=True)
class Vocab:
    """An ordered token list; a token's id is its index.

    Attributes:
        tokens: all tokens, the four specials first.
        level: "char" or "word", how text is split into tokens.
    """

    tokens: tuple[str, ...]
    level: TokenLevel = "char"

    def __post_init__(self) -> None:
        if self.level not in ("char", "word"):
            raise ValueError(f"vocabulary level must be 'char' or 'word'; got {self.level!r}")
        if tuple(self.tokens[:4]) != SPECIALS:
            raise ValueError(f"vocabulary must start with the specials {', '.join(SPECIALS)}")
        if len(set(self.tokens)) != len(self.tokens):
            dupes = sorted(t for t, n in Counter(self.tokens).items() if n > 1)
            raise ValueError(f"vocabulary has duplicate tokens: {dupes[:5]!r}")
        if any(not isinstance(t, str) or t == "" for t in self.tokens):
            raise ValueError("vocabulary tokens must be non-empty strings")
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.tokens)})

    @classmethod
    def build(cls, texts: Iterable[str], level: TokenLevel = "char",
              max_size: int | None = None) -> Vocab:
        """Vocabulary of every token in ``texts``, most frequent first, ties by token.

        Args:
            texts: the training side (source or target) of a task.
            level: "char" or "word".
            max_size: cap on the number of tokens, specials included (None = no cap).
        """
        counts = Counter(tok for text in texts for tok in tokenize(text, level))
        ranked = sorted(counts, key=lambda t: (-counts[t], t))
        ranked = [t for t in ranked if t not in SPECIALS]
        if max_size is not None:
            ranked = ranked[: max(0, max_size - len(SPECIALS))]
        return cls(SPECIALS + tuple(ranked), level)

    def __len__(self) -> int:
        return len(self.tokens)

    def id_of(self, token: str) -> int:
        return self._index.get(token, UNK_ID)  # type: ignore[attr-defined]

    def unknown_tokens(self, text: str) -> list[str]:
        """Tokens of ``text`` that are not in the vocabulary, in order, without repeats."""
        seen: dict[str, None] = {}
        for tok in tokenize(text, self.level):
            if tok not in self._index:  # type: ignore[attr-defined]
                seen.setdefault(tok)
        return list(seen)

    def encode(self, text: str, *, add_eos: bool = False) -> list[int]:
        """Token ids of ``text``; unknown tokens become UNK; EOS appended on request."""
        ids = [self.id_of(tok) for tok in tokenize(text, self.level)]
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
        """Text for ids (see ``to_tokens``): characters joined, or words joined by spaces."""
        sep = "" if self.level == "char" else " "
        return sep.join(self.to_tokens(ids))

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": 1, "level": self.level, "tokens": list(self.tokens)}

    @classmethod
    def from_json(cls, data: Any) -> Vocab:
        """Rebuild a vocabulary saved by ``to_json``.

        Raises:
            ValueError: if ``data`` is not a vocabulary of this format.
        """
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a vocabulary file (expected format {FORMAT!r})")
        if data.get("version") != 1:
            raise ValueError(f"unsupported vocabulary version {data.get('version')!r}")
        tokens = data.get("tokens")
        if not isinstance(tokens, list):
            raise ValueError("vocabulary 'tokens' must be a list of strings")
        return cls(tuple(tokens), data.get("level", "char"))

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, ensure_ascii=False, indent=0)
