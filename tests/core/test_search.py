"""Greedy and beam search: a scripted table worked out by hand, and invariants on real models."""

import math
from types import SimpleNamespace

import pytest
import torch

from seq2seq_core import (
    DecodeConfig,
    Vocab,
    beam_search,
    greedy_batch,
    greedy_search,
    length_penalty,
    sequence_log_probs,
)
from seq2seq_core.decoder_base import DecoderState, Memory, StepOutput
from seq2seq_core.vocab import BOS_ID, EOS_ID

# ---------------------------------------------------------------------------------------
# A scripted decoder: next-token probabilities come from a table keyed by the prefix.
# Vocabulary: <pad>=0 <bos>=1 <eos>=2 <unk>=3 a=4 b=5.
TABLE = {
    (): {"a": 0.5, "b": 0.4, "<eos>": 0.1},
    ("a",): {"a": 0.15, "b": 0.05, "<eos>": 0.8},
    ("b",): {"a": 0.9, "b": 0.06, "<eos>": 0.04},
    ("b", "a"): {"a": 0.2, "b": 0.1, "<eos>": 0.7},
    ("a", "a"): {"a": 0.3, "b": 0.2, "<eos>": 0.5},
}
SCRIPT_VOCAB = Vocab(("<pad>", "<bos>", "<eos>", "<unk>", "a", "b"))


class ScriptedDecoder:
    attention = None

    def step(self, token, state, memory):
        prefixes = state.hidden[0].clone()  # (B, 8): the prefix ids so far, -1 = empty
        logits = torch.full((len(token), 6), float("-inf"))
        for row, tok in enumerate(token.tolist()):
            if tok != BOS_ID:
                prefixes[row, int((prefixes[row] >= 0).sum())] = tok
            key = tuple(SCRIPT_VOCAB.tokens[int(i)] for i in prefixes[row] if i >= 0)
            for name, p in TABLE.get(key, {"<eos>": 1.0}).items():
                logits[row, SCRIPT_VOCAB.id_of(name)] = math.log(p)
        return StepOutput(logits, DecoderState(prefixes[None], None), None)


class ScriptedModel:
    cfg = SimpleNamespace(tgt_vocab_size=6)
    has_attention = False
    decoder = ScriptedDecoder()

    def encode(self, src, src_mask):
        memory = Memory(torch.zeros(1, 1, 1), src_mask[:, :1], torch.zeros(1, 1), None)
        return memory, DecoderState(torch.full((1, 1, 8), -1.0), None)


def _search(k=2, alpha=0.0, max_len=10):
    return beam_search(ScriptedModel(), [EOS_ID], tgt_vocab=SCRIPT_VOCAB,
                       cfg=DecodeConfig(beam_size=k, length_penalty=alpha, max_len=max_len))


def test_scripted_beam_worked_out_by_hand():
    # K = 2. Step 1 from the root: a .5 (rank 0, kept), b .4 (rank 1, kept),
    #   <eos> .1 (rank 2: EOS outside the top K, pruned). <unk> has p = 0: not a candidate.
    # Step 2, prefix probabilities: a<eos> .4 (rank 0, EOS in top K: finished),
    #   ba .36 (kept), aa .075 (kept), ab .025, bb .024, b<eos> .016 (pruned: 3K = 6 kept).
    # Step 3: ba<eos> .252 (rank 0, finished), baa .072 (kept), aa<eos> .0375 (rank 2,
    #   EOS outside top K: pruned), bab .036 (kept), aaa .0225, aab .015 (pruned).
    #   Two hypotheses have finished = K: stop.
    result = _search()
    tree = result.tree
    expected = [  # (step, parent token path, token, status, probability of the prefix)
        (1, "", "a", "kept", .5), (1, "", "b", "kept", .4), (1, "", "<eos>", "pruned", .1),
        (2, "a", "<eos>", "finished", .4), (2, "b", "a", "kept", .36),
        (2, "a", "a", "kept", .075), (2, "a", "b", "pruned", .025),
        (2, "b", "b", "pruned", .024), (2, "b", "<eos>", "pruned", .016),
        (3, "ba", "<eos>", "finished", .252), (3, "ba", "a", "kept", .072),
        (3, "aa", "<eos>", "pruned", .0375), (3, "ba", "b", "kept", .036),
        (3, "aa", "a", "pruned", .0225), (3, "aa", "b", "pruned", .015)]
    nodes = tree.nodes[1:]
    assert len(nodes) == len(expected)
    for node, (step, prefix, token, status, prob) in zip(nodes, expected):
        path = "".join(n.token for n in tree.path(node.id)[1:-1])
        assert (node.step, path, node.token, node.status) == (step, prefix, token, status)
        assert node.score == pytest.approx(math.log(prob))
    texts = [h.text for h in result.hypotheses]
    assert texts == ["a", "ba"]
    assert [h.score for h in result.hypotheses] == pytest.approx([math.log(.4), math.log(.252)])


def test_scripted_length_penalty_follows_gnmt_formula():
    result = _search(alpha=1.0)
    for hyp in result.hypotheses:
        lp = ((5 + len(hyp.token_ids)) / 6) ** 1.0
        assert hyp.normalized_score == pytest.approx(hyp.score / lp)
    assert length_penalty(7, 1.0) == pytest.approx(2.0)


