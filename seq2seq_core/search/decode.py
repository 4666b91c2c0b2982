"""Text in, search result out: input validation at the boundary, then greedy or beam.

Every user-facing decode goes through ``decode_text`` so that empty, over-long or
unknown-character input fails the same way everywhere with an ``InputError``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from seq2seq_core.config import DecodeConfig
from seq2seq_core.normalize import normalize
from seq2seq_core.search.beam import beam_search
from seq2seq_core.search.greedy import greedy_search, sample_search
from seq2seq_core.search.tree import SearchResult
from seq2seq_core.trained import TrainedModel
from seq2seq_core.vocab import EOS

MAX_INPUT_TOKENS = 200


class InputError(ValueError):
    """The source text cannot be decoded; the message says why and how to fix it."""


def check_source(tm: TrainedModel, text: str, max_tokens: int = MAX_INPUT_TOKENS) -> str:
    """Normalise ``text`` with the source vocabulary's normaliser and make sure the model
    can read it.

    Returns:
        The normalised text (not lower-cased: the vocabulary does that when it splits).

    Raises:
        InputError: if the text is empty, longer than ``max_tokens`` tokens, has
            tokens outside the source vocabulary (they are named), or is not an image
            strip for a model that reads them (``images``).
    """
    text = normalize(text, tm.src_vocab.normalizer)
    if not text:
        raise InputError("The input is empty: type something to decode.")
    try:
        n_tokens = len(tm.src_vocab.split(text))
    except ValueError as err:  # an image model given text, or a damaged strip
        raise InputError(str(err)) from None
    if n_tokens > max_tokens:
        raise InputError(f"The input has {n_tokens} tokens; this model reads at most "
                         f"{max_tokens}. Shorten it.")
    if tm.src_vocab.subword is not None:  # unknown characters are read as <unk>
        unknown = tm.src_vocab.unknown_characters(text)
        if not set(tm.src_vocab.normalize(text)) - set(unknown) - {" "}:
            raise InputError(f"The model has never seen any of the characters "
                             f"{_quoted(unknown)}: type text in {_alphabet_hint(tm)}.")
        return text
    unknown = tm.src_vocab.unknown_tokens(text)
    if unknown:
        shown = " ".join(repr(t) for t in unknown[:10])
        raise InputError(f"The model has never seen {shown}. Remove or replace "
                         f"{'it' if len(unknown) == 1 else 'them'}; it knows "
                         f"{len(tm.src_vocab) - 4} {tm.src_vocab.level} tokens.")
    return text


def _quoted(items: Sequence[str], limit: int = 10) -> str:
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return " ".join(repr(t) for t in items[:limit]) + more


def _alphabet_hint(tm: TrainedModel, limit: int = 40) -> str:
    """What a model reads: "the letters it was trained on (a b c ... é)"."""
    letters = sorted(c for c in tm.src_vocab.alphabet if c.isalpha())
    more = " ..." if len(letters) > limit else ""
    return f"the letters it was trained on ({' '.join(letters[:limit])}{more})"


def unknown_note(tm: TrainedModel, text: str) -> str | None:
    """What to tell the user about ``text``'s characters the model never saw (a subword
    model reads them as its <unk> piece), or None when it knows them all."""
    unknown = tm.src_vocab.unknown_characters(text)
    if not unknown:
        return None
    one = len(unknown) == 1
    return (f"The model has never seen {'the character' if one else 'the characters'} "
            f"{_quoted(unknown)}: {'it is' if one else 'they are'} read as <unk>, the "
            "unknown piece, and the rest is translated.")


def decode_text(tm: TrainedModel, text: str, cfg: DecodeConfig,
                max_tokens: int = MAX_INPUT_TOKENS,
                prefix: Sequence[int] = ()) -> SearchResult:
    """Decode one source text with ``cfg.strategy`` ("greedy", "beam" or "sample").

    Args:
        prefix: target token ids to force before the search continues (the "be the beam"
            intervention); their teacher-forced log-probs count in the scores.

    Raises:
        InputError: see ``check_source``; also for a prefix id outside the vocabulary.
    """
    text = check_source(tm, text, max_tokens)
    if any(not 0 <= i < len(tm.tgt_vocab) for i in prefix):
        raise InputError("The forced prefix holds ids outside the target vocabulary.")
    source = tm.src_vocab.encode(text, add_eos=True)  # (S,)
    source_tokens = tuple(tm.src_vocab.split(text)) + (EOS,)
    if tm.model.training:  # dropout would make the output random
        raise RuntimeError("decode_text needs a model in eval mode; call model.eval() first")
    if cfg.strategy == "beam":
        return beam_search(tm.model, source, cfg=cfg, tgt_vocab=tm.tgt_vocab,
                           source_tokens=source_tokens, prefix=prefix)
    if cfg.strategy == "sample":
        return sample_search(tm.model, source, max_len=cfg.max_len, tgt_vocab=tm.tgt_vocab,
                             temperature=cfg.temperature, top_k=cfg.top_k,
                             generator=torch.Generator().manual_seed(cfg.seed),
                             source_tokens=source_tokens, prefix=prefix)
    return greedy_search(tm.model, source, max_len=cfg.max_len, tgt_vocab=tm.tgt_vocab,
                         source_tokens=source_tokens, prefix=prefix)
