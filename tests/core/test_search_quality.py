"""Batched beam search, forced prefixes, sampling, the exact-search oracle and the sweep."""

import itertools
import math

import pytest

from seq2seq_core import (
    DecodeConfig,
    Pair,
    beam_search,
    beam_search_batch,
    decode_text,
    sequence_log_probs,
)
from seq2seq_core.metrics import chrf
from seq2seq_core.search.oracle import oracle_search
from seq2seq_core.search.sweep import beam_sweep, classify
from seq2seq_core.vocab import EOS_ID, Vocab

ARCHS = [dict(decoder="attention"), dict(decoder="fixed", fixed_context="cho", cell="lstm")]
TEXTS = ["abc", "hgfedcba", "a", "bbbbbb", "cafe"]


def _src(tm, text):
    return tm.src_vocab.encode(text, add_eos=True)


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("k, alpha", [(1, 0.0), (3, 0.0), (5, 1.0)])
def test_batched_equals_one_at_a_time(make_tiny, arch, k, alpha):
    tm = make_tiny(7, **arch)
    cfg = DecodeConfig(beam_size=k, max_len=9, n_best=k, length_penalty=alpha)
    batched = beam_search_batch(tm.model, [_src(tm, t) for t in TEXTS], cfg=cfg,
                                tgt_vocab=tm.tgt_vocab)
    for text, result in zip(TEXTS, batched):
        single = beam_search(tm.model, _src(tm, text), cfg=cfg, tgt_vocab=tm.tgt_vocab)
        assert result.tree is None and single.tree is not None
        assert [h.token_ids for h in result.hypotheses] == [
            h.token_ids for h in single.hypotheses]
        assert [h.score for h in result.hypotheses] == pytest.approx(
            [h.score for h in single.hypotheses], abs=1e-5)


@pytest.mark.parametrize("strategy", ["greedy", "beam"])
def test_forced_prefix_continues_from_the_prefix(make_tiny, strategy):
    tm = make_tiny(8, decoder="attention")
    prefix = tm.tgt_vocab.encode("hh")
    result = decode_text(tm, "abc", DecodeConfig(strategy=strategy, beam_size=3, max_len=8),
                         prefix=prefix)
    forced = [n for n in result.tree.nodes if n.status == "forced"]
    assert [n.token_id for n in forced] == prefix and [n.step for n in forced] == [1, 2]
    for hyp in result.hypotheses:
        assert list(hyp.token_ids[:2]) == prefix
        teacher = sequence_log_probs(tm.model, _src(tm, "abc"), hyp.token_ids)
        assert hyp.score == pytest.approx(sum(teacher), abs=1e-5)


def test_forcing_the_models_own_choice_changes_nothing(make_tiny):
    tm = make_tiny(9, decoder="attention")
    cfg = DecodeConfig(strategy="beam", beam_size=1, max_len=8)
    free = decode_text(tm, "cafe", cfg).best
    forced = decode_text(tm, "cafe", cfg, prefix=free.token_ids[:2]).best
    assert forced.token_ids == free.token_ids
    assert forced.score == pytest.approx(free.score, abs=1e-5)


def test_a_prefix_ending_in_eos_is_a_finished_output(make_tiny):
    tm = make_tiny(9)
    prefix = tm.tgt_vocab.encode("ab") + [EOS_ID]
    result = decode_text(tm, "abc", DecodeConfig(beam_size=4), prefix=prefix)
    assert [h.token_ids for h in result.hypotheses] == [tuple(prefix)]
    assert result.best.finished
    with pytest.raises(ValueError, match="EOS"):
        decode_text(tm, "abc", DecodeConfig(), prefix=[EOS_ID, 4])


def test_sampling_is_seeded_and_scored_by_the_model(make_tiny):
    tm = make_tiny(10, decoder="attention")
    cfg = DecodeConfig(strategy="sample", temperature=1.5, seed=3, max_len=8)
    a, b = decode_text(tm, "abc", cfg), decode_text(tm, "abc", cfg)
    assert a.best.token_ids == b.best.token_ids and a.strategy == "sample"
    teacher = sequence_log_probs(tm.model, _src(tm, "abc"), a.best.token_ids)
    assert a.best.log_probs == pytest.approx(teacher, abs=1e-5)
    samples = {decode_text(tm, "abc", DecodeConfig(strategy="sample", temperature=2.0,
                                                   seed=s, max_len=8)).best.token_ids
               for s in range(8)}
    assert len(samples) > 1  # different seeds draw different outputs


def test_top_k_one_and_low_temperature_are_greedy(make_tiny):
    tm = make_tiny(11, decoder="attention")
    greedy = decode_text(tm, "abc", DecodeConfig(strategy="greedy", max_len=8)).best
    for cfg in (DecodeConfig(strategy="sample", top_k=1, seed=5, max_len=8),
                DecodeConfig(strategy="sample", temperature=0.01, seed=5, max_len=8)):
        assert decode_text(tm, "abc", cfg).best.token_ids == greedy.token_ids


# ---------------------------------------------------------------------------------------
# The oracle against brute force on a tiny vocabulary (<unk>, a, b, c, <eos> producible).
def _tiny_vocab():
    return Vocab(("<pad>", "<bos>", "<eos>", "<unk>", "a", "b", "c"))