def test_scripted_greedy_and_width_one():
    greedy = greedy_search(ScriptedModel(), [EOS_ID], max_len=10, tgt_vocab=SCRIPT_VOCAB)
    assert greedy.best.text == "a" and greedy.best.score == pytest.approx(math.log(.4))
    assert _search(k=1).best.token_ids == greedy.best.token_ids


def test_max_len_one_gives_one_token():
    result = _search(k=2, max_len=1)
    assert all(len(h.token_ids) == 1 for h in result.hypotheses)
    assert [h.text for h in result.hypotheses] == ["a", "b"]
    assert not any(h.finished for h in result.hypotheses)


def test_width_above_vocabulary_is_clamped():
    result = _search(k=50)  # 4 producible tokens (<unk>, a, b, <eos>)
    assert result.tree.beam_size == 4


def test_width_zero_is_refused():
    with pytest.raises(ValueError, match="beam_size"):
        DecodeConfig(beam_size=0)


# ---------------------------------------------------------------------------------------
# Invariants on small random models (varied distributions, every architecture).
ARCHS = [dict(decoder="attention"), dict(decoder="fixed", fixed_context="sutskever"),
         dict(decoder="fixed", fixed_context="cho", cell="lstm"),
         dict(decoder="attention", score="general", bidirectional=True, cell="lstm")]
SOURCES = ["abc", "hgfedcba", "a"]


def _src(tm, text):
    return tm.src_vocab.encode(text, add_eos=True)


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_width_one_equals_greedy(make_tiny, arch, seed):
    tm = make_tiny(seed, **arch)
    for text in SOURCES:
        g = greedy_search(tm.model, _src(tm, text), max_len=12, tgt_vocab=tm.tgt_vocab)
        b = beam_search(tm.model, _src(tm, text), tgt_vocab=tm.tgt_vocab,
                        cfg=DecodeConfig(beam_size=1, max_len=12, n_best=1))
        assert b.best.token_ids == g.best.token_ids
        assert b.best.log_probs == pytest.approx(g.best.log_probs, abs=1e-6)


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("alpha", [0.0, 0.8])
def test_hypotheses_are_consistent_with_teacher_forcing(make_tiny, arch, alpha):
    tm = make_tiny(3, **arch)
    cfg = DecodeConfig(beam_size=4, max_len=9, n_best=4, length_penalty=alpha)
    for text in SOURCES:
        result = beam_search(tm.model, _src(tm, text), cfg=cfg, tgt_vocab=tm.tgt_vocab)
        norm = [h.normalized_score for h in result.hypotheses]
        assert norm == sorted(norm, reverse=True)
        for hyp in result.hypotheses:
            forced = sequence_log_probs(tm.model, _src(tm, text), hyp.token_ids)
            assert hyp.log_probs == pytest.approx(forced, abs=1e-5)
            assert hyp.score == pytest.approx(sum(forced), abs=1e-5)
            assert hyp.normalized_score == pytest.approx(
                hyp.score / length_penalty(len(hyp.token_ids), alpha))
            assert EOS_ID not in hyp.token_ids[:-1]  # nothing after EOS
            assert hyp.finished == (hyp.token_ids[-1] == EOS_ID)
            path = result.tree.path(hyp.leaf_id)
            assert tuple(n.token_id for n in path[1:]) == hyp.token_ids


@pytest.mark.parametrize("arch", ARCHS)
def test_tree_is_consistent(make_tiny, arch):
    tm = make_tiny(4, **arch)
    k = 3
    result = beam_search(tm.model, _src(tm, "abcd"), tgt_vocab=tm.tgt_vocab,
                         cfg=DecodeConfig(beam_size=k, max_len=8))
    tree = result.tree
    assert tree.nodes[0].status == "root" and tree.nodes[0].parent is None
    for i, node in enumerate(tree.nodes[1:], start=1):
        parent = tree.nodes[node.parent]
        assert node.id == i and parent.id < node.id
        assert parent.step == node.step - 1
        assert parent.status in ("root", "kept")  # only live hypotheses are extended
        assert node.score == pytest.approx(parent.score + node.log_prob, abs=1e-5)
        if tm.model.has_attention:
            assert len(node.attention) == len(tree.source_tokens) or not tree.source_tokens
    for step in range(1, tree.num_steps + 1):
        nodes = tree.at_step(step)
        assert sum(n.status == "kept" for n in nodes) <= k
        assert [n.rank for n in nodes] == list(range(len(nodes)))
        scores = [n.score for n in nodes]
        assert scores == sorted(scores, reverse=True)
        if step > 1 and len(nodes) == 3 * k:  # at least the next K beyond the beam
            assert sum(n.status == "pruned" for n in nodes) >= k
    finished_steps = [n.step for n in tree.finished()]
    assert all(tree.nodes[n.parent].status != "finished" for n in tree.nodes[1:])
    assert len(finished_steps) <= k


@pytest.mark.parametrize("arch", ARCHS)
def test_batched_greedy_equals_one_at_a_time(make_tiny, arch):
    tm = make_tiny(5, **arch)
    texts = ["abc", "hgfedcba", "a", "bbbbbb"]
    from seq2seq_core.data import encode_sources
    src, mask = encode_sources(texts, tm.src_vocab)
    batched = greedy_batch(tm.model, src, mask, max_len=10)
    for text, ids in zip(texts, batched):
        single = greedy_search(tm.model, _src(tm, text), max_len=10, tgt_vocab=tm.tgt_vocab)
        assert ids == [i for i in single.best.token_ids if i != EOS_ID]
