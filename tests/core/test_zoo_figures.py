"""The stored held-out figures and telling examples match the shipped weights.

``heldout.json`` is checked against a fresh computation on a sample of its rows, and
every example in ``examples.json`` is decoded again: the difference it claims (beam
search and greedy disagree; the fixed-context model and its attention twin disagree on
correctness) must still hold, so the files can never drift from the weights.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from seq2seq_core import Pair, decode_text, load
from seq2seq_core.metrics import canonical_references, is_correct
from seq2seq_core.zoo import (
    Figures,
    compute_figures,
    decode_config,
    load_examples,
    load_figures,
    telling_examples,
    twin_name,
)

ROOT = Path(__file__).resolve().parents[2]
MODELS = sorted(p.name for p in (ROOT / "pretrained").iterdir() if (p / "config.json").is_file())
SAMPLE = 12


@cache
def model(name: str):
    return load(ROOT / "pretrained" / name)


def test_every_shipped_model_has_its_figures_and_examples():
    for name in MODELS:
        figs = load_figures(ROOT / "pretrained" / name)
        assert figs is not None, name
        assert figs.rows and set(figs.overall) == {"greedy", "beam"}
        load_examples(ROOT / "pretrained" / name)  # well formed


@pytest.mark.parametrize("name", MODELS)
def test_stored_rows_match_a_fresh_decode(name):
    tm, figs = model(name), load_figures(ROOT / "pretrained" / name)
    step = max(1, len(figs.rows) // SAMPLE)
    rows = figs.rows[::step][:SAMPLE]
    fresh = compute_figures(tm, [Pair(r.source, r.references[0]) for r in rows],
                            [r.references for r in rows])
    for old, new in zip(rows, fresh.rows):
        assert (old.greedy, old.beam, old.greedy_correct, old.beam_correct, old.length) == \
            (new.greedy, new.beam, new.greedy_correct, new.beam_correct, new.length), name
    by_len = {n: (count, em) for n, count, em, _ in figs.by_length["greedy"]}
    assert sum(c for c, _ in by_len.values()) == figs.n
    share = sum(c * em for c, em in by_len.values()) / figs.n
    assert share == pytest.approx(figs.overall["greedy"]["exact_match"])


@pytest.mark.parametrize("name", MODELS)
def test_every_stored_example_still_shows_its_contrast(name):
    folder = ROOT / "pretrained" / name
    tm, figs = model(name), load_figures(folder)
    for ex in load_examples(folder):
        row = figs.by_source()[ex["source"]]  # every example keeps its row
        assert ex["reference"] == row.references[0]
        refs = canonical_references(tm.tgt_vocab, row.references)
        if ex["kind"] == "greedy-vs-beam":
            greedy, beam = (decode_text(tm, ex["source"], decode_config(s, figs.max_len))
                            .best.text for s in ("greedy", "beam"))
            assert greedy != beam, (name, ex)
            assert f"'{greedy}'" in ex["note"] and f"'{beam}'" in ex["note"], (name, ex)
            claims = {"beam search finds": (False, True), "greedy finds": (True, False),
                      "both are correct": (True, True), "neither finds": (False, False)}
            verdict = next(v for k, v in claims.items() if ex["note"].startswith(k))
            assert (is_correct(greedy, refs), is_correct(beam, refs)) == verdict, (name, ex)
        else:
            twin = model(twin_name(name))
            mine, theirs = (decode_text(m, ex["source"], decode_config("greedy", figs.max_len))
                            .best.text for m in (tm, twin))
            ok = [is_correct(t, canonical_references(m.tgt_vocab, row.references))
                  for t, m in ((mine, tm), (theirs, twin))]
            assert ok[0] != ok[1], (name, ex)


def test_mining_finds_each_kind_on_hand_made_figures():
    def rows(*items):
        from seq2seq_core.zoo import PairResult
        return tuple(PairResult(s, (r,), len(s), g, b, g == r, b == r)
                     for s, r, g, b in items)

    att = Figures(10, (), {}, {}, rows(("ab", "ba", "ba", "ba"), ("abc", "cba", "cca", "cba"),
                                       ("abcd", "dcba", "dcba", "dcba")), 3)
    fix = Figures(10, (), {}, {}, rows(("ab", "ba", "ba", "ba"), ("abc", "cba", "cba", "cba"),
                                       ("abcd", "dcba", "dddd", "dddd")), 3)
    examples = telling_examples(att, fix, is_attention=True)
    kinds = [(e["kind"], e["source"]) for e in examples]
    assert ("greedy-vs-beam", "abc") in kinds
    assert ("fixed-vs-attention", "abcd") in kinds  # attention right, fixed wrong
    assert ("fixed-vs-attention", "abc") in kinds  # the reverse, too
    assert kinds.index(("fixed-vs-attention", "abcd")) < kinds.index(("fixed-vs-attention",
                                                                       "abc"))
    assert all(set(e) == {"source", "reference", "kind", "note"} for e in examples)