def _brute_force_best(tm, source, max_len):
    producible = [2, 3, 4, 5, 6]
    best, best_ids = -math.inf, None
    for length in range(1, max_len + 1):
        for ids in itertools.product(producible, repeat=length):
            if EOS_ID in ids[:-1] or (length < max_len and ids[-1] != EOS_ID):
                continue  # complete outputs only: end in EOS, or reach max_len
            score = sum(sequence_log_probs(tm.model, source, ids))
            if score > best:
                best, best_ids = score, ids
    return best, best_ids


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_oracle_equals_brute_force(seed):
    from tests.conftest import tiny_model
    tm = tiny_model(_tiny_vocab(), seed, decoder="attention")
    source = tm.src_vocab.encode("abca", add_eos=True)
    best, ids = _brute_force_best(tm, source, max_len=4)
    oracle = oracle_search(tm.model, source, max_len=4, tgt_vocab=tm.tgt_vocab)
    assert oracle.exact and oracle.hypothesis.token_ids == ids
    assert oracle.hypothesis.score == pytest.approx(best, abs=1e-5)
    # K = 64 clamps to every producible token (V - 2 = 5). That is not a proof of
    # exactness (a beam keeps K of K * 5 extensions a step), but on this tiny vocabulary
    # the wide beam finds the oracle's output for each seed here: a search that dropped or
    # mis-scored candidates would not.
    beam = beam_search(tm.model, source, cfg=DecodeConfig(beam_size=64, max_len=4),
                       tgt_vocab=tm.tgt_vocab)
    assert beam.best.score == pytest.approx(best, abs=1e-5)
    # And no beam width finds a higher-scoring output than the oracle.
    for k in (1, 2, 3):
        narrow = beam_search(tm.model, source, cfg=DecodeConfig(beam_size=k, max_len=4),
                             tgt_vocab=tm.tgt_vocab)
        assert narrow.best.score <= best + 1e-5


def test_oracle_reports_an_exhausted_budget(make_tiny):
    tm = make_tiny(0)
    result = oracle_search(tm.model, _src(tm, "abc"), max_len=30, tgt_vocab=tm.tgt_vocab,
                           max_expansions=3)
    assert result.hypothesis is None and not result.exact and result.expansions == 3


def test_classify_by_hand():
    from seq2seq_core.search.common import make_hypothesis
    from seq2seq_core.search.oracle import OracleResult
    vocab = _tiny_vocab()
    best = OracleResult(make_hypothesis([4, 2], [-0.1, -0.1], None, -0.2, vocab, 0.0, True, -1),
                        5, True)
    assert classify(True, -0.2, best) == "correct"
    assert classify(False, -0.9, best) == "search"  # the model prefers 'a' to 'b'
    assert classify(False, -0.2, best) == "model"  # beam found the model's best: wrong
    assert classify(False, -0.9, OracleResult(None, 9, False)) == "unknown"


def test_sweep_rows_add_up(make_tiny):
    tm = make_tiny(12, decoder="attention")
    pairs = [Pair(t, t[::-1]) for t in TEXTS]
    rows = beam_sweep(tm, pairs, widths=(1, 3), max_len=8)
    assert [r.beam_size for r in rows] == [1, 3]
    for row in rows:
        wrong = round((1 - row.exact_match) * row.n)
        assert row.search_errors + row.model_errors + row.unknown == wrong
        assert row.mean_length >= 1


def test_sweep_clamps_widths_to_the_vocabulary_and_runs_each_once(make_tiny):
    tm = make_tiny(12, decoder="attention")  # V = 12: at most 10 producible tokens
    pairs = [Pair(t, t[::-1]) for t in TEXTS]
    rows = beam_sweep(tm, pairs, widths=(1, 3, 5, 8, 12, 16), max_len=8)
    assert [r.beam_size for r in rows] == [1, 3, 5, 8, 10]


def test_sweep_counts_any_reference_and_scores_task_metrics(make_tiny):
    tm = make_tiny(12, decoder="attention")
    sources = [tm.src_vocab.encode(t, add_eos=True) for t in TEXTS]
    cfg = DecodeConfig(strategy="beam", beam_size=2, max_len=8)
    own = [r.best.text for r in beam_search_batch(tm.model, sources, cfg=cfg,
                                                  tgt_vocab=tm.tgt_vocab)]
    pairs = [Pair(t, "zzz") for t in TEXTS]  # the first reference is always wrong
    alone = beam_sweep(tm, pairs, widths=(2,), max_len=8, metrics=("exact_match",))[0]
    assert alone.exact_match == 0.0 and alone.scores == {"exact_match": 0.0}
    refs = [("zzz", o) for o in own]  # ... but each output is the second reference
    both = beam_sweep(tm, pairs, widths=(2,), max_len=8, references=refs,
                      metrics=("exact_match", "chrf"))[0]
    assert both.exact_match == 1.0 and both.search_errors + both.model_errors == 0
    assert both.scores["exact_match"] == 1.0
    assert both.scores["chrf"] == pytest.approx(chrf(own, refs))  # sacrebleu's own figure
    with pytest.raises(ValueError, match="4 reference lists for 5 pairs"):
        beam_sweep(tm, pairs, references=refs[:4])
